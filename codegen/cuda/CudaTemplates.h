//===- CudaTemplates.h - CUDA kernels for the anchor ops --------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Chooses a hand-structured CUDA kernel for a fusion group when one
// applies: matmul and gemm on fp16 / bf16 operands (with a bias, residual
// and ReLU epilogue) run on tensor cores (GemmSm90.h on sm_90a). Groups no
// template takes go through the generic linalg path.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CUDA_CUDATEMPLATES_H
#define INFER_CODEGEN_CUDA_CUDATEMPLATES_H

#include "codegen/cpu/ContractionTemplates.h"

#include <optional>

namespace mlir::infer {

struct CudaTarget;

/// The template kernel for `ops` (a group's ops in order; `result` its one
/// result) on `target`, or none when no template applies.
FailureOr<std::optional<TemplateKernel>>
buildCudaTemplate(ArrayRef<Operation *> ops, Value result,
                  const CudaTarget &target, KernelModule &kernels,
                  std::string &error);

} // namespace mlir::infer

#endif // INFER_CODEGEN_CUDA_CUDATEMPLATES_H
