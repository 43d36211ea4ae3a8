// NCHW <-> NHWC transposes whose channels come in 16-byte runs move a run
// per thread: 8 scalar loads from 8 planes and one 16-byte store (to
// channels-last), or the reverse; 4 fp16 channels (a stem's, 8 bytes)
// move 8 bytes per thread. Other permutations, or 3 fp16 channels, take
// the view copy (an element per thread here: the innermost dimension is
// not contiguous in the source).
// RUN: infer-translate --emit-ptx --cuda-arch=sm_80 %s | FileCheck %s
// RUN: infer-compile %s --target=cuda:sm_80 -o %t.infer --report=- | FileCheck %s --check-prefix=KINDS
// CHECK: .target sm_80
// CHECK-DAG: st.global.v4.b32
// CHECK-DAG: ld.global.v4.b32
// CHECK-DAG: ld.global.b16
// CHECK-DAG: st.global.b16
// CHECK-DAG: st.global.v2.b32
// KINDS: transpose/to_channels_last
// KINDS-NEXT: transpose/to_channels_first
// KINDS-NEXT: transpose/view_copy
// KINDS-NEXT: transpose/view_copy
// KINDS-NEXT: transpose/to_channels_last
func.func @main(%x: tensor<2x8x4x4xf16>, %y: tensor<2x4x4x16xf16>, %z: tensor<2x3x4x4xf16>,
                %w: tensor<2x8x4x4xf16>, %v: tensor<2x4x4x4xf16>)
    -> (tensor<2x4x4x8xf16>, tensor<2x16x4x4xf16>, tensor<2x4x4x3xf16>, tensor<2x4x8x4xf16>,
        tensor<2x4x4x4xf16>) {
  %a = infer.transpose %x perm [0, 2, 3, 1] : tensor<2x8x4x4xf16> -> tensor<2x4x4x8xf16>
  %b = infer.transpose %y perm [0, 3, 1, 2] : tensor<2x4x4x16xf16> -> tensor<2x16x4x4xf16>
  %c = infer.transpose %z perm [0, 2, 3, 1] : tensor<2x3x4x4xf16> -> tensor<2x4x4x3xf16>
  %d = infer.transpose %w perm [0, 2, 1, 3] : tensor<2x8x4x4xf16> -> tensor<2x4x8x4xf16>
  %e = infer.transpose %v perm [0, 2, 3, 1] : tensor<2x4x4x4xf16> -> tensor<2x4x4x4xf16>
  return %a, %b, %c, %d, %e : tensor<2x4x4x8xf16>, tensor<2x16x4x4xf16>, tensor<2x4x4x3xf16>,
      tensor<2x4x8x4xf16>, tensor<2x4x4x4xf16>
}
