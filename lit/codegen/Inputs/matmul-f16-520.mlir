// An fp16 product of enough rows whose N (520) is no whole 128-column tile
// (vulkan-coopmat2.mlir).
func.func @main(%a: tensor<16384x512xf16>, %b: tensor<512x520xf16>) -> tensor<16384x520xf16> {
  %0 = infer.matmul %a, %b : (tensor<16384x512xf16>, tensor<512x520xf16>) -> tensor<16384x520xf16>
  return %0 : tensor<16384x520xf16>
}
