//===- FoldConstants.cpp - Evaluate ops on constants -----------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Exporters leave work on weights in the graph (a transposed MatMul weight,
// a reshaped bias, a cast); the reference interpreter evaluates it once, at
// compile time.
//
//===----------------------------------------------------------------------===//

#include "transforms/Passes.h"

#include "reference/Interpreter.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::infer {
#define GEN_PASS_DEF_INFERFOLDCONSTANTS
#include "transforms/Passes.h.inc"
} // namespace mlir::infer

using namespace mlir;
using namespace mlir::infer;

namespace {
/// Replaces an infer op whose operands are all constants by its results.
struct FoldConstantOperands : RewritePattern {
  FoldConstantOperands(MLIRContext *ctx, int64_t maxElements,
                       std::shared_ptr<bool> failedOnInvalid)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx),
        maxElements(maxElements), failedOnInvalid(std::move(failedOnInvalid)) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (!llvm::isa<InferDialect>(op->getDialect()) ||
        llvm::isa<ConstantOp, FusedOp, YieldOp>(op) || op->getNumOperands() == 0)
      return rewriter.notifyMatchFailure(op, "not a foldable infer op");
    if (!llvm::all_of(op->getOperands(), [](Value v) {
          return v.getDefiningOp<ConstantOp>() != nullptr;
        }))
      return rewriter.notifyMatchFailure(op, "an operand is not constant");
    std::string invalid;
    FailureOr<SmallVector<ElementsAttr>> folded =
        reference::foldConstantOp(op, maxElements, &invalid);
    if (failed(folded) && !invalid.empty()) {
      // The model computes something undefined on its own constants (an
      // index out of range, a division by zero): an error, not a kernel
      // that would answer wrongly at run time.
      op->emitError() << invalid;
      *failedOnInvalid = true;
      return failure();
    }
    if (failed(folded))
      return rewriter.notifyMatchFailure(op, "cannot be evaluated");
    SmallVector<Value> values;
    for (ElementsAttr attr : *folded)
      values.push_back(ConstantOp::create(rewriter, op->getLoc(), attr));
    rewriter.replaceOp(op, values);
    return success();
  }

  int64_t maxElements;
  std::shared_ptr<bool> failedOnInvalid;
};

struct FoldConstantsPass
    : infer::impl::InferFoldConstantsBase<FoldConstantsPass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    auto invalid = std::make_shared<bool>(false);
    populateFoldConstantsPatterns(patterns, maxElements, invalid);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))) ||
        *invalid)
      signalPassFailure();
  }
};
} // namespace

void mlir::infer::populateFoldConstantsPatterns(
    RewritePatternSet &patterns, int64_t maxElements,
    std::shared_ptr<bool> failedOnInvalid) {
  if (!failedOnInvalid)
    failedOnInvalid = std::make_shared<bool>(false);
  patterns.add<FoldConstantOperands>(patterns.getContext(), maxElements,
                                     std::move(failedOnInvalid));
}
