//===- CpuTarget.h - The CPU a kernel module is compiled for ----*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// `--target=cpu` compiles for the host CPU; `--target=cpu:<name>` for
// another x86-64 CPU LLVM knows (skylake-avx512, znver4, x86-64-v3, ...).
// The artifact records the CPU and the features its code needs, so that a
// runtime on a lesser CPU refuses it with a message.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CPU_CPUTARGET_H
#define INFER_CODEGEN_CPU_CPUTARGET_H

#include "llvm/Target/TargetMachine.h"

#include <memory>
#include <string>
#include <vector>

namespace mlir::infer {

struct CpuTarget {
  std::string triple;
  std::string cpu;
  std::string features;
  /// The ISA extensions the generated code may use ("avx2", "avx512f"...).
  std::vector<std::string> requiredFeatures;
  /// The widest vector register in bytes (64 with AVX-512, 32 with AVX2).
  int vectorBytes = 16;
  std::unique_ptr<llvm::TargetMachine> machine;
};

/// Creates the target for `cpu` ("" or "host" for this machine). Fails with
/// `error` for a CPU name LLVM does not know.
std::unique_ptr<CpuTarget> createCpuTarget(const std::string &cpu,
                                           std::string &error);

} // namespace mlir::infer

#endif // INFER_CODEGEN_CPU_CPUTARGET_H
