//===- Translations.cpp - infer-translate's code emitters -----------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// `--emit-ptx`, `--emit-spirv` and `--emit-llvmir` compile a module of infer ops with the
// driver (the same passes as infer-compile: graph at -O2, select-config,
// outline, plan, lower) and print a listing the backend made of its
// kernels: the PTX of a CUDA target, the SPIR-V of a Vulkan one, the
// optimized LLVM IR of a CPU or CUDA target.
//
//===----------------------------------------------------------------------===//

#include "codegen/Translations.h"
#include "codegen/Driver.h"

#include "ir/InferOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"

using namespace mlir;
using namespace mlir::infer;

namespace {
llvm::cl::opt<std::string>
    cudaArch("cuda-arch", llvm::cl::init("sm_90a"),
             llvm::cl::desc("--emit-ptx: the GPU architecture (sm_80, sm_86, "
                            "sm_89, sm_90, sm_90a)"));
} // namespace

namespace {
llvm::cl::opt<std::string> llvmIRTarget(
    "llvmir-target", llvm::cl::init("cpu"),
    llvm::cl::desc("--emit-llvmir: the target (cpu, cpu:<name>, cuda, "
                   "cuda:<sm_XX>)"));

/// Compiles `op` (a module of infer ops) for `target` and prints the
/// backend's listing `name`.
LogicalResult emitListing(Operation *op, raw_ostream &os, StringRef target,
                          StringRef name, bool keepLLVMIR) {
  auto module = llvm::dyn_cast<ModuleOp>(op);
  if (!module)
    return op->emitError("expects a module");
  CompileOptions options;
  options.target = target.str();
  options.codegen.keepLLVMIR = keepLLVMIR;
  std::string error;
  FailureOr<CompileResult> result = compileModule(module, options, error);
  if (failed(result))
    return op->emitError(error);
  for (auto &[listing, text] : result->listings)
    if (listing == name) {
      os << text;
      return success();
    }
  return op->emitError() << "the backend made no " << name;
}
} // namespace

void mlir::infer::registerEmitLLVMIRTranslation() {
  TranslateFromMLIRRegistration registration(
      "emit-llvmir",
      "compile infer IR for a target (--llvmir-target) and print the "
      "kernels' optimized LLVM IR",
      [](Operation *op, raw_ostream &os) -> LogicalResult {
        return emitListing(op, os, llvmIRTarget, "llvmir", /*keepLLVMIR=*/true);
      },
      [](DialectRegistry &registry) {
        registry.insert<InferDialect, func::FuncDialect, quant::QuantDialect>();
      });
}

namespace {
llvm::cl::opt<std::string> vulkanFeatures(
    "vulkan-features", llvm::cl::init(""),
    llvm::cl::desc("--emit-spirv: the Vulkan target's features, as after "
                   "--target=vulkan: (e.g. -fp64)"));
llvm::cl::opt<bool> spirvBinary(
    "spirv-binary", llvm::cl::init(false),
    llvm::cl::desc("--emit-spirv: write the SPIR-V binary (with -o FILE.spv) "
                   "instead of the module in MLIR's SPIR-V dialect"));
} // namespace

void mlir::infer::registerEmitSpirvTranslation() {
  TranslateFromMLIRRegistration registration(
      "emit-spirv",
      "compile infer IR for Vulkan and print the SPIR-V module of its kernels",
      [](Operation *op, raw_ostream &os) -> LogicalResult {
        std::string target = "vulkan";
        if (!vulkanFeatures.empty())
          target += ":" + vulkanFeatures;
        return emitListing(op, os, target, spirvBinary ? "spirv-binary" : "spirv",
                           /*keepLLVMIR=*/false);
      },
      [](DialectRegistry &registry) {
        registry.insert<InferDialect, func::FuncDialect, quant::QuantDialect>();
      });
}

void mlir::infer::registerEmitPtxTranslation() {
  TranslateFromMLIRRegistration registration(
      "emit-ptx", "compile infer IR for a CUDA GPU and print the PTX",
      [](Operation *op, raw_ostream &os) -> LogicalResult {
        return emitListing(op, os, "cuda:" + cudaArch, "ptx",
                           /*keepLLVMIR=*/false);
      },
      [](DialectRegistry &registry) {
        registry.insert<InferDialect, func::FuncDialect, quant::QuantDialect>();
      });
}
