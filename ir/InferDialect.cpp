//===- InferDialect.cpp - The infer dialect -------------------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Registers the ops and holds the generated op and enum definitions; the
// verifiers live in one file per op family.
//
//===----------------------------------------------------------------------===//

#include "ir/InferOps.h"
#include "ir/VerifyUtils.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::infer;

#include "ir/InferDialect.cpp.inc"
#include "ir/InferEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "ir/InferAttrs.cpp.inc"

void InferDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "ir/InferOps.cpp.inc"
      >();
  registerAttributes();
}

void InferDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "ir/InferAttrs.cpp.inc"
      >();
}

Operation *InferDialect::materializeConstant(OpBuilder &builder,
                                             Attribute value, Type type,
                                             Location loc) {
  auto elements = llvm::dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return ConstantOp::create(builder, loc, elements);
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

LogicalResult mlir::infer::detail::verifySameElementTypes(Operation *op,
                                             ArrayRef<Value> values,
                                             ArrayRef<StringRef> names) {
  Type first = detail::elementOf(values.front());
  for (size_t i = 1; i < values.size(); ++i) {
    if (!values[i])
      continue;
    if (detail::elementOf(values[i]) != first)
      return op->emitOpError()
             << "expects " << names[i] << " element type " << first
             << " like the " << names.front() << ", got "
             << detail::elementOf(values[i]);
  }
  return success();
}

LogicalResult mlir::infer::verifyValidShapes(Operation *op) {
  auto check = [&](Type t, StringRef what, unsigned i) -> LogicalResult {
    auto rt = llvm::dyn_cast<RankedTensorType>(t);
    if (!rt)
      return success();
    for (int64_t d : rt.getShape())
      if (d < 0 && !ShapedType::isDynamic(d))
        return op->emitOpError()
               << what << " #" << i << " has a negative dimension ("
               << formatShape(rt.getShape()) << ")";
    return success();
  };
  for (auto [i, t] : llvm::enumerate(op->getOperandTypes()))
    if (failed(check(t, "operand", i)))
      return failure();
  for (auto [i, t] : llvm::enumerate(op->getResultTypes()))
    if (failed(check(t, "result", i)))
      return failure();
  return success();
}

#define GET_OP_CLASSES
#include "ir/InferOps.cpp.inc"
