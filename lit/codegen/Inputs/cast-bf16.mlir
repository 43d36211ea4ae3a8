// A cast to bf16 (lit/codegen/vulkan-spirv.mlir).
func.func @main(%x: tensor<4x8xf32>) -> tensor<4x8xbf16> {
  %0 = infer.cast %x : tensor<4x8xf32> to tensor<4x8xbf16>
  return %0 : tensor<4x8xbf16>
}
