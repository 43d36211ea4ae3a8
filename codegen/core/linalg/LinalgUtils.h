//===- LinalgUtils.h - Helpers of the infer-to-linalg lowering --*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Builders for the linalg.generic shapes the lowering uses over and over:
// elementwise with numpy broadcasting, reductions over a set of axes, and
// constant tensors.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_LINALG_LINALGUTILS_H
#define INFER_CODEGEN_LINALG_LINALGUTILS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"

namespace mlir::infer {

/// The body of a generic: block arguments in, yielded values out.
using BodyFn = function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange)>;

/// The indexing map that reads an operand of shape `in` at an index of the
/// iteration space `out` under numpy broadcasting (size-1 dimensions read
/// index 0, missing leading dimensions are dropped).
AffineMap broadcastMap(MLIRContext *ctx, ArrayRef<int64_t> out,
                       ArrayRef<int64_t> in);

/// A tensor.empty of `type`.
Value emptyTensor(OpBuilder &b, Location loc, RankedTensorType type);

/// A tensor of `type` filled with the scalar `value`.
Value filledTensor(OpBuilder &b, Location loc, RankedTensorType type,
                   Value value);

/// An elementwise linalg.generic over `outType` reading `inputs` with
/// broadcasting; `body` gets one scalar per input.
Value buildElementwise(OpBuilder &b, Location loc, RankedTensorType outType,
                       ValueRange inputs,
                       function_ref<Value(OpBuilder &, Location, ValueRange)> body);

/// Reduces `input` over `axes` (sorted, non-negative) into an accumulator
/// of element type `accType` starting at `init`; `step(acc, x)` combines.
/// With `keepDims` the reduced dimensions stay with size 1.
Value buildReduction(OpBuilder &b, Location loc, Value input,
                     ArrayRef<int64_t> axes, bool keepDims, Type accType,
                     Value init,
                     function_ref<Value(OpBuilder &, Location, Value, Value)> step);

/// A constant tensor of `type` (storage element type) holding `values`.
Value constantTensor(OpBuilder &b, Location loc, RankedTensorType type,
                     ArrayRef<double> values);

/// The shape of a ranked tensor value.
ArrayRef<int64_t> shapeOf(Value v);

} // namespace mlir::infer

#endif // INFER_CODEGEN_LINALG_LINALGUTILS_H
