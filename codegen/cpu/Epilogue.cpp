//===- Epilogue.cpp - Fused epilogues of the CPU templates ----------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/cpu/Epilogue.h"
#include "codegen/core/ScalarOps.h"

#include "ir/InferOps.h"
#include "ir/QuantUtils.h"

#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;
using namespace mlir::infer;

OutputStore OutputStore::splitFrom(ArrayRef<EpilogueStep> &steps) {
  OutputStore s;
  if (steps.empty() || !llvm::isa<QuantizeOp>(steps.back().op))
    return s;
  Operation *quantize = steps.back().op;
  steps = steps.drop_back();
  return of(symmetricInt8(quantize->getResult(0)));
}

OutputStore OutputStore::of(quant::UniformQuantizedType q) {
  OutputStore s;
  s.scale = q.getScale();
  s.lo = q.getStorageTypeMin();
  s.hi = q.getStorageTypeMax();
  return s;
}

Value OutputStore::round(Emitter &e, Value v) const {
  v = arith::DivFOp::create(e.b, e.loc, v, e.splat(e.f32(scale)));
  v = math::RoundEvenOp::create(e.b, e.loc, v);
  v = arith::MaximumFOp::create(e.b, e.loc, v, e.splat(e.f32(lo)));
  return arith::MinimumFOp::create(e.b, e.loc, v, e.splat(e.f32(hi)));
}

Type OutputStore::elementType(MLIRContext *ctx) const {
  return scale ? Type(IntegerType::get(ctx, 8)) : Type(Float32Type::get(ctx));
}

Value OutputStore::convert(Emitter &e, Value v) const {
  if (!scale)
    return v;
  return arith::FPToSIOp::create(e.b, e.loc,
                                 VectorType::get({e.vl}, e.b.getI8Type()),
                                 round(e, v));
}

void OutputStore::store(Emitter &e, Value v, Value out, ValueRange at,
                        Value mask) const {
  // Bytes on AVX2 (8 lanes): no byte-masked store there.
  if (scale && e.vl == 8)
    e.storeMostlyFull(convert(e, v), out, at, mask);
  else
    vector::MaskedStoreOp::create(e.b, e.loc, out, at, mask, convert(e, v),
                                  IntegerAttr());
}

void OutputStore::storePrefix(Emitter &e, Value v, Value out, ValueRange at,
                              Value valid) const {
  Value c = convert(e, v);
  e.storePrefix(valid, [&](Value mask) {
    if (mask)
      vector::MaskedStoreOp::create(e.b, e.loc, out, at, mask, c, IntegerAttr());
    else
      vector::StoreOp::create(e.b, e.loc, c, out, at, false, IntegerAttr());
  });
}

namespace {
/// exp(x) for f32 vectors with |x| <= 87 (callers clamp): 2^n p(f) with n =
/// round(x / ln 2), f = x - n ln 2 (subtracted in two parts) and p a
/// degree-5 fit of exp on [-ln2/2, ln2/2] (relative error 2.3e-7). n is
/// read from the low mantissa bits of x/ln2 + 1.5*2^23, and 2^n built in
/// the exponent field: 12 vector operations where MLIR's approximation,
/// which also handles overflow, takes 20.
Value expNear(Emitter &e, Value x) {
  auto c = [&](double v) { return e.splat(e.f32(v)); };
  Value magic = c(12582912.0); // 1.5 * 2^23
  Value t = e.fma(x, c(1.4426950408889634), magic);
  Value n = arith::SubFOp::create(e.b, e.loc, t, magic);
  Value f = e.fma(n, c(-0.693359375), x);
  f = e.fma(n, c(2.12194440e-4), f);
  Value p = c(0.008291716687381268);
  for (double k : {0.04191502928733826, 0.1666766256093979, 0.49998900294303894,
                   0.9999996423721313, 1.0000001192092896})
    p = e.fma(p, f, c(k));
  // (bits(t) + 127) << 23 keeps n + 127 in the exponent field: the bits of
  // 1.5 * 2^23 above the mantissa's low 9 shift out.
  VectorType ints = e.ivec();
  Value bits = arith::BitcastOp::create(e.b, e.loc, ints, t);
  bits = arith::AddIOp::create(e.b, e.loc, bits, e.isplat(e.i32(e.idx(127))));
  bits = arith::ShLIOp::create(e.b, e.loc, bits, e.isplat(e.i32(e.idx(23))));
  Value scale = arith::BitcastOp::create(e.b, e.loc, e.vec(), bits);
  return arith::MulFOp::create(e.b, e.loc, p, scale);
}

/// 1 / (1 + exp(-x)) with x clamped to [-87, 87] (beyond, the result is 1,
/// or below 2e-38 where it is not 0); NaN stays NaN. The clamps are
/// compare-and-select, which x86 does in one instruction each.
Value sigmoidNear(Emitter &e, Value x) {
  auto c = [&](double v) { return e.splat(e.f32(v)); };
  auto clampBelow = [&](Value v, double lo) {
    Value below = arith::CmpFOp::create(e.b, e.loc, arith::CmpFPredicate::OLT, v, c(lo));
    return e.select(below, c(lo), v);
  };
  auto clampAbove = [&](Value v, double hi) {
    Value above = arith::CmpFOp::create(e.b, e.loc, arith::CmpFPredicate::OGT, v, c(hi));
    return e.select(above, c(hi), v);
  };
  Value nx = arith::NegFOp::create(e.b, e.loc, clampAbove(clampBelow(x, -87.0), 87.0));
  Value d = arith::AddFOp::create(e.b, e.loc, c(1.0), expNear(e, nx));
  return arith::DivFOp::create(e.b, e.loc, c(1.0), d);
}
} // namespace

Value mlir::infer::applyUnaryStep(Emitter &e, UnaryOp u, Value acc) {
  auto vec = llvm::dyn_cast<VectorType>(acc.getType());
  if ((u.getKind() == UnaryKind::sigmoid || u.getKind() == UnaryKind::silu) &&
      vec && vec.getElementType().isF32() && vec.getNumElements() == e.vl) {
    Value s = sigmoidNear(e, acc);
    if (u.getKind() == UnaryKind::sigmoid)
      return s;
    return arith::MulFOp::create(e.b, e.loc, acc, s);
  }
  std::optional<APFloat> alpha, beta;
  if (u.getAlpha())
    alpha = *u.getAlpha();
  if (u.getBeta())
    beta = *u.getBeta();
  return emitUnary(e.b, e.loc, u.getKind(), acc, e.b.getF32Type(), alpha, beta);
}

namespace {
/// Unary kinds computed with a few comparisons and multiplications.
bool isCheapUnary(UnaryKind k) {
  switch (k) {
  case UnaryKind::abs:
  case UnaryKind::neg:
  case UnaryKind::relu:
  case UnaryKind::leaky_relu:
  case UnaryKind::clip:
  case UnaryKind::hard_sigmoid:
  case UnaryKind::hard_swish:
  case UnaryKind::thresholded_relu:
  case UnaryKind::shrink:
  case UnaryKind::identity:
  case UnaryKind::floor:
  case UnaryKind::ceil:
  case UnaryKind::round:
  case UnaryKind::sign:
    return true;
  default:
    return false;
  }
}
} // namespace

void Epilogue::prefetchFull(Emitter &e, ValueRange at) const {
  for (auto [i, step] : llvm::enumerate(steps))
    if (step.read == EpilogueStep::Read::Full && operands[i])
      e.prefetch(operands[i], at);
}

bool Epilogue::appliesApart() const {
  if (output.scale)
    return false;
  bool costly = false;
  for (const EpilogueStep &step : steps) {
    if (step.read == EpilogueStep::Read::Full ||
        llvm::isa<DequantizeOp, QuantizeOp>(step.op))
      return false;
    if (auto u = llvm::dyn_cast<UnaryOp>(step.op))
      costly |= !isCheapUnary(u.getKind());
  }
  return costly;
}

void Epilogue::store(Emitter &e, Value acc, Value out, ValueRange at,
                     Value row, Value col, Value mask, bool raw) const {
  if (raw) {
    e.vstoreMasked(acc, out, at, mask);
    return;
  }
  Value v = apply(e, acc, row, col,
                  [&](Value operand) { return e.vloadMasked(operand, at, mask); });
  output.store(e, v, out, at, mask);
}

void Epilogue::applyInPlace(Emitter &e, Value out, ValueRange lead, Value row,
                            Value begin, Value end) const {
  auto step = [&](Value col, Value mask) {
    SmallVector<Value> at(lead.begin(), lead.end());
    at.push_back(col);
    Value v = mask ? e.vloadMasked(out, at, mask) : e.vload(out, at);
    v = apply(e, v, row, col, nullptr);
    if (mask)
      e.vstorePrefix(v, out, at, e.sub(end, col));
    else
      e.vstore(v, out, at);
  };
  int64_t pair = 2 * e.vl;
  Value pairsEnd =
      e.add(begin, e.mul(e.div(e.sub(end, begin), e.idx(pair)), e.idx(pair)));
  e.forEach(begin, pairsEnd, pair, [&](Value col) {
    step(col, Value());
    step(e.add(col, e.idx(e.vl)), Value());
  });
  // At most two vectors left, the last one partial.
  for (int64_t k = 0; k < 2; ++k) {
    Value col = e.add(pairsEnd, e.idx(k * e.vl));
    e.ifThen(e.lt(col, end), [&] { step(col, e.mask(e.sub(end, col))); });
  }
}

Value Epilogue::apply(Emitter &e, Value acc, Value row, Value col,
                      function_ref<Value(Value)> full) const {
  Type f32 = e.b.getF32Type();
  for (auto [i, step] : llvm::enumerate(steps)) {
    if (auto u = llvm::dyn_cast<UnaryOp>(step.op)) {
      acc = applyUnaryStep(e, u, acc);
      continue;
    }
    // A quantize round trip (conv_i8, gemm_i8): the value rounded to the
    // int8 grid of the dequantize's input, as infer.quantize rounds.
    if (auto dq = llvm::dyn_cast<DequantizeOp>(step.op)) {
      OutputStore grid = OutputStore::of(symmetricInt8(dq.getInput()));
      acc = arith::MulFOp::create(e.b, e.loc, grid.round(e, acc),
                                  e.splat(e.f32(grid.scale)));
      continue;
    }
    auto bin = llvm::cast<BinaryOp>(step.op);
    Value other;
    switch (step.read) {
    case EpilogueStep::Read::Scalar:
      other = scalars[i] ? e.splat(e.f32(*scalars[i]))
                         : e.splat(e.load(operands[i], {e.idx(0)}));
      break;
    case EpilogueStep::Read::PerRow:
      other = e.splat(e.load(operands[i], {row}));
      break;
    case EpilogueStep::Read::PerColumn:
      other = e.vloadMasked(operands[i], {col},
                            e.mask(e.sub(e.idx(llvm::cast<ShapedType>(step.operand.getType()).getNumElements()), col)));
      break;
    case EpilogueStep::Read::Full:
      other = full(operands[i]);
      break;
    case EpilogueStep::Read::None:
      break;
    }
    acc = step.chainOnLeft
              ? emitBinary(e.b, e.loc, bin.getKind(), acc, other, f32, f32)
              : emitBinary(e.b, e.loc, bin.getKind(), other, acc, f32, f32);
  }
  return acc;
}
