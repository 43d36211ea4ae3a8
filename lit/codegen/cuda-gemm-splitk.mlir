// A product with few output tiles (ResNet-50's last 3x3 convolution at
// batch 1: 49 rows, K 4608, N 512) splits K over 18 blocks per tile: the
// wgmma kernel writes fp32 partial tiles to scratch memory, a reduction
// kernel sums them and applies the epilogue (bias, ReLU) on the way to the
// fp16 result. The report gives the FLOPs to the GEMM launch.
// RUN: infer-compile %s --target=cuda:sm_90a -o %t.infer --report=- | FileCheck %s --check-prefix=REPORT
// RUN: infer-translate --emit-ptx %s | FileCheck %s
// RUN: %if ptxas %{ infer-translate --emit-ptx %s -o %t.ptx && %ptxas -arch=sm_90a %t.ptx -o %t.cubin %}
// REPORT: infer_kernel_0 gemm+relu/gemm_sm90_splitk fp16 231.21 {{.*}} 72  MatMul_0, Add_1, Relu_2
// REPORT: infer_kernel_1 gemm+relu/splitk_reduce fp16 0.00 {{.*}} 13  MatMul_0, Add_1, Relu_2
// CHECK: .visible .entry infer_kernel_0(
// CHECK: wgmma.mma_async.sync.aligned.m64n128k16.f32.f16.f16
// CHECK: st.global.v4.b32
// CHECK: .visible .entry infer_kernel_1(
// CHECK-COUNT-36: ld.global.v4.b32
// CHECK: max.f32
// CHECK: st.global.v4.b32
func.func @main(%x: tensor<49x4608xf16>) -> tensor<49x512xf16> {
  %w = infer.constant dense<0.01> : tensor<4608x512xf16>
  %b = infer.constant dense<0.5> : tensor<512xf16>
  %y = infer.matmul %x, %w : (tensor<49x4608xf16>, tensor<4608x512xf16>) -> tensor<49x512xf16> loc("MatMul_0"("MatMul"))
  %z = infer.binary add %y, %b : (tensor<49x512xf16>, tensor<512xf16>) -> tensor<49x512xf16> loc("Add_1"("Add"))
  %r = infer.unary relu %z : tensor<49x512xf16> -> tensor<49x512xf16> loc("Relu_2"("Relu"))
  return %r : tensor<49x512xf16>
}
