//===- Passes.td - Code generation passes of infer ----------*- tablegen -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_PASSES_TD
#define INFER_CODEGEN_PASSES_TD

include "mlir/Pass/PassBase.td"

def InferLowerToLinalg : Pass<"infer-lower-to-linalg", "::mlir::ModuleOp"> {
  let summary = "Lower infer ops to linalg, tensor, arith and math";
  let description = [{
    The target-independent lowering every backend starts from: each infer op
    becomes linalg.generic (or tensor) ops on tensors of storage element
    types (signless integers; quantized types become their storage
    integers). Function signatures are converted too.
  }];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect",
    "::mlir::arith::ArithDialect", "::mlir::math::MathDialect"
  ];
}

#endif // INFER_CODEGEN_PASSES_TD
