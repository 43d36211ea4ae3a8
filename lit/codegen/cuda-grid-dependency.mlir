// From sm_90 on every CUDA kernel, generic or template, begins with
// griddepcontrol.wait (then launch_dependents), in inline assembly that
// clobbers memory so that no load moves above it, and the artifact's
// binaries carry the feature "griddepcontrol": the runtime then launches
// each kernel with programmatic stream serialization, its launch
// overlapping the tail of the kernel before. sm_80 code has neither.
// RUN: infer-translate --emit-ptx --cuda-arch=sm_90a %s | FileCheck %s
// RUN: infer-translate --emit-ptx --cuda-arch=sm_80 %s | FileCheck %s --check-prefix=SM80
// RUN: %if ptxas %{ infer-translate --emit-ptx --cuda-arch=sm_90a %s -o %t.ptx && %ptxas -arch=sm_90a %t.ptx -o %t.cubin %}
// RUN: infer-compile %s --target=cuda:sm_90a -o %t.90.infer
// RUN: infer-compile %s --target=cuda:sm_80 -o %t.80.infer
// RUN: %python -c "import sys; print([open(f, 'rb').read().count(b'griddepcontrol\0') > 0 for f in sys.argv[1:]])" %t.90.infer %t.80.infer | FileCheck %s --check-prefix=FEATURE
// CHECK: .entry infer_kernel_{{[0-9]}}(
// CHECK-NOT: ld.global
// CHECK: griddepcontrol.wait;
// CHECK-NEXT: griddepcontrol.launch_dependents;
// CHECK: .entry infer_kernel_{{[0-9]}}(
// CHECK-NOT: ld.global
// CHECK: griddepcontrol.wait;
// CHECK-NEXT: griddepcontrol.launch_dependents;
// SM80-NOT: griddepcontrol
// FEATURE: [True, False]
func.func @main(%a: tensor<256x128xf16>, %b: tensor<256x64xf16>) -> tensor<256x64xf16> {
  %w = infer.constant dense<0.5> : tensor<128x64xf16>
  %e = infer.unary relu %a : tensor<256x128xf16> -> tensor<256x128xf16>
  %t = infer.unary tanh %e : tensor<256x128xf16> -> tensor<256x128xf16>
  %y = infer.matmul %t, %w : (tensor<256x128xf16>, tensor<128x64xf16>) -> tensor<256x64xf16>
  %z = infer.binary add %y, %b : (tensor<256x64xf16>, tensor<256x64xf16>) -> tensor<256x64xf16>
  return %z : tensor<256x64xf16>
}
