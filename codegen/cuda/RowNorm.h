//===- RowNorm.h - Softmax and layer norm rows on CUDA warps ----*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Softmax and layer normalization over the last dimension, one warp per
// row: each lane keeps L/32 elements of its row in registers (coalesced
// loads, 32 consecutive elements per warp access), the row's max / sum /
// mean / variance come from butterfly shuffles (shfl.sync.bfly), and the
// row is written once. The generic kernels give each output element its
// own thread and recompute the row statistics per element.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CUDA_ROWNORM_H
#define INFER_CODEGEN_CUDA_ROWNORM_H

#include "codegen/core/RowNormSpec.h"
#include "codegen/cuda/CudaKernels.h"

namespace mlir::infer {

/// Whether the kernel applies: length a multiple of 32 and at most 1024.
bool rowNormApplies(const RowNormSpec &spec);

/// Adds the kernel. Arguments: input, [scale, [bias],] output.
FailureOr<KernelInfo> addRowNormKernel(KernelModule &kernels,
                                       const RowNormSpec &spec, Location loc,
                                       std::string &error);

} // namespace mlir::infer

#endif // INFER_CODEGEN_CUDA_ROWNORM_H
