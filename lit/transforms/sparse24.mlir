// RUN: infer-opt %s --infer-sparse24 --split-input-file | FileCheck %s
// RUN: infer-opt %s --infer-sparse24 --infer-fold-constants --split-input-file | FileCheck %s --check-prefix=FOLD
// RUN: infer-opt %s --infer-sparse24="decline=no-sparse-kernels" --split-input-file | FileCheck %s --check-prefix=DECLINE
// RUN: infer-opt %s --infer-sparse24="mode=force" --split-input-file | FileCheck %s --check-prefix=FORCE

// Tests that a K x N weight with two non-zeros in every four along K
// becomes infer.sparse24 (rows: the output channels) and a transpose; the
// kept values in column order, the positions as 4-bit codes (group 0 of
// row 0 keeps columns 1 and 3: 0b1101 = 13; its other groups keep 0 and 1:
// 4, so its word is 0x444D = 17485; row 1's group 1 keeps 0 and 2: 8,
// 0x4484 = 17540). Folding gives the weight back.
// CHECK-LABEL: module attributes {infer.sparsity = [{k = 16 : i64, kind = "2:4", node = "mm", op = "MatMul", weights = 32 : i64, zeros = 24 : i64}]}
// CHECK-DAG: %[[V:.+]] = infer.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00], [3.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00, 7.000000e+00, 8.000000e+00, 0.000000e+00, 0.000000e+00]]> : tensor<2x8xf32>
// CHECK-DAG: %[[M:.+]] = infer.constant dense<{{\[\[}}17485], [17540]]> : tensor<2x1xi16>
// CHECK: %[[S:.+]] = infer.sparse24 %[[V]], %[[M]] : (tensor<2x8xf32>, tensor<2x1xi16>) -> tensor<2x16xf32>
// CHECK: %[[T:.+]] = infer.transpose %[[S]] perm [1, 0] : tensor<2x16xf32> -> tensor<16x2xf32>
// CHECK: infer.matmul %{{.*}}, %[[T]]
// FOLD-LABEL: func.func @matmul
// FOLD-NOT: infer.sparse24
// FOLD: infer.constant dense_resource<[[R:.+]]> : tensor<16x2xf32>
// FOLD: [[R]]: "0x0800000000000000000040400000803F0000804000000000000000000000004000000000000000000000A0400000000000000000000000000000C0400000000000000000000000000000E0400000000000000041000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
// DECLINE: kind = "declined", node = "mm", op = "MatMul", reason = "no-sparse-kernels"
// DECLINE-NOT: infer.sparse24
func.func @matmul(%x: tensor<4x16xf32>) -> tensor<4x2xf32> {
  %w = infer.constant dense<[[0.0, 3.0], [1.0, 4.0], [0.0, 0.0], [2.0, 0.0],
                             [0.0, 5.0], [0.0, 0.0], [0.0, 6.0], [0.0, 0.0],
                             [0.0, 7.0], [0.0, 8.0], [0.0, 0.0], [0.0, 0.0],
                             [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]]> : tensor<16x2xf32>
  %y = infer.matmul %x, %w : (tensor<4x16xf32>, tensor<16x2xf32>) -> tensor<4x2xf32> loc(#mm)
  return %y : tensor<4x2xf32>
}
#mm = loc("mm"("MatMul"))

// -----

// Tests a gemm with trans_b: the N x K weight becomes infer.sparse24 with
// no transpose.
// CHECK-LABEL: func.func @gemm_trans_b
// CHECK: %[[S:.+]] = infer.sparse24 {{.*}} -> tensor<1x16xf32>
// CHECK-NOT: infer.transpose
// CHECK: infer.gemm %{{.*}}, %[[S]]
func.func @gemm_trans_b(%x: tensor<4x16xf32>) -> tensor<4x1xf32> {
  %w = infer.constant dense<[[1.0, 0.0, 0.0, 2.0, 0.0, 0.0, 3.0, 4.0, 5.0, 0.0, 6.0, 0.0, 0.0, 0.0, 0.0, 0.0]]> : tensor<1x16xf32>
  %y = infer.gemm %x, %w alpha 1.0 beta 1.0 trans_b : (tensor<4x16xf32>, tensor<1x16xf32>) -> tensor<4x1xf32>
  return %y : tensor<4x1xf32>
}

// -----

// Tests that a weight with three non-zeros in a group is dense and stays;
// with mode=force it is pruned to the two largest (3 and -4 of 1, 3, -4)
// and then rewritten.
// CHECK-LABEL: module attributes {infer.sparsity = [{k = 16 : i64, kind = "dense"
// CHECK-NOT: infer.sparse24
// FORCE-LABEL: module attributes {infer.sparsity = [{forced = 1 : i64, k = 16 : i64, kind = "2:4"
// FORCE: infer.constant dense<{{\[\[}}3.000000e+00, -4.000000e+00, 0.000000e+00
// FORCE: infer.sparse24
func.func @dense(%x: tensor<4x16xf32>) -> tensor<4x1xf32> {
  %w = infer.constant dense<[[1.0, 3.0, -4.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]> : tensor<1x16xf32>
  %y = infer.gemm %x, %w alpha 1.0 beta 1.0 trans_b : (tensor<4x16xf32>, tensor<1x16xf32>) -> tensor<4x1xf32>
  return %y : tensor<4x1xf32>
}

// -----

// Tests the reasons 2:4 is declined: K not a multiple of 16, an
// activation operand, a grouped convolution, a convolution before it
// became a GEMM.
// CHECK-LABEL: module attributes {infer.sparsity = [
// CHECK-SAME: reason = "K (8) is not a multiple of 16, the sparse tile"
// CHECK-SAME: reason = "activation operand: both operands are computed at run time"
// CHECK-SAME: reason = "grouped or depthwise convolution"
// CHECK-SAME: reason = "convolution: run infer-conv-to-gemm first (a GEMM weight is rewritten)"
// CHECK-NOT: infer.sparse24
func.func @declined(%x: tensor<4x8xf32>, %a: tensor<4x4xf32>, %b: tensor<4x4xf32>, %img: tensor<1x8x4x4xf32>, %img16: tensor<1x16x4x4xf32>) -> (tensor<4x1xf32>, tensor<4x4xf32>, tensor<1x8x4x4xf32>, tensor<1x1x4x4xf32>) {
  %w = infer.constant dense<[[1.0, 0.0, 0.0, 2.0, 0.0, 3.0, 4.0, 0.0]]> : tensor<1x8xf32>
  %y = infer.gemm %x, %w alpha 1.0 beta 1.0 trans_b : (tensor<4x8xf32>, tensor<1x8xf32>) -> tensor<4x1xf32>
  %p = infer.matmul %a, %b : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  %gw = infer.constant dense<1.0> : tensor<8x4x1x1xf32>
  %g = infer.conv %img, %gw strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 2 : (tensor<1x8x4x4xf32>, tensor<8x4x1x1xf32>) -> tensor<1x8x4x4xf32>
  %cw = infer.constant dense<[[[[1.0]], [[0.0]], [[0.0]], [[1.0]], [[1.0]], [[0.0]], [[0.0]], [[1.0]], [[1.0]], [[0.0]], [[0.0]], [[1.0]], [[1.0]], [[0.0]], [[0.0]], [[1.0]]]]> : tensor<1x16x1x1xf32>
  %c = infer.conv %img16, %cw strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x16x4x4xf32>, tensor<1x16x1x1xf32>) -> tensor<1x1x4x4xf32>
  return %y, %p, %g, %c : tensor<4x1xf32>, tensor<4x4xf32>, tensor<1x8x4x4xf32>, tensor<1x1x4x4xf32>
}
