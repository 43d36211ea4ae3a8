// RUN: infer-opt %s --infer-fold-into-weights --split-input-file | FileCheck %s

// Tests that batch normalization folds into the conv before it: weights
// scaled by gamma / sqrt(var + eps), bias shifted.
// CHECK-LABEL: func.func @bn_into_conv
// CHECK-NOT: infer.batch_norm
// CHECK-DAG: %[[W:.+]] = infer.constant dense<{{\[\[\[\[}}2.000000e+00]]], {{\[\[\[}}1.500000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK-DAG: %[[B:.+]] = infer.constant dense<[1.000000e+00, -1.000000e+00]> : tensor<2xf32>
// CHECK: %[[C:.+]] = infer.conv %{{.*}}, %[[W]], %[[B]]
// CHECK: return %[[C]]
func.func @bn_into_conv(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = infer.constant dense<[[[[1.0]]], [[[3.0]]]]> : tensor<2x1x1x1xf32>
  %c = infer.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %gamma = infer.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %beta = infer.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %mean = infer.constant dense<[0.0, 2.0]> : tensor<2xf32>
  %var = infer.constant dense<[1.0, 4.0]> : tensor<2xf32>
  %y = infer.batch_norm %c, %gamma, %beta, %mean, %var epsilon 0.0 : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// Tests that batch normalization with statistics computed at run time
// stays.
// CHECK-LABEL: func.func @bn_runtime_stats
// CHECK: infer.batch_norm
func.func @bn_runtime_stats(%x: tensor<1x1x4x4xf32>, %mean: tensor<2xf32>) -> tensor<1x2x4x4xf32> {
  %w = infer.constant dense<[[[[1.0]]], [[[3.0]]]]> : tensor<2x1x1x1xf32>
  %c = infer.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %one = infer.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %y = infer.batch_norm %c, %one, %one, %mean, %one epsilon 0.0 : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// Tests that a conv whose result has a second user keeps its weights.
// CHECK-LABEL: func.func @second_user
// CHECK: infer.binary mul
func.func @second_user(%x: tensor<1x1x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %w = infer.constant dense<[[[[1.0]]], [[[3.0]]]]> : tensor<2x1x1x1xf32>
  %c = infer.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %s = infer.constant dense<[[[2.0]], [[3.0]]]> : tensor<2x1x1xf32>
  %y = infer.binary mul %c, %s : (tensor<1x2x4x4xf32>, tensor<2x1x1xf32>) -> tensor<1x2x4x4xf32>
  return %y, %c : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}

// -----

// Tests that a per-channel multiplication and addition fold into weights
// and bias.
// CHECK-LABEL: func.func @scale_shift
// CHECK-NOT: infer.binary
// CHECK-DAG: infer.constant dense<{{\[\[\[\[}}2.000000e+00]]], {{\[\[\[}}9.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK-DAG: infer.constant dense<[5.000000e-01, 2.500000e-01]> : tensor<2xf32>
func.func @scale_shift(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = infer.constant dense<[[[[1.0]]], [[[3.0]]]]> : tensor<2x1x1x1xf32>
  %c = infer.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x1x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %s = infer.constant dense<[[[2.0]], [[3.0]]]> : tensor<2x1x1xf32>
  %m = infer.binary mul %c, %s : (tensor<1x2x4x4xf32>, tensor<2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %t = infer.constant dense<[[[0.5]], [[0.25]]]> : tensor<2x1x1xf32>
  %y = infer.binary add %t, %m : (tensor<2x1x1xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// Tests that a constant varying along the image (not per channel) stays.
// CHECK-LABEL: func.func @not_per_channel
// CHECK: infer.binary mul
func.func @not_per_channel(%x: tensor<1x1x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %w = infer.constant dense<[[[[1.0]]], [[[3.0]]]]> : tensor<2x1x1x1xf32>
  %c = infer.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %s = infer.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %y = infer.binary mul %c, %s : (tensor<1x2x2x2xf32>, tensor<2x2xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// Tests that an addition that broadcasts the result to a larger shape
// stays.
// CHECK-LABEL: func.func @grows_result
// CHECK: infer.binary add
func.func @grows_result(%x: tensor<1x1x2x2xf32>) -> tensor<3x2x2x2xf32> {
  %w = infer.constant dense<[[[[1.0]]], [[[3.0]]]]> : tensor<2x1x1x1xf32>
  %c = infer.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %s = infer.constant dense<1.0> : tensor<3x1x1x1xf32>
  %y = infer.binary add %c, %s : (tensor<1x2x2x2xf32>, tensor<3x1x1x1xf32>) -> tensor<3x2x2x2xf32>
  return %y : tensor<3x2x2x2xf32>
}

// -----

// Tests that a rank-2 matmul plus a per-column constant becomes a gemm
// with a bias, and a scale folds into the gemm's weights.
// CHECK-LABEL: func.func @matmul_bias
// CHECK-NOT: infer.binary
// CHECK-NOT: infer.matmul
// CHECK: infer.gemm %{{.*}}, %{{.*}}, %{{.*}} alpha 1.000000e+00 beta 1.000000e+00
func.func @matmul_bias(%x: tensor<4x2xf32>) -> tensor<4x3xf32> {
  %w = infer.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %m = infer.matmul %x, %w : (tensor<4x2xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
  %b = infer.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %y = infer.binary add %m, %b : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  %s = infer.constant dense<2.0> : tensor<f32>
  %z = infer.binary div %y, %s : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  return %z : tensor<4x3xf32>
}

// -----

// Tests that an addition after a batched matmul (which has no bias) stays
// for the epilogue.
// CHECK-LABEL: func.func @batched_matmul_add
// CHECK: infer.matmul
// CHECK: infer.binary add
func.func @batched_matmul_add(%x: tensor<2x4x2xf32>) -> tensor<2x4x3xf32> {
  %w = infer.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %m = infer.matmul %x, %w : (tensor<2x4x2xf32>, tensor<2x3xf32>) -> tensor<2x4x3xf32>
  %b = infer.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %y = infer.binary add %m, %b : (tensor<2x4x3xf32>, tensor<3xf32>) -> tensor<2x4x3xf32>
  return %y : tensor<2x4x3xf32>
}

// -----

// Tests that batch normalization with constant statistics and no anchor
// before it (a graph input, as after a pre-activation network's concat)
// becomes a multiply and an add by per-channel constants:
// s = gamma / sqrt(var + eps) = [2, 0.5], t = beta - mean * s = [1, -1].
// CHECK-LABEL: func.func @bn_affine
// CHECK-NOT: infer.batch_norm
// CHECK-DAG: %[[S:.*]] = infer.constant dense<{{\[}}{{\[}}[2.000000e+00]], {{\[}}[5.000000e-01]]]> : tensor<2x1x1xf32>
// CHECK-DAG: %[[T:.*]] = infer.constant dense<{{\[}}{{\[}}[1.000000e+00]], {{\[}}[-1.000000e+00]]]> : tensor<2x1x1xf32>
// CHECK: %[[M:.*]] = infer.binary mul %arg0, %[[S]]
// CHECK: infer.binary add %[[M]], %[[T]]
func.func @bn_affine(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %gamma = infer.constant dense<[2.0, 1.0]> : tensor<2xf32>
  %beta = infer.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %mean = infer.constant dense<[0.0, 2.0]> : tensor<2xf32>
  %var = infer.constant dense<[1.0, 4.0]> : tensor<2xf32>
  %y = infer.batch_norm %x, %gamma, %beta, %mean, %var epsilon 0.0 : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// Tests that a layer scale after a batched matmul and its bias (a bias a
// rank-3 matmul cannot take) moves before the bias and folds into the
// weight: (x W + b) * g = x (W g) + b g. A scale computed at run time, or
// a bias with another user, stays.
// CHECK-LABEL: func.func @scale_through_shift
// CHECK-DAG: %[[W:.+]] = infer.constant dense<{{\[\[}}2.000000e+00, 3.000000e+00], [4.000000e+00, 6.000000e+00]]> : tensor<2x2xf32>
// CHECK-DAG: %[[T:.+]] = infer.constant dense<[2.000000e+00, -3.000000e+00]> : tensor<2xf32>
// CHECK: %[[M:.+]] = infer.matmul %arg0, %[[W]]
// CHECK: %[[A:.+]] = infer.binary add %[[M]], %[[T]]
// CHECK: return %[[A]]
func.func @scale_through_shift(%x: tensor<2x3x2xf32>) -> tensor<2x3x2xf32> {
  %w = infer.constant dense<[[1.0, 1.0], [2.0, 2.0]]> : tensor<2x2xf32>
  %b = infer.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %g = infer.constant dense<[[[2.0, 3.0]]]> : tensor<1x1x2xf32>
  %m = infer.matmul %x, %w : (tensor<2x3x2xf32>, tensor<2x2xf32>) -> tensor<2x3x2xf32>
  %a = infer.binary add %b, %m : (tensor<2xf32>, tensor<2x3x2xf32>) -> tensor<2x3x2xf32>
  %y = infer.binary mul %g, %a : (tensor<1x1x2xf32>, tensor<2x3x2xf32>) -> tensor<2x3x2xf32>
  return %y : tensor<2x3x2xf32>
}

// CHECK-LABEL: func.func @scale_not_constant
// CHECK: %[[A:.+]] = infer.binary add
// CHECK: infer.binary mul %arg1, %[[A]]
// CHECK-LABEL: func.func @shift_second_user
// CHECK: %[[A:.+]] = infer.binary add
// CHECK: infer.binary mul %{{.*}}, %[[A]]
func.func @scale_not_constant(%x: tensor<2x3x2xf32>, %g: tensor<2xf32>) -> tensor<2x3x2xf32> {
  %w = infer.constant dense<[[1.0, 1.0], [2.0, 2.0]]> : tensor<2x2xf32>
  %b = infer.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %m = infer.matmul %x, %w : (tensor<2x3x2xf32>, tensor<2x2xf32>) -> tensor<2x3x2xf32>
  %a = infer.binary add %b, %m : (tensor<2xf32>, tensor<2x3x2xf32>) -> tensor<2x3x2xf32>
  %y = infer.binary mul %g, %a : (tensor<2xf32>, tensor<2x3x2xf32>) -> tensor<2x3x2xf32>
  return %y : tensor<2x3x2xf32>
}
func.func @shift_second_user(%x: tensor<2x3x2xf32>) -> (tensor<2x3x2xf32>, tensor<2x3x2xf32>) {
  %w = infer.constant dense<[[1.0, 1.0], [2.0, 2.0]]> : tensor<2x2xf32>
  %b = infer.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %g = infer.constant dense<[2.0, 3.0]> : tensor<2xf32>
  %m = infer.matmul %x, %w : (tensor<2x3x2xf32>, tensor<2x2xf32>) -> tensor<2x3x2xf32>
  %a = infer.binary add %b, %m : (tensor<2xf32>, tensor<2x3x2xf32>) -> tensor<2x3x2xf32>
  %y = infer.binary mul %g, %a : (tensor<2xf32>, tensor<2x3x2xf32>) -> tensor<2x3x2xf32>
  return %y, %a : tensor<2x3x2xf32>, tensor<2x3x2xf32>
}

// -----

// Tests that a scale is not folded into fp16 weights where the products
// would leave fp16's normal range (a layer scale of 1e-6 on weights of
// 0.02 flushes to zero): the multiply stays.
// CHECK-LABEL: func.func @fp16_underflow
// CHECK: infer.matmul
// CHECK: infer.binary mul
func.func @fp16_underflow(%x: tensor<4x2xf16>) -> tensor<4x2xf16> {
  %w = infer.constant dense<[[0.02, 0.01], [0.03, 0.02]]> : tensor<2x2xf16>
  %g = infer.constant dense<[1.0e-6, 2.0e-6]> : tensor<2xf16>
  %m = infer.matmul %x, %w : (tensor<4x2xf16>, tensor<2x2xf16>) -> tensor<4x2xf16>
  %y = infer.binary mul %m, %g : (tensor<4x2xf16>, tensor<2xf16>) -> tensor<4x2xf16>
  return %y : tensor<4x2xf16>
}
