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
// it), different permutations on the two operands. A computed broadcast
// operand follows the transpose as a reshape ([2] is [1, 2] after the
// transpose, [2, 1] before it).
// CHECK-LABEL: func.func @shared
// CHECK: %[[T:.*]] = infer.transpose %arg0
// CHECK: infer.unary relu %[[T]]
// CHECK-LABEL: func.func @different
// CHECK: infer.binary add %{{.*}}, %{{.*}} : (tensor<4x4xf16>, tensor<4x4xf16>)
// CHECK-LABEL: func.func @broadcast_input
// CHECK-NEXT: %[[R:.*]] = infer.reshape %arg1 : tensor<2xf16> -> tensor<2x1xf16>
// CHECK-NEXT: %[[A:.*]] = infer.binary add %arg0, %[[R]]
// CHECK-NEXT: infer.transpose %[[A]] perm [1, 0]
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

// A global pool of a channels-last tensor transposed to channels-first
// reduces the channels-last tensor over its spatial dimensions; the
// squeeze-excite scale [N, C, 1, 1] follows the transpose as a reshape
// (only dimensions of size 1 move), so the multiply moves above it too.
// CHECK-LABEL: func.func @squeeze_excite
// CHECK-NEXT: %[[R:.*]] = infer.reduce mean %arg0 axes [1, 2] keep_dims : tensor<2x4x4x8xf16> -> tensor<2x1x1x8xf16>
// CHECK-NEXT: %[[S:.*]] = infer.unary sigmoid %[[R]] : tensor<2x1x1x8xf16>
// CHECK-NEXT: %[[M:.*]] = infer.binary mul %arg0, %[[S]] : (tensor<2x4x4x8xf16>, tensor<2x1x1x8xf16>) -> tensor<2x4x4x8xf16>
// CHECK-NEXT: return %[[M]]
func.func @squeeze_excite(%x: tensor<2x4x4x8xf16>) -> tensor<2x4x4x8xf16> {
  %t = infer.transpose %x perm [0, 3, 1, 2] : tensor<2x4x4x8xf16> -> tensor<2x8x4x4xf16>
  %p = infer.global_pool avg %t : tensor<2x8x4x4xf16> -> tensor<2x8x1x1xf16>
  %s = infer.unary sigmoid %p : tensor<2x8x1x1xf16> -> tensor<2x8x1x1xf16>
  %m = infer.binary mul %t, %s : (tensor<2x8x4x4xf16>, tensor<2x8x1x1xf16>) -> tensor<2x8x4x4xf16>
  %u = infer.transpose %m perm [0, 2, 3, 1] : tensor<2x8x4x4xf16> -> tensor<2x4x4x8xf16>
  return %u : tensor<2x4x4x8xf16>
}

// Not moved: a pool of another transpose, an Lp pool, and a computed
// operand whose layout change would reorder dimensions larger than 1.
// CHECK-LABEL: func.func @not_channels_last
// CHECK: infer.global_pool avg
// CHECK: infer.global_pool lp
// CHECK: infer.binary add %{{.*}}, %{{.*}} : (tensor<2x8x4x4xf16>, tensor<2x8x4x1xf16>)
func.func @not_channels_last(%x: tensor<2x4x8x4xf16>, %y: tensor<2x4x4x8xf16>, %z: tensor<2x8x4x1xf16>)
    -> (tensor<2x8x1x1xf16>, tensor<2x8x1x1xf16>, tensor<2x8x4x4xf16>) {
  %t = infer.transpose %x perm [0, 2, 1, 3] : tensor<2x4x8x4xf16> -> tensor<2x8x4x4xf16>
  %p = infer.global_pool avg %t : tensor<2x8x4x4xf16> -> tensor<2x8x1x1xf16>
  %ty = infer.transpose %y perm [0, 3, 1, 2] : tensor<2x4x4x8xf16> -> tensor<2x8x4x4xf16>
  %l = infer.global_pool lp %ty : tensor<2x8x4x4xf16> -> tensor<2x8x1x1xf16>
  %tz = infer.transpose %y perm [0, 3, 1, 2] : tensor<2x4x4x8xf16> -> tensor<2x8x4x4xf16>
  %a = infer.binary add %tz, %z : (tensor<2x8x4x4xf16>, tensor<2x8x4x1xf16>) -> tensor<2x8x4x4xf16>
  return %p, %l, %a : tensor<2x8x1x1xf16>, tensor<2x8x1x1xf16>, tensor<2x8x4x4xf16>
}

// ShuffleNet's block on channels-last tensors: the channel padding, the
// concatenation, the channel shuffle (reshape, transpose, reshape) and
// the channel split all move above the transposes, which are left only
// on the results.
// CHECK-LABEL: func.func @shuffle_block
// CHECK: infer.pad constant %arg0 pads [0, 0, 0, 0, 0, 0, 0, 6]
// CHECK-NEXT: infer.transpose %{{.*}} perm [0, 3, 1, 2]
// CHECK-NEXT: infer.concat %arg1, %arg2 axis 3 : (tensor<1x4x4x8xf16>, tensor<1x4x4x8xf16>) -> tensor<1x4x4x16xf16>
// CHECK-NEXT: infer.reshape %{{.*}} : tensor<1x4x4x16xf16> -> tensor<1x4x4x2x8xf16>
// CHECK-NEXT: infer.transpose %{{.*}} perm [0, 1, 2, 4, 3] : tensor<1x4x4x2x8xf16> -> tensor<1x4x4x8x2xf16>
// CHECK-NEXT: infer.reshape %{{.*}} : tensor<1x4x4x8x2xf16> -> tensor<1x4x4x16xf16>
// CHECK-NEXT: infer.slice %{{.*}} starts [0, 0, 0, 0] ends [1, 4, 4, 8] steps [1, 1, 1, 1] : tensor<1x4x4x16xf16> -> tensor<1x4x4x8xf16>
// CHECK-NEXT: infer.transpose %{{.*}} perm [0, 3, 1, 2]
// CHECK-NEXT: infer.slice %{{.*}} starts [0, 0, 0, 8] ends [1, 4, 4, 16] steps [1, 1, 1, 1] : tensor<1x4x4x16xf16> -> tensor<1x4x4x8xf16>
// CHECK-NEXT: infer.transpose %{{.*}} perm [0, 3, 1, 2]
// CHECK-NEXT: return
func.func @shuffle_block(%p: tensor<1x4x4x2xf16>, %a: tensor<1x4x4x8xf16>, %b: tensor<1x4x4x8xf16>)
    -> (tensor<1x8x4x4xf16>, tensor<1x8x4x4xf16>, tensor<1x8x4x4xf16>) {
  %tp = infer.transpose %p perm [0, 3, 1, 2] : tensor<1x4x4x2xf16> -> tensor<1x2x4x4xf16>
  %pp = infer.pad constant %tp pads [0, 0, 0, 0, 0, 6, 0, 0] value 0.0 : tensor<1x2x4x4xf16> -> tensor<1x8x4x4xf16>
  %ta = infer.transpose %a perm [0, 3, 1, 2] : tensor<1x4x4x8xf16> -> tensor<1x8x4x4xf16>
  %tb = infer.transpose %b perm [0, 3, 1, 2] : tensor<1x4x4x8xf16> -> tensor<1x8x4x4xf16>
  %c = infer.concat %ta, %tb axis 1 : (tensor<1x8x4x4xf16>, tensor<1x8x4x4xf16>) -> tensor<1x16x4x4xf16>
  %g = infer.reshape %c : tensor<1x16x4x4xf16> -> tensor<1x2x8x4x4xf16>
  %s = infer.transpose %g perm [0, 2, 1, 3, 4] : tensor<1x2x8x4x4xf16> -> tensor<1x8x2x4x4xf16>
  %f = infer.reshape %s : tensor<1x8x2x4x4xf16> -> tensor<1x16x4x4xf16>
  %x1 = infer.slice %f starts [0, 0, 0, 0] ends [1, 8, 4, 4] steps [1, 1, 1, 1] : tensor<1x16x4x4xf16> -> tensor<1x8x4x4xf16>
  %x2 = infer.slice %f starts [0, 8, 0, 0] ends [1, 16, 4, 4] steps [1, 1, 1, 1] : tensor<1x16x4x4xf16> -> tensor<1x8x4x4xf16>
  return %pp, %x1, %x2 : tensor<1x8x4x4xf16>, tensor<1x8x4x4xf16>, tensor<1x8x4x4xf16>
}

// Not moved: a concatenation of one transposed and one plain operand, a
// shuffle of a tensor that is not channels-last transposed.
// CHECK-LABEL: func.func @mixed
// CHECK: %[[T:.*]] = infer.transpose %arg0
// CHECK: infer.concat %[[T]], %arg1 axis 1
// CHECK: infer.reshape %arg2
func.func @mixed(%a: tensor<1x4x4x8xf16>, %b: tensor<1x8x4x4xf16>, %c: tensor<1x16x4x4xf16>)
    -> (tensor<1x16x4x4xf16>, tensor<1x16x4x4xf16>) {
  %ta = infer.transpose %a perm [0, 3, 1, 2] : tensor<1x4x4x8xf16> -> tensor<1x8x4x4xf16>
  %x = infer.concat %ta, %b axis 1 : (tensor<1x8x4x4xf16>, tensor<1x8x4x4xf16>) -> tensor<1x16x4x4xf16>
  %g = infer.reshape %c : tensor<1x16x4x4xf16> -> tensor<1x2x8x4x4xf16>
  %s = infer.transpose %g perm [0, 2, 1, 3, 4] : tensor<1x2x8x4x4xf16> -> tensor<1x8x2x4x4xf16>
  %f = infer.reshape %s : tensor<1x8x2x4x4xf16> -> tensor<1x16x4x4xf16>
  return %x, %f : tensor<1x16x4x4xf16>, tensor<1x16x4x4xf16>
}

// A pool of a channels-last tensor transposed to channels-first runs
// channels-last, below the transpose; an NCHW pool of a plain tensor stays.
// CHECK-LABEL: func.func @pool
// CHECK-NEXT: %[[P:.*]] = infer.pool max %arg0 kernel [3, 3] strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] channels_last : tensor<1x8x8x16xf16> -> tensor<1x4x4x16xf16>
// CHECK-NEXT: infer.transpose %[[P]] perm [0, 3, 1, 2]
// CHECK: infer.pool avg %arg1 kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] :
func.func @pool(%x: tensor<1x8x8x16xf16>, %y: tensor<1x16x8x8xf16>) -> (tensor<1x16x4x4xf16>, tensor<1x16x4x4xf16>) {
  %t = infer.transpose %x perm [0, 3, 1, 2] : tensor<1x8x8x16xf16> -> tensor<1x16x8x8xf16>
  %p = infer.pool max %t kernel [3, 3] strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] : tensor<1x16x8x8xf16> -> tensor<1x16x4x4xf16>
  %q = infer.pool avg %y kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] : tensor<1x16x8x8xf16> -> tensor<1x16x4x4xf16>
  return %p, %q : tensor<1x16x4x4xf16>, tensor<1x16x4x4xf16>
}

// A transpose read by two ops that both take it is copied per reader and
// each copy cancels; one with a reader that cannot take it (a binary op
// with a computed full-size operand in another layout) stays shared.
// CHECK-LABEL: func.func @shared_readers
// CHECK-NEXT: %[[R:.*]] = infer.unary relu %arg0 : tensor<1x4x4x8xf16>
// CHECK-NEXT: %[[S:.*]] = infer.unary sigmoid %arg0 : tensor<1x4x4x8xf16>
// CHECK-NEXT: return %[[R]], %[[S]]
// CHECK-LABEL: func.func @shared_blocked
// CHECK: %[[T:.*]] = infer.transpose %arg0
// CHECK: infer.unary relu %[[T]]
// CHECK: infer.binary add %[[T]], %arg1
func.func @shared_readers(%x: tensor<1x4x4x8xf16>) -> (tensor<1x4x4x8xf16>, tensor<1x4x4x8xf16>) {
  %t = infer.transpose %x perm [0, 3, 1, 2] : tensor<1x4x4x8xf16> -> tensor<1x8x4x4xf16>
  %r = infer.unary relu %t : tensor<1x8x4x4xf16> -> tensor<1x8x4x4xf16>
  %s = infer.unary sigmoid %t : tensor<1x8x4x4xf16> -> tensor<1x8x4x4xf16>
  %a = infer.transpose %r perm [0, 2, 3, 1] : tensor<1x8x4x4xf16> -> tensor<1x4x4x8xf16>
  %b = infer.transpose %s perm [0, 2, 3, 1] : tensor<1x8x4x4xf16> -> tensor<1x4x4x8xf16>
  return %a, %b : tensor<1x4x4x8xf16>, tensor<1x4x4x8xf16>
}
func.func @shared_blocked(%x: tensor<1x4x4x8xf16>, %y: tensor<1x8x4x4xf16>) -> (tensor<1x8x4x4xf16>, tensor<1x8x4x4xf16>) {
  %t = infer.transpose %x perm [0, 3, 1, 2] : tensor<1x4x4x8xf16> -> tensor<1x8x4x4xf16>
  %r = infer.unary relu %t : tensor<1x8x4x4xf16> -> tensor<1x8x4x4xf16>
  %s = infer.binary add %t, %y : (tensor<1x8x4x4xf16>, tensor<1x8x4x4xf16>) -> tensor<1x8x4x4xf16>
  return %r, %s : tensor<1x8x4x4xf16>, tensor<1x8x4x4xf16>
}

// -----

// Tests that sinking a reshape below a bias add terminates:
// infer-simplify-layout moves unit reshapes above a bias (toward the
// product's epilogue), which this pass must not undo and redo forever (a
// 1x1 output pixel at batch 1 made infer-compile hang; found by the graph
// fuzzer).
// CHECK-LABEL: func.func @unit_reshape_bias
// CHECK: infer.transpose
func.func @unit_reshape_bias(%x: tensor<8x4xf32>) -> tensor<1x4x1x8xf32> {
  %b = infer.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %a = infer.binary add %x, %b : (tensor<8x4xf32>, tensor<4xf32>) -> tensor<8x4xf32>
  %r = infer.reshape %a : tensor<8x4xf32> -> tensor<1x1x8x4xf32>
  %t = infer.transpose %r perm [0, 3, 1, 2] : tensor<1x1x8x4xf32> -> tensor<1x4x1x8xf32>
  return %t : tensor<1x4x1x8xf32>
}

// A per-tensor quantize is elementwise: the transpose moves below it and
// meets its inverse. A per-axis quantize has a layout (its axis): the
// transpose stays above it.
// CHECK-LABEL: func.func @quantize_cancels
// CHECK-NEXT: %[[Q:.+]] = infer.quantize %arg0 : tensor<1x2x3x4xf32> -> tensor<1x2x3x4x!quant.uniform<i8:f32, 1.000000e-01>>
// CHECK-NEXT: %[[T:.+]] = infer.transpose %arg1 perm [0, 2, 3, 1]
// CHECK-NEXT: %[[P:.+]] = infer.quantize %[[T]] : tensor<1x3x4x2xf32> -> tensor<1x3x4x2x!quant.uniform<i8:f32:3, {1.000000e-01,2.000000e-01}>>
// CHECK-NEXT: return %[[Q]], %[[P]]
func.func @quantize_cancels(%x: tensor<1x2x3x4xf32>, %y: tensor<1x2x3x4xf32>) -> (tensor<1x2x3x4x!quant.uniform<i8:f32, 0.1>>, tensor<1x3x4x2x!quant.uniform<i8:f32:3, {0.1, 0.2}>>) {
  %t = infer.transpose %x perm [0, 2, 3, 1] : tensor<1x2x3x4xf32> -> tensor<1x3x4x2xf32>
  %q = infer.quantize %t : tensor<1x3x4x2xf32> -> tensor<1x3x4x2x!quant.uniform<i8:f32, 0.1>>
  %b = infer.transpose %q perm [0, 3, 1, 2] : tensor<1x3x4x2x!quant.uniform<i8:f32, 0.1>> -> tensor<1x2x3x4x!quant.uniform<i8:f32, 0.1>>
  %u = infer.transpose %y perm [0, 2, 3, 1] : tensor<1x2x3x4xf32> -> tensor<1x3x4x2xf32>
  %p = infer.quantize %u : tensor<1x3x4x2xf32> -> tensor<1x3x4x2x!quant.uniform<i8:f32:3, {0.1, 0.2}>>
  return %b, %p : tensor<1x2x3x4x!quant.uniform<i8:f32, 0.1>>, tensor<1x3x4x2x!quant.uniform<i8:f32:3, {0.1, 0.2}>>
}
