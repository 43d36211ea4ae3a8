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
// (An output padding keeps it off the block form below.)
// CHECK: infer.conv %[[X4]], %[[W]] strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 1 : (tensor<1x4x10x10xf32>, tensor<1x4x2x2xf32>) -> tensor<1x1x11x11xf32>
func.func @upsample(%x: tensor<1x4x5x5xf32>) -> tensor<1x1x11x11xf32> {
  %w = infer.constant dense<[[[[1.0, 2.0], [3.0, 4.0]]], [[[1.0, 2.0], [3.0, 4.0]]], [[[1.0, 2.0], [3.0, 4.0]]], [[[1.0, 2.0], [3.0, 4.0]]]]> : tensor<4x1x2x2xf32>
  %y = infer.conv_transpose %x, %w strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] output_padding [1, 1] group 1 : (tensor<1x4x5x5xf32>, tensor<4x1x2x2xf32>) -> tensor<1x1x11x11xf32>
  return %y : tensor<1x1x11x11xf32>
}

// -----

// Tests that a transposed convolution whose stride equals its 2x2 kernel
// becomes a 1x1 convolution to M * 4 channels (weight [C, M, 2, 2] read as
// [M * 4, C], the bias repeated over each block) whose blocks a reshape, a
// transpose and a reshape put in place.
// CHECK-LABEL: func.func @blocks
// CHECK-DAG: %[[W:.+]] = infer.constant dense<{{\[\[\[\[}}1.000000e+00]], {{\[\[}}5.000000e+00]]], {{\[\[\[}}2.000000e+00]], {{\[\[}}6.000000e+00]]]{{.*}} : tensor<4x2x1x1xf32>
// CHECK-DAG: %[[B:.+]] = infer.constant dense<5.000000e-01> : tensor<4xf32>
// CHECK: %[[C:.+]] = infer.conv %arg0, %[[W]], %[[B]] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x2x3x3xf32>, tensor<4x2x1x1xf32>, tensor<4xf32>) -> tensor<1x4x3x3xf32>
// CHECK: %[[R:.+]] = infer.reshape %[[C]] : tensor<1x4x3x3xf32> -> tensor<1x1x2x2x3x3xf32>
// CHECK: %[[T:.+]] = infer.transpose %[[R]] perm [0, 1, 4, 2, 5, 3] : tensor<1x1x2x2x3x3xf32> -> tensor<1x1x3x2x3x2xf32>
// CHECK: infer.reshape %[[T]] : tensor<1x1x3x2x3x2xf32> -> tensor<1x1x6x6xf32>
// CHECK-NOT: infer.conv_transpose
func.func @blocks(%x: tensor<1x2x3x3xf32>) -> tensor<1x1x6x6xf32> {
  %w = infer.constant dense<[[[[1.0, 2.0], [3.0, 4.0]]], [[[5.0, 6.0], [7.0, 8.0]]]]> : tensor<2x1x2x2xf32>
  %b = infer.constant dense<0.5> : tensor<1xf32>
  %y = infer.conv_transpose %x, %w, %b strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] output_padding [0, 0] group 1 : (tensor<1x2x3x3xf32>, tensor<2x1x2x2xf32>, tensor<1xf32>) -> tensor<1x1x6x6xf32>
  return %y : tensor<1x1x6x6xf32>
}

// -----

// Tests that a transposed convolution by a weight computed at run time stays.
// CHECK-LABEL: func.func @runtime_weight
// CHECK: infer.conv_transpose
func.func @runtime_weight(%x: tensor<1x4x5x5xf32>, %w: tensor<4x1x2x2xf32>) -> tensor<1x1x10x10xf32> {
  %y = infer.conv_transpose %x, %w strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] output_padding [0, 0] group 1 : (tensor<1x4x5x5xf32>, tensor<4x1x2x2xf32>) -> tensor<1x1x10x10xf32>
  return %y : tensor<1x1x10x10xf32>
}
