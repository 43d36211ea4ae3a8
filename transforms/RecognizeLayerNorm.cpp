//===- RecognizeLayerNorm.cpp - Layer normalization from its parts --------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Below opset 17 PyTorch exports LayerNorm as ReduceMean, Sub, Pow,
// ReduceMean, Add, Sqrt, Div, Mul, Add: nine kernels and four passes over
// the activation where one row-wise kernel does.
//
//===----------------------------------------------------------------------===//

#include "transforms/Passes.h"
#include "transforms/ConstantValues.h"

#include "ir/ShapeInference.h"
#include "reference/Tensor.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <optional>

namespace mlir::infer {
#define GEN_PASS_DEF_INFERRECOGNIZELAYERNORM
#include "transforms/Passes.h.inc"
} // namespace mlir::infer

using namespace mlir;
using namespace mlir::infer;

namespace {
/// A keep-dims mean over the trailing axes of its input: returns the first
/// reduced axis.
std::optional<int64_t> trailingMean(ReduceOp r) {
  if (!r || r.getKind() != ReduceKind::mean || !r.getKeepDims())
    return std::nullopt;
  int64_t rank = r.getInput().getType().getRank();
  SmallVector<int64_t> axes(r.getAxes());
  llvm::sort(axes);
  if (axes.empty() || axes.back() != rank - 1)
    return std::nullopt;
  for (size_t i = 1; i < axes.size(); ++i)
    if (axes[i] != axes[i - 1] + 1)
      return std::nullopt;
  return axes.front();
}

/// A constant that broadcasts to the normalized shape (`input`'s dimensions
/// from `axis` on) without growing the result.
bool isAffineParameter(Value c, Value input, int64_t axis) {
  if (!c.getDefiningOp<ConstantOp>())
    return false;
  ArrayRef<int64_t> shape = llvm::cast<RankedTensorType>(c.getType()).getShape();
  ArrayRef<int64_t> in = llvm::cast<RankedTensorType>(input.getType()).getShape();
  ArrayRef<int64_t> normalized = in.drop_front(axis);
  // Leading dimensions beyond the normalized ones must be 1.
  size_t extra = shape.size() > normalized.size() ? shape.size() - normalized.size() : 0;
  for (size_t i = 0; i < extra; ++i)
    if (shape[i] != 1)
      return false;
  return isBroadcastableTo(shape.drop_front(extra), normalized);
}

struct RecognizeLayerNorm : OpRewritePattern<BinaryOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(BinaryOp div,
                                PatternRewriter &rewriter) const override {
    if (div.getKind() != BinaryKind::div)
      return rewriter.notifyMatchFailure(div, "not a division");
    Value d = div.getLhs();
    auto sub = d.getDefiningOp<BinaryOp>();
    if (!sub || sub.getKind() != BinaryKind::sub)
      return rewriter.notifyMatchFailure(div, "numerator is not x - mean");
    Value x = sub.getLhs();
    auto mean = sub.getRhs().getDefiningOp<ReduceOp>();
    std::optional<int64_t> axis = trailingMean(mean);
    if (!axis || mean.getInput() != x || !sub.getRhs().hasOneUse())
      return rewriter.notifyMatchFailure(div, "not a mean over trailing axes");
    if (d.getType() != x.getType() || div.getOutput().getType() != x.getType())
      return rewriter.notifyMatchFailure(div, "broadcasts the input");
    // The denominator: sqrt(mean((x - mean)^2) + eps).
    auto sqrt = div.getRhs().getDefiningOp<UnaryOp>();
    if (!sqrt || sqrt.getKind() != UnaryKind::sqrt || !div.getRhs().hasOneUse())
      return rewriter.notifyMatchFailure(div, "denominator is not a sqrt");
    auto add = sqrt.getInput().getDefiningOp<BinaryOp>();
    if (!add || add.getKind() != BinaryKind::add || !sqrt.getInput().hasOneUse())
      return rewriter.notifyMatchFailure(div, "no variance + epsilon");
    Value var = add.getLhs();
    std::optional<double> eps = scalarConstant(add.getRhs());
    if (!eps) {
      var = add.getRhs();
      eps = scalarConstant(add.getLhs());
    }
    auto varMean = var.getDefiningOp<ReduceOp>();
    if (!eps || !var.hasOneUse() || trailingMean(varMean) != axis ||
        SmallVector<int64_t>(varMean.getAxes()).size() !=
            SmallVector<int64_t>(mean.getAxes()).size())
      return rewriter.notifyMatchFailure(div, "no variance over the same axes");
    Value sq = varMean.getInput();
    auto square = sq.getDefiningOp<BinaryOp>();
    bool isSquare =
        square && sq.hasOneUse() &&
        ((square.getKind() == BinaryKind::pow && square.getLhs() == d &&
          scalarConstant(square.getRhs()) == 2.0) ||
         (square.getKind() == BinaryKind::mul && square.getLhs() == d &&
          square.getRhs() == d));
    if (!isSquare)
      return rewriter.notifyMatchFailure(div, "no square of x - mean");
    // x - mean feeds only the division and the square.
    for (Operation *user : d.getUsers())
      if (user != div && user != square)
        return rewriter.notifyMatchFailure(div, "x - mean has another user");

    // The optional affine parameters.
    SmallVector<Location> locs{mean.getLoc(), sub.getLoc(), square.getLoc(),
                               varMean.getLoc(), add.getLoc(), sqrt.getLoc(),
                               div.getLoc()};
    Operation *last = div;
    Value gamma, beta;
    Value result = div.getOutput();
    if (result.hasOneUse()) {
      auto mul = llvm::dyn_cast<BinaryOp>(*result.getUsers().begin());
      if (mul && mul.getKind() == BinaryKind::mul &&
          mul.getOutput().getType() == x.getType()) {
        Value g = mul.getLhs() == result ? mul.getRhs() : mul.getLhs();
        if (isAffineParameter(g, x, *axis)) {
          gamma = g;
          last = mul;
          locs.push_back(mul.getLoc());
          result = mul.getOutput();
        }
      }
    }
    if (gamma && result.hasOneUse()) {
      auto addB = llvm::dyn_cast<BinaryOp>(*result.getUsers().begin());
      if (addB && addB.getKind() == BinaryKind::add &&
          addB.getOutput().getType() == x.getType()) {
        Value b = addB.getLhs() == result ? addB.getRhs() : addB.getLhs();
        if (isAffineParameter(b, x, *axis)) {
          beta = b;
          last = addB;
          locs.push_back(addB.getLoc());
        }
      }
    }
    // Scale and bias as constants of the normalized shape.
    auto xt = llvm::cast<RankedTensorType>(x.getType());
    SmallVector<int64_t> normalized(xt.getShape().drop_front(*axis));
    auto param = [&](Value v, double fill) -> Value {
      reference::Tensor t(xt.getElementType(), normalized);
      if (v) {
        FailureOr<reference::Tensor> src = reference::Tensor::fromAttr(
            v.getDefiningOp<ConstantOp>().getValue());
        if (failed(src))
          return Value();
        ArrayRef<int64_t> s = src->getShape();
        size_t extra = s.size() > normalized.size() ? s.size() - normalized.size() : 0;
        reference::Tensor flat = src->reshaped(s.drop_front(extra));
        for (int64_t i = 0; i < t.size(); ++i) {
          // Broadcast index into `flat`.
          int64_t rem = i, off = 0, stride = 1;
          SmallVector<int64_t> pos(normalized.size());
          for (int64_t k = normalized.size() - 1; k >= 0; --k) {
            pos[k] = rem % normalized[k];
            rem /= normalized[k];
          }
          ArrayRef<int64_t> fs = flat.getShape();
          int64_t lead = normalized.size() - fs.size();
          for (int64_t k = fs.size() - 1; k >= 0; --k) {
            off += (fs[k] == 1 ? 0 : pos[lead + k]) * stride;
            stride *= fs[k];
          }
          t.setDouble(i, flat.floats()[off]);
        }
      } else {
        for (int64_t i = 0; i < t.size(); ++i)
          t.setDouble(i, fill);
      }
      return ConstantOp::create(rewriter, div.getLoc(), t.toAttr("layer_norm"));
    };
    rewriter.setInsertionPoint(last);
    Value scale = param(gamma, 1.0);
    Value bias = beta ? param(beta, 0.0) : Value();
    if (!scale || (beta && !bias))
      return rewriter.notifyMatchFailure(div, "unreadable parameters");
    auto ln = LayerNormOp::create(
        rewriter, FusedLoc::get(getContext(), locs), xt, x, scale, bias, *axis,
        llvm::APFloat(static_cast<float>(*eps)));
    rewriter.replaceOp(last, ln.getOutput());
    return success();
  }
};

struct RecognizeLayerNormPass
    : infer::impl::InferRecognizeLayerNormBase<RecognizeLayerNormPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateRecognizeLayerNormPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void mlir::infer::populateRecognizeLayerNormPatterns(RewritePatternSet &patterns) {
  patterns.add<RecognizeLayerNorm>(patterns.getContext());
}
