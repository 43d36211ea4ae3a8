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

/// The elements of `v` when an infer.constant defines it.
std::optional<ConstantView> constantOf(Value v) {
  auto constant = v ? v.getDefiningOp<ConstantOp>() : ConstantOp();
  return constant ? ConstantView::get(constant.getValue()) : std::nullopt;
}

struct ConvTransposeAsConv : OpRewritePattern<ConvTransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConvTransposeOp op,
                                PatternRewriter &rewriter) const override {
    RankedTensorType xt = tensorOf(op.getInput()), wt = tensorOf(op.getWeight()),
                     yt = tensorOf(op.getOutput());
    std::optional<ConstantView> w = constantOf(op.getWeight());
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

/// A transposed convolution whose stride equals its kernel (no padding,
/// no output padding, one group: the 2x upsampling of U-Nets and text
/// detectors) writes disjoint s0 x s1 blocks: a 1x1 convolution to M * s0
/// * s1 channels followed by moving each channel's block into place (a
/// reshape, a transpose and a reshape). No multiply-add of a zero, where
/// the zero-upsampled convolution does s0 * s1 times the work.
struct ConvTransposeAsPixelShuffle : OpRewritePattern<ConvTransposeOp> {
  ConvTransposeAsPixelShuffle(MLIRContext *ctx)
      : OpRewritePattern(ctx, /*benefit=*/2) {}
  LogicalResult matchAndRewrite(ConvTransposeOp op,
                                PatternRewriter &rewriter) const override {
    RankedTensorType xt = tensorOf(op.getInput()), wt = tensorOf(op.getWeight()),
                     yt = tensorOf(op.getOutput());
    std::optional<ConstantView> w = constantOf(op.getWeight()), b = constantOf(op.getBias());
    if (xt.getRank() != 4 || !xt.hasStaticShape() || !wt.hasStaticShape() ||
        !llvm::isa<FloatType>(xt.getElementType()) || !w || (op.getBias() && !b))
      return rewriter.notifyMatchFailure(op, "not a static 2-D transposed convolution "
                                             "of constant weight and bias");
    ArrayRef<int64_t> x = xt.getShape(), k = wt.getShape(), s = op.getStrides();
    auto zero = [](ArrayRef<int64_t> v) { return llvm::all_of(v, [](int64_t q) { return q == 0; }); };
    if (op.getGroup() != 1 || s[0] != k[2] || s[1] != k[3] || !zero(op.getPads()) ||
        !zero(op.getOutputPadding()) ||
        !llvm::all_of(op.getDilations(), [](int64_t q) { return q == 1; }))
      return rewriter.notifyMatchFailure(op, "stride differs from the kernel, or padding, "
                                             "dilation or groups");
    int64_t c = x[1], m = k[1], s0 = s[0], s1 = s[1], blocks = m * s0 * s1;
    // Weight [C, M, s0, s1] -> [M * s0 * s1, C, 1, 1]; the bias repeated
    // over each block.
    ConstantBuilder wb(wt.clone({blocks, c, 1, 1}));
    for (int64_t ci = 0; ci < c; ++ci)
      for (int64_t o = 0; o < blocks; ++o)
        wb.setDouble(o * c + ci, w->getDouble(ci * blocks + o));
    Location loc = op.getLoc();
    Value weight = ConstantOp::create(rewriter, loc, wb.finish("conv_transpose_weight"));
    Value bias;
    if (b) {
      ConstantBuilder bb(RankedTensorType::get({blocks}, b->getType().getElementType()));
      for (int64_t o = 0; o < blocks; ++o)
        bb.setDouble(o, b->getDouble(o / (s0 * s1)));
      bias = ConstantOp::create(rewriter, loc, bb.finish("conv_transpose_bias"));
    }
    Value conv = ConvOp::create(rewriter, loc, xt.clone({x[0], blocks, x[2], x[3]}),
                                op.getInput(), weight, bias, ArrayRef<int64_t>{1, 1},
                                ArrayRef<int64_t>{0, 0, 0, 0}, ArrayRef<int64_t>{1, 1}, 1,
                                /*channels_last=*/false);
    Value blocks6 = ReshapeOp::create(rewriter, loc,
                                      xt.clone({x[0], m, s0, s1, x[2], x[3]}), conv);
    Value placed = TransposeOp::create(rewriter, loc,
                                       xt.clone({x[0], m, x[2], s0, x[3], s1}), blocks6,
                                       ArrayRef<int64_t>{0, 1, 4, 2, 5, 3});
    rewriter.replaceOpWithNewOp<ReshapeOp>(op, yt, placed);
    return success();
  }
};

struct ConvTransposeToConvPass
    : infer::impl::InferConvTransposeToConvBase<ConvTransposeToConvPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ConvTransposeAsConv, ConvTransposeAsPixelShuffle>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
