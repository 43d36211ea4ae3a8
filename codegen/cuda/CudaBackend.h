//===- CudaBackend.h - The CUDA target backend ------------------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// `--target=cuda[:sm_XX]`: kernels for one NVIDIA architecture, lowered
// through LLVM's NVPTX backend to PTX (and a cubin when ptxas is found).
// Templates: tensor-core GEMMs, 16-byte data movement, warp-per-row
// normalizations; everything else one GPU thread per output point.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CUDA_CUDABACKEND_H
#define INFER_CODEGEN_CUDA_CUDABACKEND_H

#include "codegen/core/TargetBackend.h"
#include "codegen/cuda/CudaKernels.h"
#include "codegen/cuda/CudaTarget.h"

#include <memory>

namespace mlir {
class Pass;
} // namespace mlir

namespace mlir::infer {

class CudaBackend : public TargetBackend {
public:
  explicit CudaBackend(std::unique_ptr<CudaTarget> target)
      : target(std::move(target)) {}

  const CudaTarget &getTarget() const { return *target; }

  std::string artifactTarget() const override { return "cuda:" + target->arch; }
  std::string machineName() const override { return target->arch; }
  GraphShaping graphShaping(StringRef precision) const override;
  bool fusesIntoEpilogue(Operation *anchor, Operation *op) const override;
  void selectConfigs(func::FuncOp fn) const override;
  std::string tuningArch() const override;
  std::vector<Attribute> tileCandidates(Operation *op) const override;
  std::string checkTile(Operation *op, Attribute tile) const override;
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
  void registerDialects(DialectRegistry &registry) const override {
    convention.registerDialects(registry);
  }

private:
  std::unique_ptr<CudaTarget> target;
  CudaKernelConvention convention;
};

/// Registers `--target=cuda[:sm_XX]` with the driver.
void registerCudaBackend();

/// Registers the CUDA backend's passes (infer-cuda-select-config,
/// infer-cuda-lower-kernels).
void registerCudaBackendPasses();

/// infer-cuda-select-config for `backend`'s GPU (not owned).
std::unique_ptr<Pass> createCudaSelectConfigPass(const CudaBackend &backend);

/// infer-cuda-lower-kernels.
std::unique_ptr<Pass> createCudaLowerKernelsPass();

} // namespace mlir::infer

#endif // INFER_CODEGEN_CUDA_CUDABACKEND_H
