// RUN: infer-opt %s --infer-insert-checks --split-input-file --verify-diagnostics | FileCheck %s

// Tests that a gather of run-time indices gets a check of its axis.
// CHECK-LABEL: func.func @gather
// CHECK: %[[BAD:.+]] = infer.check index %arg1 bound 30 : tensor<2x8xi64> -> tensor<i1>
// CHECK-NEXT: infer.gather %arg0, %arg1 axis 0
func.func @gather(%t: tensor<30x16xf32>, %i: tensor<2x8xi64>) -> tensor<2x8x16xf32> {
  %y = infer.gather %t, %i axis 0 : (tensor<30x16xf32>, tensor<2x8xi64>) -> tensor<2x8x16xf32>
  return %y : tensor<2x8x16xf32>
}

// -----

// Tests that gather_elements is checked along its axis.
// CHECK-LABEL: func.func @gather_elements
// CHECK: infer.check index %arg1 bound 5 : tensor<2x3xi32> -> tensor<i1>
func.func @gather_elements(%x: tensor<2x5xf32>, %i: tensor<2x3xi32>) -> tensor<2x3xf32> {
  %y = infer.gather_elements %x, %i axis 1 : (tensor<2x5xf32>, tensor<2x3xi32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Tests that an integer division by a run-time divisor gets a nonzero
// check, shared by every division by that divisor.
// CHECK-LABEL: func.func @divisions
// CHECK-COUNT-1: infer.check nonzero %arg1 : tensor<4xi32> -> tensor<i1>
// CHECK-NOT: infer.check
func.func @divisions(%a: tensor<4xi32>, %b: tensor<4xi32>) -> (tensor<4xi32>, tensor<4xi32>) {
  %q = infer.binary div %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %r = infer.binary mod %a, %b : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %q, %r : tensor<4xi32>, tensor<4xi32>
}

// -----

// Tests that float divisions and valid constants get no check.
// CHECK-LABEL: func.func @no_check
// CHECK-NOT: infer.check
func.func @no_check(%a: tensor<4xf32>, %b: tensor<4xf32>, %c: tensor<4xi32>, %t: tensor<3x2xf32>) -> (tensor<4xf32>, tensor<4xi32>, tensor<2x2xf32>) {
  %q = infer.binary div %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %d = infer.constant dense<[1, -2, 3, 4]> : tensor<4xi32>
  %r = infer.binary div %c, %d : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  %i = infer.constant dense<[-3, 2]> : tensor<2xi64>
  %g = infer.gather %t, %i axis 0 : (tensor<3x2xf32>, tensor<2xi64>) -> tensor<2x2xf32>
  return %q, %r, %g : tensor<4xf32>, tensor<4xi32>, tensor<2x2xf32>
}

// -----

// Tests that a constant index out of range is an error at the gather.
func.func @bad_constant_index(%t: tensor<3x2xf32>) -> tensor<2x2xf32> {
  %i = infer.constant dense<[0, 3]> : tensor<2xi64>
  // expected-error @+1 {{index out of range [-3, 2] (element 1 is 3)}}
  %g = infer.gather %t, %i axis 0 : (tensor<3x2xf32>, tensor<2xi64>) -> tensor<2x2xf32>
  return %g : tensor<2x2xf32>
}

// -----

// Tests that a constant zero divisor is an error at the division.
func.func @zero_divisor(%a: tensor<2xi64>) -> tensor<2xi64> {
  %d = infer.constant dense<[5, 0]> : tensor<2xi64>
  // expected-error @+1 {{integer division by zero (element 1 is 0)}}
  %q = infer.binary mod %a, %d : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  return %q : tensor<2xi64>
}
