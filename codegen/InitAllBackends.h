//===- InitAllBackends.h - Every target backend of infer --------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Registers every backend with the driver (`--target=...`) and every
// backend pass with the pass registry (infer-opt), and the dialects of
// every backend's kernel modules. Included by tools only.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_INITALLBACKENDS_H
#define INFER_CODEGEN_INITALLBACKENDS_H

#include "codegen/cpu/CpuBackend.h"
#include "codegen/cuda/CudaBackend.h"
#include "codegen/cuda/CudaKernels.h"
#include "codegen/vulkan/VulkanBackend.h"

#include "mlir/IR/DialectRegistry.h"

namespace mlir::infer {

inline void registerAllTargetBackends() {
  registerCpuBackend();
  registerCudaBackend();
  registerVulkanBackend();
}

inline void registerAllBackendPasses() {
  registerCpuBackendPasses();
  registerCudaBackendPasses();
  registerVulkanBackendPasses();
}

/// The dialects of kernel modules on every target (what infer-opt must
/// parse between codegen stages).
inline void registerAllBackendDialects(DialectRegistry &registry) {
  KernelModule::registerDialects(registry);
  CpuKernelConvention().registerDialects(registry);
  CudaKernelConvention().registerDialects(registry);
  VulkanKernelConvention().registerDialects(registry);
}

} // namespace mlir::infer

#endif // INFER_CODEGEN_INITALLBACKENDS_H
