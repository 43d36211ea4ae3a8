//===- PoolTemplate.h - CPU kernel for 2-D pooling -------------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Max and average pooling over NCHW f32 (and max pooling of int8), and
// global pooling. Windows: one output row of one channel per
// task, VL output columns per vector, window columns read with masked
// loads (stride 1 or 2), padding handled in the masks. Max pooling of f32
// without dilation takes two passes instead (`max_pool_rows`): down the
// window's rows into a row buffer padded with -inf, then across.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CPU_POOLTEMPLATE_H
#define INFER_CODEGEN_CPU_POOLTEMPLATE_H

#include "codegen/cpu/ContractionTemplates.h"

namespace mlir::infer {

class PoolOp;
class GlobalPoolOp;

/// Builds the kernel of `op`, or returns std::nullopt when the template does
/// not apply (not 2-D, not f32, Lp pooling, stride above 2).
FailureOr<std::optional<TemplateKernel>>
buildPoolKernel(PoolOp op, int64_t vl, KernelModule &kernels, std::string &error);

/// Average or max pooling over all spatial dimensions of an NCHW f32
/// tensor: one row (image, channel) per unit, four vectors of `vl` lanes
/// summed (or maxed) side by side, then across lanes. The sum's order
/// differs from the generic kernel's (which LLVM cannot vectorize without
/// reassociating); std::nullopt when the op is not of that kind.
FailureOr<std::optional<TemplateKernel>>
buildGlobalPoolKernel(GlobalPoolOp op, int64_t vl, KernelModule &kernels,
                      std::string &error);

} // namespace mlir::infer

#endif // INFER_CODEGEN_CPU_POOLTEMPLATE_H
