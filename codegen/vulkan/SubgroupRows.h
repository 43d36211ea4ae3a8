//===- SubgroupRows.h - Softmax and layer norm rows with subgroup reductions -*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Softmax and layer normalization over the last dimension, one workgroup
// of 64 invocations per row: each invocation reduces its strided share of
// the row, the subgroups reduce with GroupNonUniform arithmetic
// (gpu.subgroup_reduce), and their partials meet in workgroup memory, for
// any subgroup size the device has (8 on lavapipe, 32 on NVIDIA). Softmax
// reads the row three times (max, sum of exponentials, output), layer
// norm three (mean, variance, output), from the cache after the first.
// The generic kernels give each output element its own invocation and
// recompute the row statistics per element.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_VULKAN_SUBGROUPROWS_H
#define INFER_CODEGEN_VULKAN_SUBGROUPROWS_H

#include "codegen/core/KernelModule.h"
#include "codegen/core/RowNormSpec.h"

#include <string>

namespace mlir::infer {

/// Whether the kernel takes `spec`: f32 or f16 rows, indices within 32
/// bits.
bool subgroupRowsApply(const RowNormSpec &spec);

/// Adds the kernel. Arguments: input, [scale, [bias],] output.
FailureOr<KernelInfo> addSubgroupRowKernel(KernelModule &kernels, const RowNormSpec &spec,
                                           Location loc, std::string &error);

} // namespace mlir::infer

#endif // INFER_CODEGEN_VULKAN_SUBGROUPROWS_H
