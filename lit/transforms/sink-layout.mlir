// RUN: infer-opt --infer-sink-layout %s | FileCheck %s

// A transpose moves below the unary op; the inverse transposes then meet
// and vanish.
// CHECK-LABEL: func.func @unary_cancels
// CHECK-NEXT: %[[R:.*]] = infer.unary relu %arg0 : tensor<1x4x4x8xf16>
// CHECK-NEXT: return %[[R]]
func.func @unary_cancels(%x: tensor<1x4x4x8xf16>) -> tensor<1x4x4x8xf16> {
  %t = infer.transpose %x perm [0, 3, 1, 2] : tensor<1x4x4x8xf16> -> tensor<1x8x4x4xf16>
  %r = infer.unary relu %t : tensor<1x8x4x4xf16> -> tensor<1x8x4x4xf16>
  %u = infer.transpose %r perm [0, 2, 3, 1] : tensor<1x8x4x4xf16> -> tensor<1x4x4x8xf16>
  return %u : tensor<1x4x4x8xf16>
}

// A residual add of two values that went through the same reshape and
// transpose: the add moves above both.
// CHECK-LABEL: func.func @binary_same_change
// CHECK-NEXT: %[[A:.*]] = infer.binary add %arg0, %arg1 : (tensor<16x8xf16>, tensor<16x8xf16>) -> tensor<16x8xf16>
// CHECK-NEXT: %[[R:.*]] = infer.reshape %[[A]] : tensor<16x8xf16> -> tensor<1x4x4x8xf16>
// CHECK-NEXT: %[[T:.*]] = infer.transpose %[[R]] perm [0, 3, 1, 2]
// CHECK-NEXT: return %[[T]]
func.func @binary_same_change(%a: tensor<16x8xf16>, %b: tensor<16x8xf16>) -> tensor<1x8x4x4xf16> {
  %ra = infer.reshape %a : tensor<16x8xf16> -> tensor<1x4x4x8xf16>
  %ta = infer.transpose %ra perm [0, 3, 1, 2] : tensor<1x4x4x8xf16> -> tensor<1x8x4x4xf16>
  %rb = infer.reshape %b : tensor<16x8xf16> -> tensor<1x4x4x8xf16>
  %tb = infer.transpose %rb perm [0, 3, 1, 2] : tensor<1x4x4x8xf16> -> tensor<1x8x4x4xf16>
  %s = infer.binary add %ta, %tb : (tensor<1x8x4x4xf16>, tensor<1x8x4x4xf16>) -> tensor<1x8x4x4xf16>
  return %s : tensor<1x8x4x4xf16>
}

// A per-channel constant follows the transpose (permuted, folded) and the
// reshape (one value per kept last dimension).
// CHECK-LABEL: func.func @binary_constant
// CHECK-NEXT: %[[C:.*]] = infer.constant dense<{{.*}}> : tensor<8xf16>
// CHECK-NEXT: %[[A:.*]] = infer.binary add %arg0, %[[C]] : (tensor<16x8xf16>, tensor<8xf16>) -> tensor<16x8xf16>
// CHECK-NEXT: infer.reshape %[[A]]
// CHECK-NEXT: infer.transpose
func.func @binary_constant(%a: tensor<16x8xf16>) -> tensor<1x8x4x4xf16> {
  %c = infer.constant dense<[[[1.0]], [[2.0]], [[3.0]], [[4.0]], [[5.0]], [[6.0]], [[7.0]], [[8.0]]]> : tensor<8x1x1xf16>
  %ra = infer.reshape %a : tensor<16x8xf16> -> tensor<1x4x4x8xf16>
  %ta = infer.transpose %ra perm [0, 3, 1, 2] : tensor<1x4x4x8xf16> -> tensor<1x8x4x4xf16>
  %s = infer.binary add %ta, %c : (tensor<1x8x4x4xf16>, tensor<8x1x1xf16>) -> tensor<1x8x4x4xf16>
  return %s : tensor<1x8x4x4xf16>
}

// Left alone: a transpose with another user (moving it would duplicate
// it), different permutations on the two operands, a non-constant
// broadcast operand.
// CHECK-LABEL: func.func @shared
// CHECK: %[[T:.*]] = infer.transpose %arg0
// CHECK: infer.unary relu %[[T]]
// CHECK-LABEL: func.func @different
// CHECK: infer.binary add %{{.*}}, %{{.*}} : (tensor<4x4xf16>, tensor<4x4xf16>)
// CHECK-LABEL: func.func @broadcast_input
// CHECK: %[[T:.*]] = infer.transpose %arg0
// CHECK: infer.binary add %[[T]], %arg1
func.func @shared(%x: tensor<2x4xf16>) -> (tensor<4x2xf16>, tensor<4x2xf16>) {
  %t = infer.transpose %x perm [1, 0] : tensor<2x4xf16> -> tensor<4x2xf16>
  %r = infer.unary relu %t : tensor<4x2xf16> -> tensor<4x2xf16>
  return %r, %t : tensor<4x2xf16>, tensor<4x2xf16>
}
func.func @different(%x: tensor<4x4xf16>, %y: tensor<2x8xf16>) -> tensor<4x4xf16> {
  %t = infer.transpose %x perm [1, 0] : tensor<4x4xf16> -> tensor<4x4xf16>
  %r = infer.reshape %y : tensor<2x8xf16> -> tensor<4x4xf16>
  %s = infer.binary add %t, %r : (tensor<4x4xf16>, tensor<4x4xf16>) -> tensor<4x4xf16>
  return %s : tensor<4x4xf16>
}
func.func @broadcast_input(%x: tensor<2x4xf16>, %b: tensor<2xf16>) -> tensor<4x2xf16> {
  %t = infer.transpose %x perm [1, 0] : tensor<2x4xf16> -> tensor<4x2xf16>
  %s = infer.binary add %t, %b : (tensor<4x2xf16>, tensor<2xf16>) -> tensor<4x2xf16>
  return %s : tensor<4x2xf16>
}
