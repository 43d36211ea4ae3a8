//===- ReleaseWeights.cpp - Free the weights no op uses any more ----------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Attributes are immortal: a folded or converted weight's old values stay
// in memory after the last op using them is gone. The graph pipeline runs
// this after each pass that rewrites weights, so a model is held about
// once while it compiles.
//
//===----------------------------------------------------------------------===//

#include "transforms/Passes.h"

#include "ir/ConstantView.h"

namespace mlir::infer {
#define GEN_PASS_DEF_INFERRELEASEWEIGHTS
#include "transforms/Passes.h.inc"
} // namespace mlir::infer

using namespace mlir;
using namespace mlir::infer;

namespace {
struct ReleaseWeightsPass
    : infer::impl::InferReleaseWeightsBase<ReleaseWeightsPass> {
  void runOnOperation() override { releaseDeadWeights(getOperation()); }
};
} // namespace
