//===- LowerKernels.cpp - The infer-cpu-lower-kernels pass ----------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/cpu/CpuBackend.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

namespace mlir::infer {
#define GEN_PASS_DECL_INFERCPULOWERKERNELS
#define GEN_PASS_DEF_INFERCPULOWERKERNELS
#include "codegen/cpu/Passes.h.inc"
} // namespace mlir::infer

using namespace mlir;
using namespace mlir::infer;

namespace {
OpPassManager cpuPipeline() {
  OpPassManager pm(ModuleOp::getOperationName());
  addCpuLoweringPasses(pm);
  return pm;
}

struct CpuLowerKernelsPass
    : infer::impl::InferCpuLowerKernelsBase<CpuLowerKernelsPass> {
  void getDependentDialects(DialectRegistry &registry) const override {
    Base::getDependentDialects(registry);
    KernelModule::registerDialects(registry);
    cpuPipeline().getDependentDialects(registry);
  }
  void runOnOperation() override {
    ModuleOp kernels = KernelModule::find(getOperation());
    if (!kernels)
      return;
    OpPassManager pm = cpuPipeline();
    if (failed(runPipeline(pm, kernels)))
      return signalPassFailure();
    addCpuEntryPoints(kernels);
  }
};
} // namespace

std::unique_ptr<Pass> mlir::infer::createCpuLowerKernelsPass() {
  return std::make_unique<CpuLowerKernelsPass>();
}
