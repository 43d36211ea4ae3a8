// RUN: infer-opt %s --infer-conv-transpose-to-conv --split-input-file | FileCheck %s

// Tests that a stride-2 transposed convolution becomes the convolution of
// the zero-upsampled input (reshape, zero pad after every element,
// reshape) padded by k - 1 - pad at the start and k - 1 - pad +
// output_padding - (s - 1) at the end, by the flipped weight with its
// channels swapped.
// CHECK-LABEL: func.func @upsample
// CHECK-DAG: %[[W:.+]] = infer.constant dense<{{\[\[\[\[}}4.000000e+00, 3.000000e+00], [2.000000e+00, 1.000000e+00]], {{.*}} : tensor<1x4x2x2xf32>
// CHECK-DAG: %[[X6:.+]] = infer.reshape %arg0 : tensor<1x4x5x5xf32> -> tensor<1x4x5x1x5x1xf32>
// CHECK: %[[UP:.+]] = infer.pad constant %[[X6]] pads [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1] value 0.000000e+00 : tensor<1x4x5x1x5x1xf32> -> tensor<1x4x5x2x5x2xf32>
// CHECK: %[[X4:.+]] = infer.reshape %[[UP]] : tensor<1x4x5x2x5x2xf32> -> tensor<1x4x10x10xf32>
// CHECK: infer.conv %[[X4]], %[[W]] strides [1, 1] pads [1, 1, 0, 0] dilations [1, 1] group 1 : (tensor<1x4x10x10xf32>, tensor<1x4x2x2xf32>) -> tensor<1x1x10x10xf32>
func.func @upsample(%x: tensor<1x4x5x5xf32>) -> tensor<1x1x10x10xf32> {
  %w = infer.constant dense<[[[[1.0, 2.0], [3.0, 4.0]]], [[[1.0, 2.0], [3.0, 4.0]]], [[[1.0, 2.0], [3.0, 4.0]]], [[[1.0, 2.0], [3.0, 4.0]]]]> : tensor<4x1x2x2xf32>
  %y = infer.conv_transpose %x, %w strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] output_padding [0, 0] group 1 : (tensor<1x4x5x5xf32>, tensor<4x1x2x2xf32>) -> tensor<1x1x10x10xf32>
  return %y : tensor<1x1x10x10xf32>
}

// -----

// Tests that a transposed convolution by a weight computed at run time stays.
// CHECK-LABEL: func.func @runtime_weight
// CHECK: infer.conv_transpose
func.func @runtime_weight(%x: tensor<1x4x5x5xf32>, %w: tensor<4x1x2x2xf32>) -> tensor<1x1x10x10xf32> {
  %y = infer.conv_transpose %x, %w strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] output_padding [0, 0] group 1 : (tensor<1x4x5x5xf32>, tensor<4x1x2x2xf32>) -> tensor<1x1x10x10xf32>
  return %y : tensor<1x1x10x10xf32>
}
