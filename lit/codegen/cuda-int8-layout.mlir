// int8 layout changes: a model input quantized for an int8 stem, padded
// from 3 channels to 8 and transposed to NHWC is one channel transpose
// kernel that reads the fp32 image and writes the padded int8 one
// (x / scale rounded to nearest even, clamped); an int8 graph input seen as
// quantized values moves as its bytes: its kernel's recorded argument
// sizes are 1-byte elements (2 x 48 x 14 x 14 = 18816 bytes each way, the
// runtime checks them against the plan).
// RUN: infer-compile %s --target=cuda:sm_90a -o %t.infer --report=- | FileCheck %s --check-prefix=KINDS
// RUN: infer-translate --emit-ptx %s | FileCheck %s
// KINDS: quantize+pad+transpose/to_channels_last {{.*}} Stem
// KINDS: transpose/to_channels_last {{.*}} Bytes
// CHECK-DAG: cvt.rni.f32.f32
// CHECK-DAG: .b8 infer_kernel_1_info[40] = {5, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 128, 73, 0, 0, 0, 0, 0, 0, 128, 73};
!q = !quant.uniform<i8<-127:127>:f32, 2.000000e-02>
func.func @main(%x: tensor<2x3x8x8xf32>, %b: tensor<2x48x14x14xi8>)
    -> (tensor<2x8x8x8x!q>, tensor<2x14x14x48x!q>) {
  %q = infer.quantize %x : tensor<2x3x8x8xf32> -> tensor<2x3x8x8x!q> loc("Stem"("QuantizeLinear"))
  %p = infer.pad constant %q pads [0, 0, 0, 0, 0, 5, 0, 0] value 0.0 : tensor<2x3x8x8x!q> -> tensor<2x8x8x8x!q> loc("Stem"("Conv"))
  %t = infer.transpose %p perm [0, 2, 3, 1] : tensor<2x8x8x8x!q> -> tensor<2x8x8x8x!q> loc("Stem"("Conv"))
  %c = infer.cast %b : tensor<2x48x14x14xi8> to tensor<2x48x14x14x!q> loc("Bytes"("DequantizeLinear"))
  %u = infer.transpose %c perm [0, 2, 3, 1] : tensor<2x48x14x14x!q> -> tensor<2x14x14x48x!q> loc("Bytes"("Conv"))
  return %t, %u : tensor<2x8x8x8x!q>, tensor<2x14x14x48x!q>
}
