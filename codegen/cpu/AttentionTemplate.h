//===- AttentionTemplate.h - CPU kernel for infer.attention ----*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// One launch computes softmax(scale * Q Kᵀ + mask) V for blocks of VL
// queries: the scores of a block live in a stack buffer laid out [key][query]
// so that the softmax runs down the vector lanes, never across them. Q, K,
// V, the mask and the result are read and written through strided views,
// which is how the head split and merge transposes around attention cost
// nothing.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CPU_ATTENTIONTEMPLATE_H
#define INFER_CODEGEN_CPU_ATTENTIONTEMPLATE_H

#include "codegen/cpu/ContractionTemplates.h"

namespace mlir::infer {

class AttentionOp;

/// Builds the kernel of `op` writing `result` (the attention's output, or
/// that output after transposes and reshapes). Returns std::nullopt when the
/// template does not apply (dtypes, layouts a view cannot express).
FailureOr<std::optional<TemplateKernel>>
buildAttentionKernel(AttentionOp op, Value result, int64_t vl,
                     KernelModule &kernels, std::string &error);

} // namespace mlir::infer

#endif // INFER_CODEGEN_CPU_ATTENTIONTEMPLATE_H
