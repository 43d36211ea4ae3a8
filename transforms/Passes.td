//===- Passes.td - Graph passes of infer --------------------*- tablegen -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Every graph pass of infer: one record each, flags prefixed `infer-`, one
// .cpp file per pass that only fills and applies a public pattern set.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_TRANSFORMS_PASSES_TD
#define INFER_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def InferRemoveIdentity : Pass<"infer-remove-identity"> {
  let summary = "Remove ops that return their input unchanged";
  let description = [{
    Replaces by their input: `identity` unary ops, casts to the same type,
    reshapes and expands to the same type, identity transposes, slices that
    keep everything and pads of zero. ONNX exports are full of them
    (Identity nodes, inference-mode Dropout, no-op Reshape).
  }];
  let dependentDialects = ["::mlir::infer::InferDialect"];
}

#endif // INFER_TRANSFORMS_PASSES_TD
