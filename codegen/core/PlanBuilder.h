//===- PlanBuilder.h - Kernels, buffers and launches of a graph -*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Turns an optimized graph into the artifact's plan: one template kernel
// (the backend's) or one generic kernel per fusion group, a buffer for
// every value (arena slots planned from liveness, packed constants,
// inputs, outputs written in place, in-place concatenations), and the
// launches in order.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CORE_PLANBUILDER_H
#define INFER_CODEGEN_CORE_PLANBUILDER_H

#include "codegen/core/ArtifactWriter.h"
#include "codegen/core/KernelModule.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <string>
#include <vector>

namespace mlir::infer {

class TargetBackend;

/// One kernel of the compiled model, for reports.
struct KernelSummary {
  std::string symbol;
  /// The fusion pattern (or op) and, for templates, the template variant.
  std::string kind;
  /// The fusion pattern (`conv+add+relu`) or the op (`pool`).
  std::string pattern;
  std::vector<std::string> nodes;
  int64_t flops = 0;
  int64_t bytes = 0;
  int64_t grid = 1;
};

/// Builds the kernels of `fn` into `kernels` (templates from `templates`
/// when not null) and its plan into `plan` (buffers, launches, arena,
/// packed constants), with one summary per kernel launch.
LogicalResult buildPlan(func::FuncOp fn, const TargetBackend *templates,
                        KernelModule &kernels, ArtifactPlan &plan,
                        std::vector<KernelSummary> &summaries,
                        std::string &error);

/// Describes `fn`'s inputs and outputs (names, dtypes, shapes) in `plan`.
LogicalResult describeInterface(func::FuncOp fn, ArtifactPlan &plan,
                                std::string &error);

} // namespace mlir::infer

#endif // INFER_CODEGEN_CORE_PLANBUILDER_H
