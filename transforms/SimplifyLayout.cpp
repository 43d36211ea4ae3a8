//===- SimplifyLayout.cpp - Merge and remove layout changes ----------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// A reshape shares its operand's buffer; a transpose is a copy unless a
// kernel can read through it. Chains of both, and transposes that only move
// dimensions of size one, reduce to fewer (or free) ops; splits become
// slices, which kernels read as views.
//
//===----------------------------------------------------------------------===//

#include "transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::infer {
#define GEN_PASS_DEF_INFERSIMPLIFYLAYOUT
#include "transforms/Passes.h.inc"
} // namespace mlir::infer

using namespace mlir;
using namespace mlir::infer;

namespace {
/// transpose(transpose(x, p1), p2) -> transpose(x, p1[p2[i]]).
struct ComposeTransposes : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TransposeOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<TransposeOp>();
    if (!inner)
      return rewriter.notifyMatchFailure(op, "operand is not a transpose");
    SmallVector<int64_t> perm;
    for (int64_t p : op.getPerm())
      perm.push_back(inner.getPerm()[p]);
    rewriter.replaceOpWithNewOp<TransposeOp>(op, op.getOutput().getType(),
                                             inner.getInput(), perm);
    return success();
  }
};

/// reshape(reshape(x)) -> reshape(x).
struct ComposeReshapes : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<ReshapeOp>();
    if (!inner)
      return rewriter.notifyMatchFailure(op, "operand is not a reshape");
    rewriter.replaceOpWithNewOp<ReshapeOp>(op, op.getOutput().getType(),
                                           inner.getInput());
    return success();
  }
};

/// A transpose that keeps the order of the dimensions larger than one only
/// reshapes.
struct UnitTransposeToReshape : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TransposeOp op,
                                PatternRewriter &rewriter) const override {
    RankedTensorType in = op.getInput().getType();
    if (!in.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shape");
    int64_t last = -1;
    for (int64_t p : op.getPerm()) {
      if (in.getDimSize(p) == 1)
        continue;
      if (p < last)
        return rewriter.notifyMatchFailure(op, "moves data");
      last = p;
    }
    rewriter.replaceOpWithNewOp<ReshapeOp>(op, op.getOutput().getType(),
                                           op.getInput());
    return success();
  }
};

/// A split is one slice per piece: slices can be read as views.
struct SplitToSlices : OpRewritePattern<SplitOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SplitOp op,
                                PatternRewriter &rewriter) const override {
    RankedTensorType in = op.getInput().getType();
    if (!in.hasStaticShape() ||
        llvm::any_of(op.getResultTypes(), [](Type t) {
          return !llvm::cast<RankedTensorType>(t).hasStaticShape();
        }))
      return rewriter.notifyMatchFailure(op, "dynamic shape");
    int64_t axis = op.getAxis(), offset = 0;
    SmallVector<Value> slices;
    for (Value r : op.getOutputs()) {
      auto t = llvm::cast<RankedTensorType>(r.getType());
      SmallVector<int64_t> starts(in.getRank(), 0), ends(in.getShape()),
          steps(in.getRank(), 1);
      starts[axis] = offset;
      ends[axis] = offset + t.getDimSize(axis);
      offset = ends[axis];
      slices.push_back(SliceOp::create(rewriter, op.getLoc(), t, op.getInput(),
                                       starts, ends, steps));
    }
    rewriter.replaceOp(op, slices);
    return success();
  }
};

struct SimplifyLayoutPass
    : infer::impl::InferSimplifyLayoutBase<SimplifyLayoutPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateSimplifyLayoutPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void mlir::infer::populateSimplifyLayoutPatterns(RewritePatternSet &patterns) {
  patterns.add<ComposeTransposes, ComposeReshapes, UnitTransposeToReshape,
               SplitToSlices>(
      patterns.getContext());
}
