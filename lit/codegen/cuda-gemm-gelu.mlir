// GELU (erf form) after a 16-bit product runs in the GEMM epilogue: one
// kernel, on tensor cores, with erf approximated by a polynomial (no
// libdevice call). ptxas, when installed, must accept it.
// RUN: infer-translate --emit-ptx %s | FileCheck %s
// RUN: %if ptxas %{ infer-translate --emit-ptx %s -o %t.ptx && %ptxas -arch=sm_90a %t.ptx -o %t.cubin %}
// CHECK-COUNT-1: .visible .entry
// CHECK-NOT: .visible .entry
// CHECK-NOT: .extern .func
// CHECK: wgmma.mma_async.sync.aligned.m64n128k16.f32.f16.f16
// CHECK: fma.rn.f32
// CHECK: cvt.rn.f16x2.f32
func.func @main(%a: tensor<256x64xf16>) -> tensor<256x128xf16> {
  %w = infer.constant dense<0.125> : tensor<64x128xf16>
  %b = infer.constant dense<0.5> : tensor<128xf16>
  %0 = infer.matmul %a, %w : (tensor<256x64xf16>, tensor<64x128xf16>) -> tensor<256x128xf16>
  %1 = infer.binary add %0, %b : (tensor<256x128xf16>, tensor<128xf16>) -> tensor<256x128xf16>
  %2 = infer.unary gelu %1 : tensor<256x128xf16> -> tensor<256x128xf16>
  return %2 : tensor<256x128xf16>
}
