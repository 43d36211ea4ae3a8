//===- QuantUtils.h - The quantized form infer's int8 kernels take -*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The int8 paths (infer-fold-qdq, the NHWC rewrite of convolutions, the
// CUDA templates and their fusion filter) all take one quantized form:
// signed 8-bit storage, one scale for the tensor, zero point 0. One
// predicate says what it is.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_IR_QUANTUTILS_H
#define INFER_IR_QUANTUTILS_H

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Value.h"

namespace mlir::infer {

/// `type` (an element type, or a tensor type's element type) when it is a
/// per-tensor, signed 8-bit quantized type of zero point 0; null otherwise.
inline quant::UniformQuantizedType symmetricInt8(Type type) {
  if (auto t = llvm::dyn_cast<ShapedType>(type))
    type = t.getElementType();
  auto q = llvm::dyn_cast<quant::UniformQuantizedType>(type);
  if (!q || q.getZeroPoint() != 0 || !q.isSigned() ||
      q.getStorageTypeIntegralWidth() != 8)
    return {};
  return q;
}

/// The symmetric int8 type of `v`'s elements, or null.
inline quant::UniformQuantizedType symmetricInt8(Value v) {
  return symmetricInt8(v.getType());
}

} // namespace mlir::infer

#endif // INFER_IR_QUANTUTILS_H
