//===- ConcatRows.h - Vectorized concatenation for CUDA ---------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CUDA_CONCATROWS_H
#define INFER_CODEGEN_CUDA_CONCATROWS_H

#include "codegen/cuda/GemmCommon.h"

#include <optional>
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
  /// Elementwise steps applied to every element on the way: the batch norm
  /// and ReLU after each of DenseNet's concatenations, or an elementwise
  /// group reading one source. The epilogue of `map` (m = outer rows, n =
  /// elements per row, elem = out = the float element type; arguments:
  /// the sources, the epilogue operands, the result). None: a plain copy.
  std::optional<GemmSpec> map;
};

/// Every span a whole number of 16-byte chunks, sizes within range; with
/// a map, float elements and rows that fit the epilogue's 32-bit indices.
bool concatRowsApplies(const ConcatRowsSpec &spec);

/// One thread per 16-byte chunk of the result: the operand it comes from
/// is found by comparing the chunk's column with the spans' boundaries
/// (known at compile time), then one vector load, the map's steps in fp32
/// when there is one, and one vector store.
FailureOr<KernelInfo> addConcatRowsKernel(KernelModule &kernels,
                                          const ConcatRowsSpec &spec,
                                          Location loc, std::string &error);

} // namespace mlir::infer

#endif // INFER_CODEGEN_CUDA_CONCATROWS_H
