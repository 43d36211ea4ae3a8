// Global average and max pooling run one warp per (image, channel) row on
// CUDA: lanes read consecutive 16-byte chunks (a 16x16 fp16 row: 8 halves
// per load), accumulate in f32, combine by butterfly shuffles, and lane 0
// writes the mean or the maximum. Rows whose length is not a multiple of 8
// read fewer elements per load (7x7: one); Lp pooling keeps the generic
// kernel.
// A mean over the spatial axes of NHWC (what a global pool of a
// channels-last tensor becomes) runs a block per (image, run of channels):
// threads split over 16-byte channel vectors and the length, then meet in
// a shared-memory tree; a sum over the last axis is a row kernel; a
// reduction over axes that are not consecutive keeps the generic kernel.
// RUN: infer-compile %s --target=cuda:sm_90a -o %t.infer --report=- | FileCheck %s --check-prefix=REPORT
// RUN: infer-translate --emit-ptx %s | FileCheck %s
// RUN: %if ptxas %{ infer-translate --emit-ptx %s -o %t.ptx && %ptxas -arch=sm_90a %t.ptx -o %t.cubin %}
// REPORT: global_pool/row_mean {{.*}} 8  GlobalAveragePool_0
// REPORT: global_pool/row_max {{.*}} 2  GlobalMaxPool_1
// REPORT: global_pool {{.*}} GlobalLpPool_2
// REPORT: reduce/col_mean {{.*}} 2  ReduceMean_3
// REPORT: reduce/row_sum {{.*}} ReduceSum_4
// REPORT: reduce {{.*}} ReduceMax_5
// CHECK: .visible .entry infer_kernel_0(
// CHECK: ld.global.v4.b32
// CHECK: shfl.sync.bfly.b32
// CHECK: .visible .entry infer_kernel_1(
// CHECK: shfl.sync.bfly.b32
// CHECK: setp.nan.f32
// CHECK: .visible .entry infer_kernel_3(
// CHECK: ld.global.v4.b32
// CHECK: st.shared.v4.b32
// CHECK: bar.sync 0
// CHECK: st.global.v4.b32
// CHECK: .visible .entry infer_kernel_2(
// CHECK-NOT: shfl.sync
// CHECK: .visible .entry infer_kernel_5(
func.func @main(%x: tensor<2x32x16x16xf16>, %y: tensor<2x8x7x7xf32>, %z: tensor<2x7x7x64xf16>)
    -> (tensor<2x32x1x1xf16>, tensor<2x8x1x1xf32>, tensor<2x8x1x1xf32>, tensor<2x1x1x64xf16>,
        tensor<2x8x7xf32>, tensor<7x64xf16>) {
  %a = infer.global_pool avg %x : tensor<2x32x16x16xf16> -> tensor<2x32x1x1xf16> loc("GlobalAveragePool_0"("GlobalAveragePool"))
  %m = infer.global_pool max %y : tensor<2x8x7x7xf32> -> tensor<2x8x1x1xf32> loc("GlobalMaxPool_1"("GlobalMaxPool"))
  %l = infer.global_pool lp %y : tensor<2x8x7x7xf32> -> tensor<2x8x1x1xf32> loc("GlobalLpPool_2"("GlobalLpPool"))
  %c = infer.reduce mean %z axes [1, 2] keep_dims : tensor<2x7x7x64xf16> -> tensor<2x1x1x64xf16> loc("ReduceMean_3"("ReduceMean"))
  %s = infer.reduce sum %y axes [3] : tensor<2x8x7x7xf32> -> tensor<2x8x7xf32> loc("ReduceSum_4"("ReduceSum"))
  %n = infer.reduce max %z axes [0, 2] : tensor<2x7x7x64xf16> -> tensor<7x64xf16> loc("ReduceMax_5"("ReduceMax"))
  return %a, %m, %l, %c, %s, %n : tensor<2x32x1x1xf16>, tensor<2x8x1x1xf32>, tensor<2x8x1x1xf32>,
      tensor<2x1x1x64xf16>, tensor<2x8x7xf32>, tensor<7x64xf16>
}
