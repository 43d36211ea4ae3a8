//===- VerifyUtils.h - Helpers shared by infer op verifiers -----*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Small accessors used by the verifiers of every op family. Private to ir/.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_IR_VERIFYUTILS_H
#define INFER_IR_VERIFYUTILS_H

#include "ir/InferOps.h"
#include "ir/ShapeInference.h"

namespace mlir::infer::detail {

/// The shape of a ranked tensor value.
inline ArrayRef<int64_t> shapeOf(Value v) {
  return llvm::cast<RankedTensorType>(v.getType()).getShape();
}

/// The element type of a tensor value.
inline Type elementOf(Value v) {
  return llvm::cast<RankedTensorType>(v.getType()).getElementType();
}

/// Checks that every value in `values` has the element type of the first,
/// naming the offending one (`names[i]`).
LogicalResult verifySameElementTypes(Operation *op, ArrayRef<Value> values,
                                     ArrayRef<StringRef> names);

/// Checks that the op's single result has the inferred shape.
inline LogicalResult verifyResultShape(Operation *op, ArrayRef<int64_t> shape,
                                       Value result) {
  return verifyShapeMatches(shape, shapeOf(result), "result",
                            [&] { return op->emitOpError(); });
}

} // namespace mlir::infer::detail

#endif // INFER_IR_VERIFYUTILS_H
