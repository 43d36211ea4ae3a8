//===- ImportControlFlow.cpp - ONNX Loop and Scan ---------------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Loop and Scan import unrolled: the body is imported once per iteration
// (ImportContext::inlineGraph) with the loop-carried values of the previous
// one, and the scan outputs are stacked. A Loop unrolls when its trip count
// and condition are known at compile time (constants, or computed from
// static shapes); a Scan when its sequence length is static, which it is in
// infer's static graphs. `If` is folded by the driver (OnnxImporter.cpp).
//
//===----------------------------------------------------------------------===//

#include "frontend/ImportContext.h"

#include <onnx/onnx_pb.h>

using namespace mlir;
using namespace mlir::infer;
using namespace mlir::infer::frontend;
using reference::Tensor;

namespace {
/// The most iterations a Loop or Scan unrolls to.
constexpr int64_t kMaxUnroll = 4096;

RankedTensorType typeOf(Value v) { return llvm::cast<RankedTensorType>(v.getType()); }

/// `x` without dimension `axis` (which has extent 1).
FailureOr<Value> dropAxis(ImportContext &ctx, Value x, int64_t axis) {
  SmallVector<int64_t> shape(typeOf(x).getShape());
  shape.erase(shape.begin() + axis);
  return ctx.reshape(x, shape);
}

/// Element `i` of `x` along `axis`, the axis dropped.
FailureOr<Value> pick(ImportContext &ctx, Value x, int64_t axis, int64_t i) {
  FailureOr<Value> s = ctx.sliceAxis(x, axis, i, i + 1, 1);
  if (failed(s))
    return failure();
  return dropAxis(ctx, *s, axis);
}

/// `parts` (of one shape) stacked along a new dimension `axis`.
FailureOr<Value> stack(ImportContext &ctx, ArrayRef<Value> parts, int64_t axis) {
  SmallVector<Value> grown;
  for (Value p : parts) {
    SmallVector<int64_t> shape(typeOf(p).getShape());
    if (axis > static_cast<int64_t>(shape.size()))
      return ctx.emitError() << "scan output axis " << axis << " is out of range for rank "
                             << shape.size();
    shape.insert(shape.begin() + axis, 1);
    FailureOr<Value> r = ctx.reshape(p, shape);
    if (failed(r))
      return failure();
    grown.push_back(*r);
  }
  if (grown.size() == 1)
    return grown.front();
  return ctx.concat(grown, axis);
}

/// Whether a scalar body output is a constant true; failure when it is not
/// a constant.
FailureOr<bool> constantCondition(ImportContext &ctx, Value v) {
  auto c = v ? v.getDefiningOp<ConstantOp>() : ConstantOp();
  if (!c)
    return ctx.unsupported("a Loop whose condition is computed at run time (infer unrolls "
                           "loops whose trip count and condition are known at compile time)");
  FailureOr<Tensor> t = Tensor::fromAttr(c.getValue());
  if (failed(t) || t->size() != 1)
    return ctx.emitError() << "its body's condition is not a scalar";
  return t->getDouble(0) != 0;
}

/// Loop: inputs M (trip count), cond, loop-carried values; the body takes
/// (iteration, cond, carried...) and returns (cond, carried..., scan...).
LogicalResult importLoop(ImportContext &ctx) {
  const onnx::GraphProto *body = ctx.graphAttr("body");
  if (!body)
    return ctx.emitError() << "expects attribute 'body' (a graph)";
  int64_t carried = static_cast<int64_t>(ctx.numInputs()) - 2;
  if (carried < 0)
    return ctx.emitError() << "expects inputs M and cond (either may be empty)";
  if (body->input_size() != carried + 2)
    return ctx.emitError() << "its body takes " << body->input_size() << " inputs; "
                           << carried << " loop-carried values need " << carried + 2;
  int64_t scans = body->output_size() - 1 - carried;
  if (scans < 0)
    return ctx.emitError() << "its body returns " << body->output_size() << " outputs; "
                           << carried << " loop-carried values need at least " << carried + 1;
  if (static_cast<int64_t>(ctx.numOutputs()) > carried + scans)
    return ctx.emitError() << "has " << ctx.numOutputs() << " outputs; its body gives "
                           << carried + scans;
  std::optional<int64_t> trip;
  if (ctx.hasInput(0)) {
    const Tensor *m = ctx.constantInput(0);
    if (!m)
      return ctx.unsupported("a Loop whose trip count (input 'M') is known only at run time "
                             "(infer unrolls loops whose trip count and condition are known "
                             "at compile time)");
    if (m->size() != 1)
      return ctx.emitError() << "its trip count has " << m->size() << " elements, not 1";
    trip = m->getInt(0);
  }
  bool cond = true;
  if (ctx.hasInput(1)) {
    const Tensor *c = ctx.constantInput(1);
    if (!c)
      return ctx.unsupported("a Loop whose condition (input 'cond') is known only at run time");
    if (c->size() != 1)
      return ctx.emitError() << "its condition has " << c->size() << " elements, not 1";
    cond = c->getDouble(0) != 0;
  }
  SmallVector<GraphValue> state;
  for (int64_t i = 0; i < carried; ++i) {
    const GraphValue *gv = ctx.graphValue(2 + i);
    if (!gv)
      return ctx.emitError() << "expects loop-carried input #" << 2 + i;
    if (!gv->value && !gv->sequence && !gv->none) {
      FailureOr<Value> v = ctx.input(2 + i);
      if (failed(v))
        return failure();
      state.push_back(GraphValue::of(*v));
    } else {
      state.push_back(*gv);
    }
  }
  SmallVector<SmallVector<Value>> scanned(scans);
  Type i1 = ctx.builder().getI1Type();
  int64_t it = 0;
  for (; cond && (!trip || it < *trip); ++it) {
    if (it >= kMaxUnroll)
      return ctx.unsupported("a Loop of more than " + Twine(kMaxUnroll) +
                             " iterations (infer unrolls loops)");
    SmallVector<GraphValue> ins = {GraphValue::of(ctx.constantI64({it}, true)),
                                   GraphValue::of(ctx.scalar(i1, 1.0))};
    ins.append(state);
    FailureOr<SmallVector<GraphValue>> outs = ctx.inlineGraph(*body, ins);
    if (failed(outs))
      return failure();
    FailureOr<bool> next = constantCondition(ctx, (*outs)[0].value);
    if (failed(next))
      return failure();
    cond = *next;
    for (int64_t i = 0; i < carried; ++i)
      state[i] = (*outs)[1 + i];
    for (int64_t k = 0; k < scans; ++k) {
      Value v = (*outs)[1 + carried + k].value;
      if (!v)
        return ctx.unsupported("a Loop scan output that is not a tensor");
      scanned[k].push_back(v);
    }
  }
  for (int64_t i = 0; i < carried; ++i)
    ctx.setGraphValue(i, state[i]);
  for (int64_t k = 0; k < scans; ++k) {
    if (!ctx.hasOutput(carried + k))
      continue;
    if (scanned[k].empty())
      return ctx.unsupported("a scan output of a Loop that runs no iteration");
    FailureOr<Value> y = stack(ctx, scanned[k], 0);
    if (failed(y))
      return failure();
    ctx.setOutput(carried + k, *y);
  }
  return success();
}

/// One Scan over states and scan inputs, each scan input read along its
/// axis in its direction; returns the final states followed by the
/// stacked scan outputs.
FailureOr<SmallVector<Value>> runScan(ImportContext &ctx, const onnx::GraphProto &body,
                                      ArrayRef<Value> states, ArrayRef<Value> inputs,
                                      ArrayRef<int64_t> inAxes, ArrayRef<int64_t> inDirs,
                                      ArrayRef<int64_t> outAxes, ArrayRef<int64_t> outDirs) {
  int64_t n = states.size(), m = inputs.size();
  int64_t k = body.output_size() - n;
  if (body.input_size() != n + m || k < 0)
    return ctx.emitError() << "its body takes " << body.input_size() << " inputs and returns "
                           << body.output_size() << "; " << n << " states and " << m
                           << " scan inputs need " << n + m << " inputs and at least " << n
                           << " outputs";
  int64_t length = -1;
  for (auto [j, x] : llvm::enumerate(inputs)) {
    int64_t len = typeOf(x).getDimSize(inAxes[j]);
    if (ShapedType::isDynamic(len))
      return ctx.unsupported("a Scan over a dynamic sequence length");
    if (length >= 0 && len != length)
      return ctx.emitError() << "its scan inputs have sequence lengths " << length << " and "
                             << len;
    length = len;
  }
  if (length < 0)
    return ctx.emitError() << "has no scan input";
  if (length > kMaxUnroll)
    return ctx.unsupported("a Scan of more than " + Twine(kMaxUnroll) + " steps");
  SmallVector<Value> state(states);
  SmallVector<SmallVector<Value>> scanned(k);
  for (int64_t t = 0; t < length; ++t) {
    SmallVector<GraphValue> ins;
    for (Value v : state)
      ins.push_back(GraphValue::of(v));
    for (auto [j, x] : llvm::enumerate(inputs)) {
      int64_t i = inDirs[j] ? length - 1 - t : t;
      FailureOr<Value> e = pick(ctx, x, inAxes[j], i);
      if (failed(e))
        return failure();
      ins.push_back(GraphValue::of(*e));
    }
    FailureOr<SmallVector<GraphValue>> outs = ctx.inlineGraph(body, ins);
    if (failed(outs))
      return failure();
    for (const GraphValue &o : *outs)
      if (!o.value)
        return ctx.unsupported("a Scan body output that is not a tensor");
    for (int64_t i = 0; i < n; ++i)
      state[i] = (*outs)[i].value;
    for (int64_t j = 0; j < k; ++j)
      scanned[j].push_back((*outs)[n + j].value);
  }
  SmallVector<Value> results(state);
  for (int64_t j = 0; j < k; ++j) {
    if (scanned[j].empty())
      return ctx.unsupported("a Scan of no steps");
    if (outDirs[j])
      std::reverse(scanned[j].begin(), scanned[j].end());
    FailureOr<Value> y = stack(ctx, scanned[j], outAxes[j]);
    if (failed(y))
      return failure();
    results.push_back(*y);
  }
  return results;
}

/// Reads an INTS attribute of `count` entries (default zeros); axes are
/// normalized against `ranks`.
FailureOr<SmallVector<int64_t>> scanInts(ImportContext &ctx, StringRef name, int64_t count,
                                         ArrayRef<int64_t> ranks) {
  FailureOr<SmallVector<int64_t>> v = ctx.intsAttr(name, SmallVector<int64_t>(count, 0));
  if (failed(v))
    return failure();
  if (static_cast<int64_t>(v->size()) != count)
    return ctx.emitError() << "attribute '" << name << "' has " << v->size() << " entries, not "
                           << count;
  if (!ranks.empty())
    for (auto [i, a] : llvm::enumerate(*v)) {
      FailureOr<int64_t> axis = ctx.normalizeAxis(a, ranks[i]);
      if (failed(axis))
        return failure();
      a = *axis;
    }
  return v;
}

/// Scan: opset 9+ (states, scan inputs with axes and directions), and
/// opset 8's batched form (a leading batch dimension on every input and
/// output, the sequence on dimension 1), unrolled per batch element.
LogicalResult importScan(ImportContext &ctx) {
  const onnx::GraphProto *body = ctx.graphAttr("body");
  FailureOr<int64_t> m = ctx.intAttr("num_scan_inputs", std::nullopt);
  if (!body)
    return ctx.emitError() << "expects attribute 'body' (a graph)";
  if (failed(m))
    return failure();
  bool batched = ctx.opset() < 9;
  int64_t first = batched ? 1 : 0;
  int64_t n = static_cast<int64_t>(ctx.numInputs()) - first - *m;
  int64_t k = body->output_size() - n;
  if (*m < 1 || n < 0 || k < 0)
    return ctx.emitError() << "has " << ctx.numInputs() << " inputs for " << *m
                           << " scan inputs and a body of " << body->output_size()
                           << " outputs";
  if (batched && ctx.hasInput(0))
    return ctx.unsupported("Scan-8's sequence_lens");
  SmallVector<Value> states, inputs;
  for (int64_t i = 0; i < n + *m; ++i) {
    FailureOr<Value> v = ctx.input(first + i);
    if (failed(v))
      return failure();
    (i < n ? states : inputs).push_back(*v);
  }
  if (!batched) {
    SmallVector<int64_t> inRanks, outRanks;
    for (Value x : inputs)
      inRanks.push_back(typeOf(x).getRank());
    for (int j = n; j < body->output_size(); ++j) {
      const auto &type = body->output(j).type();
      if (!type.has_tensor_type() || !type.tensor_type().has_shape())
        outRanks.push_back(-1);
      else
        outRanks.push_back(type.tensor_type().shape().dim_size() + 1);
    }
    FailureOr<SmallVector<int64_t>> inAxes = scanInts(ctx, "scan_input_axes", *m, inRanks);
    FailureOr<SmallVector<int64_t>> inDirs = scanInts(ctx, "scan_input_directions", *m, {});
    FailureOr<SmallVector<int64_t>> outAxes = scanInts(ctx, "scan_output_axes", k, {});
    FailureOr<SmallVector<int64_t>> outDirs = scanInts(ctx, "scan_output_directions", k, {});
    if (failed(inAxes) || failed(inDirs) || failed(outAxes) || failed(outDirs))
      return failure();
    // Negative output axes count from the stacked rank, which is the body
    // output's rank + 1.
    for (auto [j, a] : llvm::enumerate(*outAxes))
      if (a < 0) {
        if (outRanks[j] < 0)
          return ctx.unsupported("a negative scan_output_axes entry for an output of unknown rank");
        a += outRanks[j];
      }
    FailureOr<SmallVector<Value>> r =
        runScan(ctx, *body, states, inputs, *inAxes, *inDirs, *outAxes, *outDirs);
    if (failed(r))
      return failure();
    for (auto [i, v] : llvm::enumerate(*r))
      if (ctx.hasOutput(i))
        ctx.setOutput(i, v);
    return success();
  }
  FailureOr<SmallVector<int64_t>> dirs = scanInts(ctx, "directions", *m, {});
  if (failed(dirs))
    return failure();
  int64_t batch = -1;
  for (Value x : llvm::concat<Value>(states, inputs)) {
    if (typeOf(x).getRank() < 1 || ShapedType::isDynamic(typeOf(x).getDimSize(0)))
      return ctx.unsupported("Scan-8 inputs without a static batch dimension");
    batch = typeOf(x).getDimSize(0);
  }
  SmallVector<int64_t> zeros(std::max<int64_t>(k, *m), 0);
  SmallVector<SmallVector<Value>> perBatch(n + k);
  for (int64_t bi = 0; bi < batch; ++bi) {
    SmallVector<Value> bs, bx;
    for (Value x : states) {
      FailureOr<Value> e = pick(ctx, x, 0, bi);
      if (failed(e))
        return failure();
      bs.push_back(*e);
    }
    for (Value x : inputs) {
      FailureOr<Value> e = pick(ctx, x, 0, bi);
      if (failed(e))
        return failure();
      bx.push_back(*e);
    }
    FailureOr<SmallVector<Value>> r = runScan(ctx, *body, bs, bx, ArrayRef(zeros).take_front(*m),
                                              *dirs, ArrayRef(zeros).take_front(k),
                                              ArrayRef(zeros).take_front(k));
    if (failed(r))
      return failure();
    for (auto [i, v] : llvm::enumerate(*r))
      perBatch[i].push_back(v);
  }
  for (int64_t i = 0; i < n + k; ++i) {
    if (!ctx.hasOutput(i))
      continue;
    FailureOr<Value> y = stack(ctx, perBatch[i], 0);
    if (failed(y))
      return failure();
    ctx.setOutput(i, *y);
  }
  return success();
}
} // namespace

void mlir::infer::frontend::registerControlFlowImporters(ImporterMap &m) {
  m["Loop"] = importLoop;
  m["Scan"] = importScan;
}
