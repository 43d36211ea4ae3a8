// A per-column scale after a product (ConvNeXt's layer scale, when folding
// it into fp16 weights would flush them to zero) runs in the GEMM
// epilogue with the bias and the residual add: one kernel. A multiply by
// a full-size tensor stays a kernel of its own.
// RUN: infer-compile %s --target=cuda:sm_90a -o %t.infer --report=- | FileCheck %s --check-prefix=REPORT
// RUN: %if ptxas %{ infer-translate --emit-ptx %s -o %t.ptx && %ptxas -arch=sm_90a %t.ptx -o %t.cubin %}
// REPORT-DAG: matmul+add+mul+add/gemm_sm90 {{.*}} MatMul_0, Add_1, Mul_2, Add_3
// REPORT-DAG: binary.mul {{.*}} Mul_5
func.func @main(%x: tensor<2x64x64x96xf16>, %r: tensor<2x64x64x96xf16>, %f: tensor<2x64x64x96xf16>)
    -> (tensor<2x64x64x96xf16>, tensor<2x64x64x96xf16>) {
  %w = infer.constant dense<0.02> : tensor<96x96xf16>
  %b = infer.constant dense<0.5> : tensor<96xf16>
  %g = infer.constant dense<1.0e-6> : tensor<1x1x1x96xf16>
  %m = infer.matmul %x, %w : (tensor<2x64x64x96xf16>, tensor<96x96xf16>) -> tensor<2x64x64x96xf16> loc("MatMul_0"("MatMul"))
  %a = infer.binary add %b, %m : (tensor<96xf16>, tensor<2x64x64x96xf16>) -> tensor<2x64x64x96xf16> loc("Add_1"("Add"))
  %s = infer.binary mul %g, %a : (tensor<1x1x1x96xf16>, tensor<2x64x64x96xf16>) -> tensor<2x64x64x96xf16> loc("Mul_2"("Mul"))
  %y = infer.binary add %s, %r : (tensor<2x64x64x96xf16>, tensor<2x64x64x96xf16>) -> tensor<2x64x64x96xf16> loc("Add_3"("Add"))
  %w2 = infer.constant dense<0.03> : tensor<96x96xf16>
  %m2 = infer.matmul %x, %w2 : (tensor<2x64x64x96xf16>, tensor<96x96xf16>) -> tensor<2x64x64x96xf16> loc("MatMul_4"("MatMul"))
  %z = infer.binary mul %m2, %f : (tensor<2x64x64x96xf16>, tensor<2x64x64x96xf16>) -> tensor<2x64x64x96xf16> loc("Mul_5"("Mul"))
  return %y, %z : tensor<2x64x64x96xf16>, tensor<2x64x64x96xf16>
}
