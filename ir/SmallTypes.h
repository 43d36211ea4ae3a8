//===- SmallTypes.h - float8, float4 and 4-bit integer elements --*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Element types narrower than a byte of arithmetic: MLIR's float8 types
// (f8E4M3FN, f8E4M3FNUZ, f8E5M2, f8E5M2FNUZ), f4E2M1FN and 4-bit integers
// (i4, ui4). infer holds each element in one byte (memory, artifacts,
// host tensors); the 4-bit ones are packed two to a byte only in ONNX files.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_IR_SMALLTYPES_H
#define INFER_IR_SMALLTYPES_H

#include "runtime/io/SmallFloat.h"

#include "mlir/IR/BuiltinTypes.h"

#include <optional>

namespace mlir::infer {

/// The small float format of `t`, if it is one.
inline std::optional<::infer::SmallFloat> smallFloatOf(Type t) {
  using ::infer::SmallFloat;
  if (llvm::isa<Float8E4M3FNType>(t)) return SmallFloat::E4M3FN;
  if (llvm::isa<Float8E4M3FNUZType>(t)) return SmallFloat::E4M3FNUZ;
  if (llvm::isa<Float8E5M2Type>(t)) return SmallFloat::E5M2;
  if (llvm::isa<Float8E5M2FNUZType>(t)) return SmallFloat::E5M2FNUZ;
  if (llvm::isa<Float4E2M1FNType>(t)) return SmallFloat::E2M1;
  return std::nullopt;
}

/// Whether `t` is a 4-bit integer (i4 or ui4).
inline bool isInt4(Type t) {
  auto i = llvm::dyn_cast<IntegerType>(t);
  return i && i.getWidth() == 4;
}

/// Whether elements of `t` are held one per byte although narrower in
/// meaning (the small floats and 4-bit integers).
inline bool isByteHeldSmallType(Type t) { return smallFloatOf(t) || isInt4(t); }

} // namespace mlir::infer

#endif // INFER_IR_SMALLTYPES_H
