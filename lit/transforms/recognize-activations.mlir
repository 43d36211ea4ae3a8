// RUN: infer-opt %s --infer-recognize-activations --split-input-file | FileCheck %s

// Tests that x * sigmoid(x) becomes silu.
// CHECK-LABEL: func.func @silu
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>)
// CHECK-NEXT: %[[Y:.+]] = infer.unary silu %[[X]]
// CHECK-NEXT: return %[[Y]]
func.func @silu(%x: tensor<4xf32>) -> tensor<4xf32> {
  %s = infer.unary sigmoid %x : tensor<4xf32> -> tensor<4xf32>
  %y = infer.binary mul %s, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// Tests that a sigmoid with another user stays.
// CHECK-LABEL: func.func @silu_shared
// CHECK: infer.unary sigmoid
// CHECK: infer.binary mul
func.func @silu_shared(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %s = infer.unary sigmoid %x : tensor<4xf32> -> tensor<4xf32>
  %y = infer.binary mul %x, %s : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %y, %s : tensor<4xf32>, tensor<4xf32>
}

// -----

// Tests GELU as PyTorch exports it: ((erf(x / sqrt 2) + 1) * x) * 0.5.
// CHECK-LABEL: func.func @gelu_torch
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>)
// CHECK-NOT: infer.unary erf
// CHECK: %[[Y:.+]] = infer.unary gelu %[[X]]
// CHECK-NEXT: return %[[Y]]
func.func @gelu_torch(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c0 = infer.constant dense<1.41421354> : tensor<f32>
  %c1 = infer.constant dense<1.0> : tensor<f32>
  %c2 = infer.constant dense<0.5> : tensor<f32>
  %0 = infer.binary div %x, %c0 : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %1 = infer.unary erf %0 : tensor<4xf32> -> tensor<4xf32>
  %2 = infer.binary add %1, %c1 : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %3 = infer.binary mul %x, %2 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %4 = infer.binary mul %3, %c2 : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return %4 : tensor<4xf32>
}

// -----

// Tests GELU as BERT writes it: x * 0.5 * (1 + erf(x * 0.7071)).
// CHECK-LABEL: func.func @gelu_bert
// CHECK: infer.unary gelu
// CHECK-NOT: infer.unary erf
func.func @gelu_bert(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c0 = infer.constant dense<0.707106769> : tensor<f32>
  %c1 = infer.constant dense<1.0> : tensor<f32>
  %c2 = infer.constant dense<0.5> : tensor<f32>
  %h = infer.binary mul %x, %c2 : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %0 = infer.binary mul %x, %c0 : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %1 = infer.unary erf %0 : tensor<4xf32> -> tensor<4xf32>
  %2 = infer.binary add %c1, %1 : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  %3 = infer.binary mul %h, %2 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %3 : tensor<4xf32>
}

// -----

// Tests that the erf form with another scale than 1/sqrt(2) stays.
// CHECK-LABEL: func.func @gelu_wrong_constant
// CHECK: infer.unary erf
// CHECK-NOT: infer.unary gelu
func.func @gelu_wrong_constant(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c0 = infer.constant dense<2.0> : tensor<f32>
  %c1 = infer.constant dense<1.0> : tensor<f32>
  %c2 = infer.constant dense<0.5> : tensor<f32>
  %0 = infer.binary div %x, %c0 : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %1 = infer.unary erf %0 : tensor<4xf32> -> tensor<4xf32>
  %2 = infer.binary add %1, %c1 : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %3 = infer.binary mul %x, %2 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %4 = infer.binary mul %3, %c2 : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return %4 : tensor<4xf32>
}

// -----

// Tests the tanh form of GELU with x^3 as pow(x, 3).
// CHECK-LABEL: func.func @gelu_tanh
// CHECK: infer.unary gelu_tanh
// CHECK-NOT: infer.unary tanh
func.func @gelu_tanh(%x: tensor<4xf32>) -> tensor<4xf32> {
  %three = infer.constant dense<3.0> : tensor<f32>
  %k = infer.constant dense<0.044715> : tensor<f32>
  %c = infer.constant dense<0.797884583> : tensor<f32>
  %one = infer.constant dense<1.0> : tensor<f32>
  %half = infer.constant dense<0.5> : tensor<f32>
  %0 = infer.binary pow %x, %three : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %1 = infer.binary mul %k, %0 : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  %2 = infer.binary add %x, %1 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %3 = infer.binary mul %c, %2 : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  %4 = infer.unary tanh %3 : tensor<4xf32> -> tensor<4xf32>
  %5 = infer.binary add %one, %4 : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  %6 = infer.binary mul %half, %x : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  %7 = infer.binary mul %6, %5 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %7 : tensor<4xf32>
}

// -----

// Tests both HardSwish forms: x * hard_sigmoid(x) and x * clip(x + 3) / 6.
// CHECK-LABEL: func.func @hard_swish
// CHECK-COUNT-2: infer.unary hard_swish
// CHECK-NOT: infer.unary clip
func.func @hard_swish(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %h = infer.unary hard_sigmoid %x alpha 0.166666672 beta 5.000000e-01 : tensor<4xf32> -> tensor<4xf32>
  %a = infer.binary mul %x, %h : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %three = infer.constant dense<3.0> : tensor<f32>
  %six = infer.constant dense<6.0> : tensor<f32>
  %0 = infer.binary add %x, %three : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %1 = infer.unary clip %0 alpha 0.0 beta 6.0 : tensor<4xf32> -> tensor<4xf32>
  %2 = infer.binary mul %x, %1 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %3 = infer.binary div %2, %six : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  return %a, %3 : tensor<4xf32>, tensor<4xf32>
}
