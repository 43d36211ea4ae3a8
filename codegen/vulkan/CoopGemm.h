//===- CoopGemm.h - GEMMs on Vulkan cooperative matrices --------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// C[M,N] = epilogue(A[M,K] * B) in fp16 with fp32 accumulation on the
// matrix units a Vulkan device exposes through VK_KHR_cooperative_matrix
// (SPV_KHR_cooperative_matrix; NVIDIA's tensor cores, AMD's WMMA, Intel's
// XMX), built from MLIR's GPU dialect (gpu.subgroup_mma_*) and lowered by
// MLIR's own conversion to SPIR-V:
//
//   - a workgroup of 4 subgroups of 32 invocations computes a BM x BN tile
//     (64 x 64 or 128 x 128), each subgroup a quarter of it as 16 x 16 x
//     16 cooperative matrices (f16 operands, f32 accumulators);
//   - A is a row-major matrix or, for a convolution, gathered from its NHWC
//     image as the tiles load (an implicit GEMM: infer-vulkan-form-groups
//     puts the im2col in the product's group);
//   - A and B tiles of BK = 32 travel global -> registers -> workgroup
//     memory as 8-byte vectors where rows are whole vectors (else element
//     by element), rows and columns past M, N or K zero-filled, rows
//     padded by 8 halves (row starts stay 16-byte aligned, reads spread
//     over the banks); the loads of the tile one or two ahead are in
//     flight while a tile's products run, and the workgroup tiles are
//     double-buffered (one barrier per k tile);
//   - B is read K-major ([N,K], a constant transposed at compile time) or
//     as stored ([K,N], a computed operand);
//   - the epilogue (bias or scale per column, residual, ReLU, Clip, GELU,
//     SiLU, sigmoid) runs on each accumulator staged through workgroup
//     memory, then C is stored element by element;
//   - a product of few tiles and a long K (a batch-1 network's last
//     layers) splits K over several workgroups writing fp32 partial tiles,
//     which a second kernel sums through the epilogue.
//
// Every subgroup must have 32 invocations (the runtime checks the
// device's subgroup size).
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_VULKAN_COOPGEMM_H
#define INFER_CODEGEN_VULKAN_COOPGEMM_H

#include "codegen/core/GemmSpec.h"
#include "codegen/core/KernelModule.h"
#include "codegen/vulkan/TemplateFunc.h"

#include <string>

namespace mlir::infer {

/// Invocations per subgroup the cooperative-matrix kernels assume.
inline constexpr unsigned kCoopSubgroupSize = 32;

/// Why the cooperative-matrix GEMM cannot compute `spec` ("" when it can).
std::string coopGemmUnsupported(const GemmSpec &spec);

/// The two GEMM kernels: subgroup-scope 16 x 16 x 16 matrices staged by the
/// kernel through workgroup memory (VK_KHR_cooperative_matrix), and
/// workgroup-scope matrices of a whole tile staged by the driver
/// (VK_NV_cooperative_matrix2, the target feature coopmat2).
enum class CoopKernel { Subgroup, Workgroup };

/// Picks the kernel of `spec`, its tile (spec.bm, spec.bn, spec.rowBytes
/// = 2 * BK) and its split of K (spec.splitK) for a device that runs about
/// `workgroups` workgroups at once; the workgroup-scope kernel only where
/// `workgroupScope` allows it.
CoopKernel selectCoopGemmTile(GemmSpec &spec, int64_t workgroups, bool workgroupScope);

/// Adds the kernel to `kernels`: arguments A, B (K-major when
/// spec.bKMajor), the epilogue operands, C, as GemmSpec::numArgs says.
/// With spec.partial, C is spec.splitK fp32 partial products [splitK][M][N]
/// (A, B, C only; no epilogue).
FailureOr<KernelInfo> addCoopGemmKernel(KernelModule &kernels, const GemmSpec &spec,
                                        CoopKernel kind, Location loc, std::string &error);

/// The reduction of a split-K product: sums spec.splitK partial tiles and
/// stores C through the epilogue. Arguments: the epilogue operands (the
/// GEMM's arguments 2 ..), C, the partial tiles.
FailureOr<KernelInfo> addCoopSplitKReduceKernel(KernelModule &kernels, const GemmSpec &spec,
                                                Location loc, std::string &error);

} // namespace mlir::infer

#endif // INFER_CODEGEN_VULKAN_COOPGEMM_H
