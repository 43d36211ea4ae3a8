//===- TemplateKernel.h - A kernel template's launches ----------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// What a backend's kernel template hands the plan: the launches of one
// fusion group (one or more kernels sharing inputs, scratch memory and one
// output), the constants it packed into its own layout, and the epilogue
// steps it applies in registers. Target-neutral: every backend's templates
// fill the same structs.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CORE_TEMPLATEKERNEL_H
#define INFER_CODEGEN_CORE_TEMPLATEKERNEL_H

#include "codegen/core/KernelModule.h"

#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"

#include <vector>

namespace mlir::func {
class FuncOp;
} // namespace mlir::func

namespace mlir::infer {

class FusedOp;

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

/// One kernel's worth of graph ops: a fusion group's body, or a single op.
struct KernelGroup {
  Operation *root = nullptr;       ///< the infer.fused op or the single op
  std::string pattern;             ///< what the report calls it
  SmallVector<Operation *> ops;    ///< in order, without the terminator
  SmallVector<Value> results;      ///< values the kernel produces (inner)
  SmallVector<Value> outer;        ///< the same as top-level values
  /// The top-level value whose buffer holds `v` (a block argument's
  /// operand), or `v` itself.
  Value toOuter(Value v) const;
};

/// The value outside a fusion group that a group's block argument stands
/// for (weights enter groups as operands), or `v` itself.
Value outerValue(Value v);

/// Whether an infer.constant defines `v` (through outerValue).
bool isConstantValue(Value v);

/// Moves `producer` (one result, read only by `use`) into the group of its
/// reader: into its infer.fused region, or a new one holding both when the
/// reader is alone. The group's location names the producer's nodes too.
/// Returns the group.
FusedOp pullIntoGroup(Operation *producer, OpOperand &use, StringRef name);

/// Calls `f(im2col, use, product)` for each top-level im2col op of `fn`
/// read only as the left operand (the rows) of a matmul or gemm, directly
/// or through the fused group that holds the product (`use` the im2col's
/// one use): what a GEMM template reading images (an implicit GEMM) may
/// pull into its group. `f` may do so; each use is found after the calls
/// before it.
void forEachIm2colReadAsRows(func::FuncOp fn,
                             function_ref<void(Operation *im2col, OpOperand &use,
                                               Operation *product)> f);

/// A product split over K: `gemm` writes `scratchBytes` of partial tiles
/// (its arguments: inputs 0 and 1, then the scratch buffer), `reduce` sums
/// them through the epilogue (its arguments: the inputs from
/// `firstReduceInput` on, the output, the scratch buffer).
TemplateKernel splitKTemplate(std::vector<TemplateArg> inputs, KernelInfo gemm,
                              KernelInfo reduce, uint64_t scratchBytes,
                              int firstReduceInput);

/// A single-launch template over `inputs` then its output, from the kernel
/// `info` a builder made.
TemplateKernel singleStageTemplate(std::vector<TemplateArg> inputs,
                                   KernelInfo info);

} // namespace mlir::infer

#endif // INFER_CODEGEN_CORE_TEMPLATEKERNEL_H
