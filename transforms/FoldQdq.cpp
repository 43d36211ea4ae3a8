//===- FoldQdq.cpp - Quantize / dequantize pairs into int8 products -------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The Q/DQ form (from infer-quantize, or from a model exported with
// QuantizeLinear / DequantizeLinear nodes) says where values are int8;
// this pass makes the products compute in int8:
//   - a dequantize moves below the ops that only move values (transpose,
//     reshape, slice, im2col, zero padding): with a per-tensor scale and
//     zero point 0 they commute, and the int8 tensor is what travels;
//   - a convolution or matrix product whose activation is dequantized and
//     whose weight is a float constant takes the int8 activation and the
//     weight quantized per output channel (symmetric, scale max|w| / 127);
//     its result stays float: (x - 0) * w * scale_x * scale_w, on which the
//     epilogue (bias, activation, residual, the next layer's quantize)
//     runs, as TensorRT fuses explicit Q/DQ;
//   - a per-tensor quantize moves above a max pool (rounding is monotonic)
//     and above a reshape, so that the pool moves int8 and the quantize
//     joins the epilogue of its input's producer;
//   - a residual add of a product and a value that another layer reads
//     quantized reads the quantized value too (as TensorRT quantizes
//     residual inputs): the value's producer then writes int8 only;
//   - quantize(dequantize(x)) of one type is x, and the integer round trip
//     of an imported QuantizeLinear / DequantizeLinear pair cancels.
//
//===----------------------------------------------------------------------===//

#include "transforms/Passes.h"

#include "ir/ConstantView.h"
#include "ir/QuantUtils.h"
#include "ir/SmallTypes.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace mlir::infer {
#define GEN_PASS_DEF_INFERFOLDQDQ
#include "transforms/Passes.h.inc"
} // namespace mlir::infer

using namespace mlir;
using namespace mlir::infer;

namespace {
RankedTensorType tensorOf(Value v) {
  return llvm::cast<RankedTensorType>(v.getType());
}

/// The per-tensor, zero-point-0 8-bit form (int8 or fp8) `v` is
/// dequantized from, with the dequantize; null otherwise.
std::pair<DequantizeOp, Symmetric8> symmetricDequantize(Value v) {
  auto dq = v.getDefiningOp<DequantizeOp>();
  if (!dq)
    return {};
  Symmetric8 q = symmetric8(dq.getInput().getType(), dq.getScaleAttr());
  if (!q)
    return {};
  return {dq, q};
}

/// Ops that only move values, which a per-tensor dequantize of zero point 0
/// commutes with.
bool movesValues(Operation *op) {
  if (auto pad = llvm::dyn_cast<PadOp>(op))
    return pad.getMode() == PadMode::constant && pad.getValue().isZero();
  return llvm::isa<TransposeOp, ReshapeOp, SliceOp, Im2ColOp, ExpandOp>(op);
}

/// op(dequantize(q)) -> dequantize(op(q)) for ops that move values.
struct SinkDequantize : RewritePattern {
  SinkDequantize(MLIRContext *ctx)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (!movesValues(op) || op->getNumResults() != 1 ||
        op->getNumOperands() != 1)
      return rewriter.notifyMatchFailure(op, "does not only move values");
    auto [dq, q] = symmetricDequantize(op->getOperand(0));
    if (!dq)
      return rewriter.notifyMatchFailure(op, "input is not dequantized int8");
    IRMapping map;
    map.map(op->getOperand(0), dq.getInput());
    Operation *moved = rewriter.clone(*op, map);
    RankedTensorType out = tensorOf(op->getResult(0));
    moved->getResult(0).setType(out.clone(q.elem));
    rewriter.replaceOpWithNewOp<DequantizeOp>(op, out, moved->getResult(0),
                                              dq.getScaleAttr());
    return success();
  }
};

/// The weight `w` (a float constant) quantized to int8 per slice of
/// dimension `axis`, as a constant of the storage type cast to the
/// per-axis quantized type; null when `w` is not a float constant.
Value quantizeWeight(PatternRewriter &rewriter, Location loc, Value w,
                     int64_t axis) {
  auto c = w.getDefiningOp<ConstantOp>();
  if (!c)
    return nullptr;
  RankedTensorType t = tensorOf(w);
  if (!t.getElementType().isF32() || !t.hasStaticShape())
    return nullptr;
  std::optional<ConstantView> view = ConstantView::get(c.getValue());
  if (!view)
    return nullptr;
  ArrayRef<int64_t> shape = t.getShape();
  int64_t channels = shape[axis], inner = 1;
  for (size_t i = axis + 1; i < shape.size(); ++i)
    inner *= shape[i];
  auto channelOf = [&](int64_t i) { return (i / inner) % channels; };
  SmallVector<double> amax(channels, 0.0), least(channels, 0.0);
  for (int64_t i = 0; i < view->size(); ++i) {
    double v = std::abs(view->getDouble(i));
    if (!std::isfinite(v))
      return nullptr;
    double &a = amax[channelOf(i)], &l = least[channelOf(i)];
    a = std::max(a, v);
    if (v > 0 && (l == 0 || v < l))
      l = v;
  }
  // A weight that is already int8 times a scale (an exported model's
  // DequantizeLinear of int8, folded at import) keeps its integers: its
  // smallest magnitude is a whole number k of steps (k at most 127), and
  // every value a whole multiple of the step, at most 127 of them; the
  // first k that fits is taken. Other weights take max|w| / 127.
  int64_t outer = view->size() / (channels * inner);
  auto fits = [&](int64_t c, double step) {
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t j = 0; j < inner; ++j) {
        double q = view->getDouble((o * channels + c) * inner + j) / step;
        if (std::abs(q - std::nearbyint(q)) >= 1e-3 || std::abs(q) > 127.5)
          return false;
      }
    return true;
  };
  SmallVector<double> grid(channels, 0.0);
  for (int64_t c = 0; c < channels; ++c)
    for (int64_t k = 1; k <= 127 && least[c] > 0 && grid[c] == 0; ++k)
      if (amax[c] / (least[c] / k) <= 127.5 && fits(c, least[c] / k))
        grid[c] = least[c] / k;
  SmallVector<double> scales;
  SmallVector<int64_t> zeros(channels, 0);
  for (int64_t c = 0; c < channels; ++c)
    scales.push_back(amax[c] == 0 ? 1.0 : grid[c] > 0 ? grid[c] : amax[c] / 127.0);
  MLIRContext *ctx = rewriter.getContext();
  auto storage = t.clone(IntegerType::get(ctx, 8));
  ConstantBuilder nb(storage);
  for (int64_t i = 0; i < view->size(); ++i) {
    double q = std::nearbyint(view->getDouble(i) / scales[channelOf(i)]);
    nb.setInt(i, static_cast<int64_t>(std::clamp(q, -127.0, 127.0)));
  }
  auto qt = quant::UniformQuantizedPerAxisType::get(
      quant::QuantizationFlags::Signed, IntegerType::get(ctx, 8),
      t.getElementType(), scales, zeros, axis, -127, 127);
  Value stored = ConstantOp::create(rewriter, loc, nb.finish("weight_int8"));
  return CastOp::create(rewriter, loc, t.clone(qt), stored, /*saturate=*/false);
}

/// The weight `w` (a float constant) in f8E4M3FN per slice of dimension
/// `axis` (scale max|w| / 448 each, rounded to nearest even), with the
/// scales; null when `w` is not a finite float constant.
std::pair<Value, SmallVector<double>> quantizeWeightFp8(PatternRewriter &rewriter,
                                                        Location loc, Value w,
                                                        int64_t axis) {
  auto c = w.getDefiningOp<ConstantOp>();
  RankedTensorType t = tensorOf(w);
  if (!c || !t.getElementType().isF32() || !t.hasStaticShape())
    return {};
  std::optional<ConstantView> view = ConstantView::get(c.getValue());
  if (!view)
    return {};
  ArrayRef<int64_t> shape = t.getShape();
  int64_t channels = shape[axis], inner = 1;
  for (size_t i = axis + 1; i < shape.size(); ++i)
    inner *= shape[i];
  auto channelOf = [&](int64_t i) { return (i / inner) % channels; };
  SmallVector<double> scales(channels, 0.0);
  for (int64_t i = 0; i < view->size(); ++i) {
    double v = std::abs(view->getDouble(i));
    if (!std::isfinite(v))
      return {};
    scales[channelOf(i)] = std::max(scales[channelOf(i)], v);
  }
  for (double &s : scales)
    s = s == 0 ? 1.0 : s / kFp8E4M3Max;
  auto bytes = std::make_shared<std::vector<char>>(view->size());
  for (int64_t i = 0; i < view->size(); ++i)
    (*bytes)[i] = static_cast<char>(::infer::encodeSmallFloat(
        ::infer::SmallFloat::E4M3FN,
        static_cast<float>(view->getDouble(i) / scales[channelOf(i)]), /*saturate=*/true));
  auto type = t.clone(rewriter.getType<Float8E4M3FNType>());
  // Small ones dense (readable in the IR), as ConstantBuilder makes them.
  ElementsAttr attr =
      bytes->size() <= 16
          ? ElementsAttr(DenseElementsAttr::getFromRawBuffer(type, *bytes))
          : adoptWeights(type, "weight_fp8", *bytes, bytes);
  Value stored = ConstantOp::create(rewriter, loc, attr);
  return {stored, scales};
}

/// An fp8 product: `op` (already checked) on the f8E4M3FN activation of
/// `dq` (scale `sx`) and its weight in f8E4M3FN per output channel, then
/// the f32 sum times sx * sw[c] (a per-channel mul after it, in the
/// result's layout), then a gemm's bias. Convolutions with a bias
/// decline (their NCHW bias would need a reshape; the GPU path has made
/// them GEMMs by now).
LogicalResult rewriteFp8Product(PatternRewriter &rewriter, Operation *op, DequantizeOp dq,
                                double sx, int64_t axis) {
  auto conv = llvm::dyn_cast<ConvOp>(op);
  auto gemm = llvm::dyn_cast<GemmOp>(op);
  if (conv && conv.getBias())
    return rewriter.notifyMatchFailure(op, "an fp8 convolution with a bias");
  if (gemm && gemm.getC() && gemm.getBeta().convertToFloat() != 1.0f)
    return rewriter.notifyMatchFailure(op, "an fp8 gemm whose bias is scaled");
  rewriter.setInsertionPoint(op);
  Location loc = op->getLoc();
  auto [w, scales] = quantizeWeightFp8(rewriter, loc, op->getOperand(1), axis);
  if (!w)
    return rewriter.notifyMatchFailure(op, "weight not a finite float constant");
  RankedTensorType out = tensorOf(op->getResult(0));
  // The scale per output channel, shaped to broadcast against the result:
  // [C, 1, 1] for an NCHW convolution, [C] for the rest.
  SmallVector<int64_t> shape{static_cast<int64_t>(scales.size())};
  if (conv && !conv.getChannelsLast())
    shape.append(out.getRank() - 2, 1);
  auto st = RankedTensorType::get(shape, rewriter.getF32Type());
  ConstantBuilder sb(st);
  double alpha = gemm ? gemm.getAlpha().convertToDouble() : 1.0;
  for (size_t i = 0; i < scales.size(); ++i)
    sb.setDouble(i, scales[i] * sx * alpha);
  Value scale = ConstantOp::create(rewriter, loc, sb.finish("fp8_scale"));
  Value bias = gemm ? gemm.getC() : Value();
  rewriter.modifyOpInPlace(op, [&] {
    op->setOperand(0, dq.getInput());
    op->setOperand(1, w);
    if (bias)
      op->eraseOperand(2);
    // A gemm's alpha joins the scales (the GEMM templates take alpha 1).
    if (gemm)
      gemm.setAlphaAttr(rewriter.getF32FloatAttr(1.0f));
  });
  rewriter.setInsertionPointAfter(op);
  auto mul = BinaryOp::create(rewriter, loc, out, BinaryKind::mul, op->getResult(0), scale);
  Value y = mul;
  if (bias)
    y = BinaryOp::create(rewriter, loc, out, BinaryKind::add, y, bias);
  rewriter.replaceAllUsesExcept(op->getResult(0), y, mul);
  return success();
}

/// conv / matmul / gemm of a dequantized int8 activation and a float
/// constant weight -> the same op on the int8 activation and the weight
/// quantized per output channel; the float result is unchanged in type.
struct QuantizeProduct : RewritePattern {
  QuantizeProduct(MLIRContext *ctx)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    int64_t axis = -1;
    if (auto conv = llvm::dyn_cast<ConvOp>(op)) {
      if (conv.getGroup() != 1)
        return rewriter.notifyMatchFailure(op, "grouped convolution");
      axis = 0;
    } else if (auto mm = llvm::dyn_cast<MatMulOp>(op)) {
      if (tensorOf(mm.getRhs()).getRank() != 2)
        return rewriter.notifyMatchFailure(op, "batched weight");
      axis = 1;
    } else if (auto gemm = llvm::dyn_cast<GemmOp>(op)) {
      if (gemm.getTransA())
        return rewriter.notifyMatchFailure(op, "transposed activation");
      axis = gemm.getTransB() ? 0 : 1;
    } else {
      return rewriter.notifyMatchFailure(op, "not a product");
    }
    auto [dq, q] = symmetricDequantize(op->getOperand(0));
    if (!dq)
      return rewriter.notifyMatchFailure(op, "activation not dequantized int8 or fp8");
    if (!tensorOf(op->getResult(0)).getElementType().isF32() ||
        !tensorOf(dq.getOutput()).getElementType().isF32())
      return rewriter.notifyMatchFailure(op, "not an f32 product");
    if (q.isFp8())
      return rewriteFp8Product(rewriter, op, dq, q.scale, axis);
    rewriter.setInsertionPoint(op);
    Value w = quantizeWeight(rewriter, op->getLoc(), op->getOperand(1), axis);
    if (!w)
      return rewriter.notifyMatchFailure(op, "weight not a float constant");
    rewriter.modifyOpInPlace(op, [&] {
      op->setOperand(0, dq.getInput());
      op->setOperand(1, w);
    });
    return success();
  }
};

/// quantize(dequantize(x)) -> x when the types agree.
struct RemoveRequantize : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    auto dq = op.getInput().getDefiningOp<DequantizeOp>();
    if (!dq || dq.getInput().getType() != op.getOutput().getType() ||
        dq.getScaleAttr() != op.getScaleAttr())
      return rewriter.notifyMatchFailure(op, "not a round trip");
    rewriter.replaceOp(op, dq.getInput());
    return success();
  }
};

/// quantize(op(x)) -> op(quantize(x)) with one scale for the tensor, for
/// a reshape (the quantize then meets x's producer: the reshapes between a
/// GEMM and its NHWC consumers) and for a max pool whose input nothing else
/// reads (rounding is monotonic, so the maximum of the rounded values is
/// the rounded maximum; the pool then moves int8, and the quantize joins
/// the epilogue of x's producer: ResNet's stem).
struct HoistQuantize : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    Operation *mover = op.getInput().getDefiningOp();
    bool q = llvm::isa<quant::UniformQuantizedType>(tensorOf(op.getOutput()).getElementType()) ||
             symmetric8(op.getOutput().getType(), op.getScaleAttr()).isFp8();
    auto pool = llvm::dyn_cast_or_null<PoolOp>(mover);
    bool moves = llvm::isa_and_nonnull<ReshapeOp>(mover) ||
                 (pool && pool.getKind() == PoolKind::max && pool.getInput().hasOneUse());
    if (!moves || !q || !op.getInput().hasOneUse())
      return rewriter.notifyMatchFailure(op, "not a per-tensor quantize of a reshape or max pool");
    Value x = mover->getOperand(0);
    Value qx = QuantizeOp::create(rewriter, op.getLoc(),
                                  tensorOf(x).clone(tensorOf(op.getOutput()).getElementType()),
                                  x, op.getScaleAttr());
    Operation *moved = rewriter.clone(*mover);
    moved->setOperand(0, qx);
    moved->getResult(0).setType(tensorOf(op.getOutput()));
    rewriter.replaceOp(op, moved->getResults());
    return success();
  }
};

/// relu(dequantize(quantize(x))) -> dequantize(quantize(relu(x))) for a
/// per-tensor int8 type of zero point 0 read by nothing else: rounding is
/// monotonic and keeps 0, so the ReLU of the rounded value is the rounded
/// ReLU. onnxruntime's QDQ models round a convolution's output before its
/// ReLU; moved, the ReLU meets the convolution (its epilogue) and the
/// quantize after it usually meets this one (RemoveRequantize).
struct HoistRelu : OpRewritePattern<UnaryOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(UnaryOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getKind() != UnaryKind::relu)
      return rewriter.notifyMatchFailure(op, "not a relu");
    auto [dq, qt] = symmetricDequantize(op.getInput());
    auto q = dq ? dq.getInput().getDefiningOp<QuantizeOp>() : QuantizeOp();
    if (!q || !dq->hasOneUse() || !q->hasOneUse())
      return rewriter.notifyMatchFailure(op, "not the relu of a quantize round trip");
    Value relu = UnaryOp::create(rewriter, op.getLoc(), q.getInput().getType(),
                                 UnaryKind::relu, q.getInput(), op.getAlphaAttr(),
                                 op.getBetaAttr());
    Value moved = QuantizeOp::create(rewriter, q.getLoc(), q.getOutput().getType(), relu,
                                     q.getScaleAttr());
    rewriter.replaceOpWithNewOp<DequantizeOp>(op, op.getOutput().getType(), moved,
                                              dq.getScaleAttr());
    return success();
  }
};

/// add(product(...), v) where v is also quantized per tensor for another
/// layer -> add(product(...), dequantize(quantize(v))): the residual reads
/// the int8 tensor, as TensorRT quantizes residual inputs, so that v's
/// producer writes int8 only and the add's dequantize joins the product's
/// epilogue (ResNet's blocks).
struct QuantizeResidual : OpRewritePattern<BinaryOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BinaryOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getKind() != BinaryKind::add ||
        op.getLhs().getType() != op.getRhs().getType() ||
        op.getLhs().getType() != op.getOutput().getType())
      return rewriter.notifyMatchFailure(op, "not a residual add");
    for (unsigned i = 0; i < 2; ++i) {
      Value v = op->getOperand(i), other = op->getOperand(1 - i);
      if (!other.hasOneUse())
        continue;
      // An fp8 product's scales (a mul by a constant) and a gemm's bias
      // after them (an add of one) are its epilogue too.
      Operation *product = other.getDefiningOp();
      while (auto step = llvm::dyn_cast_or_null<BinaryOp>(product)) {
        Value chain = step.getLhs().getDefiningOp<ConstantOp>() ? step.getRhs() : step.getLhs();
        Value constant = chain == step.getLhs() ? step.getRhs() : step.getLhs();
        if ((step.getKind() != BinaryKind::mul && step.getKind() != BinaryKind::add) ||
            !constant.getDefiningOp<ConstantOp>() || !chain.hasOneUse())
          break;
        product = chain.getDefiningOp();
      }
      if (!product || !llvm::isa<ConvOp, MatMulOp, GemmOp>(product))
        continue;
      for (Operation *user : v.getUsers()) {
        auto q = llvm::dyn_cast<QuantizeOp>(user);
        if (!q)
          continue;
        if (!symmetric8(q.getOutput().getType(), q.getScaleAttr()))
          continue;
        // The quantize must come first: it may sit after the add.
        if (!q->isBeforeInBlock(op))
          continue;
        rewriter.setInsertionPoint(op);
        Value dq = DequantizeOp::create(rewriter, q.getLoc(), tensorOf(v), q.getOutput(),
                                        q.getScaleAttr());
        rewriter.modifyOpInPlace(op, [&] { op->setOperand(i, dq); });
        return success();
      }
    }
    return rewriter.notifyMatchFailure(op, "no quantized residual");
  }
};

/// cast(cast(q : quantized -> storage) : storage -> quantized) -> q.
struct RemoveStorageRoundTrip : OpRewritePattern<CastOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(CastOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<CastOp>();
    if (!inner || inner.getInput().getType() != op.getOutput().getType() ||
        !llvm::isa<quant::QuantizedType>(op.getOutput().getType().getElementType()))
      return rewriter.notifyMatchFailure(op, "not a storage round trip");
    rewriter.replaceOp(op, inner.getInput());
    return success();
  }
};

struct FoldQdqPass : mlir::infer::impl::InferFoldQdqBase<FoldQdqPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFoldQdqPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void mlir::infer::populateFoldQdqPatterns(RewritePatternSet &patterns) {
  patterns.add<SinkDequantize, QuantizeProduct, RemoveStorageRoundTrip>(
      patterns.getContext());
  patterns.add<RemoveRequantize, HoistQuantize, HoistRelu, QuantizeResidual>(
      patterns.getContext());
}
