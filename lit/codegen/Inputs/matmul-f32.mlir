func.func @main(%a: tensor<100x72xf32>) -> tensor<100x40xf32> {
  %w = infer.constant dense<0.5> : tensor<72x40xf32>
  %0 = infer.matmul %a, %w : (tensor<100x72xf32>, tensor<72x40xf32>) -> tensor<100x40xf32>
  return %0 : tensor<100x40xf32>
}
