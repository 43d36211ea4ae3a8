// SiLU (x sigmoid x, EfficientNet's activation) and sigmoid (its
// squeeze-excite gate) after a 16-bit product run in the GEMM epilogue:
// one kernel on tensor cores, with the hardware's ex2 and reciprocal
// approximations (no libdevice call, no IEEE division), instead of a
// separate elementwise kernel per layer.
// ptxas, when installed, must accept it.
// RUN: infer-translate --emit-ptx %s | FileCheck %s
// RUN: %if ptxas %{ infer-translate --emit-ptx %s -o %t.ptx && %ptxas -arch=sm_90a %t.ptx -o %t.cubin %}
// RUN: infer-compile %s --target=cuda:sm_90a -o %t.infer --report=- | FileCheck %s --check-prefix=REPORT
// RUN: sed 's/unary silu/unary sigmoid/' %s > %t.sigmoid.mlir
// RUN: infer-compile %t.sigmoid.mlir --target=cuda:sm_90a -o %t.sig --report=- | FileCheck %s --check-prefix=SIGMOID
// SIGMOID: gemm+sigmoid/gemm_sm90
// SIGMOID: 1 kernels
// CHECK-COUNT-1: .visible .entry
// CHECK-NOT: .visible .entry
// CHECK-NOT: .extern .func
// CHECK: wgmma.mma_async.sync.aligned.m64n128k16.f32.f16.f16
// CHECK: ex2.approx.ftz.f32
// CHECK: rcp.approx.ftz.f32
// CHECK: cvt.rn.f16x2.f32
// REPORT: gemm+silu/gemm_sm90
// REPORT: 1 kernels
func.func @main(%a: tensor<256x64xf16>) -> tensor<256x128xf16> {
  %w = infer.constant dense<0.125> : tensor<64x128xf16>
  %b = infer.constant dense<0.5> : tensor<128xf16>
  %0 = infer.matmul %a, %w : (tensor<256x64xf16>, tensor<64x128xf16>) -> tensor<256x128xf16>
  %1 = infer.binary add %0, %b : (tensor<256x128xf16>, tensor<128xf16>) -> tensor<256x128xf16>
  %2 = infer.unary silu %1 : tensor<256x128xf16> -> tensor<256x128xf16>
  return %2 : tensor<256x128xf16>
}
