// An fp16 product whose N (6) is not a multiple of 4 (vulkan-coopmat.mlir).
func.func @main(%a: tensor<10x8xf16>) -> tensor<10x6xf16> {
  %w = infer.constant dense<0.5> : tensor<8x6xf16>
  %0 = infer.matmul %a, %w : (tensor<10x8xf16>, tensor<8x6xf16>) -> tensor<10x6xf16>
  return %0 : tensor<10x6xf16>
}
