//===- ConvToGemm.cpp - Convolutions as NHWC matrix products --------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// A convolution in NHWC is a matrix product: rows are output pixels, the
// reduction runs over (kernel row, kernel column, channel), and a 1x1
// convolution needs no data movement at all. On a GPU whose fastest kernel
// is a tensor-core GEMM this beats any direct convolution. The rewrite is
// made of existing ops, so every step shows in infer-opt output and the
// weight reordering folds at compile time.
//
//===----------------------------------------------------------------------===//

#include "transforms/Passes.h"

#include "ir/ConstantView.h"
#include "ir/QuantUtils.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cstring>

namespace mlir::infer {
#define GEN_PASS_DEF_INFERCONVTOGEMM
#include "transforms/Passes.h.inc"
} // namespace mlir::infer

using namespace mlir;
using namespace mlir::infer;

namespace {
RankedTensorType typeOf(Value v) {
  return llvm::cast<RankedTensorType>(v.getType());
}

/// A grouped convolution with at least 4 channels per group and at most
/// 64 groups runs as a dense one with a block-diagonal weight: tensor
/// cores do `group` times its work and still beat CUDA cores by far
/// (RegNetY-400MF's 8-channel groups at batch 32: 2.3 ms as direct
/// channels-last convolutions). Depthwise convolutions keep their own
/// kernel.
bool blockDiagonal(ConvOp op) {
  ArrayRef<int64_t> w = typeOf(op.getWeight()).getShape();
  return op.getGroup() > 1 && op.getGroup() <= 64 && w.size() == 4 && w[1] >= 4;
}

/// The weight [M, C/G, kh, kw] of a grouped convolution as the dense
/// [M, C, kh, kw] one: zero outside each output channel's group.
FailureOr<Value> denseWeight(PatternRewriter &rewriter, ConvOp op) {
  auto constant = op.getWeight().getDefiningOp<ConstantOp>();
  std::optional<ConstantView> view = ConstantView::get(constant.getValue());
  RankedTensorType wt = typeOf(op.getWeight());
  ArrayRef<int64_t> w = wt.getShape();
  int64_t group = op.getGroup(), cg = w[1], m = w[0], taps = w[2] * w[3];
  unsigned eb = wt.getElementType().getIntOrFloatBitWidth() / 8;
  if (!view || view->size() != wt.getNumElements())
    return failure();
  std::vector<char> storage;
  ArrayRef<char> bytes = view->allBytes(storage);
  if (static_cast<int64_t>(bytes.size()) != wt.getNumElements() * eb)
    return failure();
  auto dense = wt.clone({m, cg * group, w[2], w[3]});
  ConstantBuilder out(dense);
  MutableArrayRef<char> dst = out.bytes();
  std::memset(dst.data(), 0, dst.size());
  int64_t mg = m / group;
  for (int64_t oc = 0; oc < m; ++oc) {
    int64_t first = (oc / mg) * cg; // the group's first input channel
    std::memcpy(&dst[((oc * cg * group + first) * taps) * eb],
                &bytes[(oc * cg * taps) * eb], cg * taps * eb);
  }
  return ConstantOp::create(rewriter, op.getLoc(), out.finish("block_diagonal_weight"))
      .getResult();
}

struct ConvToMatMul : OpRewritePattern<ConvOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConvOp op,
                                PatternRewriter &rewriter) const override {
    RankedTensorType xt = typeOf(op.getInput()), wt = typeOf(op.getWeight()),
                     yt = typeOf(op.getOutput());
    Type et = xt.getElementType();
    // An input dequantized from int8 (infer-quantize or an exported Q/DQ
    // pair, zero point 0) becomes an int8 product (infer-fold-qdq): its
    // rows and pixels are laid out in bytes of int8.
    auto dq = op.getInput().getDefiningOp<DequantizeOp>();
    // (fp8 likewise: bytes of f8E4M3FN.)
    bool int8 = dq && symmetric8(dq.getInput().getType(), dq.getScaleAttr());
    // f32 where the module lets products run as TF32 (`infer.tf32`) or in
    // int8.
    bool tf32 = et.isF32() && InferDialect::allowsTf32(op);
    if (!(et.isF16() || et.isBF16() || tf32 || (int8 && et.isF32())) ||
        wt.getElementType() != et || yt.getElementType() != et)
      return rewriter.notifyMatchFailure(
          op, "not a 16-bit float convolution, nor f32 with infer.tf32 or an int8 input");
    if (xt.getRank() != 4 || !xt.hasStaticShape() || !wt.hasStaticShape() ||
        !yt.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "not 2-D with static shapes");
    if (op.getChannelsLast())
      return rewriter.notifyMatchFailure(op, "already channels-last");
    if (op.getGroup() != 1 && !blockDiagonal(op))
      return rewriter.notifyMatchFailure(op, "grouped convolution");
    if (!op.getWeight().getDefiningOp<ConstantOp>())
      return rewriter.notifyMatchFailure(op, "the weight is not constant");
    if (op.getBias() && typeOf(op.getBias()).getElementType() != et)
      return rewriter.notifyMatchFailure(op, "bias of another type");
    if (xt.getNumElements() >= (int64_t(1) << 31))
      return rewriter.notifyMatchFailure(op, "image too large for 32-bit rows");

    Location loc = op.getLoc();
    Value denseW = op.getWeight();
    if (op.getGroup() != 1) {
      FailureOr<Value> d = denseWeight(rewriter, op);
      if (failed(d))
        return rewriter.notifyMatchFailure(op, "an unreadable weight");
      denseW = *d;
      wt = typeOf(denseW);
    }
    int64_t n = xt.getDimSize(0), c = xt.getDimSize(1), h = xt.getDimSize(2),
            w = xt.getDimSize(3);
    int64_t m = wt.getDimSize(0), kh = wt.getDimSize(2), kw = wt.getDimSize(3);
    int64_t ho = yt.getDimSize(2), wo = yt.getDimSize(3);
    ArrayRef<int64_t> st = op.getStrides(), pads = op.getPads(),
                      dil = op.getDilations();
    int64_t eb = int8 ? 1 : et.getIntOrFloatBitWidth() / 8;
    // Channels padded so that a row of the im2col matrix is a multiple of
    // 16 bytes (the TMA row pitch): 8 16-bit elements, 4 f32 ones, 16 int8.
    int64_t rowElems = 16 / eb;
    int64_t cp = c;
    while ((kh * kw * cp) % rowElems != 0)
      ++cp;
    int64_t k = kh * kw * cp;
    // Padded channels are there before the transpose: a pointwise
    // convolution needs no gather either way.
    bool pointwise = kh == 1 && kw == 1 && st[0] == 1 && st[1] == 1 &&
                     llvm::all_of(pads, [](int64_t p) { return p == 0; });

    auto transpose = [&](Value v, ArrayRef<int64_t> perm) -> Value {
      ArrayRef<int64_t> s = typeOf(v).getShape();
      SmallVector<int64_t> shape;
      for (int64_t p : perm)
        shape.push_back(s[p]);
      return TransposeOp::create(rewriter, loc, typeOf(v).clone(shape), v, perm);
    };
    auto reshape = [&](Value v, ArrayRef<int64_t> shape) -> Value {
      return ReshapeOp::create(rewriter, loc, typeOf(v).clone(shape), v);
    };
    auto pad = [&](Value v, ArrayRef<int64_t> p) -> Value {
      if (llvm::all_of(p, [](int64_t x) { return x == 0; }))
        return v;
      ArrayRef<int64_t> s = typeOf(v).getShape();
      SmallVector<int64_t> shape;
      for (size_t i = 0; i < s.size(); ++i)
        shape.push_back(s[i] + p[i] + p[i + s.size()]);
      return PadOp::create(rewriter, loc, typeOf(v).clone(shape),
                           PadMode::constant, v, p, llvm::APFloat(0.0));
    };

    // A stem (at most 8 bytes of channels a pixel, an even horizontal
    // stride): two horizontally adjacent pixels, padded to 8 bytes each,
    // are one 16-byte pixel of the image seen half as wide, and the window
    // about half as wide in them (ResNet's 7x7 stride-2 window: 7 x 4
    // taps, not 7 x 7, of 16 bytes), so the rows read each byte of the
    // image about half as often. The weight is zero where a pair's pixel
    // falls outside the window.
    int64_t pairC = 8 / eb;
    int64_t wp = w + w % 2, e = pads[1] % 2, kwp = (kw + e + 1) / 2;
    int64_t padL = (pads[1] + 1) / 2, padR = (wo - 1) * (st[1] / 2) + kwp - wp / 2 - padL;
    bool paired = !pointwise && c <= pairC && st[1] % 2 == 0 && dil[1] == 1 && padR >= 0;
    if (paired) {
      Value input = pad(op.getInput(), {0, 0, 0, 0, 0, pairC - c, 0, wp - w});
      Value pairs = reshape(transpose(input, {0, 2, 3, 1}), {n, h, wp / 2, 2 * pairC});
      k = kh * kwp * 2 * pairC;
      Value rows = Im2ColOp::create(
          rewriter, loc, typeOf(pairs).clone({n * ho * wo, k}), pairs,
          ArrayRef<int64_t>{kh, kwp}, ArrayRef<int64_t>{st[0], st[1] / 2},
          ArrayRef<int64_t>{pads[0], padL, pads[2], padR}, ArrayRef<int64_t>{dil[0], 1});
      // [M, C, kh, kw] -> [M, pairC, kh, kwp, 2] (tap s of pair j, half q
      // is 2 j + q - e) -> [kh, kwp, 2, pairC, M]: K ordered (r, j, q, c).
      Value weight = pad(denseW, {0, 0, 0, e, 0, pairC - c, 0, 2 * kwp - kw - e});
      weight = reshape(weight, {m, pairC, kh, kwp, 2});
      weight = reshape(transpose(weight, {2, 3, 4, 1, 0}), {k, m});
      return replaceWithProduct(rewriter, op, rows, weight, n, ho, wo, m);
    }

    // Rows: one per output pixel, [N*Ho*Wo, K]. Channels are padded
    // before the transpose, so that it moves whole 16-byte runs.
    Value input = pad(op.getInput(), {0, 0, 0, 0, 0, cp - c, 0, 0});
    Value nhwc = transpose(input, {0, 2, 3, 1});
    Value rows;
    if (pointwise) {
      rows = reshape(nhwc, {n * h * w, cp});
    } else {
      // The rows read the image itself: taps in the padding read 0, so
      // the padded image is never written.
      rows = Im2ColOp::create(rewriter, loc, typeOf(nhwc).clone({n * ho * wo, k}), nhwc,
                              ArrayRef<int64_t>{kh, kw}, st, pads, dil);
    }
    // The weight as [K, M], K ordered (r, s, channel); folds at compile time.
    Value weight = pad(denseW, {0, 0, 0, 0, 0, cp - c, 0, 0});
    weight = reshape(transpose(weight, {2, 3, 1, 0}), {k, m});
    return replaceWithProduct(rewriter, op, rows, weight, n, ho, wo, m);
  }

  /// Replaces `op` by rows x weight [+ bias], back to NCHW.
  static LogicalResult replaceWithProduct(PatternRewriter &rewriter, ConvOp op,
                                          Value rows, Value weight, int64_t n,
                                          int64_t ho, int64_t wo, int64_t m) {
    Location loc = op.getLoc();
    Value product = MatMulOp::create(rewriter, loc,
                                     typeOf(rows).clone({n * ho * wo, m}),
                                     rows, weight);
    if (Value bias = op.getBias())
      product = BinaryOp::create(rewriter, loc, typeOf(product),
                                 BinaryKind::add, product, bias);
    RankedTensorType pt = typeOf(product);
    Value nhwc = ReshapeOp::create(rewriter, loc, pt.clone({n, ho, wo, m}), product);
    Value out = TransposeOp::create(rewriter, loc, pt.clone({n, m, ho, wo}), nhwc,
                                    ArrayRef<int64_t>{0, 3, 1, 2});
    rewriter.replaceOp(op, out);
    return success();
  }
};

/// A grouped convolution has no GEMM form here; it runs channels-last
/// between two transposes, which cancel against those of the NHWC
/// products around it (infer-sink-layout), so that a MobileNet-style block
/// changes layout nowhere.
struct GroupedConvChannelsLast : OpRewritePattern<ConvOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConvOp op,
                                PatternRewriter &rewriter) const override {
    RankedTensorType xt = typeOf(op.getInput()), yt = typeOf(op.getOutput());
    Type et = xt.getElementType();
    bool tf32 = et.isF32() && InferDialect::allowsTf32(op);
    if (op.getChannelsLast() || op.getGroup() == 1 ||
        (blockDiagonal(op) && op.getWeight().getDefiningOp<ConstantOp>()))
      return rewriter.notifyMatchFailure(
          op, "not a grouped NCHW convolution without a GEMM form");
    if (!(et.isF16() || et.isBF16() || tf32) || yt.getElementType() != et)
      return rewriter.notifyMatchFailure(
          op, "not a 16-bit float convolution, nor f32 with infer.tf32");
    if (xt.getRank() != 4 || !xt.hasStaticShape() || !yt.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "not 2-D with static shapes");
    Location loc = op.getLoc();
    ArrayRef<int64_t> x = xt.getShape(), y = yt.getShape();
    Value nhwc = TransposeOp::create(rewriter, loc,
                                     xt.clone({x[0], x[2], x[3], x[1]}),
                                     op.getInput(), ArrayRef<int64_t>{0, 2, 3, 1});
    Value conv = ConvOp::create(rewriter, loc, yt.clone({y[0], y[2], y[3], y[1]}),
                                nhwc, op.getWeight(), op.getBias(),
                                op.getStrides(), op.getPads(), op.getDilations(),
                                op.getGroup(), /*channels_last=*/true);
    rewriter.replaceOpWithNewOp<TransposeOp>(op, yt, conv,
                                             ArrayRef<int64_t>{0, 3, 1, 2});
    return success();
  }
};

struct ConvToGemmPass : infer::impl::InferConvToGemmBase<ConvToGemmPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateConvToGemmPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void mlir::infer::populateConvToGemmPatterns(RewritePatternSet &patterns) {
  patterns.add<ConvToMatMul, GroupedConvChannelsLast>(patterns.getContext());
}
