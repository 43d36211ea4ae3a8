//===- Passes.h - Graph passes of infer -------------------------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Declares the passes of Passes.td, their registration and the public
// pattern sets they apply.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_TRANSFORMS_PASSES_H
#define INFER_TRANSFORMS_PASSES_H

#include "ir/InferOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;
namespace infer {

#define GEN_PASS_DECL
#include "transforms/Passes.h.inc"

/// Patterns that replace no-op ops (identity, same-type cast, reshape and
/// expand, identity transpose, full slice, zero pad) by their input.
void populateRemoveIdentityPatterns(RewritePatternSet &patterns);

#define GEN_PASS_REGISTRATION
#include "transforms/Passes.h.inc"

} // namespace infer
} // namespace mlir

#endif // INFER_TRANSFORMS_PASSES_H
