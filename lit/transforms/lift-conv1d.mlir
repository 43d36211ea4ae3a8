// RUN: infer-opt %s --infer-lift-conv1d --split-input-file | FileCheck %s

// Tests that a 1-D convolution runs as a 2-D one of height 1 between two
// reshapes, with strides, pads and dilations of height 1, the bias and
// group kept.
// CHECK-LABEL: func.func @conv1d
// CHECK: %[[X:.+]] = infer.reshape %arg0 : tensor<2x8x50xf32> -> tensor<2x8x1x50xf32>
// CHECK: %[[W:.+]] = infer.reshape %{{.+}} : tensor<4x2x3xf32> -> tensor<4x2x1x3xf32>
// CHECK: %[[Y:.+]] = infer.conv %[[X]], %[[W]], %{{.+}} strides [1, 2] pads [0, 1, 0, 2] dilations [1, 3] group 4 : (tensor<2x8x1x50xf32>, tensor<4x2x1x3xf32>, tensor<4xf32>) -> tensor<2x4x1x24xf32>
// CHECK: infer.reshape %[[Y]] : tensor<2x4x1x24xf32> -> tensor<2x4x24xf32>
func.func @conv1d(%x: tensor<2x8x50xf32>) -> tensor<2x4x24xf32> {
  %w = infer.constant dense<0.5> : tensor<4x2x3xf32>
  %b = infer.constant dense<0.25> : tensor<4xf32>
  %y = infer.conv %x, %w, %b strides [2] pads [1, 2] dilations [3] group 4 : (tensor<2x8x50xf32>, tensor<4x2x3xf32>, tensor<4xf32>) -> tensor<2x4x24xf32>
  return %y : tensor<2x4x24xf32>
}

// -----

// Tests that 2-D and channels-last convolutions stay.
// CHECK-LABEL: func.func @conv2d
// CHECK-NOT: infer.reshape
// CHECK: infer.conv %arg0
// CHECK-NOT: infer.reshape
// CHECK: infer.conv %arg1
// CHECK-NOT: infer.reshape
func.func @conv2d(%x: tensor<1x8x6x6xf32>, %z: tensor<1x6x8xf32>) -> (tensor<1x4x6x6xf32>, tensor<1x6x4xf32>) {
  %w = infer.constant dense<0.5> : tensor<4x8x1x1xf32>
  %y = infer.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x8x6x6xf32>, tensor<4x8x1x1xf32>) -> tensor<1x4x6x6xf32>
  %v = infer.constant dense<0.5> : tensor<4x8x1xf32>
  %u = infer.conv %z, %v strides [1] pads [0, 0] dilations [1] group 1 channels_last : (tensor<1x6x8xf32>, tensor<4x8x1xf32>) -> tensor<1x6x4xf32>
  return %y, %u : tensor<1x4x6x6xf32>, tensor<1x6x4xf32>
}

// -----

// Tests that 1-D pooling runs as 2-D pooling of height 1.
// CHECK-LABEL: func.func @pool1d
// CHECK: %[[X:.+]] = infer.reshape %arg0 : tensor<1x4x20xf32> -> tensor<1x4x1x20xf32>
// CHECK: %[[P:.+]] = infer.pool max %[[X]] kernel [1, 3] strides [1, 2] pads [0, 1, 0, 1] dilations [1, 1] : tensor<1x4x1x20xf32> -> tensor<1x4x1x10xf32>
// CHECK: infer.reshape %[[P]] : tensor<1x4x1x10xf32> -> tensor<1x4x10xf32>
func.func @pool1d(%x: tensor<1x4x20xf32>) -> tensor<1x4x10xf32> {
  %y = infer.pool max %x kernel [3] strides [2] pads [1, 1] dilations [1] : tensor<1x4x20xf32> -> tensor<1x4x10xf32>
  return %y : tensor<1x4x10xf32>
}
