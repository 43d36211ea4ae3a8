//===- ConvTransposeToConv.cpp - Transposed convolutions as convolutions --===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "transforms/Passes.h"

#include "ir/ConstantView.h"
#include "ir/InferOps.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::infer {
#define GEN_PASS_DEF_INFERCONVTRANSPOSETOCONV
#include "transforms/Passes.h.inc"
} // namespace mlir::infer

using namespace mlir;
using namespace mlir::infer;

namespace {
RankedTensorType tensorOf(Value v) {
  return llvm::cast<RankedTensorType>(v.getType());
}

struct ConvTransposeAsConv : OpRewritePattern<ConvTransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConvTransposeOp op,
                                PatternRewriter &rewriter) const override {
    RankedTensorType xt = tensorOf(op.getInput()), wt = tensorOf(op.getWeight()),
                     yt = tensorOf(op.getOutput());
    auto constant = op.getWeight().getDefiningOp<ConstantOp>();
    std::optional<ConstantView> w =
        constant ? ConstantView::get(constant.getValue()) : std::nullopt;
    if (xt.getRank() != 4 || !xt.hasStaticShape() || !yt.hasStaticShape() ||
        !wt.hasStaticShape() || !llvm::isa<FloatType>(xt.getElementType()) || !w)
      return rewriter.notifyMatchFailure(op, "not a static 2-D transposed "
                                             "convolution of a constant weight");
    ArrayRef<int64_t> x = xt.getShape(), k = wt.getShape();
    ArrayRef<int64_t> s = op.getStrides(), d = op.getDilations(),
                      p = op.getPads(), o = op.getOutputPadding();
    int64_t g = op.getGroup(), c = x[1], cg = c / g, mg = k[1], m = mg * g;
    // Padding of the zero-upsampled input (which ends in s - 1 zeros).
    SmallVector<int64_t> begin, end;
    for (int i = 0; i < 2; ++i) {
      begin.push_back(d[i] * (k[2 + i] - 1) - p[i]);
      end.push_back(d[i] * (k[2 + i] - 1) - p[2 + i] + o[i] - (s[i] - 1));
    }
    Location loc = op.getLoc();
    Value v = op.getInput();
    if (s[0] > 1 || s[1] > 1) {
      Value v6 = ReshapeOp::create(
          rewriter, loc, xt.clone({x[0], c, x[2], 1, x[3], 1}), v);
      Value up = PadOp::create(
          rewriter, loc, xt.clone({x[0], c, x[2], s[0], x[3], s[1]}),
          PadMode::constant, v6,
          ArrayRef<int64_t>{0, 0, 0, 0, 0, 0, 0, 0, 0, s[0] - 1, 0, s[1] - 1},
          APFloat(0.0));
      v = ReshapeOp::create(rewriter, loc, xt.clone({x[0], c, x[2] * s[0], x[3] * s[1]}),
                            up);
    }
    SmallVector<int64_t> convPads{begin[0], begin[1], end[0], end[1]};
    if (llvm::any_of(convPads, [](int64_t q) { return q < 0; })) {
      // Negative padding crops: one pad op, the convolution unpadded.
      RankedTensorType vt = tensorOf(v);
      v = PadOp::create(rewriter, loc,
                        vt.clone({x[0], c, vt.getDimSize(2) + begin[0] + end[0],
                                  vt.getDimSize(3) + begin[1] + end[1]}),
                        PadMode::constant, v,
                        ArrayRef<int64_t>{0, 0, begin[0], begin[1], 0, 0, end[0], end[1]},
                        APFloat(0.0));
      convPads.assign(4, 0);
    }
    // Weight [C, M/g, kh, kw] -> [M, C/g, kh, kw], window flipped.
    RankedTensorType nt = wt.clone({m, cg, k[2], k[3]});
    ConstantBuilder nb(nt);
    for (int64_t gi = 0; gi < g; ++gi)
      for (int64_t mi = 0; mi < mg; ++mi)
        for (int64_t ci = 0; ci < cg; ++ci)
          for (int64_t i = 0; i < k[2]; ++i)
            for (int64_t j = 0; j < k[3]; ++j)
              nb.setDouble(
                  (((gi * mg + mi) * cg + ci) * k[2] + i) * k[3] + j,
                  w->getDouble((((gi * cg + ci) * mg + mi) * k[2] + (k[2] - 1 - i)) *
                                   k[3] +
                               (k[3] - 1 - j)));
    Value weight = ConstantOp::create(rewriter, loc, nb.finish("conv_transpose_weight"));
    rewriter.replaceOpWithNewOp<ConvOp>(op, yt, v, weight, op.getBias(),
                                        ArrayRef<int64_t>{1, 1}, convPads, d, g,
                                        /*channels_last=*/false);
    return success();
  }
};

struct ConvTransposeToConvPass
    : infer::impl::InferConvTransposeToConvBase<ConvTransposeToConvPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ConvTransposeAsConv>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
