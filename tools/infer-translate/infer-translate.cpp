//===- infer-translate.cpp - infer's translation driver -------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// mlir-translate for infer: `--import-onnx` turns an ONNX model into infer
// IR; `--emit-ptx` compiles infer IR for a CUDA GPU and prints the PTX.
//
//===----------------------------------------------------------------------===//

#include "codegen/cuda/EmitPtx.h"
#include "frontend/OnnxImporter.h"

#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

int main(int argc, char **argv) {
  mlir::infer::registerOnnxImportTranslation();
  mlir::infer::registerEmitPtxTranslation();
  return mlir::failed(mlir::mlirTranslateMain(argc, argv, "infer translation driver"))
             ? 1
             : 0;
}
