//===- ConstantValues.cpp - Reading constants in graph patterns -----------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "transforms/ConstantValues.h"

#include "ir/ConstantView.h"
#include "ir/InferOps.h"

#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::infer;

bool mlir::infer::isFloatConstant(Value v) {
  auto c = v ? v.getDefiningOp<ConstantOp>() : ConstantOp();
  // Not the 8-bit and smaller floats (an fp8 product's weight): the
  // rewrites of weights compute in f16 and wider.
  return c && llvm::isa<FloatType>(c.getType().getElementType()) &&
         c.getType().getElementType().getIntOrFloatBitWidth() >= 16;
}

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
  // Only a one-element constant is read (never a whole weight).
  auto c = v ? v.getDefiningOp<ConstantOp>() : ConstantOp();
  if (!c || !llvm::isa<FloatType>(c.getType().getElementType()) ||
      c.getType().getNumElements() != 1)
    return std::nullopt;
  std::optional<reference::Tensor> t = floatConstant(v);
  if (!t)
    return std::nullopt;
  return t->floats()[0];
}

void mlir::infer::eraseDeadConstant(RewriterBase &rewriter, Value v) {
  auto c = v ? v.getDefiningOp<ConstantOp>() : ConstantOp();
  if (!c || !c->use_empty())
    return;
  ElementsAttr value = c.getValue();
  bool shared = false;
  if (Operation *top = c->getParentOp()) {
    while (top->getParentOp())
      top = top->getParentOp();
    top->walk([&](ConstantOp other) {
      if (other != c && other.getValue() == value) {
        shared = true;
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
  }
  rewriter.eraseOp(c);
  if (!shared)
    releaseWeight(value);
}
