//===- GemmSm80.h - mma.sync GEMM kernels for sm_80 and later ---*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// C[M,N] = epilogue(A[M,K] * B[N,K]^T) in fp16 or bf16 with fp32
// accumulation on the tensor cores of every architecture from Ampere on
// (sm_80, sm_86, sm_89; sm_90 without the "a" features), as one kernel
// built from LLVM and NVVM dialect ops:
//
//   - a CTA of 4 warps computes a 128 x 128 tile, each warp 64 x 64;
//   - A and B tiles of BK = 32 travel global -> shared with cp.async (16
//     bytes per thread and copy, rows past M or N and columns past K
//     zero-filled), in a 3-stage ring (commit / wait_group);
//   - shared rows are 64 bytes with their four 16-byte chunks XOR-swizzled
//     by row, so that ldmatrix.x4 reads are free of bank conflicts;
//   - mma.sync.m16n8k16 (row.col) on fragments from ldmatrix: per k16
//     step a warp issues 4 x 8 of them;
//   - the epilogue (GemmCommon.h) runs on the accumulators in registers.
//
// B must be K-major ([N,K]: a weight transposed at compile time).
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CUDA_GEMMSM80_H
#define INFER_CODEGEN_CUDA_GEMMSM80_H

#include "codegen/cuda/GemmCommon.h"

namespace mlir::infer {

/// Why `spec` cannot use the kernel ("" when it can).
std::string gemmSm80Unsupported(const GemmSpec &spec);

/// Adds the kernel to `kernels` (arguments as GemmSpec::numArgs says).
FailureOr<KernelInfo> addGemmSm80Kernel(KernelModule &kernels,
                                        const GemmSpec &spec, Location loc,
                                        std::string &error);

} // namespace mlir::infer

#endif // INFER_CODEGEN_CUDA_GEMMSM80_H
