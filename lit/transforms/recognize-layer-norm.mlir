// RUN: infer-opt %s --infer-recognize-layer-norm --split-input-file | FileCheck %s

// Tests the form PyTorch exports below opset 17 with scale and bias.
// CHECK-LABEL: func.func @layer_norm
// CHECK-SAME: (%[[X:.+]]: tensor<2x4xf32>)
// CHECK-NOT: infer.reduce
// CHECK: %[[Y:.+]] = infer.layer_norm %[[X]], %{{.*}}, %{{.*}} axis 1 epsilon 9.99999974E-6
// CHECK-NEXT: return %[[Y]]
func.func @layer_norm(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %two = infer.constant dense<2.0> : tensor<f32>
  %eps = infer.constant dense<1.0e-5> : tensor<f32>
  %g = infer.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %b = infer.constant dense<[0.5, 0.5, 0.5, 0.5]> : tensor<4xf32>
  %m = infer.reduce mean %x axes [1] keep_dims : tensor<2x4xf32> -> tensor<2x1xf32>
  %d = infer.binary sub %x, %m : (tensor<2x4xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
  %p = infer.binary pow %d, %two : (tensor<2x4xf32>, tensor<f32>) -> tensor<2x4xf32>
  %v = infer.reduce mean %p axes [1] keep_dims : tensor<2x4xf32> -> tensor<2x1xf32>
  %a = infer.binary add %v, %eps : (tensor<2x1xf32>, tensor<f32>) -> tensor<2x1xf32>
  %s = infer.unary sqrt %a : tensor<2x1xf32> -> tensor<2x1xf32>
  %n = infer.binary div %d, %s : (tensor<2x4xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
  %y0 = infer.binary mul %n, %g : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %y = infer.binary add %y0, %b : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// Tests that a normalization over a leading axis stays.
// CHECK-LABEL: func.func @leading_axis
// CHECK-NOT: infer.layer_norm
func.func @leading_axis(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %two = infer.constant dense<2.0> : tensor<f32>
  %eps = infer.constant dense<1.0e-5> : tensor<f32>
  %m = infer.reduce mean %x axes [0] keep_dims : tensor<2x4xf32> -> tensor<1x4xf32>
  %d = infer.binary sub %x, %m : (tensor<2x4xf32>, tensor<1x4xf32>) -> tensor<2x4xf32>
  %p = infer.binary pow %d, %two : (tensor<2x4xf32>, tensor<f32>) -> tensor<2x4xf32>
  %v = infer.reduce mean %p axes [0] keep_dims : tensor<2x4xf32> -> tensor<1x4xf32>
  %a = infer.binary add %v, %eps : (tensor<1x4xf32>, tensor<f32>) -> tensor<1x4xf32>
  %s = infer.unary sqrt %a : tensor<1x4xf32> -> tensor<1x4xf32>
  %n = infer.binary div %d, %s : (tensor<2x4xf32>, tensor<1x4xf32>) -> tensor<2x4xf32>
  return %n : tensor<2x4xf32>
}

// -----

// Tests that x - mean with another user stays.
// CHECK-LABEL: func.func @shared_center
// CHECK-NOT: infer.layer_norm
func.func @shared_center(%x: tensor<2x4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  %two = infer.constant dense<2.0> : tensor<f32>
  %eps = infer.constant dense<1.0e-5> : tensor<f32>
  %m = infer.reduce mean %x axes [1] keep_dims : tensor<2x4xf32> -> tensor<2x1xf32>
  %d = infer.binary sub %x, %m : (tensor<2x4xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
  %p = infer.binary pow %d, %two : (tensor<2x4xf32>, tensor<f32>) -> tensor<2x4xf32>
  %v = infer.reduce mean %p axes [1] keep_dims : tensor<2x4xf32> -> tensor<2x1xf32>
  %a = infer.binary add %v, %eps : (tensor<2x1xf32>, tensor<f32>) -> tensor<2x1xf32>
  %s = infer.unary sqrt %a : tensor<2x1xf32> -> tensor<2x1xf32>
  %n = infer.binary div %d, %s : (tensor<2x4xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
  return %n, %d : tensor<2x4xf32>, tensor<2x4xf32>
}
