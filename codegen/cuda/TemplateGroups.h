//===- TemplateGroups.h - Producers joining a CUDA template's group -*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// infer-fuse forms groups without knowing the CUDA templates; some
// templates read more than their group: a concatenation read only by an
// elementwise group the row map takes (DenseNet), an im2col read only by a
// wgmma product (implicit GEMM, sm_90a), the slices and reshapes before a
// transpose (one strided copy). These rewrites move such producers into
// the group that reads them, only where the template will take the group.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CUDA_TEMPLATEGROUPS_H
#define INFER_CODEGEN_CUDA_TEMPLATEGROUPS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace mlir::infer {

struct CudaTarget;

/// Runs the group rewrites above on `fn` for `target`.
void formCudaTemplateGroups(func::FuncOp fn, const CudaTarget &target);

} // namespace mlir::infer

#endif // INFER_CODEGEN_CUDA_TEMPLATEGROUPS_H
