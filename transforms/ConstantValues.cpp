//===- ConstantValues.cpp - Reading constants in graph patterns -----------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "transforms/ConstantValues.h"

#include "ir/InferOps.h"

using namespace mlir;
using namespace mlir::infer;

std::optional<reference::Tensor> mlir::infer::floatConstant(Value v) {
  auto c = v ? v.getDefiningOp<ConstantOp>() : ConstantOp();
  if (!c)
    return std::nullopt;
  FailureOr<reference::Tensor> t = reference::Tensor::fromAttr(c.getValue());
  if (failed(t) || !t->isFloat())
    return std::nullopt;
  return std::move(*t);
}

std::optional<double> mlir::infer::scalarConstant(Value v) {
  std::optional<reference::Tensor> t = floatConstant(v);
  if (!t || t->size() != 1)
    return std::nullopt;
  return t->floats()[0];
}
