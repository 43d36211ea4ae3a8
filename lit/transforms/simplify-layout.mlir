// RUN: infer-opt %s --infer-simplify-layout --split-input-file | FileCheck %s

// Tests that two transposes compose into one.
// CHECK-LABEL: func.func @transposes
// CHECK: infer.transpose %{{.*}} perm [2, 0, 1] : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
// CHECK-NOT: infer.transpose
func.func @transposes(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %0 = infer.transpose %x perm [1, 2, 0] : tensor<2x3x4xf32> -> tensor<3x4x2xf32>
  %1 = infer.transpose %0 perm [1, 2, 0] : tensor<3x4x2xf32> -> tensor<4x2x3xf32>
  return %1 : tensor<4x2x3xf32>
}

// -----

// Tests that two reshapes compose into one.
// CHECK-LABEL: func.func @reshapes
// CHECK: infer.reshape %{{.*}} : tensor<2x3x4xf32> -> tensor<4x6xf32>
// CHECK-NOT: infer.reshape
func.func @reshapes(%x: tensor<2x3x4xf32>) -> tensor<4x6xf32> {
  %0 = infer.reshape %x : tensor<2x3x4xf32> -> tensor<6x4xf32>
  %1 = infer.reshape %0 : tensor<6x4xf32> -> tensor<4x6xf32>
  return %1 : tensor<4x6xf32>
}

// -----

// Tests that a transpose moving only a unit dimension is a reshape.
// CHECK-LABEL: func.func @unit_transpose
// CHECK: infer.reshape %{{.*}} : tensor<1x128x256xf32> -> tensor<128x1x256xf32>
// CHECK-NOT: infer.transpose
func.func @unit_transpose(%x: tensor<1x128x256xf32>) -> tensor<128x1x256xf32> {
  %0 = infer.transpose %x perm [1, 0, 2] : tensor<1x128x256xf32> -> tensor<128x1x256xf32>
  return %0 : tensor<128x1x256xf32>
}

// -----

// Tests that a transpose that moves data stays.
// CHECK-LABEL: func.func @real_transpose
// CHECK: infer.transpose %{{.*}} perm [1, 0, 2]
func.func @real_transpose(%x: tensor<2x128x256xf32>) -> tensor<128x2x256xf32> {
  %0 = infer.transpose %x perm [1, 0, 2] : tensor<2x128x256xf32> -> tensor<128x2x256xf32>
  return %0 : tensor<128x2x256xf32>
}

// -----

// Tests that a split becomes one slice per piece.
// CHECK-LABEL: func.func @split
// CHECK: infer.slice %{{.*}} starts [0, 0] ends [2, 3] steps [1, 1]
// CHECK: infer.slice %{{.*}} starts [0, 3] ends [2, 8] steps [1, 1]
// CHECK-NOT: infer.split
func.func @split(%x: tensor<2x8xf32>) -> (tensor<2x3xf32>, tensor<2x5xf32>) {
  %a, %b = infer.split %x axis 1 : tensor<2x8xf32> -> tensor<2x3xf32>, tensor<2x5xf32>
  return %a, %b : tensor<2x3xf32>, tensor<2x5xf32>
}

// -----

// Tests that a split of a dynamic shape stays.
// CHECK-LABEL: func.func @split_dynamic
// CHECK: infer.split
func.func @split_dynamic(%x: tensor<?x8xf32>) -> (tensor<?x3xf32>, tensor<?x5xf32>) {
  %a, %b = infer.split %x axis 1 : tensor<?x8xf32> -> tensor<?x3xf32>, tensor<?x5xf32>
  return %a, %b : tensor<?x3xf32>, tensor<?x5xf32>
}
