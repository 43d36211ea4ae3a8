//===- Interpreter.h - The reference interpreter of infer IR ----*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Executes a func.func of infer ops on host tensors with plain loops. It is
// the oracle every backend is compared with, and the constant folder of the
// importer and of the graph passes.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_REFERENCE_INTERPRETER_H
#define INFER_REFERENCE_INTERPRETER_H

#include "reference/Tensor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <string>

namespace mlir::infer::reference {

/// Evaluates one infer op on `inputs` (one per operand, null for an absent
/// optional operand) and appends its results. On failure, `error` says why
/// (an unsupported op, an index out of range).
LogicalResult evaluateOp(Operation *op, ArrayRef<const Tensor *> inputs,
                         SmallVectorImpl<Tensor> &results, std::string &error);

/// Runs `func` on `inputs`. On failure the error names the op's location.
FailureOr<SmallVector<Tensor>> runFunction(func::FuncOp func,
                                           ArrayRef<Tensor> inputs,
                                           std::string &error);

/// Contractions costlier than this many multiply-adds are not folded (the
/// interpreter's loops would take seconds; a kernel does it faster).
inline constexpr int64_t kMaxFoldMultiplyAdds = int64_t(1) << 28;

/// Folds `op` when all its operands are infer.constant results: returns one
/// attribute per result, or failure when the op cannot be evaluated, its
/// results would hold more than `maxElements` elements or it costs more
/// than kMaxFoldMultiplyAdds. When it fails because its constant operands
/// are invalid for it (an index out of range, a zero divisor, a failed
/// check), `invalid` (if given) receives why: that is an error of the model.
FailureOr<SmallVector<ElementsAttr>> foldConstantOp(Operation *op,
                                                    int64_t maxElements,
                                                    std::string *invalid = nullptr);

} // namespace mlir::infer::reference

#endif // INFER_REFERENCE_INTERPRETER_H
