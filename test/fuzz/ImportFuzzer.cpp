//===- ImportFuzzer.cpp - libFuzzer target of the ONNX importer -----------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Feeds arbitrary bytes to the importer as a model file. Anything but a
// module or a clean error (a crash, a sanitizer report, a leak) is a bug.
//
//===----------------------------------------------------------------------===//

#include "frontend/OnnxImporter.h"

#include "mlir/IR/MLIRContext.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mlir::MLIRContext context;
  context.disableMultithreading();
  std::string error;
  mlir::infer::OnnxImportOptions options;
  mlir::OwningOpRef<mlir::ModuleOp> module = mlir::infer::importOnnxModel(
      context,
      llvm::StringRef(reinterpret_cast<const char *>(data), size),
      "fuzz.onnx", options, error);
  // Either a module or an error message, never neither.
  if (!module && error.empty())
    __builtin_trap();
  return 0;
}
