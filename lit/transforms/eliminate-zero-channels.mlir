// RUN: infer-opt %s --infer-eliminate-zero-channels --split-input-file | FileCheck %s
// RUN: infer-opt %s --infer-eliminate-zero-channels="channel-multiple=2 preferred-channel-multiple=4" --split-input-file | FileCheck %s --check-prefix=MULT
// RUN: infer-opt %s --infer-eliminate-zero-channels="channel-multiple=2 conv-channel-multiple=8" --split-input-file | FileCheck %s --check-prefix=CONV

// Tests that a channel whose weights and bias are zero leaves the conv
// that makes it, passes through ReLU, and leaves the input channels of the
// conv that reads it; the module logs both convs.
// CHECK-LABEL: module attributes {infer.sparsity = [
// CHECK-SAME: flops_saved = 32 : i64, kind = "channels", node = "c1", op = "Conv", outputs = 3 : i64, removed_inputs = 0 : i64, removed_outputs = 1 : i64
// CHECK-SAME: flops_saved = 32 : i64, kind = "channels", node = "c2", op = "Conv", removed_inputs = 1 : i64, removed_outputs = 0 : i64
// CHECK-LABEL: func.func @chain
// CHECK-DAG: %[[W1:.+]] = infer.constant dense<{{\[\[\[\[}}1.000000e+00]]], {{\[\[\[}}3.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK-DAG: %[[B1:.+]] = infer.constant dense<[5.000000e-01, 0.000000e+00]> : tensor<2xf32>
// CHECK: %[[A:.+]] = infer.conv %{{.*}}, %[[W1]], %[[B1]] {{.*}} -> tensor<1x2x4x4xf32>
// CHECK: %[[R:.+]] = infer.unary relu %[[A]] : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
// CHECK: %[[W2:.+]] = infer.constant dense<{{\[\[\[\[}}1.000000e+00]], {{\[\[}}3.000000e+00]]]]> : tensor<1x2x1x1xf32>
// CHECK: infer.conv %[[R]], %[[W2]] {{.*}} : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x4x4xf32>
func.func @chain(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {
  %w1 = infer.constant dense<[[[[1.0]]], [[[0.0]]], [[[3.0]]]]> : tensor<3x1x1x1xf32>
  %b1 = infer.constant dense<[0.5, 0.0, 0.0]> : tensor<3xf32>
  %a = infer.conv %x, %w1, %b1 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x1x4x4xf32>, tensor<3x1x1x1xf32>, tensor<3xf32>) -> tensor<1x3x4x4xf32> loc(#c1)
  %r = infer.unary relu %a : tensor<1x3x4x4xf32> -> tensor<1x3x4x4xf32>
  %w2 = infer.constant dense<[[[[1.0]], [[2.0]], [[3.0]]]]> : tensor<1x3x1x1xf32>
  %y = infer.conv %r, %w2 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x3x4x4xf32>, tensor<1x3x1x1xf32>) -> tensor<1x1x4x4xf32> loc(#c2)
  return %y : tensor<1x1x4x4xf32>
}
#c1 = loc("c1"("Conv"))
#c2 = loc("c2"("Conv"))

// -----

// Tests that a zero channel with a nonzero bias, or one whose ReLU result
// is a graph output, stays.
// CHECK-LABEL: func.func @kept
// CHECK-NOT: infer.sparsity
// CHECK: infer.conv {{.*}} -> tensor<1x2x4x4xf32>
// CHECK: infer.conv {{.*}} -> tensor<1x2x4x4xf32>
func.func @kept(%x: tensor<1x1x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %w = infer.constant dense<[[[[1.0]]], [[[0.0]]]]> : tensor<2x1x1x1xf32>
  %b = infer.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %a = infer.conv %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %c = infer.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %r = infer.unary relu %c : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  return %a, %r : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}

// -----

// Tests a residual add: channel 0 is zero on both sides and goes; channel
// 1 is zero on one side only and stays. Max pooling and a per-channel
// scale keep zeros zero.
// CHECK-LABEL: func.func @residual
// CHECK: %[[A:.+]] = infer.conv {{.*}} -> tensor<1x2x4x4xf32>
// CHECK: %[[B:.+]] = infer.conv {{.*}} -> tensor<1x2x4x4xf32>
// CHECK: %[[S:.+]] = infer.binary mul %[[B]], %{{.*}} : (tensor<1x2x4x4xf32>, tensor<2x1x1xf32>) -> tensor<1x2x4x4xf32>
// CHECK: %[[SUM:.+]] = infer.binary add %[[A]], %[[S]] : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
// CHECK: %[[P:.+]] = infer.pool max %[[SUM]] {{.*}} -> tensor<1x2x2x2xf32>
// CHECK: infer.conv %[[P]], {{.*}} : (tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x2x2xf32>
func.func @residual(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> {
  %wa = infer.constant dense<[[[[0.0]]], [[[0.0]]], [[[2.0]]]]> : tensor<3x1x1x1xf32>
  %wb = infer.constant dense<[[[[0.0]]], [[[1.0]]], [[[2.0]]]]> : tensor<3x1x1x1xf32>
  %a = infer.conv %x, %wa strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x1x4x4xf32>, tensor<3x1x1x1xf32>) -> tensor<1x3x4x4xf32>
  %b = infer.conv %x, %wb strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x1x4x4xf32>, tensor<3x1x1x1xf32>) -> tensor<1x3x4x4xf32>
  %s = infer.constant dense<[[[2.0]], [[3.0]], [[4.0]]]> : tensor<3x1x1xf32>
  %bs = infer.binary mul %b, %s : (tensor<1x3x4x4xf32>, tensor<3x1x1xf32>) -> tensor<1x3x4x4xf32>
  %sum = infer.binary add %a, %bs : (tensor<1x3x4x4xf32>, tensor<1x3x4x4xf32>) -> tensor<1x3x4x4xf32>
  %p = infer.pool max %sum kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] : tensor<1x3x4x4xf32> -> tensor<1x3x2x2xf32>
  %w = infer.constant dense<[[[[1.0]], [[2.0]], [[3.0]]]]> : tensor<1x3x1x1xf32>
  %y = infer.conv %p, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x3x2x2xf32>, tensor<1x3x1x1xf32>) -> tensor<1x1x2x2xf32>
  return %y : tensor<1x1x2x2xf32>
}

// -----

// Tests concatenation along the channels: each side's zero channel leaves
// at its own offset.
// CHECK-LABEL: func.func @concat
// CHECK: infer.concat {{.*}} : (tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32>
// CHECK: infer.conv {{.*}} : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x4x4xf32>
func.func @concat(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {
  %wa = infer.constant dense<[[[[0.0]]], [[[2.0]]]]> : tensor<2x1x1x1xf32>
  %wb = infer.constant dense<[[[[3.0]]], [[[0.0]]]]> : tensor<2x1x1x1xf32>
  %a = infer.conv %x, %wa strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %b = infer.conv %x, %wb strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %c = infer.concat %a, %b axis 1 : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x4x4x4xf32>
  %w = infer.constant dense<[[[[1.0]], [[2.0]], [[3.0]], [[4.0]]]]> : tensor<1x4x1x1xf32>
  %y = infer.conv %c, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x4x4x4xf32>, tensor<1x4x1x1xf32>) -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}

// -----

// Tests products: a gemm (trans_b) whose output feature 1 is zero feeds a
// GELU and a matmul, which loses its matching weight row.
// CHECK-LABEL: func.func @gemm
// CHECK: infer.gemm {{.*}} -> tensor<4x2xf32>
// CHECK: infer.unary gelu {{.*}} : tensor<4x2xf32> -> tensor<4x2xf32>
// CHECK: %[[W2:.+]] = infer.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00], [5.000000e+00, 6.000000e+00]]> : tensor<2x2xf32>
// CHECK: infer.matmul {{.*}}, %[[W2]] : (tensor<4x2xf32>, tensor<2x2xf32>) -> tensor<4x2xf32>
func.func @gemm(%x: tensor<4x2xf32>) -> tensor<4x2xf32> {
  %w1 = infer.constant dense<[[1.0, 1.0], [0.0, 0.0], [2.0, 0.0]]> : tensor<3x2xf32>
  %b1 = infer.constant dense<[1.0, 0.0, 0.0]> : tensor<3xf32>
  %a = infer.gemm %x, %w1, %b1 alpha 1.0 beta 1.0 trans_b : (tensor<4x2xf32>, tensor<3x2xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  %g = infer.unary gelu %a : tensor<4x3xf32> -> tensor<4x3xf32>
  %w2 = infer.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
  %y = infer.matmul %g, %w2 : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// Tests that a batch norm whose shift is not zero in the channel keeps it
// (it becomes a constant, not a zero).
// CHECK-LABEL: func.func @bn_shift
// CHECK-NOT: infer.sparsity
// CHECK: infer.batch_norm {{.*}} -> tensor<1x2x4x4xf32>
func.func @bn_shift(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {
  %w = infer.constant dense<[[[[1.0]]], [[[0.0]]]]> : tensor<2x1x1x1xf32>
  %a = infer.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %one = infer.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %zero = infer.constant dense<[0.0, 0.0]> : tensor<2xf32>
  %bn = infer.batch_norm %a, %one, %one, %zero, %one epsilon 0.0 : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %w2 = infer.constant dense<[[[[1.0]], [[2.0]]]]> : tensor<1x2x1x1xf32>
  %y = infer.conv %bn, %w2 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}

// -----

// Tests a concatenation along the last axis of a product whose columns
// 0-3 are zero and a convolution whose channels (axis 1) 2-3 are zero:
// only the product's columns go; the convolution keeps its channels.
// CHECK-LABEL: func.func @concat_other_axis
// CHECK: infer.matmul {{.*}} -> tensor<1x4x4x4xf32>
// CHECK: infer.conv {{.*}} -> tensor<1x4x4x4xf32>
// CHECK: infer.concat {{.*}} -> tensor<1x4x4x8xf32>
// CHECK: infer.matmul {{.*}} : (tensor<1x4x4x8xf32>, tensor<8x5xf32>) -> tensor<1x4x4x5xf32>
func.func @concat_other_axis(%x: tensor<1x4x4x2xf32>, %img: tensor<1x1x4x4xf32>) -> tensor<1x4x4x5xf32> {
  %w = infer.constant dense<[[0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 4.0], [0.0, 0.0, 0.0, 0.0, 5.0, 6.0, 7.0, 8.0]]> : tensor<2x8xf32>
  %a = infer.matmul %x, %w : (tensor<1x4x4x2xf32>, tensor<2x8xf32>) -> tensor<1x4x4x8xf32>
  %cw = infer.constant dense<[[[[1.0]]], [[[2.0]]], [[[0.0]]], [[[0.0]]]]> : tensor<4x1x1x1xf32>
  %b = infer.conv %img, %cw strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x1x4x4xf32>, tensor<4x1x1x1xf32>) -> tensor<1x4x4x4xf32>
  %c = infer.concat %a, %b axis 3 : (tensor<1x4x4x8xf32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x12xf32>
  %w2 = infer.constant dense<1.0> : tensor<12x5xf32>
  %y = infer.matmul %c, %w2 : (tensor<1x4x4x12xf32>, tensor<12x5xf32>) -> tensor<1x4x4x5xf32>
  return %y : tensor<1x4x4x5xf32>
}

// -----

// Tests that dynamic shapes are left alone (channel counts unknown).
// CHECK-LABEL: func.func @dynamic
// CHECK-NOT: infer.sparsity
// CHECK: infer.conv {{.*}} -> tensor<?x2x4x4xf32>
func.func @dynamic(%x: tensor<?x1x4x4xf32>) -> tensor<?x1x4x4xf32> {
  %w = infer.constant dense<[[[[1.0]]], [[[0.0]]]]> : tensor<2x1x1x1xf32>
  %a = infer.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<?x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<?x2x4x4xf32>
  %w2 = infer.constant dense<[[[[1.0]], [[2.0]]]]> : tensor<1x2x1x1xf32>
  %y = infer.conv %a, %w2 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<?x2x4x4xf32>, tensor<1x2x1x1xf32>) -> tensor<?x1x4x4xf32>
  return %y : tensor<?x1x4x4xf32>
}

// -----

// Tests a depthwise convolution between two pointwise ones (MobileNet's
// inverted residual): the expansion's zero channel 1 passes through the
// depthwise one (zero bias there) and leaves all three.
// CHECK-LABEL: func.func @depthwise
// CHECK: infer.conv {{.*}} -> tensor<1x2x4x4xf32>
// CHECK: infer.conv {{.*}} group 2 : (tensor<1x2x4x4xf32>, tensor<2x1x3x3xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
// CHECK: infer.conv {{.*}} : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x4x4xf32>
func.func @depthwise(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {
  %w1 = infer.constant dense<[[[[1.0]]], [[[0.0]]], [[[3.0]]]]> : tensor<3x1x1x1xf32>
  %a = infer.conv %x, %w1 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x1x4x4xf32>, tensor<3x1x1x1xf32>) -> tensor<1x3x4x4xf32>
  %dw = infer.constant dense<0.5> : tensor<3x1x3x3xf32>
  %db = infer.constant dense<[1.0, 0.0, -1.0]> : tensor<3xf32>
  %d = infer.conv %a, %dw, %db strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 3 : (tensor<1x3x4x4xf32>, tensor<3x1x3x3xf32>, tensor<3xf32>) -> tensor<1x3x4x4xf32>
  %w2 = infer.constant dense<[[[[1.0]], [[2.0]], [[3.0]]]]> : tensor<1x3x1x1xf32>
  %y = infer.conv %d, %w2 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x3x4x4xf32>, tensor<1x3x1x1xf32>) -> tensor<1x1x4x4xf32>
  return %y : tensor<1x1x4x4xf32>
}

// -----

// Tests the classifier head: a zero channel passes a global pool and the
// flatten (a reshape keeping the channel dimension whole) and leaves the
// gemm's input features.
// CHECK-LABEL: func.func @flatten
// CHECK: infer.conv {{.*}} -> tensor<2x2x3x3xf32>
// CHECK: %[[P:.+]] = infer.global_pool avg {{.*}} -> tensor<2x2x1x1xf32>
// CHECK: %[[F:.+]] = infer.reshape %[[P]] : tensor<2x2x1x1xf32> -> tensor<2x2xf32>
// CHECK: infer.gemm %[[F]], {{.*}} : (tensor<2x2xf32>, tensor<4x2xf32>, tensor<4xf32>) -> tensor<2x4xf32>
func.func @flatten(%x: tensor<2x1x3x3xf32>) -> tensor<2x4xf32> {
  %w = infer.constant dense<[[[[1.0]]], [[[0.0]]], [[[2.0]]]]> : tensor<3x1x1x1xf32>
  %a = infer.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<2x1x3x3xf32>, tensor<3x1x1x1xf32>) -> tensor<2x3x3x3xf32>
  %p = infer.global_pool avg %a : tensor<2x3x3x3xf32> -> tensor<2x3x1x1xf32>
  %f = infer.reshape %p : tensor<2x3x1x1xf32> -> tensor<2x3xf32>
  %fw = infer.constant dense<1.0> : tensor<4x3xf32>
  %fb = infer.constant dense<0.5> : tensor<4xf32>
  %y = infer.gemm %f, %fw, %fb alpha 1.0 beta 1.0 trans_b : (tensor<2x3xf32>, tensor<4x3xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// Tests that a reshape merging the channels with the pixels keeps them:
// the zero channel's values are spread over the gemm's input features.
// CHECK-LABEL: func.func @merged
// CHECK-NOT: infer.sparsity
// CHECK: infer.conv {{.*}} -> tensor<1x3x2x2xf32>
// CHECK: infer.reshape {{.*}} : tensor<1x3x2x2xf32> -> tensor<1x12xf32>
func.func @merged(%x: tensor<1x1x2x2xf32>) -> tensor<1x4xf32> {
  %w = infer.constant dense<[[[[1.0]]], [[[0.0]]], [[[2.0]]]]> : tensor<3x1x1x1xf32>
  %a = infer.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x1x2x2xf32>, tensor<3x1x1x1xf32>) -> tensor<1x3x2x2xf32>
  %f = infer.reshape %a : tensor<1x3x2x2xf32> -> tensor<1x12xf32>
  %fw = infer.constant dense<1.0> : tensor<4x12xf32>
  %y = infer.gemm %f, %fw alpha 1.0 beta 1.0 trans_b : (tensor<1x12xf32>, tensor<4x12xf32>) -> tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

// -----

// Tests the channel multiples (4 preferred, else 2, in the second run line). Eight
// channels with five zero keep a multiple of 4 (four removed); six with
// three zero are not a multiple of 4 and keep a multiple of 2 (two
// removed). Without multiples all zero channels go.
// CHECK-LABEL: func.func @multiples
// CHECK: infer.conv {{.*}} -> tensor<1x3x2x2xf32>
// CHECK: infer.conv {{.*}} -> tensor<1x3x2x2xf32>
// MULT-LABEL: func.func @multiples
// MULT: infer.conv {{.*}} -> tensor<1x4x2x2xf32>
// MULT: infer.conv {{.*}} -> tensor<1x4x2x2xf32>
func.func @multiples(%x: tensor<1x1x2x2xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>) {
  %w8 = infer.constant dense<[[[[1.0]]], [[[0.0]]], [[[2.0]]], [[[0.0]]], [[[0.0]]], [[[0.0]]], [[[0.0]]], [[[5.0]]]]> : tensor<8x1x1x1xf32>
  %a = infer.conv %x, %w8 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x1x2x2xf32>, tensor<8x1x1x1xf32>) -> tensor<1x8x2x2xf32>
  %r8 = infer.constant dense<1.0> : tensor<1x8x1x1xf32>
  %y8 = infer.conv %a, %r8 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x8x2x2xf32>, tensor<1x8x1x1xf32>) -> tensor<1x1x2x2xf32>
  %w6 = infer.constant dense<[[[[1.0]]], [[[0.0]]], [[[2.0]]], [[[0.0]]], [[[3.0]]], [[[0.0]]]]> : tensor<6x1x1x1xf32>
  %b = infer.conv %x, %w6 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x1x2x2xf32>, tensor<6x1x1x1xf32>) -> tensor<1x6x2x2xf32>
  %r6 = infer.constant dense<1.0> : tensor<1x6x1x1xf32>
  %y6 = infer.conv %b, %r6 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x6x2x2xf32>, tensor<1x6x1x1xf32>) -> tensor<1x1x2x2xf32>
  return %y8, %y6 : tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>
}

// -----

// Tests the multiple of channels a windowed convolution reads (8 in the
// third run line, a GPU's 128-byte im2col blocks): of eight channels with
// five zero, none go where a 3x3 convolution reads them, four (a multiple
// of 2) where a 1x1 one does.
// CONV-LABEL: func.func @conv_multiples
// CONV: infer.conv {{.*}} -> tensor<1x8x3x3xf32>
// CONV: infer.conv {{.*}} : (tensor<1x8x3x3xf32>, tensor<1x8x3x3xf32>)
// CONV: infer.conv {{.*}} -> tensor<1x4x3x3xf32>
// CONV: infer.conv {{.*}} : (tensor<1x4x3x3xf32>, tensor<1x4x1x1xf32>)
func.func @conv_multiples(%x: tensor<1x1x3x3xf32>) -> (tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>) {
  %w8 = infer.constant dense<[[[[1.0]]], [[[0.0]]], [[[2.0]]], [[[0.0]]], [[[0.0]]], [[[0.0]]], [[[0.0]]], [[[5.0]]]]> : tensor<8x1x1x1xf32>
  %a = infer.conv %x, %w8 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x1x3x3xf32>, tensor<8x1x1x1xf32>) -> tensor<1x8x3x3xf32>
  %k3 = infer.constant dense<1.0> : tensor<1x8x3x3xf32>
  %y3 = infer.conv %a, %k3 strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 1 : (tensor<1x8x3x3xf32>, tensor<1x8x3x3xf32>) -> tensor<1x1x3x3xf32>
  %b = infer.conv %x, %w8 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x1x3x3xf32>, tensor<8x1x1x1xf32>) -> tensor<1x8x3x3xf32>
  %k1 = infer.constant dense<1.0> : tensor<1x8x1x1xf32>
  %y1 = infer.conv %b, %k1 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x8x3x3xf32>, tensor<1x8x1x1xf32>) -> tensor<1x1x3x3xf32>
  return %y3, %y1 : tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>
}
