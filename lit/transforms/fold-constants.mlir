// RUN: infer-opt %s --infer-fold-constants --split-input-file | FileCheck %s

// Tests that a transpose and a cast of constant weights fold into one
// constant the matmul reads.
// CHECK-LABEL: func.func @folds_weight_prep
// CHECK-NOT: infer.transpose
// CHECK-NOT: infer.cast
// CHECK: %[[W:.+]] = infer.constant dense<{{\[\[}}1.000000e+00, 3.000000e+00], [2.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
// CHECK: infer.matmul %{{.*}}, %[[W]]
func.func @folds_weight_prep(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w = infer.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf16>
  %c = infer.cast %w : tensor<2x2xf16> to tensor<2x2xf32>
  %t = infer.transpose %c perm [1, 0] : tensor<2x2xf32> -> tensor<2x2xf32>
  %y = infer.matmul %x, %t : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// Tests that an op with a non-constant operand stays.
// CHECK-LABEL: func.func @keeps_runtime_ops
// CHECK: infer.binary add
func.func @keeps_runtime_ops(%x: tensor<2xf32>) -> tensor<2xf32> {
  %c = infer.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %y = infer.binary add %x, %c : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

// Tests that results above the size limit stay unfolded.
// RUN: infer-opt %s --infer-fold-constants="max-elements=2" --split-input-file | FileCheck %s --check-prefix=LIMIT
// LIMIT-LABEL: func.func @size_limit
// LIMIT: infer.transpose
func.func @size_limit() -> tensor<2x2xf32> {
  %w = infer.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %t = infer.transpose %w perm [1, 0] : tensor<2x2xf32> -> tensor<2x2xf32>
  return %t : tensor<2x2xf32>
}
