// RUN: infer-opt %s --split-input-file --infer-outline-kernels=target=cpu:skylake-avx512 --infer-plan-buffers -verify-diagnostics
// RUN: not infer-opt %s --split-input-file --infer-outline-kernels=target=tpu 2>&1 | FileCheck %s --check-prefix=TARGET

// Tests that every error of the codegen stages is a diagnostic at the
// group's location (the ONNX nodes it came from), never a crash: what no
// backend compiles, shapes inference left dynamic, a group yielding its
// input, a tile its template cannot honour, a concatenation that cannot be
// in place (plan-buffers-errors.mlir has the plan's own).
// TARGET: error: unknown target 'tpu' (supported: cpu, cpu:<cpu-name>, cuda, cuda:<sm_XX>, vulkan, vulkan:<-fp16,-fp64,-int8,-int16,-int64,+coopmat,+coopmat2>)

func.func @foreign(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{cannot compile 'arith.addf'}}
  %y = arith.addf %x, %x : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @dynamic(%x: tensor<?xf32>) -> tensor<?xf32> {
  // expected-error @+1 {{a result of shape [?] is still dynamic after shape inference}}
  %y = infer.unary neg %x : tensor<?xf32> -> tensor<?xf32>
  return %y : tensor<?xf32>
}

// -----

func.func @yields_input(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  // expected-error @+1 {{a fusion group yields one of its inputs unchanged (no kernel writes it)}}
  %y:2 = infer.fused "neg" (%x) : (tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  ^bb0(%a: tensor<4xf32>):
    %0 = infer.unary neg %a : tensor<4xf32> -> tensor<4xf32>
    infer.yield %0, %a : tensor<4xf32>, tensor<4xf32>
  }
  return %y#0, %y#1 : tensor<4xf32>, tensor<4xf32>
}

// -----

func.func @tile(%x: tensor<1x8x16x16xf32>) -> tensor<1x8x16x16xf32> {
  %w = infer.constant dense<0.5> : tensor<8x8x3x3xf32>
  // expected-error @+1 {{the tile #infer.cpu_tile<dwconv, mr = 12, nv = 1, vl = 16> does not fit infer.conv: dwconv takes depthwise convolutions of stride 1 or 2}}
  %y = infer.conv %x, %w strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 1
       {infer.tile = #infer.cpu_tile<dwconv, mr = 12, nv = 1, vl = 16>}
       : (tensor<1x8x16x16xf32>, tensor<8x8x3x3xf32>) -> tensor<1x8x16x16xf32>
  return %y : tensor<1x8x16x16xf32>
}

// -----

// Each operand of an in-place concatenation must be written by a kernel of
// its own for it alone: here one is read twice, so infer-outline-kernels
// gives the concatenation a kernel instead, and the plan needs no slices.
func.func @concat(%x: tensor<4x8xf32>) -> (tensor<8x8xf32>, tensor<4x8xf32>) {
  %a = infer.unary neg %x : tensor<4x8xf32> -> tensor<4x8xf32>
  %c = infer.concat %a, %a axis 0 {in_place} : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<8x8xf32>
  return %c, %a : tensor<8x8xf32>, tensor<4x8xf32>
}
