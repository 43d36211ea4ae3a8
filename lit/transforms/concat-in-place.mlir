// RUN: infer-opt %s --infer-concat-in-place --split-input-file | FileCheck %s

// Tests a channel concatenation at batch 1 of values computed by kernels.
// CHECK-LABEL: func.func @in_place
// CHECK: infer.concat %{{.*}}, %{{.*}} axis 1 {in_place}
func.func @in_place(%x: tensor<1x2x4x4xf32>) -> tensor<1x4x4x4xf32> {
  %a = infer.unary relu %x : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  %b = infer.unary tanh %x : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  %c = infer.concat %a, %b axis 1 : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x4x4x4xf32>
  return %c : tensor<1x4x4x4xf32>
}

// -----

// Tests that operands that are not contiguous in the result (batch 2)
// stay copied.
// CHECK-LABEL: func.func @batch_two
// CHECK-NOT: in_place
func.func @batch_two(%x: tensor<2x2x4x4xf32>) -> tensor<2x4x4x4xf32> {
  %a = infer.unary relu %x : tensor<2x2x4x4xf32> -> tensor<2x2x4x4xf32>
  %b = infer.unary tanh %x : tensor<2x2x4x4xf32> -> tensor<2x2x4x4xf32>
  %c = infer.concat %a, %b axis 1 : (tensor<2x2x4x4xf32>, tensor<2x2x4x4xf32>) -> tensor<2x4x4x4xf32>
  return %c : tensor<2x4x4x4xf32>
}

// -----

// Tests that an operand with another user, or a graph input, stays copied.
// CHECK-LABEL: func.func @shared_operand
// CHECK-NOT: in_place
func.func @shared_operand(%x: tensor<1x2x4x4xf32>) -> (tensor<1x4x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x4x4x4xf32>) {
  %a = infer.unary relu %x : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  %b = infer.unary tanh %x : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  %c = infer.concat %a, %b axis 1 : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x4x4x4xf32>
  %e = infer.unary exp %x : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  %d = infer.concat %e, %x axis 1 : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x4x4x4xf32>
  return %c, %a, %d : tensor<1x4x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x4x4x4xf32>
}
