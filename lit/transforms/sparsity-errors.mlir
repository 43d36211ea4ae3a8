// Tests the sparsity errors: 2:4 metadata whose code names no two
// positions is refused where it is evaluated (constant folding, with the
// row and group), and the passes refuse bad options.
// RUN: not infer-opt %s --infer-fold-constants 2>&1 | FileCheck %s --check-prefix=META
// META: error: metadata code 0 of row 0, group 0 does not name two increasing positions
// RUN: not infer-opt %s --infer-sparse24=mode=maybe 2>&1 | FileCheck %s --check-prefix=MODE
// MODE: error: infer-sparse24: mode must be 'enable' or 'force', not 'maybe'
// RUN: not infer-opt %s --infer-eliminate-zero-channels=channel-multiple=0 2>&1 | FileCheck %s --check-prefix=MULTIPLE
// MULTIPLE: error: channel-multiple, preferred-channel-multiple and conv-channel-multiple must be at least 1, not 0, 1 and 1
func.func @main(%x: tensor<4x32xf32>) -> tensor<4x8xf32> {
  %v = infer.constant dense<1.0> : tensor<8x16xf32>
  %m = infer.constant dense<0> : tensor<8x2xi16>
  %s = infer.sparse24 %v, %m : (tensor<8x16xf32>, tensor<8x2xi16>) -> tensor<8x32xf32>
  %t = infer.transpose %s perm [1, 0] : tensor<8x32xf32> -> tensor<32x8xf32>
  %y = infer.matmul %x, %t : (tensor<4x32xf32>, tensor<32x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}
