//===- ViewCopy.h - Copies through strided views on CUDA --------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// A chain of slices, reshapes and transposes ending in a copy (the head
// split of exported attention: slice q, k, v out of the fused projection,
// split the heads, move them first) is one strided view of the chain's
// first operand (codegen/core/StridedView.h). One kernel writes the view's
// elements in order, a vector of up to 16 bytes per thread where the
// innermost dimension is contiguous, instead of one kernel per step.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CUDA_VIEWCOPY_H
#define INFER_CODEGEN_CUDA_VIEWCOPY_H

#include "codegen/cuda/CudaKernels.h"

namespace mlir::infer {

struct ViewCopySpec {
  /// Element `r` (refined indices, row-major over `sizes`) of the result
  /// is element `offset + sum(r[k] * strides[k])` of the source, which
  /// holds `sourceElements`.
  int64_t offset = 0, sourceElements = 0;
  SmallVector<int64_t> sizes, strides;
  unsigned elemBytes = 2;
  /// Threads per block (the tile configuration's).
  int64_t threads = 256;
};

/// Whether the kernel applies: static sizes in range, every element
/// inside the source.
bool viewCopyApplies(const ViewCopySpec &spec);

/// Adds the kernel (arguments: source, result).
FailureOr<KernelInfo> addViewCopyKernel(KernelModule &kernels,
                                        const ViewCopySpec &spec, Location loc,
                                        std::string &error);

} // namespace mlir::infer

#endif // INFER_CODEGEN_CUDA_VIEWCOPY_H
