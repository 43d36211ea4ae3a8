//===- SmallFloatCast.h - float8 / float4 conversions in arith ---*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// LLVM has no float8 or float4 types: infer holds them as i8 and converts
// with integer arithmetic, the steps of runtime/io/SmallFloat.h (which the
// reference interpreter uses), so both backends give the same bits.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CORE_SMALLFLOATCAST_H
#define INFER_CODEGEN_CORE_SMALLFLOATCAST_H

#include "runtime/io/SmallFloat.h"

#include "mlir/IR/Builders.h"

namespace mlir::infer {

/// The f32 value of the `format` code in the i8 `code`.
Value emitSmallFloatDecode(OpBuilder &b, Location loc, Value code,
                           ::infer::SmallFloat format);
/// The i8 `format` code of the f32 `x`, rounded to nearest even;
/// `saturate` as ONNX Cast's attribute.
Value emitSmallFloatEncode(OpBuilder &b, Location loc, Value x,
                           ::infer::SmallFloat format, bool saturate);

} // namespace mlir::infer

#endif // INFER_CODEGEN_CORE_SMALLFLOATCAST_H
