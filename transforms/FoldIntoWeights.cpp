//===- FoldIntoWeights.cpp - Fold affine ops into anchor weights -----------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// y = conv(x, W, b) followed by a per-channel affine map s * y + t is the
// convolution with weights s * W and bias s * b + t. Batch normalization at
// inference, and Mul / Add by per-channel constants, are such maps; folding
// them removes a kernel and a pass over the activation.
//
//===----------------------------------------------------------------------===//

#include "transforms/Passes.h"
#include "transforms/ConstantValues.h"

#include "ir/ConstantView.h"
#include "reference/Tensor.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/SetVector.h"

#include <cmath>
#include <optional>

namespace mlir::infer {
#define GEN_PASS_DEF_INFERFOLDINTOWEIGHTS
#include "transforms/Passes.h.inc"
} // namespace mlir::infer

using namespace mlir;
using namespace mlir::infer;
using reference::Tensor;

namespace {
RankedTensorType typeOf(Value v) {
  return llvm::cast<RankedTensorType>(v.getType());
}

/// What folding needs to know about an anchor: its output channel axis and
/// count, and how to rebuild it with transformed weights.
struct Anchor {
  Operation *op = nullptr;
  int64_t axis = 0, channels = 0;

  static std::optional<Anchor> of(Operation *op) {
    if (!op || !op->getResult(0).hasOneUse() ||
        !llvm::isa<FloatType>(typeOf(op->getResult(0)).getElementType()))
      return std::nullopt;
    RankedTensorType out = typeOf(op->getResult(0));
    Anchor a{op, 0, 0};
    if (auto conv = llvm::dyn_cast<ConvOp>(op)) {
      if (!isFloatConstant(conv.getWeight()) ||
          (conv.getBias() && !isFloatConstant(conv.getBias())))
        return std::nullopt;
      a.axis = conv.getChannelAxis();
    } else if (auto conv = llvm::dyn_cast<ConvTransposeOp>(op)) {
      if (!isFloatConstant(conv.getWeight()) ||
          (conv.getBias() && !isFloatConstant(conv.getBias())))
        return std::nullopt;
      a.axis = 1;
    } else if (auto gemm = llvm::dyn_cast<GemmOp>(op)) {
      if (!isFloatConstant(gemm.getB()))
        return std::nullopt;
      if (Value c = gemm.getC()) {
        ArrayRef<int64_t> cs = typeOf(c).getShape();
        bool perColumn = cs.empty() || (cs.size() == 1) ||
                         (cs.size() == 2 && cs[0] == 1);
        if (!isFloatConstant(c) || !perColumn)
          return std::nullopt;
      }
      a.axis = 1;
    } else if (auto mm = llvm::dyn_cast<MatMulOp>(op)) {
      if (typeOf(mm.getRhs()).getRank() != 2 || typeOf(mm.getLhs()).getRank() < 2 ||
          !isFloatConstant(mm.getRhs()))
        return std::nullopt;
      a.axis = out.getRank() - 1;
    } else {
      return std::nullopt;
    }
    if (!out.hasStaticShape())
      return std::nullopt;
    a.channels = out.getDimSize(a.axis);
    return a;
  }

  /// Whether scaling the weight by `s` per channel keeps every weight a
  /// normal number of its type: after the conversion to fp16 / bf16 (the
  /// pass runs again after layout rewrites on GPUs) a tiny scale (a layer
  /// scale of 1e-6) would flush weights to zero and a large one overflow.
  /// Conservative: the extreme magnitudes of weight and scale together.
  bool scalesSafely(ArrayRef<double> s) const {
    if (s.empty())
      return true;
    Value w;
    if (auto conv = llvm::dyn_cast<ConvOp>(op))
      w = conv.getWeight();
    else if (auto conv = llvm::dyn_cast<ConvTransposeOp>(op))
      w = conv.getWeight();
    else if (auto gemm = llvm::dyn_cast<GemmOp>(op))
      w = gemm.getB();
    else
      w = llvm::cast<MatMulOp>(op).getRhs();
    auto ft = llvm::dyn_cast<FloatType>(typeOf(w).getElementType());
    if (!ft || ft.getWidth() > 16)
      return true;
    std::optional<ConstantView> view =
        ConstantView::get(w.getDefiningOp<ConstantOp>().getValue());
    if (!view)
      return false;
    double wMin = INFINITY, wMax = 0, sMin = INFINITY, sMax = 0;
    for (int64_t i = 0; i < view->size(); ++i) {
      double a = std::fabs(view->getDouble(i));
      if (a != 0)
        wMin = std::min(wMin, a);
      wMax = std::max(wMax, a);
    }
    for (double x : s) {
      double a = std::fabs(x);
      if (a != 0)
        sMin = std::min(sMin, a);
      sMax = std::max(sMax, a);
    }
    const llvm::fltSemantics &sem = ft.getFloatSemantics();
    double smallest = llvm::APFloat::getSmallestNormalized(sem).convertToDouble();
    double largest = llvm::APFloat::getLargest(sem).convertToDouble();
    return (wMax == 0 || wMin * sMin >= smallest) && wMax * sMax <= largest / 2;
  }

  /// Whether the anchor can take a shift into a bias.
  bool hasBias() const {
    if (auto mm = llvm::dyn_cast<MatMulOp>(op))
      return typeOf(mm.getLhs()).getRank() == 2;
    return true;
  }

  /// Values of `c` per output channel when `c` broadcasts to the output
  /// with one value per channel (or one in all).
  std::optional<std::vector<double>> perChannel(Value c) const {
    std::optional<Tensor> t = floatConstant(c);
    if (!t)
      return std::nullopt;
    ArrayRef<int64_t> out = typeOf(op->getResult(0)).getShape();
    ArrayRef<int64_t> cs = t->getShape();
    if (cs.size() > out.size())
      return std::nullopt;
    int64_t lead = out.size() - cs.size();
    bool perChannel = false;
    for (size_t i = 0; i < cs.size(); ++i) {
      int64_t dim = lead + i;
      if (cs[i] == 1)
        continue;
      if (dim != axis || cs[i] != channels)
        return std::nullopt;
      perChannel = true;
    }
    std::vector<double> v(channels);
    for (int64_t m = 0; m < channels; ++m)
      v[m] = t->floats()[perChannel ? m : 0];
    return v;
  }

  /// Rebuilds the anchor computing s * y + t (s or t may be empty).
  Value rebuild(PatternRewriter &rewriter, ArrayRef<double> s, ArrayRef<double> t,
                Location fused) const {
    auto constant = [&](const Tensor &v) {
      return ConstantOp::create(rewriter, op->getLoc(), v.toAttr("folded_weight"))
          .getResult();
    };
    Type et = typeOf(op->getResult(0)).getElementType();
    // The bias after the map: s * b + t.
    auto newBias = [&](std::optional<Tensor> b, double bScale) {
      Tensor nb(et, {channels});
      for (int64_t m = 0; m < channels; ++m) {
        double v = b ? bScale * b->floats()[b->size() == 1 ? 0 : m] : 0.0;
        if (!s.empty())
          v *= s[m];
        if (!t.empty())
          v += t[m];
        nb.setDouble(m, v);
      }
      return nb;
    };
    Operation *clone = rewriter.clone(*op);
    clone->setLoc(fused);
    // The weight scaled per output channel, read and written in its own
    // element type (no double copy of the model's weights).
    auto scaled = [&](Value weight,
                      llvm::function_ref<int64_t(int64_t)> channelOf) -> Value {
      std::optional<ConstantView> w =
          ConstantView::get(weight.getDefiningOp<ConstantOp>().getValue());
      if (s.empty())
        return weight;
      ConstantBuilder nb(w->getType());
      for (int64_t i = 0; i < w->size(); ++i)
        nb.setDouble(i, w->getDouble(i) * s[channelOf(i)]);
      return ConstantOp::create(rewriter, op->getLoc(), nb.finish("folded_weight"))
          .getResult();
    };
    if (auto conv = llvm::dyn_cast<ConvOp>(clone)) {
      int64_t per = typeOf(conv.getWeight()).getNumElements() / channels;
      conv.getWeightMutable().assign(
          scaled(conv.getWeight(), [&](int64_t i) { return i / per; }));
      if (!t.empty() || conv.getBias())
        conv.getBiasMutable().assign(
            constant(newBias(floatConstant(conv.getBias()), 1.0)));
    } else if (auto conv = llvm::dyn_cast<ConvTransposeOp>(clone)) {
      ArrayRef<int64_t> ws = typeOf(conv.getWeight()).getShape(); // [C, M/g, ...]
      int64_t group = conv.getGroup(), perGroup = ws[1];
      int64_t cPerGroup = ws[0] / group,
              inner = typeOf(conv.getWeight()).getNumElements() / (ws[0] * ws[1]);
      conv.getWeightMutable().assign(scaled(conv.getWeight(), [&](int64_t i) {
        int64_t c = i / (ws[1] * inner), j = (i / inner) % ws[1];
        return (c / cPerGroup) * perGroup + j;
      }));
      if (!t.empty() || conv.getBias())
        conv.getBiasMutable().assign(
            constant(newBias(floatConstant(conv.getBias()), 1.0)));
    } else if (auto gemm = llvm::dyn_cast<GemmOp>(clone)) {
      int64_t n = channels, k = typeOf(gemm.getB()).getNumElements() / n;
      bool transB = gemm.getTransB();
      gemm.getBMutable().assign(scaled(gemm.getB(), [&](int64_t i) {
        return transB ? i / k : i % n;
      }));
      if (!t.empty() || gemm.getC()) {
        gemm.getCMutable().assign(constant(newBias(
            floatConstant(gemm.getC()), gemm.getBeta().convertToDouble())));
        gemm.setBeta(llvm::APFloat(1.0f));
      }
      // alpha multiplies A*B only: s * alpha * A * B = alpha * A * (s B).
    } else {
      auto mm = llvm::cast<MatMulOp>(clone);
      int64_t n = channels;
      Value rhs = scaled(mm.getRhs(), [&](int64_t i) { return i % n; });
      if (t.empty()) {
        mm.getRhsMutable().assign(rhs);
      } else {
        // A rank-2 matmul with a bias is a gemm.
        Value gemm = GemmOp::create(rewriter, fused, mm.getOutput().getType(),
                                    mm.getLhs(), rhs, constant(newBias({}, 1.0)),
                                    llvm::APFloat(1.0f), llvm::APFloat(1.0f),
                                    false, false);
        rewriter.eraseOp(mm);
        return gemm;
      }
    }
    return clone->getResult(0);
  }
};

/// Erases the replaced anchor and frees the weights only it read: the
/// folded copies replace them, and the model stays about its own size
/// while it compiles.
void eraseWithWeights(PatternRewriter &rewriter, Operation *anchor) {
  if (!anchor->use_empty())
    return;
  llvm::SetVector<Value> operands(anchor->getOperands().begin(),
                                  anchor->getOperands().end());
  rewriter.eraseOp(anchor);
  for (Value v : operands)
    eraseDeadConstant(rewriter, v);
}

Location fuseLocs(PatternRewriter &rewriter, ArrayRef<Location> locs) {
  return FusedLoc::get(rewriter.getContext(), locs);
}

/// The per-channel map s * x + t of `bn` when its statistics are constants
/// of `channels` values: s = gamma / sqrt(var + eps), t = beta - mean * s.
LogicalResult batchNormAffine(BatchNormOp bn, int64_t channels,
                              std::vector<double> &s, std::vector<double> &t,
                              PatternRewriter &rewriter) {
  std::optional<Tensor> gamma = floatConstant(bn.getScale()),
                        beta = floatConstant(bn.getBias()),
                        mean = floatConstant(bn.getMean()),
                        var = floatConstant(bn.getVariance());
  if (!gamma || !beta || !mean || !var)
    return rewriter.notifyMatchFailure(bn, "statistics are not constant");
  if (gamma->size() != channels || beta->size() != channels ||
      mean->size() != channels || var->size() != channels)
    return rewriter.notifyMatchFailure(bn, "statistics per channel mismatch");
  double eps = bn.getEpsilon().convertToDouble();
  s.assign(channels, 0);
  t.assign(channels, 0);
  for (int64_t m = 0; m < channels; ++m) {
    s[m] = gamma->floats()[m] / std::sqrt(var->floats()[m] + eps);
    t[m] = beta->floats()[m] - mean->floats()[m] * s[m];
  }
  return success();
}

/// batch_norm(anchor(...)) with constant statistics.
struct FoldBatchNorm : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormOp bn,
                                PatternRewriter &rewriter) const override {
    std::optional<Anchor> a = Anchor::of(bn.getInput().getDefiningOp());
    if (!a)
      return rewriter.notifyMatchFailure(bn, "no foldable anchor before it");
    if (a->axis != 1)
      return rewriter.notifyMatchFailure(bn, "channels are not the anchor's");
    if (!a->hasBias())
      return rewriter.notifyMatchFailure(bn, "the anchor has no bias");
    std::vector<double> s, t;
    if (failed(batchNormAffine(bn, a->channels, s, t, rewriter)))
      return failure();
    if (!a->scalesSafely(s))
      return rewriter.notifyMatchFailure(bn, "the scaled weights leave the type's normal range");
    Value folded = a->rebuild(rewriter, s, t,
                              fuseLocs(rewriter, {a->op->getLoc(), bn.getLoc()}));
    rewriter.replaceOp(bn, folded);
    eraseWithWeights(rewriter, a->op);
    return success();
  }
};

/// batch_norm with constant statistics that no anchor takes (pre-activation
/// networks: BN -> ReLU -> conv) as x * s + t with per-channel constants:
/// ordinary elementwise ops, which fuse with their neighbours, take the
/// model's precision (the op itself stays f32 in fp16 models: casts around
/// it) and fold into an anchor later if one appears.
struct BatchNormToAffine : OpRewritePattern<BatchNormOp> {
  BatchNormToAffine(MLIRContext *ctx)
      : OpRewritePattern(ctx, /*benefit=*/0) {} // after FoldBatchNorm
  LogicalResult matchAndRewrite(BatchNormOp bn,
                                PatternRewriter &rewriter) const override {
    RankedTensorType xt = typeOf(bn.getInput());
    if (xt.getRank() < 2 || ShapedType::isDynamic(xt.getDimSize(1)) ||
        xt != typeOf(bn.getOutput()))
      return rewriter.notifyMatchFailure(bn, "not an N x C x ... tensor");
    int64_t channels = xt.getDimSize(1);
    std::vector<double> scale, shift;
    if (failed(batchNormAffine(bn, channels, scale, shift, rewriter)))
      return failure();
    // [C, 1, ...]: broadcast along the channel axis.
    SmallVector<int64_t> shape{channels};
    shape.append(xt.getRank() - 2, 1);
    auto ct = RankedTensorType::get(shape, xt.getElementType());
    ConstantBuilder s(ct), t(ct);
    for (int64_t c = 0; c < channels; ++c) {
      s.setDouble(c, scale[c]);
      t.setDouble(c, shift[c]);
    }
    Location loc = bn.getLoc();
    Value sv = ConstantOp::create(rewriter, loc, s.finish("bn_scale"));
    Value tv = ConstantOp::create(rewriter, loc, t.finish("bn_shift"));
    Value y = BinaryOp::create(rewriter, loc, xt, BinaryKind::mul, bn.getInput(), sv);
    y = BinaryOp::create(rewriter, loc, xt, BinaryKind::add, y, tv);
    SmallVector<Value> stats{bn.getScale(), bn.getBias(), bn.getMean(),
                             bn.getVariance()};
    rewriter.replaceOp(bn, y);
    for (Value v : stats)
      eraseDeadConstant(rewriter, v);
    return success();
  }
};

/// mul / add / sub of anchor(...) and a per-channel constant.
struct FoldAffine : OpRewritePattern<BinaryOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BinaryOp op,
                                PatternRewriter &rewriter) const override {
    BinaryKind kind = op.getKind();
    if (kind != BinaryKind::mul && kind != BinaryKind::add &&
        kind != BinaryKind::sub && kind != BinaryKind::div)
      return rewriter.notifyMatchFailure(op, "not an affine function");
    // The anchor operand; sub and div only fold with it on the left.
    Value y = op.getLhs(), c = op.getRhs();
    std::optional<Anchor> a = Anchor::of(y.getDefiningOp());
    if (!a && (kind == BinaryKind::mul || kind == BinaryKind::add)) {
      std::swap(y, c);
      a = Anchor::of(y.getDefiningOp());
    }
    if (!a)
      return rewriter.notifyMatchFailure(op, "no foldable anchor operand");
    if (op.getOutput().getType() != y.getType())
      return rewriter.notifyMatchFailure(op, "the constant broadcasts the result");
    std::optional<std::vector<double>> v = a->perChannel(c);
    if (!v)
      return rewriter.notifyMatchFailure(op, "not one constant per channel");
    std::vector<double> s, t;
    if (kind == BinaryKind::mul || kind == BinaryKind::div) {
      s = *v;
      if (kind == BinaryKind::div)
        for (double &x : s) {
          if (x == 0)
            return rewriter.notifyMatchFailure(op, "division by zero");
          x = 1.0 / x;
        }
    } else {
      if (!a->hasBias())
        return rewriter.notifyMatchFailure(op, "the anchor has no bias");
      t = *v;
      if (kind == BinaryKind::sub)
        for (double &x : t)
          x = -x;
    }
    if (!a->scalesSafely(s))
      return rewriter.notifyMatchFailure(op, "the scaled weights leave the type's normal range");
    Value folded = a->rebuild(rewriter, s, t,
                              fuseLocs(rewriter, {a->op->getLoc(), op.getLoc()}));
    rewriter.replaceOp(op, folded);
    eraseWithWeights(rewriter, a->op);
    return success();
  }
};

/// mul(add(anchor(...), c1), c2) with per-channel constants ->
/// add(mul(anchor(...), c2), c1 * c2), whose mul then folds into the
/// weights (a layer scale after a product whose bias could not fold: a
/// matmul of rank > 2).
struct ScaleThroughShift : OpRewritePattern<BinaryOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BinaryOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getKind() != BinaryKind::mul)
      return rewriter.notifyMatchFailure(op, "not a scale");
    for (int side = 0; side < 2; ++side) {
      Value inner = side ? op.getRhs() : op.getLhs();
      Value c2 = side ? op.getLhs() : op.getRhs();
      auto add = inner.getDefiningOp<BinaryOp>();
      if (!add || add.getKind() != BinaryKind::add || !inner.hasOneUse() ||
          op.getOutput().getType() != inner.getType())
        continue;
      Value y = add.getLhs(), c1 = add.getRhs();
      std::optional<Anchor> a = Anchor::of(y.getDefiningOp());
      if (!a) {
        std::swap(y, c1);
        a = Anchor::of(y.getDefiningOp());
      }
      if (!a || add.getOutput().getType() != y.getType())
        continue;
      std::optional<std::vector<double>> shift = a->perChannel(c1),
                                         scale = a->perChannel(c2);
      if (!shift || !scale || !a->scalesSafely(*scale))
        continue;
      // The new shift: [C, 1, ...] broadcasting along the anchor's axis.
      RankedTensorType yt = typeOf(y);
      SmallVector<int64_t> shape{a->channels};
      shape.append(yt.getRank() - 1 - a->axis, 1);
      ConstantBuilder t(RankedTensorType::get(shape, yt.getElementType()));
      for (int64_t m = 0; m < a->channels; ++m)
        t.setDouble(m, (*shift)[m] * (*scale)[m]);
      Location loc = op.getLoc();
      Value tv = ConstantOp::create(rewriter, loc, t.finish("scaled_shift"));
      Value scaled = BinaryOp::create(rewriter, loc, yt, BinaryKind::mul, y, c2);
      rewriter.replaceOpWithNewOp<BinaryOp>(op, yt, BinaryKind::add, scaled, tv);
      return success();
    }
    return rewriter.notifyMatchFailure(op, "not a scale of an anchor's shift");
  }
};

struct FoldIntoWeightsPass
    : infer::impl::InferFoldIntoWeightsBase<FoldIntoWeightsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFoldIntoWeightsPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void mlir::infer::populateFoldIntoWeightsPatterns(RewritePatternSet &patterns) {
  patterns.add<FoldBatchNorm, FoldAffine, BatchNormToAffine, ScaleThroughShift>(
      patterns.getContext());
}
