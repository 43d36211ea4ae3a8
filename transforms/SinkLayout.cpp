//===- SinkLayout.cpp - Move layout changes below elementwise ops ---------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// After a layout rewrite (convolutions in NHWC) every elementwise op between
// two anchors sits between a transpose back and a transpose forth. Moving
// the first below the op lets the two meet and compose to nothing, and
// puts the op right after the anchor, in its epilogue.
//
//===----------------------------------------------------------------------===//

#include "transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::infer {
#define GEN_PASS_DEF_INFERSINKLAYOUT
#include "transforms/Passes.h.inc"
} // namespace mlir::infer

using namespace mlir;
using namespace mlir::infer;

namespace {
RankedTensorType typeOf(Value v) {
  return llvm::cast<RankedTensorType>(v.getType());
}

bool isLayoutChange(Operation *op) {
  return op && llvm::isa<TransposeOp, ReshapeOp>(op);
}

/// The same layout change as `t` applied to `v` (of `t`'s input shape).
Value applyLike(PatternRewriter &rewriter, Operation *t, Value v) {
  Type elem = typeOf(v).getElementType();
  auto out = typeOf(t->getResult(0)).clone(elem);
  if (auto tr = llvm::dyn_cast<TransposeOp>(t))
    return TransposeOp::create(rewriter, t->getLoc(), out, v, tr.getPerm());
  return ReshapeOp::create(rewriter, t->getLoc(), out, v);
}

/// Whether `a` and `b` are the same layout change of same-shaped inputs.
bool sameChange(Operation *a, Operation *b) {
  if (a->getName() != b->getName() ||
      typeOf(a->getOperand(0)).getShape() != typeOf(b->getOperand(0)).getShape() ||
      typeOf(a->getResult(0)).getShape() != typeOf(b->getResult(0)).getShape())
    return false;
  if (auto ta = llvm::dyn_cast<TransposeOp>(a))
    return ta.getPerm() == llvm::cast<TransposeOp>(b).getPerm();
  return true;
}

/// unary(T(x)) -> T(unary(x)) for T used only here.
struct SinkThroughUnary : OpRewritePattern<UnaryOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(UnaryOp op,
                                PatternRewriter &rewriter) const override {
    Operation *t = op.getInput().getDefiningOp();
    if (!isLayoutChange(t) || !op.getInput().hasOneUse())
      return rewriter.notifyMatchFailure(op, "operand is not a layout change");
    Value x = t->getOperand(0);
    auto inner = llvm::cast<UnaryOp>(rewriter.clone(*op));
    inner->setOperand(0, x);
    inner.getOutput().setType(
        typeOf(x).clone(op.getOutput().getType().getElementType()));
    rewriter.replaceOp(op, applyLike(rewriter, t, inner.getOutput()));
    return success();
  }
};

/// binary(T(a), T(b)) -> T(binary(a, b)); binary(T(a), c) with c a
/// constant that follows T (a transpose: any constant, made full rank; a
/// reshape: a scalar, or one value per element of a kept last dimension).
struct SinkThroughBinary : OpRewritePattern<BinaryOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BinaryOp op,
                                PatternRewriter &rewriter) const override {
    Value lhs = op.getLhs(), rhs = op.getRhs();
    Operation *tl = lhs.getDefiningOp(), *tr = rhs.getDefiningOp();
    RankedTensorType out = op.getOutput().getType();
    Value a, b;
    Operation *t = nullptr;
    if (isLayoutChange(tl) && isLayoutChange(tr) && sameChange(tl, tr) &&
        typeOf(lhs).getShape() == out.getShape() &&
        typeOf(rhs).getShape() == out.getShape()) {
      t = tl;
      a = tl->getOperand(0);
      b = tr->getOperand(0);
    } else {
      bool leftChanged = isLayoutChange(tl) && tl != tr &&
                         typeOf(lhs).getShape() == out.getShape();
      t = leftChanged ? tl : tr;
      Value changed = leftChanged ? lhs : rhs, other = leftChanged ? rhs : lhs;
      if (!isLayoutChange(t) || !changed.hasOneUse() ||
          typeOf(changed).getShape() != out.getShape() ||
          !other.getDefiningOp<ConstantOp>())
        return rewriter.notifyMatchFailure(op, "no layout change to move");
      FailureOr<Value> moved = constantBefore(rewriter, t, other);
      if (failed(moved))
        return rewriter.notifyMatchFailure(op, "the constant cannot follow");
      a = leftChanged ? t->getOperand(0) : *moved;
      b = leftChanged ? *moved : t->getOperand(0);
    }
    Value inner = BinaryOp::create(
        rewriter, op.getLoc(),
        typeOf(t->getOperand(0)).clone(out.getElementType()), op.getKind(), a, b);
    rewriter.replaceOp(op, applyLike(rewriter, t, inner));
    return success();
  }

  /// `c` (broadcasting against T's result) as an operand broadcasting
  /// against T's input.
  static FailureOr<Value> constantBefore(PatternRewriter &rewriter,
                                         Operation *t, Value c) {
    RankedTensorType ct = typeOf(c);
    ArrayRef<int64_t> after = typeOf(t->getResult(0)).getShape();
    ArrayRef<int64_t> before = typeOf(t->getOperand(0)).getShape();
    if (ct.getNumElements() == 1)
      return ReshapeOp::create(rewriter, t->getLoc(), ct.clone(ArrayRef<int64_t>{}), c).getResult();
    if (auto tr = llvm::dyn_cast<TransposeOp>(t)) {
      if (ct.getRank() > static_cast<int64_t>(after.size()))
        return failure();
      SmallVector<int64_t> full(after.size() - ct.getRank(), 1);
      full.append(ct.getShape().begin(), ct.getShape().end());
      Value v = ReshapeOp::create(rewriter, t->getLoc(), ct.clone(full), c);
      // transpose(x, p)[i] = x[p[i]]: undo with the inverse permutation.
      ArrayRef<int64_t> perm = tr.getPerm();
      SmallVector<int64_t> inverse(perm.size()), shape(perm.size());
      for (auto [i, p] : llvm::enumerate(perm))
        inverse[p] = i;
      for (auto [i, p] : llvm::enumerate(inverse))
        shape[i] = full[p];
      return TransposeOp::create(rewriter, t->getLoc(), ct.clone(shape), v,
                                 inverse)
          .getResult();
    }
    // A reshape: one value per element of the last dimension, kept by it.
    int64_t last = after.back();
    if (before.empty() || before.back() != last || ct.getShape().back() != last ||
        ct.getNumElements() != last)
      return failure();
    return ReshapeOp::create(rewriter, t->getLoc(), ct.clone({last}), c)
        .getResult();
  }
};

struct SinkLayoutPass : infer::impl::InferSinkLayoutBase<SinkLayoutPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateSinkLayoutPatterns(patterns);
    populateSimplifyLayoutPatterns(patterns);
    populateRemoveIdentityPatterns(patterns);
    // Constants moved above a layout change fold at once, so that the next
    // op sees a constant operand again.
    auto invalid = std::make_shared<bool>(false);
    populateFoldConstantsPatterns(patterns, /*maxElements=*/1 << 26, invalid);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))) ||
        *invalid)
      signalPassFailure();
  }
};
} // namespace

void mlir::infer::populateSinkLayoutPatterns(RewritePatternSet &patterns) {
  patterns.add<SinkThroughUnary, SinkThroughBinary>(patterns.getContext());
}
