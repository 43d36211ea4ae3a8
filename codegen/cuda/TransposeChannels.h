//===- TransposeChannels.h - NCHW <-> NHWC on CUDA --------------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The layout changes that remain around convolutions lowered to NHWC GEMMs
// (the model input, pooling): [N, C, P] <-> [N, P, C] with P = H*W. A
// thread moves one 16-byte run of channels of one pixel (8 bytes where
// the channels are not whole 16: a stem's 4 fp16 channels): one vector
// access on the channels-last side, one scalar access a channel on the
// planar side,
// where consecutive threads take consecutive pixels (coalesced). The
// generic transpose gives each element a thread and reads across planes.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CUDA_TRANSPOSECHANNELS_H
#define INFER_CODEGEN_CUDA_TRANSPOSECHANNELS_H

#include "codegen/cuda/CudaKernels.h"

namespace mlir::infer {

struct TransposeChannelsSpec {
  int64_t batch = 1, channels = 8, pixels = 1;
  unsigned elemBytes = 2;
  /// true: [N, C, P] -> [N, P, C]; false: [N, P, C] -> [N, C, P].
  bool toChannelsLast = true;
  /// Threads per block (the tile configuration's).
  int64_t threads = 256;
  /// To channels-last only: the planar input's channels (0: `channels`;
  /// fewer: the rest are written as zeros, a channel padding done on the
  /// way) and element bytes (0: `elemBytes`; 4 with 2-byte output: fp32
  /// rounded to fp16, or to bf16 with `bf16`, a cast done on the way).
  int64_t srcChannels = 0;
  unsigned srcElemBytes = 0;
  bool bf16 = false;
  /// 4 with 1-byte output: fp32 quantized to int8 on the way, times
  /// `quantScale` (1 / scale), rounded to nearest even, clamped to
  /// [quantLo, quantHi].
  float quantScale = 1, quantLo = -128, quantHi = 127;
  /// The 1-byte output is f8E4M3FN: times quantScale, rounded to nearest
  /// even and saturated by the conversion (quantLo / quantHi unused).
  bool fp8 = false;
};

/// Whether the kernel applies: channels in whole 8 bytes; a conversion on
/// the way from fp32 to 16-bit floats or int8.
bool transposeChannelsApplies(const TransposeChannelsSpec &spec);

/// Adds the kernel (arguments: input, output).
FailureOr<KernelInfo> addTransposeChannelsKernel(KernelModule &kernels,
                                                 const TransposeChannelsSpec &spec,
                                                 Location loc, std::string &error);

} // namespace mlir::infer

#endif // INFER_CODEGEN_CUDA_TRANSPOSECHANNELS_H
