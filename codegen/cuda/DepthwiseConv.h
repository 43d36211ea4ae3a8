//===- DepthwiseConv.h - Channels-last depthwise convolution on CUDA ------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CUDA_DEPTHWISECONV_H
#define INFER_CODEGEN_CUDA_DEPTHWISECONV_H

#include "codegen/cuda/CudaKernels.h"
#include "codegen/cuda/GemmCommon.h"

namespace mlir::infer {

/// A 2-D depthwise convolution of an NHWC tensor [n, h, w, c] into [n, ho,
/// wo, c] with a weight packed [kh][kw][c]. `out` carries the epilogue (a
/// GEMM epilogue over rows n*ho*wo and columns c: bias, activation,
/// residual) and the element type (f16 or bf16).
struct DepthwiseSpec {
  int64_t n = 1, h = 1, w = 1, c = 1, ho = 1, wo = 1;
  int64_t kh = 1, kw = 1, strideH = 1, strideW = 1, padTop = 0, padLeft = 0,
          dilH = 1, dilW = 1;
  GemmSpec out;
  int64_t threads = 256;
  /// Output pixels of one row a thread computes (1 to 8): the input
  /// columns their windows share are loaded once.
  int64_t pixels = 1;
};

/// Pixels per thread: 4 where the GPU still gets 64K threads or more (an
/// H100 / H200 holds 270K resident), else 2 or 1.
int64_t depthwisePixelsPerThread(const DepthwiseSpec &spec);

/// "" when the kernel applies, else why not.
std::string depthwiseUnsupported(const DepthwiseSpec &spec);

/// One thread per `pixels` output pixels of a row and 16-byte run of
/// channels: each input column of their windows and each weight run in one
/// vector load (out-of-image taps skipped), f32 accumulation, the epilogue
/// and one vector store per pixel.
FailureOr<KernelInfo> addDepthwiseKernel(KernelModule &kernels,
                                         const DepthwiseSpec &spec, Location loc,
                                         std::string &error);

} // namespace mlir::infer

#endif // INFER_CODEGEN_CUDA_DEPTHWISECONV_H
