// RUN: infer-opt %s --infer-fuse=views=false --split-input-file | FileCheck %s
// RUN: infer-opt %s --infer-fuse --split-input-file | FileCheck %s --check-prefix=VIEWS

// GPU targets (views=false): a transpose feeding a matmul stays a kernel
// of its own, and the epilogue stops at a reshape, so that every kernel
// splits into one GPU thread per output element. With views the
// transpose is read in place and the reshape joins the epilogue.
// CHECK-LABEL: func.func @matmul_views
// CHECK-NOT: infer.fused
// CHECK: %[[T:.+]] = infer.transpose %arg0
// CHECK: %[[M:.+]] = infer.matmul %[[T]], %arg1
// CHECK: %[[R:.+]] = infer.reshape %[[M]]
// CHECK: infer.unary relu %[[R]]
// VIEWS-LABEL: func.func @matmul_views
// VIEWS: infer.fused "matmul+relu" (%arg0, %arg1)
// VIEWS: infer.transpose
// VIEWS: infer.reshape
func.func @matmul_views(%x: tensor<8x4xf32>, %w: tensor<8x6xf32>) -> tensor<2x2x6xf32> {
  %t = infer.transpose %x perm [1, 0] : tensor<8x4xf32> -> tensor<4x8xf32>
  %y = infer.matmul %t, %w : (tensor<4x8xf32>, tensor<8x6xf32>) -> tensor<4x6xf32>
  %r = infer.reshape %y : tensor<4x6xf32> -> tensor<2x2x6xf32>
  %a = infer.unary relu %r : tensor<2x2x6xf32> -> tensor<2x2x6xf32>
  return %a : tensor<2x2x6xf32>
}

// -----

// Tests that a GPU elementwise group keeps one result: the relu does not
// join the add whose value is also returned (a group with two results
// would run on one GPU thread), and the chain after a single-use value
// does.
// CHECK-LABEL: func.func @single_result
// CHECK: %[[A:.*]] = infer.binary add %arg0, %arg1
// CHECK: infer.fused "elementwise"
// CHECK: infer.unary relu
// CHECK: infer.unary tanh
// CHECK: return %[[A]],
func.func @single_result(%x: tensor<64x64xf32>, %y: tensor<64x64xf32>)
    -> (tensor<64x64xf32>, tensor<64x64xf32>) {
  %a = infer.binary add %x, %y : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32>
  %b = infer.unary relu %a : tensor<64x64xf32> -> tensor<64x64xf32>
  %c = infer.unary tanh %b : tensor<64x64xf32> -> tensor<64x64xf32>
  return %a, %c : tensor<64x64xf32>, tensor<64x64xf32>
}
