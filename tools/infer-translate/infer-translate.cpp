//===- infer-translate.cpp - infer's translation driver -------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// mlir-translate for infer: `--import-onnx` turns an ONNX model into infer
// IR; `--emit-ptx` compiles infer IR for a CUDA GPU and prints the PTX,
// `--emit-llvmir` for any target and prints the kernels' LLVM IR.
//
// The output (`-o FILE`) is written to a temporary file and renamed into
// place on success: a failed translation leaves FILE as it was (MLIR's own
// driver truncates it first and deletes it on failure).
//
//===----------------------------------------------------------------------===//

#include "codegen/InitAllBackends.h"
#include "codegen/Translations.h"
#include "frontend/OnnxImporter.h"

#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <unistd.h>
#include <vector>

int main(int argc, char **argv) {
  // The thousands of LLVM backend flags (registered before main) stay out
  // of --help; infer's translation options and mlir-translate's own
  // (registered from here on) show.
  for (auto &entry : llvm::cl::getRegisteredOptions()) {
    llvm::StringRef name = entry.first;
    if (name != "cuda-arch" && name != "llvmir-target" && !name.starts_with("mlir-") &&
        name != "help" && name != "help-list" && name != "version")
      entry.second->setHiddenFlag(llvm::cl::Hidden);
  }
  mlir::infer::registerOnnxImportTranslation();
  mlir::infer::registerAllTargetBackends();
  mlir::infer::registerEmitPtxTranslation();
  mlir::infer::registerEmitSpirvTranslation();
  mlir::infer::registerEmitLLVMIRTranslation();
  std::vector<std::string> args(argv, argv + argc);
  std::string output, temp;
  for (size_t i = 1; i < args.size(); ++i) {
    llvm::StringRef a = args[i];
    size_t valueAt = 0;
    if ((a == "-o" || a == "--o") && i + 1 < args.size())
      valueAt = i + 1;
    else if (a.starts_with("-o=") || a.starts_with("--o="))
      args[i] = a.substr(0, a.find('=') + 1).str() + "\x01";
    if (valueAt) {
      output = args[valueAt];
      args[valueAt] = "\x01";
      ++i;
    } else if (args[i].find('\x01') != std::string::npos) {
      output = a.substr(a.find('=') + 1).str();
    } else if (!a.starts_with("-") && llvm::sys::fs::exists(a) &&
               !llvm::sys::fs::is_regular_file(a)) {
      // A device or a FIFO would be read forever.
      llvm::errs() << "infer-translate: error: '" << a
                   << "' is not a regular file\n";
      return 1;
    }
  }
  if (!output.empty() && output != "-") {
    temp = output + ".tmp" + std::to_string(::getpid());
    llvm::sys::RemoveFileOnSignal(temp);
  }
  for (std::string &a : args) {
    size_t mark = a.find('\x01');
    if (mark != std::string::npos)
      a.replace(mark, 1, temp.empty() ? output : temp);
  }
  std::vector<char *> argp;
  for (std::string &a : args)
    argp.push_back(a.data());
  bool ok = mlir::succeeded(mlir::mlirTranslateMain(
      static_cast<int>(argp.size()), argp.data(), "infer translation driver"));
  if (!temp.empty()) {
    if (ok) {
      if (std::error_code ec = llvm::sys::fs::rename(temp, output)) {
        llvm::errs() << "infer-translate: error: cannot write '" << output
                     << "': " << ec.message() << "\n";
        ok = false;
      }
    }
    llvm::sys::fs::remove(temp);
    llvm::sys::DontRemoveFileOnSignal(temp);
  }
  return ok ? 0 : 1;
}
