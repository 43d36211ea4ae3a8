// On sm_90a a product whose epilogue reads an M x N operand (a residual)
// brings that operand's lines into L2 before its main loop, a line per
// consumer thread (prefetch.L2), so that the epilogue reads them from L2;
// a product without one (bias and activation only) prefetches nothing.
// RUN: infer-translate --emit-ptx --cuda-arch=sm_90a %s | FileCheck %s
// RUN: infer-translate --emit-ptx --cuda-arch=sm_90a %s | grep -c 'prefetch.L2' | FileCheck %s --check-prefix=COUNT
// RUN: %if ptxas %{ infer-translate --emit-ptx --cuda-arch=sm_90a %s -o %t.ptx && %ptxas -arch=sm_90a %t.ptx -o %t.cubin %}
// CHECK-COUNT-2: .entry infer_kernel_
// COUNT: 1
func.func @main(%a: tensor<256x128xf16>, %r: tensor<256x64xf16>) -> (tensor<256x64xf16>, tensor<256x64xf16>) {
  %w = infer.constant dense<0.5> : tensor<128x64xf16>
  %w2 = infer.constant dense<0.25> : tensor<128x64xf16>
  %y = infer.matmul %a, %w : (tensor<256x128xf16>, tensor<128x64xf16>) -> tensor<256x64xf16>
  %z = infer.binary add %y, %r : (tensor<256x64xf16>, tensor<256x64xf16>) -> tensor<256x64xf16>
  %v = infer.matmul %a, %w2 : (tensor<256x128xf16>, tensor<128x64xf16>) -> tensor<256x64xf16>
  %u = infer.unary relu %v : tensor<256x64xf16> -> tensor<256x64xf16>
  return %z, %u : tensor<256x64xf16>, tensor<256x64xf16>
}
