// Fp16 products of 288 tiles of 128 x 128 (vulkan-coopmat.mlir): the
// subgroup kernel's large tiles, with a row-major B (two inputs) and a
// K-major one (a constant weight).
func.func @main(%a: tensor<2048x64xf16>, %b: tensor<64x2304xf16>) -> (tensor<2048x2304xf16>, tensor<2048x2304xf16>) {
  %w = infer.constant dense<0.5> : tensor<64x2304xf16>
  %0 = infer.matmul %a, %b : (tensor<2048x64xf16>, tensor<64x2304xf16>) -> tensor<2048x2304xf16>
  %1 = infer.matmul %a, %w : (tensor<2048x64xf16>, tensor<64x2304xf16>) -> tensor<2048x2304xf16>
  return %0, %1 : tensor<2048x2304xf16>, tensor<2048x2304xf16>
}
