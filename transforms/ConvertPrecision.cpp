//===- ConvertPrecision.cpp - Run float ops in fp16 or bf16 ----------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// --precision=fp16|bf16 as a graph rewrite: every f32 op is wrapped in casts
// to the low type and back, then the casts that cancel go and the casts of
// weights fold. What is left is visible in infer-opt output: low-precision
// ops, f32 where an op accumulates, casts at the edges.
//
//===----------------------------------------------------------------------===//

#include "transforms/Passes.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::infer {
#define GEN_PASS_DEF_INFERCONVERTPRECISION
#include "transforms/Passes.h.inc"
} // namespace mlir::infer

using namespace mlir;
using namespace mlir::infer;

namespace {
bool isF32Tensor(Type t) {
  auto rt = llvm::dyn_cast<RankedTensorType>(t);
  return rt && rt.getElementType().isF32();
}

/// Ops that keep f32: sums whose result can leave the 16-bit range
/// (reduce, cumsum), batch norm (folded into weights when it can be), and
/// ops that are not computations on float data. Softmax, layer norm and
/// global pooling take and return the low type: every kernel computes
/// their statistics in f32.
bool keepsF32(Operation *op) {
  return llvm::isa<ConstantOp, CastOp, FusedOp, YieldOp, ReduceOp, BatchNormOp,
                   CumSumOp, ArgReduceOp, TopKOp, QuantizeOp, DequantizeOp>(op);
}

/// op(f32...) -> cast(op(cast(f32 -> low)...) : low -> f32).
struct ComputeInLowPrecision : RewritePattern {
  ComputeInLowPrecision(MLIRContext *ctx, Type low)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx), low(low) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (!llvm::isa<InferDialect>(op->getDialect()) || keepsF32(op) ||
        op->getNumRegions() != 0)
      return rewriter.notifyMatchFailure(op, "keeps its precision");
    bool any = llvm::any_of(op->getOperandTypes(), isF32Tensor) ||
               llvm::any_of(op->getResultTypes(), isF32Tensor);
    if (!any)
      return rewriter.notifyMatchFailure(op, "computes on no f32 tensor");
    auto lower = [&](Type t) {
      return isF32Tensor(t) ? llvm::cast<RankedTensorType>(t).clone(low) : t;
    };
    rewriter.setInsertionPoint(op);
    IRMapping map;
    for (Value v : op->getOperands())
      if (isF32Tensor(v.getType()) && !map.contains(v))
        map.map(v, CastOp::create(rewriter, op->getLoc(), lower(v.getType()), v,
                                  /*saturate=*/false)
                       .getResult());
    Operation *clone = rewriter.clone(*op, map);
    for (Value r : clone->getResults())
      r.setType(lower(r.getType()));
    SmallVector<Value> results;
    for (auto [orig, r] : llvm::zip(op->getResults(), clone->getResults()))
      results.push_back(r.getType() == orig.getType()
                            ? Value(r)
                            : CastOp::create(rewriter, op->getLoc(),
                                             orig.getType(), r,
                                             /*saturate=*/false)
                                  .getResult());
    rewriter.replaceOp(op, results);
    return success();
  }

  Type low;
};

/// cast(cast(x : T -> f32) : f32 -> T) -> x: a 16-bit float widened to f32
/// and narrowed back is itself.
struct RemoveRoundTripCast : OpRewritePattern<CastOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(CastOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<CastOp>();
    if (!inner || inner.getInput().getType() != op.getOutput().getType())
      return rewriter.notifyMatchFailure(op, "not a round trip");
    Type from = inner.getInput().getType().getElementType();
    Type via = inner.getOutput().getType().getElementType();
    if (!(from.isF16() || from.isBF16()) || !via.isF32())
      return rewriter.notifyMatchFailure(op, "the round trip may lose bits");
    rewriter.replaceOp(op, inner.getInput());
    return success();
  }
};

struct ConvertPrecisionPass
    : infer::impl::InferConvertPrecisionBase<ConvertPrecisionPass> {
  using Base::Base;
  void runOnOperation() override {
    Type low;
    if (precision == "fp16")
      low = Float16Type::get(&getContext());
    else if (precision == "bf16")
      low = BFloat16Type::get(&getContext());
    else {
      getOperation()->emitError() << "precision '" << precision
                                  << "' is not fp16 or bf16";
      return signalPassFailure();
    }
    RewritePatternSet patterns(&getContext());
    populateConvertPrecisionPatterns(patterns, low);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void mlir::infer::populateConvertPrecisionPatterns(RewritePatternSet &patterns,
                                                   Type low) {
  patterns.add<ComputeInLowPrecision>(patterns.getContext(), low);
  patterns.add<RemoveRoundTripCast>(patterns.getContext());
}
