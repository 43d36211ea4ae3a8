//===- ConcatRows.h - Vectorized concatenation for CUDA ---------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CUDA_CONCATROWS_H
#define INFER_CODEGEN_CUDA_CONCATROWS_H

#include "codegen/cuda/CudaKernels.h"

#include <vector>

namespace mlir::infer {

/// A concatenation seen as `outer` rows: operand k contributes
/// `spanBytes[k]` contiguous bytes to each output row (its extent along
/// the axis times the elements after it).
struct ConcatRowsSpec {
  int64_t outer = 1;
  std::vector<int64_t> spanBytes;
  /// Threads per block (the tile configuration's).
  int64_t threads = 256;
};

/// Every span a whole number of 16-byte chunks, sizes within range.
bool concatRowsApplies(const ConcatRowsSpec &spec);

/// One thread per 16-byte chunk of the result: the operand it comes from
/// is found by comparing the chunk's column with the spans' boundaries
/// (known at compile time), then one vector load and store.
FailureOr<KernelInfo> addConcatRowsKernel(KernelModule &kernels,
                                          const ConcatRowsSpec &spec,
                                          Location loc, std::string &error);

} // namespace mlir::infer

#endif // INFER_CODEGEN_CUDA_CONCATROWS_H
