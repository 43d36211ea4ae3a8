//===- LiftConv1d.cpp - 1-D convolutions and pooling as 2-D ones ----------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "transforms/Passes.h"

#include "ir/InferOps.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::infer {
#define GEN_PASS_DEF_INFERLIFTCONV1D
#include "transforms/Passes.h.inc"
} // namespace mlir::infer

using namespace mlir;
using namespace mlir::infer;

namespace {
RankedTensorType tensorOf(Value v) {
  return llvm::cast<RankedTensorType>(v.getType());
}

/// `t` with a unit dimension inserted before its last one.
RankedTensorType withHeight(RankedTensorType t) {
  SmallVector<int64_t> shape(t.getShape());
  shape.insert(shape.end() - 1, 1);
  return t.clone(shape);
}

/// conv(x : NCL, w : MCK) -> reshape(conv(reshape(x) : NC1L, reshape(w) :
/// MC1K) : NM1L) : NML.
struct LiftConv1d : OpRewritePattern<ConvOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConvOp op,
                                PatternRewriter &rewriter) const override {
    RankedTensorType xt = tensorOf(op.getInput()), wt = tensorOf(op.getWeight()),
                     yt = tensorOf(op.getOutput());
    if (xt.getRank() != 3 || wt.getRank() != 3 || yt.getRank() != 3 ||
        op.getChannelsLast() || op.getStrides().size() != 1 ||
        op.getPads().size() != 2 || op.getDilations().size() != 1)
      return rewriter.notifyMatchFailure(op, "not a 1-D NCL convolution");
    Location loc = op.getLoc();
    Value x = ReshapeOp::create(rewriter, loc, withHeight(xt), op.getInput());
    Value w = ReshapeOp::create(rewriter, loc, withHeight(wt), op.getWeight());
    ArrayRef<int64_t> pads = op.getPads();
    Value y = ConvOp::create(
        rewriter, loc, withHeight(yt), x, w, op.getBias(),
        ArrayRef<int64_t>{1, op.getStrides()[0]},
        ArrayRef<int64_t>{0, pads[0], 0, pads[1]},
        ArrayRef<int64_t>{1, op.getDilations()[0]}, op.getGroup(),
        /*channels_last=*/false);
    rewriter.replaceOpWithNewOp<ReshapeOp>(op, yt, y);
    return success();
  }
};

/// pool(x : NCL) -> reshape(pool(reshape(x) : NC1L) : NC1L') : NCL' (the
/// pool template takes 2-D NCHW windows).
struct LiftPool1d : OpRewritePattern<PoolOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(PoolOp op,
                                PatternRewriter &rewriter) const override {
    RankedTensorType xt = tensorOf(op.getInput()), yt = tensorOf(op.getOutput());
    if (xt.getRank() != 3 || yt.getRank() != 3 || op.getChannelsLast() ||
        op.getKernel().size() != 1 || op.getPads().size() != 2)
      return rewriter.notifyMatchFailure(op, "not a 1-D NCL pooling");
    Location loc = op.getLoc();
    Value x = ReshapeOp::create(rewriter, loc, withHeight(xt), op.getInput());
    auto pool = llvm::cast<PoolOp>(rewriter.clone(*op));
    pool->setOperand(0, x);
    pool.getOutput().setType(withHeight(yt));
    ArrayRef<int64_t> pads = op.getPads();
    pool.setKernel(ArrayRef<int64_t>{1, op.getKernel()[0]});
    pool.setStrides(ArrayRef<int64_t>{1, op.getStrides()[0]});
    pool.setPads(ArrayRef<int64_t>{0, pads[0], 0, pads[1]});
    pool.setDilations(ArrayRef<int64_t>{1, op.getDilations()[0]});
    rewriter.replaceOpWithNewOp<ReshapeOp>(op, yt, pool.getOutput());
    return success();
  }
};

struct LiftConv1dPass : infer::impl::InferLiftConv1dBase<LiftConv1dPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<LiftConv1d, LiftPool1d>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
