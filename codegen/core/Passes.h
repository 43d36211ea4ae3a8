//===- Passes.h - Code generation passes of infer ---------------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_PASSES_H
#define INFER_CODEGEN_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::infer {

#define GEN_PASS_DECL
#include "codegen/core/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "codegen/core/Passes.h.inc"

class TargetBackend;

/// infer-outline-kernels for `backend` (not owned; it outlives the pass),
/// with its templates unless `templates` is false.
std::unique_ptr<Pass> createOutlineKernelsPass(const TargetBackend &backend,
                                               bool templates);

} // namespace mlir::infer

#endif // INFER_CODEGEN_PASSES_H
