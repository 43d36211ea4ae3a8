//===- InferOps.h - The infer dialect and its ops ---------------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Declares the `infer` dialect, its enums and its ops, generated from ODS.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_IR_INFEROPS_H
#define INFER_IR_INFEROPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include <mutex>
#include <vector>

#include "ir/InferDialect.h.inc"
#include "ir/InferEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "ir/InferAttrs.h.inc"

namespace mlir::infer {
/// Checks that no operand or result of an op has a negative dimension.
LogicalResult verifyValidShapes(Operation *op);

/// The trait behind Infer_ValidShapes, on every infer op.
template <typename ConcreteType>
class ValidShapes : public OpTrait::TraitBase<ConcreteType, ValidShapes> {
public:
  static LogicalResult verifyTrait(Operation *op) {
    return verifyValidShapes(op);
  }
};
} // namespace mlir::infer

#define GET_OP_CLASSES
#include "ir/InferOps.h.inc"

namespace mlir::infer {
/// Verifies the plan's attributes on an op (`infer.buffers`,
/// `infer.scratch_buffers`); success for other names.
LogicalResult verifyPlanAttribute(Operation *op, NamedAttribute attr);
} // namespace mlir::infer

#endif // INFER_IR_INFEROPS_H
