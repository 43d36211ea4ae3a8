//===- GemmSm90.h - Tensor-core GEMM kernels for Hopper ---------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// C[M,N] = epilogue(A[M,K] * B) in fp16 or bf16 with fp32 accumulation, as
// one sm_90a kernel built from LLVM and NVVM dialect ops:
//
//   - a CTA computes a BM x BN tile (BM 128, or 64; BN 16 to 256); its
//     threads are warpgroups: warpgroup 0 produces (one thread issues TMA
//     copies of the A and B tiles into a ring of shared-memory stages,
//     each guarded by a "full" and an "empty" mbarrier), the others
//     consume (each owns 64 rows and issues wgmma.mma_async m64nBNk16 on
//     the stage, keeping one group in flight, then frees the stage);
//   - registers are rebalanced with setmaxnreg (producer 40, consumers the
//     rest of the block's share);
//   - two CTAs share an SM when their rings and accumulators fit half of
//     it; with two tiles per SM or more a CTA is persistent instead: one
//     per SM walks tiles b, b + 132, ..., its producer loading the next
//     tile while its consumers run the epilogue;
//   - the epilogue runs on the accumulators (bias per column, residual,
//     activation), staged through shared memory into 16-byte stores;
//   - tiles are visited in groups of 8 tile rows so that concurrent CTAs
//     share A and B in L2.
//
// B is either [K,N] (row-major, "MN-major" for wgmma: transposed operand)
// or [N,K] (a pre-transposed weight, "K-major"). Both operands use the
// 128-byte swizzle that TMA writes and wgmma reads.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CUDA_GEMMSM90_H
#define INFER_CODEGEN_CUDA_GEMMSM90_H

#include "codegen/cuda/GemmCommon.h"

#include <string>

namespace mlir::infer {

/// Why `spec` cannot use the kernel ("" when it can): alignment of the
/// TMA strides, element types.
std::string gemmSm90Unsupported(const GemmSpec &spec);

/// A wgmma shared-memory descriptor of a tile in the `swizzleBytes` (128
/// or 64) swizzle (else one of unswizzled 8 x 16-byte core matrices) at
/// shared-window address `addr64` (i64), with its leading and stride byte
/// offsets.
Value wgmmaDescriptor(Ir &ir, Value addr64, int64_t leadingBytes,
                      int64_t strideBytes, bool swizzled = true,
                      int64_t swizzleBytes = 128);

/// Bytes of one pipeline stage of the 2:4 sparse GEMM for a tile of `rows`
/// rows of A by `channels` output channels (128 of K: values, activations,
/// positions).
int64_t sparseGemmStageBytes(int64_t rows, int64_t channels);

/// What the 2:4 sparse sm_90a GEMM cannot do with `spec` ("" when it can).
std::string gemmSm90SparseUnsupported(const GemmSpec &spec);

/// The 2:4 sparse GEMM on sm_90a (wgmma.mma_async.sp): C = A * B^T where
/// B (N x K) is given as its kept values (argument 1, N x K/2) and 4-bit
/// positions (argument 2, N x K/16 i16, infer.sparse24's layout). The
/// weight is wgmma's sparse operand: each block computes a BM-row x
/// BN-channel tile of C transposed and its epilogue writes it back
/// row-major.
FailureOr<KernelInfo> addGemmSm90SparseKernel(KernelModule &kernels,
                                              const GemmSpec &spec, Location loc,
                                              std::string &error);

/// Adds the kernel to `kernels`; its KernelInfo carries the launch
/// geometry and the two tensor maps (A, B) the runtime encodes.
FailureOr<KernelInfo> addGemmSm90Kernel(KernelModule &kernels,
                                        const GemmSpec &spec, Location loc,
                                        std::string &error);

} // namespace mlir::infer

#endif // INFER_CODEGEN_CUDA_GEMMSM90_H
