// bf16 products on sm_90a take the same wgmma kernel with bf16 operands
// (the result of --precision=bf16); ptxas, when installed, must accept it.
// RUN: infer-translate --emit-ptx %s | FileCheck %s
// RUN: %if ptxas %{ infer-translate --emit-ptx %s -o %t.ptx && %ptxas -arch=sm_90a %t.ptx -o %t.cubin %}
// CHECK: .target sm_90a
// CHECK: cp.async.bulk.tensor.2d
// CHECK: wgmma.mma_async.sync.aligned.m64n128k16.f32.bf16.bf16
// CHECK: cvt.rn.bf16x2.f32
func.func @main(%a: tensor<256x64xbf16>) -> tensor<256x128xbf16> {
  %w = infer.constant dense<0.125> : tensor<64x128xbf16>
  %0 = infer.matmul %a, %w : (tensor<256x64xbf16>, tensor<64x128xbf16>) -> tensor<256x128xbf16>
  return %0 : tensor<256x128xbf16>
}
