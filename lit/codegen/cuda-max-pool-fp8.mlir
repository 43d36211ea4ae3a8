// Channels-last max pooling of f8E4M3FN (one scale: the maximum of the
// codes is that of what they stand for) runs the max_pool template's int8
// path on an order-preserving code: each byte whose sign bit is set has its
// low 7 bits flipped, four bytes a word (the sign bits shifted down, masked
// with 0x01010101 and multiplied by 0x7F), on every load and once more on
// the maximum; the bytes compare two an instruction (max.s16x2), no byte
// is unpacked.
// RUN: infer-compile %s --target=cuda:sm_90a -o %t.infer --report=- | FileCheck %s --check-prefix=REPORT
// RUN: infer-translate --emit-ptx %s | FileCheck %s
// RUN: %if ptxas %{ infer-translate --emit-ptx %s -o %t.ptx && %ptxas -arch=sm_90a %t.ptx -o %t.cubin %}
// REPORT: pool/max_pool_nhwc fp8 {{.*}} MaxFp8
// CHECK-LABEL: .visible .entry infer_kernel_0(
// CHECK: ld.global.v4.b32
// CHECK: and.b32 {{.*}}, 16843009;
// CHECK: max.s16x2
// CHECK: and.b32 {{.*}}, 16843009;
// CHECK: st.global.v4.b32
// CHECK-NOT: {{cvt|prmt}}
// CHECK: ret;
func.func @main(%a: tensor<2x15x15x64xf8E4M3FN>) -> tensor<2x8x8x64xf8E4M3FN> {
  %0 = infer.pool max %a kernel [3, 3] strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] channels_last
       : tensor<2x15x15x64xf8E4M3FN> -> tensor<2x8x8x64xf8E4M3FN> loc("MaxFp8"("MaxPool"))
  return %0 : tensor<2x8x8x64xf8E4M3FN>
}
