//===- Fusion.h - Which ops anchor and end a fusion group -------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The one list of what a fusion group may hold: the anchors (contractions,
// attention, row normalizations) and the elementwise ops that can run in
// an anchor kernel's registers. The fusion pass and every backend ask it;
// a backend narrows it to what its templates take
// (TargetBackend::fusesIntoEpilogue).
//
//===----------------------------------------------------------------------===//

#ifndef INFER_IR_FUSION_H
#define INFER_IR_FUSION_H

#include "mlir/IR/Operation.h"

namespace mlir::infer {

/// Ops that start a fusion group (conv, conv_transpose, gemm, matmul,
/// attention, softmax, log_softmax, layer_norm).
bool isFusionAnchor(Operation *op);

/// Elementwise ops that can run in an anchor kernel's registers: float
/// activations and arithmetic that keep the element type.
bool isEpilogueOp(Operation *op);

/// Whether `dq` dequantizes a quantize of a value computed from `anchor`'s
/// result (a round trip of the epilogue's own value, which a fusion group
/// continues through only where the target rounds in registers), not an
/// int8 tensor from elsewhere (a residual).
bool isRoundTripOf(Operation *anchor, Operation *dq);

} // namespace mlir::infer

#endif // INFER_IR_FUSION_H
