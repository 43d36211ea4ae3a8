// Channels-last max pooling runs the max_pool template: a thread per
// output pixel and 16-byte run of channels, the window's rows in a loop
// and its taps unrolled, each tap one vector load from inside the image.
// int8 (one scale: the maximum of the int8 values is that of what they
// stand for) compares two bytes an instruction (max.s16x2 on bytes moved
// to the high halves of 16-bit lanes); 16-bit floats two halves
// (max.NaN.f16x2: NaN propagates); f32 one. A channels-first pool, an
// average pool and int8 channels not in whole words keep the generic
// kernel.
// RUN: infer-compile %s --target=cuda:sm_90a -o %t.infer --report=- | FileCheck %s --check-prefix=REPORT
// RUN: infer-translate --emit-ptx %s | FileCheck %s
// RUN: %if ptxas %{ infer-translate --emit-ptx %s -o %t.ptx && %ptxas -arch=sm_90a %t.ptx -o %t.cubin %}
// REPORT-DAG: pool/max_pool_nhwc {{.*}} MaxInt8
// REPORT-DAG: pool/max_pool_nhwc {{.*}} MaxHalf
// REPORT-DAG: pool/max_pool_nhwc {{.*}} MaxFloat
// REPORT-DAG: infer_kernel_{{[0-9]+}} pool {{.*}} MaxFirst
// REPORT-DAG: infer_kernel_{{[0-9]+}} pool {{.*}} Average
// REPORT-DAG: infer_kernel_{{[0-9]+}} pool {{.*}} MaxInt8Odd
// CHECK-LABEL: .visible .entry infer_kernel_0(
// CHECK: ld.global.v4.b32
// CHECK-COUNT-24: max.s16x2
// CHECK-NOT: max.s16x2
// CHECK: st.global.v4.b32
// CHECK-LABEL: .visible .entry infer_kernel_1(
// CHECK-COUNT-12: max.NaN.f16x2
// CHECK: st.global.v4.b32
// CHECK-LABEL: .visible .entry infer_kernel_2(
// CHECK: max.NaN.f32
// CHECK: st.global.v4.b32
!q = !quant.uniform<i8<-127:127>:f32, 2.000000e-02>
func.func @main(%a: tensor<2x15x15x64x!q>, %b: tensor<2x15x15x16xf16>, %c: tensor<2x15x15x8xf32>,
                %d: tensor<2x16x15x15xf16>, %e: tensor<2x15x15x16xf16>, %f: tensor<2x15x15x6x!q>)
    -> (tensor<2x8x8x64x!q>, tensor<2x8x8x16xf16>, tensor<2x8x8x8xf32>, tensor<2x16x8x8xf16>,
        tensor<2x8x8x16xf16>, tensor<2x8x8x6x!q>) {
  %0 = infer.pool max %a kernel [3, 3] strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] channels_last
       : tensor<2x15x15x64x!q> -> tensor<2x8x8x64x!q> loc("MaxInt8"("MaxPool"))
  %1 = infer.pool max %b kernel [3, 3] strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] channels_last
       : tensor<2x15x15x16xf16> -> tensor<2x8x8x16xf16> loc("MaxHalf"("MaxPool"))
  %2 = infer.pool max %c kernel [3, 3] strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] channels_last
       : tensor<2x15x15x8xf32> -> tensor<2x8x8x8xf32> loc("MaxFloat"("MaxPool"))
  %3 = infer.pool max %d kernel [3, 3] strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1]
       : tensor<2x16x15x15xf16> -> tensor<2x16x8x8xf16> loc("MaxFirst"("MaxPool"))
  %4 = infer.pool avg %e kernel [3, 3] strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] channels_last
       : tensor<2x15x15x16xf16> -> tensor<2x8x8x16xf16> loc("Average"("AveragePool"))
  %5 = infer.pool max %f kernel [3, 3] strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] channels_last
       : tensor<2x15x15x6x!q> -> tensor<2x8x8x6x!q> loc("MaxInt8Odd"("MaxPool"))
  return %0, %1, %2, %3, %4, %5 : tensor<2x8x8x64x!q>, tensor<2x8x8x16xf16>, tensor<2x8x8x8xf32>,
      tensor<2x16x8x8xf16>, tensor<2x8x8x16xf16>, tensor<2x8x8x6x!q>
}
