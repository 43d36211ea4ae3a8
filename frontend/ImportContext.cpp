//===- ImportContext.cpp - What an ONNX op importer works with ------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "frontend/ImportContext.h"

#include <cmath>
#include "frontend/OnnxTensor.h"

#include "reference/Interpreter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/SmallPtrSet.h"

#include <onnx/onnx_pb.h>

using namespace mlir;
using namespace mlir::infer;
using namespace mlir::infer::frontend;
using reference::Tensor;

/// Ops whose results have at most this many elements are folded at import
/// when all their operands are constants.
static constexpr int64_t kMaxFoldElements = int64_t(1) << 22;

StringRef ImportContext::opType() const { return current->op_type(); }

unsigned ImportContext::numInputs() const { return current->input_size(); }

bool ImportContext::hasInput(unsigned i) const {
  return i < static_cast<unsigned>(current->input_size()) &&
         !current->input(i).empty();
}

unsigned ImportContext::numOutputs() const { return current->output_size(); }

bool ImportContext::hasOutput(unsigned i) const {
  return i < static_cast<unsigned>(current->output_size()) &&
         !current->output(i).empty();
}

GraphValue *ImportContext::lookup(unsigned i) {
  if (!hasInput(i))
    return nullptr;
  auto it = values.find(current->input(i));
  return it == values.end() ? nullptr : &it->second;
}

FailureOr<Value> ImportContext::input(unsigned i) {
  if (!hasInput(i))
    return emitError() << "expects input #" << i << ", which is missing";
  GraphValue *gv = lookup(i);
  if (!gv)
    return emitError() << "input '" << current->input(i) << "' is not defined";
  if (gv->value)
    return gv->value;
  if (gv->sequence)
    return emitError() << "input '" << current->input(i)
                       << "' is a sequence where the op takes a tensor";
  if (gv->none)
    return emitError() << "input '" << current->input(i)
                       << "' is an optional without a value where the op takes a tensor";
  // A shape computed symbolically: materialize it when fully known.
  if (gv->symbolic && llvm::all_of(*gv->symbolic,
                                   [](const SymInt &s) { return s.known; })) {
    SmallVector<int64_t> ints;
    for (const SymInt &s : *gv->symbolic)
      ints.push_back(s.value);
    gv->value = constantI64(ints, gv->symbolicRank == 0);
    return gv->value;
  }
  return emitError() << "input '" << current->input(i)
                     << "' is a shape that depends on a dynamic dimension and "
                        "is only known at run time; give the model static "
                        "input shapes (--input-shape)";
}

FailureOr<Value> ImportContext::optionalInput(unsigned i) {
  if (!hasInput(i))
    return Value();
  return input(i);
}

const Tensor *ImportContext::constantInput(unsigned i) {
  GraphValue *gv = lookup(i);
  if (!gv)
    return nullptr;
  if (!gv->value) {
    if (!gv->symbolic || llvm::any_of(*gv->symbolic,
                                      [](const SymInt &s) { return !s.known; }))
      return nullptr;
    if (failed(input(i)))
      return nullptr;
  }
  auto c = gv->value.getDefiningOp<ConstantOp>();
  if (!c) {
    if (wantedConstants)
      recordWanted(gv->value);
    return nullptr;
  }
  auto key = std::make_pair(gv->value.getAsOpaquePointer(), 0u);
  auto it = constantCache.find(key);
  if (it != constantCache.end())
    return &it->second;
  FailureOr<Tensor> t = Tensor::fromAttr(c.getValue());
  if (failed(t))
    return nullptr;
  return &constantCache.emplace(key, std::move(*t)).first->second;
}

void ImportContext::recordWanted(Value v) {
  // The graph inputs `v` is computed from (a Loop's trip count from Range's
  // start, limit and delta): bound as constants, `v` folds. Only through
  // small values (scalars, shapes): a size computed from activations is
  // data, not a parameter to bind.
  SmallVector<Value> work = {v};
  SmallVector<std::string> names;
  llvm::SmallPtrSet<void *, 16> seen;
  while (!work.empty()) {
    Value u = work.pop_back_val();
    if (!seen.insert(u.getAsOpaquePointer()).second)
      continue;
    auto type = llvm::dyn_cast<RankedTensorType>(u.getType());
    if (!type || !type.hasStaticShape() || type.getNumElements() > 64)
      return;
    if (auto arg = llvm::dyn_cast<BlockArgument>(u)) {
      auto func = llvm::dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp());
      auto name = func ? func.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "infer.name")
                       : StringAttr();
      if (!name)
        return;
      names.push_back(name.str());
      continue;
    }
    if (Operation *def = u.getDefiningOp())
      for (Value operand : def->getOperands())
        work.push_back(operand);
  }
  for (const std::string &name : names)
    if (!llvm::is_contained(*wantedConstants, name))
      wantedConstants->push_back(name);
}

FailureOr<SmallVector<int64_t>> ImportContext::constantInts(unsigned i,
                                                           StringRef what) {
  const Tensor *t = constantInput(i);
  if (!t) {
    if (!hasInput(i))
      return emitError() << "expects input '" << what << "', which is missing";
    return emitError() << "input '" << what << "' ('" << current->input(i)
                       << "') must be a constant known at compile time";
  }
  SmallVector<int64_t> out;
  for (int64_t k = 0; k < t->size(); ++k) {
    // A float tensor standing for integers must hold integers in range.
    if (t->isFloat()) {
      double v = t->floats()[k];
      if (!(std::fabs(v) <= 9.0e18) || v != std::trunc(v))
        return emitError() << "input '" << what << "' holds " << v
                           << ", not an integer";
    }
    out.push_back(t->getInt(k));
  }
  return out;
}

FailureOr<double> ImportContext::constantScalar(unsigned i, StringRef what) {
  const Tensor *t = constantInput(i);
  if (!t || t->size() != 1)
    return emitError() << "input '" << what
                       << "' must be a scalar constant known at compile time";
  return t->getDouble(0);
}

std::optional<SymInts> ImportContext::symbolicInts(unsigned i) {
  GraphValue *gv = lookup(i);
  if (!gv)
    return std::nullopt;
  if (gv->symbolic)
    return gv->symbolic;
  // Shapes are i64; other integer tensors keep their own type as values.
  const Tensor *t = constantInput(i);
  if (!t || !t->getElementType().isInteger(64) || t->getRank() > 1 || t->size() > 64)
    return std::nullopt;
  SymInts out;
  for (int64_t k = 0; k < t->size(); ++k)
    out.push_back({t->getInt(k), true, 0});
  return out;
}

ArrayRef<int64_t> ImportContext::shapeOf(unsigned i) {
  FailureOr<Value> v = input(i);
  if (failed(v))
    return {};
  return llvm::cast<RankedTensorType>(v->getType()).getShape();
}

//===--- Attributes --------------------------------------------------------===//

const onnx::AttributeProto *ImportContext::findAttr(StringRef name) const {
  for (const onnx::AttributeProto &a : current->attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

bool ImportContext::hasAttr(StringRef name) const {
  return findAttr(name) != nullptr;
}

LogicalResult ImportContext::attrTypeError(const onnx::AttributeProto &attr,
                                           StringRef expected) {
  return emitError() << "attribute '" << attr.name() << "' has type "
                     << onnx::AttributeProto::AttributeType_Name(attr.type())
                     << ", expected " << expected;
}

FailureOr<int64_t> ImportContext::intAttr(StringRef name,
                                          std::optional<int64_t> dflt) {
  const onnx::AttributeProto *a = findAttr(name);
  if (!a) {
    if (dflt)
      return *dflt;
    return emitError() << "expects attribute '" << name << "'";
  }
  if (a->type() != onnx::AttributeProto::INT)
    return attrTypeError(*a, "INT");
  return a->i();
}

FailureOr<float> ImportContext::floatAttr(StringRef name,
                                          std::optional<float> dflt) {
  const onnx::AttributeProto *a = findAttr(name);
  if (!a) {
    if (dflt)
      return *dflt;
    return emitError() << "expects attribute '" << name << "'";
  }
  if (a->type() != onnx::AttributeProto::FLOAT)
    return attrTypeError(*a, "FLOAT");
  return a->f();
}

FailureOr<std::string>
ImportContext::stringAttr(StringRef name, std::optional<std::string> dflt) {
  const onnx::AttributeProto *a = findAttr(name);
  if (!a) {
    if (dflt)
      return *dflt;
    return emitError() << "expects attribute '" << name << "'";
  }
  if (a->type() != onnx::AttributeProto::STRING)
    return attrTypeError(*a, "STRING");
  return a->s();
}

FailureOr<SmallVector<int64_t>>
ImportContext::intsAttr(StringRef name,
                        std::optional<SmallVector<int64_t>> dflt) {
  const onnx::AttributeProto *a = findAttr(name);
  if (!a) {
    if (dflt)
      return *dflt;
    return emitError() << "expects attribute '" << name << "'";
  }
  if (a->type() != onnx::AttributeProto::INTS)
    return attrTypeError(*a, "INTS");
  return SmallVector<int64_t>(a->ints().begin(), a->ints().end());
}

FailureOr<SmallVector<float>> ImportContext::floatsAttr(StringRef name) {
  const onnx::AttributeProto *a = findAttr(name);
  if (!a)
    return emitError() << "expects attribute '" << name << "'";
  if (a->type() != onnx::AttributeProto::FLOATS)
    return attrTypeError(*a, "FLOATS");
  return SmallVector<float>(a->floats().begin(), a->floats().end());
}

FailureOr<SmallVector<std::string>>
ImportContext::stringsAttr(StringRef name) {
  const onnx::AttributeProto *a = findAttr(name);
  if (!a)
    return SmallVector<std::string>();
  if (a->type() != onnx::AttributeProto::STRINGS)
    return attrTypeError(*a, "STRINGS");
  return SmallVector<std::string>(a->strings().begin(), a->strings().end());
}

FailureOr<const onnx::TensorProto *> ImportContext::tensorAttr(StringRef name) {
  const onnx::AttributeProto *a = findAttr(name);
  if (!a)
    return static_cast<const onnx::TensorProto *>(nullptr);
  if (a->type() != onnx::AttributeProto::TENSOR)
    return attrTypeError(*a, "TENSOR");
  return &a->t();
}

const onnx::GraphProto *ImportContext::graphAttr(StringRef name) const {
  const onnx::AttributeProto *a = findAttr(name);
  if (!a || a->type() != onnx::AttributeProto::GRAPH)
    return nullptr;
  return &a->g();
}

FailureOr<SmallVector<GraphValue>> ImportContext::inlineGraph(const onnx::GraphProto &graph,
                                                              ArrayRef<GraphValue> inputs) {
  if (!inlineFn)
    return unsupported("a subgraph here");
  return inlineFn(graph, inputs);
}

FailureOr<SmallVector<Value>> ImportContext::sequenceInput(unsigned i) {
  GraphValue *gv = lookup(i);
  if (!hasInput(i))
    return emitError() << "expects input #" << i << " (a sequence), which is missing";
  if (!gv || !gv->sequence)
    return emitError() << "input '" << current->input(i) << "' is not a sequence";
  return *gv->sequence;
}

void ImportContext::setGraphValue(unsigned i, GraphValue gv) {
  if (hasOutput(i))
    values[current->output(i)] = std::move(gv);
}

FailureOr<Tensor> ImportContext::readTensor(const onnx::TensorProto &proto) {
  std::string error;
  FailureOr<Tensor> t = tensorFromProto(getContext(), proto, baseDir, error);
  if (failed(t))
    return emitError() << error;
  return t;
}

//===--- Building ----------------------------------------------------------===//

/// The largest dimension and element count a tensor may have.
static constexpr int64_t kMaxDim = int64_t(1) << 40;
static constexpr int64_t kMaxElements = int64_t(1) << 44;

FailureOr<SmallVector<Value>> ImportContext::finish(Operation *op) {
  for (Type t : op->getResultTypes()) {
    auto rt = llvm::dyn_cast<RankedTensorType>(t);
    if (!rt)
      continue;
    int64_t n = 1;
    for (int64_t d : rt.getShape()) {
      if (ShapedType::isDynamic(d))
        continue;
      if (d < 0) {
        op->erase();
        return emitError() << "the result shape " << formatShape(rt.getShape())
                           << " has a negative dimension";
      }
      if (d > kMaxDim || (d > 0 && n > kMaxElements / d)) {
        op->erase();
        return emitError() << "the result shape " << formatShape(rt.getShape())
                           << " is too large";
      }
      n *= d;
    }
  }
  if (failed(mlir::verify(op))) {
    op->erase();
    return failure();
  }
  std::string invalid;
  FailureOr<SmallVector<ElementsAttr>> folded =
      reference::foldConstantOp(op, kMaxFoldElements, &invalid);
  if (!invalid.empty()) {
    op->erase();
    return emitError() << invalid;
  }
  SmallVector<Value> results;
  if (succeeded(folded)) {
    for (ElementsAttr attr : *folded)
      results.push_back(ConstantOp::create(b, location, attr));
    op->erase();
    return results;
  }
  results.append(op->result_begin(), op->result_end());
  return results;
}

FailureOr<Value> ImportContext::finish1(Operation *op) {
  FailureOr<SmallVector<Value>> r = finish(op);
  if (failed(r))
    return failure();
  return r->front();
}

Value ImportContext::constant(const Tensor &t) {
  return ConstantOp::create(b, location, t.toAttr("const"));
}

Value ImportContext::splat(RankedTensorType type, double value) {
  Type et = type.getElementType();
  TypedAttr element;
  if (auto ft = llvm::dyn_cast<FloatType>(et)) {
    APFloat v(value);
    bool lost = false;
    v.convert(ft.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
    element = FloatAttr::get(et, v);
  } else {
    auto it = llvm::cast<IntegerType>(et);
    element = IntegerAttr::get(
        et, APInt(it.getWidth(), static_cast<uint64_t>(static_cast<int64_t>(value)),
                  /*isSigned=*/true, /*implicitTrunc=*/true));
  }
  return ConstantOp::create(b, location, DenseElementsAttr::get(type, element));
}

LogicalResult ImportContext::checkBuiltConstant(ArrayRef<int64_t> shape) {
  int64_t total = 1;
  for (int64_t d : shape) {
    if (d < 0 || (d > 0 && total > kMaxBuiltElements / d) ||
        total * d > kMaxBuiltElements)
      return emitError() << "the constant of shape " << formatShape(shape)
                         << " is too large to build at compile time (at most "
                         << kMaxBuiltElements << " elements)";
    total *= d;
  }
  return success();
}

Value ImportContext::constantI64(ArrayRef<int64_t> ints, bool scalar) {
  SmallVector<int64_t> shape;
  if (!scalar)
    shape.push_back(ints.size());
  Tensor t(b.getI64Type(), shape);
  for (auto [i, v] : llvm::enumerate(ints))
    t.setInt(i, v);
  return constant(t);
}

Value ImportContext::scalar(Type elementType, double value) {
  Tensor t(elementType, {});
  t.setDouble(0, value);
  return constant(t);
}

static RankedTensorType tensorType(Value v) {
  return llvm::cast<RankedTensorType>(v.getType());
}

FailureOr<Value> ImportContext::unary(UnaryKind kind, Value x,
                                      std::optional<float> alpha,
                                      std::optional<float> beta) {
  RankedTensorType t = tensorType(x);
  Type et = t.getElementType();
  if (kind == UnaryKind::not_ || kind == UnaryKind::is_nan ||
      kind == UnaryKind::is_inf)
    et = b.getI1Type();
  FloatAttr a = alpha ? b.getF32FloatAttr(*alpha) : FloatAttr();
  FloatAttr bt = beta ? b.getF32FloatAttr(*beta) : FloatAttr();
  return finish1(UnaryOp::create(b, location, t.clone(et), kind, x, a, bt));
}

FailureOr<Value> ImportContext::where(Value cond, Value a, Value bv) {
  auto emit = [&] { return emitError(); };
  FailureOr<Shape> s = broadcastShapes(tensorType(cond).getShape(), tensorType(a).getShape(), emit);
  if (failed(s) || failed(s = broadcastShapes(*s, tensorType(bv).getShape(), emit)))
    return failure();
  return finish1(WhereOp::create(
      b, location, RankedTensorType::get(*s, tensorType(a).getElementType()), cond, a, bv));
}

FailureOr<Value> ImportContext::binary(BinaryKind kind, Value lhs, Value rhs) {
  FailureOr<Shape> shape =
      broadcastShapes(tensorType(lhs).getShape(), tensorType(rhs).getShape(),
                      [&] { return emitError(); });
  if (failed(shape))
    return failure();
  Type et = tensorType(lhs).getElementType();
  switch (kind) {
  case BinaryKind::equal:
  case BinaryKind::greater:
  case BinaryKind::greater_equal:
  case BinaryKind::less:
  case BinaryKind::less_equal:
  case BinaryKind::and_:
  case BinaryKind::or_:
  case BinaryKind::xor_:
    et = b.getI1Type();
    break;
  default:
    break;
  }
  return finish1(BinaryOp::create(b, location, RankedTensorType::get(*shape, et),
                                  kind, lhs, rhs));
}

FailureOr<Value> ImportContext::cast(Value x, Type elementType, bool saturate) {
  if (tensorType(x).getElementType() == elementType)
    return x;
  return finish1(CastOp::create(b, location, tensorType(x).clone(elementType),
                                x, saturate));
}

FailureOr<Value> ImportContext::reshape(Value x, ArrayRef<int64_t> shape) {
  RankedTensorType t = tensorType(x);
  if (t.getShape() == shape)
    return x;
  return finish1(ReshapeOp::create(b, location, t.clone(shape), x));
}

FailureOr<Value> ImportContext::transpose(Value x, ArrayRef<int64_t> perm) {
  FailureOr<Shape> shape = inferTransposeShape(tensorType(x).getShape(), perm,
                                               [&] { return emitError(); });
  if (failed(shape))
    return failure();
  return finish1(TransposeOp::create(b, location, tensorType(x).clone(*shape),
                                     x, perm));
}

FailureOr<Value> ImportContext::expand(Value x, ArrayRef<int64_t> shape) {
  FailureOr<Shape> out = broadcastShapes(tensorType(x).getShape(), shape,
                                         [&] { return emitError(); });
  if (failed(out))
    return failure();
  if (ArrayRef<int64_t>(*out) == tensorType(x).getShape())
    return x;
  return finish1(ExpandOp::create(b, location, tensorType(x).clone(*out), x));
}

FailureOr<Value> ImportContext::reduce(ReduceKind kind, Value x,
                                       ArrayRef<int64_t> axes, bool keepDims) {
  FailureOr<Shape> shape = inferReduceShape(tensorType(x).getShape(), axes,
                                            keepDims,
                                            [&] { return emitError(); });
  if (failed(shape))
    return failure();
  return finish1(ReduceOp::create(b, location, tensorType(x).clone(*shape),
                                  kind, x, axes, keepDims));
}

FailureOr<Value> ImportContext::concat(ArrayRef<Value> inputs, int64_t axis) {
  if (inputs.size() == 1)
    return inputs.front();
  SmallVector<ArrayRef<int64_t>> shapes;
  for (Value v : inputs)
    shapes.push_back(tensorType(v).getShape());
  FailureOr<Shape> shape =
      inferConcatShape(shapes, axis, [&] { return emitError(); });
  if (failed(shape))
    return failure();
  return finish1(ConcatOp::create(b, location,
                                  tensorType(inputs.front()).clone(*shape),
                                  inputs, axis));
}

FailureOr<Value> ImportContext::matmul(Value lhs, Value rhs) {
  FailureOr<Shape> shape =
      inferMatMulShape(tensorType(lhs).getShape(), tensorType(rhs).getShape(),
                       [&] { return emitError(); });
  if (failed(shape))
    return failure();
  return finish1(MatMulOp::create(b, location, tensorType(lhs).clone(*shape),
                                  lhs, rhs));
}

FailureOr<Value> ImportContext::sliceAxis(Value x, int64_t axis, int64_t start,
                                          int64_t end, int64_t step) {
  ArrayRef<int64_t> s = tensorType(x).getShape();
  SmallVector<int64_t> starts(s.size(), 0), ends(s), steps(s.size(), 1);
  starts[axis] = start;
  ends[axis] = end;
  steps[axis] = step;
  FailureOr<Shape> shape = inferSliceShape(s, starts, ends, steps,
                                           [&] { return emitError(); });
  if (failed(shape))
    return failure();
  return finish1(SliceOp::create(b, location, tensorType(x).clone(*shape), x,
                                 starts, ends, steps));
}

//===--- Outputs and errors ------------------------------------------------===//

void ImportContext::setOutput(unsigned i, Value v) {
  if (!hasOutput(i))
    return;
  GraphValue gv;
  gv.value = v;
  values[current->output(i)] = gv;
}

void ImportContext::setSymbolic(unsigned i, SymInts v, int64_t rank) {
  if (!hasOutput(i))
    return;
  GraphValue gv;
  gv.symbolicRank = rank;
  if (llvm::all_of(v, [](const SymInt &s) { return s.known; })) {
    SmallVector<int64_t> ints;
    for (const SymInt &s : v)
      ints.push_back(s.value);
    gv.value = constantI64(ints, rank == 0);
  }
  gv.symbolic = std::move(v);
  values[current->output(i)] = gv;
}

InFlightDiagnostic ImportContext::emitError() {
  return mlir::emitError(location);
}

LogicalResult ImportContext::unsupported(const Twine &what) {
  return emitError() << what << " is not supported";
}

FailureOr<int64_t> ImportContext::normalizeAxis(int64_t axis, int64_t rank) {
  return infer::normalizeAxis(axis, rank, [&] { return emitError(); });
}
