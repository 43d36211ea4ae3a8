//===- ImportReduce.cpp - ONNX reductions, ArgMax/Min, TopK, CumSum -------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Reduce* take axes as an attribute before opset 18 (13 for ReduceSum) and
// as an input after; both forms are normalized to sorted non-negative axes.
//
//===----------------------------------------------------------------------===//

#include "frontend/ImportContext.h"

#include <onnx/onnx_pb.h>

using namespace mlir;
using namespace mlir::infer;
using namespace mlir::infer::frontend;

namespace {
RankedTensorType typeOf(Value v) {
  return llvm::cast<RankedTensorType>(v.getType());
}

/// Normalizes, sorts and dedupes axes.
FailureOr<SmallVector<int64_t>> normalizeAxes(ImportContext &ctx,
                                              ArrayRef<int64_t> axes,
                                              int64_t rank) {
  SmallVector<int64_t> out;
  for (int64_t a : axes) {
    FailureOr<int64_t> n = ctx.normalizeAxis(a, rank);
    if (failed(n))
      return failure();
    out.push_back(*n);
  }
  llvm::sort(out);
  if (std::adjacent_find(out.begin(), out.end()) != out.end())
    return ctx.emitError() << "axes " << formatShape(axes)
                           << " name a dimension twice";
  return out;
}

template <ReduceKind Kind>
LogicalResult importReduce(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  FailureOr<int64_t> keep = ctx.intAttr("keepdims", 1);
  FailureOr<int64_t> noop = ctx.intAttr("noop_with_empty_axes", 0);
  if (failed(x) || failed(keep) || failed(noop))
    return failure();
  bool axesAsInput = ctx.opset() >= 18 ||
                     (Kind == ReduceKind::sum && ctx.opset() >= 13);
  SmallVector<int64_t> axes;
  if (axesAsInput) {
    if (ctx.hasInput(1)) {
      FailureOr<SmallVector<int64_t>> a = ctx.constantInts(1, "axes");
      if (failed(a))
        return failure();
      axes = *a;
    }
  } else {
    FailureOr<SmallVector<int64_t>> a = ctx.intsAttr("axes", SmallVector<int64_t>());
    if (failed(a))
      return failure();
    axes = *a;
  }
  if (axes.empty() && *noop) {
    ctx.setOutput(0, *x);
    return success();
  }
  FailureOr<SmallVector<int64_t>> norm =
      normalizeAxes(ctx, axes, typeOf(*x).getRank());
  if (failed(norm))
    return failure();
  FailureOr<Value> y = ctx.reduce(Kind, *x, *norm, *keep);
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}

template <ArgKind Kind>
LogicalResult importArgReduce(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  FailureOr<int64_t> axisAttr = ctx.intAttr("axis", 0);
  FailureOr<int64_t> keep = ctx.intAttr("keepdims", 1);
  FailureOr<int64_t> last = ctx.intAttr("select_last_index", 0);
  if (failed(x) || failed(axisAttr) || failed(keep) || failed(last))
    return failure();
  FailureOr<int64_t> axis = ctx.normalizeAxis(*axisAttr, typeOf(*x).getRank());
  if (failed(axis))
    return failure();
  FailureOr<Shape> shape = inferReduceShape(typeOf(*x).getShape(), {*axis},
                                            *keep, [&] { return ctx.emitError(); });
  if (failed(shape))
    return failure();
  OpBuilder &b = ctx.builder();
  FailureOr<Value> y = ctx.finish1(ArgReduceOp::create(
      b, ctx.loc(), RankedTensorType::get(*shape, b.getI64Type()), Kind, *x,
      *axis, bool(*keep),
      bool(*last)));
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}

LogicalResult importTopK(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  FailureOr<int64_t> axisAttr = ctx.intAttr("axis", -1);
  FailureOr<int64_t> largest = ctx.intAttr("largest", 1);
  FailureOr<int64_t> sorted = ctx.intAttr("sorted", 1);
  if (failed(x) || failed(axisAttr) || failed(largest) || failed(sorted))
    return failure();
  int64_t k;
  if (ctx.opset() < 10) {
    FailureOr<int64_t> kAttr = ctx.intAttr("k", std::nullopt);
    if (failed(kAttr))
      return failure();
    k = *kAttr;
  } else {
    FailureOr<SmallVector<int64_t>> kIn = ctx.constantInts(1, "K");
    if (failed(kIn))
      return failure();
    if (kIn->size() != 1)
      return ctx.emitError() << "expects a single K, got " << kIn->size();
    k = kIn->front();
  }
  FailureOr<int64_t> axis = ctx.normalizeAxis(*axisAttr, typeOf(*x).getRank());
  if (failed(axis))
    return failure();
  Shape shape(typeOf(*x).getShape());
  shape[*axis] = k;
  OpBuilder &b = ctx.builder();
  FailureOr<SmallVector<Value>> r = ctx.finish(TopKOp::create(
      b, ctx.loc(), typeOf(*x).clone(shape),
      RankedTensorType::get(shape, b.getI64Type()), *x, *axis, k,
      bool(*largest),
      bool(*sorted)));
  if (failed(r))
    return failure();
  ctx.setOutput(0, (*r)[0]);
  ctx.setOutput(1, (*r)[1]);
  return success();
}

LogicalResult importCumSum(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  FailureOr<SmallVector<int64_t>> axisIn = ctx.constantInts(1, "axis");
  FailureOr<int64_t> exclusive = ctx.intAttr("exclusive", 0);
  FailureOr<int64_t> reverse = ctx.intAttr("reverse", 0);
  if (failed(x) || failed(axisIn) || failed(exclusive) || failed(reverse))
    return failure();
  if (axisIn->size() != 1)
    return ctx.emitError() << "expects a scalar axis";
  FailureOr<int64_t> axis =
      ctx.normalizeAxis(axisIn->front(), typeOf(*x).getRank());
  if (failed(axis))
    return failure();
  OpBuilder &b = ctx.builder();
  FailureOr<Value> y = ctx.finish1(CumSumOp::create(
      b, ctx.loc(), x->getType(), *x, *axis,
      bool(*exclusive),
      bool(*reverse)));
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}
} // namespace

void mlir::infer::frontend::registerReduceImporters(ImporterMap &m) {
  m["ReduceSum"] = importReduce<ReduceKind::sum>;
  m["ReduceMean"] = importReduce<ReduceKind::mean>;
  m["ReduceMax"] = importReduce<ReduceKind::max>;
  m["ReduceMin"] = importReduce<ReduceKind::min>;
  m["ReduceProd"] = importReduce<ReduceKind::prod>;
  m["ReduceL1"] = importReduce<ReduceKind::l1>;
  m["ReduceL2"] = importReduce<ReduceKind::l2>;
  m["ReduceLogSum"] = importReduce<ReduceKind::log_sum>;
  m["ReduceLogSumExp"] = importReduce<ReduceKind::log_sum_exp>;
  m["ReduceSumSquare"] = importReduce<ReduceKind::sum_square>;
  m["ArgMax"] = importArgReduce<ArgKind::max>;
  m["ArgMin"] = importArgReduce<ArgKind::min>;
  m["TopK"] = importTopK;
  m["CumSum"] = importCumSum;
}
