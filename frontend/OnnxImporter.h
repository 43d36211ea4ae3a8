//===- OnnxImporter.h - ONNX models to infer IR -----------------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Imports an ONNX ModelProto (binary, or ONNX's text format) into a module
// holding one func.func of infer ops. Weights become resource blobs; ONNX
// node names become locations. Errors name the node, its op type and the
// file.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_FRONTEND_ONNXIMPORTER_H
#define INFER_FRONTEND_ONNXIMPORTER_H

#include "reference/Tensor.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace mlir::infer {

/// Options of the ONNX importer.
struct OnnxImportOptions {
  /// Shapes that replace the declared shapes of graph inputs (name → dims),
  /// to pin dynamic dimensions.
  std::map<std::string, std::vector<int64_t>> inputShapes;
  /// Replaces every dynamic dimension of every input by this value when
  /// positive (a batch size, typically).
  int64_t dynamicDimValue = 0;
  /// When set, receives each dynamic input dimension that dynamicDimValue
  /// replaced, as "'x' dimension 0 ('batch')".
  std::vector<std::string> *defaultedDims = nullptr;
  /// Graph inputs replaced by constants (they are no longer function
  /// arguments): inputs that carry shapes, axes or sizes, which a static
  /// compiler specializes on, like TensorRT's shape tensors.
  std::map<std::string, reference::Tensor> boundInputs;
  /// Sequence graph inputs: name → number of elements. Element i is the
  /// function argument `name[i]` (pin its shape with inputShapes under that
  /// name); a sequence output returns its elements as `name[i]`.
  std::map<std::string, int64_t> sequenceLengths;
  /// Optional graph inputs given no value.
  std::set<std::string> absentInputs;
  /// When set, receives the names of graph inputs that the import needed as
  /// compile-time constants but found as run-time inputs.
  std::vector<std::string> *wantedConstants = nullptr;
  /// The name of the generated function.
  std::string functionName = "main";
  /// Tensors computed inside the graph to return as well, after the graph
  /// outputs, by their ONNX names (Polygraphy's "mark outputs"); with
  /// `markAllOutputs`, every node output that is computed at run time.
  std::vector<std::string> markOutputs;
  bool markAllOutputs = false;
  /// Name the op computing each node output after its ONNX tensor
  /// (`infer.tensor_name`), for passes that take per-tensor data by name
  /// (infer-quantize and its calibration cache).
  bool keepTensorNames = false;
};

/// Imports the model in `bytes` (binary protobuf or ONNX text format).
/// `path` names the model in errors and locates external data. On failure
/// returns null and sets `error`.
OwningOpRef<ModuleOp> importOnnxModel(MLIRContext &context, StringRef bytes,
                                      StringRef path,
                                      const OnnxImportOptions &options,
                                      std::string &error);

/// Reads and imports the model file at `path`.
OwningOpRef<ModuleOp> importOnnxFile(MLIRContext &context, StringRef path,
                                     const OnnxImportOptions &options,
                                     std::string &error);

/// Parses `name=d0xd1x...` (or `name:d0,d1,...`) into `options`.
LogicalResult parseInputShape(StringRef spec, OnnxImportOptions &options,
                              std::string &error);
/// Parses `NAME=N` (--sequence-length) into options.sequenceLengths.
LogicalResult parseSequenceLength(StringRef spec, OnnxImportOptions &options,
                                  std::string &error);

/// How a graph input or output is declared.
enum class OnnxValueKind { Tensor, Sequence, Optional };
/// The kinds of a model's graph inputs (initializers left out) and outputs,
/// in order, by name.
struct OnnxSignature {
  std::vector<std::pair<std::string, OnnxValueKind>> inputs, outputs;
  /// Tensor inputs' declared dimensions: the size, or -1 with the
  /// dimension's name ("batch"; "" when unnamed).
  std::map<std::string, std::vector<std::pair<int64_t, std::string>>> inputDims;
};
FailureOr<OnnxSignature> readOnnxSignature(StringRef path, std::string &error);

/// The oldest ai.onnx opset the importer accepts.
constexpr int64_t kOldestOpset = 1;
/// The newest ai.onnx opset the importer implements (newer op versions
/// than the linked libonnx knows are checked against OnnxOpTable.h).
constexpr int64_t kNewestOpset = 24;
/// The newest ai.onnx opset the installed onnx library knows.
int64_t newestInstalledOpset();

/// The ONNX op types the importer supports.
std::vector<std::string> supportedOnnxOps();

/// Registers `--import-onnx` with mlir-translate's registry.
void registerOnnxImportTranslation();

/// Registers the dialects the importer produces.
void registerImportDialects(DialectRegistry &registry);

} // namespace mlir::infer

#endif // INFER_FRONTEND_ONNXIMPORTER_H
