//===- CudaTemplates.h - CUDA kernels for the anchor ops --------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Hand-structured CUDA kernels for the groups one applies to: matmul and
// gemm on fp16 / bf16 operands (with a bias, residual, ReLU, Clip or GELU
// epilogue) on tensor cores (wgmma on sm_90a, mma.sync from sm_80 on),
// 16-byte data movement (gather, pad, NCHW <-> NHWC) and warp-per-row
// softmax / layer norm. The choice is a tile attribute on the op
// (#infer.cuda_gemm_tile, #infer.cuda_tile) that selectCudaConfigs writes;
// groups without one go through the generic linalg path.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CUDA_CUDATEMPLATES_H
#define INFER_CODEGEN_CUDA_CUDATEMPLATES_H

#include "codegen/core/TemplateKernel.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include "llvm/Support/MathExtras.h"

#include <optional>

namespace mlir::infer {

struct CudaTarget;

/// The width of `tiles` GEMM tiles sharing `n` columns evenly, in whole
/// `multiple`s of columns (16; 64 where B is [K,N]): the heuristic's widths
/// and the tuner's candidates.
inline int64_t evenTileWidth(int64_t n, int64_t tiles, int64_t multiple) {
  return llvm::alignTo((n + tiles - 1) / tiles, multiple);
}

/// Writes the tile of every op of `fn` a CUDA template takes on `target`.
void selectCudaConfigs(func::FuncOp fn, const CudaTarget &target);

/// The template kernel `group`'s anchor's tile asks for, or none (no tile,
/// or an epilogue the kernel cannot apply). A tile the template cannot
/// honor for the op is an error.
FailureOr<std::optional<TemplateKernel>>
buildCudaTemplate(const KernelGroup &group, const CudaTarget &target,
                  KernelModule &kernels, std::string &error);

} // namespace mlir::infer

#endif // INFER_CODEGEN_CUDA_CUDATEMPLATES_H
