//===- ImportShape.cpp - ONNX shape and constant ops ----------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Shape, Size, Constant, ConstantOfShape and Range. Their results are
// constants (folded at import) or, when a dynamic dimension is involved,
// symbolic shape values that Reshape and Expand consume.
//
//===----------------------------------------------------------------------===//

#include "frontend/ImportContext.h"

#include <onnx/onnx_pb.h>

#include <cmath>

using namespace mlir;
using namespace mlir::infer;
using namespace mlir::infer::frontend;
using reference::Tensor;

namespace {
LogicalResult importShape(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  if (failed(x))
    return failure();
  ArrayRef<int64_t> shape = llvm::cast<RankedTensorType>(x->getType()).getShape();
  int64_t rank = shape.size();
  FailureOr<int64_t> start = ctx.intAttr("start", 0);
  FailureOr<int64_t> end = ctx.intAttr("end", rank);
  if (failed(start) || failed(end))
    return failure();
  auto clampAxis = [&](int64_t a) {
    if (a < 0)
      a += rank;
    return std::min(std::max<int64_t>(a, 0), rank);
  };
  SymInts out;
  for (int64_t i = clampAxis(*start); i < clampAxis(*end); ++i)
    out.push_back(ShapedType::isDynamic(shape[i])
                      ? SymInt::unknown(ctx.singleDynamicDim() ? 1 : 0)
                      : SymInt{shape[i], true, 0});
  ctx.setSymbolic(0, out, 1);
  return success();
}

LogicalResult importSize(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  if (failed(x))
    return failure();
  int64_t n = numElements(llvm::cast<RankedTensorType>(x->getType()).getShape());
  ctx.setSymbolic(0, {ShapedType::isDynamic(n) ? SymInt::unknown()
                                              : SymInt{n, true, 0}},
                  0);
  return success();
}

LogicalResult importConstant(ImportContext &ctx) {
  OpBuilder &b = ctx.builder();
  if (ctx.hasAttr("sparse_value"))
    return ctx.unsupported("a sparse Constant");
  if (ctx.hasAttr("value_string") || ctx.hasAttr("value_strings"))
    return ctx.unsupported("a string Constant");
  FailureOr<const onnx::TensorProto *> value = ctx.tensorAttr("value");
  if (failed(value))
    return failure();
  if (*value) {
    FailureOr<Tensor> t = ctx.readTensor(**value);
    if (failed(t))
      return failure();
    ctx.setOutput(0, ctx.constant(*t));
    return success();
  }
  if (ctx.hasAttr("value_float")) {
    FailureOr<float> f = ctx.floatAttr("value_float", std::nullopt);
    if (failed(f))
      return failure();
    ctx.setOutput(0, ctx.scalar(b.getF32Type(), *f));
    return success();
  }
  if (ctx.hasAttr("value_floats")) {
    FailureOr<SmallVector<float>> fs = ctx.floatsAttr("value_floats");
    if (failed(fs))
      return failure();
    Tensor t(b.getF32Type(), {static_cast<int64_t>(fs->size())});
    for (auto [i, f] : llvm::enumerate(*fs))
      t.setDouble(i, f);
    ctx.setOutput(0, ctx.constant(t));
    return success();
  }
  if (ctx.hasAttr("value_int")) {
    FailureOr<int64_t> v = ctx.intAttr("value_int", std::nullopt);
    if (failed(v))
      return failure();
    ctx.setOutput(0, ctx.constantI64({*v}, /*scalar=*/true));
    return success();
  }
  if (ctx.hasAttr("value_ints")) {
    FailureOr<SmallVector<int64_t>> v = ctx.intsAttr("value_ints", std::nullopt);
    if (failed(v))
      return failure();
    ctx.setOutput(0, ctx.constantI64(*v));
    return success();
  }
  return ctx.emitError() << "has no value attribute";
}

LogicalResult importConstantOfShape(ImportContext &ctx) {
  FailureOr<SmallVector<int64_t>> shape = ctx.constantInts(0, "input");
  if (failed(shape))
    return failure();
  for (int64_t d : *shape)
    if (d < 0)
      return ctx.emitError() << "expects non-negative dimensions, got "
                             << formatShape(*shape);
  if (failed(ctx.checkBuiltConstant(*shape)))
    return failure();
  Tensor fill(ctx.builder().getF32Type(), {1});
  FailureOr<const onnx::TensorProto *> value = ctx.tensorAttr("value");
  if (failed(value))
    return failure();
  if (*value) {
    FailureOr<Tensor> t = ctx.readTensor(**value);
    if (failed(t))
      return failure();
    if (t->size() != 1)
      return ctx.emitError() << "expects a one-element value, got "
                             << t->size() << " elements";
    fill = std::move(*t);
  }
  ctx.setOutput(0, ctx.splat(RankedTensorType::get(*shape, fill.getElementType()),
                            fill.getDouble(0)));
  return success();
}

LogicalResult importRange(ImportContext &ctx) {
  const Tensor *start = ctx.constantInput(0), *limit = ctx.constantInput(1),
               *delta = ctx.constantInput(2);
  if (!start || !limit || !delta)
    return ctx.unsupported("Range with bounds known only at run time");
  if (start->size() != 1 || limit->size() != 1 || delta->size() != 1)
    return ctx.emitError() << "expects scalar start, limit and delta";
  double s = start->getDouble(0), l = limit->getDouble(0),
         d = delta->getDouble(0);
  if (d == 0)
    return ctx.emitError() << "delta is zero";
  double count = std::ceil((l - s) / d);
  if (!(count <= double(ImportContext::kMaxBuiltElements)))
    return ctx.emitError() << "the range of " << count
                           << " elements is too large to build at compile time"
                           << " (at most " << ImportContext::kMaxBuiltElements
                           << " elements)";
  int64_t n = std::max<int64_t>(static_cast<int64_t>(count), 0);
  Tensor t(start->getElementType(), {n});
  for (int64_t i = 0; i < n; ++i) {
    if (t.isFloat())
      t.setDouble(i, s + i * d);
    else
      t.setInt(i, start->getInt(0) + i * delta->getInt(0));
  }
  ctx.setOutput(0, ctx.constant(t));
  return success();
}
} // namespace

void mlir::infer::frontend::registerShapeImporters(ImporterMap &m) {
  m["Shape"] = importShape;
  m["Size"] = importSize;
  m["Constant"] = importConstant;
  m["ConstantOfShape"] = importConstantOfShape;
  m["Range"] = importRange;
}
