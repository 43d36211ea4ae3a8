// A concatenation that is not written in place (NHWC channels at batch 2,
// DenseNet's layers) copies 16 bytes per thread: the source operand is
// chosen by comparing the chunk's column with the operands' boundaries.
// One whose runs are not whole 16-byte chunks (3 fp16 channels) keeps the
// generic kernel.
// RUN: infer-compile %s --target=cuda:sm_90a -o %t.infer --report=- | FileCheck %s --check-prefix=REPORT
// RUN: infer-translate --emit-ptx %s | FileCheck %s
// RUN: %if ptxas %{ infer-translate --emit-ptx %s -o %t.ptx && %ptxas -arch=sm_90a %t.ptx -o %t.cubin %}
// REPORT-DAG: concat/concat_rows {{.*}} 2  Concat_0
// REPORT-DAG: infer_kernel_{{[0-9]+}} concat {{.*}} Concat_1
// CHECK: .visible .entry infer_kernel_0(
// CHECK: selp.b64
// CHECK: ld.global.v4.b32
// CHECK: st.global.v4.b32
func.func @main(%a: tensor<2x4x4x64xf16>, %b: tensor<2x4x4x32xf16>, %c: tensor<2x4x4x32xf16>,
                %d: tensor<2x4x4x3xf16>, %e: tensor<2x4x4x5xf16>)
    -> (tensor<2x4x4x128xf16>, tensor<2x4x4x8xf16>) {
  %x = infer.concat %a, %b, %c axis 3 : (tensor<2x4x4x64xf16>, tensor<2x4x4x32xf16>, tensor<2x4x4x32xf16>) -> tensor<2x4x4x128xf16> loc("Concat_0"("Concat"))
  %y = infer.concat %d, %e axis 3 : (tensor<2x4x4x3xf16>, tensor<2x4x4x5xf16>) -> tensor<2x4x4x8xf16> loc("Concat_1"("Concat"))
  return %x, %y : tensor<2x4x4x128xf16>, tensor<2x4x4x8xf16>
}
