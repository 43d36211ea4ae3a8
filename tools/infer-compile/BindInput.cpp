//===- BindInput.cpp - infer-compile --bind-input's tensors -----------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "tools/infer-compile/BindInput.h"

#include "frontend/OnnxTensor.h"
#include "runtime/io/HostTensor.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringRef.h"

/// A tensor from a .npy or TensorProto .pb file (--bind-input).
mlir::FailureOr<mlir::infer::reference::Tensor> readBoundTensor(mlir::MLIRContext &context,
                                                    const std::string &file,
                                                    std::string &error) {
  if (!llvm::StringRef(file).ends_with(".npy"))
    return mlir::infer::frontend::readTensorProtoFile(&context, file, error);
  std::optional<::infer::HostTensor> h = ::infer::readNpy(file, error);
  if (!h)
    return mlir::failure();
  mlir::Builder b(&context);
  mlir::Type et;
  switch (h->dtype) {
  case ::infer::DType::F32: et = b.getF32Type(); break;
  case ::infer::DType::F16: et = b.getF16Type(); break;
  case ::infer::DType::F64: et = b.getF64Type(); break;
  case ::infer::DType::I8: et = b.getIntegerType(8); break;
  case ::infer::DType::I16: et = b.getIntegerType(16); break;
  case ::infer::DType::I32: et = b.getI32Type(); break;
  case ::infer::DType::I64: et = b.getI64Type(); break;
  case ::infer::DType::U8: et = b.getIntegerType(8, false); break;
  case ::infer::DType::Bool: et = b.getI1Type(); break;
  default:
    error = "'" + file + "' holds " + ::infer::dtypeName(h->dtype) +
            ", which --bind-input does not take";
    return mlir::failure();
  }
  std::vector<char> bytes(h->data.begin(), h->data.end());
  mlir::FailureOr<mlir::infer::reference::Tensor> t =
      mlir::infer::reference::Tensor::fromBytes(et, h->shape, bytes);
  if (mlir::failed(t))
    error = "'" + file + "' does not hold a tensor of its shape";
  return t;
}

