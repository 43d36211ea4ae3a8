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

/// The cp.async ring the mma.sync kernels share: k tiles 0 .. kTiles - 1
/// in `stages` buffers of `stageBytes` at `smem`. `load(stage, kt)` issues
/// one tile's copies and commits them; `compute(stage, acc)` consumes a
/// landed tile (the barrier before it frees the stage read last). Returns
/// the accumulators after the last tile, every copy complete.
Value buildCpAsyncRing(Ir &ir, Value smem, int64_t stages, int64_t stageBytes,
                       int64_t kTiles, Value acc,
                       llvm::function_ref<void(Value stage, Value kt)> load,
                       llvm::function_ref<Value(Value stage, Value acc)> compute);

/// ldmatrix.x4 of four 8 x 8 16-bit matrices (each lane gives the address
/// of one row at `at`): the four i32 registers.
SmallVector<Value> ldmatrixX4(Ir &ir, Value at);

/// A register of two 16-bit values as mma takes it: vector<2xf16> for
/// f16, the i32 itself for bf16.
Value mmaOperand(Ir &ir, Type elem, Value reg);

/// One m16n8 mma per pair of A fragment i and B fragment j (registers as
/// ldmatrix gives them), accumulating into fields (i * B's count + j) * 4
/// .. + 3 of `acc`: `mma(i, a, b, c)` issues the instruction on the
/// operands and accumulators and returns its struct of four fp32 values.
/// Returns the accumulators.
Value mmaFragments(Ir &ir, Type elem, Value acc, ArrayRef<SmallVector<Value>> aFrag,
                   ArrayRef<SmallVector<Value>> bFrag,
                   llvm::function_ref<Value(int64_t i, ValueRange a, ValueRange b,
                                            ValueRange c)> mma);

/// Why `spec` cannot use the kernel ("" when it can).
std::string gemmSm80Unsupported(const GemmSpec &spec);

/// Adds the kernel to `kernels` (arguments as GemmSpec::numArgs says).
FailureOr<KernelInfo> addGemmSm80Kernel(KernelModule &kernels,
                                        const GemmSpec &spec, Location loc,
                                        std::string &error);

/// What the 2:4 sparse mma.sync GEMM cannot do with `spec` ("" when it can).
std::string gemmSm80SparseUnsupported(const GemmSpec &spec);

/// The 2:4 sparse GEMM from sm_80 on (mma.sp.sync m16n8k32): C = A * B^T
/// where B (N x K) is given as its kept values (argument 1, N x K/2) and
/// positions (argument 2, N x K/16 i16). The weight is the mma's sparse
/// operand: a block computes a 128-row x 128-channel tile of C transposed
/// (GemmSm80Sparse.cpp).
FailureOr<KernelInfo> addGemmSm80SparseKernel(KernelModule &kernels,
                                              const GemmSpec &spec, Location loc,
                                              std::string &error);

} // namespace mlir::infer

#endif // INFER_CODEGEN_CUDA_GEMMSM80_H
