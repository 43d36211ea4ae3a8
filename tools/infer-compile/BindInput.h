//===- BindInput.h - infer-compile --bind-input's tensors -------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_TOOLS_INFER_COMPILE_BINDINPUT_H
#define INFER_TOOLS_INFER_COMPILE_BINDINPUT_H

#include "reference/Tensor.h"

#include "mlir/IR/MLIRContext.h"

#include <string>

/// A tensor of `context` from a .npy or TensorProto .pb file.
mlir::FailureOr<mlir::infer::reference::Tensor>
readBoundTensor(mlir::MLIRContext &context, const std::string &file, std::string &error);

#endif // INFER_TOOLS_INFER_COMPILE_BINDINPUT_H
