//===- GemmSm90.h - Tensor-core GEMM kernels for Hopper ---------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// C[M,N] = epilogue(A[M,K] * B) in fp16 or bf16 with fp32 accumulation, as
// one sm_90a kernel built from LLVM and NVVM dialect ops:
//
//   - a CTA computes a BM x BN tile; its 384 threads are three warpgroups:
//     warpgroup 0 produces (one thread issues TMA copies of the A and B
//     tiles into a ring of shared-memory stages, each guarded by a "full"
//     and an "empty" mbarrier), warpgroups 1 and 2 consume (each owns
//     BM/2 rows and issues wgmma.mma_async m64nBNk16 on the stage, keeping
//     one group in flight, then frees the stage);
//   - registers are rebalanced with setmaxnreg (producer 40, consumers 232);
//   - the epilogue runs on the accumulators in registers (bias per column,
//     residual, ReLU) and stores C directly;
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

/// Adds the kernel to `kernels`; its KernelInfo carries the launch
/// geometry and the two tensor maps (A, B) the runtime encodes.
FailureOr<KernelInfo> addGemmSm90Kernel(KernelModule &kernels,
                                        const GemmSpec &spec, Location loc,
                                        std::string &error);

} // namespace mlir::infer

#endif // INFER_CODEGEN_CUDA_GEMMSM90_H
