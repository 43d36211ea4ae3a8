//===- SmallFloatCast.cpp - float8 / float4 conversions in arith ----------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/core/SmallFloatCast.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>

using namespace mlir;
using namespace mlir::infer;
using ::infer::SmallFloat;
using ::infer::SmallFloatLayout;

namespace {
/// Integer arithmetic on i32 scalars, spelled short.
struct I32 {
  OpBuilder &b;
  Location loc;
  Type t = b.getI32Type();

  Value c(int64_t v) { return arith::ConstantOp::create(b, loc, t, b.getIntegerAttr(t, v)); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubIOp::create(b, loc, x, y); }
  Value band(Value x, int64_t m) { return arith::AndIOp::create(b, loc, x, c(m)); }
  Value bor(Value x, Value y) { return arith::OrIOp::create(b, loc, x, y); }
  Value shl(Value x, int64_t s) { return arith::ShLIOp::create(b, loc, x, c(s)); }
  Value shr(Value x, int64_t s) { return arith::ShRUIOp::create(b, loc, x, c(s)); }
  Value cmp(arith::CmpIPredicate p, Value x, int64_t v) {
    return arith::CmpIOp::create(b, loc, p, x, c(v));
  }
  Value eq(Value x, int64_t v) { return cmp(arith::CmpIPredicate::eq, x, v); }
  Value sel(Value cond, Value x, Value y) {
    return arith::SelectOp::create(b, loc, cond, x, y);
  }
};
} // namespace

Value mlir::infer::emitSmallFloatDecode(OpBuilder &b, Location loc, Value code,
                                        SmallFloat format) {
  SmallFloatLayout l = ::infer::layoutOf(format);
  I32 i{b, loc};
  Type f32 = b.getF32Type();
  int n = l.expBits + l.manBits;
  Value c = i.band(arith::ExtUIOp::create(b, loc, i.t, code), (1 << (n + 1)) - 1);
  Value neg = i.eq(i.band(c, 1 << n), 1 << n);
  Value mag = i.band(c, (1 << n) - 1);
  Value e = i.shr(mag, l.manBits);
  Value m = i.band(mag, (1 << l.manBits) - 1);
  // Normal: the f32 with the exponent rebiased and the mantissa moved up.
  Value normalBits = i.bor(i.shl(i.add(e, i.c(127 - l.bias)), 23), i.shl(m, 23 - l.manBits));
  Value normal = arith::BitcastOp::create(b, loc, f32, normalBits);
  // Subnormal: m quanta of 2^(1 - bias - manBits).
  Value quantum = arith::ConstantOp::create(
      b, loc, f32, b.getF32FloatAttr(std::ldexp(1.0f, 1 - l.bias - l.manBits)));
  Value sub = arith::MulFOp::create(b, loc, arith::UIToFPOp::create(b, loc, f32, m), quantum);
  Value v = i.sel(i.eq(e, 0), sub, normal);
  v = i.sel(neg, arith::NegFOp::create(b, loc, v), v);
  auto fconst = [&](float x) {
    return arith::ConstantOp::create(b, loc, f32, b.getF32FloatAttr(x));
  };
  if (l.fnuz)
    return i.sel(i.eq(c, 1 << n), fconst(NAN), v);
  if (l.ieee) {
    Value special = i.eq(e, (1 << l.expBits) - 1);
    Value inf = i.sel(neg, fconst(-INFINITY), fconst(INFINITY));
    return i.sel(special, i.sel(i.eq(m, 0), inf, fconst(NAN)), v);
  }
  if (!l.noNan)
    return i.sel(i.eq(mag, (1 << n) - 1), fconst(NAN), v);
  return v;
}

Value mlir::infer::emitSmallFloatEncode(OpBuilder &b, Location loc, Value x,
                                        SmallFloat format, bool saturate) {
  using P = arith::CmpIPredicate;
  SmallFloatLayout l = ::infer::layoutOf(format);
  I32 i{b, loc};
  Type f32 = b.getF32Type();
  int n = l.expBits + l.manBits;
  Value bits = arith::BitcastOp::create(b, loc, i.t, x);
  Value sign = i.shl(i.shr(bits, 31), n);
  Value a = i.band(bits, 0x7FFFFFFF);
  Value isNan = i.cmp(P::ugt, a, 0x7F800000);
  Value isInf = i.eq(a, 0x7F800000);
  // Below the smallest normal: the count of quanta, rounded to even (its
  // code, also when it rounds up to the smallest normal).
  int minNormalExp = 1 - l.bias;
  Value mag = arith::BitcastOp::create(b, loc, f32, a);
  Value limit = arith::ConstantOp::create(b, loc, f32,
                                          b.getF32FloatAttr(std::ldexp(1.0f, minNormalExp)));
  Value small = arith::MinimumFOp::create(b, loc, mag, limit);
  Value scale = arith::ConstantOp::create(
      b, loc, f32, b.getF32FloatAttr(std::ldexp(1.0f, l.manBits - minNormalExp)));
  Value quanta = math::RoundEvenOp::create(b, loc, arith::MulFOp::create(b, loc, small, scale));
  Value subCode = arith::FPToUIOp::create(b, loc, i.t, quanta);
  // Normal: the f32 bits rounded to manBits of mantissa, to even; a carry
  // moves into the exponent.
  int shift = 23 - l.manBits;
  Value rounded = i.shr(i.add(i.add(a, i.c((1 << (shift - 1)) - 1)), i.band(i.shr(a, shift), 1)),
                        shift);
  Value normCode = i.sub(rounded, i.c(int64_t(127 - l.bias) << l.manBits));
  Value isSub = i.cmp(P::ult, a, int64_t(minNormalExp + 127) << 23);
  Value code = i.sel(isSub, subCode, normCode);
  code = i.sel(isInf, i.c(0xFFFF), code);
  Value over = i.cmp(P::ugt, code, l.maxCode());
  bool nanOnOverflow = false;
  if (saturate || l.noNan)
    code = i.sel(over, i.c(l.maxCode()), code);
  else if (l.ieee)
    code = i.sel(over, i.c(l.infCode()), code);
  else
    nanOnOverflow = true;
  Value r = i.bor(sign, code);
  if (l.fnuz)
    r = i.sel(i.eq(code, 0), i.c(0), r); // no negative zero
  Value nan = nanOnOverflow ? arith::OrIOp::create(b, loc, isNan, over).getResult() : isNan;
  r = i.sel(nan, i.c(l.nanCode), r);
  return arith::TruncIOp::create(b, loc, b.getI8Type(), r);
}
