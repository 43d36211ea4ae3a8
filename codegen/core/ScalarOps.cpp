//===- ScalarOps.cpp - The scalar math of infer's elementwise ops ---------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/core/ScalarOps.h"

#include "codegen/core/SmallFloatCast.h"
#include "ir/ConstantView.h"
#include "ir/SmallTypes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::infer;

Type mlir::infer::storageType(Type type) {
  // float8, float4 and 4-bit integers: a byte each.
  if (isByteHeldSmallType(type))
    return IntegerType::get(type.getContext(), 8);
  if (auto q = llvm::dyn_cast<quant::QuantizedType>(type))
    return IntegerType::get(type.getContext(),
                            std::max(8u, q.getStorageTypeIntegralWidth()));
  if (auto i = llvm::dyn_cast<IntegerType>(type))
    if (!i.isSignless())
      return IntegerType::get(type.getContext(), i.getWidth());
  return type;
}

RankedTensorType mlir::infer::storageTensorType(RankedTensorType type) {
  return type.clone(storageType(type.getElementType()));
}

bool mlir::infer::isUnsignedElement(Type type) {
  if (auto q = llvm::dyn_cast<quant::QuantizedType>(type))
    return !q.isSigned();
  auto i = llvm::dyn_cast<IntegerType>(type);
  return i && (i.isUnsigned() || i.getWidth() == 1);
}

namespace {
/// The element type of a scalar or vector type.
Type elementTypeOf(Type t) {
  if (auto v = llvm::dyn_cast<VectorType>(t))
    return v.getElementType();
  return t;
}

bool isHalfLike(Type t) {
  Type e = elementTypeOf(t);
  return e.isF16() || e.isBF16();
}

/// A float constant of `t` (a float type, or a vector of one: splat).
Value fconst(OpBuilder &b, Location loc, Type t, double v) {
  if (auto vt = llvm::dyn_cast<VectorType>(t))
    return arith::ConstantOp::create(
        b, loc, vt,
        DenseElementsAttr::get(vt, b.getFloatAttr(vt.getElementType(), v)));
  return arith::ConstantOp::create(b, loc, t, b.getFloatAttr(t, v));
}

Value iconst(OpBuilder &b, Location loc, Type t, int64_t v) {
  if (auto vt = llvm::dyn_cast<VectorType>(t))
    return arith::ConstantOp::create(
        b, loc, vt,
        DenseElementsAttr::get(vt, b.getIntegerAttr(vt.getElementType(), v)));
  return arith::ConstantOp::create(b, loc, t, b.getIntegerAttr(t, v));
}

/// An integer bound `v` of a clip on elements of `t`: saturated into the
/// element type's range (a bound past it clamps nothing on that side).
int64_t intBound(double v, Type t, bool isUnsigned) {
  Type et = llvm::isa<VectorType>(t) ? llvm::cast<VectorType>(t).getElementType() : t;
  unsigned width = llvm::cast<IntegerType>(et).getWidth();
  auto [lo, hi] = integerRange(IntegerType::get(
      t.getContext(), width,
      isUnsigned ? IntegerType::Unsigned : IntegerType::Signless));
  return std::clamp(saturatingInt64(v), lo, hi);
}

/// `t` with its element type replaced by `e` (vectors keep their shape).
Type withElement(Type t, Type e) {
  if (auto vt = llvm::dyn_cast<VectorType>(t))
    return vt.clone(e);
  return e;
}

/// Computes a float function in f32 for half types and rounds back.
Value inComputeType(OpBuilder &b, Location loc, Value x,
                    llvm::function_ref<Value(Value)> fn) {
  Type t = x.getType();
  if (!isHalfLike(t))
    return fn(x);
  Value wide = arith::ExtFOp::create(b, loc, withElement(t, b.getF32Type()), x);
  return arith::TruncFOp::create(b, loc, t, fn(wide));
}

Value sigmoid(OpBuilder &b, Location loc, Value x) {
  Type t = x.getType();
  Value one = fconst(b, loc, t, 1.0);
  Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
  return arith::DivFOp::create(b, loc, one, arith::AddFOp::create(b, loc, one, e));
}

Value softplus(OpBuilder &b, Location loc, Value x) {
  // log1p(exp(x)), and x itself where exp would overflow.
  Type t = x.getType();
  Value big = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x,
                                    fconst(b, loc, t, 30.0));
  Value sp = math::Log1pOp::create(b, loc, math::ExpOp::create(b, loc, x));
  return arith::SelectOp::create(b, loc, big, x, sp);
}

Value floatUnary(OpBuilder &b, Location loc, UnaryKind kind, Value x, double a,
                 double beta) {
  Type t = x.getType();
  auto c = [&](double v) { return fconst(b, loc, t, v); };
  auto mul = [&](Value l, Value r) { return arith::MulFOp::create(b, loc, l, r).getResult(); };
  auto add = [&](Value l, Value r) { return arith::AddFOp::create(b, loc, l, r).getResult(); };
  auto sub = [&](Value l, Value r) { return arith::SubFOp::create(b, loc, l, r).getResult(); };
  auto lt = [&](Value l, Value r) {
    return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, l, r).getResult();
  };
  auto gt = [&](Value l, Value r) {
    return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, l, r).getResult();
  };
  auto sel = [&](Value cond, Value l, Value r) {
    return arith::SelectOp::create(b, loc, cond, l, r).getResult();
  };
  auto maxf = [&](Value l, Value r) { return arith::MaximumFOp::create(b, loc, l, r).getResult(); };
  auto minf = [&](Value l, Value r) { return arith::MinimumFOp::create(b, loc, l, r).getResult(); };
  switch (kind) {
  case UnaryKind::abs: return math::AbsFOp::create(b, loc, x);
  case UnaryKind::neg: return arith::NegFOp::create(b, loc, x);
  case UnaryKind::exp: return math::ExpOp::create(b, loc, x);
  case UnaryKind::log: return math::LogOp::create(b, loc, x);
  case UnaryKind::sqrt: return math::SqrtOp::create(b, loc, x);
  case UnaryKind::reciprocal: return arith::DivFOp::create(b, loc, c(1.0), x);
  case UnaryKind::sin: return math::SinOp::create(b, loc, x);
  case UnaryKind::cos: return math::CosOp::create(b, loc, x);
  case UnaryKind::tan: return math::TanOp::create(b, loc, x);
  case UnaryKind::asin: return math::AsinOp::create(b, loc, x);
  case UnaryKind::acos: return math::AcosOp::create(b, loc, x);
  case UnaryKind::atan: return math::AtanOp::create(b, loc, x);
  case UnaryKind::sinh: return math::SinhOp::create(b, loc, x);
  case UnaryKind::cosh: return math::CoshOp::create(b, loc, x);
  case UnaryKind::tanh: return math::TanhOp::create(b, loc, x);
  case UnaryKind::asinh: return math::AsinhOp::create(b, loc, x);
  case UnaryKind::acosh: return math::AcoshOp::create(b, loc, x);
  case UnaryKind::atanh: return math::AtanhOp::create(b, loc, x);
  case UnaryKind::erf: return math::ErfOp::create(b, loc, x);
  case UnaryKind::floor: return math::FloorOp::create(b, loc, x);
  case UnaryKind::ceil: return math::CeilOp::create(b, loc, x);
  case UnaryKind::round: return math::RoundEvenOp::create(b, loc, x);
  case UnaryKind::sign:
    return sel(gt(x, c(0)), c(1), sel(lt(x, c(0)), c(-1), c(0)));
  case UnaryKind::sigmoid: return sigmoid(b, loc, x);
  case UnaryKind::relu: return maxf(x, c(0));
  case UnaryKind::leaky_relu: return sel(lt(x, c(0)), mul(x, c(a)), x);
  case UnaryKind::elu:
    return sel(lt(x, c(0)),
               mul(c(a), sub(math::ExpOp::create(b, loc, x), c(1))), x);
  case UnaryKind::selu:
    return sel(gt(x, c(0)), mul(c(beta), x),
               mul(c(beta * a), sub(math::ExpOp::create(b, loc, x), c(1))));
  case UnaryKind::celu: {
    Value e = math::ExpOp::create(b, loc, arith::DivFOp::create(b, loc, x, c(a)));
    return add(maxf(x, c(0)), minf(c(0), mul(c(a), sub(e, c(1)))));
  }
  case UnaryKind::hard_sigmoid:
    return maxf(c(0), minf(c(1), add(mul(x, c(a)), c(beta))));
  case UnaryKind::hard_swish:
    return mul(x, maxf(c(0), minf(c(1), add(mul(x, c(1.0 / 6.0)), c(0.5)))));
  case UnaryKind::softplus: return softplus(b, loc, x);
  case UnaryKind::softsign:
    return arith::DivFOp::create(b, loc, x,
                                 add(c(1), math::AbsFOp::create(b, loc, x)));
  case UnaryKind::mish:
    return mul(x, math::TanhOp::create(b, loc, softplus(b, loc, x)));
  case UnaryKind::silu: return mul(x, sigmoid(b, loc, x));
  case UnaryKind::gelu:
    return mul(mul(c(0.5), x),
               add(c(1), math::ErfOp::create(b, loc, mul(x, c(M_SQRT1_2)))));
  case UnaryKind::gelu_tanh: {
    Value inner = mul(c(std::sqrt(2.0 / M_PI)),
                      add(x, mul(c(0.044715), mul(x, mul(x, x)))));
    return mul(mul(c(0.5), x), add(c(1), math::TanhOp::create(b, loc, inner)));
  }
  case UnaryKind::clip: return minf(maxf(x, c(a)), c(beta));
  case UnaryKind::thresholded_relu: return sel(gt(x, c(a)), x, c(0));
  case UnaryKind::shrink:
    return sel(lt(x, c(-a)), add(x, c(beta)),
               sel(gt(x, c(a)), sub(x, c(beta)), c(0)));
  case UnaryKind::identity: return x;
  default: break;
  }
  return x;
}
} // namespace

Value mlir::infer::emitConstant(OpBuilder &b, Location loc, Type type,
                                double value) {
  if (llvm::isa<FloatType>(type))
    return fconst(b, loc, type, value);
  return iconst(b, loc, type, static_cast<int64_t>(value));
}

Value mlir::infer::emitUnary(OpBuilder &b, Location loc, UnaryKind kind,
                             Value x, Type type, std::optional<APFloat> alpha,
                             std::optional<APFloat> beta) {
  // float8 / float4 compute in f32 and round back, as the reference does.
  if (std::optional<::infer::SmallFloat> f = smallFloatOf(type)) {
    Value r = emitUnary(b, loc, kind, emitSmallFloatDecode(b, loc, x, *f), b.getF32Type(),
                        alpha, beta);
    return r.getType().isF32() ? emitSmallFloatEncode(b, loc, r, *f, false) : r;
  }
  double a = alpha ? alpha->convertToDouble() : 0.0;
  double bt = beta ? beta->convertToDouble() : 0.0;
  Type t = x.getType();
  if (llvm::isa<FloatType>(elementTypeOf(t))) {
    if (kind == UnaryKind::is_nan)
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, x, x);
    if (kind == UnaryKind::is_inf) {
      Value absx = math::AbsFOp::create(b, loc, x);
      Value inf = fconst(b, loc, t, INFINITY);
      Value isInf = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ,
                                          absx, inf);
      Value neg = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x,
                                        fconst(b, loc, t, 0));
      Type i1 = withElement(t, b.getI1Type());
      Value wanted = arith::SelectOp::create(b, loc, neg, iconst(b, loc, i1, a != 0),
                                             iconst(b, loc, i1, bt != 0));
      return arith::AndIOp::create(b, loc, isInf, wanted);
    }
    return inComputeType(b, loc, x, [&](Value v) {
      return floatUnary(b, loc, kind, v, a, bt);
    });
  }
  // Integers and booleans.
  bool isUnsigned = isUnsignedElement(type);
  auto zero = iconst(b, loc, t, 0);
  switch (kind) {
  case UnaryKind::abs:
    return isUnsigned ? x : math::AbsIOp::create(b, loc, x).getResult();
  case UnaryKind::neg: return arith::SubIOp::create(b, loc, zero, x);
  case UnaryKind::sign: {
    if (isUnsigned)
      return arith::ExtUIOp::create(
          b, loc, t,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x, zero));
    Value pos = arith::ExtUIOp::create(
        b, loc, t, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, x, zero));
    Value neg = arith::ExtUIOp::create(
        b, loc, t, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x, zero));
    return arith::SubIOp::create(b, loc, pos, neg);
  }
  case UnaryKind::relu:
    return isUnsigned ? x : arith::MaxSIOp::create(b, loc, x, zero).getResult();
  case UnaryKind::clip: {
    // Bounds past the type's range clamp nothing on that side.
    Value lo = iconst(b, loc, t, intBound(a, t, isUnsigned));
    Value hi = iconst(b, loc, t, intBound(bt, t, isUnsigned));
    if (isUnsigned)
      return arith::MinUIOp::create(b, loc, arith::MaxUIOp::create(b, loc, x, lo), hi);
    return arith::MinSIOp::create(b, loc, arith::MaxSIOp::create(b, loc, x, lo), hi);
  }
  case UnaryKind::not_:
    return arith::XOrIOp::create(b, loc, x, iconst(b, loc, t, 1));
  case UnaryKind::bitwise_not:
    return arith::XOrIOp::create(b, loc, x, iconst(b, loc, t, -1));
  case UnaryKind::shrink: {
    // Integer shrink: compare and shift by the rounded bias.
    Value lam = iconst(b, loc, t, saturatingInt64(a));
    Value bias = iconst(b, loc, t, saturatingInt64(bt));
    Value nlam = arith::SubIOp::create(b, loc, zero, lam);
    Value below = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x, nlam);
    Value above = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, x, lam);
    return arith::SelectOp::create(
        b, loc, below, arith::AddIOp::create(b, loc, x, bias),
        arith::SelectOp::create(b, loc, above,
                                arith::SubIOp::create(b, loc, x, bias), zero));
  }
  default: return x;
  }
}

Value mlir::infer::emitBinary(OpBuilder &b, Location loc, BinaryKind kind,
                              Value lhs, Value rhs, Type lhsType,
                              Type rhsType) {
  std::optional<::infer::SmallFloat> lf = smallFloatOf(lhsType), rf = smallFloatOf(rhsType);
  if (lf || rf) {
    Type f32 = b.getF32Type();
    Value l = lf ? emitSmallFloatDecode(b, loc, lhs, *lf) : lhs;
    Value r = rf ? emitSmallFloatDecode(b, loc, rhs, *rf) : rhs;
    Value v = emitBinary(b, loc, kind, l, r, lf ? f32 : lhsType, rf ? f32 : rhsType);
    return lf && v.getType().isF32() ? emitSmallFloatEncode(b, loc, v, *lf, false) : v;
  }
  if (isInt4(lhsType) && lhs.getType().isInteger(8)) {
    // 4-bit integers compute in their byte and wrap to 4 bits.
    auto byteOf = [&](Type t) -> Type {
      if (!isInt4(t))
        return t;
      return IntegerType::get(b.getContext(), 8,
                              isUnsignedElement(t) ? IntegerType::Unsigned : IntegerType::Signless);
    };
    Value v = emitBinary(b, loc, kind, lhs, rhs, byteOf(lhsType), byteOf(rhsType));
    if (!v.getType().isInteger(8))
      return v;
    return emitCast(b, loc, v, b.getI8Type(), lhsType, false);
  }
  Type t = lhs.getType();
  if (llvm::isa<FloatType>(elementTypeOf(t))) {
    // Pow with an integer exponent: convert the exponent first.
    if (!llvm::isa<FloatType>(elementTypeOf(rhs.getType())))
      rhs = emitCast(b, loc, rhs, rhsType, lhsType, false);
    auto cmp = [&](arith::CmpFPredicate p) -> Value {
      return arith::CmpFOp::create(b, loc, p, lhs, rhs);
    };
    switch (kind) {
    case BinaryKind::equal: return cmp(arith::CmpFPredicate::OEQ);
    case BinaryKind::greater: return cmp(arith::CmpFPredicate::OGT);
    case BinaryKind::greater_equal: return cmp(arith::CmpFPredicate::OGE);
    case BinaryKind::less: return cmp(arith::CmpFPredicate::OLT);
    case BinaryKind::less_equal: return cmp(arith::CmpFPredicate::OLE);
    default: break;
    }
    return inComputeType(b, loc, lhs, [&](Value l) -> Value {
      Value r = rhs;
      if (r.getType() != l.getType())
        r = arith::ExtFOp::create(b, loc, l.getType(), r);
      switch (kind) {
      case BinaryKind::add: return arith::AddFOp::create(b, loc, l, r);
      case BinaryKind::sub: return arith::SubFOp::create(b, loc, l, r);
      case BinaryKind::mul: return arith::MulFOp::create(b, loc, l, r);
      case BinaryKind::div: return arith::DivFOp::create(b, loc, l, r);
      case BinaryKind::pow: return math::PowFOp::create(b, loc, l, r);
      case BinaryKind::max: return arith::MaximumFOp::create(b, loc, l, r);
      case BinaryKind::min: return arith::MinimumFOp::create(b, loc, l, r);
      case BinaryKind::fmod: return arith::RemFOp::create(b, loc, l, r);
      case BinaryKind::mod: {
        // Python modulo: the result takes the divisor's sign.
        Value rem = arith::RemFOp::create(b, loc, l, r);
        Value zero = fconst(b, loc, l.getType(), 0);
        Value nonzero = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::ONE, rem, zero);
        Value remNeg = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, rem, zero);
        Value rNeg = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, r, zero);
        Value differ = arith::XOrIOp::create(b, loc, remNeg, rNeg);
        Value fix = arith::AndIOp::create(b, loc, nonzero, differ);
        return arith::SelectOp::create(b, loc, fix,
                                       arith::AddFOp::create(b, loc, rem, r), rem);
      }
      case BinaryKind::prelu: {
        Value neg = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, l,
                                          fconst(b, loc, l.getType(), 0));
        return arith::SelectOp::create(b, loc, neg,
                                       arith::MulFOp::create(b, loc, l, r), l);
      }
      default: return l;
      }
    });
  }
  // Integers: wrapping arithmetic, and no operation that traps or yields
  // poison (see the reference interpreter's binaryInt). A zero divisor is
  // replaced by 1 here; infer-insert-checks makes the run fail before its
  // result is used.
  bool u = isUnsignedElement(lhsType);
  auto cmp = [&](arith::CmpIPredicate s, arith::CmpIPredicate us) -> Value {
    return arith::CmpIOp::create(b, loc, u ? us : s, lhs, rhs);
  };
  if (kind == BinaryKind::pow && llvm::isa<FloatType>(elementTypeOf(rhs.getType()))) {
    // A float exponent on integers: in f64, converted back saturating (NaN
    // is 0), as the reference interpreter does.
    Value l = emitCast(b, loc, lhs, lhsType, b.getF64Type(), false);
    Value r = emitCast(b, loc, rhs, rhsType, b.getF64Type(), false);
    Value p = math::PowFOp::create(b, loc, l, r);
    return emitCast(b, loc, p, b.getF64Type(), lhsType, /*saturate=*/true);
  }
  if (rhs.getType() != t)
    rhs = emitCast(b, loc, rhs, rhsType, lhsType, false);
  unsigned width = elementTypeOf(t).getIntOrFloatBitWidth();
  auto eq = [&](Value l, Value r) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, l, r).getResult();
  };
  auto select = [&](Value c, Value l, Value r) {
    return arith::SelectOp::create(b, loc, c, l, r).getResult();
  };
  // The divisor made safe: 1 for 0, and (signed) 1 for -1 with a dividend
  // of INT_MIN, whose quotient wraps to INT_MIN and remainder is 0.
  auto safeDivisor = [&]() -> Value {
    Value one = iconst(b, loc, t, 1);
    Value d = select(eq(rhs, iconst(b, loc, t, 0)), one, rhs);
    if (u)
      return d;
    Value minOverMinusOne = arith::AndIOp::create(
        b, loc,
        eq(lhs, iconst(b, loc, t, llvm::APInt::getSignedMinValue(width).getSExtValue())),
        eq(rhs, iconst(b, loc, t, -1)));
    return select(minOverMinusOne, one, d);
  };
  switch (kind) {
  case BinaryKind::add: return arith::AddIOp::create(b, loc, lhs, rhs);
  case BinaryKind::sub: return arith::SubIOp::create(b, loc, lhs, rhs);
  case BinaryKind::mul: return arith::MulIOp::create(b, loc, lhs, rhs);
  case BinaryKind::div: {
    Value d = safeDivisor();
    return u ? arith::DivUIOp::create(b, loc, lhs, d).getResult()
             : arith::DivSIOp::create(b, loc, lhs, d).getResult();
  }
  case BinaryKind::max:
    return u ? arith::MaxUIOp::create(b, loc, lhs, rhs).getResult()
             : arith::MaxSIOp::create(b, loc, lhs, rhs).getResult();
  case BinaryKind::min:
    return u ? arith::MinUIOp::create(b, loc, lhs, rhs).getResult()
             : arith::MinSIOp::create(b, loc, lhs, rhs).getResult();
  case BinaryKind::fmod: {
    Value d = safeDivisor();
    return u ? arith::RemUIOp::create(b, loc, lhs, d).getResult()
             : arith::RemSIOp::create(b, loc, lhs, d).getResult();
  }
  case BinaryKind::mod: {
    Value d = safeDivisor();
    if (u)
      return arith::RemUIOp::create(b, loc, lhs, d);
    Value rem = arith::RemSIOp::create(b, loc, lhs, d);
    Value zero = iconst(b, loc, t, 0);
    Value nonzero = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, rem, zero);
    Value remNeg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, rem, zero);
    Value rNeg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, d, zero);
    Value fix = arith::AndIOp::create(b, loc, nonzero,
                                      arith::XOrIOp::create(b, loc, remNeg, rNeg));
    return select(fix, arith::AddIOp::create(b, loc, rem, d), rem);
  }
  case BinaryKind::pow: {
    // Square and multiply over the exponent's bits: wrapping, as the
    // reference does; a negative exponent gives 1/x^-y truncated (1 for
    // x = 1, +-1 for x = -1, else 0).
    Value one = iconst(b, loc, t, 1), zero = iconst(b, loc, t, 0);
    Value r = one, base = lhs;
    for (unsigned i = 0; i < width; ++i) {
      Value bit = arith::AndIOp::create(
          b, loc, arith::ShRUIOp::create(b, loc, rhs, iconst(b, loc, t, i)), one);
      r = select(eq(bit, one), arith::MulIOp::create(b, loc, r, base), r);
      base = arith::MulIOp::create(b, loc, base, base);
    }
    if (u)
      return r;
    Value negExp = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, rhs, zero);
    Value minusOne = iconst(b, loc, t, -1);
    Value odd = eq(arith::AndIOp::create(b, loc, rhs, one), one);
    Value inv = select(eq(lhs, one), one,
                       select(eq(lhs, minusOne), select(odd, minusOne, one), zero));
    return select(negExp, inv, r);
  }
  case BinaryKind::prelu: {
    Value neg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, lhs,
                                      iconst(b, loc, t, 0));
    return arith::SelectOp::create(b, loc, neg,
                                   arith::MulIOp::create(b, loc, lhs, rhs), lhs);
  }
  case BinaryKind::and_:
  case BinaryKind::bitwise_and: return arith::AndIOp::create(b, loc, lhs, rhs);
  case BinaryKind::or_:
  case BinaryKind::bitwise_or: return arith::OrIOp::create(b, loc, lhs, rhs);
  case BinaryKind::xor_:
  case BinaryKind::bitwise_xor: return arith::XOrIOp::create(b, loc, lhs, rhs);
  case BinaryKind::shift_left:
  case BinaryKind::shift_right: {
    // Shifting by the bit width or more gives 0 (LLVM would give poison).
    Value w = iconst(b, loc, t, width);
    Value tooFar = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, rhs, w);
    Value s = kind == BinaryKind::shift_left
                  ? arith::ShLIOp::create(b, loc, lhs, rhs).getResult()
                  : arith::ShRUIOp::create(b, loc, lhs, rhs).getResult();
    return select(tooFar, iconst(b, loc, t, 0), s);
  }
  case BinaryKind::equal:
    return cmp(arith::CmpIPredicate::eq, arith::CmpIPredicate::eq);
  case BinaryKind::greater:
    return cmp(arith::CmpIPredicate::sgt, arith::CmpIPredicate::ugt);
  case BinaryKind::greater_equal:
    return cmp(arith::CmpIPredicate::sge, arith::CmpIPredicate::uge);
  case BinaryKind::less:
    return cmp(arith::CmpIPredicate::slt, arith::CmpIPredicate::ult);
  case BinaryKind::less_equal:
    return cmp(arith::CmpIPredicate::sle, arith::CmpIPredicate::ule);
  }
  return lhs;
}

Value mlir::infer::emitCast(OpBuilder &b, Location loc, Value x, Type from,
                            Type to, bool saturate) {
  // float8 / float4 codes go through f32; 4-bit integers wrap to their
  // width inside their byte.
  std::optional<::infer::SmallFloat> fromSmall = smallFloatOf(from), toSmall = smallFloatOf(to);
  Type f32 = b.getF32Type();
  if (fromSmall) {
    Value v = emitSmallFloatDecode(b, loc, x, *fromSmall);
    return toSmall ? emitSmallFloatEncode(b, loc, v, *toSmall, saturate)
                   : emitCast(b, loc, v, f32, to, saturate);
  }
  if (toSmall) {
    Value v = emitCast(b, loc, x, from, f32, false);
    return emitSmallFloatEncode(b, loc, v, *toSmall, saturate);
  }
  if (isInt4(to) && !from.isInteger(1)) {
    Type i32 = b.getI32Type();
    Value v = emitCast(b, loc, x, from, i32, false);
    Value narrow = arith::TruncIOp::create(b, loc, IntegerType::get(b.getContext(), 4), v);
    Type i8 = b.getI8Type();
    return isUnsignedElement(to) ? arith::ExtUIOp::create(b, loc, i8, narrow).getResult()
                                 : arith::ExtSIOp::create(b, loc, i8, narrow).getResult();
  }
  Type src = x.getType(), dst = storageType(to);
  if (src == dst)
    return x;
  bool srcFloat = llvm::isa<FloatType>(src), dstFloat = llvm::isa<FloatType>(dst);
  if (dst.isInteger(1)) {
    if (srcFloat)
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, x,
                                   fconst(b, loc, src, 0));
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x,
                                 iconst(b, loc, src, 0));
  }
  if (srcFloat && dstFloat) {
    if (llvm::cast<FloatType>(src).getWidth() < llvm::cast<FloatType>(dst).getWidth())
      return arith::ExtFOp::create(b, loc, dst, x);
    if (llvm::cast<FloatType>(src).getWidth() > llvm::cast<FloatType>(dst).getWidth())
      return arith::TruncFOp::create(b, loc, dst, x);
    // f16 <-> bf16 through f32.
    Value wide = arith::ExtFOp::create(b, loc, b.getF32Type(), x);
    return arith::TruncFOp::create(b, loc, dst, wide);
  }
  bool srcUnsigned = isUnsignedElement(from), dstUnsigned = isUnsignedElement(to);
  if (srcFloat) {
    // NaN becomes 0, other values saturate to the integer range (as the
    // reference interpreter does).
    auto it = llvm::cast<IntegerType>(dst);
    Value v = x;
    Type f = src;
    if (isHalfLike(src)) {
      v = arith::ExtFOp::create(b, loc, b.getF32Type(), x);
      f = b.getF32Type();
    }
    // Every width saturates (an out-of-range fptosi is poison in LLVM).
    unsigned w = it.getWidth();
    double lo = dstUnsigned ? 0.0 : -std::ldexp(1.0, w - 1);
    double hi = dstUnsigned ? std::ldexp(1.0, w) - 1 : std::ldexp(1.0, w - 1) - 1;
    if (f.isF32()) {
      // f32 cannot hold 2^31 - 1: clamp in f64.
      v = arith::ExtFOp::create(b, loc, b.getF64Type(), v);
      f = b.getF64Type();
    }
    // 2^63 - 1 (2^64 - 1) rounds up to 2^63 (2^64) as a double: clamp
    // below it and select the maximum for what reaches it.
    double limit = std::ldexp(1.0, dstUnsigned ? w : w - 1);
    Value atLimit = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGE, v,
                                          fconst(b, loc, f, limit));
    if (w == 64)
      hi = std::nextafter(limit, 0.0);
    v = arith::MaximumFOp::create(b, loc, v, fconst(b, loc, f, lo));
    v = arith::MinimumFOp::create(b, loc, v, fconst(b, loc, f, hi));
    Value isNan = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, v, v);
    v = arith::SelectOp::create(b, loc, isNan, fconst(b, loc, f, 0), v);
    Value r = dstUnsigned ? arith::FPToUIOp::create(b, loc, dst, v).getResult()
                          : arith::FPToSIOp::create(b, loc, dst, v).getResult();
    if (w < 64)
      return r;
    int64_t max = dstUnsigned ? -1 : std::numeric_limits<int64_t>::max();
    return arith::SelectOp::create(b, loc, atLimit, iconst(b, loc, dst, max), r);
  }
  if (dstFloat) {
    if (src.isInteger(1) || srcUnsigned)
      return arith::UIToFPOp::create(b, loc, dst, x);
    return arith::SIToFPOp::create(b, loc, dst, x);
  }
  // Integer to integer.
  unsigned sw = llvm::cast<IntegerType>(src).getWidth();
  unsigned dw = llvm::cast<IntegerType>(dst).getWidth();
  if (sw == dw)
    return x;
  if (sw > dw)
    return arith::TruncIOp::create(b, loc, dst, x);
  if (srcUnsigned || src.isInteger(1))
    return arith::ExtUIOp::create(b, loc, dst, x);
  return arith::ExtSIOp::create(b, loc, dst, x);
}

Value mlir::infer::emitReduceInit(OpBuilder &b, Location loc, ReduceKind kind,
                                  Type t, bool isUnsigned) {
  bool isFloat = llvm::isa<FloatType>(t);
  switch (kind) {
  case ReduceKind::prod: return emitConstant(b, loc, t, 1);
  case ReduceKind::max:
  case ReduceKind::log_sum_exp:
    if (isFloat)
      return fconst(b, loc, t, -INFINITY);
    return arith::ConstantOp::create(
        b, loc, t,
        b.getIntegerAttr(t, isUnsigned ? APInt::getMinValue(t.getIntOrFloatBitWidth())
                                       : APInt::getSignedMinValue(t.getIntOrFloatBitWidth())));
  case ReduceKind::min:
    if (isFloat)
      return fconst(b, loc, t, INFINITY);
    return arith::ConstantOp::create(
        b, loc, t,
        b.getIntegerAttr(t, isUnsigned ? APInt::getMaxValue(t.getIntOrFloatBitWidth())
                                       : APInt::getSignedMaxValue(t.getIntOrFloatBitWidth())));
  default: return emitConstant(b, loc, t, 0);
  }
}

Value mlir::infer::emitReduceStep(OpBuilder &b, Location loc, ReduceKind kind,
                                  Value acc, Value x, bool isUnsigned) {
  Type t = acc.getType();
  if (x.getType() != t)
    x = llvm::isa<FloatType>(t) ? arith::ExtFOp::create(b, loc, t, x).getResult()
                                : x;
  if (llvm::isa<FloatType>(t)) {
    switch (kind) {
    case ReduceKind::sum:
    case ReduceKind::mean:
    case ReduceKind::log_sum:
    case ReduceKind::log_sum_exp: // the caller passes exp(x - max)
      return arith::AddFOp::create(b, loc, acc, x);
    case ReduceKind::max: return arith::MaximumFOp::create(b, loc, acc, x);
    case ReduceKind::min: return arith::MinimumFOp::create(b, loc, acc, x);
    case ReduceKind::prod: return arith::MulFOp::create(b, loc, acc, x);
    case ReduceKind::l1:
      return arith::AddFOp::create(b, loc, acc, math::AbsFOp::create(b, loc, x));
    case ReduceKind::l2:
    case ReduceKind::sum_square:
      return arith::AddFOp::create(b, loc, acc, arith::MulFOp::create(b, loc, x, x));
    }
  }
  switch (kind) {
  case ReduceKind::max:
    return isUnsigned ? arith::MaxUIOp::create(b, loc, acc, x).getResult()
                      : arith::MaxSIOp::create(b, loc, acc, x).getResult();
  case ReduceKind::min:
    return isUnsigned ? arith::MinUIOp::create(b, loc, acc, x).getResult()
                      : arith::MinSIOp::create(b, loc, acc, x).getResult();
  case ReduceKind::prod: return arith::MulIOp::create(b, loc, acc, x);
  case ReduceKind::l1:
    return arith::AddIOp::create(
        b, loc, acc, isUnsigned ? x : math::AbsIOp::create(b, loc, x).getResult());
  case ReduceKind::l2:
  case ReduceKind::sum_square:
    return arith::AddIOp::create(b, loc, acc, arith::MulIOp::create(b, loc, x, x));
  default: return arith::AddIOp::create(b, loc, acc, x);
  }
}
