// The mma.sync GEMM reads B K-major: a product whose B is a graph input
// ([K,N], not transposed at compile time) keeps the generic kernel on
// sm_80.
// RUN: infer-translate --emit-ptx --cuda-arch=sm_80 %s | FileCheck %s
// CHECK: .target sm_80
// CHECK-NOT: mma.sync
func.func @main(%x: tensor<64x32xf16>, %y: tensor<32x16xf16>) -> tensor<64x16xf16> {
  %0 = infer.matmul %x, %y : (tensor<64x32xf16>, tensor<32x16xf16>) -> tensor<64x16xf16>
  return %0 : tensor<64x16xf16>
}
