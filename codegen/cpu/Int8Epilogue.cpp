//===- Int8Epilogue.cpp - Epilogues of the int8 CPU templates -------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/cpu/Int8Epilogue.h"
#include "codegen/cpu/ContractionTemplates.h"

#include "ir/InferOps.h"


using namespace mlir;
using namespace mlir::infer;

LogicalResult
Int8EpilogueArgs::collect(ArrayRef<EpilogueStep> epilogue, MemRefType full,
                          function_ref<int(TemplateArg, MemRefType)> add,
                          std::string &error) {
  steps = epilogue;
  store = OutputStore::splitFrom(steps);
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
  epi.output = store;
  for (int arg : args) {
    epi.operands.push_back(arg < 0 ? Value() : a[arg]);
    if (int8Args.count(arg))
      int8Operands[a[arg]] = int8Args.lookup(arg);
  }
  return epi;
}

void mlir::infer::finishInt8(I8Emitter &e, const Epilogue &epi,
                             const DenseMap<Value, double> &int8Operands,
                             Value f, Value row, Value col, Value out,
                             ArrayRef<Int8Segment> segments) {
  f = epi.apply(e, f, row, col, [&](Value operand) {
    auto it = int8Operands.find(operand);
    Value v;
    for (const Int8Segment &s : segments) {
      Value part;
      if (it == int8Operands.end()) {
        part = e.vloadMasked(operand, s.at, s.mask);
      } else {
        Value q = e.maskedBytes(operand, s.at, s.mask, 16);
        part = arith::MulFOp::create(
            e.b, e.loc, arith::SIToFPOp::create(e.b, e.loc, e.vec(), q),
            e.splat(e.f32(it->second)));
      }
      v = v ? e.select(s.mask, part, v) : part;
    }
    return v;
  });
  for (const Int8Segment &s : segments)
    epi.output.store(e, f, out, s.at, s.mask);
}
