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

#include "ir/ShapeInference.h"

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

/// Whether `op` is a quantize or dequantize with one scale for the whole
/// tensor (elementwise, whatever the layout).
bool isPerTensorQuantCast(Operation *op) {
  auto scalar = [](Value v) {
    // fp8 tensors take one scale (the op's attribute).
    return llvm::isa<quant::UniformQuantizedType, Float8E4M3FNType>(
        typeOf(v).getElementType());
  };
  if (auto q = llvm::dyn_cast<QuantizeOp>(op))
    return scalar(q.getOutput());
  if (auto d = llvm::dyn_cast<DequantizeOp>(op))
    return scalar(d.getInput());
  return false;
}

/// quantize(T(x)) -> T(quantize(x)), and for dequantize, with one scale
/// for the tensor.
struct SinkThroughQuantCast : RewritePattern {
  SinkThroughQuantCast(MLIRContext *ctx)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}
  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (!isPerTensorQuantCast(op))
      return rewriter.notifyMatchFailure(op, "not a per-tensor quantize");
    Operation *t = op->getOperand(0).getDefiningOp();
    if (!isLayoutChange(t) || !op->getOperand(0).hasOneUse())
      return rewriter.notifyMatchFailure(op, "operand is not a layout change");
    Value x = t->getOperand(0);
    Operation *inner = rewriter.clone(*op);
    inner->setOperand(0, x);
    inner->getResult(0).setType(
        typeOf(x).clone(typeOf(op->getResult(0)).getElementType()));
    rewriter.replaceOp(op, applyLike(rewriter, t, inner->getResult(0)));
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
          !(other.getDefiningOp<ConstantOp>() || movesOnlyUnitDims(t, other)))
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

  /// Whether undoing transpose `t` on `c` (made full rank) keeps the
  /// order of its dimensions larger than 1: a reshape, for any `c`.
  static bool movesOnlyUnitDims(Operation *t, Value c) {
    auto tr = llvm::dyn_cast<TransposeOp>(t);
    ArrayRef<int64_t> cs = typeOf(c).getShape();
    if (!tr || !typeOf(c).hasStaticShape() || cs.size() > tr.getPerm().size())
      return false;
    SmallVector<int64_t> full(tr.getPerm().size() - cs.size(), 1);
    full.append(cs.begin(), cs.end());
    // Dimension i of c is dimension perm[i] before the transpose.
    int64_t last = -1;
    for (auto [i, p] : llvm::enumerate(tr.getPerm())) {
      (void)i;
      if (full[i] == 1)
        continue;
      if (p < last)
        return false;
      last = p;
    }
    return true;
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
      if (movesOnlyUnitDims(t, c))
        return ReshapeOp::create(rewriter, t->getLoc(), ct.clone(shape), v)
            .getResult();
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

/// The transpose defining `v` when `v` is its only use.
TransposeOp soleTranspose(Value v) {
  auto t = v.getDefiningOp<TransposeOp>();
  return t && v.hasOneUse() ? t : TransposeOp();
}

/// pad(T(x)) -> T(pad(x)) with the pads permuted (every mode pads each
/// dimension on its own).
struct SinkThroughPad : OpRewritePattern<PadOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(PadOp op,
                                PatternRewriter &rewriter) const override {
    TransposeOp t = soleTranspose(op.getInput());
    if (!t || !typeOf(t.getInput()).hasStaticShape())
      return rewriter.notifyMatchFailure(op, "operand is not a static transpose");
    ArrayRef<int64_t> perm = t.getPerm(), pads = op.getPads();
    int64_t rank = perm.size();
    SmallVector<int64_t> moved(2 * rank);
    SmallVector<int64_t> shape(typeOf(t.getInput()).getShape());
    for (int64_t i = 0; i < rank; ++i) {
      moved[perm[i]] = pads[i];
      moved[perm[i] + rank] = pads[i + rank];
      shape[perm[i]] += pads[i] + pads[i + rank];
    }
    Value inner = PadOp::create(rewriter, op.getLoc(),
                                typeOf(t.getInput()).clone(shape), op.getMode(),
                                t.getInput(), moved, op.getValue());
    rewriter.replaceOpWithNewOp<TransposeOp>(op, op.getOutput().getType(), inner,
                                             perm);
    return success();
  }
};

/// concat(T(a), T(b), ...) -> T(concat(a, b, ...)) along the axis the
/// transpose moved.
struct SinkThroughConcat : OpRewritePattern<ConcatOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConcatOp op,
                                PatternRewriter &rewriter) const override {
    SmallVector<Value> inputs;
    ArrayRef<int64_t> perm;
    for (Value v : op.getInputs()) {
      TransposeOp t = soleTranspose(v);
      if (!t || (!perm.empty() && t.getPerm() != perm))
        return rewriter.notifyMatchFailure(op, "operands are not one transpose");
      perm = t.getPerm();
      inputs.push_back(t.getInput());
    }
    if (inputs.empty())
      return failure();
    int64_t rank = perm.size(), axis = op.getAxis();
    if (axis < 0)
      axis += rank;
    if (axis < 0 || axis >= rank || !op.getOutput().getType().hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shapes");
    int64_t inner = perm[axis];
    SmallVector<int64_t> shape(typeOf(inputs.front()).getShape());
    shape[inner] = typeOf(op.getOutput()).getDimSize(axis);
    Value c = ConcatOp::create(rewriter, op.getLoc(),
                               typeOf(inputs.front()).clone(shape), inputs, inner);
    rewriter.replaceOpWithNewOp<TransposeOp>(op, op.getOutput().getType(), c, perm);
    return success();
  }
};

/// slice(T(x)) -> T(slice(x)) (a channel split reads one tensor twice:
/// SplitSharedTranspose gives each slice its own transpose first).
struct SinkThroughSlice : OpRewritePattern<SliceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SliceOp s,
                                PatternRewriter &rewriter) const override {
    TransposeOp t = soleTranspose(s.getInput());
    if (!t)
      return rewriter.notifyMatchFailure(s, "operand is not a transpose");
    ArrayRef<int64_t> perm = t.getPerm();
    int64_t rank = perm.size();
    SmallVector<int64_t> starts(rank), ends(rank), steps(rank), shape(rank);
    ArrayRef<int64_t> out = typeOf(s.getOutput()).getShape();
    for (int64_t i = 0; i < rank; ++i) {
      starts[perm[i]] = s.getStarts()[i];
      ends[perm[i]] = s.getEnds()[i];
      steps[perm[i]] = s.getSteps()[i];
      shape[perm[i]] = out[i];
    }
    Value inner = SliceOp::create(rewriter, s.getLoc(),
                                  typeOf(t.getInput()).clone(shape), t.getInput(),
                                  starts, ends, steps);
    rewriter.replaceOpWithNewOp<TransposeOp>(s, s.getOutput().getType(), inner, perm);
    return success();
  }
};

/// The channel shuffle of ShuffleNet, reshape [N, C, H, W] -> [N, G, C/G,
/// H, W], transpose [0, 2, 1, 3, 4], reshape back, on a channels-last
/// tensor transposed to channels-first: the same shuffle of the last
/// dimension of the channels-last tensor, then the transpose.
struct SinkThroughChannelShuffle : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    auto shuffle = op.getInput().getDefiningOp<TransposeOp>();
    auto split = shuffle ? shuffle.getInput().getDefiningOp<ReshapeOp>() : ReshapeOp();
    TransposeOp t = split ? soleTranspose(split.getInput()) : TransposeOp();
    if (!t || !op.getInput().hasOneUse() || !shuffle.getInput().hasOneUse() ||
        t.getPerm() != ArrayRef<int64_t>{0, 3, 1, 2} ||
        shuffle.getPerm() != ArrayRef<int64_t>{0, 2, 1, 3, 4})
      return rewriter.notifyMatchFailure(op, "not a channel shuffle of a transpose");
    if (!typeOf(t.getOutput()).hasStaticShape() ||
        !typeOf(split.getOutput()).hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shapes");
    ArrayRef<int64_t> x = typeOf(t.getOutput()).getShape(),
                      g = typeOf(split.getOutput()).getShape();
    if (typeOf(op.getOutput()).getShape() != x || g[0] != x[0] ||
        g[1] * g[2] != x[1] || g[3] != x[2] || g[4] != x[3])
      return rewriter.notifyMatchFailure(op, "not a shuffle of the channels");
    Location loc = op.getLoc();
    Value z = t.getInput();
    RankedTensorType zt = typeOf(z);
    Value grouped = ReshapeOp::create(rewriter, loc,
                                      zt.clone({x[0], x[2], x[3], g[1], g[2]}), z);
    Value swapped = TransposeOp::create(
        rewriter, loc, zt.clone({x[0], x[2], x[3], g[2], g[1]}), grouped,
        ArrayRef<int64_t>{0, 1, 2, 4, 3});
    Value flat = ReshapeOp::create(rewriter, loc, zt, swapped);
    rewriter.replaceOpWithNewOp<TransposeOp>(op, op.getOutput().getType(), flat,
                                             t.getPerm());
    return success();
  }
};

/// Whether `user` can take the transpose `t` below it (what the patterns
/// above need of their operands; a copy that does not sink would be one
/// more transpose kernel on GPUs).
bool takesTranspose(Operation *user, TransposeOp t) {
  ArrayRef<int64_t> perm = t.getPerm();
  int64_t rank = perm.size();
  bool channelsFirst = rank >= 3 && perm == ArrayRef<int64_t>(channelsFirstPerm(rank));
  if (llvm::isa<UnaryOp, PadOp, SliceOp, TransposeOp>(user) ||
      isPerTensorQuantCast(user))
    return true;
  if (auto b = llvm::dyn_cast<BinaryOp>(user)) {
    Value other = b.getLhs() == t.getResult() ? b.getRhs() : b.getLhs();
    auto ot = other.getDefiningOp<TransposeOp>();
    return other.getDefiningOp<ConstantOp>() || (ot && ot.getPerm() == perm) ||
           SinkThroughBinary::movesOnlyUnitDims(t, other);
  }
  if (auto c = llvm::dyn_cast<ConcatOp>(user))
    return llvm::all_of(c.getInputs(), [&](Value v) {
      auto vt = v.getDefiningOp<TransposeOp>();
      return vt && vt.getPerm() == perm;
    });
  if (auto p = llvm::dyn_cast<PoolOp>(user))
    return channelsFirst && !p.getChannelsLast();
  if (auto g = llvm::dyn_cast<GlobalPoolOp>(user))
    return channelsFirst && g.getKind() != PoolKind::lp;
  return false;
}

/// A transpose read by several ops that each can take it below them (a
/// DenseNet block's features feed every later concatenation) becomes one
/// copy per reader, so that each copy sinks on its own and meets its
/// inverse (only where every reader takes it: a copy that does not sink
/// would be one more transpose kernel on GPUs).
struct SplitSharedTranspose : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TransposeOp t,
                                PatternRewriter &rewriter) const override {
    if (t->hasOneUse() || t->use_empty() || t.getInput().getDefiningOp<ConstantOp>())
      return rewriter.notifyMatchFailure(t, "one reader or none, or a constant");
    for (Operation *u : t->getUsers())
      if (!takesTranspose(u, t))
        return rewriter.notifyMatchFailure(t, "a reader the transpose cannot sink into");
    for (OpOperand &use : llvm::make_early_inc_range(t->getUses())) {
      rewriter.setInsertionPoint(use.getOwner());
      Value copy = TransposeOp::create(rewriter, t.getLoc(), t.getType(),
                                       t.getInput(), t.getPerm());
      rewriter.modifyOpInPlace(use.getOwner(), [&] { use.set(copy); });
    }
    rewriter.eraseOp(t);
    return success();
  }
};

/// pool(T(x)) with T channels-last to channels-first -> T(pool(x)) run
/// channels-last.
struct SinkThroughPool : OpRewritePattern<PoolOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(PoolOp op,
                                PatternRewriter &rewriter) const override {
    TransposeOp t = soleTranspose(op.getInput());
    int64_t rank = typeOf(op.getInput()).getRank();
    if (!t || op.getChannelsLast() || rank < 3)
      return rewriter.notifyMatchFailure(op, "operand is not a transpose");
    SmallVector<int64_t> perm = channelsFirstPerm(rank);
    if (t.getPerm() != ArrayRef<int64_t>(perm))
      return rewriter.notifyMatchFailure(op, "not channels-last to channels-first");
    auto pool = llvm::cast<PoolOp>(rewriter.clone(*op));
    pool->setOperand(0, t.getInput());
    pool.setChannelsLast(true);
    pool.getOutput().setType(
        op.getOutput().getType().clone(toChannelsLast(op.getOutput().getType().getShape())));
    rewriter.replaceOpWithNewOp<TransposeOp>(op, op.getOutput().getType(),
                                             pool.getOutput(), perm);
    return success();
  }
};

/// global_pool(T(x)) with T channels-last to channels-first ([0, r-1, 1,
/// ..., r-2]) -> reshape(reduce(x) over the spatial dimensions): the pool
/// reads the tensor as it was written.
struct PoolChannelsLast : OpRewritePattern<GlobalPoolOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GlobalPoolOp op,
                                PatternRewriter &rewriter) const override {
    auto t = op.getInput().getDefiningOp<TransposeOp>();
    RankedTensorType in = typeOf(op.getInput());
    int64_t rank = in.getRank();
    if (!t || rank < 3 || !in.hasStaticShape() ||
        (op.getKind() != PoolKind::avg && op.getKind() != PoolKind::max))
      return rewriter.notifyMatchFailure(op, "not an average or max pool of a transpose");
    SmallVector<int64_t> perm = channelsFirstPerm(rank);
    if (t.getPerm() != ArrayRef<int64_t>(perm))
      return rewriter.notifyMatchFailure(op, "not channels-last to channels-first");
    Value x = t.getInput();
    ArrayRef<int64_t> xs = typeOf(x).getShape();
    SmallVector<int64_t> axes, reduced{xs[0]};
    for (int64_t i = 1; i < rank - 1; ++i) {
      axes.push_back(i);
      reduced.push_back(1);
    }
    reduced.push_back(xs.back());
    Value r = ReduceOp::create(
        rewriter, op.getLoc(), typeOf(x).clone(reduced),
        op.getKind() == PoolKind::avg ? ReduceKind::mean : ReduceKind::max, x,
        axes, /*keep_dims=*/true);
    rewriter.replaceOpWithNewOp<ReshapeOp>(op, op.getOutput().getType(), r);
    return success();
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
  patterns.add<SinkThroughUnary, SinkThroughBinary, PoolChannelsLast,
               SinkThroughPad, SinkThroughConcat, SinkThroughSlice,
               SinkThroughChannelShuffle, SinkThroughPool, SplitSharedTranspose,
               SinkThroughQuantCast>(
      patterns.getContext());
}
