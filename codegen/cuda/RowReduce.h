//===- RowReduce.h - Global pooling rows on CUDA warps ----------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Global average and max pooling over the contiguous spatial elements of
// each (image, channel) row, one warp per row: the lanes read consecutive
// 16-byte chunks of the row (coalesced), accumulate in f32 and combine by
// butterfly shuffles; lane 0 writes the row's mean or maximum. The generic
// kernel gives each output its own thread, which walks its whole row
// alone: the 32 threads of a warp then read 32 rows far apart
// (EfficientNet-B0 at batch 32 spent 36% of its time there).
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CUDA_ROWREDUCE_H
#define INFER_CODEGEN_CUDA_ROWREDUCE_H

#include "codegen/cuda/CudaKernels.h"

namespace mlir::infer {

/// A reduction of a [rows][length][inner] tensor over its middle
/// dimension into [rows][inner]: global pooling of NCHW (inner 1: a warp
/// per row) or of NHWC (inner C: a block per image and channel run, its
/// threads split over the channels and the length).
struct RowReduceSpec {
  enum class Kind { Mean, Max, Sum } kind = Kind::Mean;
  int64_t rows = 1, length = 1, inner = 1;
  /// Element type of input and output (f32, f16 or bf16); the reduction
  /// runs in f32.
  Type elem;
  /// Threads per block (the tile configuration's).
  int64_t threads = 256;
};

/// Whether the kernel applies (a float type, sizes in range).
bool rowReduceApplies(const RowReduceSpec &spec);

/// Adds the kernel. Arguments: input [rows, length], output [rows].
FailureOr<KernelInfo> addRowReduceKernel(KernelModule &kernels,
                                         const RowReduceSpec &spec,
                                         Location loc, std::string &error);

} // namespace mlir::infer

#endif // INFER_CODEGEN_CUDA_ROWREDUCE_H
