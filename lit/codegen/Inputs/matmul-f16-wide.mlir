// Two fp16 inputs 8192 x 1024 @ 1024 x 1024 (vulkan-coopmat2.mlir): 256
// tiles of 128 x 256, enough for the workgroup-scope kernel.
func.func @main(%a: tensor<8192x1024xf16>, %b: tensor<1024x1024xf16>) -> tensor<8192x1024xf16> {
  %0 = infer.matmul %a, %b : (tensor<8192x1024xf16>, tensor<1024x1024xf16>) -> tensor<8192x1024xf16>
  return %0 : tensor<8192x1024xf16>
}
