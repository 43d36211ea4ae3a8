//===- infer-opt.cpp - The infer optimizer driver -------------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// mlir-opt for infer: registers only the dialects and passes infer uses, so
// `infer-opt --help` lists what a researcher can run on infer IR.
//
//===----------------------------------------------------------------------===//

#include "ir/InferOps.h"
#include "codegen/InitAllBackends.h"
#include "codegen/core/Passes.h"
#include "transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/CommandLine.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  // The thousands of LLVM backend flags (registered before main) stay out
  // of --help; the passes, pipelines and mlir-opt's options show.
  for (auto &entry : llvm::cl::getRegisteredOptions()) {
    llvm::StringRef name = entry.first;
    if (!name.starts_with("mlir-") && name != "help" && name != "help-list" &&
        name != "version" && name != "cuda-arch" && name != "llvmir-target")
      entry.second->setHiddenFlag(llvm::cl::Hidden);
  }
  mlir::DialectRegistry registry;
  registry.insert<mlir::infer::InferDialect, mlir::func::FuncDialect,
                  mlir::quant::QuantDialect, mlir::linalg::LinalgDialect,
                  mlir::tensor::TensorDialect, mlir::arith::ArithDialect,
                  mlir::math::MathDialect>();
  // Kernel modules (after infer-outline-kernels) hold linalg, bufferization,
  // LLVM and NVVM ops.
  mlir::infer::registerAllBackendDialects(registry);
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  mlir::registerSymbolDCEPass();
  mlir::infer::registerInferPasses();
  mlir::infer::registerGraphPipelines();
  mlir::infer::registerInferCodegenPasses();
  mlir::infer::registerAllBackendPasses();
  mlir::infer::registerAllTargetBackends();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "infer optimizer driver\n", registry));
}
