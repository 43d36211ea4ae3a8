//===- ImportDetection.cpp - ONNX RoiAlign -----------------------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// RoiAlign as onnxruntime and ONNX's reference compute it: each region's
// bins sampled on a sampling_ratio x sampling_ratio grid, each sample read
// bilinearly from the four pixels around it (samples outside [-1, size]
// read 0), then averaged or maxed (max takes the largest weighted corner,
// as onnxruntime does). The regions and their batch indices are run-time
// tensors; the samples are GatherElements of the region's image.
//
//===----------------------------------------------------------------------===//

#include "frontend/ImportContext.h"

#include <onnx/onnx_pb.h>

#include <cmath>

using namespace mlir;
using namespace mlir::infer;
using namespace mlir::infer::frontend;

namespace {
RankedTensorType typeOf(Value v) { return llvm::cast<RankedTensorType>(v.getType()); }

/// Helpers over one element type.
struct Arith {
  ImportContext &ctx;
  Type et;
  Value k(double v) { return ctx.scalar(et, v); }
  FailureOr<Value> bin(BinaryKind kind, FailureOr<Value> a, FailureOr<Value> b) {
    if (failed(a) || failed(b))
      return failure();
    return ctx.binary(kind, *a, *b);
  }
  FailureOr<Value> where(FailureOr<Value> c, FailureOr<Value> a, FailureOr<Value> b) {
    if (failed(c) || failed(a) || failed(b))
      return failure();
    return ctx.where(*c, *a, *b);
  }
};

/// A [1, bins * grid] constant: bin + (sample + 0.5) / grid per sample.
Value sampleOffsets(ImportContext &ctx, Type et, int64_t bins, int64_t grid) {
  reference::Tensor t(et, {1, bins * grid});
  for (int64_t b = 0; b < bins; ++b)
    for (int64_t s = 0; s < grid; ++s)
      t.setDouble(b * grid + s, b + (s + 0.5) / grid);
  return ctx.constant(t);
}

/// One axis of the samples: for start [R, 1], bin size [R, 1] and `size`
/// pixels, the low and high pixel, the weights of each and whether the
/// sample is inside, each [R, bins * grid].
struct AxisSamples {
  Value low, high, wLow, wHigh, inside;
};

FailureOr<AxisSamples> axisSamples(Arith &a, Value start, Value bin, int64_t bins,
                                   int64_t grid, int64_t size) {
  ImportContext &ctx = a.ctx;
  FailureOr<Value> pos =
      a.bin(BinaryKind::add, start,
            a.bin(BinaryKind::mul, bin, sampleOffsets(ctx, a.et, bins, grid)));
  FailureOr<Value> inside =
      a.bin(BinaryKind::and_, a.bin(BinaryKind::greater_equal, pos, a.k(-1.0)),
            a.bin(BinaryKind::less_equal, pos, a.k(double(size))));
  FailureOr<Value> p = a.bin(BinaryKind::max, pos, a.k(0.0));
  if (failed(p) || failed(inside))
    return failure();
  FailureOr<Value> low = ctx.unary(UnaryKind::floor, *p);
  FailureOr<Value> atEdge = a.bin(BinaryKind::greater_equal, low, a.k(size - 1.0));
  FailureOr<Value> lowC = a.where(atEdge, a.k(size - 1.0), low);
  FailureOr<Value> high = a.where(atEdge, a.k(size - 1.0), a.bin(BinaryKind::add, lowC, a.k(1.0)));
  FailureOr<Value> pc = a.where(atEdge, lowC, p);
  FailureOr<Value> wHigh = a.bin(BinaryKind::sub, pc, lowC);
  FailureOr<Value> wLow = a.bin(BinaryKind::sub, a.k(1.0), wHigh);
  if (failed(lowC) || failed(high) || failed(wHigh) || failed(wLow))
    return failure();
  return AxisSamples{*lowC, *high, *wLow, *wHigh, *inside};
}

/// RoiAlign of `rois` [R, 4] (float) over `image` [R, C, H*W] (each
/// region's image gathered already) with a fixed sampling grid.
FailureOr<Value> alignRegions(ImportContext &ctx, Value image, Value rois, int64_t h, int64_t w,
                              int64_t oh, int64_t ow, int64_t gh, int64_t gw, double scale,
                              bool halfPixel, bool maxMode) {
  RankedTensorType it = typeOf(image);
  Type et = it.getElementType();
  int64_t r = it.getDimSize(0), c = it.getDimSize(1);
  Arith a{ctx, et};
  auto column = [&](int64_t i) -> FailureOr<Value> {
    FailureOr<Value> v = ctx.sliceAxis(rois, 1, i, i + 1, 1);
    v = a.bin(BinaryKind::mul, v, a.k(scale));
    if (halfPixel)
      v = a.bin(BinaryKind::sub, v, a.k(0.5));
    return v;
  };
  FailureOr<Value> x1 = column(0), y1 = column(1), x2 = column(2), y2 = column(3);
  FailureOr<Value> rw = a.bin(BinaryKind::sub, x2, x1), rh = a.bin(BinaryKind::sub, y2, y1);
  if (!halfPixel) {
    rw = a.bin(BinaryKind::max, rw, a.k(1.0));
    rh = a.bin(BinaryKind::max, rh, a.k(1.0));
  }
  FailureOr<Value> bw = a.bin(BinaryKind::div, rw, a.k(double(ow))),
                   bh = a.bin(BinaryKind::div, rh, a.k(double(oh)));
  if (failed(x1) || failed(y1) || failed(bw) || failed(bh))
    return failure();
  FailureOr<AxisSamples> ys = axisSamples(a, *y1, *bh, oh, gh, h);
  FailureOr<AxisSamples> xs = axisSamples(a, *x1, *bw, ow, gw, w);
  if (failed(ys) || failed(xs))
    return failure();
  int64_t ny = oh * gh, nx = ow * gw;
  // [R, ny, 1] and [R, 1, nx] combined into [R, ny, nx] grids.
  auto rowsOf = [&](Value v) { return ctx.reshape(v, {r, ny, 1}); };
  auto colsOf = [&](Value v) { return ctx.reshape(v, {r, 1, nx}); };
  FailureOr<Value> insideY = rowsOf(ys->inside), insideX = colsOf(xs->inside);
  FailureOr<Value> inside = a.bin(BinaryKind::and_, insideY, insideX);
  if (failed(inside))
    return failure();
  Value zero = a.k(0.0);
  Type i64 = ctx.builder().getI64Type();
  FailureOr<Value> acc;
  for (int corner = 0; corner < 4; ++corner) {
    bool hiY = corner >= 2, hiX = corner % 2 == 1;
    FailureOr<Value> py = rowsOf(hiY ? ys->high : ys->low), px = colsOf(hiX ? xs->high : xs->low);
    FailureOr<Value> wy = rowsOf(hiY ? ys->wHigh : ys->wLow),
                     wx = colsOf(hiX ? xs->wHigh : xs->wLow);
    // Pixel positions in i64: a 16-bit float would round them.
    if (failed(py) || failed(px) || failed(py = ctx.cast(*py, i64)) ||
        failed(px = ctx.cast(*px, i64)))
      return failure();
    FailureOr<Value> row = ctx.binary(BinaryKind::mul, *py, ctx.scalar(i64, double(w)));
    FailureOr<Value> pos = failed(row) ? row : ctx.binary(BinaryKind::add, *row, *px);
    FailureOr<Value> weight = a.where(inside, a.bin(BinaryKind::mul, wy, wx), zero);
    if (failed(pos) || failed(weight) || failed(pos = ctx.reshape(*pos, {r, 1, ny * nx})) ||
        failed(pos = ctx.expand(*pos, {r, c, ny * nx})) ||
        failed(weight = ctx.reshape(*weight, {r, 1, ny * nx})))
      return failure();
    FailureOr<Value> v = ctx.finish1(GatherElementsOp::create(
        ctx.builder(), ctx.loc(), it.clone(SmallVector<int64_t>{r, c, ny * nx}), image, *pos, 2));
    v = a.bin(BinaryKind::mul, v, weight);
    acc = corner == 0 ? v : a.bin(maxMode ? BinaryKind::max : BinaryKind::add, acc, v);
    if (failed(acc))
      return failure();
  }
  FailureOr<Value> grid = ctx.reshape(*acc, {r, c, oh, gh, ow, gw});
  if (failed(grid))
    return failure();
  if (maxMode)
    return ctx.reduce(ReduceKind::max, *grid, {3, 5}, false);
  FailureOr<Value> sum = ctx.reduce(ReduceKind::sum, *grid, {3, 5}, false);
  return a.bin(BinaryKind::div, sum, a.k(double(std::max<int64_t>(gh * gw, 1))));
}

LogicalResult importRoiAlign(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0), rois = ctx.input(1), batch = ctx.input(2);
  FailureOr<std::string> mode = ctx.stringAttr("mode", "avg");
  FailureOr<std::string> ctm = ctx.stringAttr(
      "coordinate_transformation_mode", ctx.opset() >= 16 ? "half_pixel" : "output_half_pixel");
  FailureOr<int64_t> oh = ctx.intAttr("output_height", 1), ow = ctx.intAttr("output_width", 1),
                     ratio = ctx.intAttr("sampling_ratio", 0);
  FailureOr<float> scale = ctx.floatAttr("spatial_scale", 1.0f);
  if (failed(x) || failed(rois) || failed(batch) || failed(mode) || failed(ctm) || failed(oh) ||
      failed(ow) || failed(ratio) || failed(scale))
    return failure();
  if (*mode != "avg" && *mode != "max")
    return ctx.emitError() << "mode '" << *mode << "' is not avg or max";
  if (*ctm != "half_pixel" && *ctm != "output_half_pixel")
    return ctx.emitError() << "coordinate_transformation_mode '" << *ctm
                           << "' is not half_pixel or output_half_pixel";
  RankedTensorType xt = typeOf(*x), rt = typeOf(*rois), bt = typeOf(*batch);
  if (xt.getRank() != 4 || !xt.hasStaticShape() || !rt.hasStaticShape() ||
      !bt.hasStaticShape())
    return ctx.unsupported("RoiAlign other than of a static 4-D input and static regions");
  if (rt.getRank() != 2 || rt.getDimSize(1) != 4 || bt.getRank() != 1 ||
      bt.getDimSize(0) != rt.getDimSize(0))
    return ctx.emitError() << "expects rois [R, 4] and batch_indices [R], got "
                           << formatShape(rt.getShape()) << " and "
                           << formatShape(bt.getShape());
  if (rt.getElementType() != xt.getElementType() || !llvm::isa<FloatType>(xt.getElementType()))
    return ctx.emitError() << "expects X and rois of one float type";
  if (*oh < 1 || *ow < 1 || *oh > (1 << 16) || *ow > (1 << 16) || *ratio < 0 ||
      *ratio > (1 << 10))
    return ctx.emitError() << "output " << *oh << "x" << *ow << " or sampling_ratio " << *ratio
                           << " is out of range";
  int64_t n = xt.getDimSize(0), c = xt.getDimSize(1), h = xt.getDimSize(2),
          w = xt.getDimSize(3), r = rt.getDimSize(0);
  bool halfPixel = *ctm == "half_pixel", maxMode = *mode == "max";
  // Each region's image: [R, C, H*W].
  FailureOr<Value> flat = ctx.reshape(*x, {n, c, h * w});
  FailureOr<Value> bi = ctx.cast(*batch, ctx.builder().getI64Type());
  if (failed(flat) || failed(bi))
    return failure();
  FailureOr<Value> image = ctx.finish1(GatherOp::create(
      ctx.builder(), ctx.loc(), xt.clone(SmallVector<int64_t>{r, c, h * w}), *flat, *bi, 0));
  if (failed(image))
    return failure();
  if (*ratio > 0) {
    FailureOr<Value> y = alignRegions(ctx, *image, *rois, h, w, *oh, *ow, *ratio, *ratio, *scale,
                                      halfPixel, maxMode);
    if (failed(y))
      return failure();
    ctx.setOutput(0, *y);
    return success();
  }
  // sampling_ratio 0: each region's grid is ceil(its size / output size),
  // known only from constant regions; regions aligned one by one.
  const reference::Tensor *boxes = ctx.constantInput(1);
  if (!boxes)
    return ctx.unsupported("sampling_ratio 0 (adaptive) with regions known only at run time");
  SmallVector<Value> parts;
  for (int64_t i = 0; i < r; ++i) {
    double off = halfPixel ? 0.5 : 0.0;
    double rw = boxes->getDouble(i * 4 + 2) * *scale - off - (boxes->getDouble(i * 4) * *scale - off);
    double rh =
        boxes->getDouble(i * 4 + 3) * *scale - off - (boxes->getDouble(i * 4 + 1) * *scale - off);
    if (!halfPixel) {
      rw = std::max(rw, 1.0);
      rh = std::max(rh, 1.0);
    }
    int64_t gh = static_cast<int64_t>(std::ceil(rh / *oh)),
            gw = static_cast<int64_t>(std::ceil(rw / *ow));
    if (gh < 0 || gw < 0 || gh > (1 << 10) || gw > (1 << 10))
      return ctx.emitError() << "region " << i << " needs a sampling grid of " << gh << "x" << gw;
    FailureOr<Value> img = ctx.sliceAxis(*image, 0, i, i + 1, 1),
                     box = ctx.sliceAxis(*rois, 0, i, i + 1, 1);
    if (failed(img) || failed(box))
      return failure();
    FailureOr<Value> y;
    if (gh == 0 || gw == 0)
      y = ctx.splat(xt.clone(SmallVector<int64_t>{1, c, *oh, *ow}), 0.0);
    else
      y = alignRegions(ctx, *img, *box, h, w, *oh, *ow, gh, gw, *scale, halfPixel, maxMode);
    if (failed(y))
      return failure();
    parts.push_back(*y);
  }
  FailureOr<Value> y = parts.size() == 1 ? FailureOr<Value>(parts[0]) : ctx.concat(parts, 0);
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}
} // namespace

void mlir::infer::frontend::registerDetectionImporters(ImporterMap &m) {
  m["RoiAlign"] = importRoiAlign;
}
