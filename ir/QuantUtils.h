//===- QuantUtils.h - The quantized form infer's int8 kernels take -*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The int8 paths (infer-fold-qdq, the NHWC rewrite of convolutions, the
// CUDA templates and their fusion filter) all take one quantized form:
// signed 8-bit storage, one scale for the tensor, zero point 0. One
// predicate says what it is. The fp8 paths take f8E4M3FN tensors whose
// one scale is the quantize / dequantize op's `scale` attribute; what
// works on either form reads it through symmetric8().
//
//===----------------------------------------------------------------------===//

#ifndef INFER_IR_QUANTUTILS_H
#define INFER_IR_QUANTUTILS_H

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Value.h"

#include <optional>

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

/// The largest finite f8E4M3FN value.
inline constexpr double kFp8E4M3Max = 448.0;

/// One scale for a tensor of 8-bit values: a symmetric int8 type, or
/// f8E4M3FN with the scale of the op that quantizes or dequantizes it.
struct Symmetric8 {
  /// The 8-bit element type: the quantized type, or f8E4M3FN.
  Type elem;
  double scale = 0;
  explicit operator bool() const { return scale > 0; }
  bool isFp8() const { return elem && llvm::isa<Float8E4M3FNType>(elem); }
  /// The bounds of the stored values, in steps of `scale`.
  double lo() const {
    return isFp8() ? -kFp8E4M3Max
                   : double(llvm::cast<quant::UniformQuantizedType>(elem).getStorageTypeMin());
  }
  double hi() const {
    return isFp8() ? kFp8E4M3Max
                   : double(llvm::cast<quant::UniformQuantizedType>(elem).getStorageTypeMax());
  }
};

/// The form of an 8-bit tensor of type `type` that a quantize or
/// dequantize with `attrScale` (its `scale` attribute, or null) converts;
/// empty when it is neither form.
inline Symmetric8 symmetric8(Type type, FloatAttr attrScale) {
  if (auto t = llvm::dyn_cast<ShapedType>(type))
    type = t.getElementType();
  if (quant::UniformQuantizedType q = symmetricInt8(type))
    return attrScale ? Symmetric8() : Symmetric8{q, q.getScale()};
  if (llvm::isa<Float8E4M3FNType>(type) && attrScale && attrScale.getValueAsDouble() > 0)
    return {type, attrScale.getValueAsDouble()};
  return {};
}

} // namespace mlir::infer

#endif // INFER_IR_QUANTUTILS_H
