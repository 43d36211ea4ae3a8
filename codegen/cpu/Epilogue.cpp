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
  vector::MaskedStoreOp::create(e.b, e.loc, out, at, mask, convert(e, v),
                                IntegerAttr());
}

Value mlir::infer::applyUnaryStep(Emitter &e, UnaryOp u, Value acc) {
  std::optional<APFloat> alpha, beta;
  if (u.getAlpha())
    alpha = *u.getAlpha();
  if (u.getBeta())
    beta = *u.getBeta();
  return emitUnary(e.b, e.loc, u.getKind(), acc, e.b.getF32Type(), alpha, beta);
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
