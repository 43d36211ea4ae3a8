//===- CpuBackend.h - The CPU target backend --------------------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// `--target=cpu[:<llvm-cpu>]`: kernels compiled by LLVM for one x86-64 (or
// host) CPU and linked into a shared object. Templates: convolutions and
// matrix products with packed weights in register tiles, attention,
// pooling; everything else through linalg, split across the runtime's
// thread pool.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CPU_CPUBACKEND_H
#define INFER_CODEGEN_CPU_CPUBACKEND_H

#include "codegen/core/TargetBackend.h"
#include "codegen/cpu/CpuKernels.h"
#include "codegen/cpu/CpuTarget.h"

#include <memory>

namespace mlir {
class Pass;
} // namespace mlir

namespace mlir::infer {

class CpuBackend : public TargetBackend {
public:
  explicit CpuBackend(std::unique_ptr<CpuTarget> target)
      : target(std::move(target)) {}

  const CpuTarget &getTarget() const { return *target; }

  std::string artifactTarget() const override { return "cpu"; }
  std::string machineName() const override { return target->cpu; }
  GraphShaping graphShaping(StringRef precision) const override;
  void selectConfigs(func::FuncOp fn) const override;
  std::string tuningArch() const override;
  std::vector<Attribute> tileCandidates(Operation *op) const override;
  std::string checkTile(Operation *op, Attribute tile) const override;
  bool fusesIntoEpilogue(Operation *anchor, Operation *op) const override;
  void addConfigPasses(OpPassManager &pm) const override;
  void addLoweringPasses(OpPassManager &pm,
                         const CodegenOptions &options) const override;
  FailureOr<std::optional<TemplateKernel>>
  buildTemplate(const KernelGroup &group, KernelModule &kernels,
                std::string &error) const override;
  FailureOr<BackendOutput> emitBinaries(ModuleOp kernels,
                                        const CodegenOptions &options,
                                        std::string &error) const override;

  unsigned numIndexArgs() const override { return convention.numIndexArgs(); }
  void split(func::FuncOp &fn, unsigned firstIndexArg,
             KernelInfo &info) const override {
    convention.split(fn, firstIndexArg, info);
  }

private:
  std::unique_ptr<CpuTarget> target;
  CpuKernelConvention convention;
};

/// Registers `--target=cpu[:<cpu>]` with the driver.
void registerCpuBackend();

/// Registers the CPU backend's passes (infer-cpu-select-config,
/// infer-cpu-lower-kernels).
void registerCpuBackendPasses();

/// infer-cpu-select-config for `backend`'s CPU (not owned).
std::unique_ptr<Pass> createCpuSelectConfigPass(const CpuBackend &backend);

/// infer-cpu-lower-kernels.
std::unique_ptr<Pass> createCpuLowerKernelsPass();

} // namespace mlir::infer

#endif // INFER_CODEGEN_CPU_CPUBACKEND_H
