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

namespace reference {
class Tensor;
} // namespace reference

/// One elementwise step applied to the accumulators before they are stored
/// (a fused epilogue): a unary function, or a binary function with an
/// operand read per output channel/row, per column, as a scalar, or as a
/// full tensor shaped like the output.
struct EpilogueStep {
  Operation *op = nullptr;     ///< the infer.unary / infer.binary
  Value operand;               ///< the other operand of a binary step
  bool chainOnLeft = true;     ///< the accumulated value is the lhs
  enum class Read { None, Scalar, PerRow, PerColumn, Full } read = Read::None;
};

/// An input of a template kernel: a graph value, or constant data the
/// template packed into its own layout.
struct TemplateArg {
  Value value;
  std::vector<char> packed;
  bool isPacked() const { return !packed.empty(); }
};

/// One launch of a template: a kernel and its arguments, as indices into
/// the template's inputs, then its scratch buffers, then its output.
struct TemplateStage {
  KernelInfo info;
  std::vector<int> args;
};

/// A template kernel ready for the plan: one or more launches sharing
/// inputs, scratch buffers (arena memory alive for the template only) and
/// one output.
struct TemplateKernel {
  std::vector<TemplateArg> inputs;
  std::vector<uint64_t> scratchBytes;
  std::vector<TemplateStage> stages;
};

/// The value outside a fusion group that a group's block argument stands
/// for (weights enter groups as operands), or `v` itself.
Value outerValue(Value v);

/// The data of the constant `v` (through outerValue) stands for.
FailureOr<reference::Tensor> constantData(Value v);

/// The tile configuration chosen for `op` on `target`, or null when no
/// template applies (the op then takes the generic linalg path). Sets the
/// `infer.tile` attribute on the op.
DictionaryAttr selectTileConfig(Operation *op, const CpuTarget &target);

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
buildTemplateKernel(Operation *anchor, DictionaryAttr config,
                    ArrayRef<EpilogueStep> epilogue, KernelModule &kernels,
                    std::string &error);

} // namespace mlir::infer

#endif // INFER_CODEGEN_CPU_CONTRACTIONTEMPLATES_H
