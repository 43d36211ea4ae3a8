// RUN: infer-opt %s --infer-fuse --split-input-file | FileCheck %s

// Tests conv + activation: the weight enters as an operand, the small bias
// constant is cloned inside.
// CHECK-LABEL: func.func @conv_relu
// CHECK: %[[F:.+]] = infer.fused "conv+relu" (%{{.*}}, %{{.*}}) : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
// CHECK: infer.constant dense<1.000000e+00> : tensor<4xf32>
// CHECK: infer.conv
// CHECK: infer.unary relu
// CHECK: infer.yield
// CHECK: return %[[F]]
func.func @conv_relu(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  %b = infer.constant dense<1.0> : tensor<4xf32>
  %c = infer.conv %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x6x6xf32>
  %r = infer.unary relu %c : tensor<1x4x6x6xf32> -> tensor<1x4x6x6xf32>
  return %r : tensor<1x4x6x6xf32>
}

// -----

// Tests the residual block: conv + add + relu in one group.
// CHECK-LABEL: func.func @residual
// CHECK: infer.fused "conv+add+relu" (%{{.*}}, %{{.*}}) :
func.func @residual(%x: tensor<1x4x6x6xf32>, %w: tensor<4x4x1x1xf32>) -> tensor<1x4x6x6xf32> {
  %c = infer.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x4x6x6xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x6x6xf32>
  %a = infer.binary add %c, %x : (tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %r = infer.unary relu %a : tensor<1x4x6x6xf32> -> tensor<1x4x6x6xf32>
  return %r : tensor<1x4x6x6xf32>
}

// -----

// Tests that an anchor whose result has a second user keeps its epilogue
// outside.
// CHECK-LABEL: func.func @second_user
// CHECK-NOT: infer.fused
// CHECK: infer.conv
// CHECK: infer.unary relu
func.func @second_user(%x: tensor<1x4x6x6xf32>, %w: tensor<4x4x1x1xf32>) -> (tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>) {
  %c = infer.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x4x6x6xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x6x6xf32>
  %r = infer.unary relu %c : tensor<1x4x6x6xf32> -> tensor<1x4x6x6xf32>
  return %r, %c : tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>
}

// -----

// Tests that an operand broadcasting the result to a larger shape ends the
// epilogue.
// CHECK-LABEL: func.func @broadcast_grows
// CHECK-NOT: infer.fused
// CHECK: infer.conv
// CHECK: infer.binary add
func.func @broadcast_grows(%x: tensor<1x4x6x6xf32>, %w: tensor<4x4x1x1xf32>, %y: tensor<2x4x6x6xf32>) -> tensor<2x4x6x6xf32> {
  %c = infer.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x4x6x6xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x6x6xf32>
  %a = infer.binary add %c, %y : (tensor<1x4x6x6xf32>, tensor<2x4x6x6xf32>) -> tensor<2x4x6x6xf32>
  return %a : tensor<2x4x6x6xf32>
}

// -----

// Tests that an op the epilogue cannot run (floor) ends it: the conv stays
// alone and floor + relu form an elementwise group.
// CHECK-LABEL: func.func @unfusable_activation
// CHECK: infer.conv
// CHECK: infer.fused "elementwise"
// CHECK: infer.unary floor
// CHECK: infer.unary relu
func.func @unfusable_activation(%x: tensor<1x4x6x6xf32>, %w: tensor<4x4x1x1xf32>) -> tensor<1x4x6x6xf32> {
  %c = infer.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x4x6x6xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x6x6xf32>
  %f = infer.unary floor %c : tensor<1x4x6x6xf32> -> tensor<1x4x6x6xf32>
  %r = infer.unary relu %f : tensor<1x4x6x6xf32> -> tensor<1x4x6x6xf32>
  return %r : tensor<1x4x6x6xf32>
}

// -----

// Tests connected elementwise ops with a broadcast operand, and a second
// output of the group.
// CHECK-LABEL: func.func @elementwise
// CHECK: %[[F:.+]]:2 = infer.fused "elementwise" (%{{.*}}, %{{.*}}, %{{.*}}) : (tensor<2x4xf32>, tensor<2x4xf32>, tensor<4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>)
// CHECK-COUNT-3: infer.
// CHECK: return %[[F]]#1, %[[F]]#0
func.func @elementwise(%a: tensor<2x4xf32>, %b: tensor<2x4xf32>, %c: tensor<4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  %0 = infer.binary add %a, %b : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %1 = infer.binary mul %0, %c : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %2 = infer.unary tanh %1 : tensor<2x4xf32> -> tensor<2x4xf32>
  return %2, %0 : tensor<2x4xf32>, tensor<2x4xf32>
}

// -----

// Tests that an elementwise op whose other operand depends on the group
// through an outside op (a softmax) starts a new group instead of making a
// cycle.
// CHECK-LABEL: func.func @no_cycle
// CHECK: infer.unary exp
// CHECK: infer.softmax
// CHECK: infer.binary mul
func.func @no_cycle(%a: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %0 = infer.unary exp %a : tensor<2x4xf32> -> tensor<2x4xf32>
  %1 = infer.softmax %0 axis 1 : tensor<2x4xf32>
  %2 = infer.binary mul %0, %1 : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  return %2 : tensor<2x4xf32>
}

// -----

// Tests that the head split and merge around attention move into the
// group (read and written as strided views).
// CHECK-LABEL: func.func @attention_views
// CHECK: %[[F:.+]] = infer.fused "attention" (%{{.*}}) : (tensor<16x96xf32>) -> tensor<16x32xf32>
// CHECK-DAG: infer.slice
// CHECK-DAG: infer.transpose
// CHECK: infer.attention
// CHECK: infer.transpose
// CHECK: infer.reshape
// CHECK: infer.yield
// CHECK-NOT: infer.transpose
// CHECK: return %[[F]]
func.func @attention_views(%qkv: tensor<16x96xf32>) -> tensor<16x32xf32> {
  %q = infer.slice %qkv starts [0, 0] ends [16, 32] steps [1, 1] : tensor<16x96xf32> -> tensor<16x32xf32>
  %k = infer.slice %qkv starts [0, 32] ends [16, 64] steps [1, 1] : tensor<16x96xf32> -> tensor<16x32xf32>
  %v = infer.slice %qkv starts [0, 64] ends [16, 96] steps [1, 1] : tensor<16x96xf32> -> tensor<16x32xf32>
  %q3 = infer.reshape %q : tensor<16x32xf32> -> tensor<16x4x8xf32>
  %k3 = infer.reshape %k : tensor<16x32xf32> -> tensor<16x4x8xf32>
  %v3 = infer.reshape %v : tensor<16x32xf32> -> tensor<16x4x8xf32>
  %qh = infer.transpose %q3 perm [1, 0, 2] : tensor<16x4x8xf32> -> tensor<4x16x8xf32>
  %kh = infer.transpose %k3 perm [1, 0, 2] : tensor<16x4x8xf32> -> tensor<4x16x8xf32>
  %vh = infer.transpose %v3 perm [1, 0, 2] : tensor<16x4x8xf32> -> tensor<4x16x8xf32>
  %o = infer.attention %qh, %kh, %vh scale 0.35 : (tensor<4x16x8xf32>, tensor<4x16x8xf32>, tensor<4x16x8xf32>) -> tensor<4x16x8xf32>
  %ot = infer.transpose %o perm [1, 0, 2] : tensor<4x16x8xf32> -> tensor<16x4x8xf32>
  %r = infer.reshape %ot : tensor<16x4x8xf32> -> tensor<16x32xf32>
  return %r : tensor<16x32xf32>
}

// -----

// Tests that a transposed matmul operand is read in place and a transpose
// with another user stays for it.
// CHECK-LABEL: func.func @matmul_lhs_view
// CHECK-SAME: (%[[X:.+]]: tensor<8x4xf32>, %[[W:.+]]: tensor<8x3xf32>)
// CHECK: %[[T:.+]] = infer.transpose %[[X]]
// CHECK: %[[F:.+]] = infer.fused "matmul" (%[[X]], %[[W]])
// CHECK: infer.transpose
// CHECK: infer.matmul
// CHECK: return %[[F]], %[[T]]
func.func @matmul_lhs_view(%x: tensor<8x4xf32>, %w: tensor<8x3xf32>) -> (tensor<4x3xf32>, tensor<4x8xf32>) {
  %t = infer.transpose %x perm [1, 0] : tensor<8x4xf32> -> tensor<4x8xf32>
  %y = infer.matmul %t, %w : (tensor<4x8xf32>, tensor<8x3xf32>) -> tensor<4x3xf32>
  return %y, %t : tensor<4x3xf32>, tensor<4x8xf32>
}

// -----

!q = !quant.uniform<i8:f32, 0.05>
!w = !quant.uniform<i8:f32:1, {0.01, 0.02}>

// Tests requantization for the next int8 layer: the quantize joins the int8
// product's epilogue and ends it (the group writes int8); the op after it
// stays outside.
// CHECK-LABEL: func.func @requantize
// CHECK: infer.fused "matmul+relu+quantize"
// CHECK: infer.yield %{{.+}} : tensor<4x2x!quant.uniform<i8:f32, 5.000000e-02>>
// CHECK: infer.dequantize
func.func @requantize(%x: tensor<4x8x!q>, %w: tensor<8x2x!w>) -> tensor<4x2xf32> {
  %m = infer.matmul %x, %w : (tensor<4x8x!q>, tensor<8x2x!w>) -> tensor<4x2xf32>
  %r = infer.unary relu %m : tensor<4x2xf32> -> tensor<4x2xf32>
  %q = infer.quantize %r : tensor<4x2xf32> -> tensor<4x2x!q>
  %d = infer.dequantize %q : tensor<4x2x!q> -> tensor<4x2xf32>
  return %d : tensor<4x2xf32>
}
