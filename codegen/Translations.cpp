//===- Translations.cpp - infer-translate's code emitters -----------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// `--emit-ptx` compiles a module of infer ops with the driver (graph passes
// at -O2, one kernel per fusion group) for a CUDA target and prints the
// listing the backend made of its kernels.
//
//===----------------------------------------------------------------------===//

#include "codegen/Translations.h"
#include "codegen/Driver.h"

#include "ir/InferOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"

using namespace mlir;

namespace {
llvm::cl::opt<std::string>
    cudaArch("cuda-arch", llvm::cl::init("sm_90a"),
             llvm::cl::desc("--emit-ptx: the GPU architecture (sm_80, sm_86, "
                            "sm_89, sm_90, sm_90a)"));
} // namespace

void mlir::infer::registerEmitPtxTranslation() {
  TranslateFromMLIRRegistration registration(
      "emit-ptx", "compile infer IR for a CUDA GPU and print the PTX",
      [](Operation *op, raw_ostream &os) -> LogicalResult {
        auto module = llvm::dyn_cast<ModuleOp>(op);
        if (!module)
          return op->emitError("--emit-ptx expects a module");
        CompileOptions options;
        options.target = "cuda:" + cudaArch;
        std::string error;
        FailureOr<CompileResult> result = compileModule(module, options, error);
        if (failed(result))
          return op->emitError(error);
        for (auto &[name, text] : result->listings)
          if (name == "ptx") {
            os << text;
            return success();
          }
        return op->emitError("the backend made no PTX");
      },
      [](DialectRegistry &registry) {
        registry.insert<InferDialect, func::FuncDialect>();
      });
}
