//===- LowerToLinalgPass.cpp - The infer-lower-to-linalg pass -------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/core/Passes.h"
#include "codegen/core/linalg/LowerToLinalg.h"

namespace mlir::infer {
#define GEN_PASS_DEF_INFERLOWERTOLINALG
#include "codegen/core/Passes.h.inc"
} // namespace mlir::infer

using namespace mlir;

namespace {
struct LowerToLinalgPass
    : infer::impl::InferLowerToLinalgBase<LowerToLinalgPass> {
  void runOnOperation() override {
    if (failed(infer::lowerInferToLinalg(getOperation())))
      signalPassFailure();
  }
};
} // namespace
