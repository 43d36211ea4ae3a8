// RUN: infer-opt %s -split-input-file -verify-diagnostics

// Tests that every verifier branch of the infer ops reports its error.

// Tests the conv input rank check.
func.func @case0(%x: tensor<1x3xf32>, %w: tensor<4x3xf32>) {
  // expected-error @+1 {{expects input of rank 3 to 5 (N, C and 1 to 3 spatial dimensions), got rank 2}}
  %r = infer.conv %x, %w strides [] pads [] dilations [] group 1 : (tensor<1x3xf32>, tensor<4x3xf32>) -> tensor<1x4xf32>
  return
}

// -----

// Tests the conv weight rank check.
func.func @case1(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3xf32>) {
  // expected-error @+1 {{expects weight of rank 4 like the input, got rank 3}}
  %r = infer.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// Tests the conv stride count check.
func.func @case2(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{expects 2 strides, got 1}}
  %r = infer.conv %x, %w strides [1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// Tests the conv dilation count check.
func.func @case3(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{expects 2 dilations, got 3}}
  %r = infer.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1, 1] group 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// Tests the conv pad count check.
func.func @case4(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{expects 4 pads, got 2}}
  %r = infer.conv %x, %w strides [1, 1] pads [0, 0] dilations [1, 1] group 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// Tests the conv zero kernel check.
func.func @case5(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x0x3xf32>) {
  // expected-error @+1 {{expects positive kernel sizes, got [0, 3]}}
  %r = infer.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x3x8x8xf32>, tensor<4x3x0x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// Tests the conv zero stride check.
func.func @case6(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{expects positive strides, got [0, 1]}}
  %r = infer.conv %x, %w strides [0, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// Tests the conv zero dilation check.
func.func @case7(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{expects positive dilations, got [1, 0]}}
  %r = infer.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 0] group 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// Tests the conv negative pad check.
func.func @case8(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{expects non-negative pads, got [0, -1, 0, 0]}}
  %r = infer.conv %x, %w strides [1, 1] pads [0, -1, 0, 0] dilations [1, 1] group 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// Tests the conv group zero check.
func.func @case9(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{expects a positive group count, got 0}}
  %r = infer.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 0 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// Tests the channels-last conv shapes: channels are the last dimension of
// the input and of the result.
func.func @case10a(%x: tensor<1x8x8x4xf32>, %w: tensor<8x2x3x3xf32>) {
  // expected-error @+1 {{result shape [1, 8, 4, 4] does not match the inferred shape [1, 4, 4, 8]}}
  %r = infer.conv %x, %w strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] group 2 channels_last : (tensor<1x8x8x4xf32>, tensor<8x2x3x3xf32>) -> tensor<1x8x4x4xf32>
  return
}

// -----

// Tests the conv channels vs group check.
func.func @case10(%x: tensor<1x4x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{expects input channels (4) to equal weight channels per group (3) times group (1)}}
  %r = infer.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x4x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// Tests the conv output channels vs group check.
func.func @case11(%x: tensor<1x4x8x8xf32>, %w: tensor<5x2x3x3xf32>) {
  // expected-error @+1 {{expects output channels (5) to be divisible by group (2)}}
  %r = infer.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 2 : (tensor<1x4x8x8xf32>, tensor<5x2x3x3xf32>) -> tensor<1x5x6x6xf32>
  return
}

// -----

// Tests the conv kernel larger than input check.
func.func @case12(%x: tensor<1x3x2x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{spatial dimension 0 of size 2 with pads 0+0 is smaller than the dilated kernel (3)}}
  %r = infer.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x3x2x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x1x6xf32>
  return
}

// -----

// Tests the conv result shape check.
func.func @case13(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{result shape [1, 4, 8, 8] does not match the inferred shape [1, 4, 6, 6]}}
  %r = infer.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  return
}

// -----

// Tests the conv bias shape check.
func.func @case14(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{expects a bias of shape [4], got [3]}}
  %r = infer.conv %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// Tests the conv mixed float and quantized check.
func.func @case15(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error @+1 {{expects input and weight both float or both quantized, got 'f32' and '!quant.uniform<i8:f32, 1.000000e-01>'}}
  %r = infer.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3x!quant.uniform<i8:f32, 0.1>>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// Tests the conv integer input check.
func.func @case16(%x: tensor<1x3x8x8xi32>, %w: tensor<4x3x3x3xi32>) {
  // expected-error @+1 {{expects a float or quantized input, got 'i32'}}
  %r = infer.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x3x8x8xi32>, tensor<4x3x3x3xi32>) -> tensor<1x4x6x6xi32>
  return
}

// -----

// Tests the conv weight element type check.
func.func @case17(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf16>) {
  // expected-error @+1 {{expects weight element type 'f32' like the input, got 'f16'}}
  %r = infer.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf16>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// Tests the conv_transpose input rank check.
func.func @case18(%x: tensor<1x1x1x1x1x1xf32>, %w: tensor<1x1x1x1x1x1xf32>) {
  // expected-error @+1 {{expects input of rank 3 to 5 (N, C and 1 to 3 spatial dimensions), got rank 6}}
  %r = infer.conv_transpose %x, %w strides [1, 1, 1, 1] pads [0, 0, 0, 0, 0, 0, 0, 0] dilations [1, 1, 1, 1] output_padding [0, 0, 0, 0] group 1 : (tensor<1x1x1x1x1x1xf32>, tensor<1x1x1x1x1x1xf32>) -> tensor<1x1x1x1x1x1xf32>
  return
}

// -----

// Tests the conv_transpose weight rank check.
func.func @case19(%x: tensor<1x8x4x4xf32>, %w: tensor<8x4x2x2x2xf32>) {
  // expected-error @+1 {{expects weight of rank 4 like the input, got rank 5}}
  %r = infer.conv_transpose %x, %w strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] output_padding [0, 0] group 1 : (tensor<1x8x4x4xf32>, tensor<8x4x2x2x2xf32>) -> tensor<1x4x8x8xf32>
  return
}

// -----

// Tests the conv_transpose window check.
func.func @case20(%x: tensor<1x8x4x4xf32>, %w: tensor<8x4x2x2xf32>) {
  // expected-error @+1 {{expects 2 strides, got 1}}
  %r = infer.conv_transpose %x, %w strides [2] pads [0, 0, 0, 0] dilations [1, 1] output_padding [0, 0] group 1 : (tensor<1x8x4x4xf32>, tensor<8x4x2x2xf32>) -> tensor<1x4x8x8xf32>
  return
}

// -----

// Tests the conv_transpose output padding count check.
func.func @case21(%x: tensor<1x8x4x4xf32>, %w: tensor<8x4x2x2xf32>) {
  // expected-error @+1 {{expects 2 output paddings, got 1}}
  %r = infer.conv_transpose %x, %w strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] output_padding [0] group 1 : (tensor<1x8x4x4xf32>, tensor<8x4x2x2xf32>) -> tensor<1x4x8x8xf32>
  return
}

// -----

// Tests the conv_transpose group check.
func.func @case22(%x: tensor<1x8x4x4xf32>, %w: tensor<8x4x2x2xf32>) {
  // expected-error @+1 {{expects a positive group count, got -1}}
  %r = infer.conv_transpose %x, %w strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] output_padding [0, 0] group -1 : (tensor<1x8x4x4xf32>, tensor<8x4x2x2xf32>) -> tensor<1x4x8x8xf32>
  return
}

// -----

// Tests the conv_transpose channels check.
func.func @case23(%x: tensor<1x8x4x4xf32>, %w: tensor<6x4x2x2xf32>) {
  // expected-error @+1 {{expects input channels (8) to equal the weight's first dimension (6)}}
  %r = infer.conv_transpose %x, %w strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] output_padding [0, 0] group 1 : (tensor<1x8x4x4xf32>, tensor<6x4x2x2xf32>) -> tensor<1x4x8x8xf32>
  return
}

// -----

// Tests the conv_transpose channels vs group check.
func.func @case24(%x: tensor<1x8x4x4xf32>, %w: tensor<8x4x2x2xf32>) {
  // expected-error @+1 {{expects input channels (8) to be divisible by group (3)}}
  %r = infer.conv_transpose %x, %w strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] output_padding [0, 0] group 3 : (tensor<1x8x4x4xf32>, tensor<8x4x2x2xf32>) -> tensor<1x12x8x8xf32>
  return
}

// -----

// Tests the conv_transpose output padding range check.
func.func @case25(%x: tensor<1x8x4x4xf32>, %w: tensor<8x4x2x2xf32>) {
  // expected-error @+1 {{expects output padding 2 to be non-negative and smaller than the stride or the dilation}}
  %r = infer.conv_transpose %x, %w strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] output_padding [2, 0] group 1 : (tensor<1x8x4x4xf32>, tensor<8x4x2x2xf32>) -> tensor<1x4x10x8xf32>
  return
}

// -----

// Tests the conv_transpose negative size check.
func.func @case26(%x: tensor<1x8x1x4xf32>, %w: tensor<8x4x1x2xf32>) {
  // expected-error @+1 {{spatial dimension 0 has a non-positive output size 0}}
  %r = infer.conv_transpose %x, %w strides [1, 2] pads [1, 1, 0, 0] dilations [1, 1] output_padding [0, 0] group 1 : (tensor<1x8x1x4xf32>, tensor<8x4x1x2xf32>) -> tensor<1x4x1x8xf32>
  return
}

// -----

// Tests the conv_transpose bias check.
func.func @case27(%x: tensor<1x8x4x4xf32>, %w: tensor<8x4x2x2xf32>, %b: tensor<8xf32>) {
  // expected-error @+1 {{expects a bias of shape [4], got [8]}}
  %r = infer.conv_transpose %x, %w, %b strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] output_padding [0, 0] group 1 : (tensor<1x8x4x4xf32>, tensor<8x4x2x2xf32>, tensor<8xf32>) -> tensor<1x4x8x8xf32>
  return
}

// -----

// Tests the matmul scalar operand check.
func.func @case28(%a: tensor<f32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{expects operands of rank at least 1, got ranks 0 and 1}}
  %r = infer.matmul %a, %b : (tensor<f32>, tensor<4xf32>) -> tensor<f32>
  return
}

// -----

// Tests the matmul contraction check.
func.func @case29(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{expects the contraction dimensions to match, got [2, 3] and [4, 5]}}
  %r = infer.matmul %a, %b : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return
}

// -----

// Tests the matmul batch broadcast check.
func.func @case30(%a: tensor<2x4x4xf32>, %b: tensor<3x4x4xf32>) {
  // expected-error @+1 {{shapes [2] and [3] do not broadcast (dimension 0: 2 vs 3)}}
  %r = infer.matmul %a, %b : (tensor<2x4x4xf32>, tensor<3x4x4xf32>) -> tensor<2x4x4xf32>
  return
}

// -----

// Tests the matmul element types check.
func.func @case31(%a: tensor<2x4xf32>, %b: tensor<4x4xf16>) {
  // expected-error @+1 {{expects rhs element type 'f32' like the lhs, got 'f16'}}
  %r = infer.matmul %a, %b : (tensor<2x4xf32>, tensor<4x4xf16>) -> tensor<2x4xf32>
  return
}

// -----

// Tests the gemm rank check.
func.func @case32(%a: tensor<1x2x3xf32>, %b: tensor<3x4xf32>) {
  // expected-error @+1 {{expects 2-D operands, got ranks 3 and 2}}
  %r = infer.gemm %a, %b alpha 1.0 beta 1.0 : (tensor<1x2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  return
}

// -----

// Tests the gemm contraction check.
func.func @case33(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{expects the contraction dimensions to match, got 3 and 4}}
  %r = infer.gemm %a, %b alpha 1.0 beta 1.0 : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return
}

// -----

// Tests the gemm c broadcast check.
func.func @case34(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>, %c: tensor<3xf32>) {
  // expected-error @+1 {{expects c of shape [3] to broadcast to [2, 4]}}
  %r = infer.gemm %a, %b, %c alpha 1.0 beta 1.0 : (tensor<2x3xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<2x4xf32>
  return
}

// -----

// Tests the pool rank check.
func.func @case35(%x: tensor<1x8xf32>) {
  // expected-error @+1 {{expects input of rank 3 to 5 (N, C and 1 to 3 spatial dimensions), got rank 2}}
  %r = infer.pool max %x kernel [] strides [] pads [] dilations [] : tensor<1x8xf32> -> tensor<1x8xf32>
  return
}

// -----

// Tests the pool kernel count check.
func.func @case36(%x: tensor<1x8x4x4xf32>) {
  // expected-error @+1 {{expects 2 kernel sizes, got 1}}
  %r = infer.pool max %x kernel [2] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] : tensor<1x8x4x4xf32> -> tensor<1x8x3x3xf32>
  return
}

// -----

// Tests the pool empty kernel check.
func.func @case37(%x: tensor<1x8x4x4xf32>) {
  // expected-error @+1 {{expects 2 kernel sizes, got 0}}
  %r = infer.pool max %x kernel [] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] : tensor<1x8x4x4xf32> -> tensor<1x8x3x3xf32>
  return
}

// -----

// Tests the pool pads larger than kernel check.
func.func @case38(%x: tensor<1x8x4x4xf32>) {
  // expected-error @+1 {{expects pads smaller than the kernel, got pads [2, 0, 0, 0] for kernel [2, 2]}}
  %r = infer.pool max %x kernel [2, 2] strides [1, 1] pads [2, 0, 0, 0] dilations [1, 1] : tensor<1x8x4x4xf32> -> tensor<1x8x5x3xf32>
  return
}

// -----

// Tests the pool window larger than input check.
func.func @case39(%x: tensor<1x8x4x2xf32>) {
  // expected-error @+1 {{spatial dimension 1 of size 2 is smaller than the dilated window (3)}}
  %r = infer.pool max %x kernel [3, 3] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] : tensor<1x8x4x2xf32> -> tensor<1x8x2x1xf32>
  return
}

// -----

// Tests the pool count_include_pad on max check.
func.func @case40(%x: tensor<1x8x4x4xf32>) {
  // expected-error @+1 {{count_include_pad only applies to avg pooling}}
  %r = infer.pool max %x kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] count_include_pad : tensor<1x8x4x4xf32> -> tensor<1x8x2x2xf32>
  return
}

// -----

// Tests the pool lp exponent check.
func.func @case41(%x: tensor<1x8x4x4xf32>) {
  // expected-error @+1 {{expects p >= 1 for lp pooling, got 0}}
  %r = infer.pool lp %x kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] {p = 0 : i64} : tensor<1x8x4x4xf32> -> tensor<1x8x2x2xf32>
  return
}

// -----

// Tests the pool result check.
func.func @case42(%x: tensor<1x8x4x4xf32>) {
  // expected-error @+1 {{result shape [1, 8, 3, 3] does not match the inferred shape [1, 8, 2, 2]}}
  %r = infer.pool avg %x kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] : tensor<1x8x4x4xf32> -> tensor<1x8x3x3xf32>
  return
}

// -----

// Tests the pool element type check.
func.func @case43(%x: tensor<1x8x4x4xf32>) {
  // expected-error @+1 {{expects result element type 'f32' like the input, got 'f16'}}
  %r = infer.pool avg %x kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] : tensor<1x8x4x4xf32> -> tensor<1x8x2x2xf16>
  return
}

// -----

// Tests the global_pool rank check.
func.func @case44(%x: tensor<1x8xf32>) {
  // expected-error @+1 {{expects an input of rank at least 3, got rank 2}}
  %r = infer.global_pool avg %x : tensor<1x8xf32> -> tensor<1x8xf32>
  return
}

// -----

// Tests the global_pool lp exponent check.
func.func @case45(%x: tensor<1x8x4x4xf32>) {
  // expected-error @+1 {{expects p >= 1 for lp pooling, got -2}}
  %r = infer.global_pool lp %x {p = -2 : i64} : tensor<1x8x4x4xf32> -> tensor<1x8x1x1xf32>
  return
}

// -----

// Tests the global_pool result check.
func.func @case46(%x: tensor<1x8x4x4xf32>) {
  // expected-error @+1 {{result shape [1, 8] does not match the inferred shape [1, 8, 1, 1]}}
  %r = infer.global_pool max %x : tensor<1x8x4x4xf32> -> tensor<1x8xf32>
  return
}

// -----

// Tests the softmax axis check.
func.func @case47(%x: tensor<1x8xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %r = infer.softmax %x axis 2 : tensor<1x8xf32>
  return
}

// -----

// Tests the log_softmax axis check.
func.func @case48(%x: tensor<1x8xf32>) {
  // expected-error @+1 {{axis -1 is out of range for rank 2}}
  %r = infer.log_softmax %x axis -1 : tensor<1x8xf32>
  return
}

// -----

// Tests the layer_norm axis check.
func.func @case49(%x: tensor<1x4x8xf32>, %g: tensor<8xf32>) {
  // expected-error @+1 {{axis 3 is out of range for rank 3}}
  %r = infer.layer_norm %x, %g axis 3 epsilon 1.0e-5 : (tensor<1x4x8xf32>, tensor<8xf32>) -> tensor<1x4x8xf32>
  return
}

// -----

// Tests the layer_norm scale shape check.
func.func @case50(%x: tensor<1x4x8xf32>, %g: tensor<4xf32>) {
  // expected-error @+1 {{expects scale of shape [4] to broadcast to the normalized shape [8]}}
  %r = infer.layer_norm %x, %g axis 2 epsilon 1.0e-5 : (tensor<1x4x8xf32>, tensor<4xf32>) -> tensor<1x4x8xf32>
  return
}

// -----

// Tests the layer_norm bias shape check.
func.func @case51(%x: tensor<1x4x8xf32>, %g: tensor<8xf32>, %b: tensor<2x8xf32>) {
  // expected-error @+1 {{expects bias of shape [2, 8] to broadcast to the normalized shape [4, 8]}}
  %r = infer.layer_norm %x, %g, %b axis 1 epsilon 1.0e-5 : (tensor<1x4x8xf32>, tensor<8xf32>, tensor<2x8xf32>) -> tensor<1x4x8xf32>
  return
}

// -----

// Tests the layer_norm element type check.
func.func @case52(%x: tensor<1x4x8xf32>, %g: tensor<8xf16>) {
  // expected-error @+1 {{expects scale element type 'f32' like the input, got 'f16'}}
  %r = infer.layer_norm %x, %g axis 2 epsilon 1.0e-5 : (tensor<1x4x8xf32>, tensor<8xf16>) -> tensor<1x4x8xf32>
  return
}

// -----

// Tests the layer_norm epsilon check.
func.func @case53(%x: tensor<1x4x8xf32>, %g: tensor<8xf32>) {
  // expected-error @+1 {{expects a non-negative epsilon}}
  %r = infer.layer_norm %x, %g axis 2 epsilon -1.0 : (tensor<1x4x8xf32>, tensor<8xf32>) -> tensor<1x4x8xf32>
  return
}

// -----

// Tests the layer_norm result check.
func.func @case54(%x: tensor<1x4x8xf32>, %g: tensor<8xf32>) {
  // expected-error @+1 {{result shape [1, 4, 4] does not match the inferred shape [1, 4, 8]}}
  %r = infer.layer_norm %x, %g axis 2 epsilon 1.0e-5 : (tensor<1x4x8xf32>, tensor<8xf32>) -> tensor<1x4x4xf32>
  return
}

// -----

// Tests the batch_norm rank check.
func.func @case55(%x: tensor<4xf32>, %c: tensor<4xf32>) {
  // expected-error @+1 {{expects an input of rank at least 2, got rank 1}}
  %r = infer.batch_norm %x, %c, %c, %c, %c epsilon 1.0e-5 : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

// Tests the batch_norm statistics shape check.
func.func @case56(%x: tensor<1x4x2x2xf32>, %c: tensor<4xf32>, %m: tensor<3xf32>) {
  // expected-error @+1 {{expects mean of shape [4], got [3]}}
  %r = infer.batch_norm %x, %c, %c, %m, %c epsilon 1.0e-5 : (tensor<1x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<3xf32>, tensor<4xf32>) -> tensor<1x4x2x2xf32>
  return
}

// -----

// Tests the batch_norm element type check.
func.func @case57(%x: tensor<1x4x2x2xf32>, %c: tensor<4xf32>, %v: tensor<4xf16>) {
  // expected-error @+1 {{expects variance element type 'f32' like the input, got 'f16'}}
  %r = infer.batch_norm %x, %c, %c, %c, %v epsilon 1.0e-5 : (tensor<1x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf16>) -> tensor<1x4x2x2xf32>
  return
}

// -----

// Tests the batch_norm result check.
func.func @case58(%x: tensor<1x4x2x2xf32>, %c: tensor<4xf32>) {
  // expected-error @+1 {{result shape [1, 4, 2] does not match the inferred shape [1, 4, 2, 2]}}
  %r = infer.batch_norm %x, %c, %c, %c, %c epsilon 1.0e-5 : (tensor<1x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x2xf32>
  return
}

// -----

// Tests the unary missing alpha check.
func.func @case59(%x: tensor<4xf32>) {
  // expected-error @+1 {{kind 'leaky_relu' requires alpha}}
  %r = infer.unary leaky_relu %x : tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

// Tests the unary unexpected alpha check.
func.func @case60(%x: tensor<4xf32>) {
  // expected-error @+1 {{kind 'relu' takes no alpha}}
  %r = infer.unary relu %x alpha 1.0 : tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

// Tests the unary missing beta check.
func.func @case61(%x: tensor<4xf32>) {
  // expected-error @+1 {{kind 'clip' requires beta}}
  %r = infer.unary clip %x alpha 0.0 : tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

// Tests the unary unexpected beta check.
func.func @case62(%x: tensor<4xf32>) {
  // expected-error @+1 {{kind 'elu' takes no beta}}
  %r = infer.unary elu %x alpha 1.0 beta 2.0 : tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

// Tests the unary not on floats check.
func.func @case63(%x: tensor<4xf32>) {
  // expected-error @+1 {{kind 'not' expects i1 elements, got 'f32'}}
  %r = infer.unary not %x : tensor<4xf32> -> tensor<4xi1>
  return
}

// -----

// Tests the unary bitwise_not on floats check.
func.func @case64(%x: tensor<4xf32>) {
  // expected-error @+1 {{kind 'bitwise_not' expects integer elements, got 'f32'}}
  %r = infer.unary bitwise_not %x : tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

// Tests the unary float-only kind on integers check.
func.func @case65(%x: tensor<4xi32>) {
  // expected-error @+1 {{kind 'exp' expects float elements, got 'i32'}}
  %r = infer.unary exp %x : tensor<4xi32> -> tensor<4xi32>
  return
}

// -----

// Tests the unary numeric kind on booleans check.
func.func @case66(%x: tensor<4xi1>) {
  // expected-error @+1 {{kind 'abs' expects numeric elements, got 'i1'}}
  %r = infer.unary abs %x : tensor<4xi1> -> tensor<4xi1>
  return
}

// -----

// Tests the unary result type check.
func.func @case67(%x: tensor<4xf32>) {
  // expected-error @+1 {{expects result element type 'i1', got 'f32'}}
  %r = infer.unary is_nan %x : tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

// Tests the unary result shape check.
func.func @case68(%x: tensor<4xf32>) {
  // expected-error @+1 {{result shape [5] does not match the inferred shape [4]}}
  %r = infer.unary relu %x : tensor<4xf32> -> tensor<5xf32>
  return
}

// -----

// Tests the binary element types check.
func.func @case69(%a: tensor<4xf32>, %b: tensor<4xf16>) {
  // expected-error @+1 {{expects operands of one element type, got 'f32' and 'f16'}}
  %r = infer.binary add %a, %b : (tensor<4xf32>, tensor<4xf16>) -> tensor<4xf32>
  return
}

// -----

// Tests the binary logical on floats check.
func.func @case70(%a: tensor<4xf32>) {
  // expected-error @+1 {{kind 'and' expects i1 elements, got 'f32'}}
  %r = infer.binary and %a, %a : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  return
}

// -----

// Tests the binary bitwise on floats check.
func.func @case71(%a: tensor<4xf32>) {
  // expected-error @+1 {{kind 'shift_right' expects integer elements, got 'f32'}}
  %r = infer.binary shift_right %a, %a : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

// Tests the binary fmod on booleans check.
func.func @case72(%a: tensor<4xi1>) {
  // expected-error @+1 {{kind 'fmod' expects numeric elements, got 'i1'}}
  %r = infer.binary fmod %a, %a : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  return
}

// -----

// Tests the binary comparison result check.
func.func @case73(%a: tensor<4xf32>) {
  // expected-error @+1 {{expects result element type 'i1', got 'f32'}}
  %r = infer.binary less %a, %a : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

// Tests the binary broadcast check.
func.func @case74(%a: tensor<4xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{shapes [4] and [3] do not broadcast (dimension 0: 4 vs 3)}}
  %r = infer.binary mul %a, %b : (tensor<4xf32>, tensor<3xf32>) -> tensor<4xf32>
  return
}

// -----

// Tests the binary result shape check.
func.func @case75(%a: tensor<4xf32>, %b: tensor<3x1xf32>) {
  // expected-error @+1 {{result shape [4] does not match the inferred shape [3, 4]}}
  %r = infer.binary sub %a, %b : (tensor<4xf32>, tensor<3x1xf32>) -> tensor<4xf32>
  return
}

// -----

// Tests the where element types check.
func.func @case76(%c: tensor<4xi1>, %a: tensor<4xf32>, %b: tensor<4xf16>) {
  // expected-error @+1 {{expects false value element type 'f32' like the true value, got 'f16'}}
  %r = infer.where %c, %a, %b : (tensor<4xi1>, tensor<4xf32>, tensor<4xf16>) -> tensor<4xf32>
  return
}

// -----

// Tests the where condition broadcast check.
func.func @case77(%c: tensor<3xi1>, %a: tensor<4xf32>) {
  // expected-error @+1 {{shapes [3] and [4] do not broadcast (dimension 0: 3 vs 4)}}
  %r = infer.where %c, %a, %a : (tensor<3xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

// Tests the where false broadcast check.
func.func @case78(%c: tensor<2x1xi1>, %a: tensor<4xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{shapes [2, 4] and [3] do not broadcast (dimension 1: 4 vs 3)}}
  %r = infer.where %c, %a, %b : (tensor<2x1xi1>, tensor<4xf32>, tensor<3xf32>) -> tensor<2x4xf32>
  return
}

// -----

// Tests the where result check.
func.func @case79(%c: tensor<2x1xi1>, %a: tensor<4xf32>) {
  // expected-error @+1 {{result shape [4] does not match the inferred shape [2, 4]}}
  %r = infer.where %c, %a, %a : (tensor<2x1xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

// Tests the cast quantized check.
func.func @case80(%x: tensor<4xf32>) {
  // expected-error @+1 {{casts a quantized type only to or from an integer of its storage width, got 'f32' to '!quant.uniform<i8:f32, 1.000000e+00>'}}
  %r = infer.cast %x : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 1.0>>
  return
}

// -----

// Tests the cast shape check.
func.func @case81(%x: tensor<4xf32>) {
  // expected-error @+1 {{result shape [2, 2] does not match the inferred shape [4]}}
  %r = infer.cast %x : tensor<4xf32> to tensor<2x2xf16>
  return
}

// -----

// Tests the reduce axis range check.
func.func @case82(%x: tensor<2x3x4xf32>) {
  // expected-error @+1 {{axis 3 is out of range for rank 3}}
  %r = infer.reduce sum %x axes [3] : tensor<2x3x4xf32> -> tensor<2x3x4xf32>
  return
}

// -----

// Tests the reduce axis order check.
func.func @case83(%x: tensor<2x3x4xf32>) {
  // expected-error @+1 {{expects sorted unique axes, got [1, 1]}}
  %r = infer.reduce sum %x axes [1, 1] : tensor<2x3x4xf32> -> tensor<2x4xf32>
  return
}

// -----

// Tests the reduce result check.
func.func @case84(%x: tensor<2x3x4xf32>) {
  // expected-error @+1 {{result shape [2, 4] does not match the inferred shape [2, 1, 4]}}
  %r = infer.reduce max %x axes [1] keep_dims : tensor<2x3x4xf32> -> tensor<2x4xf32>
  return
}

// -----

// Tests the reduce element type check.
func.func @case85(%x: tensor<2x3x4xf32>) {
  // expected-error @+1 {{expects result element type 'f32' like the input, got 'f64'}}
  %r = infer.reduce max %x axes [1] : tensor<2x3x4xf32> -> tensor<2x4xf64>
  return
}

// -----

// Tests the arg_reduce axis check.
func.func @case86(%x: tensor<2x3x4xf32>) {
  // expected-error @+1 {{axis -1 is out of range for rank 3}}
  %r = infer.arg_reduce max %x axis -1 : tensor<2x3x4xf32> -> tensor<2x3xi64>
  return
}

// -----

// Tests the arg_reduce result check.
func.func @case87(%x: tensor<2x3x4xf32>) {
  // expected-error @+1 {{result shape [2, 3] does not match the inferred shape [2, 4]}}
  %r = infer.arg_reduce min %x axis 1 : tensor<2x3x4xf32> -> tensor<2x3xi64>
  return
}

// -----

// Tests that an arg_reduce over an empty axis is refused (no position to
// return).
func.func @case_argreduce_empty(%x: tensor<0x3xf32>) {
  // expected-error @+1 {{cannot find the max of axis 0, which is empty}}
  %r = infer.arg_reduce max %x axis 0 : tensor<0x3xf32> -> tensor<3xi64>
  return
}

// -----

// Tests the reshape two dynamic dims check.
func.func @case88(%x: tensor<?x6xf32>) {
  // expected-error @+1 {{expects at most one dynamic result dimension, got [?, ?]}}
  %r = infer.reshape %x : tensor<?x6xf32> -> tensor<?x?xf32>
  return
}

// -----

// Tests the reshape element count check.
func.func @case89(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{cannot reshape [2, 3] (6 elements) to [4, 2] (8 elements)}}
  %r = infer.reshape %x : tensor<2x3xf32> -> tensor<4x2xf32>
  return
}

// -----

// Tests the reshape element type check.
func.func @case90(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{expects result element type 'f32' like the input, got 'i32'}}
  %r = infer.reshape %x : tensor<2x3xf32> -> tensor<6xi32>
  return
}

// -----

// Tests the transpose length check.
func.func @case91(%x: tensor<2x3x4xf32>) {
  // expected-error @+1 {{expects a permutation of 3 dimensions, got 2}}
  %r = infer.transpose %x perm [1, 0] : tensor<2x3x4xf32> -> tensor<3x2x4xf32>
  return
}

// -----

// Tests the transpose repeated check.
func.func @case92(%x: tensor<2x3x4xf32>) {
  // expected-error @+1 {{expects a permutation of [0, 3), got [0, 2, 2]}}
  %r = infer.transpose %x perm [0, 2, 2] : tensor<2x3x4xf32> -> tensor<2x4x4xf32>
  return
}

// -----

// Tests the transpose result check.
func.func @case93(%x: tensor<2x3x4xf32>) {
  // expected-error @+1 {{result shape [2, 3, 4] does not match the inferred shape [4, 3, 2]}}
  %r = infer.transpose %x perm [2, 1, 0] : tensor<2x3x4xf32> -> tensor<2x3x4xf32>
  return
}

// -----

// Tests the concat axis check.
func.func @case94(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %r = infer.concat %a, %a axis 2 : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x6xf32>
  return
}

// -----

// Tests the concat rank check.
func.func @case95(%a: tensor<2x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{expects inputs of equal rank, input 1 has rank 1 instead of 2}}
  %r = infer.concat %a, %b axis 1 : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x6xf32>
  return
}

// -----

// Tests the concat other dims check.
func.func @case96(%a: tensor<2x3xf32>, %b: tensor<3x3xf32>) {
  // expected-error @+1 {{input 1 has shape [3, 3], which differs outside axis 1 from [2, 3]}}
  %r = infer.concat %a, %b axis 1 : (tensor<2x3xf32>, tensor<3x3xf32>) -> tensor<2x6xf32>
  return
}

// -----

// Tests the concat element types check.
func.func @case97(%a: tensor<2x3xf32>, %b: tensor<2x3xf16>) {
  // expected-error @+1 {{expects input element type 'f32' like the input, got 'f16'}}
  %r = infer.concat %a, %b axis 1 : (tensor<2x3xf32>, tensor<2x3xf16>) -> tensor<2x6xf32>
  return
}

// -----

// Tests the concat result check.
func.func @case98(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{result shape [2, 5] does not match the inferred shape [2, 6]}}
  %r = infer.concat %a, %a axis 1 : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x5xf32>
  return
}

// -----

// Tests the split axis check.
func.func @case99(%x: tensor<2x6xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %r:2 = infer.split %x axis 2 : tensor<2x6xf32> -> tensor<2x3xf32>, tensor<2x3xf32>
  return
}

// -----

// Tests the split element type check.
func.func @case100(%x: tensor<2x6xf32>) {
  // expected-error @+1 {{expects result 1 element type 'f32', got 'f16'}}
  %r:2 = infer.split %x axis 1 : tensor<2x6xf32> -> tensor<2x3xf32>, tensor<2x3xf16>
  return
}

// -----

// Tests the split other dims check.
func.func @case101(%x: tensor<2x6xf32>) {
  // expected-error @+1 {{result shape [1, 3] does not match the inferred shape [2, 3]}}
  %r:2 = infer.split %x axis 1 : tensor<2x6xf32> -> tensor<2x3xf32>, tensor<1x3xf32>
  return
}

// -----

// Tests the split sizes check.
func.func @case102(%x: tensor<2x6xf32>) {
  // expected-error @+1 {{result sizes along axis 1 add up to 5, not to the input's 6}}
  %r:2 = infer.split %x axis 1 : tensor<2x6xf32> -> tensor<2x3xf32>, tensor<2x2xf32>
  return
}

// -----

// Tests the slice counts check.
func.func @case103(%x: tensor<2x6xf32>) {
  // expected-error @+1 {{expects one start, end and step per dimension (2), got 1, 2 and 2}}
  %r = infer.slice %x starts [0] ends [2, 6] steps [1, 1] : tensor<2x6xf32> -> tensor<2x6xf32>
  return
}

// -----

// Tests the slice zero step check.
func.func @case104(%x: tensor<2x6xf32>) {
  // expected-error @+1 {{step of dimension 1 is zero}}
  %r = infer.slice %x starts [0, 0] ends [2, 6] steps [1, 0] : tensor<2x6xf32> -> tensor<2x6xf32>
  return
}

// -----

// Tests the slice dynamic dim check.
func.func @case105(%x: tensor<?x6xf32>) {
  // expected-error @+1 {{dimension 0 is dynamic and can only be kept whole (start 0, end ?, step 1)}}
  %r = infer.slice %x starts [1, 0] ends [2, 6] steps [1, 1] : tensor<?x6xf32> -> tensor<1x6xf32>
  return
}

// -----

// Tests the slice bounds check.
func.func @case106(%x: tensor<2x6xf32>) {
  // expected-error @+1 {{bounds [0, 7) with step 1 of dimension 1 (size 6) are not normalized}}
  %r = infer.slice %x starts [0, 0] ends [2, 7] steps [1, 1] : tensor<2x6xf32> -> tensor<2x7xf32>
  return
}

// -----

// Tests the slice result check.
func.func @case107(%x: tensor<2x6xf32>) {
  // expected-error @+1 {{result shape [2, 6] does not match the inferred shape [2, 3]}}
  %r = infer.slice %x starts [0, 0] ends [2, 6] steps [1, 2] : tensor<2x6xf32> -> tensor<2x6xf32>
  return
}

// -----

// Tests the gather scalar input check.
func.func @case108(%x: tensor<f32>, %i: tensor<2xi64>) {
  // expected-error @+1 {{expects an input of rank at least 1}}
  %r = infer.gather %x, %i axis 0 : (tensor<f32>, tensor<2xi64>) -> tensor<2xf32>
  return
}

// -----

// Tests the gather axis check.
func.func @case109(%x: tensor<6xf32>, %i: tensor<2xi64>) {
  // expected-error @+1 {{axis 1 is out of range for rank 1}}
  %r = infer.gather %x, %i axis 1 : (tensor<6xf32>, tensor<2xi64>) -> tensor<2xf32>
  return
}

// -----

// Tests the gather result check.
func.func @case110(%x: tensor<6xf32>, %i: tensor<2xi64>) {
  // expected-error @+1 {{result shape [3] does not match the inferred shape [2]}}
  %r = infer.gather %x, %i axis 0 : (tensor<6xf32>, tensor<2xi64>) -> tensor<3xf32>
  return
}

// -----

// Tests the pad count check.
func.func @case111(%x: tensor<2x6xf32>) {
  // expected-error @+1 {{expects 4 pads, got 2}}
  %r = infer.pad constant %x pads [1, 1] value 0.0 : tensor<2x6xf32> -> tensor<3x7xf32>
  return
}

// -----

// Tests the pad crop check.
func.func @case112(%x: tensor<2x6xf32>) {
  // expected-error @+1 {{pads -2 and -1 crop dimension 0 (size 2) below zero}}
  %r = infer.pad constant %x pads [-2, 0, -1, 0] value 0.0 : tensor<2x6xf32> -> tensor<0x6xf32>
  return
}

// -----

// Tests the pad reflect check.
func.func @case113(%x: tensor<2x6xf32>) {
  // expected-error @+1 {{reflect padding 2 of dimension 0 exceeds its size minus one (1)}}
  %r = infer.pad reflect %x pads [2, 0, 0, 0] value 0.0 : tensor<2x6xf32> -> tensor<4x6xf32>
  return
}

// -----

// Tests the pad result check.
func.func @case114(%x: tensor<2x6xf32>) {
  // expected-error @+1 {{result shape [3, 6] does not match the inferred shape [4, 6]}}
  %r = infer.pad edge %x pads [1, 0, 1, 0] value 0.0 : tensor<2x6xf32> -> tensor<3x6xf32>
  return
}

// -----

// Tests the resize rank check.
func.func @case115(%x: tensor<2x6xf32>) {
  // expected-error @+1 {{expects a result of rank 2, got rank 3}}
  %r = infer.resize nearest %x scales [1.0, 1.0] coordinate_mode asymmetric : tensor<2x6xf32> -> tensor<1x2x6xf32>
  return
}

// -----

// Tests the resize scale count check.
func.func @case116(%x: tensor<2x6xf32>) {
  // expected-error @+1 {{expects 2 scales, got 1}}
  %r = infer.resize nearest %x scales [1.0] coordinate_mode asymmetric : tensor<2x6xf32> -> tensor<2x6xf32>
  return
}

// -----

// Tests the resize scale sign check.
func.func @case117(%x: tensor<2x6xf32>) {
  // expected-error @+1 {{expects positive scales, got -1.000000e+00}}
  %r = infer.resize nearest %x scales [1.0, -1.0] coordinate_mode asymmetric : tensor<2x6xf32> -> tensor<2x6xf32>
  return
}

// -----

// Tests the resize linear on integers check.
func.func @case118(%x: tensor<2x6xi32>) {
  // expected-error @+1 {{linear and cubic resize expect float elements}}
  %r = infer.resize linear %x scales [1.0, 2.0] coordinate_mode half_pixel : tensor<2x6xi32> -> tensor<2x12xi32>
  return
}

// -----

// Tests the expand broadcast check.
func.func @case119(%x: tensor<3xf32>) {
  // expected-error @+1 {{shapes [3] and [4] do not broadcast (dimension 0: 3 vs 4)}}
  %r = infer.expand %x : tensor<3xf32> -> tensor<4xf32>
  return
}

// -----

// Tests the expand result check.
func.func @case120(%x: tensor<3xf32>) {
  // expected-error @+1 {{result shape [2, 1] does not match the inferred shape [2, 3]}}
  %r = infer.expand %x : tensor<3xf32> -> tensor<2x1xf32>
  return
}

// -----

// Tests the quantize expressed type check.
func.func @case121(%x: tensor<4xf16>) {
  // expected-error @+1 {{expects the quantized type to express 'f16', got 'f32'}}
  %r = infer.quantize %x : tensor<4xf16> -> tensor<4x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

// Tests the quantize axis range check.
func.func @case122(%x: tensor<4x2xf32>) {
  // expected-error @+1 {{quantized dimension 2 is out of range for rank 2}}
  %r = infer.quantize %x : tensor<4x2xf32> -> tensor<4x2x!quant.uniform<i8:f32:2, {0.5, 0.5}>>
  return
}

// -----

// Tests the quantize scale count check.
func.func @case123(%x: tensor<4x2xf32>) {
  // expected-error @+1 {{expects 4 scales for dimension 0, got 2}}
  %r = infer.quantize %x : tensor<4x2xf32> -> tensor<4x2x!quant.uniform<i8:f32:0, {0.5, 0.5}>>
  return
}

// -----

// Tests the quantize shape check.
func.func @case124(%x: tensor<4x2xf32>) {
  // expected-error @+1 {{quantized shape [2, 4] does not match the inferred shape [4, 2]}}
  %r = infer.quantize %x : tensor<4x2xf32> -> tensor<2x4x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

// Tests the dequantize expressed type check.
func.func @case125(%q: tensor<4x!quant.uniform<i8:bf16, 0.5>>) {
  // expected-error @+1 {{expects the quantized type to express 'f32', got 'bf16'}}
  %r = infer.dequantize %q : tensor<4x!quant.uniform<i8:bf16, 0.5>> -> tensor<4xf32>
  return
}

// -----

// Tests the ods: where condition type check.
func.func @case126(%c: tensor<4xf32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of 1-bit signless integer values}}
  %r = infer.where %c, %c, %c : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

// Tests the ods: gather index type check.
func.func @case127(%x: tensor<4xf32>, %i: tensor<2xf32>) {
  // expected-error @+1 {{operand #1 must be ranked tensor of 32-bit signless integer or 64-bit signless integer values}}
  %r = infer.gather %x, %i axis 0 : (tensor<4xf32>, tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

// Tests the ods: softmax on integers check.
func.func @case128(%x: tensor<4xi32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of 16-bit float or bfloat16 type or 32-bit float or 64-bit float values}}
  %r = infer.softmax %x axis 0 : tensor<4xi32>
  return
}

// -----

// Tests the concat without inputs check.
func.func @concat_no_inputs() {
  // expected-error @+1 {{expects at least one input}}
  %r = "infer.concat"() <{axis = 0 : i64}> : () -> tensor<2xf32>
  return
}

// -----

// Tests the split without results check.
func.func @split_no_results(%x: tensor<4xf32>) {
  // expected-error @+1 {{expects at least one result}}
  "infer.split"(%x) <{axis = 0 : i64}> : (tensor<4xf32>) -> ()
  return
}

// -----

// Tests the top_k axis check.
func.func @top_k_axis(%x: tensor<2x10xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %r:2 = infer.top_k %x axis 2 k 3 : tensor<2x10xf32> -> tensor<2x3xf32>, tensor<2x3xi64>
  return
}

// -----

// Tests the top_k k check.
func.func @top_k_k(%x: tensor<2x10xf32>) {
  // expected-error @+1 {{k = 11 is out of range for axis size 10}}
  %r:2 = infer.top_k %x axis 1 k 11 : tensor<2x10xf32> -> tensor<2x11xf32>, tensor<2x11xi64>
  return
}

// -----

// Tests the top_k values type check.
func.func @top_k_values_type(%x: tensor<2x10xf16>) {
  // expected-error @+1 {{expects values element type 'f16' like the input, got 'f32'}}
  %r:2 = infer.top_k %x axis 1 k 3 : tensor<2x10xf16> -> tensor<2x3xf32>, tensor<2x3xi64>
  return
}

// -----

// Tests the top_k indices shape check.
func.func @top_k_indices_shape(%x: tensor<2x10xf32>) {
  // expected-error @+1 {{result shape [2, 4] does not match the inferred shape [2, 3]}}
  %r:2 = infer.top_k %x axis 1 k 3 : tensor<2x10xf32> -> tensor<2x3xf32>, tensor<2x4xi64>
  return
}

// -----

// Tests the cumsum axis check.
func.func @cumsum_axis(%x: tensor<5xf32>) {
  // expected-error @+1 {{axis -1 is out of range for rank 1}}
  %r = infer.cumsum %x axis -1 : tensor<5xf32> -> tensor<5xf32>
  return
}

// -----

// Tests the cumsum result type check.
func.func @cumsum_result_type(%x: tensor<5xf32>) {
  // expected-error @+1 {{expects result element type 'f32' like the input, got 'f16'}}
  %r = infer.cumsum %x axis 0 : tensor<5xf32> -> tensor<5xf16>
  return
}

// -----

// Tests the gather_elements rank check.
func.func @gather_elements_rank(%x: tensor<2x3xf32>, %i: tensor<2xi64>) {
  // expected-error @+1 {{expects indices of rank 2, got rank 1}}
  %r = infer.gather_elements %x, %i axis 0 : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<2xf32>
  return
}

// -----

// Tests the gather_elements axis check.
func.func @gather_elements_axis(%x: tensor<2x3xf32>, %i: tensor<2x2xi64>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %r = infer.gather_elements %x, %i axis 2 : (tensor<2x3xf32>, tensor<2x2xi64>) -> tensor<2x2xf32>
  return
}

// -----

// Tests the gather_elements check of indices off the axis.
func.func @gather_elements_off_axis(%x: tensor<2x2xf32>, %i: tensor<4x5xi64>) {
  // expected-error @+1 {{expects indices no larger than the input off the axis, got dimension 0 of 4 for an input of 2}}
  %r = infer.gather_elements %x, %i axis 1 : (tensor<2x2xf32>, tensor<4x5xi64>) -> tensor<4x5xf32>
  return
}

// -----

// Tests the gather_elements result check.
func.func @gather_elements_result(%x: tensor<2x3xf32>, %i: tensor<2x2xi64>) {
  // expected-error @+1 {{result shape [2, 3] does not match the inferred shape [2, 2]}}
  %r = infer.gather_elements %x, %i axis 1 : (tensor<2x3xf32>, tensor<2x2xi64>) -> tensor<2x3xf32>
  return
}

// -----

// Tests the window range check.
func.func @window_range(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{window value 2147483648 exceeds 1073741824}}
  %r = infer.conv %x, %w strides [2147483648, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x1x6xf32>
  return
}

// -----

// Tests the fused pattern name check.
func.func @fused_pattern(%x: tensor<4xf32>) {
  // expected-error @+1 {{expects a non-empty pattern name}}
  %r = infer.fused "" (%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf32>):
    %0 = infer.unary relu %a : tensor<4xf32> -> tensor<4xf32>
    infer.yield %0 : tensor<4xf32>
  }
  return
}

// -----

// Tests the fused region argument count check.
func.func @fused_arguments(%x: tensor<4xf32>) {
  // expected-error @+1 {{expects 1 region arguments (one per input), got 2}}
  %r = infer.fused "relu" (%x) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%a: tensor<4xf32>, %b: tensor<4xf32>):
    %0 = infer.unary relu %a : tensor<4xf32> -> tensor<4xf32>
    infer.yield %0 : tensor<4xf32>
  }
  return
}

// -----

// Tests the fused region argument type check.
func.func @fused_argument_type(%x: tensor<4xf32>) {
  // expected-error @+1 {{expects region argument 0 of type 'tensor<4xf32>', got 'tensor<4xf16>'}}
  %r = infer.fused "relu" (%x) : (tensor<4xf32>) -> tensor<4xf16> {
  ^bb0(%a: tensor<4xf16>):
    %0 = infer.unary relu %a : tensor<4xf16> -> tensor<4xf16>
    infer.yield %0 : tensor<4xf16>
  }
  return
}

// -----

// Tests the fused yield type check.
func.func @fused_yield(%x: tensor<4xf32>) {
  // expected-error @+1 {{expects the yielded types to match the results}}
  %r = infer.fused "relu" (%x) : (tensor<4xf32>) -> tensor<2x2xf32> {
  ^bb0(%a: tensor<4xf32>):
    %0 = infer.unary relu %a : tensor<4xf32> -> tensor<4xf32>
    infer.yield %0 : tensor<4xf32>
  }
  return
}

// -----

// Tests the attention rank check.
func.func @attention_rank(%q: tensor<4xf32>, %k: tensor<4xf32>, %v: tensor<4xf32>) {
  // expected-error @+1 {{expects q, k and v of one rank of at least 2, got [4], [4] and [4]}}
  %r = infer.attention %q, %k, %v scale 1.0 : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

// Tests the attention batch check.
func.func @attention_batch(%q: tensor<2x8x4xf32>, %k: tensor<3x8x4xf32>, %v: tensor<2x8x4xf32>) {
  // expected-error @+1 {{expects equal batch dimensions, got [2, 8, 4], [3, 8, 4] and [2, 8, 4]}}
  %r = infer.attention %q, %k, %v scale 1.0 : (tensor<2x8x4xf32>, tensor<3x8x4xf32>, tensor<2x8x4xf32>) -> tensor<2x8x4xf32>
  return
}

// -----

// Tests the attention depth check.
func.func @attention_depth(%q: tensor<8x4xf32>, %k: tensor<8x5xf32>, %v: tensor<8x4xf32>) {
  // expected-error @+1 {{expects q and k with one depth, got [8, 4] and [8, 5]}}
  %r = infer.attention %q, %k, %v scale 1.0 : (tensor<8x4xf32>, tensor<8x5xf32>, tensor<8x4xf32>) -> tensor<8x4xf32>
  return
}

// -----

// Tests the attention length check.
func.func @attention_length(%q: tensor<8x4xf32>, %k: tensor<6x4xf32>, %v: tensor<7x4xf32>) {
  // expected-error @+1 {{expects k and v with one length, got [6, 4] and [7, 4]}}
  %r = infer.attention %q, %k, %v scale 1.0 : (tensor<8x4xf32>, tensor<6x4xf32>, tensor<7x4xf32>) -> tensor<8x4xf32>
  return
}

// -----

// Tests the attention mask check.
func.func @attention_mask(%q: tensor<8x4xf32>, %k: tensor<6x4xf32>, %v: tensor<6x4xf32>, %m: tensor<8x5xf32>) {
  // expected-error @+1 {{expects a mask that broadcasts to the scores [8, 6], got [8, 5]}}
  %r = infer.attention %q, %k, %v mask %m scale 1.0 : (tensor<8x4xf32>, tensor<6x4xf32>, tensor<6x4xf32>, tensor<8x5xf32>) -> tensor<8x4xf32>
  return
}

// -----

// Tests the check input type.
func.func @check_float(%x: tensor<4xf32>) {
  // expected-error @+1 {{expects an integer input, got 'f32'}}
  %r = infer.check index %x bound 4 : tensor<4xf32> -> tensor<i1>
  return
}

// -----

// Tests the check bound.
func.func @check_bound(%x: tensor<4xi64>) {
  // expected-error @+1 {{expects a bound of at least 0, got -1}}
  %r = infer.check index %x bound -1 : tensor<4xi64> -> tensor<i1>
  return
}

// -----

// Tests that a nonzero check takes no bound.
func.func @check_nonzero_bound(%x: tensor<4xi32>) {
  // expected-error @+1 {{takes no bound for a nonzero check}}
  %r = infer.check nonzero %x bound 3 : tensor<4xi32> -> tensor<i1>
  return
}

// -----

// Tests the CPU tile's vector length.
func.func @cpu_tile_vl(%x: tensor<2x8xf32>, %w: tensor<8x4xf32>) {
  // expected-error @+1 {{expects a vector length of 4, 8 or 16 floats, got 12}}
  %y = infer.matmul %x, %w {infer.tile = #infer.cpu_tile<gemm, mr = 4, nv = 2, vl = 12>} : (tensor<2x8xf32>, tensor<8x4xf32>) -> tensor<2x4xf32>
  return
}

// -----

// Tests the CPU tile's rows.
func.func @cpu_tile_mr(%x: tensor<2x8xf32>, %w: tensor<8x4xf32>) {
  // expected-error @+1 {{expects 1 to 32 rows per tile, got 0}}
  %y = infer.matmul %x, %w {infer.tile = #infer.cpu_tile<gemm, mr = 0, nv = 2, vl = 16>} : (tensor<2x8xf32>, tensor<8x4xf32>) -> tensor<2x4xf32>
  return
}

// -----

// Tests the CPU tile's vectors per row.
func.func @cpu_tile_nv(%x: tensor<2x8xf32>, %w: tensor<8x4xf32>) {
  // expected-error @+1 {{expects 1 to 4 vectors per row, got 9}}
  %y = infer.matmul %x, %w {infer.tile = #infer.cpu_tile<gemm, mr = 4, nv = 9, vl = 16>} : (tensor<2x8xf32>, tensor<8x4xf32>) -> tensor<2x4xf32>
  return
}

// -----

// Tests the wgmma tile shape.
func.func @wgmma_tile(%x: tensor<2x8xf16>, %w: tensor<8x4xf16>) {
  // expected-error @+1 {{expects a wgmma tile of 128 rows by 16 to 256 columns or 64 rows by 16 to 128, in steps of 16, with bk 64 (16-bit), 32 (tf32) or 128 (int8), got 64 x 256 with bk 64}}
  %y = infer.matmul %x, %w {infer.tile = #infer.cuda_gemm_tile<wgmma, bm = 64, bn = 256, bk = 64, stages = 4>} : (tensor<2x8xf16>, tensor<8x4xf16>) -> tensor<2x4xf16>
  return
}

// -----

// Tests that a wgmma tile's columns come in steps of 16.
func.func @wgmma_tile_step(%x: tensor<2x8xf16>, %w: tensor<8x4xf16>) {
  // expected-error @+1 {{expects a wgmma tile of 128 rows by 16 to 256 columns or 64 rows by 16 to 128, in steps of 16, with bk 64 (16-bit), 32 (tf32) or 128 (int8), got 128 x 40 with bk 64}}
  %y = infer.matmul %x, %w {infer.tile = #infer.cuda_gemm_tile<wgmma, bm = 128, bn = 40, bk = 64, stages = 4>} : (tensor<2x8xf16>, tensor<8x4xf16>) -> tensor<2x4xf16>
  return
}

// -----

// Tests the 2:4 sparse wgmma tile shape: 256 rows by 256 channels is more
// than two warpgroups' accumulators.
func.func @wgmma_sp_tile(%x: tensor<2x8xf16>, %w: tensor<8x4xf16>) {
  // expected-error @+1 {{expects a wgmma_sp tile of 64, 128 or 256 rows by 128 or 256 channels (at most 256 x 128) with bk 64, got 256 x 256 with bk 64}}
  %y = infer.matmul %x, %w {infer.tile = #infer.cuda_gemm_tile<wgmma_sp, bm = 256, bn = 256, bk = 64, stages = 2>} : (tensor<2x8xf16>, tensor<8x4xf16>) -> tensor<2x4xf16>
  return
}

// -----

// Tests that the 2:4 sparse wgmma ring fits shared memory: 4 stages of
// 128 rows by 256 channels take 272 KiB.
func.func @wgmma_sp_stages(%x: tensor<2x8xf16>, %w: tensor<8x4xf16>) {
  // expected-error @+1 {{expects 2 pipeline stages or more that fit 227 KiB of shared memory, got 4}}
  %y = infer.matmul %x, %w {infer.tile = #infer.cuda_gemm_tile<wgmma_sp, bm = 128, bn = 256, bk = 64, stages = 4>} : (tensor<2x8xf16>, tensor<8x4xf16>) -> tensor<2x4xf16>
  return
}

// -----

// Tests the 2:4 sparse mma.sp tile shape: one shape, 4 stages refused.
func.func @mma_sp_tile(%x: tensor<2x8xf16>, %w: tensor<8x4xf16>) {
  // expected-error @+1 {{expects an mma_sp tile of 128 x 128 with bk 64 and 3 stages, got 128 x 128 with bk 64 and 4 stages}}
  %y = infer.matmul %x, %w {infer.tile = #infer.cuda_gemm_tile<mma_sp, bm = 128, bn = 128, bk = 64, stages = 4>} : (tensor<2x8xf16>, tensor<8x4xf16>) -> tensor<2x4xf16>
  return
}

// -----

// Tests the mma.sync tile shape.
func.func @mma_tile(%x: tensor<2x8xf16>, %w: tensor<8x4xf16>) {
  // expected-error @+1 {{expects an mma_sync tile of 128 x 128 with bk 32 (16-bit) or 64 (int8) and 3 stages, got 128 x 128 with bk 32 and 4 stages}}
  %y = infer.matmul %x, %w {infer.tile = #infer.cuda_gemm_tile<mma_sync, bm = 128, bn = 128, bk = 32, stages = 4>} : (tensor<2x8xf16>, tensor<8x4xf16>) -> tensor<2x4xf16>
  return
}

// -----

// Tests that infer.tf32 is a unit attribute of a module.
// expected-error @+1 {{'infer.tf32' must be a unit attribute of a module}}
func.func @tf32_on_func() attributes {infer.tf32} {
  return
}

// -----

// Tests that the wgmma ring fits shared memory.
func.func @wgmma_stages(%x: tensor<2x8xf16>, %w: tensor<8x4xf16>) {
  // expected-error @+1 {{expects 2 pipeline stages or more that fit 227 KiB of shared memory, got 5}}
  %y = infer.matmul %x, %w {infer.tile = #infer.cuda_gemm_tile<wgmma, bm = 128, bn = 256, bk = 64, stages = 5>} : (tensor<2x8xf16>, tensor<8x4xf16>) -> tensor<2x4xf16>
  return
}

// -----

// Tests the CUDA block size.
func.func @cuda_tile_threads(%x: tensor<4x64xf16>) {
  // expected-error @+1 {{expects a block of 32 to 1024 threads in whole warps, got 100}}
  %y = infer.softmax %x axis 1 {infer.tile = #infer.cuda_tile<row_norm, threads = 100>} : tensor<4x64xf16>
  return
}

// -----

// Tests that a CPU tile must suit its op.
func.func @cpu_tile_op(%x: tensor<4x64xf32>) {
  // expected-error @+1 {{'infer.softmax' op cannot take the tile #infer.cpu_tile<gemm, mr = 4, nv = 2, vl = 16>}}
  %y = infer.softmax %x axis 1 {infer.tile = #infer.cpu_tile<gemm, mr = 4, nv = 2, vl = 16>} : tensor<4x64xf32>
  return
}

// -----

// Tests that a GEMM tile must be on a product.
func.func @gemm_tile_op(%x: tensor<4x64xf16>) {
  // expected-error @+1 {{'infer.softmax' op cannot take the tile #infer.cuda_gemm_tile<wgmma, bm = 128, bn = 128, bk = 64, stages = 4>}}
  %y = infer.softmax %x axis 1 {infer.tile = #infer.cuda_gemm_tile<wgmma, bm = 128, bn = 128, bk = 64, stages = 4>} : tensor<4x64xf16>
  return
}

// -----

// Tests that a CUDA tile must suit its op.
func.func @cuda_tile_op(%x: tensor<4x64xf16>) {
  // expected-error @+1 {{'infer.softmax' op cannot take the tile #infer.cuda_tile<gather_rows, threads = 256>}}
  %y = infer.softmax %x axis 1 {infer.tile = #infer.cuda_tile<gather_rows, threads = 256>} : tensor<4x64xf16>
  return
}

// -----

// Tests that infer.tile must hold a tile configuration: an untyped
// dictionary (the old form) is refused, not read back with a cast.
func.func @tile_dictionary(%x: tensor<2x8xf32>, %w: tensor<8x4xf32>) {
  // expected-error @+1 {{expects 'infer.tile' to be a tile configuration (#infer.cpu_tile, #infer.cuda_gemm_tile, #infer.cuda_tile), got {}}}
  %y = infer.matmul %x, %w {infer.tile = {}} : (tensor<2x8xf32>, tensor<8x4xf32>) -> tensor<2x4xf32>
  return
}

// -----

// Tests that a launch names its kernel.
func.func @launch_symbol(%x: tensor<4xf32>) {
  // expected-error @+1 {{expects a kernel symbol}}
  %y = infer.dispatch "neg"(%x) launches [#infer.launch<"", "neg", args = [0, 1], grid = 1, grain = 1>] : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

// Tests that a launch runs at least one chunk.
func.func @launch_grid(%x: tensor<4xf32>) {
  // expected-error @+1 {{expects a grid and a grain of at least 1, got 0 and 1}}
  %y = infer.dispatch "neg"(%x) launches [#infer.launch<"k", "neg", args = [0, 1], grid = 0, grain = 1>] : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

// Tests the block size of a CUDA launch.
func.func @launch_threads(%x: tensor<4xf32>) {
  // expected-error @+1 {{expects 0 (CPU) to 1024 threads per block, got 2048}}
  %y = infer.dispatch "neg"(%x) launches [#infer.launch<"k", "neg", args = [0, 1], grid = 1, grain = 1, threads = 2048>] : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

// Tests the shared memory of a CUDA launch.
func.func @launch_shared(%x: tensor<4xf32>) {
  // expected-error @+1 {{expects a non-negative shared memory size}}
  %y = infer.dispatch "neg"(%x) launches [#infer.launch<"k", "neg", args = [0, 1], grid = 1, grain = 1, threads = 32, shared = -4>] : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

// Tests the argument indices of a launch.
func.func @launch_negative_arg(%x: tensor<4xf32>) {
  // expected-error @+1 {{expects argument indices of at least 0, got -1}}
  %y = infer.dispatch "neg"(%x) launches [#infer.launch<"k", "neg", args = [-1, 1], grid = 1, grain = 1>] : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

// Tests that a tensor map is over an argument of its launch.
func.func @launch_map(%x: tensor<4xf16>) {
  // expected-error @+1 {{has a tensor map over argument 5 of a launch with 2 arguments}}
  %y = infer.dispatch "neg"(%x) launches [#infer.launch<"k", "neg", args = [0, 1], grid = 1, grain = 1, threads = 128, maps = [#infer.tensor_map<arg = 5, dtype = 1, dims = [4], strides = [8], box = [4], swizzle = 0>]>] : (tensor<4xf16>) -> tensor<4xf16>
  return
}

// -----

// Tests that a launch's buffers are the dispatch's.
func.func @dispatch_arg_range(%x: tensor<4xf32>) {
  // expected-error @+1 {{'infer.dispatch' op launches k over buffer 3 of 3 (inputs, scratch, outputs)}}
  %y = infer.dispatch "neg"(%x) launches [#infer.launch<"k", "neg", args = [0, 3], grid = 1, grain = 1>] scratch [16] : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

// Tests the size of scratch memory.
func.func @dispatch_scratch(%x: tensor<4xf32>) {
  // expected-error @+1 {{'infer.dispatch' op expects scratch sizes of at least 0 bytes}}
  %y = infer.dispatch "neg"(%x) launches [#infer.launch<"k", "neg", args = [0, 2], grid = 1, grain = 1>] scratch [-16] : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

// Tests that only empty results need no launch.
func.func @dispatch_no_launch(%x: tensor<4xf32>) {
  // expected-error @+1 {{'infer.dispatch' op has no launches but computes a non-empty result}}
  %y = infer.dispatch "neg"(%x) launches [] : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

// Tests that a check's dispatch computes one flag.
func.func @dispatch_check(%x: tensor<4xi64>) {
  // expected-error @+1 {{'infer.dispatch' op with a check expects one boolean output (the failure flag)}}
  %y = infer.dispatch "check"(%x) launches [#infer.launch<"k", "check", args = [0, 1], grid = 1, grain = 1>] {check = "index out of range"} : (tensor<4xi64>) -> tensor<4xi64>
  return
}

// -----

// Tests that a value's buffers match its results.
func.func @buffers_count(%x: tensor<4xf32>) {
  // expected-error @+1 {{'infer.dispatch' op expects 'infer.buffers' to hold 1 #infer.buffer (one per result)}}
  %y = infer.dispatch "neg"(%x) launches [#infer.launch<"k", "neg", args = [0, 1], grid = 1, grain = 1>] {infer.buffers = [#infer.buffer<arena, size = 16>, #infer.buffer<arena, size = 16>]} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

// Tests that only dispatches have scratch memory.
func.func @scratch_on_constant() {
  // expected-error @+1 {{'infer.constant' op only a dispatch has scratch buffers}}
  %c = infer.constant dense<1.0> : tensor<4xf32> {infer.scratch_buffers = []}
  return
}

// -----

// Tests that a function argument's buffer is a buffer.
// expected-error @+1 {{'func.func' op expects 'infer.buffer' of argument 0 to be a #infer.buffer}}
func.func @arg_buffer(%x: tensor<4xf32> {infer.buffer = 16 : i64}) {
  return
}

// -----

// Tests that a launch's fields are named once.
func.func @launch_twice(%x: tensor<4xf32>) {
  // expected-error @+1 {{'grid' is given twice}}
  %y = infer.dispatch "neg"(%x) launches [#infer.launch<"k", "neg", args = [0, 1], grid = 1, grid = 2, grain = 1>] : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

// Tests that a launch has no unknown fields.
func.func @launch_unknown(%x: tensor<4xf32>) {
  // expected-error @+1 {{expects grid, grain, threads, shared or maps, got 'blocks'}}
  %y = infer.dispatch "neg"(%x) launches [#infer.launch<"k", "neg", args = [0, 1], grid = 1, grain = 1, blocks = 2>] : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

// Tests the split-K count of a CUDA GEMM tile.
func.func @case_split_k(%x: tensor<16x32xf16>, %w: tensor<32x32xf16>) -> tensor<16x32xf16> {
  // expected-error @+1 {{expects split_k from 1 to 1024 (above 1 for wgmma only), got 2}}
  %0 = infer.matmul %x, %w {infer.tile = #infer.cuda_gemm_tile<mma_sync, bm = 128, bn = 128, bk = 32, stages = 3, split_k = 2>} : (tensor<16x32xf16>, tensor<32x32xf16>) -> tensor<16x32xf16>
  return %0 : tensor<16x32xf16>
}

// -----

// Tests the block size of a CUDA row reduction (its shared-memory tree
// halves the block).
func.func @case_row_reduce_threads(%x: tensor<2x8x7x7xf32>) -> tensor<2x8x1x1xf32> {
  // expected-error @+1 {{expects a power-of-two block for row_reduce (its shared-memory tree), got 96}}
  %0 = infer.global_pool avg %x {infer.tile = #infer.cuda_tile<row_reduce, threads = 96>} : tensor<2x8x7x7xf32> -> tensor<2x8x1x1xf32>
  return %0 : tensor<2x8x1x1xf32>
}

// -----

// Tests the im2col input rank check (NHWC).
func.func @case_im2col_rank(%x: tensor<2x8x8xf16>) {
  // expected-error @+1 {{expects an NHWC input of rank 4, got rank 3}}
  %0 = infer.im2col %x kernel [3, 3] strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] : tensor<2x8x8xf16> -> tensor<16x72xf16>
  return
}

// -----

// Tests the im2col kernel check.
func.func @case_im2col_kernel(%x: tensor<1x8x8x16xf16>) {
  // expected-error @+1 {{expects 2 kernel sizes, got 1}}
  %0 = infer.im2col %x kernel [3] strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] : tensor<1x8x8x16xf16> -> tensor<64x144xf16>
  return
}

// -----

// Tests the im2col result check: 2x2 stride 2 on 8x8 gives 4x4 pixels of
// 4 taps x 16 channels.
func.func @case_im2col_result(%x: tensor<1x8x8x16xf16>) {
  // expected-error @+1 {{result shape [64, 64] does not match the inferred shape [16, 64]}}
  %0 = infer.im2col %x kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] : tensor<1x8x8x16xf16> -> tensor<64x64xf16>
  return
}

// -----

// Tests the sparse24 rank check.
func.func @case_sparse24_rank(%v: tensor<8x16xf16>, %m: tensor<8x2x1xi16>) {
  // expected-error @+1 {{expects rank-2 values, metadata and result, got [8, 16], [8, 2, 1] and [8, 32]}}
  %0 = infer.sparse24 %v, %m : (tensor<8x16xf16>, tensor<8x2x1xi16>) -> tensor<8x32xf16>
  return
}

// -----

// Tests the sparse24 static shape check.
func.func @case_sparse24_dynamic(%v: tensor<?x16xf16>, %m: tensor<?x2xi16>) {
  // expected-error @+1 {{expects static shapes}}
  %0 = infer.sparse24 %v, %m : (tensor<?x16xf16>, tensor<?x2xi16>) -> tensor<?x32xf16>
  return
}

// -----

// Tests the sparse24 column check: groups of four in 16-column words.
func.func @case_sparse24_columns(%v: tensor<8x4xf16>, %m: tensor<8x0xi16>) {
  // expected-error @+1 {{expects a result with a multiple of 16 columns, got 8}}
  %0 = infer.sparse24 %v, %m : (tensor<8x4xf16>, tensor<8x0xi16>) -> tensor<8x8xf16>
  return
}

// -----

// Tests the sparse24 values check: half the columns.
func.func @case_sparse24_values(%v: tensor<8x32xf16>, %m: tensor<8x2xi16>) {
  // expected-error @+1 {{expects 8x16 values for a 8x32 result, got [8, 32]}}
  %0 = infer.sparse24 %v, %m : (tensor<8x32xf16>, tensor<8x2xi16>) -> tensor<8x32xf16>
  return
}

// -----

// Tests the sparse24 metadata check: one word per 16 columns.
func.func @case_sparse24_meta(%v: tensor<8x16xf16>, %m: tensor<8x4xi16>) {
  // expected-error @+1 {{expects 8x2 metadata words for a 8x32 result, got [8, 4]}}
  %0 = infer.sparse24 %v, %m : (tensor<8x16xf16>, tensor<8x4xi16>) -> tensor<8x32xf16>
  return
}

// -----

// Tests that an ONNX tensor name is a string.
func.func @case_tensor_name(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'infer.tensor_name' must be a string on an op of one result}}
  %0 = infer.unary relu %x {infer.tensor_name = 3 : i64} : tensor<4xf32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Tests the fp8 conv check: an f8E4M3FN input needs an f8E4M3FN weight and
// an f32 result.
func.func @fp8_conv(%x: tensor<1x3x8x8xf8E4M3FN>, %w: tensor<4x3x3x3xf8E4M3FN>) {
  // expected-error @+1 {{of f8E4M3FN takes an f8E4M3FN input and weight and gives f32, got 'f8E4M3FN', 'f8E4M3FN' and 'f16'}}
  %r = infer.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x3x8x8xf8E4M3FN>, tensor<4x3x3x3xf8E4M3FN>) -> tensor<1x4x6x6xf16>
  return
}

// -----

// Tests the fp8 matmul check.
func.func @fp8_matmul(%a: tensor<4x8xf8E4M3FN>, %b: tensor<8x2xf16>) {
  // expected-error @+1 {{of f8E4M3FN takes f8E4M3FN operands and gives f32}}
  %r = infer.matmul %a, %b : (tensor<4x8xf8E4M3FN>, tensor<8x2xf16>) -> tensor<4x2xf32>
  return
}

// -----

// Tests the fp8 quantize scale check: f8E4M3FN takes its scale from the
// op's attribute.
func.func @fp8_no_scale(%x: tensor<4xf32>) {
  // expected-error @+1 {{of f8E4M3FN needs a positive finite `scale`}}
  %r = infer.quantize %x : tensor<4xf32> -> tensor<4xf8E4M3FN>
  return
}

// -----

// Tests that a quantized type keeps its scale in the type.
func.func @quant_with_scale(%q: tensor<4x!quant.uniform<i8:f32, 0.5>>) {
  // expected-error @+1 {{takes the scale of its quantized type: `scale` is for f8E4M3FN only}}
  %r = infer.dequantize %q {scale = 0.5 : f64} : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4xf32>
  return
}
