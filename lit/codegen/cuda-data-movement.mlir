// On CUDA the im2col gather and the NHWC padding of a convolution lowered
// to a GEMM move 16 bytes per thread (ld.global.v4 / st.global.v4) on
// every architecture; a gather whose rows are not a multiple of 16 bytes
// keeps the generic one-element kernel. (Kernels 1 and 3 are the
// infer.check of each gather's run-time indices.)
// RUN: infer-translate --emit-ptx --cuda-arch=sm_80 %s | FileCheck %s
// CHECK: .target sm_80
// CHECK-DAG: .reqntid 256, 1, 1
// CHECK-DAG: ld.global.v4.b32
// CHECK-DAG: st.global.v4.b32
// CHECK-DAG: st.global.v2.b64
// CHECK: .visible .entry infer_kernel_4(
// CHECK-NOT: .v4
func.func @main(%x: tensor<2x8x8x16xf16>, %i: tensor<36xi32>, %t: tensor<10x3xf16>, %j: tensor<4xi64>)
    -> (tensor<2x10x10x16xf16>, tensor<2x36x16xf16>, tensor<4x3xf16>) {
  %p = infer.pad constant %x pads [0, 1, 1, 0, 0, 1, 1, 0] value 0.0 : tensor<2x8x8x16xf16> -> tensor<2x10x10x16xf16>
  %r = infer.reshape %x : tensor<2x8x8x16xf16> -> tensor<2x64x16xf16>
  %g = infer.gather %r, %i axis 1 : (tensor<2x64x16xf16>, tensor<36xi32>) -> tensor<2x36x16xf16>
  %e = infer.gather %t, %j axis 0 : (tensor<10x3xf16>, tensor<4xi64>) -> tensor<4x3xf16>
  return %p, %g, %e : tensor<2x10x10x16xf16>, tensor<2x36x16xf16>, tensor<4x3xf16>
}
