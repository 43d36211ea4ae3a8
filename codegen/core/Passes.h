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

} // namespace mlir::infer

#endif // INFER_CODEGEN_PASSES_H
