//===- PlanValues.h - What the codegen stages ask of a graph value -*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Shared by kernel outlining, buffer planning and serialization: how many
// bytes a value takes, which ops only reinterpret their operand's bytes,
// which constants are compiled into kernels, and the artifact's dtype code
// of an element type.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CORE_PLANVALUES_H
#define INFER_CODEGEN_CORE_PLANVALUES_H

#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"

#include <cstdint>

namespace mlir::infer {

/// A string attribute on each infer.dispatch: the arithmetic its kernel
/// does ("int8", "fp16", "bf16", "tf32", "fp32", or the result's element
/// type for data movement), for the report.
inline constexpr const char *kPrecisionAttr = "infer.precision";
/// A template dispatch's tile configuration (text) and where it came from
/// ("heuristic", "cache"), for the report.
inline constexpr const char *kConfigAttr = "infer.config";
inline constexpr const char *kConfigSourceAttr = "infer.config_source";

/// Constants this small are compiled into the kernels that use them.
inline constexpr int64_t kInlineConstantElements = 64;

/// The bytes of a tensor value in its storage type.
uint64_t byteSize(Value v);

/// The number of elements of a tensor value.
int64_t numel(Value v);

/// Whether `op` only reinterprets its operand's bytes (a reshape, a cast
/// between types of one storage): its result shares the operand's buffer.
bool isAlias(Operation *op);

/// Whether `v` is a constant small enough to be compiled into kernels;
/// without `arrays`, only a splat (one value) is.
bool isInlineConstant(Value v, bool arrays = true);

/// The artifact's dtype code (infer::fb::DType, runtime/schema) of an
/// element type, or failure for one the runtime cannot carry.
FailureOr<uint8_t> artifactDType(Type elementType);

} // namespace mlir::infer

#endif // INFER_CODEGEN_CORE_PLANVALUES_H
