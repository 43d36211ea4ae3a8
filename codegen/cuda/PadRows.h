//===- PadRows.h - Vectorized constant padding for CUDA ---------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Constant padding of every dimension but the last, whose rows are a
// multiple of 16 bytes: the spatial padding of an NHWC image before the
// im2col gather (transforms/ConvToGemm.cpp). One thread writes 16 bytes,
// copied from the input or filled with the padding value.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CUDA_PADROWS_H
#define INFER_CODEGEN_CUDA_PADROWS_H

#include "codegen/cuda/CudaKernels.h"

namespace mlir::infer {

struct PadRowsSpec {
  /// Input shape; padding before and after each dimension (the last
  /// dimension's are 0).
  SmallVector<int64_t> shape, before, after;
  unsigned elemBytes = 2;
  /// The padding value's bits, repeated to fill 16 bytes.
  uint64_t valueBits = 0;
  /// Threads per block (the tile configuration's).
  int64_t threads = 256;
};

/// Whether the kernel applies: non-negative padding, none on the last
/// dimension, rows of a multiple of 16 bytes.
bool padRowsApplies(const PadRowsSpec &spec);

/// Adds the kernel (arguments: input, output).
FailureOr<KernelInfo> addPadRowsKernel(KernelModule &kernels,
                                       const PadRowsSpec &spec, Location loc,
                                       std::string &error);

} // namespace mlir::infer

#endif // INFER_CODEGEN_CUDA_PADROWS_H
