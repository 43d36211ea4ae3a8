// An int8 matmul (activation per tensor, weight per tensor or per column)
// runs on sm_90a's wgmma with s8 operands and s32 accumulators: K tiles of
// 128 int8 values, k32 steps; the epilogue converts the sums to fp32, scales
// them by both operands' scales (a per-column operand), applies ReLU and
// requantizes (clamp, then round to nearest even by adding 1.5 * 2^23, the
// int8 value the sum's low byte). A residual read as int8 (a dequantize in
// the group) is converted on the way (x ^ 0x80 in the last bits of 1.5 *
// 2^23, minus 1.5 * 2^23 + 128) and scaled. None of it uses the conversion
// unit (cvt), but for sums that may leave [-2^22, 2^22): a constant weight
// whose column magnitudes sum to 2^15 or more (the Large product: 512 x 127)
// has its sums converted by cvt.rn.f32.s32. Before the requantization, steps
// that commute with a positive scale (column scales, bias, int8 residual,
// ReLU, Clip) take its 1 / scale into their constants (no multiply), and
// after a ReLU it clamps only above; after a GELU it multiplies (by 1 / 0.05
// = 20, 0f41A00000) and clamps both ways.
// On sm_80 to sm_90 the mma.sync kernel takes it: m16n8k32 s8 mma on the
// fragments ldmatrix reads from K-major int8 rows (64 int8 values a stage).
// RUN: infer-compile %s --target=cuda:sm_90a -o %t.infer --report=- | FileCheck %s --check-prefix=KINDS
// RUN: infer-translate --emit-ptx %s | FileCheck %s
// RUN: %if ptxas %{ infer-translate --emit-ptx %s -o %t.ptx && %ptxas -arch=sm_90a %t.ptx -o %t.cubin %}
// RUN: infer-compile %s --target=cuda:sm_80 -o %t80.infer --report=- | FileCheck %s --check-prefix=SM80
// RUN: infer-translate --emit-ptx --cuda-arch=sm_80 %s | FileCheck %s --check-prefix=PTX80
// RUN: %if ptxas %{ infer-translate --emit-ptx --cuda-arch=sm_80 %s -o %t80.ptx && %ptxas -arch=sm_80 %t80.ptx -o %t80.cubin %}
// KINDS: matmul+relu+quantize/gemm_sm90 int8 {{.*}} Requantize
// KINDS: matmul+add+dequantize/gemm_sm90 {{.*}} Residual
// SM80: matmul+relu+quantize/gemm_sm80 {{.*}} Requantize
// SM80: matmul+add+dequantize/gemm_sm80 {{.*}} Residual
// PTX80: mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32
// KINDS: matmul+quantize/gemm_sm90 int8 {{.*}} Large
// KINDS: matmul+gelu+quantize/gemm_sm90 int8 {{.*}} Gelu
// CHECK-LABEL: .visible .entry infer_kernel_0(
// CHECK: wgmma.mma_async.sync.aligned.m64n64k32.s32.s8.s8
// CHECK-NOT: cvt.r
// CHECK: add.s32 {{.*}}, 1262485504;
// CHECK-NEXT: add.f32 {{.*}}, 0fCB400000;
// CHECK-NOT: {{cvt.r|mul.f32 .*0f|max.f32 .*0fC2FE0000}}
// CHECK: max.f32 {{.*}}, 0f00000000;
// CHECK-NOT: {{cvt.r|mul.f32 .*0f|max.f32 .*0fC2FE0000}}
// CHECK: min.f32 {{.*}}, 0f42FE0000;
// CHECK-NOT: {{cvt.r|mul.f32 .*0f|max.f32 .*0fC2FE0000}}
// CHECK: add.f32 {{.*}}, 0f4B400000;
// CHECK-NOT: cvt.r
// CHECK-LABEL: .visible .entry infer_kernel_1(
// CHECK-NOT: cvt.r
// CHECK: xor.b32 {{.*}}, -2139062144;
// CHECK-NOT: cvt.r
// CHECK: add.f32 {{.*}}, 0fCB400080;
// CHECK-NOT: cvt.r
// CHECK-LABEL: .visible .entry infer_kernel_2(
// CHECK-COUNT-32: cvt.rn.f32.s32
// CHECK-NOT: cvt.r
// CHECK: add.f32 {{.*}}, 0f4B400000;
// CHECK-LABEL: .visible .entry infer_kernel_3(
// CHECK: ex2.approx
// CHECK: mul.f32 {{.*}}, 0f41A00000;
// CHECK: max.f32 {{.*}}, 0fC2FE0000;
!a = !quant.uniform<i8<-127:127>:f32, 2.000000e-02>
!w = !quant.uniform<i8<-127:127>:f32, 1.000000e-02>
!y = !quant.uniform<i8<-127:127>:f32, 5.000000e-02>
func.func @main(%x: tensor<256x128x!a>, %r: tensor<256x64x!y>, %z: tensor<256x512x!a>)
    -> (tensor<256x64x!y>, tensor<256x64xf32>, tensor<256x64x!y>, tensor<256x64x!y>) {
  %c = infer.constant dense<3> : tensor<128x64xi8>
  %w = infer.cast %c : tensor<128x64xi8> to tensor<128x64x!w>
  %m = infer.matmul %x, %w : (tensor<256x128x!a>, tensor<128x64x!w>) -> tensor<256x64xf32> loc("Requantize"("MatMul"))
  %u = infer.unary relu %m : tensor<256x64xf32> -> tensor<256x64xf32> loc("Requantize"("Relu"))
  %q = infer.quantize %u : tensor<256x64xf32> -> tensor<256x64x!y> loc("Requantize"("QuantizeLinear"))
  %c2 = infer.constant dense<5> : tensor<128x64xi8>
  %w2 = infer.cast %c2 : tensor<128x64xi8> to tensor<128x64x!w>
  %n = infer.matmul %x, %w2 : (tensor<256x128x!a>, tensor<128x64x!w>) -> tensor<256x64xf32> loc("Residual"("MatMul"))
  %d = infer.dequantize %r : tensor<256x64x!y> -> tensor<256x64xf32> loc("Residual"("DequantizeLinear"))
  %s = infer.binary add %n, %d : (tensor<256x64xf32>, tensor<256x64xf32>) -> tensor<256x64xf32> loc("Residual"("Add"))
  %c3 = infer.constant dense<127> : tensor<512x64xi8>
  %w3 = infer.cast %c3 : tensor<512x64xi8> to tensor<512x64x!w>
  %l = infer.matmul %z, %w3 : (tensor<256x512x!a>, tensor<512x64x!w>) -> tensor<256x64xf32> loc("Large"("MatMul"))
  %lq = infer.quantize %l : tensor<256x64xf32> -> tensor<256x64x!y> loc("Large"("QuantizeLinear"))
  %c4 = infer.constant dense<7> : tensor<128x64xi8>
  %w4 = infer.cast %c4 : tensor<128x64xi8> to tensor<128x64x!w>
  %gm = infer.matmul %x, %w4 : (tensor<256x128x!a>, tensor<128x64x!w>) -> tensor<256x64xf32> loc("Gelu"("MatMul"))
  %ge = infer.unary gelu %gm : tensor<256x64xf32> -> tensor<256x64xf32> loc("Gelu"("Gelu"))
  %gq = infer.quantize %ge : tensor<256x64xf32> -> tensor<256x64x!y> loc("Gelu"("QuantizeLinear"))
  return %q, %s, %lq, %gq : tensor<256x64x!y>, tensor<256x64xf32>, tensor<256x64x!y>, tensor<256x64x!y>
}
