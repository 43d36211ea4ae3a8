// RUN: infer-opt --infer-conv-to-gemm %s | FileCheck %s

// A 1x1 stride-1 convolution: the NHWC image is the row matrix already;
// the weight is reordered to [C, M] (folds at compile time), the bias adds.
// CHECK-LABEL: func.func @pointwise
// CHECK: %[[T:.*]] = infer.transpose %arg0 perm [0, 2, 3, 1] : tensor<1x16x8x8xf16> -> tensor<1x8x8x16xf16>
// CHECK: %[[R:.*]] = infer.reshape %[[T]] : tensor<1x8x8x16xf16> -> tensor<64x16xf16>
// CHECK: %[[WT:.*]] = infer.transpose %{{.*}} perm [2, 3, 1, 0] : tensor<32x16x1x1xf16> -> tensor<1x1x16x32xf16>
// CHECK: %[[W:.*]] = infer.reshape %[[WT]] : tensor<1x1x16x32xf16> -> tensor<16x32xf16>
// CHECK: %[[P:.*]] = infer.matmul %[[R]], %[[W]] : (tensor<64x16xf16>, tensor<16x32xf16>) -> tensor<64x32xf16>
// CHECK: %[[B:.*]] = infer.binary add %[[P]], %{{.*}} : (tensor<64x32xf16>, tensor<32xf16>)
// CHECK: %[[Y:.*]] = infer.reshape %[[B]] : tensor<64x32xf16> -> tensor<1x8x8x32xf16>
// CHECK: infer.transpose %[[Y]] perm [0, 3, 1, 2] : tensor<1x8x8x32xf16> -> tensor<1x32x8x8xf16>
// CHECK-NOT: infer.conv
func.func @pointwise(%x: tensor<1x16x8x8xf16>) -> tensor<1x32x8x8xf16> {
  %w = infer.constant dense<0.5> : tensor<32x16x1x1xf16>
  %b = infer.constant dense<1.0> : tensor<32xf16>
  %y = infer.conv %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1
       : (tensor<1x16x8x8xf16>, tensor<32x16x1x1xf16>, tensor<32xf16>) -> tensor<1x32x8x8xf16>
  return %y : tensor<1x32x8x8xf16>
}

// A strided, padded 3x3 window on 3 channels (a stem): channels padded to
// 4 (8 bytes) before the transpose, pixel pairs read as one 16-byte pixel
// of an image half as wide (a reshape), the window 3 x 2 pairs with stride
// 2 x 1 and pads 1 (top), 1 pair (left), 1, 0; the weight padded by one
// column on the left (the first pair's first pixel is outside the window)
// and reordered to [r, pair, half, channel] x M (folds at compile time).
// CHECK-LABEL: func.func @window
// CHECK: %[[C:.*]] = infer.pad constant %arg0 pads [0, 0, 0, 0, 0, 1, 0, 0] value 0.000000e+00 : tensor<2x3x8x8xf16> -> tensor<2x4x8x8xf16>
// CHECK: %[[T:.*]] = infer.transpose %[[C]] perm [0, 2, 3, 1] : tensor<2x4x8x8xf16> -> tensor<2x8x8x4xf16>
// CHECK: %[[P:.*]] = infer.reshape %[[T]] : tensor<2x8x8x4xf16> -> tensor<2x8x4x8xf16>
// CHECK: %[[R:.*]] = infer.im2col %[[P]] kernel [3, 2] strides [2, 1] pads [1, 1, 1, 0] dilations [1, 1] : tensor<2x8x4x8xf16> -> tensor<32x48xf16>
// CHECK: infer.pad constant %{{.*}} pads [0, 0, 0, 1, 0, 1, 0, 0] value 0.000000e+00 : tensor<16x3x3x3xf16> -> tensor<16x4x3x4xf16>
// CHECK: infer.transpose %{{.*}} perm [2, 3, 4, 1, 0] : tensor<16x4x3x2x2xf16> -> tensor<3x2x2x4x16xf16>
// CHECK: infer.matmul %[[R]], %{{.*}} : (tensor<32x48xf16>, tensor<48x16xf16>) -> tensor<32x16xf16>
// CHECK: infer.transpose %{{.*}} perm [0, 3, 1, 2] : tensor<2x4x4x16xf16> -> tensor<2x16x4x4xf16>
func.func @window(%x: tensor<2x3x8x8xf16>) -> tensor<2x16x4x4xf16> {
  %w = infer.constant dense<0.5> : tensor<16x3x3x3xf16>
  %y = infer.conv %x, %w strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] group 1
       : (tensor<2x3x8x8xf16>, tensor<16x3x3x3xf16>) -> tensor<2x16x4x4xf16>
  return %y : tensor<2x16x4x4xf16>
}

// Windows that keep one pixel per row of taps: a stride of 1 (a pair of
// pixels would need taps half a pair apart) and 8 channels (16 bytes a
// pixel already). Channels are padded so that K is whole 16 bytes
// (3 x 3 x 8 = 72) and the im2col reads the NHWC image.
// CHECK-LABEL: func.func @unpaired
// CHECK: infer.pad constant %arg0 pads [0, 0, 0, 0, 0, 5, 0, 0] value 0.000000e+00 : tensor<2x3x8x8xf16> -> tensor<2x8x8x8xf16>
// CHECK-NOT: infer.reshape
// CHECK: infer.im2col %{{.*}} kernel [3, 3] strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] : tensor<2x8x8x8xf16> -> tensor<128x72xf16>
// CHECK: infer.im2col %{{.*}} kernel [3, 3] strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] : tensor<2x8x8x8xf16> -> tensor<32x72xf16>
func.func @unpaired(%x: tensor<2x3x8x8xf16>, %z: tensor<2x8x8x8xf16>)
    -> (tensor<2x16x8x8xf16>, tensor<2x16x4x4xf16>) {
  %w = infer.constant dense<0.5> : tensor<16x3x3x3xf16>
  %y = infer.conv %x, %w strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 1
       : (tensor<2x3x8x8xf16>, tensor<16x3x3x3xf16>) -> tensor<2x16x8x8xf16>
  %v = infer.constant dense<0.5> : tensor<16x8x3x3xf16>
  %p = infer.conv %z, %v strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] group 1
       : (tensor<2x8x8x8xf16>, tensor<16x8x3x3xf16>) -> tensor<2x16x4x4xf16>
  return %y, %p : tensor<2x16x8x8xf16>, tensor<2x16x4x4xf16>
}

// Left alone: fp32 (no 16-bit tensor-core GEMM), weights that are not
// constants. A grouped convolution (depthwise) has no GEMM form: it runs
// channels-last between two transposes; fp32 ones stay as they are.
// CHECK-LABEL: func.func @fp32
// CHECK: infer.conv
// CHECK-NOT: channels_last
// CHECK-LABEL: func.func @grouped
// CHECK: %[[T:.*]] = infer.transpose %arg0 perm [0, 2, 3, 1] : tensor<1x16x8x8xf16> -> tensor<1x8x8x16xf16>
// CHECK: %[[C:.*]] = infer.conv %[[T]], %{{.*}} strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 16 channels_last : (tensor<1x8x8x16xf16>, tensor<16x1x3x3xf16>) -> tensor<1x8x8x16xf16>
// CHECK: infer.transpose %[[C]] perm [0, 3, 1, 2] : tensor<1x8x8x16xf16> -> tensor<1x16x8x8xf16>
// CHECK-LABEL: func.func @grouped_fp32
// CHECK: infer.conv {{.*}} group 16 :
// CHECK-LABEL: func.func @weight_input
// CHECK: infer.conv
func.func @fp32(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
  %w = infer.constant dense<0.5> : tensor<32x16x1x1xf32>
  %y = infer.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1
       : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
  return %y : tensor<1x32x8x8xf32>
}
func.func @grouped(%x: tensor<1x16x8x8xf16>) -> tensor<1x16x8x8xf16> {
  %w = infer.constant dense<0.5> : tensor<16x1x3x3xf16>
  %y = infer.conv %x, %w strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 16
       : (tensor<1x16x8x8xf16>, tensor<16x1x3x3xf16>) -> tensor<1x16x8x8xf16>
  return %y : tensor<1x16x8x8xf16>
}
func.func @grouped_fp32(%x: tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32> {
  %w = infer.constant dense<0.5> : tensor<16x1x3x3xf32>
  %y = infer.conv %x, %w strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 16
       : (tensor<1x16x8x8xf32>, tensor<16x1x3x3xf32>) -> tensor<1x16x8x8xf32>
  return %y : tensor<1x16x8x8xf32>
}
func.func @weight_input(%x: tensor<1x16x8x8xf16>, %w: tensor<32x16x1x1xf16>) -> tensor<1x32x8x8xf16> {
  %y = infer.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1
       : (tensor<1x16x8x8xf16>, tensor<32x16x1x1xf16>) -> tensor<1x32x8x8xf16>
  return %y : tensor<1x32x8x8xf16>
}

// A grouped convolution with 4 or more channels per group (here 2 groups
// of 8) is a GEMM with a block-diagonal weight: zeros where an output
// channel's group does not read.
// CHECK-LABEL: func.func @block_diagonal
// CHECK: infer.im2col
// CHECK: infer.matmul %{{.*}}, %{{.*}} : (tensor<128x144xf16>, tensor<144x16xf16>)
// CHECK-NOT: infer.conv
func.func @block_diagonal(%x: tensor<2x16x8x8xf16>) -> tensor<2x16x8x8xf16> {
  %w = infer.constant dense<0.5> : tensor<16x8x3x3xf16>
  %y = infer.conv %x, %w strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 2
       : (tensor<2x16x8x8xf16>, tensor<16x8x3x3xf16>) -> tensor<2x16x8x8xf16>
  return %y : tensor<2x16x8x8xf16>
}
