//===- PlanValues.cpp - What the codegen stages ask of a graph value ------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/core/PlanValues.h"
#include "codegen/core/ScalarOps.h"

#include "ir/ConstantView.h"
#include "ir/InferOps.h"

#include "runtime/schema/Artifact_generated.h"

using namespace mlir;
using namespace mlir::infer;

namespace {
RankedTensorType tensorType(Value v) {
  return llvm::cast<RankedTensorType>(v.getType());
}
} // namespace

int64_t mlir::infer::numel(Value v) { return tensorType(v).getNumElements(); }

uint64_t mlir::infer::byteSize(Value v) {
  RankedTensorType t = tensorType(v);
  std::optional<ElementKind> kind = elementKindOf(t.getElementType());
  return static_cast<uint64_t>(t.getNumElements()) *
         (kind ? elementBytes(*kind, t.getElementType()) : 1);
}

bool mlir::infer::isAlias(Operation *op) {
  if (llvm::isa<ReshapeOp>(op))
    return true;
  if (auto cast = llvm::dyn_cast<CastOp>(op)) {
    Type from = tensorType(cast.getInput()).getElementType();
    Type to = tensorType(cast.getOutput()).getElementType();
    return storageType(from) == storageType(to) &&
           (isUnsignedElement(from) == isUnsignedElement(to) ||
            llvm::isa<quant::QuantizedType>(from) ||
            llvm::isa<quant::QuantizedType>(to));
  }
  return false;
}

bool mlir::infer::isInlineConstant(Value v, bool arrays) {
  auto c = v.getDefiningOp<ConstantOp>();
  if (!c || numel(v) > kInlineConstantElements)
    return false;
  if (arrays)
    return true;
  auto dense = llvm::dyn_cast<DenseElementsAttr>(c.getValue());
  return dense && dense.isSplat();
}

FailureOr<uint8_t> mlir::infer::artifactDType(Type t) {
  using ::infer::fb::DType;
  auto code = [](DType d) { return static_cast<uint8_t>(d); };
  if (auto q = llvm::dyn_cast<quant::QuantizedType>(t))
    return code(q.isSigned() ? DType::I8 : DType::U8);
  if (t.isF32()) return code(DType::F32);
  if (t.isF16()) return code(DType::F16);
  if (t.isBF16()) return code(DType::BF16);
  if (t.isF64()) return code(DType::F64);
  if (t.isInteger(1)) return code(DType::Bool);
  if (llvm::isa<Float8E4M3FNType>(t)) return code(DType::F8E4M3FN);
  if (llvm::isa<Float8E4M3FNUZType>(t)) return code(DType::F8E4M3FNUZ);
  if (llvm::isa<Float8E5M2Type>(t)) return code(DType::F8E5M2);
  if (llvm::isa<Float8E5M2FNUZType>(t)) return code(DType::F8E5M2FNUZ);
  if (llvm::isa<Float4E2M1FNType>(t)) return code(DType::F4E2M1);
  if (auto i = llvm::dyn_cast<IntegerType>(t)) {
    bool u = i.isUnsigned();
    switch (i.getWidth()) {
    case 4: return code(u ? DType::U4 : DType::I4);
    case 8: return code(u ? DType::U8 : DType::I8);
    case 16: return code(u ? DType::U16 : DType::I16);
    case 32: return code(u ? DType::U32 : DType::I32);
    case 64: return code(u ? DType::U64 : DType::I64);
    }
  }
  return failure();
}
