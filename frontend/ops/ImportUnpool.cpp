//===- ImportUnpool.cpp - MaxPool's Indices output and MaxUnpool ----------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// MaxPool's second output and MaxUnpool, built from gathers over tables the
// importer computes from the static window geometry:
//  - Indices: each window's taps gathered into [N*C, O, K], the first
//    maximum's tap (arg_reduce) mapped to its flat position in the input
//    tensor (row-major, or column-major over the spatial dimensions with
//    storage_order=1), as onnxruntime reports it;
//  - MaxUnpool: each output position reads the pooled elements of the
//    windows that cover it and keeps the one whose index names it, so no
//    scatter is needed (a MaxUnpool undoes a MaxPool of the same geometry
//    over a tensor of the output's shape, which is what the indices mean).
//
//===----------------------------------------------------------------------===//

#include "frontend/ImportContext.h"
#include "ir/ConstantView.h"

#include <onnx/onnx_pb.h>

using namespace mlir;
using namespace mlir::infer;
using namespace mlir::infer::frontend;

namespace {
RankedTensorType typeOf(Value v) { return llvm::cast<RankedTensorType>(v.getType()); }

int64_t product(ArrayRef<int64_t> v) {
  int64_t p = 1;
  for (int64_t x : v)
    p *= x;
  return p;
}

/// Row-major coordinates of flat index `i` over `dims`.
SmallVector<int64_t> unflatten(int64_t i, ArrayRef<int64_t> dims) {
  SmallVector<int64_t> c(dims.size());
  for (int64_t d = static_cast<int64_t>(dims.size()) - 1; d >= 0; --d) {
    c[d] = i % dims[d];
    i /= dims[d];
  }
  return c;
}

/// An i64 constant of `shape` holding `data`.
Value i64Table(ImportContext &ctx, ArrayRef<int64_t> shape, ArrayRef<int64_t> data,
               StringRef name) {
  ConstantBuilder cb(RankedTensorType::get(shape, ctx.builder().getI64Type()));
  for (auto [i, v] : llvm::enumerate(data))
    cb.setInt(i, v);
  return ConstantOp::create(ctx.builder(), ctx.loc(), cb.finish(name));
}

/// [rows, 1] i64: row r holds r * scale.
Value rowOffsets(ImportContext &ctx, int64_t rows, int64_t scale) {
  SmallVector<int64_t> v(rows);
  for (int64_t r = 0; r < rows; ++r)
    v[r] = r * scale;
  return i64Table(ctx, {rows, 1}, v, "plane_offsets");
}

FailureOr<Value> gatherAxis(ImportContext &ctx, Value x, Value idx, int64_t axis) {
  RankedTensorType xt = typeOf(x);
  SmallVector<int64_t> shape(xt.getShape().take_front(axis));
  llvm::append_range(shape, typeOf(idx).getShape());
  llvm::append_range(shape, xt.getShape().drop_front(axis + 1));
  return ctx.finish1(GatherOp::create(ctx.builder(), ctx.loc(), xt.clone(shape), x, idx, axis));
}

LogicalResult readUnpoolWindow(ImportContext &ctx, size_t n, SmallVector<int64_t> &kernel,
                               SmallVector<int64_t> &strides, SmallVector<int64_t> &pads) {
  FailureOr<SmallVector<int64_t>> k = ctx.intsAttr("kernel_shape", std::nullopt);
  if (failed(k))
    return failure();
  FailureOr<SmallVector<int64_t>> s = ctx.intsAttr("strides", SmallVector<int64_t>(n, 1));
  FailureOr<SmallVector<int64_t>> p = ctx.intsAttr("pads", SmallVector<int64_t>(2 * n, 0));
  if (failed(s) || failed(p))
    return failure();
  if (k->size() != n || s->size() != n || p->size() != 2 * n)
    return ctx.emitError() << "expects " << n << " kernel sizes and strides and " << 2 * n
                           << " pads, got " << k->size() << ", " << s->size() << " and "
                           << p->size();
  for (int64_t v : llvm::concat<const int64_t>(*k, *s))
    if (v < 1 || v > kMaxWindowValue)
      return ctx.emitError() << "expects kernel sizes and strides in [1, " << kMaxWindowValue
                             << "], got " << formatShape(*k) << " and " << formatShape(*s);
  for (int64_t v : *p)
    if (v < 0 || v > kMaxWindowValue)
      return ctx.emitError() << "pads " << formatShape(*p) << " are out of range";
  kernel = *k;
  strides = *s;
  pads = *p;
  return success();
}

/// MaxUnpool(X, I, output_shape?): zeros but at each index of I, where the
/// matching element of X goes.
LogicalResult importMaxUnpool(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0), idx = ctx.input(1);
  if (failed(x) || failed(idx))
    return failure();
  RankedTensorType xt = typeOf(*x), it = typeOf(*idx);
  if (!xt.hasStaticShape() || xt.getRank() < 3)
    return ctx.unsupported("MaxUnpool other than of a static input of rank 3 or more");
  if (it.getShape() != xt.getShape() || !it.getElementType().isInteger(64))
    return ctx.emitError() << "expects int64 indices shaped as the input "
                           << formatShape(xt.getShape()) << ", got "
                           << formatShape(it.getShape());
  ArrayRef<int64_t> xs = xt.getShape();
  size_t n = xs.size() - 2;
  SmallVector<int64_t> kernel, strides, pads;
  if (failed(readUnpoolWindow(ctx, n, kernel, strides, pads)))
    return failure();
  // The indices address the unpooled shape the window implies; a larger
  // output_shape extends it with zeros at the end of each dimension (as
  // onnxruntime and ONNX's reference do).
  SmallVector<int64_t> in(xs.drop_front(2)), out(n), target;
  for (size_t d = 0; d < n; ++d) {
    out[d] = (in[d] - 1) * strides[d] - pads[d] - pads[d + n] + kernel[d];
    if (out[d] < 1 || out[d] > (int64_t(1) << 31))
      return ctx.emitError() << "output size " << out[d] << " along spatial dimension " << d
                             << " is out of range";
  }
  target = out;
  if (ctx.hasInput(2)) {
    FailureOr<SmallVector<int64_t>> os = ctx.constantInts(2, "output_shape");
    if (failed(os))
      return failure();
    if (os->size() != xs.size() || (*os)[0] != xs[0] || (*os)[1] != xs[1])
      return ctx.emitError() << "output_shape " << formatShape(*os) << " does not fit input "
                             << formatShape(xs);
    target.assign(os->begin() + 2, os->end());
    for (size_t d = 0; d < n; ++d)
      if (target[d] < out[d] || target[d] > (int64_t(1) << 31))
        return ctx.emitError() << "output_shape " << formatShape(*os)
                               << " is smaller than the unpooled shape or out of range";
  }
  int64_t planes = xs[0] * xs[1], sin = product(in), sout = product(out);
  // Per output position, the windows covering it: candidate c of each
  // dimension is window j = first + c.
  SmallVector<int64_t> perDim(n);
  for (size_t d = 0; d < n; ++d)
    perDim[d] = (kernel[d] + strides[d] - 1) / strides[d];
  int64_t cands = product(perDim);
  if (failed(ctx.checkBuiltConstant({sout, cands})))
    return failure();
  // windows[c][p]: the pooled position; targets[c][p]: the index that
  // selects it (never matching when window c does not exist).
  constexpr int64_t kNever = -(int64_t(1) << 62);
  std::vector<std::vector<int64_t>> windows(cands, std::vector<int64_t>(sout, 0)),
      targets(cands, std::vector<int64_t>(sout, kNever));
  for (int64_t p = 0; p < sout; ++p) {
    SmallVector<int64_t> pc = unflatten(p, out);
    for (int64_t c = 0; c < cands; ++c) {
      SmallVector<int64_t> cc = unflatten(c, perDim);
      int64_t flat = 0;
      bool ok = true;
      for (size_t d = 0; d < n && ok; ++d) {
        // The first window whose span reaches pc[d]: j*s - pad + k - 1 >= pc[d].
        int64_t lo = pc[d] + pads[d] - kernel[d] + 1;
        int64_t first = lo <= 0 ? 0 : (lo + strides[d] - 1) / strides[d];
        int64_t j = first + cc[d];
        ok = j < in[d] && j * strides[d] - pads[d] <= pc[d];
        flat = flat * in[d] + j;
      }
      if (ok) {
        windows[c][p] = flat;
        targets[c][p] = p;
      }
    }
  }
  FailureOr<Value> xf = ctx.reshape(*x, {planes, sin}), inf = ctx.reshape(*idx, {planes, sin});
  if (failed(xf) || failed(inf))
    return failure();
  Value offsets = rowOffsets(ctx, planes, sout);
  Value y = ctx.splat(xt.clone(SmallVector<int64_t>{planes, sout}), 0.0);
  for (int64_t c = cands - 1; c >= 0; --c) {
    Value w = i64Table(ctx, {sout}, windows[c], "unpool_windows");
    Value t = i64Table(ctx, {1, sout}, targets[c], "unpool_targets");
    FailureOr<Value> v = gatherAxis(ctx, *xf, w, 1), i = gatherAxis(ctx, *inf, w, 1);
    FailureOr<Value> target = ctx.binary(BinaryKind::add, offsets, t);
    if (failed(v) || failed(i) || failed(target))
      return failure();
    FailureOr<Value> match = ctx.binary(BinaryKind::equal, *i, *target);
    FailureOr<Value> next = failed(match) ? match : ctx.where(*match, *v, y);
    if (failed(next))
      return failure();
    y = *next;
  }
  SmallVector<int64_t> shape = {xs[0], xs[1]};
  shape.append(out);
  FailureOr<Value> r = ctx.reshape(y, shape);
  if (failed(r))
    return failure();
  for (size_t d = 0; d < n; ++d) {
    if (target[d] == out[d])
      continue;
    SmallVector<int64_t> zeros(typeOf(*r).getShape());
    zeros[d + 2] = target[d] - out[d];
    if (failed(r = ctx.concat({*r, ctx.splat(xt.clone(zeros), 0.0)}, d + 2)))
      return failure();
  }
  ctx.setOutput(0, *r);
  return success();
}
} // namespace

FailureOr<Value> mlir::infer::frontend::buildMaxPoolIndices(
    ImportContext &ctx, Value x, ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
    ArrayRef<int64_t> pads, ArrayRef<int64_t> dilations, ArrayRef<int64_t> outShape,
    bool columnMajor) {
  RankedTensorType xt = typeOf(x);
  if (!xt.hasStaticShape() || !llvm::all_of(outShape, [](int64_t d) { return d >= 0; }))
    return ctx.unsupported("the Indices output of MaxPool over dynamic shapes");
  ArrayRef<int64_t> xs = xt.getShape();
  size_t n = xs.size() - 2;
  SmallVector<int64_t> in(xs.drop_front(2)), out(outShape.drop_front(2));
  int64_t planes = xs[0] * xs[1], sin = product(in), o = product(out), k = product(kernel);
  if (failed(ctx.checkBuiltConstant({o, k})))
    return failure();
  // taps[o][t]: the row-major input position tap t of window o reads (a
  // padding tap reads the window's first real tap, so it never wins a tie
  // the real one would not); reported[o][t]: that position as the Indices
  // output counts it.
  std::vector<int64_t> taps(o * k), reported(o * k);
  for (int64_t w = 0; w < o; ++w) {
    SmallVector<int64_t> wc = unflatten(w, out);
    int64_t firstTap = -1, firstReported = 0;
    for (int64_t t = 0; t < k; ++t) {
      SmallVector<int64_t> tc = unflatten(t, kernel);
      int64_t flat = 0, colFlat = 0, colScale = 1;
      bool inside = true;
      for (size_t d = 0; d < n; ++d) {
        int64_t c = wc[d] * strides[d] - pads[d] + tc[d] * dilations[d];
        inside = inside && c >= 0 && c < in[d];
        flat = flat * in[d] + c;
        colFlat += c * colScale;
        colScale *= in[d];
      }
      if (!inside) {
        taps[w * k + t] = -1;
        continue;
      }
      taps[w * k + t] = flat;
      reported[w * k + t] = columnMajor ? colFlat : flat;
      if (firstTap < 0) {
        firstTap = flat;
        firstReported = reported[w * k + t];
      }
    }
    if (firstTap < 0)
      return ctx.emitError() << "a pooling window reads padding only";
    for (int64_t t = 0; t < k; ++t)
      if (taps[w * k + t] < 0) {
        taps[w * k + t] = firstTap;
        reported[w * k + t] = firstReported;
      }
  }
  FailureOr<Value> xf = ctx.reshape(x, {planes, sin});
  if (failed(xf))
    return failure();
  FailureOr<Value> g = gatherAxis(ctx, *xf, i64Table(ctx, {o * k}, taps, "pool_taps"), 1);
  if (failed(g) || failed(g = ctx.reshape(*g, {planes, o, k})))
    return failure();
  OpBuilder &b = ctx.builder();
  FailureOr<Value> am = ctx.finish1(ArgReduceOp::create(
      b, ctx.loc(), RankedTensorType::get({planes, o, 1}, b.getI64Type()), ArgKind::max, *g, 2,
      true, false));
  if (failed(am))
    return failure();
  Value table = i64Table(ctx, {1, o, k}, reported, "pool_positions");
  FailureOr<Value> full = ctx.expand(table, {planes, o, k});
  if (failed(full))
    return failure();
  FailureOr<Value> pos = ctx.finish1(GatherElementsOp::create(
      b, ctx.loc(), RankedTensorType::get({planes, o, 1}, b.getI64Type()), *full, *am, 2));
  if (failed(pos) || failed(pos = ctx.reshape(*pos, {planes, o})))
    return failure();
  FailureOr<Value> idx = ctx.binary(BinaryKind::add, *pos, rowOffsets(ctx, planes, sin));
  if (failed(idx))
    return failure();
  return ctx.reshape(*idx, outShape);
}

void mlir::infer::frontend::registerUnpoolImporters(ImporterMap &m) {
  m["MaxUnpool"] = importMaxUnpool;
}
