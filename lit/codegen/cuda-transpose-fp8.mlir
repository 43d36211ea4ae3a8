// An fp32 image quantized to f8E4M3FN on its way to channels-last (a
// stem's input) is one to_channels_last kernel: each lane loaded and
// scaled (times 1 / scale = 4), then converted two lanes an instruction by
// cvt.rn.satfinite.e4m3x2.f32 (16 lanes: 8 conversions).
// RUN: infer-compile %s --target=cuda:sm_90a -o %t.infer --report=- | FileCheck %s --check-prefix=REPORT
// RUN: infer-translate --emit-ptx %s | FileCheck %s
// RUN: %if ptxas %{ infer-translate --emit-ptx %s -o %t.ptx && %ptxas -arch=sm_90a %t.ptx -o %t.cubin %}
// REPORT: quantize+transpose/to_channels_last fp8 {{.*}} Stem
// CHECK-LABEL: .visible .entry infer_kernel_0(
// CHECK: mul.f32 {{.*}}, 0f40800000;
// CHECK-COUNT-8: cvt.rn.satfinite.e4m3x2.f32
// CHECK-NOT: cvt.rn.satfinite.e4m3x2.f32
// CHECK: st.global.v4.b32
func.func @main(%x: tensor<2x16x8x8xf32>) -> tensor<2x8x8x16xf8E4M3FN> {
  %q = infer.quantize %x {scale = 0.25 : f64} : tensor<2x16x8x8xf32> -> tensor<2x16x8x8xf8E4M3FN> loc("Stem"("QuantizeLinear"))
  %t = infer.transpose %q perm [0, 2, 3, 1] : tensor<2x16x8x8xf8E4M3FN> -> tensor<2x8x8x16xf8E4M3FN> loc("Stem"("Transpose"))
  return %t : tensor<2x8x8x16xf8E4M3FN>
}
