//===- ConstantValues.h - Reading constants in graph patterns ---*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// What the rewrite patterns ask of an operand: is it a float constant, and
// which value does it hold when it has one element.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_TRANSFORMS_CONSTANTVALUES_H
#define INFER_TRANSFORMS_CONSTANTVALUES_H

#include "reference/Tensor.h"

#include "mlir/IR/Value.h"

namespace mlir {
class RewriterBase;
} // namespace mlir

#include <optional>

namespace mlir::infer {

/// Whether an infer.constant of floats defines `v` (its data not read).
bool isFloatConstant(Value v);

/// The data of `v` when an infer.constant of floats defines it.
std::optional<reference::Tensor> floatConstant(Value v);

/// The value of `v` when it is a float constant of one element (any rank:
/// it broadcasts like a scalar).
std::optional<double> scalarConstant(Value v);

/// Erases the infer.constant defining `v` when nothing uses it any more and
/// frees its weight unless another constant shares the attribute: a fold
/// that replaced the last reader of a weight gives its memory back at once
/// (the model is then held once, not once per rewrite).
void eraseDeadConstant(RewriterBase &rewriter, Value v);

} // namespace mlir::infer

#endif // INFER_TRANSFORMS_CONSTANTVALUES_H
