//===- LowerReductions.cpp - Reductions, norms and scans to linalg --------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// reduce, arg_reduce, softmax, log_softmax, layer_norm, global_pool, cumsum
// and top_k as linalg.generic chains. Half-precision inputs accumulate in
// f32. Scans and top-k are written as data-parallel generics (quadratic in
// the scanned axis) so that they tile like everything else.
//
//===----------------------------------------------------------------------===//

#include "codegen/core/linalg/LinalgUtils.h"
#include "codegen/core/linalg/LowerToLinalg.h"
#include "codegen/core/ScalarOps.h"

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

/// The accumulator type of a reduction over `t`.
Type accumulatorOf(Type t) {
  if (t.isF16() || t.isBF16())
    return Float32Type::get(t.getContext());
  return t;
}

/// Elementwise `fn` over `a` (and `b` broadcast to it).
Value map2(OpBuilder &b, Location loc, Value x, Value y, Type resultElem,
           function_ref<Value(OpBuilder &, Location, Value, Value)> fn) {
  auto t = llvm::cast<RankedTensorType>(x.getType()).clone(resultElem);
  return buildElementwise(b, loc, t, {x, y},
                          [&](OpBuilder &nb, Location l, ValueRange a) {
                            return fn(nb, l, a[0], a[1]);
                          });
}

Value map1(OpBuilder &b, Location loc, Value x, Type resultElem,
           function_ref<Value(OpBuilder &, Location, Value)> fn) {
  auto t = llvm::cast<RankedTensorType>(x.getType()).clone(resultElem);
  return buildElementwise(b, loc, t, {x},
                          [&](OpBuilder &nb, Location l, ValueRange a) {
                            return fn(nb, l, a[0]);
                          });
}

/// Reduces with `kind` into accumulator type `acc`.
Value reduceWith(OpBuilder &b, Location loc, ReduceKind kind, Value x,
                 ArrayRef<int64_t> axes, bool keep, Type acc, bool isUnsigned) {
  Value init = emitReduceInit(b, loc, kind, acc, isUnsigned);
  return buildReduction(b, loc, x, axes, keep, acc, init,
                        [&](OpBuilder &nb, Location l, Value a, Value v) {
                          if (v.getType() != a.getType())
                            v = arith::ExtFOp::create(nb, l, a.getType(), v);
                          return emitReduceStep(nb, l, kind, a, v, isUnsigned);
                        });
}

int64_t countOf(ArrayRef<int64_t> shape, ArrayRef<int64_t> axes) {
  int64_t n = 1;
  if (axes.empty())
    for (int64_t d : shape)
      n *= d;
  for (int64_t a : axes)
    n *= shape[a];
  return n;
}

struct LowerReduce : OpConversionPattern<ReduceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ReduceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    Type et = elementOf(op.getInput());
    Type acc = accumulatorOf(storageType(et));
    bool isUnsigned = isUnsignedElement(et);
    ArrayRef<int64_t> axes = op.getAxes();
    bool keep = op.getKeepDims();
    ReduceKind kind = op.getKind();
    bool isFloat = llvm::isa<FloatType>(acc);
    Value r;
    if (kind == ReduceKind::log_sum_exp) {
      Value mKeep = reduceWith(rewriter, loc, ReduceKind::max, x, axes, true,
                               acc, isUnsigned);
      Value e = map2(rewriter, loc, x, mKeep, acc,
                     [&](OpBuilder &b, Location l, Value v, Value m) -> Value {
                       if (v.getType() != m.getType())
                         v = arith::ExtFOp::create(b, l, m.getType(), v);
                       // An all -inf slice gives exp(nan); keep it -inf.
                       Value d = arith::SubFOp::create(b, l, v, m);
                       Value isInf = arith::CmpFOp::create(
                           b, l, arith::CmpFPredicate::OEQ, m,
                           emitConstant(b, l, m.getType(), -INFINITY));
                       Value ex = math::ExpOp::create(b, l, d);
                       return arith::SelectOp::create(
                           b, l, isInf, emitConstant(b, l, m.getType(), 0), ex);
                     });
      Value s = reduceWith(rewriter, loc, ReduceKind::sum, e, axes, keep, acc,
                           false);
      Value m = keep ? mKeep
                     : reduceWith(rewriter, loc, ReduceKind::max, x, axes,
                                  false, acc, isUnsigned);
      r = map2(rewriter, loc, s, m, acc,
               [&](OpBuilder &b, Location l, Value sv, Value mv) -> Value {
                 return arith::AddFOp::create(b, l, math::LogOp::create(b, l, sv),
                                              mv);
               });
    } else {
      r = reduceWith(rewriter, loc, kind, x, axes, keep, acc, isUnsigned);
      int64_t n = countOf(shapeOf(op.getInput()), axes);
      if (kind == ReduceKind::mean)
        r = map1(rewriter, loc, r, acc,
                 [&](OpBuilder &b, Location l, Value v) -> Value {
                   if (isFloat)
                     return arith::DivFOp::create(b, l, v,
                                                  emitConstant(b, l, acc, n));
                   return isUnsigned
                              ? arith::DivUIOp::create(b, l, v, emitConstant(b, l, acc, n)).getResult()
                              : arith::DivSIOp::create(b, l, v, emitConstant(b, l, acc, n)).getResult();
                 });
      else if (kind == ReduceKind::l2 && isFloat)
        r = map1(rewriter, loc, r, acc, [](OpBuilder &b, Location l, Value v) -> Value {
          return math::SqrtOp::create(b, l, v);
        });
      else if (kind == ReduceKind::log_sum && isFloat)
        r = map1(rewriter, loc, r, acc, [](OpBuilder &b, Location l, Value v) -> Value {
          return math::LogOp::create(b, l, v);
        });
    }
    Type out = storageType(elementOf(op.getOutput()));
    if (acc != out)
      r = map1(rewriter, loc, r, out, [&](OpBuilder &b, Location l, Value v) {
        return emitCast(b, l, v, acc, et, false);
      });
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct LowerArgReduce : OpConversionPattern<ArgReduceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ArgReduceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value x = adaptor.getInput();
    ArrayRef<int64_t> in = shapeOf(x);
    int64_t rank = in.size(), axis = op.getAxis();
    Type et = storageType(elementOf(op.getInput()));
    bool isFloat = llvm::isa<FloatType>(et);
    bool isUnsigned = isUnsignedElement(elementOf(op.getInput()));
    bool isMax = op.getKind() == ArgKind::max, last = op.getSelectLastIndex();
    SmallVector<int64_t> outShape;
    SmallVector<AffineExpr> outExprs;
    SmallVector<utils::IteratorType> iters;
    for (int64_t i = 0; i < rank; ++i) {
      iters.push_back(i == axis ? utils::IteratorType::reduction
                                : utils::IteratorType::parallel);
      if (i != axis) {
        outShape.push_back(in[i]);
        outExprs.push_back(getAffineDimExpr(i, ctx));
      } else if (op.getKeepDims()) {
        outShape.push_back(1);
        outExprs.push_back(getAffineConstantExpr(0, ctx));
      }
    }
    auto valType = RankedTensorType::get(outShape, et);
    auto idxType = RankedTensorType::get(outShape, rewriter.getI64Type());
    Value valInit = filledTensor(
        rewriter, loc, valType,
        emitReduceInit(rewriter, loc, isMax ? ReduceKind::max : ReduceKind::min,
                       et, isUnsigned));
    Value idxInit = filledTensor(
        rewriter, loc, idxType,
        arith::ConstantOp::create(rewriter, loc, rewriter.getI64IntegerAttr(-1)));
    AffineMap outMap = AffineMap::get(rank, 0, outExprs, ctx);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{valType, idxType}, ValueRange{x},
        ValueRange{valInit, idxInit},
        {AffineMap::getMultiDimIdentityMap(rank, ctx), outMap, outMap}, iters,
        [&](OpBuilder &b, Location l, ValueRange a) {
          Value v = a[0], best = a[1], bestIdx = a[2];
          Value idx = arith::IndexCastOp::create(
              b, l, b.getI64Type(), linalg::IndexOp::create(b, l, axis));
          Value better;
          if (isFloat) {
            auto strict = isMax ? arith::CmpFPredicate::OGT : arith::CmpFPredicate::OLT;
            auto loose = isMax ? arith::CmpFPredicate::OGE : arith::CmpFPredicate::OLE;
            better = arith::CmpFOp::create(b, l, last ? loose : strict, v, best);
          } else {
            arith::CmpIPredicate strict, loose;
            if (isMax) {
              strict = isUnsigned ? arith::CmpIPredicate::ugt : arith::CmpIPredicate::sgt;
              loose = isUnsigned ? arith::CmpIPredicate::uge : arith::CmpIPredicate::sge;
            } else {
              strict = isUnsigned ? arith::CmpIPredicate::ult : arith::CmpIPredicate::slt;
              loose = isUnsigned ? arith::CmpIPredicate::ule : arith::CmpIPredicate::sle;
            }
            better = arith::CmpIOp::create(b, l, last ? loose : strict, v, best);
          }
          // The first element always wins (the init is only a sentinel).
          Value first = arith::CmpIOp::create(
              b, l, arith::CmpIPredicate::slt, bestIdx,
              arith::ConstantOp::create(b, l, b.getI64IntegerAttr(0)));
          Value take = arith::OrIOp::create(b, l, better, first);
          linalg::YieldOp::create(
              b, l,
              ValueRange{arith::SelectOp::create(b, l, take, v, best),
                         arith::SelectOp::create(b, l, take, idx, bestIdx)});
        });
    rewriter.replaceOp(op, generic.getResult(1));
    return success();
  }
};

/// softmax / log_softmax along `axis`.
Value softmax(OpBuilder &b, Location loc, Value x, int64_t axis, bool log,
              Type et) {
  Type acc = accumulatorOf(et);
  Value m = reduceWith(b, loc, ReduceKind::max, x, {axis}, true, acc, false);
  Value e = map2(b, loc, x, m, acc, [&](OpBuilder &nb, Location l, Value v, Value mv) -> Value {
    if (v.getType() != mv.getType())
      v = arith::ExtFOp::create(nb, l, mv.getType(), v);
    return math::ExpOp::create(nb, l, arith::SubFOp::create(nb, l, v, mv));
  });
  Value s = reduceWith(b, loc, ReduceKind::sum, e, {axis}, true, acc, false);
  if (!log)
    return map2(b, loc, e, s, et, [&](OpBuilder &nb, Location l, Value ev, Value sv) {
      return emitCast(nb, l, arith::DivFOp::create(nb, l, ev, sv), acc, et, false);
    });
  Value ms = map2(b, loc, m, s, acc, [](OpBuilder &nb, Location l, Value mv, Value sv) -> Value {
    return arith::AddFOp::create(nb, l, mv, math::LogOp::create(nb, l, sv));
  });
  return map2(b, loc, x, ms, et, [&](OpBuilder &nb, Location l, Value v, Value msv) {
    if (v.getType() != msv.getType())
      v = arith::ExtFOp::create(nb, l, msv.getType(), v);
    return emitCast(nb, l, arith::SubFOp::create(nb, l, v, msv), acc, et, false);
  });
}

template <typename OpTy, bool Log>
struct LowerSoftmax : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, softmax(rewriter, op.getLoc(), adaptor.getInput(),
                                   op.getAxis(), Log,
                                   storageType(elementOf(op.getInput()))));
    return success();
  }
};

struct LowerLayerNorm : OpConversionPattern<LayerNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(LayerNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    ArrayRef<int64_t> s = shapeOf(x);
    Type et = storageType(elementOf(op.getInput()));
    Type acc = accumulatorOf(et);
    SmallVector<int64_t> axes;
    for (int64_t i = op.getAxis(); i < static_cast<int64_t>(s.size()); ++i)
      axes.push_back(i);
    double n = static_cast<double>(countOf(s, axes));
    double eps = op.getEpsilon().convertToDouble();
    Value sum = reduceWith(rewriter, loc, ReduceKind::sum, x, axes, true, acc, false);
    Value mean = map1(rewriter, loc, sum, acc, [&](OpBuilder &b, Location l, Value v) -> Value {
      return arith::DivFOp::create(b, l, v, emitConstant(b, l, acc, n));
    });
    Value centered = map2(rewriter, loc, x, mean, acc,
                          [&](OpBuilder &b, Location l, Value v, Value m) -> Value {
                            if (v.getType() != m.getType())
                              v = arith::ExtFOp::create(b, l, m.getType(), v);
                            return arith::SubFOp::create(b, l, v, m);
                          });
    Value ss = reduceWith(rewriter, loc, ReduceKind::sum_square, centered, axes,
                          true, acc, false);
    Value inv = map1(rewriter, loc, ss, acc, [&](OpBuilder &b, Location l, Value v) -> Value {
      Value var = arith::DivFOp::create(b, l, v, emitConstant(b, l, acc, n));
      return math::RsqrtOp::create(
          b, l, arith::AddFOp::create(b, l, var, emitConstant(b, l, acc, eps)));
    });
    // The scale and bias broadcast to the normalized (trailing) dimensions.
    SmallVector<Value> inputs{centered, inv, adaptor.getScale()};
    if (adaptor.getBias())
      inputs.push_back(adaptor.getBias());
    Value r = buildElementwise(
        rewriter, loc, resultType(op.getOutput()), inputs,
        [&](OpBuilder &b, Location l, ValueRange a) {
          Value g = a[2].getType() == acc ? a[2]
                                          : arith::ExtFOp::create(b, l, acc, a[2]).getResult();
          Value v = arith::MulFOp::create(b, l, arith::MulFOp::create(b, l, a[0], a[1]), g);
          if (a.size() > 3) {
            Value bias = a[3].getType() == acc ? a[3]
                                               : arith::ExtFOp::create(b, l, acc, a[3]).getResult();
            v = arith::AddFOp::create(b, l, v, bias);
          }
          return emitCast(b, l, v, acc, et, false);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct LowerGlobalPool : OpConversionPattern<GlobalPoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GlobalPoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    ArrayRef<int64_t> s = shapeOf(x);
    Type et = storageType(elementOf(op.getInput()));
    Type acc = accumulatorOf(et);
    SmallVector<int64_t> axes;
    for (size_t i = 2; i < s.size(); ++i)
      axes.push_back(i);
    double n = static_cast<double>(countOf(s, axes));
    double p = static_cast<double>(op.getP());
    Value r;
    switch (op.getKind()) {
    case PoolKind::max:
      r = reduceWith(rewriter, loc, ReduceKind::max, x, axes, true, acc, false);
      break;
    case PoolKind::avg:
      r = reduceWith(rewriter, loc, ReduceKind::sum, x, axes, true, acc, false);
      r = map1(rewriter, loc, r, acc, [&](OpBuilder &b, Location l, Value v) -> Value {
        return arith::DivFOp::create(b, l, v, emitConstant(b, l, acc, n));
      });
      break;
    case PoolKind::lp: {
      Value powed = map1(rewriter, loc, x, acc, [&](OpBuilder &b, Location l, Value v) -> Value {
        if (v.getType() != acc)
          v = arith::ExtFOp::create(b, l, acc, v);
        return math::PowFOp::create(b, l, math::AbsFOp::create(b, l, v),
                                    emitConstant(b, l, acc, p));
      });
      r = reduceWith(rewriter, loc, ReduceKind::sum, powed, axes, true, acc, false);
      r = map1(rewriter, loc, r, acc, [&](OpBuilder &b, Location l, Value v) -> Value {
        return math::PowFOp::create(b, l, v, emitConstant(b, l, acc, 1.0 / p));
      });
      break;
    }
    }
    if (acc != et)
      r = map1(rewriter, loc, r, et, [&](OpBuilder &b, Location l, Value v) {
        return emitCast(b, l, v, acc, et, false);
      });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// The iteration space [dims before axis, i, j, dims after axis] used by the
/// quadratic scan and top-k: `i` indexes the output along the axis and `j`
/// the input along it.
struct PairSpace {
  int64_t rank, axis;
  MLIRContext *ctx;
  /// Map reading a tensor indexed like the input, at position `j` (true) or
  /// `i` (false) along the axis.
  AffineMap along(bool useJ) const {
    SmallVector<AffineExpr> exprs;
    for (int64_t d = 0; d < rank; ++d) {
      if (d < axis)
        exprs.push_back(getAffineDimExpr(d, ctx));
      else if (d == axis)
        exprs.push_back(getAffineDimExpr(useJ ? axis + 1 : axis, ctx));
      else
        exprs.push_back(getAffineDimExpr(d + 1, ctx));
    }
    return AffineMap::get(rank + 1, 0, exprs, ctx);
  }
  SmallVector<utils::IteratorType> iterators() const {
    SmallVector<utils::IteratorType> it(rank + 1, utils::IteratorType::parallel);
    it[axis + 1] = utils::IteratorType::reduction;
    return it;
  }
};

struct LowerCumSum : OpConversionPattern<CumSumOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(CumSumOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto type = resultType(op.getOutput());
    Type et = type.getElementType();
    PairSpace ps{type.getRank(), op.getAxis(), rewriter.getContext()};
    bool exclusive = op.getExclusive(), reverse = op.getReverse();
    Value init = filledTensor(rewriter, loc, type, emitConstant(rewriter, loc, et, 0));
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{x}, ValueRange{init},
        {ps.along(true), ps.along(false)}, ps.iterators(),
        [&](OpBuilder &b, Location l, ValueRange a) {
          Value i = linalg::IndexOp::create(b, l, ps.axis);
          Value j = linalg::IndexOp::create(b, l, ps.axis + 1);
          arith::CmpIPredicate pred =
              reverse ? (exclusive ? arith::CmpIPredicate::sgt : arith::CmpIPredicate::sge)
                      : (exclusive ? arith::CmpIPredicate::slt : arith::CmpIPredicate::sle);
          Value in = arith::CmpIOp::create(b, l, pred, j, i);
          Value sum = llvm::isa<FloatType>(et)
                          ? arith::AddFOp::create(b, l, a[1], a[0]).getResult()
                          : arith::AddIOp::create(b, l, a[1], a[0]).getResult();
          linalg::YieldOp::create(b, l, ValueRange{arith::SelectOp::create(b, l, in, sum, a[1])});
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// top_k: rank every element (how many elements beat it; ties go to the
/// lower index), then pick the elements ranked 0..k-1.
struct LowerTopK : OpConversionPattern<TopKOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(TopKOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    auto inType = llvm::cast<RankedTensorType>(x.getType());
    Type et = inType.getElementType();
    bool isFloat = llvm::isa<FloatType>(et);
    bool isUnsigned = isUnsignedElement(elementOf(op.getInput()));
    bool largest = op.getLargest();
    PairSpace ps{inType.getRank(), op.getAxis(), rewriter.getContext()};
    Type i64 = rewriter.getI64Type();
    auto rankType = inType.clone(i64);
    Value zero = arith::ConstantOp::create(rewriter, loc, rewriter.getI64IntegerAttr(0));
    // rank[i] = #{ j : x[j] beats x[i] }, over (i, j).
    auto ranks = linalg::GenericOp::create(
        rewriter, loc, TypeRange{rankType}, ValueRange{x, x},
        ValueRange{filledTensor(rewriter, loc, rankType, zero)},
        {ps.along(false), ps.along(true), ps.along(false)}, ps.iterators(),
        [&](OpBuilder &b, Location l, ValueRange a) {
          Value xi = a[0], xj = a[1];
          Value i = linalg::IndexOp::create(b, l, ps.axis);
          Value j = linalg::IndexOp::create(b, l, ps.axis + 1);
          Value beats, ties;
          if (isFloat) {
            beats = arith::CmpFOp::create(b, l, largest ? arith::CmpFPredicate::OGT
                                                        : arith::CmpFPredicate::OLT,
                                          xj, xi);
            ties = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ, xj, xi);
          } else {
            arith::CmpIPredicate p =
                largest ? (isUnsigned ? arith::CmpIPredicate::ugt : arith::CmpIPredicate::sgt)
                        : (isUnsigned ? arith::CmpIPredicate::ult : arith::CmpIPredicate::slt);
            beats = arith::CmpIOp::create(b, l, p, xj, xi);
            ties = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, xj, xi);
          }
          Value earlier = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, j, i);
          Value counts = arith::OrIOp::create(b, l, beats,
                                              arith::AndIOp::create(b, l, ties, earlier));
          Value one = arith::ExtUIOp::create(b, l, b.getI64Type(), counts);
          linalg::YieldOp::create(b, l, ValueRange{arith::AddIOp::create(b, l, a[2], one)});
        });
    // out[t] = the element with rank t, over (t, j).
    SmallVector<int64_t> outShape(inType.getShape());
    outShape[ps.axis] = op.getK();
    auto valType = RankedTensorType::get(outShape, et);
    auto idxType = RankedTensorType::get(outShape, i64);
    auto pick = linalg::GenericOp::create(
        rewriter, loc, TypeRange{valType, idxType},
        ValueRange{x, ranks.getResult(0)},
        ValueRange{filledTensor(rewriter, loc, valType, emitConstant(rewriter, loc, et, 0)),
                   filledTensor(rewriter, loc, idxType, zero)},
        {ps.along(true), ps.along(true), ps.along(false), ps.along(false)},
        ps.iterators(), [&](OpBuilder &b, Location l, ValueRange a) {
          Value t = arith::IndexCastOp::create(b, l, b.getI64Type(),
                                               linalg::IndexOp::create(b, l, ps.axis));
          Value j = arith::IndexCastOp::create(b, l, b.getI64Type(),
                                               linalg::IndexOp::create(b, l, ps.axis + 1));
          Value hit = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, a[1], t);
          linalg::YieldOp::create(
              b, l,
              ValueRange{arith::SelectOp::create(b, l, hit, a[0], a[2]),
                         arith::SelectOp::create(b, l, hit, j, a[3])});
        });
    rewriter.replaceOp(op, pick.getResults());
    return success();
  }
};
} // namespace

void mlir::infer::populateLowerReductionPatterns(const TypeConverter &converter,
                                                 RewritePatternSet &patterns) {
  patterns.add<LowerReduce, LowerArgReduce, LowerSoftmax<SoftmaxOp, false>,
               LowerSoftmax<LogSoftmaxOp, true>, LowerLayerNorm, LowerGlobalPool,
               LowerCumSum, LowerTopK>(converter, patterns.getContext());
}
