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

#include <map>
#include <string>

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

struct TuningUse;
/// infer-apply-tuning-cache with the entries already selected for the
/// backend's architecture (signature → tile); `use` counts what applied.
std::unique_ptr<Pass> createApplyTuningCachePass(const TargetBackend &backend,
                                                 std::map<std::string, std::string> configs,
                                                 TuningUse *use);

} // namespace mlir::infer

#endif // INFER_CODEGEN_PASSES_H
