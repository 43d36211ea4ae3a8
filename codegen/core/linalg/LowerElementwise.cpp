//===- LowerElementwise.cpp - Elementwise infer ops to linalg.generic -----===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// unary, binary, where, cast, quantize, dequantize and batch_norm become one
// linalg.generic each, broadcasting by indexing maps; the scalar math comes
// from ScalarOps.h.
//
//===----------------------------------------------------------------------===//

#include "codegen/core/linalg/LinalgUtils.h"
#include "codegen/core/linalg/LowerToLinalg.h"
#include "codegen/core/ScalarOps.h"
#include "ir/SmallTypes.h"

#include "ir/InferOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::infer;

namespace {
RankedTensorType resultType(Value v) {
  return storageTensorType(llvm::cast<RankedTensorType>(v.getType()));
}

Type elementOf(Value v) {
  return llvm::cast<RankedTensorType>(v.getType()).getElementType();
}

struct LowerUnary : OpConversionPattern<UnaryOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(UnaryOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type type = elementOf(op.getInput());
    std::optional<APFloat> alpha, beta;
    if (op.getAlpha())
      alpha = *op.getAlpha();
    if (op.getBeta())
      beta = *op.getBeta();
    Value r = buildElementwise(
        rewriter, op.getLoc(), resultType(op.getOutput()), {adaptor.getInput()},
        [&](OpBuilder &b, Location loc, ValueRange args) {
          return emitUnary(b, loc, op.getKind(), args[0], type, alpha, beta);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct LowerBinary : OpConversionPattern<BinaryOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(BinaryOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type lt = elementOf(op.getLhs()), rt = elementOf(op.getRhs());
    Value r = buildElementwise(
        rewriter, op.getLoc(), resultType(op.getOutput()),
        {adaptor.getLhs(), adaptor.getRhs()},
        [&](OpBuilder &b, Location loc, ValueRange args) {
          return emitBinary(b, loc, op.getKind(), args[0], args[1], lt, rt);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct LowerWhere : OpConversionPattern<WhereOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(WhereOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value r = buildElementwise(
        rewriter, op.getLoc(), resultType(op.getOutput()),
        {adaptor.getCondition(), adaptor.getTrueValue(), adaptor.getFalseValue()},
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          return arith::SelectOp::create(b, loc, args[0], args[1], args[2]);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct LowerCast : OpConversionPattern<CastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(CastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type from = elementOf(op.getInput()), to = elementOf(op.getOutput());
    if (storageType(from) == storageType(to) &&
        isUnsignedElement(from) == isUnsignedElement(to) && !smallFloatOf(from) &&
        !smallFloatOf(to) && (!isInt4(to) || isInt4(from))) {
      rewriter.replaceOp(op, adaptor.getInput()); // a reinterpretation
      return success();
    }
    bool saturate = op.getSaturate();
    Value r = buildElementwise(
        rewriter, op.getLoc(), resultType(op.getOutput()), {adaptor.getInput()},
        [&](OpBuilder &b, Location loc, ValueRange args) {
          return emitCast(b, loc, args[0], from, to, saturate);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// Scale and zero point of a quantized type as values broadcastable to a
/// tensor of `shape`: scalars, or [1, .., C, .., 1] constants per axis.
struct QuantParams {
  SmallVector<Value> tensors; // extra generic inputs (per-axis only)
  double scale = 1;
  int64_t zeroPoint = 0;
  bool perAxis = false;
};

QuantParams quantParams(OpBuilder &b, Location loc, quant::QuantizedType q,
                        ArrayRef<int64_t> shape, Type floatType) {
  QuantParams p;
  if (auto u = llvm::dyn_cast<quant::UniformQuantizedType>(q)) {
    p.scale = u.getScale();
    p.zeroPoint = u.getZeroPoint();
    return p;
  }
  auto a = llvm::cast<quant::UniformQuantizedPerAxisType>(q);
  p.perAxis = true;
  SmallVector<int64_t> bshape(shape.size(), 1);
  bshape[a.getQuantizedDimension()] = a.getScales().size();
  SmallVector<double> zps(a.getZeroPoints().begin(), a.getZeroPoints().end());
  p.tensors.push_back(constantTensor(
      b, loc, RankedTensorType::get(bshape, floatType), a.getScales()));
  p.tensors.push_back(constantTensor(
      b, loc, RankedTensorType::get(bshape, floatType), zps));
  return p;
}

struct LowerQuantize : OpConversionPattern<QuantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(QuantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (FloatAttr s = op.getScaleAttr()) {
      // f8E4M3FN: x / scale, rounded and saturated by the cast.
      Type ft = elementOf(op.getInput()), to = elementOf(op.getOutput());
      double inv = 1.0 / s.getValueAsDouble();
      Value r = buildElementwise(
          rewriter, op.getLoc(), resultType(op.getOutput()), {adaptor.getInput()},
          [&](OpBuilder &b, Location l, ValueRange args) -> Value {
            Type f = b.getF32Type();
            Value x = args[0].getType() == f ? args[0] : emitCast(b, l, args[0], ft, f, false);
            x = arith::MulFOp::create(b, l, x, emitConstant(b, l, f, inv));
            return emitCast(b, l, x, f, to, /*saturate=*/true);
          });
      rewriter.replaceOp(op, r);
      return success();
    }
    auto q = llvm::cast<quant::QuantizedType>(elementOf(op.getOutput()));
    Type ft = elementOf(op.getInput());
    Location loc = op.getLoc();
    QuantParams p = quantParams(rewriter, loc, q, shapeOf(op.getInput()), ft);
    SmallVector<Value> inputs{adaptor.getInput()};
    inputs.append(p.tensors);
    bool isSigned = q.isSigned();
    double lo = q.getStorageTypeMin(), hi = q.getStorageTypeMax();
    Type storage = storageType(q);
    Value r = buildElementwise(
        rewriter, loc, resultType(op.getOutput()), inputs,
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Type f = b.getF32Type();
          Value x = args[0].getType() == f
                        ? args[0]
                        : emitCast(b, l, args[0], ft, f, false);
          Value scale = p.perAxis ? emitCast(b, l, args[1], ft, f, false)
                                  : emitConstant(b, l, f, p.scale);
          Value zp = p.perAxis ? emitCast(b, l, args[2], ft, f, false)
                               : emitConstant(b, l, f, p.zeroPoint);
          Value v = math::RoundEvenOp::create(
              b, l, arith::DivFOp::create(b, l, x, scale));
          v = arith::AddFOp::create(b, l, v, zp);
          v = arith::MaximumFOp::create(b, l, v, emitConstant(b, l, f, lo));
          v = arith::MinimumFOp::create(b, l, v, emitConstant(b, l, f, hi));
          if (isSigned)
            return arith::FPToSIOp::create(b, l, storage, v);
          return arith::FPToUIOp::create(b, l, storage, v);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct LowerDequantize : OpConversionPattern<DequantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (FloatAttr s = op.getScaleAttr()) {
      // f8E4M3FN: the value times the scale.
      Type from = elementOf(op.getInput()), ft = elementOf(op.getOutput());
      double scale = s.getValueAsDouble();
      Value r = buildElementwise(
          rewriter, op.getLoc(), resultType(op.getOutput()), {adaptor.getInput()},
          [&](OpBuilder &b, Location l, ValueRange args) -> Value {
            Type f = b.getF32Type();
            Value x = emitCast(b, l, args[0], from, f, false);
            x = arith::MulFOp::create(b, l, x, emitConstant(b, l, f, scale));
            return emitCast(b, l, x, f, ft, false);
          });
      rewriter.replaceOp(op, r);
      return success();
    }
    auto q = llvm::cast<quant::QuantizedType>(elementOf(op.getInput()));
    Type ft = elementOf(op.getOutput());
    Location loc = op.getLoc();
    QuantParams p = quantParams(rewriter, loc, q, shapeOf(op.getInput()), ft);
    SmallVector<Value> inputs{adaptor.getInput()};
    inputs.append(p.tensors);
    bool isSigned = q.isSigned();
    Value r = buildElementwise(
        rewriter, loc, resultType(op.getOutput()), inputs,
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Type f = b.getF32Type();
          Value x = isSigned ? arith::SIToFPOp::create(b, l, f, args[0]).getResult()
                             : arith::UIToFPOp::create(b, l, f, args[0]).getResult();
          Value scale = p.perAxis ? emitCast(b, l, args[1], ft, f, false)
                                  : emitConstant(b, l, f, p.scale);
          Value zp = p.perAxis ? emitCast(b, l, args[2], ft, f, false)
                               : emitConstant(b, l, f, p.zeroPoint);
          Value v = arith::MulFOp::create(
              b, l, arith::SubFOp::create(b, l, x, zp), scale);
          return emitCast(b, l, v, f, ft, false);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// [C] -> [1, C, 1, ...] of rank `rank`.
Value perChannel(OpBuilder &b, Location loc, Value v, int64_t rank) {
  auto t = llvm::cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> shape(rank, 1);
  shape[1] = t.getDimSize(0);
  SmallVector<ReassociationIndices> reassoc(1);
  for (int64_t i = 0; i < rank; ++i)
    reassoc[0].push_back(i);
  return tensor::ExpandShapeOp::create(b, loc, t.clone(shape), v, reassoc);
}

struct LowerBatchNorm : OpConversionPattern<BatchNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(BatchNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    int64_t rank = shapeOf(op.getInput()).size();
    SmallVector<Value> inputs{adaptor.getInput()};
    for (Value v : {adaptor.getScale(), adaptor.getBias(), adaptor.getMean(),
                    adaptor.getVariance()})
      inputs.push_back(perChannel(rewriter, loc, v, rank));
    double eps = op.getEpsilon().convertToDouble();
    Value r = buildElementwise(
        rewriter, loc, resultType(op.getOutput()), inputs,
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Type t = a[0].getType();
          Value var = arith::AddFOp::create(b, l, a[4], emitConstant(b, l, t, eps));
          Value inv = math::RsqrtOp::create(b, l, var);
          Value c = arith::SubFOp::create(b, l, a[0], a[3]);
          Value s = arith::MulFOp::create(b, l, arith::MulFOp::create(b, l, c, inv), a[1]);
          return arith::AddFOp::create(b, l, s, a[2]);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};
} // namespace

void mlir::infer::populateLowerElementwisePatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<LowerUnary, LowerBinary, LowerWhere, LowerCast, LowerQuantize,
               LowerDequantize, LowerBatchNorm>(converter,
                                                patterns.getContext());
}
