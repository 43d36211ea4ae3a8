// Global pools for lit/runtime/global-pool.test: 7x7 rows (49: three full
// vectors and a one-lane tail), 3x5 rows (15: shorter than a vector) and
// 17x19 rows (323: five full steps of four vectors, then a tail), avg and
// max.
func.func @main(%a: tensor<2x8x7x7xf32>, %b: tensor<3x5x3x5xf32>, %c: tensor<1x6x17x19xf32>)
    -> (tensor<2x8x1x1xf32>, tensor<3x5x1x1xf32>, tensor<1x6x1x1xf32>) {
  %x = infer.global_pool avg %a : tensor<2x8x7x7xf32> -> tensor<2x8x1x1xf32>
  %y = infer.global_pool max %b : tensor<3x5x3x5xf32> -> tensor<3x5x1x1xf32>
  %z = infer.global_pool avg %c : tensor<1x6x17x19xf32> -> tensor<1x6x1x1xf32>
  return %x, %y, %z : tensor<2x8x1x1xf32>, tensor<3x5x1x1xf32>, tensor<1x6x1x1xf32>
}
