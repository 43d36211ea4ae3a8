//===- SelectConfig.cpp - The infer-cuda-select-config pass ---------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/cuda/CudaBackend.h"
#include "codegen/cuda/CudaTemplates.h"

#include "ir/InferOps.h"

#include "mlir/Pass/Pass.h"

namespace mlir::infer {
#define GEN_PASS_DECL_INFERCUDASELECTCONFIG
#define GEN_PASS_DEF_INFERCUDASELECTCONFIG
#include "codegen/cuda/Passes.h.inc"
} // namespace mlir::infer

using namespace mlir;
using namespace mlir::infer;

namespace {
struct CudaSelectConfigPass
    : infer::impl::InferCudaSelectConfigBase<CudaSelectConfigPass> {
  using Base::Base;
  explicit CudaSelectConfigPass(const CudaBackend &backend)
      : backend(&backend) {}

  void runOnOperation() override {
    if (backend)
      return backend->selectConfigs(getOperation());
    std::string error;
    std::unique_ptr<CudaTarget> target = createCudaTarget(arch, error);
    if (!target) {
      getOperation().emitError() << error;
      return signalPassFailure();
    }
    selectCudaConfigs(getOperation(), *target);
  }

  /// The driver's backend (null: one for the `arch` option).
  const CudaBackend *backend = nullptr;
};
} // namespace

std::unique_ptr<Pass>
mlir::infer::createCudaSelectConfigPass(const CudaBackend &backend) {
  return std::make_unique<CudaSelectConfigPass>(backend);
}

void mlir::infer::registerCudaBackendPasses() {
  registerPass([]() -> std::unique_ptr<Pass> {
    return std::make_unique<CudaSelectConfigPass>();
  });
  registerPass([]() -> std::unique_ptr<Pass> {
    return createCudaLowerKernelsPass();
  });
}
