//===- Translations.h - infer-translate's code emitters ---------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_TRANSLATIONS_H
#define INFER_CODEGEN_TRANSLATIONS_H

namespace mlir::infer {
/// Registers `--emit-ptx` (and its `--cuda-arch` option) with
/// mlir-translate's registry.
void registerEmitPtxTranslation();
void registerEmitSpirvTranslation();
/// Registers `--emit-llvmir` (and its `--llvmir-target` option).
void registerEmitLLVMIRTranslation();
} // namespace mlir::infer

#endif // INFER_CODEGEN_TRANSLATIONS_H
