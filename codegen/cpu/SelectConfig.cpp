//===- SelectConfig.cpp - The infer-cpu-select-config pass ----------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/cpu/CpuBackend.h"

#include "ir/InferOps.h"

#include "mlir/Pass/Pass.h"

namespace mlir::infer {
#define GEN_PASS_DECL_INFERCPUSELECTCONFIG
#define GEN_PASS_DEF_INFERCPUSELECTCONFIG
#include "codegen/cpu/Passes.h.inc"
} // namespace mlir::infer

using namespace mlir;
using namespace mlir::infer;

namespace {
struct CpuSelectConfigPass
    : infer::impl::InferCpuSelectConfigBase<CpuSelectConfigPass> {
  using Base::Base;
  explicit CpuSelectConfigPass(const CpuBackend &backend) : backend(&backend) {}

  void runOnOperation() override {
    if (backend)
      return backend->selectConfigs(getOperation());
    std::string error;
    std::unique_ptr<CpuTarget> target = createCpuTarget(cpu, error);
    if (!target) {
      getOperation().emitError() << error;
      return signalPassFailure();
    }
    CpuBackend(std::move(target)).selectConfigs(getOperation());
  }

  /// The driver's backend (null: one for the `cpu` option).
  const CpuBackend *backend = nullptr;
};
} // namespace

std::unique_ptr<Pass>
mlir::infer::createCpuSelectConfigPass(const CpuBackend &backend) {
  return std::make_unique<CpuSelectConfigPass>(backend);
}

void mlir::infer::registerCpuBackendPasses() {
  registerPass([]() -> std::unique_ptr<Pass> {
    return std::make_unique<CpuSelectConfigPass>();
  });
  registerPass([]() -> std::unique_ptr<Pass> {
    return createCpuLowerKernelsPass();
  });
}
