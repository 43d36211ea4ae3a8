// A residual block in infer IR, as the ONNX importer produces it.
func.func @block(%x: tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32> {
  %w = infer.constant dense<0.01> : tensor<16x16x3x3xf32>
  %b = infer.constant dense<0.1> : tensor<16xf32>
  %0 = infer.conv %x, %w, %b strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 1
       : (tensor<1x16x8x8xf32>, tensor<16x16x3x3xf32>, tensor<16xf32>) -> tensor<1x16x8x8xf32>
  %1 = infer.unary relu %0 : tensor<1x16x8x8xf32> -> tensor<1x16x8x8xf32>
  %2 = infer.unary identity %1 : tensor<1x16x8x8xf32> -> tensor<1x16x8x8xf32>
  %3 = infer.binary add %2, %x : (tensor<1x16x8x8xf32>, tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>
  return %3 : tensor<1x16x8x8xf32>
}
