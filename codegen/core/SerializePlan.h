//===- SerializePlan.h - The artifact's plan read off the IR ----*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The last codegen stage: after infer-outline-kernels and
// infer-plan-buffers, the graph function says everything the runtime
// needs (its dispatches' launches, every value's #infer.buffer, the arena
// size, the constants' layout). This reads it into the plan structs the
// artifact writer serializes, with a summary of each kernel for reports.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CORE_SERIALIZEPLAN_H
#define INFER_CODEGEN_CORE_SERIALIZEPLAN_H

#include "codegen/core/ArtifactWriter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <string>
#include <vector>

namespace mlir::infer {

/// One kernel launch of the compiled model, for reports.
struct KernelSummary {
  std::string symbol;
  /// The fusion pattern (or op) and, for templates, the template variant.
  std::string kind;
  /// The fusion pattern (`conv+add+relu`) or the op (`pool`).
  std::string pattern;
  /// What the kernel computes in ("int8", "fp16", "tf32", ...).
  std::string precision;
  std::vector<std::string> nodes;
  int64_t flops = 0;
  int64_t bytes = 0;
  int64_t grid = 1;
  /// GPU threads per block (0 on the CPU).
  int64_t threads = 0;
  /// Whether a kernel template chose the grid (else the generic split).
  bool templated = false;
  /// A template's tile configuration and where it came from ("heuristic",
  /// "cache"); empty for generic kernels.
  std::string config, configSource;
  /// Elements of the launch's outputs: the points a split could spread.
  int64_t outputElements = 0;
};

/// The GPU threads a generic kernel needs to fill a GPU (64 blocks of 256:
/// half a block per SM of the largest Hopper parts, kept low so that small
/// kernels of batch 1 are not flagged for lack of work).
constexpr int64_t kGpuFillThreads = 64 * 256;

/// Whether `k` is a generic GPU kernel that runs on fewer threads than its
/// output could spread over and than a GPU needs: work left on too few
/// threads (at worst, one thread for a whole tensor).
bool underfillsGpu(const KernelSummary &k);

/// Describes `fn`'s inputs and outputs (names, dtypes, shapes) in `plan`;
/// an element type the runtime cannot carry is an error at the function.
LogicalResult describeInterface(func::FuncOp fn, ArtifactPlan &plan);

/// Reads the buffers, launches, arena and constants of the planned `fn`
/// into `plan`, one summary per kernel launch in `summaries`. Each
/// constant's memory is released once its bytes are in the plan (the
/// kernels must have been compiled by then). Errors are diagnostics at the
/// op that lacks what the plan needs.
LogicalResult serializePlan(func::FuncOp fn, ArtifactPlan &plan,
                            std::vector<KernelSummary> &summaries);

} // namespace mlir::infer

#endif // INFER_CODEGEN_CORE_SERIALIZEPLAN_H
