//===- ScalarOps.h - The scalar math of infer's elementwise ops -*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Emits arith/math IR for one element of a unary, binary or cast op. Every
// backend uses these in its loop bodies and fused epilogues, so all of them
// compute the same function the reference interpreter does.
//
// Values are in storage types: signless integers (signedness comes from the
// infer-level type passed alongside) and floats; f16 and bf16 are computed
// in f32 and rounded back.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_SCALAROPS_H
#define INFER_CODEGEN_SCALAROPS_H

#include "ir/InferOps.h"

#include "mlir/IR/Builders.h"

namespace mlir::infer {

/// The type a kernel stores elements of `type` in: quantized types become
/// their signless storage integer, unsigned integers become signless.
Type storageType(Type type);
/// A tensor type with its element type replaced by its storage type.
RankedTensorType storageTensorType(RankedTensorType type);

/// Whether `type` (an infer-level element type) is an unsigned integer or
/// stores one.
bool isUnsignedElement(Type type);

/// `kind` applied to `x`, whose infer-level type is `type`.
Value emitUnary(OpBuilder &b, Location loc, UnaryKind kind, Value x, Type type,
                std::optional<APFloat> alpha, std::optional<APFloat> beta);

/// `kind` applied to `lhs` and `rhs` of infer-level types `lhsType` and
/// `rhsType`; comparisons and logic return i1.
Value emitBinary(OpBuilder &b, Location loc, BinaryKind kind, Value lhs,
                 Value rhs, Type lhsType, Type rhsType);

/// Converts `x` from infer-level type `from` to `to`, as infer.cast does.
Value emitCast(OpBuilder &b, Location loc, Value x, Type from, Type to,
               bool saturate);

/// A scalar constant of storage type `type` with `value`.
Value emitConstant(OpBuilder &b, Location loc, Type type, double value);

/// The identity and the combine step of a reduction over values of `type`
/// (the accumulator type).
Value emitReduceInit(OpBuilder &b, Location loc, ReduceKind kind, Type type,
                     bool isUnsigned);
Value emitReduceStep(OpBuilder &b, Location loc, ReduceKind kind, Value acc,
                     Value x, bool isUnsigned);

} // namespace mlir::infer

#endif // INFER_CODEGEN_SCALAROPS_H
