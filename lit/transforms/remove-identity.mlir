// RUN: infer-opt %s --infer-remove-identity --split-input-file | FileCheck %s

// Tests that no-op ops disappear and their users read the input directly.
// CHECK-LABEL: func.func @removes_noops
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>)
// CHECK-NOT: infer.unary identity
// CHECK-NOT: infer.cast
// CHECK-NOT: infer.reshape
// CHECK-NOT: infer.transpose
// CHECK-NOT: infer.slice
// CHECK-NOT: infer.pad
// CHECK-NOT: infer.expand
// CHECK: %[[R:.+]] = infer.unary relu %[[X]]
// CHECK: return %[[R]]
func.func @removes_noops(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = infer.unary identity %x : tensor<2x3xf32> -> tensor<2x3xf32>
  %1 = infer.cast %0 : tensor<2x3xf32> to tensor<2x3xf32>
  %2 = infer.reshape %1 : tensor<2x3xf32> -> tensor<2x3xf32>
  %3 = infer.transpose %2 perm [0, 1] : tensor<2x3xf32> -> tensor<2x3xf32>
  %4 = infer.slice %3 starts [0, 0] ends [2, 3] steps [1, 1] : tensor<2x3xf32> -> tensor<2x3xf32>
  %5 = infer.pad constant %4 pads [0, 0, 0, 0] value 0.0 : tensor<2x3xf32> -> tensor<2x3xf32>
  %6 = infer.expand %5 : tensor<2x3xf32> -> tensor<2x3xf32>
  %7 = infer.unary relu %6 : tensor<2x3xf32> -> tensor<2x3xf32>
  return %7 : tensor<2x3xf32>
}

// -----

// Tests that ops which change values or types stay.
// CHECK-LABEL: func.func @keeps_real_ops
// CHECK: infer.cast
// CHECK: infer.transpose
// CHECK: infer.slice
// CHECK: infer.pad
// CHECK: infer.reshape
func.func @keeps_real_ops(%x: tensor<2x2xf32>) -> (tensor<2x2xf16>, tensor<2x2xf32>, tensor<2x1xf32>, tensor<2x2xf32>, tensor<4xf32>) {
  %0 = infer.cast %x : tensor<2x2xf32> to tensor<2x2xf16>
  %1 = infer.transpose %x perm [1, 0] : tensor<2x2xf32> -> tensor<2x2xf32>
  %2 = infer.slice %x starts [0, 1] ends [2, 2] steps [1, 1] : tensor<2x2xf32> -> tensor<2x1xf32>
  %3 = infer.pad constant %x pads [1, 0, -1, 0] value 0.0 : tensor<2x2xf32> -> tensor<2x2xf32>
  %4 = infer.reshape %x : tensor<2x2xf32> -> tensor<4xf32>
  return %0, %1, %2, %3, %4 : tensor<2x2xf16>, tensor<2x2xf32>, tensor<2x1xf32>, tensor<2x2xf32>, tensor<4xf32>
}

// -----

// Tests that empty operands of a concatenation go (and the concatenation
// with them when one operand is left), and that a concatenation without one
// stays.
// CHECK-LABEL: func.func @empty_concat_operands
// CHECK-SAME: (%[[X:.+]]: tensor<2x4xf32>, %[[E:.+]]: tensor<2x0xf32>, %[[Y:.+]]: tensor<2x3xf32>)
// CHECK: %[[C:.+]] = infer.concat %[[X]], %[[Y]] axis 1 : (tensor<2x4xf32>, tensor<2x3xf32>) -> tensor<2x7xf32>
// CHECK: %[[K:.+]] = infer.concat %[[X]], %[[X]] axis 1
// CHECK: return %[[C]], %[[X]], %[[K]]
func.func @empty_concat_operands(%x: tensor<2x4xf32>, %e: tensor<2x0xf32>, %y: tensor<2x3xf32>) -> (tensor<2x7xf32>, tensor<2x4xf32>, tensor<2x8xf32>) {
  %0 = infer.concat %x, %e, %y axis 1 : (tensor<2x4xf32>, tensor<2x0xf32>, tensor<2x3xf32>) -> tensor<2x7xf32>
  %1 = infer.concat %e, %x axis 1 : (tensor<2x0xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %2 = infer.concat %x, %x axis 1 : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x8xf32>
  return %0, %1, %2 : tensor<2x7xf32>, tensor<2x4xf32>, tensor<2x8xf32>
}
