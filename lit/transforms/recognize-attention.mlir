// RUN: infer-opt %s --infer-recognize-attention --split-input-file | FileCheck %s

// Tests the form PyTorch exports: q scaled, K transposed, softmax, V.
// CHECK-LABEL: func.func @attention
// CHECK-SAME: (%[[Q:.+]]: tensor<2x8x4xf32>, %[[K:.+]]: tensor<2x6x4xf32>, %[[V:.+]]: tensor<2x6x5xf32>)
// CHECK-NOT: infer.softmax
// CHECK: %[[O:.+]] = infer.attention %[[Q]], %[[K]], %[[V]] scale 5.000000e-01
// CHECK-NEXT: return %[[O]]
func.func @attention(%q: tensor<2x8x4xf32>, %k: tensor<2x6x4xf32>, %v: tensor<2x6x5xf32>) -> tensor<2x8x5xf32> {
  %c = infer.constant dense<2.0> : tensor<f32>
  %qs = infer.binary div %q, %c : (tensor<2x8x4xf32>, tensor<f32>) -> tensor<2x8x4xf32>
  %kt = infer.transpose %k perm [0, 2, 1] : tensor<2x6x4xf32> -> tensor<2x4x6xf32>
  %s = infer.matmul %qs, %kt : (tensor<2x8x4xf32>, tensor<2x4x6xf32>) -> tensor<2x8x6xf32>
  %p = infer.softmax %s axis 2 : tensor<2x8x6xf32>
  %o = infer.matmul %p, %v : (tensor<2x8x6xf32>, tensor<2x6x5xf32>) -> tensor<2x8x5xf32>
  return %o : tensor<2x8x5xf32>
}

// -----

// Tests a scale on the scores and an additive mask; Kᵀ that is no
// transpose gets one.
// CHECK-LABEL: func.func @masked
// CHECK-SAME: (%[[Q:.+]]: tensor<8x4xf32>, %[[KT:.+]]: tensor<4x6xf32>, %[[V:.+]]: tensor<6x5xf32>, %[[M:.+]]: tensor<8x6xf32>)
// CHECK: %[[K:.+]] = infer.transpose %[[KT]] perm [1, 0]
// CHECK: infer.attention %[[Q]], %[[K]], %[[V]] mask %[[M]] scale 2.500000e-01
func.func @masked(%q: tensor<8x4xf32>, %kt: tensor<4x6xf32>, %v: tensor<6x5xf32>, %m: tensor<8x6xf32>) -> tensor<8x5xf32> {
  %c = infer.constant dense<0.25> : tensor<f32>
  %s = infer.matmul %q, %kt : (tensor<8x4xf32>, tensor<4x6xf32>) -> tensor<8x6xf32>
  %ss = infer.binary mul %s, %c : (tensor<8x6xf32>, tensor<f32>) -> tensor<8x6xf32>
  %sm = infer.binary add %ss, %m : (tensor<8x6xf32>, tensor<8x6xf32>) -> tensor<8x6xf32>
  %p = infer.softmax %sm axis 1 : tensor<8x6xf32>
  %o = infer.matmul %p, %v : (tensor<8x6xf32>, tensor<6x5xf32>) -> tensor<8x5xf32>
  return %o : tensor<8x5xf32>
}

// -----

// Tests that a softmax over another axis stays.
// CHECK-LABEL: func.func @softmax_axis
// CHECK-NOT: infer.attention
func.func @softmax_axis(%q: tensor<8x4xf32>, %kt: tensor<4x8xf32>, %v: tensor<8x5xf32>) -> tensor<8x5xf32> {
  %s = infer.matmul %q, %kt : (tensor<8x4xf32>, tensor<4x8xf32>) -> tensor<8x8xf32>
  %p = infer.softmax %s axis 0 : tensor<8x8xf32>
  %o = infer.matmul %p, %v : (tensor<8x8xf32>, tensor<8x5xf32>) -> tensor<8x5xf32>
  return %o : tensor<8x5xf32>
}

// -----

// Tests that scores with another user stay.
// CHECK-LABEL: func.func @shared_scores
// CHECK-NOT: infer.attention
func.func @shared_scores(%q: tensor<8x4xf32>, %kt: tensor<4x6xf32>, %v: tensor<6x5xf32>) -> (tensor<8x5xf32>, tensor<8x6xf32>) {
  %s = infer.matmul %q, %kt : (tensor<8x4xf32>, tensor<4x6xf32>) -> tensor<8x6xf32>
  %p = infer.softmax %s axis 1 : tensor<8x6xf32>
  %o = infer.matmul %p, %v : (tensor<8x6xf32>, tensor<6x5xf32>) -> tensor<8x5xf32>
  return %o, %s : tensor<8x5xf32>, tensor<8x6xf32>
}
