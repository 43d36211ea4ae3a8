//===- RemoveIdentity.cpp - Remove ops that return their input ------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// ONNX exports carry Identity nodes, inference Dropout, no-op reshapes and
// casts; each one would otherwise become a copy kernel. Empty operands of a
// concatenation go too.
//
//===----------------------------------------------------------------------===//

#include "transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::infer {
#define GEN_PASS_DEF_INFERREMOVEIDENTITY
#include "transforms/Passes.h.inc"
} // namespace mlir::infer

using namespace mlir;
using namespace mlir::infer;

namespace {
/// Replaces `op` by its first operand when `isIdentity(op)` holds and the
/// types agree.
template <typename OpTy>
struct RemoveIfIdentity : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    Value input = op->getOperand(0);
    if (input.getType() != op->getResult(0).getType())
      return rewriter.notifyMatchFailure(op, "changes the type");
    if (!isIdentity(op))
      return rewriter.notifyMatchFailure(op, "changes the values");
    rewriter.replaceOp(op, input);
    return success();
  }

  static bool isIdentity(UnaryOp op) {
    return op.getKind() == UnaryKind::identity;
  }
  static bool isIdentity(CastOp) { return true; }
  static bool isIdentity(ReshapeOp) { return true; }
  static bool isIdentity(ExpandOp) { return true; }
  static bool isIdentity(TransposeOp op) {
    for (auto [i, p] : llvm::enumerate(op.getPerm()))
      if (p != static_cast<int64_t>(i))
        return false;
    return true;
  }
  static bool isIdentity(SliceOp op) {
    ArrayRef<int64_t> shape = op.getInput().getType().getShape();
    for (size_t i = 0; i < shape.size(); ++i) {
      bool whole = op.getStarts()[i] == 0 && op.getSteps()[i] == 1 &&
                   (op.getEnds()[i] == shape[i] ||
                    ShapedType::isDynamic(op.getEnds()[i]));
      if (!whole)
        return false;
    }
    return true;
  }
  static bool isIdentity(PadOp op) {
    return llvm::all_of(op.getPads(), [](int64_t p) { return p == 0; });
  }
};

/// Drops the empty operands of a concatenation (a zero-size slice, as
/// partial rotary embeddings make), and the concatenation itself when one
/// operand is left: an empty tensor is nothing to copy, and GPU targets
/// have no buffer type for it (SPIR-V arrays hold at least one element).
struct DropEmptyConcatOperands : OpRewritePattern<ConcatOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConcatOp op, PatternRewriter &rewriter) const override {
    RankedTensorType out = op.getOutput().getType();
    if (!out.hasStaticShape() || out.getNumElements() == 0)
      return rewriter.notifyMatchFailure(op, "the result is dynamic or empty");
    SmallVector<Value> kept;
    for (Value v : op.getInputs()) {
      auto t = llvm::cast<RankedTensorType>(v.getType());
      if (!t.hasStaticShape() || t.getNumElements() != 0)
        kept.push_back(v);
    }
    if (kept.size() == op.getInputs().size())
      return rewriter.notifyMatchFailure(op, "no operand is empty");
    if (kept.size() == 1 && kept.front().getType() == op.getOutput().getType()) {
      rewriter.replaceOp(op, kept.front());
      return success();
    }
    rewriter.modifyOpInPlace(op, [&] { op.getInputsMutable().assign(kept); });
    return success();
  }
};

struct RemoveIdentityPass
    : infer::impl::InferRemoveIdentityBase<RemoveIdentityPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateRemoveIdentityPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void mlir::infer::populateRemoveIdentityPatterns(RewritePatternSet &patterns) {
  patterns.add<RemoveIfIdentity<UnaryOp>, RemoveIfIdentity<CastOp>,
               RemoveIfIdentity<ReshapeOp>, RemoveIfIdentity<ExpandOp>,
               RemoveIfIdentity<TransposeOp>, RemoveIfIdentity<SliceOp>,
               RemoveIfIdentity<PadOp>, DropEmptyConcatOperands>(patterns.getContext());
}
