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

#include "codegen/cpu/CpuTarget.h"
#include "codegen/cpu/KernelModule.h"

#include "mlir/IR/Operation.h"

#include <optional>

namespace mlir::infer {

/// An input of a template kernel: a graph value, or constant data the
/// template packed into its own layout.
struct TemplateArg {
  Value value;
  std::vector<char> packed;
  bool isPacked() const { return !packed.empty(); }
};

/// A template kernel ready for the plan.
struct TemplateKernel {
  KernelInfo info;
  std::vector<TemplateArg> inputs;
};

/// The tile configuration chosen for `op` on `target`, or null when no
/// template applies (the op then takes the generic linalg path). Sets the
/// `infer.tile` attribute on the op.
DictionaryAttr selectTileConfig(Operation *op, const CpuTarget &target);

/// Whether the tile configuration reads its input without padding, so the
/// planner must pad the input first (conv_direct, dwconv).
bool needsExplicitPadding(DictionaryAttr config);

/// Builds the template kernel of `op` with its tile configuration.
FailureOr<TemplateKernel> buildTemplateKernel(Operation *op,
                                              DictionaryAttr config,
                                              KernelModule &kernels,
                                              std::string &error);

} // namespace mlir::infer

#endif // INFER_CODEGEN_CPU_CONTRACTIONTEMPLATES_H
