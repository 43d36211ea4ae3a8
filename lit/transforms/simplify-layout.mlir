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

// -----

// Tests that a scaling by a scalar constant moves below the layout changes
// and the product it feeds (attention's query scaling ends in the scores'
// epilogue).
// CHECK-LABEL: func.func @scale_below_product
// CHECK: %[[T:.*]] = infer.transpose %arg0 perm [1, 0, 2]
// CHECK: %[[P:.*]] = infer.matmul %[[T]], %arg1
// CHECK: infer.binary div %[[P]], %{{.*}} : (tensor<8x16x16xf32>, tensor<f32>)
func.func @scale_below_product(%q: tensor<16x8x4xf32>, %k: tensor<8x4x16xf32>) -> tensor<8x16x16xf32> {
  %c = infer.constant dense<2.0> : tensor<f32>
  %s = infer.binary div %q, %c : (tensor<16x8x4xf32>, tensor<f32>) -> tensor<16x8x4xf32>
  %t = infer.transpose %s perm [1, 0, 2] : tensor<16x8x4xf32> -> tensor<8x16x4xf32>
  %p = infer.matmul %t, %k : (tensor<8x16x4xf32>, tensor<8x4x16xf32>) -> tensor<8x16x16xf32>
  return %p : tensor<8x16x16xf32>
}

// -----

// Tests that a scaling stays where it has another reader, by a tensor
// that is not one scalar, or divides a constant.
// CHECK-LABEL: func.func @scale_stays
// CHECK: %[[S:.*]] = infer.binary div %arg0, %{{.*}} : (tensor<16x4xf32>, tensor<f32>)
// CHECK: infer.matmul %[[S]], %arg1
// CHECK: %[[V:.*]] = infer.binary mul %arg0, %{{.*}} : (tensor<16x4xf32>, tensor<4xf32>)
// CHECK: infer.matmul %[[V]], %arg1
// CHECK: %[[D:.*]] = infer.binary div %{{.*}}, %arg0 : (tensor<f32>, tensor<16x4xf32>)
// CHECK: infer.matmul %[[D]], %arg1
func.func @scale_stays(%a: tensor<16x4xf32>, %b: tensor<4x8xf32>)
    -> (tensor<16x8xf32>, tensor<16x4xf32>, tensor<16x8xf32>, tensor<16x8xf32>) {
  %c = infer.constant dense<2.0> : tensor<f32>
  %v = infer.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %s = infer.binary div %a, %c : (tensor<16x4xf32>, tensor<f32>) -> tensor<16x4xf32>
  %p = infer.matmul %s, %b : (tensor<16x4xf32>, tensor<4x8xf32>) -> tensor<16x8xf32>
  %m = infer.binary mul %a, %v : (tensor<16x4xf32>, tensor<4xf32>) -> tensor<16x4xf32>
  %q = infer.matmul %m, %b : (tensor<16x4xf32>, tensor<4x8xf32>) -> tensor<16x8xf32>
  %d = infer.binary div %c, %a : (tensor<f32>, tensor<16x4xf32>) -> tensor<16x4xf32>
  %r = infer.matmul %d, %b : (tensor<16x4xf32>, tensor<4x8xf32>) -> tensor<16x8xf32>
  return %p, %s, %q, %r : tensor<16x8xf32>, tensor<16x4xf32>, tensor<16x8xf32>, tensor<16x8xf32>
}

// -----

// Tests that a reshape adding a unit dimension moves above a bias add and
// a matrix product, and below a residual add whose other operand is a 2-D
// Gemm's result: the adds reach the products' epilogues.
// CHECK-LABEL: func.func @unit_reshapes
// CHECK: %[[A:.*]] = infer.reshape %arg0 : tensor<16x4xf32> -> tensor<1x16x4xf32>
// CHECK: %[[P:.*]] = infer.matmul %[[A]], %arg1 : (tensor<1x16x4xf32>, tensor<4x8xf32>) -> tensor<1x16x8xf32>
// CHECK: infer.binary add %{{.*}}, %[[P]] : (tensor<8xf32>, tensor<1x16x8xf32>)
// CHECK: %[[G:.*]] = infer.gemm
// CHECK: %[[R:.*]] = infer.reshape %arg2 : tensor<1x16x8xf32> -> tensor<16x8xf32>
// CHECK: %[[S:.*]] = infer.binary add %[[R]], %[[G]] : (tensor<16x8xf32>, tensor<16x8xf32>)
// CHECK: infer.reshape %[[S]] : tensor<16x8xf32> -> tensor<1x16x8xf32>
func.func @unit_reshapes(%a: tensor<16x4xf32>, %b: tensor<4x8xf32>, %x: tensor<1x16x8xf32>)
    -> (tensor<1x16x8xf32>, tensor<1x16x8xf32>) {
  %bias = infer.constant dense<1.0> : tensor<8xf32>
  %p = infer.matmul %a, %b : (tensor<16x4xf32>, tensor<4x8xf32>) -> tensor<16x8xf32>
  %q = infer.binary add %bias, %p : (tensor<8xf32>, tensor<16x8xf32>) -> tensor<16x8xf32>
  %r = infer.reshape %q : tensor<16x8xf32> -> tensor<1x16x8xf32>
  %w = infer.constant dense<0.5> : tensor<8x4xf32>
  %g = infer.gemm %a, %w, %bias alpha 1.0 beta 1.0 trans_b : (tensor<16x4xf32>, tensor<8x4xf32>, tensor<8xf32>) -> tensor<16x8xf32>
  %h = infer.reshape %g : tensor<16x8xf32> -> tensor<1x16x8xf32>
  %s = infer.binary add %x, %h : (tensor<1x16x8xf32>, tensor<1x16x8xf32>) -> tensor<1x16x8xf32>
  return %r, %s : tensor<1x16x8xf32>, tensor<1x16x8xf32>
}

// -----

// Tests that reshapes that regroup dimensions (a convolution's rows
// [N*H*W, M] -> [N, H, W, M]) stay below the product.
// CHECK-LABEL: func.func @regrouping_reshape
// CHECK: infer.matmul %arg0, %arg1 : (tensor<32x4xf32>, tensor<4x8xf32>) -> tensor<32x8xf32>
// CHECK: infer.reshape %{{.*}} : tensor<32x8xf32> -> tensor<2x4x4x8xf32>
func.func @regrouping_reshape(%a: tensor<32x4xf32>, %b: tensor<4x8xf32>) -> tensor<2x4x4x8xf32> {
  %p = infer.matmul %a, %b : (tensor<32x4xf32>, tensor<4x8xf32>) -> tensor<32x8xf32>
  %r = infer.reshape %p : tensor<32x8xf32> -> tensor<2x4x4x8xf32>
  return %r : tensor<2x4x4x8xf32>
}

// -----

// Tests that an integer division stays before the product (truncation
// does not commute with the sum).
// CHECK-LABEL: func.func @integer_scale_stays
// CHECK: %[[D:.*]] = infer.binary div %arg0, %{{.*}} : (tensor<4x4xi32>, tensor<i32>)
// CHECK: infer.matmul %[[D]], %arg1
func.func @integer_scale_stays(%a: tensor<4x4xi32>, %b: tensor<4x4xi32>) -> tensor<4x4xi32> {
  %c = infer.constant dense<3> : tensor<i32>
  %d = infer.binary div %a, %c : (tensor<4x4xi32>, tensor<i32>) -> tensor<4x4xi32>
  %p = infer.matmul %d, %b : (tensor<4x4xi32>, tensor<4x4xi32>) -> tensor<4x4xi32>
  return %p : tensor<4x4xi32>
}

// -----

// Tests that a residual add of two products keeps its reshape (moving it
// would give the same pattern back).
// CHECK-LABEL: func.func @two_products
// CHECK: %[[R:.*]] = infer.reshape %{{.*}} : tensor<16x8xf32> -> tensor<1x16x8xf32>
// CHECK: infer.binary add %{{.*}}, %[[R]] : (tensor<1x16x8xf32>, tensor<1x16x8xf32>)
func.func @two_products(%a: tensor<16x4xf32>, %b: tensor<1x16x4xf32>, %w: tensor<4x8xf32>) -> tensor<1x16x8xf32> {
  %p = infer.gemm %a, %w alpha 1.0 beta 1.0 : (tensor<16x4xf32>, tensor<4x8xf32>) -> tensor<16x8xf32>
  %q = infer.matmul %b, %w : (tensor<1x16x4xf32>, tensor<4x8xf32>) -> tensor<1x16x8xf32>
  %r = infer.reshape %p : tensor<16x8xf32> -> tensor<1x16x8xf32>
  %s = infer.binary add %q, %r : (tensor<1x16x8xf32>, tensor<1x16x8xf32>) -> tensor<1x16x8xf32>
  return %s : tensor<1x16x8xf32>
}
