// RUN: infer-opt %s --infer-fuse=max-group-ops=2 | FileCheck %s
// RUN: infer-opt %s --infer-fuse | FileCheck %s --check-prefix=DEFAULT

// Tests that a chain longer than max-group-ops starts new groups (one
// kernel's compile time grows faster than its size), and that by default
// the chain is one group.
// CHECK-LABEL: func.func @chain
// CHECK: infer.fused "elementwise"
// CHECK: infer.unary sin
// CHECK-NEXT: infer.unary relu
// CHECK-NOT: infer.unary
// CHECK: infer.yield
// CHECK: infer.fused "elementwise"
// CHECK: infer.unary cos
// CHECK-NEXT: infer.unary relu
// CHECK: infer.yield
// CHECK: infer.unary sin
// CHECK-NOT: infer.fused
// DEFAULT-LABEL: func.func @chain
// DEFAULT-COUNT-1: infer.fused
// DEFAULT-NOT: infer.fused
func.func @chain(%x: tensor<8xf32>) -> tensor<8xf32> {
  %0 = infer.unary sin %x : tensor<8xf32> -> tensor<8xf32>
  %1 = infer.unary relu %0 : tensor<8xf32> -> tensor<8xf32>
  %2 = infer.unary cos %1 : tensor<8xf32> -> tensor<8xf32>
  %3 = infer.unary relu %2 : tensor<8xf32> -> tensor<8xf32>
  %4 = infer.unary sin %3 : tensor<8xf32> -> tensor<8xf32>
  return %4 : tensor<8xf32>
}
