//===- GraphMutator.cpp - Structural mutations of ONNX models -------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Each mutation edits one thing a model author (or a buggy exporter) could
// get wrong, and otherwise keeps the model plausible: attributes take the
// names and types of the op's schema at the model's opset, new inputs read
// values defined before the node, new tensors have consistent data most of
// the time. Plausible mutants get past the importer's checks and reach the
// shape inference, the graph passes, the code generator and the runtime.
//
//===----------------------------------------------------------------------===//

#include "test/fuzz/GraphMutator.h"

#include "frontend/OnnxImporter.h"

#include <onnx/defs/parser.h>
#include <onnx/defs/schema.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

// libFuzzer's own byte-level mutator, for weights and strings.
extern "C" size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t maxSize);

using namespace mlir::infer::fuzz;

namespace {

using AttrType = onnx::AttributeProto::AttributeType;

/// ONNX element types the importer implements, weighted towards float.
constexpr int32_t kCommonElemTypes[] = {
    onnx::TensorProto::FLOAT,   onnx::TensorProto::FLOAT,
    onnx::TensorProto::FLOAT,   onnx::TensorProto::INT64,
    onnx::TensorProto::INT32,   onnx::TensorProto::BOOL,
    onnx::TensorProto::FLOAT16, onnx::TensorProto::BFLOAT16,
    onnx::TensorProto::DOUBLE,  onnx::TensorProto::INT8,
    onnx::TensorProto::UINT8,   onnx::TensorProto::INT16,
    onnx::TensorProto::UINT16,  onnx::TensorProto::UINT32,
    onnx::TensorProto::UINT64};
/// Element types it should refuse: undefined, string, complex, float8,
/// 4-bit, beyond the enum.
constexpr int32_t kOddElemTypes[] = {0, 8, 14, 15, 17, 19, 21, 22, 23, 99, -1};

/// String attribute values ONNX ops use (padding, modes, reductions,
/// einsum equations), so that a changed string is usually meaningful.
const char *const kStrings[] = {
    "", "NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID", "constant", "reflect",
    "edge", "wrap", "nearest", "linear", "cubic", "bilinear", "half_pixel",
    "align_corners", "asymmetric", "pytorch_half_pixel", "tf_crop_and_resize",
    "half_pixel_symmetric", "round_prefer_floor", "round_prefer_ceil",
    "floor", "ceil", "none", "tanh", "mean", "sum", "LEFT", "RIGHT",
    "DCR", "CRD", "stretch", "not_larger", "not_smaller", "ij,jk->ik",
    "bij,bjk->bik", "i,i->", "ii->i", "...ij,...jk->...ik", "ij->ji",
    "abc,cd->abd", "i,j->ij", "ij", "->", "i,i,i->i", "a..b", "\xff"};

/// Attribute names that ops commonly take, for attributes the schema does
/// not know (the importer must refuse them by name or by type).
const char *const kAttrNames[] = {"axis", "axes", "perm", "pads", "strides",
                                  "kernel_shape", "dilations", "group",
                                  "keepdims", "value", "mode", "to", "alpha",
                                  "beta", "epsilon", "split", "shape"};

/// Bytes of one element of ONNX type `t` (4-bit types rounded up, 0 for
/// strings and unknown types).
int64_t elemBytes(int32_t t) {
  switch (t) {
  case onnx::TensorProto::UINT8: case onnx::TensorProto::INT8:
  case onnx::TensorProto::BOOL:
  // FLOAT8E4M3FN to FLOAT8E5M2FNUZ, UINT4, INT4: newer than Debian's onnx
  // headers, so by number.
  case 17: case 18: case 19: case 20: case 21: case 22:
    return 1;
  case onnx::TensorProto::UINT16: case onnx::TensorProto::INT16:
  case onnx::TensorProto::FLOAT16: case onnx::TensorProto::BFLOAT16:
    return 2;
  case onnx::TensorProto::FLOAT: case onnx::TensorProto::INT32:
  case onnx::TensorProto::UINT32:
    return 4;
  case onnx::TensorProto::INT64: case onnx::TensorProto::DOUBLE:
  case onnx::TensorProto::UINT64: case onnx::TensorProto::COMPLEX64:
    return 8;
  case onnx::TensorProto::COMPLEX128:
    return 16;
  default:
    return 0;
  }
}

bool isUnsigned(int32_t t) {
  return t == onnx::TensorProto::UINT8 || t == onnx::TensorProto::UINT16 ||
         t == onnx::TensorProto::UINT32 || t == onnx::TensorProto::UINT64 ||
         t == onnx::TensorProto::BOOL;
}

/// The element count of `dims`, or -1 when one is negative or the product
/// passes the cap (so callers treat it as too large).
int64_t elementsOf(const google::protobuf::RepeatedField<int64_t> &dims) {
  int64_t n = 1;
  for (int64_t d : dims) {
    if (d < 0 || (d > 0 && n > kMaxTensorElements * 16 / d))
      return -1;
    n *= d;
  }
  return n;
}

/// One mutation session over one model.
class Mutator {
public:
  Mutator(onnx::ModelProto &model, std::mt19937_64 &rng)
      : model(model), graph(*model.mutable_graph()), rng(rng) {}

  /// Applies one random mutation; false when the one drawn did not apply
  /// (no node to edit, say), so that the caller draws again.
  bool mutateOnce();

  /// Splices nodes of `other` (see crossOver).
  void spliceFrom(const onnx::ModelProto &other);

private:
  // Random choices.
  uint64_t below(uint64_t n) {
    return n == 0 ? 0 : std::uniform_int_distribution<uint64_t>(0, n - 1)(rng);
  }
  bool oneIn(uint64_t n) { return below(n) == 0; }
  int64_t between(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  }
  template <typename T, size_t N> const T &pick(const T (&a)[N]) {
    return a[below(N)];
  }
  template <typename T> const T &pick(const std::vector<T> &v) {
    return v[below(v.size())];
  }
  int64_t interestingInt();
  double interestingFloat();
  std::string interestingString();
  int64_t interestingDim();
  int32_t randomElemType() {
    return oneIn(12) ? pick(kOddElemTypes) : pick(kCommonElemTypes);
  }

  // Model queries.
  int64_t opset() const;
  const onnx::OpSchema *schemaOf(const std::string &opType) const;
  std::vector<std::string> valuesBefore(int nodeIndex) const;
  std::string freshName(const std::string &prefix);
  onnx::NodeProto *randomNode() {
    return graph.node_size() ? graph.mutable_node(below(graph.node_size()))
                             : nullptr;
  }
  void insertNode(int pos, onnx::NodeProto node);
  void replaceUses(const std::string &from, const std::string &to,
                   int firstNode, bool outputsToo);
  void exposeAsOutput(const std::string &name);

  // Builders.
  void randomAttribute(onnx::AttributeProto &a, AttrType type);
  void randomInts(google::protobuf::RepeatedField<int64_t> &ints);
  void fillData(onnx::TensorProto &t, int64_t elements);
  void randomTensor(onnx::TensorProto &t);
  void mutateTensor(onnx::TensorProto &t);

  // Mutations.
  bool changeOpType();
  bool rewireInput();
  bool changeArity();
  bool addNode();
  bool removeNode();
  bool duplicateNode();
  bool addAttribute();
  bool removeAttribute();
  bool changeAttribute();
  bool changeInputShape();
  bool addGraphInput();
  bool inputToInitializer();
  bool changeElemType();
  bool mutateInitializer();
  bool addInitializer();
  bool changeOpset();
  bool changeOutputs();

  onnx::ModelProto &model;
  onnx::GraphProto &graph;
  std::mt19937_64 &rng;
};

int64_t Mutator::interestingInt() {
  static const int64_t kValues[] = {
      0, 1, -1, 2, -2, 3, 4, 7, 8, 16, 63, 64, 65, 255, 256, 1000, 65535,
      std::numeric_limits<int32_t>::max(), std::numeric_limits<int32_t>::min(),
      std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min(),
      std::numeric_limits<int64_t>::max() - 1, int64_t(1) << 31,
      int64_t(1) << 32, int64_t(1) << 40, -(int64_t(1) << 40), int64_t(1) << 62};
  switch (below(8)) {
  case 0: case 1:
    return pick(kValues);
  case 2:
    return static_cast<int64_t>(rng());
  default:
    return between(-3, 8);
  }
}

double Mutator::interestingFloat() {
  static const double kValues[] = {
      0.0, -0.0, 1.0, -1.0, 0.5, 2.0, 1e-6, 1e-45, 1e30, -1e30, 3.4e38, 1e300,
      std::numeric_limits<double>::infinity(),
      -std::numeric_limits<double>::infinity(),
      std::numeric_limits<double>::quiet_NaN()};
  if (oneIn(3))
    return pick(kValues);
  return std::uniform_real_distribution<double>(-4.0, 4.0)(rng);
}

std::string Mutator::interestingString() {
  std::string s = pick(kStrings);
  if (oneIn(6)) {
    // Byte-level edits of a known string, up to 32 bytes.
    size_t length = s.size();
    s.resize(std::max<size_t>(32, length));
    s.resize(LLVMFuzzerMutate(reinterpret_cast<uint8_t *>(s.data()), length,
                              s.size()));
  }
  return s;
}

int64_t Mutator::interestingDim() {
  static const int64_t kSmall[] = {1, 1, 2, 3, 4, 5, 7, 8, 16, 32, kMaxInputDim};
  static const int64_t kOdd[] = {0, -1, -7, int64_t(1) << 40,
                                 (int64_t(1) << 40) + 1,
                                 std::numeric_limits<int64_t>::max()};
  return oneIn(10) ? pick(kOdd) : pick(kSmall);
}

int64_t Mutator::opset() const {
  for (const onnx::OperatorSetIdProto &o : model.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx")
      return o.version();
  return 1;
}

const onnx::OpSchema *Mutator::schemaOf(const std::string &opType) const {
  int64_t v = std::clamp<int64_t>(opset(), 1, 1000);
  return onnx::OpSchemaRegistry::Schema(opType, static_cast<int>(v), "");
}

/// Graph inputs, initializers and the outputs of nodes before `nodeIndex`:
/// the values a node there can read without making a cycle.
std::vector<std::string> Mutator::valuesBefore(int nodeIndex) const {
  std::vector<std::string> names;
  for (const onnx::ValueInfoProto &in : graph.input())
    names.push_back(in.name());
  for (const onnx::TensorProto &t : graph.initializer())
    names.push_back(t.name());
  for (int i = 0; i < nodeIndex && i < graph.node_size(); ++i)
    for (const std::string &out : graph.node(i).output())
      if (!out.empty())
        names.push_back(out);
  return names;
}

std::string Mutator::freshName(const std::string &prefix) {
  std::set<std::string> used;
  for (const onnx::ValueInfoProto &in : graph.input())
    used.insert(in.name());
  for (const onnx::TensorProto &t : graph.initializer())
    used.insert(t.name());
  for (const onnx::NodeProto &n : graph.node())
    for (const std::string &out : n.output())
      used.insert(out);
  for (;;) {
    std::string name = prefix + std::to_string(below(100000));
    if (!used.count(name))
      return name;
  }
}

void Mutator::insertNode(int pos, onnx::NodeProto node) {
  *graph.add_node() = std::move(node);
  for (int i = graph.node_size() - 1; i > pos; --i)
    graph.mutable_node()->SwapElements(i, i - 1);
}

/// Makes readers of `from` (nodes from `firstNode` on, and graph outputs
/// when `outputsToo`) read `to` instead.
void Mutator::replaceUses(const std::string &from, const std::string &to,
                          int firstNode, bool outputsToo) {
  for (int i = std::max(firstNode, 0); i < graph.node_size(); ++i)
    for (std::string &in : *graph.mutable_node(i)->mutable_input())
      if (in == from)
        in = to;
  if (outputsToo)
    for (onnx::ValueInfoProto &out : *graph.mutable_output())
      if (out.name() == from)
        out.set_name(to);
}

/// Adds `name` to the graph outputs, or makes a random output read it, so
/// that a new node is not dead code the compiler drops at once.
void Mutator::exposeAsOutput(const std::string &name) {
  if (graph.output_size() == 0 || (graph.output_size() < 4 && oneIn(2))) {
    onnx::ValueInfoProto *out = graph.add_output();
    out->set_name(name);
    out->mutable_type()->mutable_tensor_type()->set_elem_type(
        onnx::TensorProto::FLOAT);
    return;
  }
  graph.mutable_output(below(graph.output_size()))->set_name(name);
}

void Mutator::randomInts(google::protobuf::RepeatedField<int64_t> &ints) {
  switch (below(6)) {
  case 0: // A fresh list of small values, as long as a typical rank.
    ints.Clear();
    for (int64_t n = between(0, 6); n > 0; --n)
      ints.Add(between(-2, 4));
    break;
  case 1:
    ints.Add(interestingInt());
    break;
  case 2:
    if (!ints.empty())
      ints.RemoveLast();
    break;
  case 3:
    ints.Clear();
    break;
  default:
    if (ints.empty())
      ints.Add(interestingInt());
    else
      ints.Set(below(ints.size()), interestingInt());
  }
  while (ints.size() > 16)
    ints.RemoveLast();
}

void Mutator::randomAttribute(onnx::AttributeProto &a, AttrType type) {
  a.set_type(type);
  switch (type) {
  case onnx::AttributeProto::INT:
    a.set_i(interestingInt());
    break;
  case onnx::AttributeProto::FLOAT:
    a.set_f(static_cast<float>(interestingFloat()));
    break;
  case onnx::AttributeProto::STRING:
    a.set_s(interestingString());
    break;
  case onnx::AttributeProto::INTS:
    randomInts(*a.mutable_ints());
    break;
  case onnx::AttributeProto::FLOATS:
    a.clear_floats();
    for (int64_t n = between(0, 4); n > 0; --n)
      a.add_floats(static_cast<float>(interestingFloat()));
    break;
  case onnx::AttributeProto::STRINGS:
    a.clear_strings();
    for (int64_t n = between(0, 3); n > 0; --n)
      a.add_strings(interestingString());
    break;
  case onnx::AttributeProto::TENSOR:
    randomTensor(*a.mutable_t());
    break;
  default:
    // Graphs, sparse tensors, type protos: the importer refuses them; an
    // empty one is enough to check that it does.
    break;
  }
}

/// Writes `elements` values of `t`'s type: small numbers (what weights,
/// shapes and indices look like) with the odd special value, usually as
/// raw_data and sometimes in the typed fields.
void Mutator::fillData(onnx::TensorProto &t, int64_t elements) {
  t.clear_raw_data();
  t.clear_float_data();
  t.clear_int32_data();
  t.clear_int64_data();
  t.clear_double_data();
  t.clear_uint64_data();
  int32_t type = t.data_type();
  bool typed = oneIn(4);
  if (typed && type == onnx::TensorProto::FLOAT) {
    for (int64_t i = 0; i < elements; ++i)
      t.add_float_data(static_cast<float>(
          oneIn(16) ? interestingFloat() : between(-40, 40) / 10.0));
    return;
  }
  if (typed && type == onnx::TensorProto::INT64) {
    for (int64_t i = 0; i < elements; ++i)
      t.add_int64_data(oneIn(16) ? interestingInt() : between(-1, 4));
    return;
  }
  if (typed && type == onnx::TensorProto::INT32) {
    for (int64_t i = 0; i < elements; ++i)
      t.add_int32_data(static_cast<int32_t>(between(-1, 4)));
    return;
  }
  int64_t width = elemBytes(type);
  std::string raw(static_cast<size_t>(elements * width), '\0');
  for (int64_t i = 0; i < elements; ++i) {
    char *p = raw.data() + i * width;
    double f = oneIn(16) ? interestingFloat() : between(-40, 40) / 10.0;
    int64_t n = oneIn(16) ? interestingInt()
                          : between(isUnsigned(type) ? 0 : -1,
                                    type == onnx::TensorProto::BOOL ? 1 : 4);
    switch (type) {
    case onnx::TensorProto::FLOAT: {
      float v = static_cast<float>(f);
      std::memcpy(p, &v, 4);
      break;
    }
    case onnx::TensorProto::DOUBLE:
      std::memcpy(p, &f, 8);
      break;
    case onnx::TensorProto::FLOAT16: {
      _Float16 v = static_cast<_Float16>(f);
      std::memcpy(p, &v, 2);
      break;
    }
    case onnx::TensorProto::BFLOAT16: {
      float v = static_cast<float>(f);
      uint32_t bits;
      std::memcpy(&bits, &v, 4);
      uint16_t top = static_cast<uint16_t>(bits >> 16);
      std::memcpy(p, &top, 2);
      break;
    }
    default: // Integers and bool, little-endian, truncated to the width.
      std::memcpy(p, &n, static_cast<size_t>(std::min<int64_t>(width, 8)));
    }
  }
  t.set_raw_data(std::move(raw));
}

void Mutator::randomTensor(onnx::TensorProto &t) {
  t.Clear();
  t.set_data_type(oneIn(3) ? onnx::TensorProto::INT64 : randomElemType());
  int64_t elements = 1;
  for (int64_t rank = between(0, 4); rank > 0; --rank) {
    int64_t d = oneIn(12) ? 0 : between(1, 6);
    if (elements * d > kMaxTensorElements)
      d = 1;
    t.add_dims(d);
    elements *= d;
  }
  fillData(t, elements);
}

void Mutator::mutateTensor(onnx::TensorProto &t) {
  int64_t elements = elementsOf(t.dims());
  switch (below(6)) {
  case 0: { // Change a dim; refill to match, or not.
    if (t.dims_size() == 0 || oneIn(4)) {
      t.add_dims(between(1, 4));
    } else {
      int idx = static_cast<int>(below(t.dims_size()));
      t.set_dims(idx, oneIn(8) ? interestingInt() : between(0, 8));
    }
    int64_t n = elementsOf(t.dims());
    if (n >= 0 && n <= kMaxTensorElements && !oneIn(3))
      fillData(t, n);
    break;
  }
  case 1: // Drop a dim (the data no longer matches unless it was 1).
    if (t.dims_size() > 0)
      t.mutable_dims()->RemoveLast();
    break;
  case 2: // Another element type; refill to match, or not.
    t.set_data_type(randomElemType());
    if (elements >= 0 && elements <= kMaxTensorElements && !oneIn(3))
      fillData(t, elements);
    break;
  case 3: { // Byte-level edits of the raw data, same size or not.
    if (!t.has_raw_data()) {
      if (elements >= 0 && elements <= kMaxTensorElements)
        fillData(t, elements);
      break;
    }
    std::string raw = t.raw_data();
    size_t size = raw.size();
    bool keepSize = !oneIn(4);
    raw.resize(keepSize ? size : size + 16);
    size_t n = LLVMFuzzerMutate(reinterpret_cast<uint8_t *>(raw.data()),
                                size, raw.size());
    raw.resize(keepSize ? size : n);
    t.set_raw_data(raw);
    break;
  }
  case 4: // Fresh data in the current shape.
    if (elements >= 0 && elements <= kMaxTensorElements)
      fillData(t, elements);
    break;
  default: { // One special value at one place.
    int64_t width = elemBytes(t.data_type());
    if (!t.has_raw_data() || width == 0 || t.raw_data().size() < size_t(width))
      break;
    std::string raw = t.raw_data();
    size_t at = below(raw.size() / width) * width;
    if (t.data_type() == onnx::TensorProto::FLOAT) {
      float v = static_cast<float>(interestingFloat());
      std::memcpy(&raw[at], &v, 4);
    } else {
      int64_t v = interestingInt();
      std::memcpy(&raw[at], &v, static_cast<size_t>(std::min<int64_t>(width, 8)));
    }
    t.set_raw_data(raw);
  }
  }
}

bool Mutator::changeOpType() {
  if (graph.node_size() == 0)
    return false;
  int index = static_cast<int>(below(graph.node_size()));
  onnx::NodeProto *node = graph.mutable_node(index);
  static const std::vector<std::string> ops = mlir::infer::supportedOnnxOps();
  node->set_op_type(oneIn(40) ? std::string("NoSuchOp") : pick(ops));
  const onnx::OpSchema *schema = schemaOf(node->op_type());
  if (!schema || oneIn(4))
    return true;
  // Mostly keep only the attributes the new op knows, and give it the
  // inputs and outputs it needs, so that the import goes deeper.
  auto *attrs = node->mutable_attribute();
  for (int i = attrs->size() - 1; i >= 0; --i)
    if (!schema->attributes().count(attrs->Get(i).name()))
      attrs->DeleteSubrange(i, 1);
  std::vector<std::string> avail = valuesBefore(index);
  while (node->input_size() < schema->min_input() && !avail.empty())
    node->add_input(pick(avail));
  while (node->input_size() > schema->max_input())
    node->mutable_input()->RemoveLast();
  while (node->output_size() < schema->min_output())
    node->add_output(freshName("fz_out"));
  return true;
}

bool Mutator::rewireInput() {
  if (graph.node_size() == 0)
    return false;
  int index = static_cast<int>(below(graph.node_size()));
  onnx::NodeProto &node = *graph.mutable_node(index);
  if (node.input_size() == 0)
    return false;
  std::string &in = *node.mutable_input(static_cast<int>(below(node.input_size())));
  switch (below(20)) {
  case 0: // An absent optional input.
    in.clear();
    return true;
  case 1: // A value nobody defines.
    in = "fz_undefined";
    return true;
  case 2: { // Any value, a later one included: maybe a cycle.
    std::vector<std::string> all = valuesBefore(graph.node_size());
    in = pick(all);
    return true;
  }
  default: {
    std::vector<std::string> avail = valuesBefore(index);
    if (avail.empty())
      return false;
    in = pick(avail);
    return true;
  }
  }
}

bool Mutator::changeArity() {
  if (graph.node_size() == 0)
    return false;
  int index = static_cast<int>(below(graph.node_size()));
  onnx::NodeProto &node = *graph.mutable_node(index);
  switch (below(4)) {
  case 0: {
    std::vector<std::string> avail = valuesBefore(index);
    if (avail.empty())
      return false;
    node.add_input(oneIn(5) ? std::string() : pick(avail));
    return true;
  }
  case 1:
    if (node.input_size() == 0)
      return false;
    node.mutable_input()->RemoveLast();
    return true;
  case 2:
    node.add_output(freshName("fz_out"));
    if (oneIn(2))
      exposeAsOutput(node.output(node.output_size() - 1));
    return true;
  default:
    if (node.output_size() == 0)
      return false;
    if (oneIn(2))
      node.mutable_output()->RemoveLast();
    else
      node.mutable_output(static_cast<int>(below(node.output_size())))->clear();
    return true;
  }
}

bool Mutator::addNode() {
  if (graph.node_size() >= kMaxNodes)
    return false;
  int pos = static_cast<int>(below(graph.node_size() + 1));
  std::vector<std::string> avail = valuesBefore(pos);
  if (avail.empty())
    return false;
  static const std::vector<std::string> ops = mlir::infer::supportedOnnxOps();
  onnx::NodeProto node;
  node.set_op_type(pick(ops));
  if (oneIn(2))
    node.set_name(freshName("fz_node"));
  const onnx::OpSchema *schema = schemaOf(node.op_type());
  int minIn = schema ? schema->min_input() : 1;
  int maxIn = schema ? std::min(schema->max_input(), minIn + 2) : 2;
  int inputs = static_cast<int>(between(minIn, std::max(minIn, maxIn)));
  for (int i = 0; i < inputs; ++i) {
    // Favor recent values so that mutants grow chains, not fans.
    if (i > 0 && i >= minIn && oneIn(4))
      node.add_input("");
    else if (oneIn(2))
      node.add_input(avail[avail.size() - 1 - below(std::min<size_t>(3, avail.size()))]);
    else
      node.add_input(pick(avail));
  }
  int outputs = schema ? std::max(1, schema->min_output()) : 1;
  for (int i = 0; i < outputs; ++i)
    node.add_output(freshName("fz_v"));
  if (schema) {
    for (const auto &[name, attr] : schema->attributes())
      if (attr.required || oneIn(6)) {
        onnx::AttributeProto *a = node.add_attribute();
        a->set_name(name);
        randomAttribute(*a, attr.type);
      }
  }
  std::string out = node.output(0);
  insertNode(pos, std::move(node));
  if (oneIn(3))
    replaceUses(avail.back(), out, pos + 1, false);
  else
    exposeAsOutput(out);
  return true;
}

bool Mutator::removeNode() {
  if (graph.node_size() == 0)
    return false;
  int index = static_cast<int>(below(graph.node_size()));
  const onnx::NodeProto &node = graph.node(index);
  // Mostly bypass the node: its readers read its first input instead.
  if (!oneIn(4) && node.input_size() > 0 && !node.input(0).empty()) {
    std::string bypass = node.input(0);
    std::vector<std::string> outs(node.output().begin(), node.output().end());
    for (const std::string &out : outs)
      if (!out.empty())
        replaceUses(out, bypass, 0, true);
  }
  graph.mutable_node()->DeleteSubrange(index, 1);
  return true;
}

bool Mutator::duplicateNode() {
  if (graph.node_size() == 0 || graph.node_size() >= kMaxNodes)
    return false;
  int index = static_cast<int>(below(graph.node_size()));
  onnx::NodeProto copy = graph.node(index);
  if (copy.output_size() == 0)
    return false;
  std::string original = copy.output(0);
  for (std::string &out : *copy.mutable_output())
    if (!out.empty())
      out = freshName("fz_dup");
  if (copy.has_name())
    copy.set_name(copy.name() + "_dup");
  std::string dup = copy.output(0);
  // op(op(x)) when the op keeps its input's type; the importer says when not.
  bool chain = !original.empty() && copy.input_size() > 0 && !oneIn(3);
  if (chain)
    copy.set_input(0, original);
  insertNode(index + 1, std::move(copy));
  if (dup.empty())
    return true;
  if (chain)
    replaceUses(original, dup, index + 2, true);
  else
    exposeAsOutput(dup);
  return true;
}

bool Mutator::addAttribute() {
  onnx::NodeProto *node = randomNode();
  if (!node)
    return false;
  const onnx::OpSchema *schema = schemaOf(node->op_type());
  onnx::AttributeProto a;
  if (!schema || oneIn(10)) {
    a.set_name(pick(kAttrNames));
    randomAttribute(a, static_cast<AttrType>(1 + below(8)));
  } else {
    std::vector<std::pair<std::string, AttrType>> missing;
    for (const auto &entry : schema->attributes()) {
      const std::string &name = entry.first;
      if (std::none_of(node->attribute().begin(), node->attribute().end(),
                       [&](const onnx::AttributeProto &x) { return x.name() == name; }))
        missing.emplace_back(name, entry.second.type);
    }
    if (missing.empty())
      return false;
    const auto &[name, type] = pick(missing);
    a.set_name(name);
    randomAttribute(a, type);
  }
  *node->add_attribute() = std::move(a);
  return true;
}

bool Mutator::removeAttribute() {
  onnx::NodeProto *node = randomNode();
  if (!node || node->attribute_size() == 0)
    return false;
  node->mutable_attribute()->DeleteSubrange(
      static_cast<int>(below(node->attribute_size())), 1);
  return true;
}

bool Mutator::changeAttribute() {
  onnx::NodeProto *node = randomNode();
  if (!node || node->attribute_size() == 0)
    return false;
  onnx::AttributeProto &a =
      *node->mutable_attribute(static_cast<int>(below(node->attribute_size())));
  if (oneIn(25)) { // A type the schema does not expect.
    a.set_type(static_cast<AttrType>(1 + below(8)));
    return true;
  }
  switch (a.type()) {
  case onnx::AttributeProto::INT:
    // A step from the current value, wrapping (seeds may hold INT64_MAX).
    a.set_i(oneIn(2) ? interestingInt()
                     : static_cast<int64_t>(static_cast<uint64_t>(a.i()) +
                                            static_cast<uint64_t>(between(-2, 2))));
    return true;
  case onnx::AttributeProto::FLOAT:
    a.set_f(static_cast<float>(oneIn(2) ? interestingFloat() : a.f() * 2));
    return true;
  case onnx::AttributeProto::INTS:
    randomInts(*a.mutable_ints());
    return true;
  case onnx::AttributeProto::FLOATS:
    if (a.floats_size() == 0 || oneIn(3))
      a.add_floats(static_cast<float>(interestingFloat()));
    else
      a.set_floats(static_cast<int>(below(a.floats_size())),
                   static_cast<float>(interestingFloat()));
    return true;
  case onnx::AttributeProto::TENSOR:
    mutateTensor(*a.mutable_t());
    return true;
  default:
    randomAttribute(a, a.type());
    return true;
  }
}

bool Mutator::changeInputShape() {
  std::vector<int> inputs;
  for (int i = 0; i < graph.input_size(); ++i)
    if (graph.input(i).type().has_tensor_type())
      inputs.push_back(i);
  if (inputs.empty())
    return false;
  onnx::TypeProto::Tensor &tt =
      *graph.mutable_input(pick(inputs))->mutable_type()->mutable_tensor_type();
  onnx::TensorShapeProto &shape = *tt.mutable_shape();
  switch (below(8)) {
  case 0:
    if (shape.dim_size() >= 6)
      return false;
    shape.add_dim()->set_dim_value(between(1, 4));
    return true;
  case 1:
    if (shape.dim_size() == 0)
      return false;
    shape.mutable_dim()->RemoveLast();
    return true;
  case 2: { // A symbolic dimension (the harness pins it to 1).
    if (shape.dim_size() == 0)
      return false;
    static const char *const kParams[] = {"N", "batch", "M", ""};
    shape.mutable_dim(static_cast<int>(below(shape.dim_size())))
        ->set_dim_param(pick(kParams));
    return true;
  }
  case 3:
    if (oneIn(4)) {
      tt.clear_shape();
      return true;
    }
    [[fallthrough]];
  default:
    if (shape.dim_size() == 0)
      return false;
    shape.mutable_dim(static_cast<int>(below(shape.dim_size())))
        ->set_dim_value(interestingDim());
    return true;
  }
}

bool Mutator::addGraphInput() {
  if (graph.input_size() >= 8 || graph.node_size() == 0)
    return false;
  onnx::ValueInfoProto &in = *graph.add_input();
  in.set_name(freshName("fz_in"));
  onnx::TypeProto::Tensor &tt = *in.mutable_type()->mutable_tensor_type();
  tt.set_elem_type(oneIn(2) ? onnx::TensorProto::FLOAT : randomElemType());
  for (int64_t rank = between(0, 4); rank > 0; --rank)
    tt.mutable_shape()->add_dim()->set_dim_value(between(1, 8));
  // Make something read it.
  onnx::NodeProto &node = *graph.mutable_node(below(graph.node_size()));
  if (node.input_size() == 0 || oneIn(3))
    node.add_input(in.name());
  else
    node.set_input(static_cast<int>(below(node.input_size())), in.name());
  return true;
}

/// Turns a graph input into an initializer of its type and shape. ONNX's
/// node tests pass shapes, axes and indices as inputs, which a static
/// compiler needs as constants; as weights they get past the importer.
bool Mutator::inputToInitializer() {
  std::vector<int> candidates;
  for (int i = 0; i < graph.input_size(); ++i)
    if (graph.input(i).type().tensor_type().has_shape())
      candidates.push_back(i);
  if (candidates.empty() || graph.initializer_size() >= 32)
    return false;
  int index = pick(candidates);
  const onnx::ValueInfoProto &in = graph.input(index);
  onnx::TensorProto t;
  t.set_name(in.name());
  t.set_data_type(in.type().tensor_type().elem_type());
  for (const onnx::TensorShapeProto::Dimension &d :
       in.type().tensor_type().shape().dim())
    t.add_dims(d.has_dim_value() ? d.dim_value() : 1);
  int64_t n = elementsOf(t.dims());
  if (n < 0 || n > kMaxTensorElements)
    return false;
  fillData(t, n);
  *graph.add_initializer() = std::move(t);
  if (!oneIn(4))
    graph.mutable_input()->DeleteSubrange(index, 1);
  return true;
}

bool Mutator::changeElemType() {
  int32_t type = randomElemType();
  switch (below(3)) {
  case 0: {
    if (graph.input_size() == 0)
      return false;
    graph.mutable_input(below(graph.input_size()))
        ->mutable_type()->mutable_tensor_type()->set_elem_type(type);
    return true;
  }
  case 1: {
    if (graph.output_size() == 0)
      return false;
    graph.mutable_output(below(graph.output_size()))
        ->mutable_type()->mutable_tensor_type()->set_elem_type(type);
    return true;
  }
  default: {
    if (graph.initializer_size() == 0)
      return false;
    onnx::TensorProto &t = *graph.mutable_initializer(below(graph.initializer_size()));
    t.set_data_type(type);
    int64_t n = elementsOf(t.dims());
    if (!oneIn(3) && n >= 0 && n <= kMaxTensorElements)
      fillData(t, n);
    return true;
  }
  }
}

bool Mutator::mutateInitializer() {
  if (graph.initializer_size() == 0)
    return false;
  onnx::TensorProto &t = *graph.mutable_initializer(below(graph.initializer_size()));
  int64_t before = elementsOf(t.dims());
  mutateTensor(t);
  // Never let a mutant grow a weight past the cap (seeds may start above).
  int64_t after = elementsOf(t.dims());
  if (after < 0 || (after > kMaxTensorElements && after > before))
    t.mutable_dims()->RemoveLast();
  return true;
}

bool Mutator::addInitializer() {
  if (graph.initializer_size() >= 32 || graph.node_size() == 0)
    return false;
  onnx::TensorProto &t = *graph.add_initializer();
  randomTensor(t);
  t.set_name(freshName("fz_w"));
  // ONNX before IR 4 lists initializers among the graph inputs too.
  if (oneIn(4)) {
    onnx::ValueInfoProto &in = *graph.add_input();
    in.set_name(t.name());
    in.mutable_type()->mutable_tensor_type()->set_elem_type(t.data_type());
  }
  onnx::NodeProto &node = *graph.mutable_node(below(graph.node_size()));
  if (node.input_size() == 0 || oneIn(3))
    node.add_input(t.name());
  else
    node.set_input(static_cast<int>(below(node.input_size())), t.name());
  return true;
}

bool Mutator::changeOpset() {
  static const int64_t kOdd[] = {0, -1, 22, 23, 100,
                                 std::numeric_limits<int64_t>::max()};
  int64_t version = oneIn(10) ? pick(kOdd) : between(oneIn(4) ? 1 : 7, 21);
  if (oneIn(20)) {
    model.clear_opset_import();
    if (oneIn(2)) {
      onnx::OperatorSetIdProto *o = model.add_opset_import();
      o->set_domain("com.microsoft");
      o->set_version(1);
    }
    return true;
  }
  for (onnx::OperatorSetIdProto &o : *model.mutable_opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx") {
      o.set_version(version);
      return true;
    }
  onnx::OperatorSetIdProto *o = model.add_opset_import();
  o->set_version(version);
  return true;
}

bool Mutator::changeOutputs() {
  std::vector<std::string> all = valuesBefore(graph.node_size());
  if (all.empty())
    return false;
  switch (below(3)) {
  case 0: // Any value as an output: a graph input or a weight too.
    exposeAsOutput(pick(all));
    return true;
  case 1:
    if (graph.output_size() <= 1)
      return false;
    graph.mutable_output()->DeleteSubrange(
        static_cast<int>(below(graph.output_size())), 1);
    return true;
  default: { // Duplicate an output (one value returned twice).
    if (graph.output_size() == 0 || graph.output_size() >= 6)
      return false;
    *graph.add_output() = graph.output(below(graph.output_size()));
    return true;
  }
  }
}

bool Mutator::mutateOnce() {
  switch (below(28)) {
  case 0: case 1: case 2: return changeOpType();
  case 3: case 4: case 5: return rewireInput();
  case 6: return changeArity();
  case 7: case 8: case 9: return addNode();
  case 10: return removeNode();
  case 11: return duplicateNode();
  case 12: case 13: return addAttribute();
  case 14: return removeAttribute();
  case 15: case 16: case 17: return changeAttribute();
  case 18: case 19: return changeInputShape();
  case 20: return addGraphInput();
  case 21: return changeElemType();
  case 22: return mutateInitializer();
  case 23: return addInitializer();
  case 24: return changeOpset();
  case 25: case 26: return inputToInitializer();
  default: return changeOutputs();
  }
}

void Mutator::spliceFrom(const onnx::ModelProto &other) {
  const onnx::GraphProto &src = other.graph();
  if (src.node_size() == 0 || graph.node_size() >= kMaxNodes)
    return;
  int begin = static_cast<int>(below(src.node_size()));
  int count = static_cast<int>(
      between(1, std::min(4, src.node_size() - begin)));
  std::map<std::string, std::string> renamed;
  std::vector<std::string> avail = valuesBefore(graph.node_size());
  std::set<std::string> local(avail.begin(), avail.end());
  std::string last;
  for (int i = begin; i < begin + count; ++i) {
    onnx::NodeProto node = src.node(i);
    node.clear_name();
    for (std::string &in : *node.mutable_input()) {
      if (in.empty())
        continue;
      if (auto it = renamed.find(in); it != renamed.end()) {
        in = it->second;
        continue;
      }
      // A weight of the other model comes along when it is small.
      auto init = std::find_if(src.initializer().begin(), src.initializer().end(),
                               [&](const onnx::TensorProto &t) { return t.name() == in; });
      int64_t n = init == src.initializer().end() ? -1 : elementsOf(init->dims());
      if (n >= 0 && n <= kMaxTensorElements && graph.initializer_size() < 32) {
        onnx::TensorProto &t = *graph.add_initializer();
        t = *init;
        t.set_name(freshName("fz_xw"));
        renamed[in] = t.name();
        in = t.name();
        continue;
      }
      if (!local.count(in) && !avail.empty())
        in = pick(avail);
    }
    for (std::string &out : *node.mutable_output()) {
      if (out.empty())
        continue;
      std::string fresh = freshName("fz_x");
      renamed[out] = fresh;
      out = fresh;
      last = fresh;
    }
    *graph.add_node() = std::move(node);
  }
  if (!last.empty())
    exposeAsOutput(last);
}

} // namespace

bool mlir::infer::fuzz::parseModel(const uint8_t *data, size_t size,
                             onnx::ModelProto &model) {
  std::string_view bytes(reinterpret_cast<const char *>(data), size);
  size_t start = bytes.find_first_not_of(" \t\r\n");
  while (start != std::string_view::npos && bytes[start] == '#') {
    size_t eol = bytes.find('\n', start);
    start = eol == std::string_view::npos
                ? eol
                : bytes.find_first_not_of(" \t\r\n", eol);
  }
  if (start != std::string_view::npos && bytes[start] == '<') {
    std::string text(bytes);
    try {
      onnx::OnnxParser parser(text.c_str());
      if (parser.Parse(model).IsOK())
        return model.has_graph();
    } catch (const std::exception &) {
    }
    model.Clear();
    return false;
  }
  if (!model.ParseFromArray(data, static_cast<int>(size)) || !model.has_graph()) {
    model.Clear();
    return false;
  }
  return true;
}

onnx::ModelProto mlir::infer::fuzz::seedModel() {
  onnx::ModelProto model;
  model.set_ir_version(8);
  model.add_opset_import()->set_version(13);
  onnx::GraphProto &g = *model.mutable_graph();
  g.set_name("seed");
  auto addValue = [](google::protobuf::RepeatedPtrField<onnx::ValueInfoProto> &list,
                     const std::string &name, std::vector<int64_t> dims) {
    onnx::ValueInfoProto &v = *list.Add();
    v.set_name(name);
    onnx::TypeProto::Tensor &tt = *v.mutable_type()->mutable_tensor_type();
    tt.set_elem_type(onnx::TensorProto::FLOAT);
    for (int64_t d : dims)
      tt.mutable_shape()->add_dim()->set_dim_value(d);
  };
  addValue(*g.mutable_input(), "x", {1, 4, 8, 8});
  addValue(*g.mutable_output(), "y", {1, 4, 8});
  auto addWeight = [&](const std::string &name, std::vector<int64_t> dims) {
    onnx::TensorProto &t = *g.add_initializer();
    t.set_name(name);
    t.set_data_type(onnx::TensorProto::FLOAT);
    int64_t n = 1;
    for (int64_t d : dims) {
      t.add_dims(d);
      n *= d;
    }
    for (int64_t i = 0; i < n; ++i)
      t.add_float_data(static_cast<float>((i * 7 % 13) - 6) / 8.0f);
  };
  addWeight("w", {4, 4, 3, 3});
  addWeight("b", {4});
  addWeight("m", {8, 8});
  auto addNode = [&](const std::string &op, std::vector<std::string> ins,
                     const std::string &out) {
    onnx::NodeProto &n = *g.add_node();
    n.set_op_type(op);
    n.set_name(op + "_" + out);
    for (const std::string &in : ins)
      n.add_input(in);
    n.add_output(out);
    return &n;
  };
  onnx::NodeProto *conv = addNode("Conv", {"x", "w", "b"}, "c");
  onnx::AttributeProto *pads = conv->add_attribute();
  pads->set_name("pads");
  pads->set_type(onnx::AttributeProto::INTS);
  for (int i = 0; i < 4; ++i)
    pads->add_ints(1);
  addNode("Relu", {"c"}, "r");
  addNode("Add", {"r", "x"}, "s");
  onnx::NodeProto *reduce = addNode("ReduceMean", {"s"}, "p");
  onnx::AttributeProto *axes = reduce->add_attribute();
  axes->set_name("axes");
  axes->set_type(onnx::AttributeProto::INTS);
  axes->add_ints(2);
  onnx::AttributeProto *keep = reduce->add_attribute();
  keep->set_name("keepdims");
  keep->set_type(onnx::AttributeProto::INT);
  keep->set_i(0);
  addNode("MatMul", {"p", "m"}, "y");
  return model;
}

void mlir::infer::fuzz::mutateModel(onnx::ModelProto &model, std::mt19937_64 &rng) {
  Mutator mutator(model, rng);
  int wanted = 1 + static_cast<int>(rng() % 4 == 0 ? rng() % 4 : 0);
  // A drawn mutation may not apply (no attribute to remove); draw again,
  // a bounded number of times.
  for (int done = 0, tries = 0; done < wanted && tries < 32; ++tries)
    done += mutator.mutateOnce();
}

void mlir::infer::fuzz::crossOver(onnx::ModelProto &model,
                            const onnx::ModelProto &other,
                            std::mt19937_64 &rng) {
  Mutator(model, rng).spliceFrom(other);
}
