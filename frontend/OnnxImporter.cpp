//===- OnnxImporter.cpp - ONNX models to infer IR -------------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The driver: parses the model, checks opsets and domains, turns
// initializers into constants and graph inputs into function arguments,
// visits nodes in dependency order (reporting cycles and undefined inputs),
// dispatches each node to its op importer and returns the graph outputs.
//
//===----------------------------------------------------------------------===//

#include "frontend/OnnxImporter.h"
#include "frontend/ImportContext.h"
#include "frontend/OnnxOpTable.h"
#include "frontend/OnnxTensor.h"

#include "ir/InferOps.h"
#include "ir/Provenance.h"
#include "ir/ShapeInference.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"

#include "llvm/ADT/ScopeExit.h"
#include <cerrno>
#include <deque>
#include <functional>
#include <cstring>
#include <google/protobuf/io/zero_copy_stream_impl.h>
#include <onnx/defs/parser.h>
#include <unistd.h>
#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>

using namespace mlir;
using namespace mlir::infer;
using namespace mlir::infer::frontend;

namespace {
const ImporterMap &importers() {
  static const ImporterMap map = [] {
    ImporterMap m;
    registerElementwiseImporters(m);
    registerNNImporters(m);
    registerReduceImporters(m);
    registerTensorImporters(m);
    registerShapeImporters(m);
    registerQuantImporters(m);
    registerCompositeImporters(m);
    registerRecurrentImporters(m);
    registerAttentionImporters(m);
    registerSpectralImporters(m);
    registerControlFlowImporters(m);
    registerUnpoolImporters(m);
    registerDetectionImporters(m);
    registerTextImporters(m);
    registerSequenceImporters(m);
    return m;
  }();
  return map;
}

bool isOnnxDomain(const std::string &d) { return d.empty() || d == "ai.onnx"; }

/// Imports one GraphProto into a function.
class GraphImporter {
public:
  GraphImporter(MLIRContext &ctx, onnx::ModelProto &model, StringRef path,
                const OnnxImportOptions &options)
      : ctx(ctx), model(model), path(path), options(options), b(&ctx) {}

  OwningOpRef<ModuleOp> run(std::string &error);

private:
  LogicalResult checkModel();
  /// Names are single assignments: no duplicate inputs, initializers or
  /// outputs, no value written twice or over an input.
  LogicalResult checkNames();
  /// The declared graph outputs agree with what the graph computes.
  LogicalResult checkOutputs(
      ArrayRef<std::pair<const onnx::ValueInfoProto *, Value>> outputs);
  /// Appends the tensors the options mark as outputs to `results` and
  /// their names to `names`.
  LogicalResult markOutputs(SmallVectorImpl<Value> &results,
                            SmallVectorImpl<std::string> &names);
  LogicalResult addInitializers();
  LogicalResult checkDefaultedInput(const onnx::ValueInfoProto &in);
  FailureOr<Type> inputType(const onnx::ValueInfoProto &info);
  LogicalResult importNodes();
  /// Sets `infer.tensor_name` on the ops computing `node`'s outputs.
  void nameOutputs(const onnx::NodeProto &node);
  LogicalResult importNode(ImportContext &ictx, const onnx::NodeProto &node);
  /// The nodes of `graph` (the model's, or an If branch's) in dependency
  /// order.
  LogicalResult importGraph(ImportContext &ictx, const onnx::GraphProto &graph);
  /// If whose condition is known at compile time (a constant, or computed
  /// from static shapes): the taken branch imported in its place.
  LogicalResult importIf(ImportContext &ictx, const onnx::NodeProto &node);
  /// A subgraph's initializers as constants; `what` names it in errors.
  LogicalResult importSubgraphInitializers(ImportContext &ictx,
                                           const onnx::GraphProto &graph, StringRef what);
  /// ImportContext::inlineGraph: `graph` imported with its inputs bound to
  /// `inputs`; the names it defines are scoped to the call.
  FailureOr<SmallVector<GraphValue>> inlineGraph(ImportContext &ictx,
                                                 const onnx::GraphProto &graph,
                                                 ArrayRef<GraphValue> inputs);
  /// Each input's element type is one its formal parameter allows.
  LogicalResult checkInputTypes(ImportContext &ictx, const onnx::NodeProto &node,
                                const onnx::OpSchema &schema);
  LogicalResult checkInputTypes(ImportContext &ictx, const onnx::NodeProto &node,
                                const OnnxOpVersion &version);
  /// Each input's element type among allowedOf(formal) (the last formal
  /// repeating for variadic inputs).
  LogicalResult checkInputTypes(
      ImportContext &ictx, const onnx::NodeProto &node, size_t formals,
      llvm::function_ref<std::vector<std::string>(size_t)> allowedOf);
  Location nodeLoc(const onnx::NodeProto &node, size_t index);
  InFlightDiagnostic fileError() {
    return mlir::emitError(UnknownLoc::get(&ctx));
  }

  MLIRContext &ctx;
  /// Mutable: initializers' raw bytes move into the weights' blobs.
  onnx::ModelProto &model;
  std::string path;
  const OnnxImportOptions &options;
  OpBuilder b;
  int64_t opset = 0;
  llvm::StringMap<GraphValue> values;
  /// Whether the inputs' dynamic dimensions are all one symbol.
  bool singleDynamicDim = false;
  /// Node name → op type, for error messages.
  llvm::StringMap<std::string> nodeTypes;
};
} // namespace

LogicalResult GraphImporter::checkModel() {
  if (!model.has_graph())
    return fileError() << "the model has no graph";
  bool found = false;
  for (const onnx::OperatorSetIdProto &o : model.opset_import()) {
    if (isOnnxDomain(o.domain())) {
      opset = o.version();
      found = true;
    }
  }
  if (!found) {
    if (model.opset_import_size() > 0)
      return fileError() << "the model imports no ai.onnx opset; its domain '"
                         << model.opset_import(0).domain()
                         << "' is not supported";
    if (model.ir_version() >= 3)
      return fileError() << "the model imports no opset";
    opset = 1;
  }
  if (opset < kOldestOpset)
    return fileError() << "the model uses ai.onnx opset " << opset
                       << "; infer imports opsets " << kOldestOpset << " to "
                       << kNewestOpset;
  if (opset > kNewestOpset)
    return fileError() << "the model uses ai.onnx opset " << opset
                       << ", newer than the newest infer implements ("
                       << kNewestOpset << ")";
  return success();
}

LogicalResult GraphImporter::checkNames() {
  const onnx::GraphProto &graph = model.graph();
  llvm::StringMap<std::string> definedBy;
  for (const onnx::ValueInfoProto &in : graph.input())
    if (!definedBy.try_emplace(in.name(), "graph input").second)
      return fileError() << "graph input '" << in.name()
                         << "' is declared twice";
  llvm::StringSet<> initNames;
  for (const onnx::TensorProto &t : graph.initializer()) {
    if (!initNames.insert(t.name()).second)
      return fileError() << "initializer '" << t.name() << "' is given twice";
    definedBy.try_emplace(t.name(), "initializer");
  }
  for (auto [i, node] : llvm::enumerate(graph.node())) {
    Location loc = nodeLoc(node, i);
    for (auto [k, out] : llvm::enumerate(node.output())) {
      if (out.empty())
        continue;
      std::string what =
          "node '" + llvm::cast<NameLoc>(loc).getName().str() + "'";
      auto [it, fresh] = definedBy.try_emplace(out, what);
      if (!fresh)
        return mlir::emitError(loc)
               << "output #" << k << " ('" << out << "') is already defined by "
               << it->second << ": an ONNX graph assigns every name once";
    }
  }
  llvm::StringSet<> outNames;
  for (const onnx::ValueInfoProto &out : graph.output())
    if (!outNames.insert(out.name()).second)
      return fileError() << "graph output '" << out.name()
                         << "' is declared twice";
  return success();
}

LogicalResult GraphImporter::markOutputs(SmallVectorImpl<Value> &results,
                                         SmallVectorImpl<std::string> &names) {
  llvm::StringSet<> taken;
  for (const std::string &n : names)
    taken.insert(n);
  for (const onnx::ValueInfoProto &in : model.graph().input())
    taken.insert(in.name());
  auto add = [&](const std::string &name) {
    results.push_back(values[name].value);
    names.push_back(name);
    taken.insert(name);
  };
  if (options.markAllOutputs) {
    // Node outputs in graph order; those folded to constants at import
    // (shape arithmetic) and shapes known only at run time are left out.
    for (const onnx::NodeProto &node : model.graph().node())
      for (const std::string &out : node.output()) {
        auto it = values.find(out);
        if (out.empty() || taken.contains(out) || it == values.end() ||
            !it->second.value || it->second.value.getDefiningOp<ConstantOp>())
          continue;
        add(out);
      }
  }
  for (const std::string &name : options.markOutputs) {
    if (taken.contains(name))
      continue;
    auto it = values.find(name);
    if (it == values.end())
      return fileError() << "cannot mark '" << name
                         << "' as an output: the graph has no tensor of that name";
    if (!it->second.value)
      return fileError() << "cannot mark '" << name
                         << "' as an output: it is a shape known only at run time";
    add(name);
  }
  return success();
}

LogicalResult GraphImporter::checkOutputs(
    ArrayRef<std::pair<const onnx::ValueInfoProto *, Value>> outputs) {
  for (auto [outPtr, v] : outputs) {
    const onnx::ValueInfoProto &out = *outPtr;
    if (!out.type().has_tensor_type())
      continue;
    const onnx::TypeProto::Tensor &tt = out.type().tensor_type();
    auto type = llvm::cast<RankedTensorType>(v.getType());
    if (tt.elem_type() != onnx::TensorProto::UNDEFINED) {
      std::string error;
      FailureOr<Type> et = elementTypeFromOnnx(&ctx, tt.elem_type(), error);
      if (failed(et))
        return fileError() << "graph output '" << out.name() << "': " << error;
      if (*et != type.getElementType())
        return fileError() << "graph output '" << out.name()
                           << "' is declared " << *et << " but the graph "
                           << "computes " << type.getElementType();
    }
    if (!tt.has_shape())
      continue;
    // A declared shape that disagrees with the graph is an exporter's
    // mistake (PyTorch 2's exporter declares LSTM states [layers * dirs, 1,
    // batch, hidden]): warned about, and the computed shape is the output's,
    // as in onnxruntime.
    if (tt.shape().dim_size() != type.getRank()) {
      mlir::emitWarning(UnknownLoc::get(&ctx))
          << "graph output '" << out.name() << "' is declared with rank "
          << tt.shape().dim_size() << " but the graph computes "
          << formatShape(type.getShape()) << "; the output has the computed shape";
      continue;
    }
    for (auto [d, dim] : llvm::enumerate(tt.shape().dim()))
      if (dim.has_dim_value() && dim.dim_value() >= 0 &&
          !type.isDynamicDim(d) && dim.dim_value() != type.getDimSize(d)) {
        mlir::emitWarning(UnknownLoc::get(&ctx))
            << "graph output '" << out.name() << "' is declared with dimension " << d
            << " of " << dim.dim_value() << " but the graph computes "
            << formatShape(type.getShape()) << "; the output has the computed shape";
        break;
      }
  }
  return success();
}

LogicalResult GraphImporter::checkDefaultedInput(const onnx::ValueInfoProto &in) {
  const onnx::TensorProto *init = nullptr;
  for (const onnx::TensorProto &t : model.graph().initializer())
    if (t.name() == in.name())
      init = &t;
  if (!init || !in.type().has_tensor_type())
    return success();
  const onnx::TypeProto::Tensor &tt = in.type().tensor_type();
  bool sameType = tt.elem_type() == onnx::TensorProto::UNDEFINED ||
                  tt.elem_type() == init->data_type();
  bool sameShape = !tt.has_shape() || tt.shape().dim_size() == init->dims_size();
  for (int d = 0; sameShape && d < tt.shape().dim_size(); ++d)
    sameShape = !tt.shape().dim(d).has_dim_value() ||
                tt.shape().dim(d).dim_value() == init->dims(d);
  if (!sameType || !sameShape)
    return fileError() << "graph input '" << in.name()
                       << "' has an initializer of another type or shape; "
                          "infer compiles such inputs as their initializer";
  return success();
}

LogicalResult GraphImporter::addInitializers() {
  StringRef baseDir = llvm::sys::path::parent_path(path);
  for (onnx::TensorProto &init : *model.mutable_graph()->mutable_initializer()) {
    std::string error;
    FailureOr<ElementsAttr> attr =
        adoptAttrFromProto(&ctx, init, baseDir, init.name(), error);
    if (failed(attr))
      return fileError() << "initializer '" << init.name() << "': " << error;
    GraphValue gv;
    gv.value = ConstantOp::create(b, NameLoc::get(b.getStringAttr(init.name())),
                                  *attr);
    values[init.name()] = gv;
  }
  return success();
}

FailureOr<Type> GraphImporter::inputType(const onnx::ValueInfoProto &info) {
  if (!info.type().has_tensor_type())
    return fileError() << "graph input '" << info.name()
                       << "' is not a tensor (sequences, maps and optionals "
                          "are not supported)";
  const onnx::TypeProto::Tensor &tt = info.type().tensor_type();
  std::string error;
  FailureOr<Type> et = elementTypeFromOnnx(&ctx, tt.elem_type(), error);
  if (failed(et))
    return fileError() << "graph input '" << info.name() << "': " << error;
  SmallVector<int64_t> shape;
  auto it = options.inputShapes.find(info.name());
  if (it != options.inputShapes.end()) {
    shape.assign(it->second.begin(), it->second.end());
    if (tt.has_shape() && tt.shape().dim_size() != static_cast<int>(shape.size()))
      return fileError() << "--input-shape gives " << shape.size()
                         << " dimensions for '" << info.name()
                         << "', which has rank " << tt.shape().dim_size();
    // A negative dimension is a dynamic one (Paddle writes -1).
    for (auto [i, d] : llvm::enumerate(tt.shape().dim()))
      if (d.has_dim_value() && d.dim_value() >= 0 && d.dim_value() != shape[i])
        return fileError() << "--input-shape sets dimension " << i << " of '"
                           << info.name() << "' to " << shape[i]
                           << ", but the model fixes it to " << d.dim_value();
    return Type(RankedTensorType::get(shape, *et));
  }
  if (!tt.has_shape())
    return fileError() << "graph input '" << info.name()
                       << "' has no shape; give one with --input-shape";
  for (const auto &[i, d] : llvm::enumerate(tt.shape().dim())) {
    if (d.has_dim_value() && d.dim_value() > (int64_t(1) << 40))
      return fileError() << "graph input '" << info.name() << "' has a "
                         << "dimension of " << d.dim_value()
                         << ", beyond what infer supports (2^40)";
    if (d.has_dim_value() && d.dim_value() >= 0)
      shape.push_back(d.dim_value());
    else if (options.dynamicDimValue > 0) {
      shape.push_back(options.dynamicDimValue);
      if (options.defaultedDims)
        options.defaultedDims->push_back(
            "'" + info.name() + "' dimension " + std::to_string(i) +
            (d.has_dim_param() ? " ('" + d.dim_param() + "')" : std::string()));
    }
    else
      shape.push_back(ShapedType::kDynamic);
  }
  return Type(RankedTensorType::get(shape, *et));
}

Location GraphImporter::nodeLoc(const onnx::NodeProto &node, size_t index) {
  std::string name = node.name().empty()
                         ? node.op_type() + "_" + std::to_string(index)
                         : node.name();
  nodeTypes[name] = node.op_type();
  return nodeLocation(&ctx, name, node.op_type());
}

namespace {
/// The ONNX name of a tensor of element type `t` ("tensor(float)"), or ""
/// for types with no ONNX name.
std::string onnxTensorType(Type t) {
  if (auto q = llvm::dyn_cast<quant::QuantizedType>(t))
    return q.isSigned() ? "tensor(int8)" : "tensor(uint8)";
  if (t.isF32()) return "tensor(float)";
  if (t.isF16()) return "tensor(float16)";
  if (t.isBF16()) return "tensor(bfloat16)";
  if (t.isF64()) return "tensor(double)";
  if (t.isInteger(1)) return "tensor(bool)";
  if (llvm::isa<Float8E4M3FNType>(t)) return "tensor(float8e4m3fn)";
  if (llvm::isa<Float8E4M3FNUZType>(t)) return "tensor(float8e4m3fnuz)";
  if (llvm::isa<Float8E5M2Type>(t)) return "tensor(float8e5m2)";
  if (llvm::isa<Float8E5M2FNUZType>(t)) return "tensor(float8e5m2fnuz)";
  if (llvm::isa<Float4E2M1FNType>(t)) return "tensor(float4e2m1)";
  if (auto i = llvm::dyn_cast<IntegerType>(t))
    return std::string("tensor(") + (i.isUnsigned() ? "uint" : "int") +
           std::to_string(i.getWidth()) + ")";
  return "";
}
} // namespace

LogicalResult GraphImporter::checkInputTypes(ImportContext &ictx,
                                             const onnx::NodeProto &node,
                                             const onnx::OpSchema &schema) {
  const auto &formals = schema.inputs();
  return checkInputTypes(ictx, node, formals.size(), [&](size_t i) {
    std::vector<std::string> names;
    for (const std::string *t : formals[i].GetTypes())
      names.push_back(*t);
    return names;
  });
}

LogicalResult GraphImporter::checkInputTypes(ImportContext &ictx,
                                             const onnx::NodeProto &node,
                                             const OnnxOpVersion &version) {
  return checkInputTypes(ictx, node, version.inputTypes.size(), [&](size_t i) {
    std::vector<std::string> names;
    for (const char *t : onnxTypeSet(version.inputTypes[i]))
      names.push_back(t);
    return names;
  });
}

LogicalResult GraphImporter::checkInputTypes(
    ImportContext &ictx, const onnx::NodeProto &node, size_t formals,
    llvm::function_ref<std::vector<std::string>(size_t)> allowedOf) {
  if (formals == 0)
    return success();
  for (int i = 0; i < node.input_size(); ++i) {
    if (node.input(i).empty())
      continue;
    auto it = values.find(node.input(i));
    if (it == values.end() || !it->second.value)
      continue;
    std::vector<std::string> allowed = allowedOf(std::min<size_t>(i, formals - 1));
    if (allowed.empty())
      continue;
    auto type = llvm::dyn_cast<RankedTensorType>(it->second.value.getType());
    std::string actual = type ? onnxTensorType(type.getElementType()) : "";
    // An optional holding a value is imported as the value.
    bool ok = llvm::is_contained(allowed, actual) ||
              llvm::is_contained(allowed, "optional(" + actual + ")");
    if (!ok) {
      std::vector<std::string> names = allowed;
      std::sort(names.begin(), names.end());
      std::string list;
      for (const std::string &n : names)
        list += (list.empty() ? "" : ", ") + n;
      return ictx.emitError()
             << "input #" << i << " ('" << node.input(i) << "') is "
             << (actual.empty() ? std::string("of an unsupported type") : actual)
             << "; the schema allows " << list;
    }
  }
  return success();
}

LogicalResult GraphImporter::importNode(ImportContext &ictx,
                                        const onnx::NodeProto &node) {
  if (!isOnnxDomain(node.domain()))
    return ictx.emitError()
           << "op '" << node.op_type() << "' of domain '" << node.domain()
           << "' is not supported: infer imports the ai.onnx domain only";
  if (node.op_type() == "If")
    return importIf(ictx, node);
  auto it = importers().find(node.op_type());
  // A version newer than libonnx's: infer's own table (OnnxOpTable.h).
  const onnx::OpSchema *schema = onnx::OpSchemaRegistry::Schema(
      node.op_type(), static_cast<int>(opset), node.domain());
  const OnnxOpVersion *newer = onnxOpVersion(node.op_type(), opset);
  if (newer && schema && newer->since <= schema->since_version())
    newer = nullptr;
  if (it == importers().end()) {
    if (!schema && !newer &&
        !onnx::OpSchemaRegistry::Schema(node.op_type(), node.domain()))
      return ictx.emitError() << "unknown op '" << node.op_type()
                              << "' (domain 'ai.onnx', opset " << opset << ")";
    return ictx.emitError() << "op '" << node.op_type()
                            << "' (domain 'ai.onnx', opset " << opset
                            << ") is not supported by infer";
  }
  // Loop, Scan and SequenceMap import their bodies (unrolled); other ops
  // take no graphs.
  bool takesBody = node.op_type() == "Loop" || node.op_type() == "Scan" ||
                   node.op_type() == "SequenceMap";
  for (const onnx::AttributeProto &a : node.attribute())
    if (!takesBody && (a.type() == onnx::AttributeProto::GRAPH ||
                       a.type() == onnx::AttributeProto::GRAPHS))
      return ictx.unsupported("a subgraph attribute ('" + a.name() + "')");
  // Schema check: attribute names and types.
  if (newer) {
    for (const onnx::AttributeProto &a : node.attribute()) {
      auto found = llvm::find_if(
          newer->attrs, [&](const OnnxOpAttr &x) { return a.name() == x.name; });
      if (found == newer->attrs.end())
        return ictx.emitError() << "unknown attribute '" << a.name() << "'";
      if (found->type != a.type())
        return ictx.emitError()
               << "attribute '" << a.name() << "' has type "
               << onnx::AttributeProto::AttributeType_Name(a.type()) << ", expected "
               << onnx::AttributeProto::AttributeType_Name(found->type);
    }
    for (const OnnxOpAttr &attr : newer->attrs)
      if (attr.required && !ictx.hasAttr(attr.name))
        return ictx.emitError() << "expects attribute '" << attr.name << "'";
    if (node.input_size() > newer->maxInputs || node.input_size() < newer->minInputs)
      return ictx.emitError() << "has " << node.input_size()
                              << " inputs; the schema allows " << newer->minInputs
                              << " to " << newer->maxInputs;
    if (failed(checkInputTypes(ictx, node, *newer)))
      return failure();
    return it->second(ictx);
  }
  if (!schema) {
    // Known to ONNX but not yet at the model's opset: its semantics there
    // are undefined (the importer would apply a later version's).
    const onnx::OpSchema *later =
        onnx::OpSchemaRegistry::Schema(node.op_type(), node.domain());
    if (later) {
      int first = later->since_version();
      for (int v = static_cast<int>(opset) + 1; v < first; ++v)
        if (onnx::OpSchemaRegistry::Schema(node.op_type(), v, node.domain())) {
          first = v;
          break;
        }
      return ictx.emitError() << "op '" << node.op_type()
                              << "' does not exist in opset " << opset
                              << " (it first appears in opset " << first
                              << ")";
    }
  }
  if (schema) {
    const auto &attrs = schema->attributes();
    for (const onnx::AttributeProto &a : node.attribute()) {
      auto found = attrs.find(a.name());
      if (found == attrs.end())
        return ictx.emitError() << "unknown attribute '" << a.name() << "'";
      if (found->second.type != a.type())
        return ictx.emitError()
               << "attribute '" << a.name() << "' has type "
               << onnx::AttributeProto::AttributeType_Name(a.type())
               << ", expected "
               << onnx::AttributeProto::AttributeType_Name(found->second.type);
    }
    for (const auto &[name, attr] : attrs)
      if (attr.required && !ictx.hasAttr(name))
        return ictx.emitError() << "expects attribute '" << name << "'";
    if (node.input_size() > static_cast<int>(schema->max_input()) ||
        node.input_size() < static_cast<int>(schema->min_input()))
      return ictx.emitError() << "has " << node.input_size()
                              << " inputs; the schema allows "
                              << schema->min_input() << " to "
                              << schema->max_input();
    if (failed(checkInputTypes(ictx, node, *schema)))
      return failure();
  }
  return it->second(ictx);
}

void GraphImporter::nameOutputs(const onnx::NodeProto &node) {
  // The first name wins: a node that returns its input (Identity, a no-op
  // Reshape) leaves the producer named after the producer's output.
  for (const std::string &out : node.output()) {
    auto it = values.find(out);
    if (out.empty() || it == values.end() || !it->second.value)
      continue;
    Operation *def = it->second.value.getDefiningOp();
    if (!def || llvm::isa<ConstantOp>(def) || def->getNumResults() != 1 ||
        def->hasAttr(InferDialect::getTensorNameAttrName()))
      continue;
    def->setAttr(InferDialect::getTensorNameAttrName(), b.getStringAttr(out));
  }
}

LogicalResult GraphImporter::importNodes() {
  ImportContext ictx(b, values, opset, llvm::sys::path::parent_path(path));
  ictx.setSingleDynamicDim(singleDynamicDim);
  ictx.setWantedConstants(options.wantedConstants);
  ictx.setInlineGraph([this, &ictx](const onnx::GraphProto &graph,
                                    ArrayRef<GraphValue> inputs) {
    return inlineGraph(ictx, graph, inputs);
  });
  return importGraph(ictx, model.graph());
}

LogicalResult GraphImporter::importIf(ImportContext &ictx, const onnx::NodeProto &node) {
  const reference::Tensor *cond = ictx.constantInput(0);
  if (!cond)
    return ictx.unsupported(
        "an If whose condition is known only at run time (infer imports the "
        "taken branch of an If whose condition is a constant or computed from "
        "static shapes)");
  if (cond->size() != 1)
    return ictx.emitError() << "the condition has " << cond->size()
                            << " elements; If takes one";
  StringRef name = cond->getDouble(0) != 0 ? "then_branch" : "else_branch";
  const onnx::GraphProto *branch = nullptr;
  for (const onnx::AttributeProto &a : node.attribute())
    if (a.name() == name && a.type() == onnx::AttributeProto::GRAPH)
      branch = &a.g();
  if (!branch)
    return ictx.emitError() << "expects attribute '" << name << "' (a graph)";
  if (branch->output_size() != node.output_size())
    return ictx.emitError() << "its " << name << " has " << branch->output_size()
                            << " outputs, the node " << node.output_size();
  Location loc = ictx.loc();
  if (failed(importSubgraphInitializers(ictx, *branch, name)) ||
      failed(importGraph(ictx, *branch)))
    return failure();
  ictx.beginNode(node, loc);
  for (int k = 0; k < node.output_size(); ++k) {
    auto it = values.find(branch->output(k).name());
    if (it == values.end())
      return ictx.emitError() << "its " << name << "'s output '" << branch->output(k).name()
                              << "' is not computed";
    ictx.setGraphValue(k, it->second);
  }
  return success();
}

LogicalResult GraphImporter::importSubgraphInitializers(ImportContext &ictx,
                                                        const onnx::GraphProto &graph,
                                                        StringRef what) {
  if (graph.sparse_initializer_size() > 0)
    return ictx.unsupported("sparse initializers in a subgraph");
  StringRef baseDir = llvm::sys::path::parent_path(path);
  for (const onnx::TensorProto &proto : graph.initializer()) {
    onnx::TensorProto init = proto;
    std::string error;
    FailureOr<ElementsAttr> attr = adoptAttrFromProto(&ctx, init, baseDir, init.name(), error);
    if (failed(attr))
      return ictx.emitError() << "initializer '" << init.name() << "' of its " << what
                              << ": " << error;
    GraphValue gv;
    gv.value = ConstantOp::create(b, NameLoc::get(b.getStringAttr(init.name())), *attr);
    values[init.name()] = gv;
  }
  return success();
}

FailureOr<SmallVector<GraphValue>> GraphImporter::inlineGraph(ImportContext &ictx,
                                                             const onnx::GraphProto &graph,
                                                             ArrayRef<GraphValue> inputs) {
  const onnx::NodeProto &outer = ictx.node();
  Location outerLoc = ictx.loc();
  if (graph.input_size() != static_cast<int>(inputs.size()))
    return ictx.emitError() << "its body '" << graph.name() << "' has " << graph.input_size()
                            << " inputs; the op binds " << inputs.size();
  // The names the body defines (in nested If branches too), with the
  // outer values they shadow.
  llvm::StringSet<> defined;
  std::function<void(const onnx::GraphProto &)> collect = [&](const onnx::GraphProto &g) {
    for (const onnx::ValueInfoProto &in : g.input())
      defined.insert(in.name());
    for (const onnx::TensorProto &init : g.initializer())
      defined.insert(init.name());
    for (const onnx::NodeProto &node : g.node()) {
      for (const std::string &out : node.output())
        if (!out.empty())
          defined.insert(out);
      for (const onnx::AttributeProto &a : node.attribute()) {
        if (a.type() == onnx::AttributeProto::GRAPH)
          collect(a.g());
        for (const onnx::GraphProto &sub : a.graphs())
          collect(sub);
      }
    }
  };
  collect(graph);
  std::vector<std::pair<std::string, GraphValue>> shadowed;
  for (const auto &entry : defined) {
    auto it = values.find(entry.getKey());
    if (it != values.end()) {
      shadowed.emplace_back(entry.getKey().str(), it->second);
      values.erase(it);
    }
  }
  auto restore = llvm::make_scope_exit([&] {
    for (const auto &entry : defined)
      values.erase(entry.getKey());
    for (auto &[name, gv] : shadowed)
      values[name] = gv;
    ictx.beginNode(outer, outerLoc);
  });
  for (auto [in, v] : llvm::zip(graph.input(), inputs))
    values[in.name()] = v;
  if (failed(importSubgraphInitializers(ictx, graph, "body")) ||
      failed(importGraph(ictx, graph)))
    return failure();
  SmallVector<GraphValue> outs;
  for (const onnx::ValueInfoProto &out : graph.output()) {
    auto it = values.find(out.name());
    if (it == values.end()) {
      ictx.beginNode(outer, outerLoc);
      return ictx.emitError() << "its body's output '" << out.name() << "' is not computed";
    }
    GraphValue gv = it->second;
    if (!gv.value && !gv.sequence && !gv.none) {
      // A symbolic shape: materialized through a context at the outer node.
      ictx.beginNode(outer, outerLoc);
      if (!gv.symbolic || llvm::any_of(*gv.symbolic, [](const SymInt &s) { return !s.known; }))
        return ictx.unsupported("a body output '" + out.name() +
                                "' that depends on a dynamic dimension");
      SmallVector<int64_t> ints;
      for (const SymInt &sym : *gv.symbolic)
        ints.push_back(sym.value);
      gv.value = ictx.constantI64(ints, gv.symbolicRank == 0);
    }
    outs.push_back(gv);
  }
  return outs;
}

LogicalResult GraphImporter::importGraph(ImportContext &ictx, const onnx::GraphProto &graph) {
  // Which node produces each name, to tell cycles from undefined inputs.
  llvm::StringMap<size_t> producer;
  for (auto [i, node] : llvm::enumerate(graph.node()))
    for (const std::string &out : node.output())
      if (!out.empty())
        producer[out] = i;
  std::vector<bool> done(graph.node_size(), false);
  size_t remaining = graph.node_size();
  while (remaining > 0) {
    bool progress = false;
    for (auto [i, node] : llvm::enumerate(graph.node())) {
      if (done[i])
        continue;
      bool ready = llvm::all_of(node.input(), [&](const std::string &in) {
        return in.empty() || values.count(in);
      });
      if (!ready)
        continue;
      ictx.beginNode(node, nodeLoc(node, i));
      if (failed(importNode(ictx, node)))
        return failure();
      for (auto [k, out] : llvm::enumerate(node.output()))
        if (!out.empty() && !values.count(out))
          return ictx.emitError()
                 << "output #" << k << " ('" << out
                 << "') is not supported by infer's import of this op";
      if (options.keepTensorNames)
        nameOutputs(node);
      done[i] = true;
      --remaining;
      progress = true;
    }
    if (progress)
      continue;
    // Stuck: an input nobody defines, or a cycle.
    for (auto [i, node] : llvm::enumerate(graph.node())) {
      if (done[i])
        continue;
      ictx.beginNode(node, nodeLoc(node, i));
      for (const std::string &in : node.input()) {
        if (in.empty() || values.count(in))
          continue;
        if (!producer.count(in))
          return ictx.emitError()
                 << "input '" << in
                 << "' is not defined by any node, initializer or graph input";
      }
    }
    for (auto [i, node] : llvm::enumerate(graph.node()))
      if (!done[i]) {
        ictx.beginNode(node, nodeLoc(node, i));
        return ictx.emitError() << "is part of a cycle: the graph is not a DAG";
      }
  }
  return success();
}

OwningOpRef<ModuleOp> GraphImporter::run(std::string &error) {
  // Collect errors, prefixed with the file and the node that caused them.
  std::string firstError;
  ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &diag) {
    if (diag.getSeverity() == DiagnosticSeverity::Warning) {
      llvm::errs() << "warning: " << path << ": " << diag.str() << "\n";
      return success();
    }
    if (diag.getSeverity() != DiagnosticSeverity::Error || !firstError.empty())
      return success();
    std::string prefix = path + ": ";
    if (auto name = llvm::dyn_cast<NameLoc>(diag.getLocation())) {
      auto it = nodeTypes.find(name.getName().getValue());
      if (it != nodeTypes.end())
        prefix += "node '" + name.getName().getValue().str() + "' (" +
                  it->second + "): ";
    }
    firstError = prefix + diag.str();
    return success();
  });
  auto fail = [&]() {
    error = firstError.empty() ? path + ": import failed" : firstError;
    return OwningOpRef<ModuleOp>();
  };

  if (failed(checkModel()) || failed(checkNames()))
    return fail();
  Location fileLoc = FileLineColLoc::get(&ctx, path, 0, 0);
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  (*module)->setAttr("infer.source", b.getStringAttr(path));
  (*module)->setAttr("infer.opset", b.getI64IntegerAttr(opset));
  const onnx::GraphProto &graph = model.graph();

  // Graph inputs that are not initializers become arguments.
  llvm::StringSet<> initNames;
  for (const onnx::TensorProto &t : graph.initializer())
    initNames.insert(t.name());
  SmallVector<Type> argTypes;
  SmallVector<const onnx::ValueInfoProto *> args;
  // Optional inputs unwrapped, and the elements of sequence inputs.
  std::deque<onnx::ValueInfoProto> synthetic;
  std::vector<std::pair<std::string, std::vector<size_t>>> sequenceArgs;
  std::vector<std::string> absentArgs;
  for (const std::string &name : options.absentInputs)
    if (llvm::none_of(graph.input(), [&](const onnx::ValueInfoProto &in) {
          return in.name() == name && in.type().has_optional_type();
        })) {
      fileError() << "'" << name << "' is given no value, but it is not an optional graph input";
      return fail();
    }
  for (const auto &[name, length] : options.sequenceLengths)
    if (llvm::none_of(graph.input(), [&](const onnx::ValueInfoProto &in) {
          const onnx::TypeProto &t = in.type().has_optional_type()
                                         ? in.type().optional_type().elem_type()
                                         : in.type();
          return in.name() == name && t.has_sequence_type();
        }) || length < 0 || length > 4096) {
      fileError() << "--sequence-length names '" << name
                  << "', which is not a sequence graph input, or a length outside [0, 4096]";
      return fail();
    }
  for (const onnx::ValueInfoProto &declared : graph.input()) {
    const onnx::ValueInfoProto *inPtr = &declared;
    if (declared.type().has_optional_type()) {
      if (options.absentInputs.count(declared.name())) {
        absentArgs.push_back(declared.name());
        continue;
      }
      synthetic.push_back(declared);
      *synthetic.back().mutable_type() = declared.type().optional_type().elem_type();
      inPtr = &synthetic.back();
    }
    if (inPtr->type().has_sequence_type()) {
      auto len = options.sequenceLengths.find(inPtr->name());
      if (len == options.sequenceLengths.end()) {
        fileError() << "graph input '" << inPtr->name()
                    << "' is a sequence; give its length with --sequence-length "
                    << inPtr->name() << "=N (and element shapes with --input-shape '"
                    << inPtr->name() << "[0]=...')";
        return fail();
      }
      std::vector<size_t> indices;
      for (int64_t i = 0; i < len->second; ++i) {
        synthetic.emplace_back();
        onnx::ValueInfoProto &element = synthetic.back();
        element.set_name(inPtr->name() + "[" + std::to_string(i) + "]");
        *element.mutable_type() = inPtr->type().sequence_type().elem_type();
        FailureOr<Type> t = inputType(element);
        if (failed(t))
          return fail();
        indices.push_back(args.size());
        argTypes.push_back(*t);
        args.push_back(&element);
      }
      sequenceArgs.emplace_back(inPtr->name(), std::move(indices));
      continue;
    }
    const onnx::ValueInfoProto &in = *inPtr;
    // An input with an initializer of its name (ONNX IR 4+: a default
    // value) is that constant; its declared type must be the
    // initializer's.
    if (initNames.contains(in.name())) {
      if (failed(checkDefaultedInput(in)))
        return fail();
      continue;
    }
    auto bound = options.boundInputs.find(in.name());
    if (bound != options.boundInputs.end()) {
      FailureOr<Type> t = inputType(in);
      if (failed(t))
        return fail();
      if (llvm::cast<RankedTensorType>(*t).getElementType() !=
          bound->second.getElementType()) {
        fileError() << "the value bound to input '" << in.name()
                    << "' has element type " << bound->second.getElementType()
                    << ", the input " << *t;
        return fail();
      }
      continue;
    }
    FailureOr<Type> t = inputType(in);
    if (failed(t))
      return fail();
    argTypes.push_back(*t);
    args.push_back(&in);
  }
  for (auto &[name, dims] : options.inputShapes)
    if (llvm::none_of(args, [&](const onnx::ValueInfoProto *a) {
          return a->name() == name;
        })) {
      fileError() << "--input-shape names '" << name
                  << "', which is not a graph input";
      return fail();
    }
  // One dynamic symbol (all dynamic dims share a dim_param, or there is only
  // one) lets Reshape resolve -1 next to a dynamic batch.
  {
    llvm::StringSet<> params;
    int64_t dynamicDims = 0;
    for (auto [i, in] : llvm::enumerate(args)) {
      auto t = llvm::cast<RankedTensorType>(argTypes[i]);
      for (auto [d, dim] : llvm::enumerate(t.getShape())) {
        if (!ShapedType::isDynamic(dim))
          continue;
        ++dynamicDims;
        const auto &shape = in->type().tensor_type().shape();
        if (static_cast<int>(d) < shape.dim_size() &&
            shape.dim(d).has_dim_param())
          params.insert(shape.dim(d).dim_param());
        else
          params.insert("#" + std::to_string(i) + "." + std::to_string(d));
      }
    }
    singleDynamicDim = dynamicDims > 0 && params.size() == 1;
  }
  b.setInsertionPointToEnd(module->getBody());
  auto func = func::FuncOp::create(b, fileLoc, options.functionName,
                                   b.getFunctionType(argTypes, {}));
  Block *entry = func.addEntryBlock();
  for (auto [i, in] : llvm::enumerate(args)) {
    GraphValue gv;
    gv.value = entry->getArgument(i);
    values[in->name()] = gv;
    func.setArgAttr(i, "infer.name", b.getStringAttr(in->name()));
  }
  for (auto &[name, indices] : sequenceArgs) {
    SmallVector<Value> elements;
    for (size_t i : indices)
      elements.push_back(entry->getArgument(i));
    values[name] = GraphValue::ofSequence(elements);
  }
  for (const std::string &name : absentArgs) {
    GraphValue none;
    none.none = true;
    values[name] = none;
  }
  b.setInsertionPointToStart(entry);
  for (auto &[name, tensor] : options.boundInputs) {
    if (llvm::none_of(graph.input(), [&](const onnx::ValueInfoProto &in) {
          return in.name() == name;
        })) {
      fileError() << "a value is bound to '" << name
                  << "', which is not a graph input";
      return fail();
    }
    GraphValue gv;
    gv.value = ConstantOp::create(b, NameLoc::get(b.getStringAttr(name)),
                                  tensor.toAttr(name));
    values[name] = gv;
  }
  if (failed(addInitializers()) || failed(importNodes()))
    return fail();

  SmallVector<Value> results;
  SmallVector<std::string> names;
  SmallVector<std::pair<const onnx::ValueInfoProto *, Value>> tensorOutputs;
  for (const onnx::ValueInfoProto &out : graph.output()) {
    auto it = values.find(out.name());
    if (it == values.end()) {
      fileError() << "graph output '" << out.name() << "' is not produced";
      return fail();
    }
    GraphValue &gv = it->second;
    // An empty optional returns nothing; a sequence, its elements.
    if (gv.none)
      continue;
    if (gv.sequence) {
      for (auto [i, e] : llvm::enumerate(*gv.sequence)) {
        results.push_back(e);
        names.push_back(out.name() + "[" + std::to_string(i) + "]");
      }
      continue;
    }
    if (!gv.value) {
      fileError() << "graph output '" << out.name()
                  << "' is a shape known only at run time; give static input "
                     "shapes (--input-shape)";
      return fail();
    }
    results.push_back(gv.value);
    names.push_back(out.name());
    tensorOutputs.emplace_back(&out, gv.value);
  }
  if (failed(checkOutputs(tensorOutputs)))
    return fail();
  if (failed(markOutputs(results, names)))
    return fail();
  func::ReturnOp::create(b, fileLoc, results);
  SmallVector<Type> resultTypes;
  for (Value v : results)
    resultTypes.push_back(v.getType());
  func.setFunctionType(b.getFunctionType(argTypes, resultTypes));
  for (auto [i, name] : llvm::enumerate(names))
    func.setResultAttr(i, "infer.name", b.getStringAttr(name));

  // Constants nobody uses (folded shape subgraphs, unused initializers).
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(*entry)))
    if (op.use_empty() && llvm::isa<ConstantOp>(op))
      op.erase();
  if (failed(mlir::verify(*module)))
    return fail();
  return module;
}

namespace {
/// Parses ONNX binary or text `bytes` into `model`.
LogicalResult parseModel(StringRef bytes, StringRef path,
                         onnx::ModelProto &model, std::string &error) {
  // ONNX's text format starts with '<' after blank and '#' comment lines.
  StringRef trimmed = bytes.ltrim();
  while (trimmed.starts_with("#"))
    trimmed = trimmed.drop_until([](char c) { return c == '\n'; }).ltrim();
  if (trimmed.starts_with("<")) {
    std::string text = bytes.str();
    // ONNX's parser throws on some malformed numbers (std::stof).
    std::string parseError;
    try {
      onnx::OnnxParser parser(text.c_str());
      auto status = parser.Parse(model);
      if (!status.IsOK())
        parseError = status.ErrorMessage();
    } catch (const std::exception &e) {
      parseError = std::string("malformed text (") + e.what() + ")";
    }
    if (!parseError.empty()) {
      error = path.str() + ": not a valid ONNX text model: " + parseError;
      return failure();
    }
    return success();
  }
  if (!model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    error = path.str() + ": not a valid ONNX model (the protobuf does not "
                         "parse; the file may be truncated or not ONNX)";
    return failure();
  }
  return success();
}

/// Parses the model file at `path`. A binary model streams from the file
/// through a small buffer: the weights are held once, by the protobuf (whose
/// raw tensors then move into the IR), never as the file's bytes as well.
LogicalResult parseModelFile(StringRef path, onnx::ModelProto &model,
                             std::string &error) {
  int fd = -1;
  if (std::error_code ec = llvm::sys::fs::openFileForRead(path, fd)) {
    error = path.str() + ": " + ec.message();
    return failure();
  }
  llvm::scope_exit closeFd([&] { ::close(fd); });
  // A text model starts with '<' after blank and '#' comment lines: look at
  // the first bytes to tell.
  char head[4096];
  ssize_t got = ::pread(fd, head, sizeof(head), 0);
  if (got < 0) {
    error = path.str() + ": " + std::strerror(errno);
    return failure();
  }
  StringRef start(head, static_cast<size_t>(got));
  start = start.ltrim();
  while (start.starts_with("#"))
    start = start.drop_until([](char c) { return c == '\n'; }).ltrim();
  if (start.starts_with("<") || (got > 0 && start.empty())) {
    auto buffer = llvm::MemoryBuffer::getOpenFile(
        fd, path, /*FileSize=*/-1, /*RequiresNullTerminator=*/false);
    if (!buffer) {
      error = path.str() + ": " + buffer.getError().message();
      return failure();
    }
    return parseModel((*buffer)->getBuffer(), path, model, error);
  }
  google::protobuf::io::FileInputStream stream(fd, /*block_size=*/1 << 20);
  if (!model.ParseFromZeroCopyStream(&stream)) {
    if (stream.GetErrno() != 0)
      error = path.str() + ": " + std::strerror(stream.GetErrno());
    else
      error = path.str() + ": not a valid ONNX model (the protobuf does not "
                           "parse; the file may be truncated or not ONNX)";
    return failure();
  }
  return success();
}
} // namespace

OwningOpRef<ModuleOp>
mlir::infer::importOnnxModel(MLIRContext &context, StringRef bytes,
                             StringRef path, const OnnxImportOptions &options,
                             std::string &error) {
  context.loadDialect<InferDialect, func::FuncDialect, quant::QuantDialect>();
  onnx::ModelProto model;
  if (failed(parseModel(bytes, path, model, error)))
    return nullptr;
  GraphImporter importer(context, model, path, options);
  return importer.run(error);
}

OwningOpRef<ModuleOp> mlir::infer::importOnnxFile(
    MLIRContext &context, StringRef path, const OnnxImportOptions &options,
    std::string &error) {
  // A device or a FIFO would be read forever.
  llvm::sys::fs::file_status status;
  if (std::error_code ec = llvm::sys::fs::status(path, status)) {
    error = path.str() + ": " + ec.message();
    return nullptr;
  }
  if (status.type() != llvm::sys::fs::file_type::regular_file) {
    error = path.str() + ": not a regular file";
    return nullptr;
  }
  context.loadDialect<InferDialect, func::FuncDialect, quant::QuantDialect>();
  onnx::ModelProto model;
  if (failed(parseModelFile(path, model, error)))
    return nullptr;
  GraphImporter importer(context, model, path, options);
  return importer.run(error);
}

LogicalResult mlir::infer::parseInputShape(StringRef spec,
                                           OnnxImportOptions &options,
                                           std::string &error) {
  size_t eq = spec.rfind('=');
  if (eq == StringRef::npos)
    eq = spec.rfind(':');
  if (eq == StringRef::npos || eq == 0) {
    error = "--input-shape '" + spec.str() + "' is not NAME=D0xD1x...";
    return failure();
  }
  StringRef name = spec.take_front(eq), dims = spec.drop_front(eq + 1);
  std::vector<int64_t> shape;
  SmallVector<StringRef> parts;
  dims.split(parts, dims.contains(',') ? ',' : 'x', -1, /*KeepEmpty=*/false);
  for (StringRef p : parts) {
    int64_t d;
    if (p.trim().getAsInteger(10, d) || d < 0) {
      error = "--input-shape '" + spec.str() + "': '" + p.str() +
              "' is not a dimension";
      return failure();
    }
    shape.push_back(d);
  }
  options.inputShapes[name.str()] = shape;
  return success();
}

LogicalResult mlir::infer::parseSequenceLength(StringRef spec, OnnxImportOptions &options,
                                               std::string &error) {
  size_t eq = spec.rfind('=');
  int64_t n = 0;
  if (eq == StringRef::npos || eq == 0 || spec.drop_front(eq + 1).trim().getAsInteger(10, n) ||
      n < 0) {
    error = "--sequence-length '" + spec.str() + "' is not NAME=N";
    return failure();
  }
  options.sequenceLengths[spec.take_front(eq).str()] = n;
  return success();
}

FailureOr<OnnxSignature> mlir::infer::readOnnxSignature(StringRef path, std::string &error) {
  onnx::ModelProto model;
  if (failed(parseModelFile(path, model, error)))
    return failure();
  auto kindOf = [](const onnx::TypeProto &t) {
    if (t.has_optional_type())
      return OnnxValueKind::Optional;
    return t.has_sequence_type() ? OnnxValueKind::Sequence : OnnxValueKind::Tensor;
  };
  OnnxSignature sig;
  llvm::StringSet<> inits;
  for (const onnx::TensorProto &t : model.graph().initializer())
    inits.insert(t.name());
  for (const onnx::ValueInfoProto &in : model.graph().input()) {
    if (inits.contains(in.name()))
      continue;
    sig.inputs.emplace_back(in.name(), kindOf(in.type()));
    if (in.type().has_tensor_type() && in.type().tensor_type().has_shape()) {
      auto &dims = sig.inputDims[in.name()];
      for (const onnx::TensorShapeProto::Dimension &d : in.type().tensor_type().shape().dim())
        dims.emplace_back(d.has_dim_value() ? d.dim_value() : -1,
                          d.has_dim_param() ? d.dim_param() : "");
    }
  }
  for (const onnx::ValueInfoProto &out : model.graph().output())
    sig.outputs.emplace_back(out.name(), kindOf(out.type()));
  return sig;
}

int64_t mlir::infer::newestInstalledOpset() {
  const auto &map = onnx::OpSchemaRegistry::DomainToVersionRange::Instance().Map();
  auto it = map.find(onnx::ONNX_DOMAIN);
  return it == map.end() ? 0 : it->second.second;
}

std::vector<std::string> mlir::infer::supportedOnnxOps() {
  std::vector<std::string> ops;
  for (const auto &entry : importers())
    ops.push_back(entry.getKey().str());
  std::sort(ops.begin(), ops.end());
  return ops;
}

void mlir::infer::registerImportDialects(DialectRegistry &registry) {
  registry.insert<InferDialect, func::FuncDialect, quant::QuantDialect>();
}

void mlir::infer::registerOnnxImportTranslation() {
  static llvm::cl::list<std::string> inputShapes(
      "input-shape",
      llvm::cl::desc("Static shape of a graph input: NAME=D0xD1x... "
                     "(--import-onnx)"));
  static llvm::cl::list<std::string> sequenceLengths(
      "sequence-length",
      llvm::cl::desc("Number of elements of a sequence graph input: NAME=N; element i is "
                     "the argument NAME[i] (--import-onnx)"));
  static llvm::cl::list<std::string> absentInputs(
      "absent-input",
      llvm::cl::desc("An optional graph input given no value (--import-onnx)"));
  static llvm::cl::opt<int64_t> batch(
      "dynamic-dim",
      llvm::cl::desc("Value for every dynamic input dimension (--import-onnx)"),
      llvm::cl::init(0));
  TranslateToMLIRRegistration registration(
      "import-onnx", "Import an ONNX model (binary or text) into infer IR",
      [](llvm::SourceMgr &sourceMgr, MLIRContext *context)
          -> OwningOpRef<Operation *> {
        const llvm::MemoryBuffer *buffer =
            sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
        OnnxImportOptions options;
        options.dynamicDimValue = batch;
        std::string error;
        for (const std::string &spec : inputShapes)
          if (failed(parseInputShape(spec, options, error))) {
            llvm::errs() << "error: " << error << "\n";
            return nullptr;
          }
        for (const std::string &spec : sequenceLengths)
          if (failed(parseSequenceLength(spec, options, error))) {
            llvm::errs() << "error: " << error << "\n";
            return nullptr;
          }
        options.absentInputs.insert(absentInputs.begin(), absentInputs.end());
        OwningOpRef<ModuleOp> module =
            importOnnxModel(*context, buffer->getBuffer(),
                            buffer->getBufferIdentifier(), options, error);
        if (!module) {
          llvm::errs() << "error: " << error << "\n";
          return nullptr;
        }
        return OwningOpRef<Operation *>(module.release());
      },
      [](DialectRegistry &registry) { registerImportDialects(registry); });
}
