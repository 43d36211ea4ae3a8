//===- ImportSequence.cpp - ONNX sequences and optionals --------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Sequences are lists the importer holds (GraphValue::sequence): their
// length and positions are known at compile time, so SequenceInsert /
// SequenceAt / SplitToSequence / ConcatFromSequence become slices, concats
// or nothing at all, and SequenceMap imports its body once per element. A
// sequence graph input is one function argument per element (`x[0]`,
// `x[1]`, ...; the length given at import) and a sequence output one result
// per element. Optionals are a value or `none`, decided at compile time.
//
//===----------------------------------------------------------------------===//

#include "frontend/ImportContext.h"
#include "frontend/OnnxTensor.h"

#include <onnx/onnx_pb.h>

using namespace mlir;
using namespace mlir::infer;
using namespace mlir::infer::frontend;

namespace {
RankedTensorType typeOf(Value v) { return llvm::cast<RankedTensorType>(v.getType()); }

/// A position input (`what`) of a sequence of `n` elements, in [-n, n) or
/// [-n, n] when `end` may be named; `dflt` when the input is absent.
FailureOr<int64_t> position(ImportContext &ctx, unsigned i, int64_t n, bool allowEnd,
                            int64_t dflt) {
  if (!ctx.hasInput(i))
    return dflt;
  FailureOr<SmallVector<int64_t>> p = ctx.constantInts(i, "position");
  if (failed(p))
    return failure();
  if (p->size() != 1)
    return ctx.emitError() << "the position has " << p->size() << " elements, not 1";
  int64_t v = (*p)[0];
  int64_t hi = allowEnd ? n : n - 1;
  if (v < -n || v > hi)
    return ctx.emitError() << "position " << v << " is outside the sequence of " << n
                           << " elements";
  return v < 0 ? v + n : v;
}

LogicalResult importSequenceEmpty(ImportContext &ctx) {
  FailureOr<int64_t> dtype = ctx.intAttr("dtype", onnx::TensorProto::FLOAT);
  if (failed(dtype))
    return failure();
  std::string error;
  FailureOr<Type> et = elementTypeFromOnnx(ctx.getContext(), *dtype, error);
  if (failed(et))
    return ctx.emitError() << error;
  ctx.setGraphValue(0, GraphValue::ofSequence({}, *et));
  return success();
}

LogicalResult importSequenceConstruct(ImportContext &ctx) {
  SmallVector<Value> elements;
  for (unsigned i = 0; i < ctx.numInputs(); ++i) {
    FailureOr<Value> v = ctx.input(i);
    if (failed(v))
      return failure();
    if (!elements.empty() &&
        typeOf(*v).getElementType() != typeOf(elements[0]).getElementType())
      return ctx.emitError() << "input #" << i << " has element type "
                             << typeOf(*v).getElementType() << ", the first "
                             << typeOf(elements[0]).getElementType();
    elements.push_back(*v);
  }
  ctx.setGraphValue(0, GraphValue::ofSequence(elements));
  return success();
}

LogicalResult importSequenceInsert(ImportContext &ctx) {
  FailureOr<SmallVector<Value>> seq = ctx.sequenceInput(0);
  FailureOr<Value> t = ctx.input(1);
  if (failed(seq) || failed(t))
    return failure();
  int64_t n = seq->size();
  FailureOr<int64_t> at = position(ctx, 2, n, true, n);
  if (failed(at))
    return failure();
  seq->insert(seq->begin() + *at, *t);
  ctx.setGraphValue(0, GraphValue::ofSequence(*seq));
  return success();
}

LogicalResult importSequenceAt(ImportContext &ctx) {
  FailureOr<SmallVector<Value>> seq = ctx.sequenceInput(0);
  if (failed(seq))
    return failure();
  if (!ctx.hasInput(1))
    return ctx.emitError() << "expects input 'position'";
  FailureOr<int64_t> at = position(ctx, 1, seq->size(), false, 0);
  if (failed(at))
    return failure();
  ctx.setOutput(0, (*seq)[*at]);
  return success();
}

LogicalResult importSequenceErase(ImportContext &ctx) {
  FailureOr<SmallVector<Value>> seq = ctx.sequenceInput(0);
  if (failed(seq))
    return failure();
  int64_t n = seq->size();
  if (n == 0)
    return ctx.emitError() << "erases from an empty sequence";
  FailureOr<int64_t> at = position(ctx, 1, n, false, n - 1);
  if (failed(at))
    return failure();
  const GraphValue *in = ctx.graphValue(0);
  Type et = n > 1 ? Type() : (in->sequenceElementType ? in->sequenceElementType
                                                      : typeOf((*seq)[0]).getElementType());
  seq->erase(seq->begin() + *at);
  ctx.setGraphValue(0, GraphValue::ofSequence(*seq, et));
  return success();
}

LogicalResult importSequenceLength(ImportContext &ctx) {
  FailureOr<SmallVector<Value>> seq = ctx.sequenceInput(0);
  if (failed(seq))
    return failure();
  ctx.setOutput(0, ctx.constantI64({static_cast<int64_t>(seq->size())}, true));
  return success();
}

LogicalResult importSplitToSequence(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  FailureOr<int64_t> axisAttr = ctx.intAttr("axis", 0), keep = ctx.intAttr("keepdims", 1);
  if (failed(x) || failed(axisAttr) || failed(keep))
    return failure();
  RankedTensorType xt = typeOf(*x);
  FailureOr<int64_t> axis = ctx.normalizeAxis(*axisAttr, xt.getRank());
  if (failed(axis))
    return failure();
  int64_t len = xt.getDimSize(*axis);
  if (ShapedType::isDynamic(len))
    return ctx.unsupported("SplitToSequence along a dynamic dimension");
  SmallVector<int64_t> sizes;
  bool squeeze = false;
  if (!ctx.hasInput(1)) {
    sizes.assign(len, 1);
    squeeze = *keep == 0;
  } else {
    const reference::Tensor *split = ctx.constantInput(1);
    if (!split)
      return ctx.emitError() << "input 'split' must be a constant known at compile time";
    FailureOr<SmallVector<int64_t>> v = ctx.constantInts(1, "split");
    if (failed(v))
      return failure();
    if (split->getRank() == 0) {
      int64_t chunk = (*v)[0];
      if (chunk < 1)
        return ctx.emitError() << "split " << chunk << " is not positive";
      for (int64_t at = 0; at < len; at += chunk)
        sizes.push_back(std::min(chunk, len - at));
    } else {
      sizes.assign(v->begin(), v->end());
      int64_t total = 0;
      for (int64_t s : sizes) {
        if (s < 0)
          return ctx.emitError() << "split " << formatShape(sizes) << " has a negative size";
        total += s;
      }
      if (total != len)
        return ctx.emitError() << "split " << formatShape(sizes) << " sums to " << total
                               << ", not the dimension's " << len;
    }
  }
  SmallVector<Value> parts;
  int64_t at = 0;
  for (int64_t s : sizes) {
    FailureOr<Value> part = ctx.sliceAxis(*x, *axis, at, at + s, 1);
    if (failed(part))
      return failure();
    if (squeeze) {
      SmallVector<int64_t> shape(typeOf(*part).getShape());
      shape.erase(shape.begin() + *axis);
      if (failed(part = ctx.reshape(*part, shape)))
        return failure();
    }
    parts.push_back(*part);
    at += s;
  }
  ctx.setGraphValue(0, GraphValue::ofSequence(parts, xt.getElementType()));
  return success();
}

LogicalResult importConcatFromSequence(ImportContext &ctx) {
  FailureOr<SmallVector<Value>> seq = ctx.sequenceInput(0);
  FailureOr<int64_t> axisAttr = ctx.intAttr("axis", std::nullopt),
                     newAxis = ctx.intAttr("new_axis", 0);
  if (failed(seq) || failed(axisAttr) || failed(newAxis))
    return failure();
  if (seq->empty())
    return ctx.emitError() << "concatenates an empty sequence";
  int64_t rank = typeOf((*seq)[0]).getRank();
  FailureOr<int64_t> axis = ctx.normalizeAxis(*axisAttr, rank + (*newAxis ? 1 : 0));
  if (failed(axis))
    return failure();
  SmallVector<Value> parts;
  for (Value v : *seq) {
    if (*newAxis) {
      SmallVector<int64_t> shape(typeOf(v).getShape());
      shape.insert(shape.begin() + *axis, 1);
      FailureOr<Value> r = ctx.reshape(v, shape);
      if (failed(r))
        return failure();
      v = *r;
    }
    parts.push_back(v);
  }
  FailureOr<Value> y = parts.size() == 1 ? FailureOr<Value>(parts[0]) : ctx.concat(parts, *axis);
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}

/// SequenceMap: the body once per element of the first input; further
/// inputs are sequences of the same length (read element-wise) or tensors
/// (read whole); each body output gathers into a sequence.
LogicalResult importSequenceMap(ImportContext &ctx) {
  const onnx::GraphProto *body = ctx.graphAttr("body");
  if (!body)
    return ctx.emitError() << "expects attribute 'body' (a graph)";
  FailureOr<SmallVector<Value>> first = ctx.sequenceInput(0);
  if (failed(first))
    return failure();
  int64_t n = first->size();
  SmallVector<GraphValue> ins;
  for (unsigned i = 0; i < ctx.numInputs(); ++i) {
    const GraphValue *gv = ctx.graphValue(i);
    if (!gv)
      return ctx.emitError() << "expects input #" << i;
    if (gv->sequence && static_cast<int64_t>(gv->sequence->size()) != n)
      return ctx.emitError() << "input #" << i << " is a sequence of " << gv->sequence->size()
                             << " elements; the first has " << n;
    if (!gv->sequence) {
      FailureOr<Value> v = ctx.input(i);
      if (failed(v))
        return failure();
    }
    ins.push_back(*gv);
  }
  SmallVector<SmallVector<Value>> outs(body->output_size());
  for (int64_t e = 0; e < n; ++e) {
    SmallVector<GraphValue> args;
    for (const GraphValue &gv : ins)
      args.push_back(gv.sequence ? GraphValue::of((*gv.sequence)[e]) : gv);
    FailureOr<SmallVector<GraphValue>> r = ctx.inlineGraph(*body, args);
    if (failed(r))
      return failure();
    for (auto [k, o] : llvm::enumerate(*r)) {
      if (!o.value)
        return ctx.unsupported("a SequenceMap body output that is not a tensor");
      outs[k].push_back(o.value);
    }
  }
  for (auto [k, elements] : llvm::enumerate(outs))
    ctx.setGraphValue(k, GraphValue::ofSequence(elements));
  return success();
}

LogicalResult importOptional(ImportContext &ctx) {
  if (!ctx.hasInput(0)) {
    GraphValue none;
    none.none = true;
    ctx.setGraphValue(0, none);
    return success();
  }
  const GraphValue *gv = ctx.graphValue(0);
  if (!gv)
    return ctx.emitError() << "input '" << ctx.node().input(0) << "' is not defined";
  ctx.setGraphValue(0, *gv);
  return success();
}

LogicalResult importOptionalHasElement(ImportContext &ctx) {
  const GraphValue *gv = ctx.hasInput(0) ? ctx.graphValue(0) : nullptr;
  bool has = gv && !gv->none;
  ctx.setOutput(0, ctx.scalar(ctx.builder().getI1Type(), has ? 1.0 : 0.0));
  return success();
}

LogicalResult importOptionalGetElement(ImportContext &ctx) {
  const GraphValue *gv = ctx.graphValue(0);
  if (!gv)
    return ctx.emitError() << "expects input 'input'";
  if (gv->none)
    return ctx.emitError() << "input '" << ctx.node().input(0) << "' is an optional without a value";
  ctx.setGraphValue(0, *gv);
  return success();
}
} // namespace

void mlir::infer::frontend::registerSequenceImporters(ImporterMap &m) {
  m["SequenceEmpty"] = importSequenceEmpty;
  m["SequenceConstruct"] = importSequenceConstruct;
  m["SequenceInsert"] = importSequenceInsert;
  m["SequenceAt"] = importSequenceAt;
  m["SequenceErase"] = importSequenceErase;
  m["SequenceLength"] = importSequenceLength;
  m["SplitToSequence"] = importSplitToSequence;
  m["ConcatFromSequence"] = importConcatFromSequence;
  m["SequenceMap"] = importSequenceMap;
  m["Optional"] = importOptional;
  m["OptionalHasElement"] = importOptionalHasElement;
  m["OptionalGetElement"] = importOptionalGetElement;
}
