//===- ImportNN.cpp - ONNX convolution, matmul, pooling and norms ---------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Conv, ConvTranspose, MatMul, Gemm, the pooling ops, Softmax and
// LogSoftmax (with the flattening semantics of opsets before 13),
// LayerNormalization, BatchNormalization, InstanceNormalization and LRN.
// auto_pad is resolved into explicit pads here.
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

/// Reads strides and dilations (default 1) for `n` spatial dimensions.
LogicalResult readWindow(ImportContext &ctx, size_t n,
                         SmallVector<int64_t> &strides,
                         SmallVector<int64_t> &dilations) {
  SmallVector<int64_t> ones(n, 1);
  FailureOr<SmallVector<int64_t>> s = ctx.intsAttr("strides", ones);
  FailureOr<SmallVector<int64_t>> d = ctx.intsAttr("dilations", ones);
  if (failed(s) || failed(d))
    return failure();
  if (s->size() != n || d->size() != n)
    return ctx.emitError() << "expects " << n << " strides and dilations, got "
                           << s->size() << " and " << d->size();
  for (int64_t v : llvm::concat<const int64_t>(*s, *d))
    if (v < 1 || v > kMaxWindowValue)
      return ctx.emitError() << "expects strides and dilations in [1, "
                             << kMaxWindowValue << "], got "
                             << formatShape(*s) << " and " << formatShape(*d);
  strides = *s;
  dilations = *d;
  return success();
}

/// Resolves `auto_pad` / `pads` into explicit begin and end pads.
FailureOr<SmallVector<int64_t>> readPads(ImportContext &ctx,
                                         ArrayRef<int64_t> inSpatial,
                                         ArrayRef<int64_t> kernel,
                                         ArrayRef<int64_t> strides,
                                         ArrayRef<int64_t> dilations) {
  size_t n = kernel.size();
  FailureOr<std::string> autoPad = ctx.stringAttr("auto_pad", "NOTSET");
  if (failed(autoPad))
    return failure();
  if (*autoPad == "NOTSET") {
    FailureOr<SmallVector<int64_t>> pads =
        ctx.intsAttr("pads", SmallVector<int64_t>(2 * n, 0));
    if (failed(pads))
      return failure();
    if (pads->size() != 2 * n)
      return ctx.emitError() << "expects " << 2 * n << " pads, got "
                             << pads->size();
    return *pads;
  }
  if (*autoPad == "VALID")
    return SmallVector<int64_t>(2 * n, 0);
  if (*autoPad != "SAME_UPPER" && *autoPad != "SAME_LOWER")
    return ctx.emitError() << "auto_pad '" << *autoPad << "' is not NOTSET, "
                           << "VALID, SAME_UPPER or SAME_LOWER";
  SmallVector<int64_t> pads(2 * n, 0);
  for (size_t i = 0; i < n; ++i) {
    if (kernel[i] < 1 || kernel[i] > kMaxWindowValue)
      return ctx.emitError() << "expects kernel sizes in [1, "
                             << kMaxWindowValue << "], got "
                             << formatShape(kernel);
    if (ShapedType::isDynamic(inSpatial[i]))
      return ctx.unsupported("auto_pad on a dynamic spatial dimension");
    int64_t out = (inSpatial[i] + strides[i] - 1) / strides[i];
    int64_t total = std::max<int64_t>(
        0, (out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 -
               inSpatial[i]);
    int64_t small = total / 2, large = total - small;
    pads[i] = *autoPad == "SAME_UPPER" ? small : large;
    pads[i + n] = *autoPad == "SAME_UPPER" ? large : small;
  }
  return pads;
}

LogicalResult importConv(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0), w = ctx.input(1);
  FailureOr<Value> bias = ctx.optionalInput(2);
  if (failed(x) || failed(w) || failed(bias))
    return failure();
  FailureOr<Value> y = buildConv(ctx, *x, *w, *bias);
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}
} // namespace

FailureOr<Value> mlir::infer::frontend::buildConv(ImportContext &ctx, Value xv, Value wv,
                                                  Value biasv) {
  FailureOr<Value> x = xv, w = wv, bias = biasv;
  ArrayRef<int64_t> xs = typeOf(*x).getShape(), ws = typeOf(*w).getShape();
  if (xs.size() < 3 || xs.size() > 5 || ws.size() != xs.size())
    return ctx.emitError() << "expects input and weight of rank 3 to 5, got "
                           << formatShape(xs) << " and " << formatShape(ws);
  size_t n = xs.size() - 2;
  SmallVector<int64_t> kernel(ws.drop_front(2));
  FailureOr<SmallVector<int64_t>> ks = ctx.intsAttr("kernel_shape", kernel);
  if (failed(ks))
    return failure();
  if (*ks != kernel)
    return ctx.emitError() << "kernel_shape " << formatShape(*ks)
                           << " disagrees with the weight " << formatShape(ws);
  SmallVector<int64_t> strides, dilations;
  if (failed(readWindow(ctx, n, strides, dilations)))
    return failure();
  FailureOr<SmallVector<int64_t>> pads =
      readPads(ctx, xs.drop_front(2), kernel, strides, dilations);
  FailureOr<int64_t> group = ctx.intAttr("group", 1);
  if (failed(pads) || failed(group))
    return failure();
  FailureOr<Shape> shape = inferConvShape(xs, ws, strides, *pads, dilations,
                                          *group, [&] { return ctx.emitError(); });
  if (failed(shape))
    return failure();
  return ctx.finish1(ConvOp::create(
      ctx.builder(), ctx.loc(), typeOf(*x).clone(*shape), *x, *w, *bias,
      strides, *pads, dilations, *group));
}

namespace {
LogicalResult importConvTranspose(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0), w = ctx.input(1);
  FailureOr<Value> bias = ctx.optionalInput(2);
  if (failed(x) || failed(w) || failed(bias))
    return failure();
  ArrayRef<int64_t> xs = typeOf(*x).getShape(), ws = typeOf(*w).getShape();
  if (xs.size() < 3 || xs.size() > 5 || ws.size() != xs.size())
    return ctx.emitError() << "expects input and weight of rank 3 to 5, got "
                           << formatShape(xs) << " and " << formatShape(ws);
  size_t n = xs.size() - 2;
  SmallVector<int64_t> kernel(ws.drop_front(2)), strides, dilations;
  if (failed(readWindow(ctx, n, strides, dilations)))
    return failure();
  FailureOr<int64_t> group = ctx.intAttr("group", 1);
  FailureOr<SmallVector<int64_t>> outPad =
      ctx.intsAttr("output_padding", SmallVector<int64_t>(n, 0));
  FailureOr<std::string> autoPad = ctx.stringAttr("auto_pad", "NOTSET");
  if (failed(group) || failed(outPad) || failed(autoPad))
    return failure();
  if (outPad->size() != n)
    return ctx.emitError() << "expects " << n << " output paddings, got "
                           << outPad->size();
  SmallVector<int64_t> pads(2 * n, 0);
  WindowGeometry window{kernel, strides, pads, dilations};
  if (failed(verifyWindow(window, n, [&] { return ctx.emitError(); })))
    return failure();
  for (int64_t p : *outPad)
    if (p < 0 || p > kMaxWindowValue)
      return ctx.emitError() << "output padding " << p << " is out of range";
  bool hasOutputShape = ctx.hasAttr("output_shape");
  if (hasOutputShape || *autoPad == "SAME_UPPER" || *autoPad == "SAME_LOWER") {
    SmallVector<int64_t> target(n);
    if (hasOutputShape) {
      FailureOr<SmallVector<int64_t>> os = ctx.intsAttr("output_shape", std::nullopt);
      if (failed(os))
        return failure();
      if (os->size() < n)
        return ctx.emitError() << "output_shape " << formatShape(*os)
                               << " has fewer than " << n << " dimensions";
      target.assign(os->end() - n, os->end());
    } else {
      for (size_t i = 0; i < n; ++i)
        target[i] = ShapedType::isDynamic(xs[i + 2]) ? 0 : xs[i + 2] * strides[i];
    }
    for (size_t i = 0; i < n; ++i) {
      if (ShapedType::isDynamic(xs[i + 2]))
        return ctx.unsupported("output_shape on a dynamic spatial dimension");
      if (target[i] < 0 || target[i] > (int64_t(1) << 40))
        return ctx.emitError() << "output_shape " << target[i]
                               << " is out of range";
      int64_t total = strides[i] * (xs[i + 2] - 1) + (*outPad)[i] +
                      (kernel[i] - 1) * dilations[i] + 1 - target[i];
      if (total < 0) {
        // The extra size goes into output padding, as onnxruntime does.
        (*outPad)[i] += -total;
        total = 0;
      }
      bool upper = *autoPad == "SAME_UPPER";
      pads[i] = upper ? total / 2 : total - total / 2;
      pads[i + n] = upper ? total - total / 2 : total / 2;
    }
  } else if (*autoPad == "NOTSET") {
    FailureOr<SmallVector<int64_t>> p = ctx.intsAttr("pads", pads);
    if (failed(p))
      return failure();
    if (p->size() != 2 * n)
      return ctx.emitError() << "expects " << 2 * n << " pads, got "
                             << p->size();
    pads = *p;
  }
  FailureOr<Shape> shape = inferConvTransposeShape(
      xs, ws, strides, pads, dilations, *outPad, *group,
      [&] { return ctx.emitError(); });
  if (failed(shape))
    return failure();
  FailureOr<Value> y = ctx.finish1(ConvTransposeOp::create(
      ctx.builder(), ctx.loc(), typeOf(*x).clone(*shape), *x, *w, *bias,
      strides, pads, dilations, *outPad, *group));
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}

LogicalResult importMatMul(ImportContext &ctx) {
  FailureOr<Value> a = ctx.input(0), b = ctx.input(1);
  if (failed(a) || failed(b))
    return failure();
  FailureOr<Value> y = ctx.matmul(*a, *b);
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}

LogicalResult importGemm(ImportContext &ctx) {
  FailureOr<Value> a = ctx.input(0), b = ctx.input(1);
  FailureOr<Value> c = ctx.optionalInput(2);
  FailureOr<float> alpha = ctx.floatAttr("alpha", 1.0f);
  FailureOr<float> beta = ctx.floatAttr("beta", 1.0f);
  FailureOr<int64_t> ta = ctx.intAttr("transA", 0), tb = ctx.intAttr("transB", 0);
  if (failed(a) || failed(b) || failed(c) || failed(alpha) || failed(beta) ||
      failed(ta) || failed(tb))
    return failure();
  FailureOr<Shape> shape =
      inferGemmShape(typeOf(*a).getShape(), typeOf(*b).getShape(), *ta, *tb,
                     [&] { return ctx.emitError(); });
  if (failed(shape))
    return failure();
  OpBuilder &bld = ctx.builder();
  FailureOr<Value> y = ctx.finish1(GemmOp::create(
      bld, ctx.loc(), typeOf(*a).clone(*shape), *a, *b, *c,
      llvm::APFloat(static_cast<float>(*alpha)), llvm::APFloat(static_cast<float>(*beta)),
      bool(*ta), bool(*tb)));
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}

LogicalResult importPool(ImportContext &ctx, PoolKind kind) {
  FailureOr<Value> x = ctx.input(0);
  if (failed(x))
    return failure();
  ArrayRef<int64_t> xs = typeOf(*x).getShape();
  if (xs.size() < 3 || xs.size() > 5)
    return ctx.emitError() << "expects an input of rank 3 to 5, got "
                           << formatShape(xs);
  size_t n = xs.size() - 2;
  FailureOr<SmallVector<int64_t>> kernel =
      ctx.intsAttr("kernel_shape", std::nullopt);
  if (failed(kernel))
    return failure();
  if (kernel->size() != n)
    return ctx.emitError() << "expects " << n << " kernel sizes, got "
                           << kernel->size();
  SmallVector<int64_t> strides, dilations;
  if (failed(readWindow(ctx, n, strides, dilations)))
    return failure();
  FailureOr<SmallVector<int64_t>> pads =
      readPads(ctx, xs.drop_front(2), *kernel, strides, dilations);
  FailureOr<int64_t> ceil = ctx.intAttr("ceil_mode", 0);
  FailureOr<int64_t> includePad = ctx.intAttr("count_include_pad", 0);
  FailureOr<int64_t> p = ctx.intAttr("p", 2);
  FailureOr<int64_t> order = ctx.intAttr("storage_order", 0);
  if (failed(pads) || failed(ceil) || failed(includePad) || failed(p) ||
      failed(order))
    return failure();
  if (*order != 0 && *order != 1)
    return ctx.emitError() << "storage_order " << *order << " is not 0 or 1";
  WindowGeometry window{*kernel, strides, *pads, dilations};
  FailureOr<Shape> shape = inferPoolShape(xs, window, *ceil,
                                          [&] { return ctx.emitError(); });
  if (failed(shape))
    return failure();
  OpBuilder &b = ctx.builder();
  FailureOr<Value> y = ctx.finish1(PoolOp::create(
      b, ctx.loc(), typeOf(*x).clone(*shape), kind, *x, *kernel, strides, *pads,
      dilations, bool(*ceil),
      (kind == PoolKind::avg && *includePad),
      *p));
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  if (kind == PoolKind::max && ctx.hasOutput(1)) {
    FailureOr<Value> indices = buildMaxPoolIndices(ctx, *x, *kernel, strides, *pads, dilations,
                                                   *shape, *order == 1);
    if (failed(indices))
      return failure();
    ctx.setOutput(1, *indices);
  }
  return success();
}

LogicalResult importMaxPool(ImportContext &ctx) {
  return importPool(ctx, PoolKind::max);
}
LogicalResult importAveragePool(ImportContext &ctx) {
  return importPool(ctx, PoolKind::avg);
}
LogicalResult importLpPool(ImportContext &ctx) {
  return importPool(ctx, PoolKind::lp);
}

template <PoolKind Kind>
LogicalResult importGlobalPool(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  FailureOr<int64_t> p = ctx.intAttr("p", 2);
  if (failed(x) || failed(p))
    return failure();
  ArrayRef<int64_t> xs = typeOf(*x).getShape();
  if (xs.size() < 3)
    return ctx.emitError() << "expects an input of rank at least 3, got "
                           << formatShape(xs);
  Shape shape{xs[0], xs[1]};
  shape.append(xs.size() - 2, 1);
  FailureOr<Value> y = ctx.finish1(GlobalPoolOp::create(
      ctx.builder(), ctx.loc(), typeOf(*x).clone(shape), Kind, *x, *p));
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}

template <typename SoftmaxOpTy>
LogicalResult importSoftmax(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  if (failed(x))
    return failure();
  int64_t rank = typeOf(*x).getRank();
  bool legacy = ctx.opset() < 13;
  FailureOr<int64_t> axisAttr = ctx.intAttr("axis", legacy ? 1 : -1);
  if (failed(axisAttr))
    return failure();
  FailureOr<int64_t> axis = ctx.normalizeAxis(*axisAttr, rank);
  if (failed(axis))
    return failure();
  Value in = *x;
  ArrayRef<int64_t> shape = typeOf(*x).getShape();
  bool flatten = legacy && *axis != rank - 1;
  if (flatten) {
    // Before opset 13 the input is flattened to 2-D at `axis`.
    int64_t outer = numElements(shape.take_front(*axis));
    int64_t inner = numElements(shape.drop_front(*axis));
    if (ShapedType::isDynamic(inner))
      return ctx.unsupported("opset < 13 Softmax over dynamic dimensions");
    FailureOr<Value> r = ctx.reshape(in, {outer, inner});
    if (failed(r))
      return failure();
    in = *r;
  }
  int64_t opAxis = flatten ? 1 : *axis;
  FailureOr<Value> y = ctx.finish1(
      SoftmaxOpTy::create(ctx.builder(), ctx.loc(), in.getType(), in, opAxis));
  if (failed(y))
    return failure();
  if (flatten) {
    y = ctx.reshape(*y, shape);
    if (failed(y))
      return failure();
  }
  ctx.setOutput(0, *y);
  return success();
}

LogicalResult importLayerNorm(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0), scale = ctx.input(1);
  FailureOr<Value> bias = ctx.optionalInput(2);
  FailureOr<int64_t> axisAttr = ctx.intAttr("axis", -1);
  FailureOr<float> eps = ctx.floatAttr("epsilon", 1e-5f);
  FailureOr<int64_t> stash = ctx.intAttr("stash_type", 1);
  if (failed(x) || failed(scale) || failed(bias) || failed(axisAttr) ||
      failed(eps) || failed(stash))
    return failure();
  FailureOr<int64_t> axis = ctx.normalizeAxis(*axisAttr, typeOf(*x).getRank());
  if (failed(axis))
    return failure();
  FailureOr<Value> y = ctx.finish1(LayerNormOp::create(
      ctx.builder(), ctx.loc(), x->getType(), *x, *scale, *bias, *axis,
      llvm::APFloat(static_cast<float>(*eps))));
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  if (!ctx.hasOutput(1) && !ctx.hasOutput(2))
    return success();
  // The optional statistics: mean and 1 / sqrt(var + epsilon) with the
  // normalized dimensions kept as 1.
  SmallVector<int64_t> axes;
  for (int64_t i = *axis; i < typeOf(*x).getRank(); ++i)
    axes.push_back(i);
  Type et = typeOf(*x).getElementType();
  FailureOr<Value> mean = ctx.reduce(ReduceKind::mean, *x, axes, true);
  if (failed(mean))
    return failure();
  FailureOr<Value> centered = ctx.binary(BinaryKind::sub, *x, *mean);
  if (failed(centered))
    return failure();
  FailureOr<Value> sq = ctx.binary(BinaryKind::mul, *centered, *centered);
  if (failed(sq))
    return failure();
  FailureOr<Value> var = ctx.reduce(ReduceKind::mean, *sq, axes, true);
  if (failed(var))
    return failure();
  var = ctx.binary(BinaryKind::add, *var, ctx.scalar(et, *eps));
  if (failed(var))
    return failure();
  FailureOr<Value> inv = ctx.unary(UnaryKind::sqrt, *var);
  if (failed(inv))
    return failure();
  inv = ctx.unary(UnaryKind::reciprocal, *inv);
  if (failed(inv))
    return failure();
  ctx.setOutput(1, *mean);
  ctx.setOutput(2, *inv);
  return success();
}

LogicalResult importBatchNorm(ImportContext &ctx) {
  SmallVector<Value> in;
  for (unsigned i = 0; i < 5; ++i) {
    FailureOr<Value> v = ctx.input(i);
    if (failed(v))
      return failure();
    in.push_back(*v);
  }
  FailureOr<float> eps = ctx.floatAttr("epsilon", 1e-5f);
  FailureOr<int64_t> training = ctx.intAttr("training_mode", 0);
  FailureOr<int64_t> spatial = ctx.intAttr("spatial", 1);
  if (failed(eps) || failed(training) || failed(spatial))
    return failure();
  if (*training || ctx.hasOutput(1) || ctx.hasOutput(2))
    return ctx.unsupported("training-mode BatchNormalization");
  if (!*spatial)
    return ctx.unsupported("BatchNormalization with spatial=0");
  FailureOr<Value> y = ctx.finish1(BatchNormOp::create(
      ctx.builder(), ctx.loc(), in[0].getType(), in[0], in[1], in[2], in[3],
      in[4], llvm::APFloat(static_cast<float>(*eps))));
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}

/// InstanceNormalization = layer_norm over the spatial dimensions, then a
/// per-channel scale and bias.
LogicalResult importInstanceNorm(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0), scale = ctx.input(1), bias = ctx.input(2);
  FailureOr<float> eps = ctx.floatAttr("epsilon", 1e-5f);
  if (failed(x) || failed(scale) || failed(bias) || failed(eps))
    return failure();
  RankedTensorType t = typeOf(*x);
  if (t.getRank() < 3)
    return ctx.emitError() << "expects an input of rank at least 3, got "
                           << formatShape(t.getShape());
  reference::Tensor one(t.getElementType(), {1});
  one.setDouble(0, 1.0);
  FailureOr<Value> normed = ctx.finish1(LayerNormOp::create(
      ctx.builder(), ctx.loc(), t, *x, ctx.constant(one), Value(), 2,
      llvm::APFloat(static_cast<float>(*eps))));
  if (failed(normed))
    return failure();
  int64_t channels = t.getDimSize(1);
  for (Value v : {*scale, *bias})
    if (typeOf(v).getRank() != 1 ||
        (!ShapedType::isDynamic(channels) &&
         typeOf(v).getDimSize(0) != channels))
      return ctx.emitError() << "expects scale and bias of shape ["
                             << channels << "], got "
                             << formatShape(typeOf(v).getShape());
  // [C] -> [C, 1, ...] to broadcast over spatial dimensions.
  Shape perChannel{channels};
  perChannel.append(t.getRank() - 2, 1);
  FailureOr<Value> s = ctx.reshape(*scale, perChannel);
  FailureOr<Value> bv = ctx.reshape(*bias, perChannel);
  if (failed(s) || failed(bv))
    return failure();
  FailureOr<Value> y = ctx.binary(BinaryKind::mul, *normed, *s);
  if (failed(y))
    return failure();
  y = ctx.binary(BinaryKind::add, *y, *bv);
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}

/// LRN: x / (bias + alpha / size * sum of squares over a channel window) ^
/// beta. The window sum is an average pool over channels, done on a
/// [N, 1, C, H*W] view.
LogicalResult importLRN(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  FailureOr<float> alpha = ctx.floatAttr("alpha", 1e-4f);
  FailureOr<float> beta = ctx.floatAttr("beta", 0.75f);
  FailureOr<float> bias = ctx.floatAttr("bias", 1.0f);
  FailureOr<int64_t> size = ctx.intAttr("size", std::nullopt);
  if (failed(x) || failed(alpha) || failed(beta) || failed(bias) ||
      failed(size))
    return failure();
  RankedTensorType t = typeOf(*x);
  if (!t.hasStaticShape() || t.getRank() < 3)
    return ctx.unsupported("LRN on a dynamic or low-rank input");
  if (*size < 1 || *size > kMaxWindowValue)
    return ctx.emitError() << "expects a size in [1, " << kMaxWindowValue
                           << "], got " << *size;
  ArrayRef<int64_t> s = t.getShape();
  int64_t rest = numElements(s.drop_front(2));
  FailureOr<Value> sq = ctx.binary(BinaryKind::mul, *x, *x);
  if (failed(sq))
    return failure();
  FailureOr<Value> view = ctx.reshape(*sq, {s[0], 1, s[1], rest});
  if (failed(view))
    return failure();
  int64_t before = (*size - 1) / 2, after = *size - 1 - before;
  SmallVector<int64_t> kernel{*size, 1}, strides{1, 1}, dil{1, 1},
      pads{before, 0, after, 0};
  OpBuilder &b = ctx.builder();
  FailureOr<Value> sum = ctx.finish1(PoolOp::create(
      b, ctx.loc(), typeOf(*view), PoolKind::avg, *view, kernel, strides, pads,
      dil, false, true, 2));
  if (failed(sum))
    return failure();
  // avg * size = sum; scale by alpha / size.
  FailureOr<Value> scaled = ctx.binary(
      BinaryKind::mul, *sum, ctx.scalar(t.getElementType(), *alpha));
  if (failed(scaled))
    return failure();
  scaled = ctx.binary(BinaryKind::add, *scaled,
                      ctx.scalar(t.getElementType(), *bias));
  if (failed(scaled))
    return failure();
  scaled = ctx.binary(BinaryKind::pow, *scaled,
                      ctx.scalar(t.getElementType(), *beta));
  if (failed(scaled))
    return failure();
  FailureOr<Value> back = ctx.reshape(*scaled, s);
  if (failed(back))
    return failure();
  FailureOr<Value> y = ctx.binary(BinaryKind::div, *x, *back);
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}
} // namespace

void mlir::infer::frontend::registerNNImporters(ImporterMap &m) {
  m["Conv"] = importConv;
  m["ConvTranspose"] = importConvTranspose;
  m["MatMul"] = importMatMul;
  m["Gemm"] = importGemm;
  m["MaxPool"] = importMaxPool;
  m["AveragePool"] = importAveragePool;
  m["LpPool"] = importLpPool;
  m["GlobalAveragePool"] = importGlobalPool<PoolKind::avg>;
  m["GlobalMaxPool"] = importGlobalPool<PoolKind::max>;
  m["GlobalLpPool"] = importGlobalPool<PoolKind::lp>;
  m["Softmax"] = importSoftmax<SoftmaxOp>;
  m["LogSoftmax"] = importSoftmax<LogSoftmaxOp>;
  m["LayerNormalization"] = importLayerNorm;
  m["BatchNormalization"] = importBatchNorm;
  m["InstanceNormalization"] = importInstanceNorm;
  m["LRN"] = importLRN;
}
