// A transpose takes the single-use slices and reshapes before it into one
// group, which copies the chain's operand through one strided view (the
// head split of attention: q out of the fused projection, the heads
// split and moved first): 16 bytes per thread where the innermost
// dimension stays contiguous. A reshape with another reader stays out
// (the transpose copies through a view of it alone). A batched product of
// two computed operands takes an elementwise epilogue of any kind (its
// generic kernel applies it).
// RUN: infer-compile %s --target=cuda:sm_90a -o %t.infer --report=- | FileCheck %s --check-prefix=REPORT
// RUN: infer-opt %s --infer-fuse --infer-cuda-select-config=arch=sm_90a | FileCheck %s --check-prefix=IR
// RUN: infer-translate --emit-ptx %s | FileCheck %s --check-prefix=PTX
// RUN: %if ptxas %{ infer-translate --emit-ptx %s -o %t.ptx && %ptxas -arch=sm_90a %t.ptx -o %t.cubin %}
// REPORT-DAG: slice+reshape+transpose/view_copy {{.*}} Slice_0, Reshape_0, Transpose_0
// REPORT-DAG: transpose/view_copy {{.*}} Transpose_1
// REPORT-DAG: matmul+div {{.*}} MatMul_2, Div_2
// IR: infer.fused "slice+reshape+transpose"
// IR-NEXT: ^bb0(
// IR-NEXT: infer.slice {{.*}}view_copy
// IR: infer.transpose %{{.*}} perm [1, 0, 2] {infer.tile = #infer.cuda_tile<view_copy
// PTX: ld.global.v4.b32
// PTX: st.global.v4.b32
func.func @main(%p: tensor<128x1x768xf16>, %x: tensor<128x256xf16>, %k: tensor<8x32x128xf16>)
    -> (tensor<8x128x32xf16>, tensor<8x128x32xf16>, tensor<128x8x32xf16>, tensor<8x128x128xf16>) {
  %s = infer.slice %p starts [0, 0, 256] ends [128, 1, 512] steps [1, 1, 1] : tensor<128x1x768xf16> -> tensor<128x1x256xf16> loc("Slice_0"("Slice"))
  %r = infer.reshape %s : tensor<128x1x256xf16> -> tensor<128x8x32xf16> loc("Reshape_0"("Reshape"))
  %t = infer.transpose %r perm [1, 0, 2] : tensor<128x8x32xf16> -> tensor<8x128x32xf16> loc("Transpose_0"("Transpose"))
  %r1 = infer.reshape %x : tensor<128x256xf16> -> tensor<128x8x32xf16> loc("Reshape_1"("Reshape"))
  %t1 = infer.transpose %r1 perm [1, 0, 2] : tensor<128x8x32xf16> -> tensor<8x128x32xf16> loc("Transpose_1"("Transpose"))
  %c = infer.constant dense<2.0> : tensor<f16>
  %m = infer.matmul %t1, %k : (tensor<8x128x32xf16>, tensor<8x32x128xf16>) -> tensor<8x128x128xf16> loc("MatMul_2"("MatMul"))
  %d = infer.binary div %m, %c : (tensor<8x128x128xf16>, tensor<f16>) -> tensor<8x128x128xf16> loc("Div_2"("Div"))
  return %t, %t1, %r1, %d : tensor<8x128x32xf16>, tensor<8x128x32xf16>, tensor<128x8x32xf16>, tensor<8x128x128xf16>
}
