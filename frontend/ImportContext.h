//===- ImportContext.h - What an ONNX op importer works with ----*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The importer of one ONNX op is a function of an ImportContext: it reads the
// node's inputs and attributes, builds infer ops (verified and folded when
// their operands are constants) and sets the node's outputs. Values that
// hold shapes with dynamic dimensions are tracked symbolically, so PyTorch's
// Shape -> Gather -> Concat -> Reshape chains import with a dynamic batch.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_FRONTEND_IMPORTCONTEXT_H
#define INFER_FRONTEND_IMPORTCONTEXT_H

#include "ir/InferOps.h"
#include "ir/ShapeInference.h"
#include "reference/Tensor.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringMap.h"

#include <functional>
#include <map>
#include <optional>
#include <string>

namespace onnx {
class NodeProto;
class AttributeProto;
class TensorProto;
class GraphProto;
} // namespace onnx

namespace mlir::infer::frontend {

/// An integer that is either known at compile time or depends on a dynamic
/// dimension. Unknown values carry `coef` when they are a known multiple of
/// the graph's single dynamic dimension (a batch), 0 when the relation is
/// unknown; see ImportTensor.cpp's Reshape for how it is used.
struct SymInt {
  int64_t value = 0;
  bool known = true;
  int64_t coef = 0;
  static SymInt unknown(int64_t coef = 0) { return {0, false, coef}; }
};
using SymInts = SmallVector<SymInt, 4>;

/// A value of the ONNX graph: an MLIR value and, for small integer tensors
/// (shapes), the elements as far as they are known. A shape that depends on
/// a dynamic dimension may have no MLIR value at all.
struct GraphValue {
  Value value;
  std::optional<SymInts> symbolic;
  /// The rank of the symbolic tensor (0 or 1).
  int64_t symbolicRank = 1;
  /// A sequence (SequenceConstruct, SplitToSequence, a sequence input):
  /// its elements, whose number is known at compile time; `value` is null.
  std::optional<SmallVector<Value>> sequence;
  /// The element type of an empty sequence (SequenceEmpty's dtype).
  Type sequenceElementType;
  /// An optional without a value (Optional(), an absent optional input).
  bool none = false;

  static GraphValue of(Value v) {
    GraphValue gv;
    gv.value = v;
    return gv;
  }
  static GraphValue ofSequence(SmallVector<Value> elements, Type elementType = {}) {
    GraphValue gv;
    gv.sequence = std::move(elements);
    gv.sequenceElementType = elementType;
    return gv;
  }
};

/// The state of the importer while it imports one node.
class ImportContext {
public:
  ImportContext(OpBuilder &builder, llvm::StringMap<GraphValue> &values,
                int64_t opset, StringRef baseDir)
      : b(builder), values(values), opsetVersion(opset), baseDir(baseDir) {}

  /// Records the graph inputs that were needed as constants.
  void setWantedConstants(std::vector<std::string> *wanted) {
    wantedConstants = wanted;
  }

  /// Starts the import of `node` at `loc`.
  void beginNode(const onnx::NodeProto &node, Location loc) {
    current = &node;
    location = loc;
  }

  /// Whether all dynamic dimensions of the graph inputs are one symbol (a
  /// batch), so unknown shape values can be related to it.
  void setSingleDynamicDim(bool single) { singleDynamic = single; }
  bool singleDynamicDim() const { return singleDynamic; }

  const onnx::NodeProto &node() const { return *current; }
  StringRef opType() const;
  int64_t opset() const { return opsetVersion; }
  Location loc() const { return location; }
  OpBuilder &builder() { return b; }
  MLIRContext *getContext() { return b.getContext(); }

  //===--- Inputs ----------------------------------------------------------===//

  /// The number of inputs listed by the node, absent ones included.
  unsigned numInputs() const;
  /// Whether input `i` is listed with a non-empty name.
  bool hasInput(unsigned i) const;
  /// Input `i`, which must be present and have a value.
  FailureOr<Value> input(unsigned i);
  /// Input `i`, or null when absent.
  FailureOr<Value> optionalInput(unsigned i);
  /// The data of input `i` when it is a constant, else null.
  const reference::Tensor *constantInput(unsigned i);
  /// Input `i` as integers known at compile time; `what` names it in the
  /// error when it is not constant.
  FailureOr<SmallVector<int64_t>> constantInts(unsigned i, StringRef what);
  /// Input `i` as a scalar float known at compile time.
  FailureOr<double> constantScalar(unsigned i, StringRef what);
  /// Input `i` as symbolic integers when it is a small integer tensor.
  std::optional<SymInts> symbolicInts(unsigned i);
  /// The static or partly dynamic shape of input `i`.
  ArrayRef<int64_t> shapeOf(unsigned i);

  //===--- Attributes ------------------------------------------------------===//

  bool hasAttr(StringRef name) const;
  FailureOr<int64_t> intAttr(StringRef name, std::optional<int64_t> dflt);
  FailureOr<float> floatAttr(StringRef name, std::optional<float> dflt);
  FailureOr<std::string> stringAttr(StringRef name,
                                    std::optional<std::string> dflt);
  FailureOr<SmallVector<int64_t>>
  intsAttr(StringRef name, std::optional<SmallVector<int64_t>> dflt);
  FailureOr<SmallVector<float>> floatsAttr(StringRef name);
  /// A STRINGS attribute; empty when absent.
  FailureOr<SmallVector<std::string>> stringsAttr(StringRef name);
  /// A graph attribute (a Loop or Scan body), or null when absent.
  const onnx::GraphProto *graphAttr(StringRef name) const;
  /// A tensor attribute, or null when absent.
  FailureOr<const onnx::TensorProto *> tensorAttr(StringRef name);
  /// Reads a TensorProto (attribute or initializer) into a host tensor.
  FailureOr<reference::Tensor> readTensor(const onnx::TensorProto &proto);

  //===--- Building --------------------------------------------------------===//

  /// Verifies `op`, folds it when all operands are constants, and returns
  /// its results; failure when the verifier rejected it.
  FailureOr<SmallVector<Value>> finish(Operation *op);
  /// `finish` for single-result ops.
  FailureOr<Value> finish1(Operation *op);

  Value constant(const reference::Tensor &t);
  /// A constant of `type` whose every element is `value` (a splat: no
  /// memory per element, whatever the shape).
  Value splat(RankedTensorType type, double value);
  /// Fails with an error when a constant of `shape` built element by
  /// element at import would be too large (more than kMaxBuiltElements).
  LogicalResult checkBuiltConstant(ArrayRef<int64_t> shape);
  /// The most elements a constant the importer builds element by element
  /// may have (a 8192 x 8192 matrix).
  static constexpr int64_t kMaxBuiltElements = int64_t(1) << 26;
  /// A 1-D i64 or scalar constant.
  Value constantI64(ArrayRef<int64_t> values, bool scalar = false);
  /// A scalar of `elementType` with `value`, shaped [] (broadcasts anywhere).
  Value scalar(Type elementType, double value);

  FailureOr<Value> unary(UnaryKind kind, Value x,
                         std::optional<float> alpha = std::nullopt,
                         std::optional<float> beta = std::nullopt);
  FailureOr<Value> binary(BinaryKind kind, Value lhs, Value rhs);
  /// cond ? a : b elementwise, the three broadcast together (ONNX Where).
  FailureOr<Value> where(Value cond, Value a, Value b);
  /// `saturate`: float8 targets clamp out-of-range values (ONNX Cast's
  /// attribute).
  FailureOr<Value> cast(Value x, Type elementType, bool saturate = false);
  /// Reshape to `shape`, where at most one entry is ShapedType::kDynamic.
  FailureOr<Value> reshape(Value x, ArrayRef<int64_t> shape);
  FailureOr<Value> transpose(Value x, ArrayRef<int64_t> perm);
  FailureOr<Value> expand(Value x, ArrayRef<int64_t> shape);
  /// Reduction over sorted, non-negative `axes`.
  FailureOr<Value> reduce(ReduceKind kind, Value x, ArrayRef<int64_t> axes,
                          bool keepDims);
  FailureOr<Value> concat(ArrayRef<Value> inputs, int64_t axis);
  FailureOr<Value> matmul(Value a, Value b);
  /// A normalized slice of one axis (others whole).
  FailureOr<Value> sliceAxis(Value x, int64_t axis, int64_t start, int64_t end,
                             int64_t step);

  //===--- Subgraphs -------------------------------------------------------===//

  /// Imports `graph` (a Loop or Scan body) in place with its inputs bound
  /// to `inputs` and returns its outputs. The names the body defines live
  /// for this call only, so a body imports once per unrolled iteration.
  using InlineGraphFn = std::function<FailureOr<SmallVector<GraphValue>>(
      const onnx::GraphProto &, ArrayRef<GraphValue>)>;
  void setInlineGraph(InlineGraphFn fn) { inlineFn = std::move(fn); }
  FailureOr<SmallVector<GraphValue>> inlineGraph(const onnx::GraphProto &graph,
                                                 ArrayRef<GraphValue> inputs);

  //===--- Sequences and optionals -----------------------------------------===//

  /// Input `i` as it is: a tensor, a sequence or an optional (null when
  /// absent or undefined).
  const GraphValue *graphValue(unsigned i) { return lookup(i); }
  /// The elements of input `i`, which must be a sequence.
  FailureOr<SmallVector<Value>> sequenceInput(unsigned i);
  /// Sets output `i` to `gv` (a tensor, a sequence or an empty optional).
  void setGraphValue(unsigned i, GraphValue gv);

  //===--- Outputs and errors ----------------------------------------------===//

  unsigned numOutputs() const;
  /// Whether output `i` is listed with a non-empty name.
  bool hasOutput(unsigned i) const;
  void setOutput(unsigned i, Value v);
  void setSymbolic(unsigned i, SymInts v, int64_t rank);

  /// An error at the node; the importer prefixes node name and op type.
  InFlightDiagnostic emitError();
  /// Reports an unsupported feature of the node.
  LogicalResult unsupported(const Twine &what);
  /// Normalizes an axis attribute or input into [0, rank).
  FailureOr<int64_t> normalizeAxis(int64_t axis, int64_t rank);

private:
  const onnx::AttributeProto *findAttr(StringRef name) const;
  LogicalResult attrTypeError(const onnx::AttributeProto &attr,
                              StringRef expected);
  GraphValue *lookup(unsigned i);
  /// Records the graph inputs `v` depends on as wanted constants.
  void recordWanted(Value v);

  OpBuilder &b;
  llvm::StringMap<GraphValue> &values;
  int64_t opsetVersion;
  std::string baseDir;
  const onnx::NodeProto *current = nullptr;
  bool singleDynamic = false;
  std::vector<std::string> *wantedConstants = nullptr;
  InlineGraphFn inlineFn;
  Location location = UnknownLoc::get(b.getContext());
  std::map<std::pair<const void *, unsigned>, reference::Tensor> constantCache;
};

/// Imports one ONNX op.
using ImportFn = LogicalResult (*)(ImportContext &ctx);

/// The op importers of one family, by op type.
using ImporterMap = llvm::StringMap<ImportFn>;

void registerElementwiseImporters(ImporterMap &map);
void registerNNImporters(ImporterMap &map);

/// The node's convolution (ONNX Conv attributes: kernel_shape, strides,
/// dilations, pads or auto_pad, group) of `x` by `w` plus `bias` (or none):
/// Conv itself and the quantized convolutions build it.
FailureOr<Value> buildConv(ImportContext &ctx, Value x, Value w, Value bias);
void registerReduceImporters(ImporterMap &map);
void registerTensorImporters(ImporterMap &map);
void registerShapeImporters(ImporterMap &map);
void registerQuantImporters(ImporterMap &map);
void registerCompositeImporters(ImporterMap &map);
void registerRecurrentImporters(ImporterMap &map);
void registerAttentionImporters(ImporterMap &map);
void registerSpectralImporters(ImporterMap &map);
void registerControlFlowImporters(ImporterMap &map);
void registerUnpoolImporters(ImporterMap &map);
void registerDetectionImporters(ImporterMap &map);
void registerTextImporters(ImporterMap &map);
void registerSequenceImporters(ImporterMap &map);

/// MaxPool's Indices output for `x` pooled to `outShape` by the window:
/// each window's first maximum as a flat position in `x` (over the spatial
/// dimensions column-major when `columnMajor`, ONNX's storage_order=1).
FailureOr<Value> buildMaxPoolIndices(ImportContext &ctx, Value x, ArrayRef<int64_t> kernel,
                                     ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                                     ArrayRef<int64_t> dilations, ArrayRef<int64_t> outShape,
                                     bool columnMajor);

} // namespace mlir::infer::frontend

#endif // INFER_FRONTEND_IMPORTCONTEXT_H
