//===- OnnxTensor.h - ONNX element types and TensorProto data ---*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Maps ONNX element types to MLIR types and reads TensorProto data (typed
// fields, raw bytes or external files) into reference tensors and
// attributes. Shared by the importer, the conformance runner and infer-run.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_FRONTEND_ONNXTENSOR_H
#define INFER_FRONTEND_ONNXTENSOR_H

#include "reference/Tensor.h"

#include "mlir/IR/BuiltinAttributes.h"

#include <string>
#include <vector>

namespace onnx {
class TensorProto;
} // namespace onnx

namespace mlir::infer::frontend {

/// ONNX element types newer than Debian's libonnx (1.12) knows by name.
constexpr int32_t kOnnxFloat8E4M3FN = 17, kOnnxFloat8E4M3FNUZ = 18,
                  kOnnxFloat8E5M2 = 19, kOnnxFloat8E5M2FNUZ = 20, kOnnxUint4 = 21,
                  kOnnxInt4 = 22, kOnnxFloat4E2M1 = 23;

/// The MLIR element type of an ONNX TensorProto::DataType, or failure with
/// the type's name in `error` for types infer does not support.
FailureOr<Type> elementTypeFromOnnx(MLIRContext *context, int32_t dataType,
                                    std::string &error);

/// The ONNX TensorProto::DataType of an MLIR element type (quantized types
/// map to their storage type), or 0 when there is none.
int32_t onnxTypeOf(Type type);

/// The name of an ONNX TensorProto::DataType ("FLOAT", "INT64", ...).
std::string onnxTypeName(int32_t dataType);

/// Reads `proto` into a host tensor. `baseDir` resolves external data;
/// external paths may not leave it.
FailureOr<reference::Tensor> tensorFromProto(MLIRContext *context,
                                             const onnx::TensorProto &proto,
                                             StringRef baseDir,
                                             std::string &error);

/// Reads `proto` into an attribute: a resource blob named `blobName` (raw
/// bytes are not converted) or a dense attribute for small tensors.
FailureOr<ElementsAttr> attrFromProto(MLIRContext *context,
                                      const onnx::TensorProto &proto,
                                      StringRef baseDir, StringRef blobName,
                                      std::string &error);

/// attrFromProto for a model's initializer: large raw data moves out of
/// `proto` into the weight's blob (no copy; `proto` loses it).
FailureOr<ElementsAttr> adoptAttrFromProto(MLIRContext *context,
                                           onnx::TensorProto &proto,
                                           StringRef baseDir, StringRef blobName,
                                           std::string &error);

/// Reads a serialized TensorProto file (ONNX test data `input_0.pb`); the
/// tensor's name goes to `name` when given.
FailureOr<reference::Tensor> readTensorProtoFile(MLIRContext *context,
                                                 StringRef path,
                                                 std::string &error,
                                                 std::string *name = nullptr);

/// A value of ONNX test data: a tensor, a sequence's elements, or an
/// optional (empty, or holding a tensor or a sequence).
struct DataValue {
  std::string name;
  std::vector<reference::Tensor> elements;
  bool sequence = false;
  bool none = false;
};

/// Reads a serialized TensorProto, SequenceProto (`sequence`) or
/// OptionalProto (`optional`) file of test data.
FailureOr<DataValue> readDataValueFile(MLIRContext *context, StringRef path, bool sequence,
                                       bool optional, std::string &error);

} // namespace mlir::infer::frontend

#endif // INFER_FRONTEND_ONNXTENSOR_H
