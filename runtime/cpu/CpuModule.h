//===- CpuModule.h - Kernels of a CPU artifact ------------------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Opens the shared object embedded in an artifact from memory (a memfd, so
// nothing is written to disk) and resolves its kernel entry points.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_RUNTIME_CPU_CPUMODULE_H
#define INFER_RUNTIME_CPU_CPUMODULE_H

#include <cstddef>
#include <cstdint>
#include "runtime/include/infer_runtime.h"

#include <string>
#include <vector>

namespace infer {

/// The signature of every CPU kernel entry point.
using CpuKernelFn = void (*)(void **args, int64_t begin, int64_t end);

class CpuModule {
public:
  CpuModule() = default;
  ~CpuModule();
  CpuModule(const CpuModule &) = delete;
  CpuModule &operator=(const CpuModule &) = delete;

  /// Opens the ELF shared object in `data`. False with `error` on failure.
  infer_status open(const uint8_t *data, size_t size, std::string &error);
  /// The entry point `symbol`, or null.
  CpuKernelFn lookup(const std::string &symbol) const;
  /// The address of data symbol `symbol` of the code, or null.
  const void *lookupData(const std::string &symbol) const;

private:
  void *handle = nullptr;
  int fd = -1;
};

} // namespace infer

#endif // INFER_RUNTIME_CPU_CPUMODULE_H
