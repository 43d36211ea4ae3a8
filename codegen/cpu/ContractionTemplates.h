//===- ContractionTemplates.h - CPU kernels for conv and matmul -*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Kernel templates for the anchor ops, built with MLIR builders as scf and
// vector IR over memrefs: an MR x (NV * VL) register tile of accumulators
// updated by broadcast-FMA over the reduction, with weights packed at
// compile time so every load in the hot loop is contiguous.
//
//   conv_packed  any 2-D convolution with group 1: an im2col panel of NR
//                output positions is packed per tile, then MR output
//                channels at a time run over it.
//   conv_direct  stride 1 without padding (the planner pads first): rows
//                of the input are read in place, NR positions of one row
//                per tile.
//   dwconv       depthwise convolution (stride 1 or 2, padded first).
//   gemm         Gemm and MatMul with a constant right operand.
//
// The tile configuration (variant, MR, NV, VL) is chosen per op and kept as
// an attribute, so it shows in the IR and a tuner can replace it.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CPU_CONTRACTIONTEMPLATES_H
#define INFER_CODEGEN_CPU_CONTRACTIONTEMPLATES_H

#include "codegen/core/TemplateKernel.h"
#include "ir/ConstantView.h"
#include "ir/InferOps.h"
#include "codegen/cpu/CpuTarget.h"

#include "mlir/IR/Operation.h"

#include <optional>

namespace mlir::infer {


/// The sizes of a 2-D NCHW convolution: input [n, c, h, w], weight
/// [m, c / group, kh, kw], output [n, m, oh, ow], strides, dilations and
/// leading pads.
struct ConvShape {
  int64_t n, c, h, w, m, kh, kw, oh, ow, sh, sw, dh, dw, ph, pw;
};
ConvShape convShape(ConvOp op);

/// The data of the constant `v` (through outerValue) stands for, in its
/// own element type.
FailureOr<ConstantView> constantData(Value v);

/// The tile configuration chosen for `op` (a conv, gemm, matmul,
/// attention or pool) on `target`, or null when no template applies (the
/// op then takes the generic linalg path). Sets the `infer.tile` attribute
/// on the op.
CpuTileAttr selectTileConfig(Operation *op, const CpuTarget &target);

/// Why `tile` cannot build `op`'s kernel on `target` (a configuration from
/// a tuner or a hand edit that does not fit: a depthwise template on a
/// dense convolution, 16-float vectors on an AVX2 CPU), or "" when it can.
std::string tileMismatch(Operation *op, CpuTileAttr tile,
                         const CpuTarget &target);

/// Classifies the epilogue `ops` (in order, each consuming the previous
/// result, the first consuming `anchor`'s) for the anchor's template; fails
/// when a step cannot run in registers (the group then takes the generic
/// path).
FailureOr<SmallVector<EpilogueStep>> classifyEpilogue(Operation *anchor,
                                                      ArrayRef<Operation *> ops);

/// Builds the template kernel of `anchor` with its tile configuration and
/// epilogue. The kernel's output is the last epilogue step's (or the
/// anchor's) result. Returns a kernel without stages when the template
/// declines (an operand layout it cannot read in place).
FailureOr<TemplateKernel>
buildTemplateKernel(Operation *anchor, CpuTileAttr config,
                    ArrayRef<EpilogueStep> epilogue, KernelModule &kernels,
                    std::string &error);

} // namespace mlir::infer

#endif // INFER_CODEGEN_CPU_CONTRACTIONTEMPLATES_H
