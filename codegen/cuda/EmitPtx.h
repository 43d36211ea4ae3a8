//===- EmitPtx.h - infer-translate --emit-ptx -------------------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CUDA_EMITPTX_H
#define INFER_CODEGEN_CUDA_EMITPTX_H

namespace mlir::infer {
/// Registers `--emit-ptx` (and its `--cuda-arch` option) with
/// mlir-translate's registry.
void registerEmitPtxTranslation();
} // namespace mlir::infer

#endif // INFER_CODEGEN_CUDA_EMITPTX_H
