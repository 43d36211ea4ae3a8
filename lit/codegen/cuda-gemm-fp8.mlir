// An fp8 matmul (f8E4M3FN activation and weight, an f32 result) runs on
// sm_90a's wgmma with e4m3 operands and f32 accumulators: K tiles of 128
// values, k32 steps. Its epilogue applies the scales' per-column mul and
// ReLU and requantizes to f8E4M3FN with cvt.rn.satfinite.e4m3x2.f32 (the
// requantization's 1 / scale folded into the column scales: no multiply
// before the conversion). A residual read as f8E4M3FN (a dequantize in the
// group) is converted by cvt.rn.f16x2.e4m3x2 and scaled. sm_80 to sm_90
// have no fp8 kernel: --precision=fp8 is refused there, and an fp8 product
// the mma.sync kernel cannot take says why.
// RUN: infer-compile %s --target=cuda:sm_90a -o %t.infer --report=- | FileCheck %s --check-prefix=KINDS
// RUN: infer-translate --emit-ptx %s | FileCheck %s
// RUN: %if ptxas %{ infer-translate --emit-ptx %s -o %t.ptx && %ptxas -arch=sm_90a %t.ptx -o %t.cubin %}
// KINDS: matmul+mul+relu+quantize/gemm_sm90 fp8 {{.*}} Requantize
// KINDS: matmul+mul+add+dequantize/gemm_sm90 fp8 {{.*}} Residual
// CHECK-LABEL: .visible .entry infer_kernel_0(
// CHECK: wgmma.mma_async.sync.aligned.m64n64k32.f32.e4m3.e4m3
// CHECK-NOT: mul.f32 {{.*}}, 0f4
// CHECK: cvt.rn.satfinite.e4m3x2.f32
// CHECK-LABEL: .visible .entry infer_kernel_1(
// CHECK: wgmma.mma_async.sync.aligned.m64n64k32.f32.e4m3.e4m3
// CHECK: cvt.rn.f16x2.e4m3x2
// CHECK-NOT: cvt.rn.satfinite.e4m3x2.f32
func.func @main(%x: tensor<256x128xf8E4M3FN>, %r: tensor<256x64xf8E4M3FN>)
    -> (tensor<256x64xf8E4M3FN>, tensor<256x64xf32>) {
  %w = infer.constant dense<1.5> : tensor<128x64xf8E4M3FN>
  %s = infer.constant dense<0.01> : tensor<64xf32>
  %m = infer.matmul %x, %w : (tensor<256x128xf8E4M3FN>, tensor<128x64xf8E4M3FN>) -> tensor<256x64xf32> loc("Requantize"("MatMul"))
  %ms = infer.binary mul %m, %s : (tensor<256x64xf32>, tensor<64xf32>) -> tensor<256x64xf32> loc("Requantize"("Mul"))
  %u = infer.unary relu %ms : tensor<256x64xf32> -> tensor<256x64xf32> loc("Requantize"("Relu"))
  %q = infer.quantize %u {scale = 0.125 : f64} : tensor<256x64xf32> -> tensor<256x64xf8E4M3FN> loc("Requantize"("QuantizeLinear"))
  %w2 = infer.constant dense<-2.0> : tensor<128x64xf8E4M3FN>
  %n = infer.matmul %x, %w2 : (tensor<256x128xf8E4M3FN>, tensor<128x64xf8E4M3FN>) -> tensor<256x64xf32> loc("Residual"("MatMul"))
  %ns = infer.binary mul %n, %s : (tensor<256x64xf32>, tensor<64xf32>) -> tensor<256x64xf32> loc("Residual"("Mul"))
  %d = infer.dequantize %r {scale = 0.25 : f64} : tensor<256x64xf8E4M3FN> -> tensor<256x64xf32> loc("Residual"("DequantizeLinear"))
  %a = infer.binary add %ns, %d : (tensor<256x64xf32>, tensor<256x64xf32>) -> tensor<256x64xf32> loc("Residual"("Add"))
  return %q, %a : tensor<256x64xf8E4M3FN>, tensor<256x64xf32>
}
