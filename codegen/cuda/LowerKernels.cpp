//===- LowerKernels.cpp - The infer-cuda-lower-kernels pass ---------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/cuda/CudaBackend.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

namespace mlir::infer {
#define GEN_PASS_DECL_INFERCUDALOWERKERNELS
#define GEN_PASS_DEF_INFERCUDALOWERKERNELS
#include "codegen/cuda/Passes.h.inc"
} // namespace mlir::infer

using namespace mlir;
using namespace mlir::infer;

namespace {
OpPassManager cudaPipeline() {
  OpPassManager pm(ModuleOp::getOperationName());
  addCudaLoweringPasses(pm);
  return pm;
}

struct CudaLowerKernelsPass
    : infer::impl::InferCudaLowerKernelsBase<CudaLowerKernelsPass> {
  void getDependentDialects(DialectRegistry &registry) const override {
    Base::getDependentDialects(registry);
    KernelModule::registerDialects(registry);
    CudaKernelConvention().registerDialects(registry);
    cudaPipeline().getDependentDialects(registry);
  }
  void runOnOperation() override {
    ModuleOp kernels = KernelModule::find(getOperation());
    if (!kernels)
      return;
    OpPassManager pm = cudaPipeline();
    if (failed(runPipeline(pm, kernels)) || failed(addCudaEntryPoints(kernels)))
      return signalPassFailure();
  }
};
} // namespace

std::unique_ptr<Pass> mlir::infer::createCudaLowerKernelsPass() {
  return std::make_unique<CudaLowerKernelsPass>();
}
