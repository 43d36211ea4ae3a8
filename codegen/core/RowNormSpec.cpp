//===- RowNormSpec.cpp - Softmax and layer norm rows, as templates read them -===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/core/RowNormSpec.h"

#include "ir/InferOps.h"

using namespace mlir;
using namespace mlir::infer;

namespace {
RankedTensorType typeOf(Value v) { return llvm::cast<RankedTensorType>(v.getType()); }
} // namespace

std::optional<RowNormSpec> mlir::infer::rowNormOf(Operation *op) {
  RankedTensorType in = typeOf(op->getOperand(0));
  if (!in.hasStaticShape() || in.getRank() < 1)
    return std::nullopt;
  int64_t rank = in.getRank();
  RowNormSpec spec;
  spec.elem = in.getElementType();
  spec.length = in.getShape().back();
  spec.rows = in.getNumElements() / std::max<int64_t>(spec.length, 1);
  if (auto sm = llvm::dyn_cast<SoftmaxOp>(op)) {
    if (sm.getAxis() != rank - 1 && sm.getAxis() != -1)
      return std::nullopt;
  } else if (auto ln = llvm::dyn_cast<LayerNormOp>(op)) {
    if (ln.getAxis() != rank - 1 && ln.getAxis() != -1)
      return std::nullopt;
    spec.kind = RowNormSpec::Kind::LayerNorm;
    spec.epsilon = ln.getEpsilon().convertToFloat();
    SmallVector<Value> params{ln.getScale()};
    if (ln.getBias())
      params.push_back(ln.getBias());
    for (Value p : params) {
      RankedTensorType t = typeOf(p);
      if (t.getElementType() != spec.elem || t.getNumElements() != spec.length ||
          t.getShape().back() != spec.length)
        return std::nullopt;
    }
    spec.hasBias = ln.getBias() != nullptr;
  } else {
    return std::nullopt;
  }
  return spec;
}

