//===- RecognizeAttention.cpp - Scaled dot-product attention ---------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Exported attention is MatMul(Q, Kᵀ), a scale, an optional mask, Softmax
// and MatMul(V): four kernels and two round trips of the [L, L] scores
// through memory. As one op, a backend computes it row block by row block
// (the GPU backend as flash attention).
//
//===----------------------------------------------------------------------===//

#include "transforms/Passes.h"
#include "transforms/ConstantValues.h"

#include "ir/ShapeInference.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <optional>

namespace mlir::infer {
#define GEN_PASS_DEF_INFERRECOGNIZEATTENTION
#include "transforms/Passes.h.inc"
} // namespace mlir::infer

using namespace mlir;
using namespace mlir::infer;

namespace {
/// Strips single-use multiplications and divisions by scalar constants off
/// `v`, multiplying their factor into `scale`.
Value stripScale(Value v, double &scale, SmallVectorImpl<Location> &locs) {
  while (auto bin = v.getDefiningOp<BinaryOp>()) {
    if (!v.hasOneUse() || bin.getOutput().getType() != bin.getLhs().getType())
      break;
    std::optional<double> k;
    if (bin.getKind() == BinaryKind::mul || bin.getKind() == BinaryKind::div)
      k = scalarConstant(bin.getRhs());
    if (!k && bin.getKind() == BinaryKind::mul &&
        bin.getOutput().getType() == bin.getRhs().getType()) {
      k = scalarConstant(bin.getLhs());
      if (k) {
        scale *= *k;
        locs.push_back(bin.getLoc());
        v = bin.getRhs();
        continue;
      }
    }
    if (!k || (bin.getKind() == BinaryKind::div && *k == 0))
      break;
    scale = bin.getKind() == BinaryKind::mul ? scale * *k : scale / *k;
    locs.push_back(bin.getLoc());
    v = bin.getLhs();
  }
  return v;
}

bool swapsLastTwo(TransposeOp t) {
  ArrayRef<int64_t> perm = t.getPerm();
  int64_t r = perm.size();
  if (r < 2 || perm[r - 1] != r - 2 || perm[r - 2] != r - 1)
    return false;
  for (int64_t i = 0; i < r - 2; ++i)
    if (perm[i] != i)
      return false;
  return true;
}

struct RecognizeAttention : OpRewritePattern<MatMulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(MatMulOp pv,
                                PatternRewriter &rewriter) const override {
    auto softmax = pv.getLhs().getDefiningOp<SoftmaxOp>();
    if (!softmax || !pv.getLhs().hasOneUse())
      return rewriter.notifyMatchFailure(pv, "lhs is not a softmax");
    int64_t rank = softmax.getInput().getType().getRank();
    if (softmax.getAxis() != rank - 1 || rank < 2)
      return rewriter.notifyMatchFailure(pv, "softmax is not over the last axis");
    SmallVector<Location> locs{pv.getLoc(), softmax.getLoc()};
    double scale = 1.0;
    Value s = stripScale(softmax.getInput(), scale, locs);
    // An additive mask.
    Value mask;
    if (auto add = s.getDefiningOp<BinaryOp>()) {
      if (add.getKind() == BinaryKind::add && s.hasOneUse()) {
        for (auto [scores, m] : {std::pair(add.getLhs(), add.getRhs()),
                                 std::pair(add.getRhs(), add.getLhs())}) {
          if (scores.getType() != add.getOutput().getType())
            continue;
          double sc = scale;
          SmallVector<Location> l = locs;
          l.push_back(add.getLoc());
          Value inner = stripScale(scores, sc, l);
          if (inner.getDefiningOp<MatMulOp>()) {
            mask = m;
            scale = sc;
            locs = l;
            s = inner;
            break;
          }
        }
      }
    }
    auto qk = s.getDefiningOp<MatMulOp>();
    if (!qk || !s.hasOneUse())
      return rewriter.notifyMatchFailure(pv, "scores are not a matmul");
    locs.push_back(qk.getLoc());
    Value q = stripScale(qk.getLhs(), scale, locs);
    Value kT = qk.getRhs();
    Value v = pv.getRhs();
    auto qt = llvm::cast<RankedTensorType>(q.getType());
    auto kTt = llvm::cast<RankedTensorType>(kT.getType());
    auto vt = llvm::cast<RankedTensorType>(v.getType());
    if (qt.getRank() != rank || kTt.getRank() != rank || vt.getRank() != rank ||
        !qt.hasStaticShape() || !kTt.hasStaticShape() || !vt.hasStaticShape())
      return rewriter.notifyMatchFailure(pv, "q, kᵀ and v differ in rank");
    if (qt.getShape().drop_back(2) != kTt.getShape().drop_back(2) ||
        qt.getShape().drop_back(2) != vt.getShape().drop_back(2))
      return rewriter.notifyMatchFailure(pv, "batch dimensions broadcast");
    if (mask && mask.getType() != qk.getOutput().getType() &&
        !isBroadcastableTo(llvm::cast<RankedTensorType>(mask.getType()).getShape(),
                           qk.getOutput().getType().getShape()))
      return rewriter.notifyMatchFailure(pv, "mask does not broadcast");
    // K itself: look through a transpose of the last two dimensions.
    rewriter.setInsertionPoint(pv);
    Value k;
    auto t = kT.getDefiningOp<TransposeOp>();
    if (t && swapsLastTwo(t)) {
      k = t.getInput();
    } else {
      SmallVector<int64_t> perm;
      for (int64_t i = 0; i < rank; ++i)
        perm.push_back(i);
      std::swap(perm[rank - 1], perm[rank - 2]);
      SmallVector<int64_t> shape(kTt.getShape());
      std::swap(shape[rank - 1], shape[rank - 2]);
      k = TransposeOp::create(rewriter, qk.getLoc(), kTt.clone(shape), kT, perm);
    }
    auto attn = AttentionOp::create(
        rewriter, FusedLoc::get(getContext(), locs), pv.getOutput().getType(), q,
        k, v, mask, llvm::APFloat(static_cast<float>(scale)));
    rewriter.replaceOp(pv, attn.getOutput());
    return success();
  }
};

struct RecognizeAttentionPass
    : infer::impl::InferRecognizeAttentionBase<RecognizeAttentionPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateRecognizeAttentionPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void mlir::infer::populateRecognizeAttentionPatterns(RewritePatternSet &patterns) {
  patterns.add<RecognizeAttention>(patterns.getContext());
}
