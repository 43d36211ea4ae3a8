//===- GatherRows.h - Vectorized row gather for CUDA ------------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// out[o, l, :] = in[o, idx[l], :] where the gathered rows are contiguous
// runs of `inner` elements whose byte size is a multiple of 16: the im2col
// gather of a convolution lowered to a GEMM (transforms/ConvToGemm.cpp)
// and embedding lookups. One thread moves 16 bytes (one vector load and
// store), where the generic kernel moves one element per thread.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CUDA_GATHERROWS_H
#define INFER_CODEGEN_CUDA_GATHERROWS_H

#include "codegen/cuda/CudaKernels.h"

#include <optional>

namespace mlir::infer {

struct GatherRowsSpec {
  /// Product of the dimensions before the axis, the axis's extent in the
  /// input, the number of indices, the elements after the axis.
  int64_t outer = 1, rows = 1, count = 1, inner = 1;
  unsigned elemBytes = 2;
  /// Index element width (32 or 64 bits).
  unsigned indexBits = 64;
  /// Threads per block (the tile configuration's).
  int64_t threads = 256;
  /// The gather's fill value (its bits, one element): indices outside
  /// [0, rows) read it; none: indices wrap and clamp.
  std::optional<uint64_t> fillBits;
};

/// Whether the kernel applies: rows of a multiple of 16 bytes, sizes in
/// range.
bool gatherRowsApplies(const GatherRowsSpec &spec);

/// Adds the kernel (arguments: input, indices, output). Without a fill,
/// indices are wrapped when negative and clamped into range (ONNX leaves
/// out-of-range indices undefined; the kernel never reads outside the
/// input); with one, an index out of range stores the fill.
FailureOr<KernelInfo> addGatherRowsKernel(KernelModule &kernels,
                                          const GatherRowsSpec &spec,
                                          Location loc, std::string &error);

} // namespace mlir::infer

#endif // INFER_CODEGEN_CUDA_GATHERROWS_H
