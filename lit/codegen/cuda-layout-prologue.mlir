// A model input going to a stem's implicit GEMM is cast to 16 bits, padded
// from 3 channels to 4 and transposed to NHWC: the transpose takes the
// padding and the cast into its group, and the channel transpose kernel
// reads the fp32 image and writes the padded fp16 (or bf16) one in one
// pass (fp32 loads rounded with cvt, the fourth channel written as 0).
// Left alone: a padding of another dimension (the width here), which
// stays a kernel of its own with the cast.
// RUN: infer-compile %s --target=cuda:sm_90a -o %t.infer --report=- | FileCheck %s --check-prefix=KINDS
// RUN: infer-translate --emit-ptx %s | FileCheck %s
// RUN: %if ptxas %{ infer-translate --emit-ptx %s -o %t.ptx && %ptxas -arch=sm_90a %t.ptx -o %t.cubin %}
// KINDS: cast+pad+transpose/to_channels_last {{.*}} Stem_0
// KINDS: cast+pad+transpose/to_channels_last {{.*}} Stem_1
// KINDS-NOT: Stem_0
// KINDS-NOT: Stem_1
// KINDS: {{ +}}cast{{ +}}{{.*}} Stem_2
// KINDS: {{ +}}pad{{.*}} Stem_2
// KINDS: transpose/to_channels_last {{.*}} Stem_2
// CHECK-DAG: cvt.rn.f16.f32
// CHECK-DAG: cvt.rn.bf16.f32
// CHECK-DAG: st.global.v2.b32
func.func @main(%x: tensor<2x3x8x8xf32>, %y: tensor<2x3x8x8xf32>, %z: tensor<2x4x8x7xf32>)
    -> (tensor<2x8x8x4xf16>, tensor<2x8x8x4xbf16>, tensor<2x8x8x4xf16>) {
  %c = infer.cast %x : tensor<2x3x8x8xf32> to tensor<2x3x8x8xf16> loc("Stem_0"("Conv"))
  %p = infer.pad constant %c pads [0, 0, 0, 0, 0, 1, 0, 0] value 0.0 : tensor<2x3x8x8xf16> -> tensor<2x4x8x8xf16> loc("Stem_0"("Conv"))
  %t = infer.transpose %p perm [0, 2, 3, 1] : tensor<2x4x8x8xf16> -> tensor<2x8x8x4xf16> loc("Stem_0"("Conv"))
  %cb = infer.cast %y : tensor<2x3x8x8xf32> to tensor<2x3x8x8xbf16> loc("Stem_1"("Conv"))
  %pb = infer.pad constant %cb pads [0, 0, 0, 0, 0, 1, 0, 0] value 0.0 : tensor<2x3x8x8xbf16> -> tensor<2x4x8x8xbf16> loc("Stem_1"("Conv"))
  %tb = infer.transpose %pb perm [0, 2, 3, 1] : tensor<2x4x8x8xbf16> -> tensor<2x8x8x4xbf16> loc("Stem_1"("Conv"))
  %cw = infer.cast %z : tensor<2x4x8x7xf32> to tensor<2x4x8x7xf16> loc("Stem_2"("Conv"))
  %pw = infer.pad constant %cw pads [0, 0, 0, 0, 0, 0, 0, 1] value 0.0 : tensor<2x4x8x7xf16> -> tensor<2x4x8x8xf16> loc("Stem_2"("Conv"))
  %tw = infer.transpose %pw perm [0, 2, 3, 1] : tensor<2x4x8x8xf16> -> tensor<2x8x8x4xf16> loc("Stem_2"("Conv"))
  return %t, %tb, %tw : tensor<2x8x8x4xf16>, tensor<2x8x8x4xbf16>, tensor<2x8x8x4xf16>
}
