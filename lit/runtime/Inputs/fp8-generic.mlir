// fp8 products and a max pool that no template takes (CPU generic
// kernels; on CUDA an odd N and a channels-first pool): the f8E4M3FN
// operands are decoded to f32, exactly, before the product or the pool.
func.func @main(%x: tensor<4x32xf32> {infer.name = "x"}, %y: tensor<1x4x6x6xf32> {infer.name = "y"})
    -> (tensor<4x3xf32>, tensor<1x4x3x3xf32>) {
  %q = infer.quantize %x {scale = 0.02 : f64} : tensor<4x32xf32> -> tensor<4x32xf8E4M3FN>
  %w = infer.constant dense<[[1.5, -2.0, 0.25], [-0.5, 3.0, 1.0], [2.0, -1.5, -0.75], [0.125, 1.0, -3.0],
                             [1.5, -2.0, 0.25], [-0.5, 3.0, 1.0], [2.0, -1.5, -0.75], [0.125, 1.0, -3.0],
                             [1.5, -2.0, 0.25], [-0.5, 3.0, 1.0], [2.0, -1.5, -0.75], [0.125, 1.0, -3.0],
                             [1.5, -2.0, 0.25], [-0.5, 3.0, 1.0], [2.0, -1.5, -0.75], [0.125, 1.0, -3.0],
                             [1.5, -2.0, 0.25], [-0.5, 3.0, 1.0], [2.0, -1.5, -0.75], [0.125, 1.0, -3.0],
                             [1.5, -2.0, 0.25], [-0.5, 3.0, 1.0], [2.0, -1.5, -0.75], [0.125, 1.0, -3.0],
                             [1.5, -2.0, 0.25], [-0.5, 3.0, 1.0], [2.0, -1.5, -0.75], [0.125, 1.0, -3.0],
                             [1.5, -2.0, 0.25], [-0.5, 3.0, 1.0], [2.0, -1.5, -0.75], [0.125, 1.0, -3.0]]> : tensor<32x3xf8E4M3FN>
  %m = infer.matmul %q, %w : (tensor<4x32xf8E4M3FN>, tensor<32x3xf8E4M3FN>) -> tensor<4x3xf32> loc("Odd"("MatMul"))
  %s = infer.constant dense<0.02> : tensor<3xf32>
  %o = infer.binary mul %m, %s : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  %qy = infer.quantize %y {scale = 0.01 : f64} : tensor<1x4x6x6xf32> -> tensor<1x4x6x6xf8E4M3FN>
  %p = infer.pool max %qy kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1]
       : tensor<1x4x6x6xf8E4M3FN> -> tensor<1x4x3x3xf8E4M3FN> loc("Planar"("MaxPool"))
  %d = infer.dequantize %p {scale = 0.01 : f64} : tensor<1x4x3x3xf8E4M3FN> -> tensor<1x4x3x3xf32>
  return %o, %d : tensor<4x3xf32>, tensor<1x4x3x3xf32>
}
