//===- Int8Epilogue.cpp - Epilogues of the int8 CPU templates -------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/cpu/Int8Epilogue.h"
#include "codegen/cpu/ContractionTemplates.h"

#include "ir/InferOps.h"

#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;
using namespace mlir::infer;

Type Int8Store::elementType(MLIRContext *ctx) const {
  return scale ? Type(IntegerType::get(ctx, 8)) : Type(Float32Type::get(ctx));
}

void Int8Store::emit(I8Emitter &e, Value f, Value out, ValueRange at,
                     Value mask) const {
  if (!scale) {
    e.vstoreMasked(f, out, at, mask);
    return;
  }
  // As infer.quantize: round half to even of x / scale, saturated.
  f = arith::DivFOp::create(e.b, e.loc, f, e.splat(e.f32(scale)));
  f = math::RoundEvenOp::create(e.b, e.loc, f);
  f = arith::MaximumFOp::create(e.b, e.loc, f, e.splat(e.f32(lo)));
  f = arith::MinimumFOp::create(e.b, e.loc, f, e.splat(e.f32(hi)));
  Value q = arith::FPToSIOp::create(e.b, e.loc, e.bytes(16), f);
  vector::MaskedStoreOp::create(e.b, e.loc, out, at, mask, q, IntegerAttr());
}

LogicalResult
Int8EpilogueArgs::collect(ArrayRef<EpilogueStep> epilogue, MemRefType full,
                          function_ref<int(TemplateArg, MemRefType)> add,
                          std::string &error) {
  steps = epilogue;
  if (!steps.empty() && llvm::isa<QuantizeOp>(steps.back().op)) {
    quant::UniformQuantizedType q = symmetricInt8(steps.back().op->getResult(0));
    store.scale = q.getScale();
    store.lo = q.getStorageTypeMin();
    store.hi = q.getStorageTypeMax();
    steps = steps.drop_back();
  }
  Type f32 = full.getElementType();
  for (const EpilogueStep &step : steps) {
    scalars.push_back(std::nullopt);
    if (!step.operand) {
      args.push_back(-1);
      continue;
    }
    if (step.read == EpilogueStep::Read::Scalar && isConstantValue(step.operand)) {
      FailureOr<ConstantView> c = constantData(step.operand);
      if (failed(c)) {
        error = "unreadable epilogue constant";
        return failure();
      }
      scalars.back() = c->getDouble(0);
      args.push_back(-1);
      continue;
    }
    if (auto dq = step.operand.getDefiningOp<DequantizeOp>()) {
      quant::UniformQuantizedType qt = symmetricInt8(dq.getInput());
      if (step.read != EpilogueStep::Read::Full || !qt) {
        error = "an int8 template reads only a full int8 tensor dequantized "
                "in its group";
        return failure();
      }
      int arg = add({dq.getInput(), {}},
                    MemRefType::get(full.getShape(), IntegerType::get(f32.getContext(), 8)));
      int8Args[arg] = qt.getScale();
      args.push_back(arg);
      continue;
    }
    int64_t count = llvm::cast<ShapedType>(step.operand.getType()).getNumElements();
    args.push_back(add({step.operand, {}}, step.read == EpilogueStep::Read::Full
                                               ? full
                                               : MemRefType::get({count}, f32)));
  }
  return success();
}

Epilogue Int8EpilogueArgs::bind(ValueRange a,
                                DenseMap<Value, double> &int8Operands) const {
  Epilogue epi;
  epi.steps = steps;
  epi.scalars = scalars;
  for (int arg : args) {
    epi.operands.push_back(arg < 0 ? Value() : a[arg]);
    if (int8Args.count(arg))
      int8Operands[a[arg]] = int8Args.lookup(arg);
  }
  return epi;
}

void mlir::infer::finishInt8(I8Emitter &e, const Epilogue &epi,
                             const DenseMap<Value, double> &int8Operands,
                             const Int8Store &store, Value f, Value row,
                             Value col, Value out, ValueRange at, Value mask) {
  f = epi.apply(e, f, row, col, [&](Value operand) {
    auto it = int8Operands.find(operand);
    if (it == int8Operands.end())
      return e.vloadMasked(operand, at, mask);
    Value q = e.maskedBytes(operand, at, mask, 16);
    Value v = arith::SIToFPOp::create(e.b, e.loc, e.vec(), q);
    return arith::MulFOp::create(e.b, e.loc, v, e.splat(e.f32(it->second)))
        .getResult();
  });
  store.emit(e, f, out, at, mask);
}
