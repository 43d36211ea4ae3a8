//===- InitAllBackends.h - Every target backend of infer --------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Registers every backend with the driver (`--target=...`) and every
// backend pass with the pass registry (infer-opt). Included by tools only.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_INITALLBACKENDS_H
#define INFER_CODEGEN_INITALLBACKENDS_H

#include "codegen/cpu/CpuBackend.h"
#include "codegen/cuda/CudaBackend.h"

namespace mlir::infer {

inline void registerAllTargetBackends() {
  registerCpuBackend();
  registerCudaBackend();
}

inline void registerAllBackendPasses() {
  registerCpuBackendPasses();
  registerCudaBackendPasses();
}

} // namespace mlir::infer

#endif // INFER_CODEGEN_INITALLBACKENDS_H
