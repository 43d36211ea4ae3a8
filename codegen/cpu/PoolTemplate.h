//===- PoolTemplate.h - CPU kernel for 2-D pooling -------------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Max and average pooling over NCHW f32: one output row of one channel per
// task, VL output columns per vector, window columns read with masked
// loads (stride 1 or 2), padding handled in the masks.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CPU_POOLTEMPLATE_H
#define INFER_CODEGEN_CPU_POOLTEMPLATE_H

#include "codegen/cpu/ContractionTemplates.h"

namespace mlir::infer {

class PoolOp;

/// Builds the kernel of `op`, or returns std::nullopt when the template does
/// not apply (not 2-D, not f32, Lp pooling, stride above 2).
FailureOr<std::optional<TemplateKernel>>
buildPoolKernel(PoolOp op, int64_t vl, KernelModule &kernels, std::string &error);

} // namespace mlir::infer

#endif // INFER_CODEGEN_CPU_POOLTEMPLATE_H
