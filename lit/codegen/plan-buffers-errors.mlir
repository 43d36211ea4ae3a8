// RUN: infer-opt %s --split-input-file --infer-plan-buffers -verify-diagnostics

// Tests the errors of infer-plan-buffers run on IR it cannot plan: ops
// that are not outlined into dispatches, and an in-place concatenation
// whose operands are not each written by a kernel of their own.

func.func @not_outlined(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{cannot have a buffer planned: only constants, dispatches, aliases and in-place concatenations remain after infer-outline-kernels}}
  %y = infer.unary neg %x : tensor<4xf32> -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @concat(%x: tensor<4x8xf32>) -> tensor<16x8xf32> {
  %a = infer.dispatch "neg"(%x) launches [#infer.launch<"k0", "neg", args = [0, 1], grid = 1, grain = 1>] : (tensor<4x8xf32>) -> tensor<8x8xf32>
  // expected-error @+1 {{cannot be concatenated in place: an operand has another user}}
  %c = infer.concat %a, %a axis 0 {in_place} : (tensor<8x8xf32>, tensor<8x8xf32>) -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}
