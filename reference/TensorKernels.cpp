//===- TensorKernels.cpp - Reference data-movement kernels ----------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Reshape, transpose, concat, split, slice, gather, pad, resize and expand.
// Elements are copied in their storage (double or int64), so these kernels
// are exact for every element type.
//
//===----------------------------------------------------------------------===//

#include "reference/Kernels.h"

#include "ir/ShapeInference.h"
#include "ir/Sparse24.h"

#include <cmath>

using namespace mlir;
using namespace mlir::infer;
using namespace mlir::infer::reference;

namespace {
/// Copies element `from` of `src` into element `to` of `dst`.
inline void copyElement(const Tensor &src, int64_t from, Tensor &dst,
                        int64_t to) {
  if (dst.isFloat())
    dst.floats()[to] = src.floats()[from];
  else
    dst.ints()[to] = src.ints()[from];
}

/// Calls fn(outFlat, index) for every index of `shape` in row-major order.
void forEachIndex(ArrayRef<int64_t> shape,
                  llvm::function_ref<void(int64_t, ArrayRef<int64_t>)> fn) {
  int64_t total = numElements(shape);
  SmallVector<int64_t, 6> idx(shape.size(), 0);
  for (int64_t i = 0; i < total; ++i) {
    fn(i, idx);
    for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
      if (++idx[d] < shape[d])
        break;
      idx[d] = 0;
    }
  }
}

struct AxisView {
  int64_t outer = 1, n = 1, inner = 1;
  AxisView(ArrayRef<int64_t> shape, int64_t axis) {
    for (int64_t i = 0; i < axis; ++i)
      outer *= shape[i];
    n = shape[axis];
    for (size_t i = axis + 1; i < shape.size(); ++i)
      inner *= shape[i];
  }
};
} // namespace

LogicalResult mlir::infer::reference::runReshape(ReshapeOp op, Inputs in,
                                                 Outputs &out,
                                                 std::string &err) {
  const Tensor &x = *in[0];
  Shape shape(op.getOutput().getType().getShape());
  int64_t known = 1, dynamicAt = -1;
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (ShapedType::isDynamic(d))
      dynamicAt = i;
    else
      known *= d;
  }
  if (dynamicAt >= 0) {
    if (known == 0 || x.size() % known != 0) {
      err = "cannot reshape " + formatShape(x.getShape()) + " to " +
            formatShape(shape);
      return failure();
    }
    shape[dynamicAt] = x.size() / known;
  } else if (known != x.size()) {
    err = "cannot reshape " + formatShape(x.getShape()) + " to " +
          formatShape(shape);
    return failure();
  }
  out.push_back(x.reshaped(shape));
  return success();
}

LogicalResult mlir::infer::reference::runTranspose(TransposeOp op, Inputs in,
                                                   Outputs &out,
                                                   std::string &err) {
  out.push_back(in[0]->permuted(op.getPerm()));
  return success();
}

LogicalResult mlir::infer::reference::runConcat(ConcatOp op, Inputs in,
                                                Outputs &out,
                                                std::string &err) {
  SmallVector<ArrayRef<int64_t>> shapes;
  for (const Tensor *t : in)
    shapes.push_back(t->getShape());
  FailureOr<Shape> shape = inferConcatShape(shapes, op.getAxis(), nullptr);
  if (failed(shape)) {
    err = "concat inputs do not match";
    return failure();
  }
  Tensor y(in[0]->getElementType(), *shape);
  AxisView v(*shape, op.getAxis());
  int64_t offset = 0;
  for (const Tensor *t : in) {
    AxisView tv(t->getShape(), op.getAxis());
    for (int64_t o = 0; o < v.outer; ++o)
      for (int64_t j = 0; j < tv.n * tv.inner; ++j)
        copyElement(*t, o * tv.n * tv.inner + j, y,
                    o * v.n * v.inner + offset * v.inner + j);
    offset += tv.n;
  }
  out.push_back(std::move(y));
  return success();
}

LogicalResult mlir::infer::reference::runSplit(SplitOp op, Inputs in,
                                               Outputs &out, std::string &err) {
  const Tensor &x = *in[0];
  int64_t axis = op.getAxis();
  AxisView v(x.getShape(), axis);
  int64_t offset = 0, pieces = op.getOutputs().size();
  for (auto [i, result] : llvm::enumerate(op.getOutputs())) {
    Shape shape(x.getShape().begin(), x.getShape().end());
    int64_t size = llvm::cast<RankedTensorType>(result.getType()).getDimSize(axis);
    if (ShapedType::isDynamic(size))
      size = v.n / pieces;
    shape[axis] = size;
    if (offset + size > v.n) {
      err = "split sizes exceed the input's " + std::to_string(v.n);
      return failure();
    }
    Tensor y(x.getElementType(), shape);
    for (int64_t o = 0; o < v.outer; ++o)
      for (int64_t j = 0; j < size * v.inner; ++j)
        copyElement(x, o * v.n * v.inner + offset * v.inner + j, y,
                    o * size * v.inner + j);
    offset += size;
    out.push_back(std::move(y));
  }
  return success();
}

LogicalResult mlir::infer::reference::runSlice(SliceOp op, Inputs in,
                                               Outputs &out, std::string &err) {
  const Tensor &x = *in[0];
  ArrayRef<int64_t> s = x.getShape();
  SmallVector<int64_t> starts(op.getStarts()), ends(op.getEnds()),
      steps(op.getSteps());
  for (size_t i = 0; i < s.size(); ++i)
    if (ShapedType::isDynamic(ends[i]))
      ends[i] = s[i];
  FailureOr<Shape> shape = inferSliceShape(s, starts, ends, steps, nullptr);
  if (failed(shape)) {
    err = "slice bounds do not fit " + formatShape(s);
    return failure();
  }
  SmallVector<int64_t, 4> strides = stridesOf(s);
  Tensor y(x.getElementType(), *shape);
  forEachIndex(*shape, [&](int64_t i, ArrayRef<int64_t> idx) {
    int64_t src = 0;
    for (size_t d = 0; d < idx.size(); ++d)
      src += (starts[d] + idx[d] * steps[d]) * strides[d];
    copyElement(x, src, y, i);
  });
  out.push_back(std::move(y));
  return success();
}

LogicalResult mlir::infer::reference::runGather(GatherOp op, Inputs in,
                                                Outputs &out,
                                                std::string &err) {
  const Tensor &x = *in[0], &indices = *in[1];
  int64_t axis = op.getAxis();
  AxisView v(x.getShape(), axis);
  Shape shape =
      *inferGatherShape(x.getShape(), indices.getShape(), axis, nullptr);
  Tensor y(x.getElementType(), shape);
  int64_t ni = indices.size();
  for (int64_t j = 0; j < ni; ++j) {
    int64_t k = indices.ints()[j];
    if (k < -v.n || k >= v.n) {
      err = "gather index " + std::to_string(k) + " is out of range for axis " +
            "size " + std::to_string(v.n);
      return failure();
    }
    if (k < 0)
      k += v.n;
    for (int64_t o = 0; o < v.outer; ++o)
      for (int64_t i = 0; i < v.inner; ++i)
        copyElement(x, (o * v.n + k) * v.inner + i, y,
                    (o * ni + j) * v.inner + i);
  }
  out.push_back(std::move(y));
  return success();
}

LogicalResult mlir::infer::reference::runIm2Col(Im2ColOp op, Inputs in,
                                                Outputs &out, std::string &err) {
  const Tensor &x = *in[0];
  ArrayRef<int64_t> s = x.getShape();
  WindowGeometry window{op.getKernel(), op.getStrides(), op.getPads(),
                        op.getDilations()};
  FailureOr<Shape> shape = inferIm2ColShape(s, window, nullptr);
  if (failed(shape)) {
    err = "the im2col window does not fit the image";
    return failure();
  }
  int64_t n = s[0], h = s[1], w = s[2], c = s[3];
  int64_t kh = window.kernel[0], kw = window.kernel[1];
  int64_t taps = kh * kw, pixels = (*shape)[0] / std::max<int64_t>(n, 1);
  int64_t wo = op.getOutputSize(1);
  Tensor y(x.getElementType(), *shape);
  for (int64_t row = 0; row < (*shape)[0]; ++row) {
    int64_t img = row / pixels, p = row % pixels;
    int64_t oy = p / wo, ox = p % wo;
    for (int64_t t = 0; t < taps; ++t) {
      int64_t iy = oy * window.strides[0] + (t / kw) * window.dilations[0] - window.pads[0];
      int64_t ix = ox * window.strides[1] + (t % kw) * window.dilations[1] - window.pads[1];
      bool inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
      for (int64_t ch = 0; ch < c; ++ch) {
        int64_t dst = (row * taps + t) * c + ch;
        if (inside)
          copyElement(x, ((img * h + iy) * w + ix) * c + ch, y, dst);
        else
          y.setDouble(dst, 0.0);
      }
    }
  }
  out.push_back(std::move(y));
  return success();
}

LogicalResult mlir::infer::reference::runSparse24(Sparse24Op op, Inputs in,
                                                  Outputs &out, std::string &err) {
  const Tensor &values = *in[0], &meta = *in[1];
  int64_t m = values.getShape()[0], half = values.getShape()[1];
  Tensor y(values.getElementType(), {m, 2 * half});
  for (int64_t r = 0; r < m; ++r)
    for (int64_t g = 0; g < half / 2; ++g) {
      unsigned word = static_cast<uint16_t>(meta.getInt(r * (half / 8) + g / 4));
      unsigned code = sparse24CodeOf(word, g % 4);
      if (!isSparse24Code(code)) {
        err = "metadata code " + std::to_string(code) + " of row " +
              std::to_string(r) + ", group " + std::to_string(g) +
              " does not name two increasing positions";
        return failure();
      }
      for (int64_t j = 0; j < 4; ++j)
        y.setDouble(r * 2 * half + 4 * g + j, 0.0);
      copyElement(values, r * half + 2 * g, y, r * 2 * half + 4 * g + (code & 3));
      copyElement(values, r * half + 2 * g + 1, y, r * 2 * half + 4 * g + (code >> 2));
    }
  out.push_back(std::move(y));
  return success();
}

LogicalResult mlir::infer::reference::runGatherElements(GatherElementsOp op,
                                                        Inputs in, Outputs &out,
                                                        std::string &err) {
  const Tensor &x = *in[0], &indices = *in[1];
  int64_t axis = op.getAxis(), n = x.getShape()[axis];
  SmallVector<int64_t, 4> strides = stridesOf(x.getShape());
  Tensor y(x.getElementType(), indices.getShape());
  bool ok = true;
  forEachIndex(indices.getShape(), [&](int64_t i, ArrayRef<int64_t> idx) {
    int64_t k = indices.ints()[i];
    if (k < -n || k >= n) {
      ok = false;
      return;
    }
    if (k < 0)
      k += n;
    int64_t src = 0;
    for (size_t d = 0; d < idx.size(); ++d)
      src += (static_cast<int64_t>(d) == axis ? k : idx[d]) * strides[d];
    copyElement(x, src, y, i);
  });
  if (!ok) {
    err = "gather_elements index out of range for axis size " +
          std::to_string(n);
    return failure();
  }
  out.push_back(std::move(y));
  return success();
}

LogicalResult mlir::infer::reference::runPad(PadOp op, Inputs in, Outputs &out,
                                             std::string &err) {
  const Tensor &x = *in[0];
  ArrayRef<int64_t> s = x.getShape(), pads = op.getPads();
  FailureOr<Shape> shape = inferPadShape(s, pads, nullptr);
  if (failed(shape)) {
    err = "pads crop below zero";
    return failure();
  }
  size_t rank = s.size();
  SmallVector<int64_t, 4> strides = stridesOf(s);
  Tensor y(x.getElementType(), *shape);
  PadMode mode = op.getMode();
  double value = op.getValue().convertToDouble();
  bool emptyInput = x.size() == 0;
  forEachIndex(*shape, [&](int64_t i, ArrayRef<int64_t> idx) {
    int64_t src = 0;
    bool outside = false;
    for (size_t d = 0; d < rank; ++d) {
      int64_t j = idx[d] - pads[d], n = s[d];
      if (j < 0 || j >= n) {
        if (mode == PadMode::constant || n == 0) {
          outside = true;
          break;
        }
        if (mode == PadMode::edge) {
          j = j < 0 ? 0 : n - 1;
        } else if (mode == PadMode::wrap) {
          j = ((j % n) + n) % n;
        } else { // reflect
          int64_t period = 2 * (n - 1);
          if (period == 0) {
            j = 0;
          } else {
            j = ((j % period) + period) % period;
            if (j >= n)
              j = period - j;
          }
        }
      }
      src += j * strides[d];
    }
    if (outside || emptyInput)
      y.setDouble(i, value);
    else
      copyElement(x, src, y, i);
  });
  out.push_back(std::move(y));
  return success();
}

namespace {
/// The taps of one output coordinate along one dimension of a resize.
struct Taps {
  SmallVector<int64_t, 4> index;
  SmallVector<double, 4> weight;
};

/// Follows the ONNX reference: the coordinate in the input, the n nearest
/// input positions (ties to the lower one) and their coefficients, with
/// edge clamping and optional exclusion of outside taps.
Taps resizeTaps(ResizeOp op, int64_t x, int64_t inLen, int64_t outLenInt, double scale) {
  double outLen = scale * static_cast<double>(inLen);
  double xo = 0;
  switch (op.getCoordinateMode()) {
  case CoordinateMode::half_pixel: xo = (x + 0.5) / scale - 0.5; break;
  case CoordinateMode::pytorch_half_pixel:
    xo = outLen == 1 ? -0.5 : (x + 0.5) / scale - 0.5;
    break;
  case CoordinateMode::align_corners:
    xo = outLen == 1 ? 0 : x * (inLen - 1) / (outLen - 1);
    break;
  case CoordinateMode::asymmetric: xo = x / scale; break;
  case CoordinateMode::half_pixel_symmetric: {
    // The output's whole length over its exact one.
    double adjustment = static_cast<double>(outLenInt) / (scale * inLen);
    double center = inLen / 2.0;
    double offset = center * (1 - adjustment);
    xo = offset + (x + 0.5) / scale - 0.5;
    break;
  }
  case CoordinateMode::tf_half_pixel_for_nn: xo = (x + 0.5) / scale; break;
  case CoordinateMode::tf_crop_and_resize: xo = x / scale; break;
  }
  double fl = std::floor(xo);
  double ratio = xo == fl ? 1.0 : xo - fl;
  SmallVector<double, 4> coeffs;
  switch (op.getMode()) {
  case ResizeMode::nearest: {
    bool integral = xo == fl;
    double lo = 0, hi = 1;
    if (!integral) {
      switch (op.getNearestMode()) {
      case NearestMode::round_prefer_floor: lo = ratio <= 0.5; hi = ratio > 0.5; break;
      case NearestMode::round_prefer_ceil: lo = ratio < 0.5; hi = ratio >= 0.5; break;
      case NearestMode::floor: lo = 1; hi = 0; break;
      case NearestMode::ceil: lo = 0; hi = 1; break;
      }
    }
    coeffs = {lo, hi};
    break;
  }
  case ResizeMode::linear: coeffs = {1 - ratio, ratio}; break;
  case ResizeMode::cubic: {
    double A = op.getCubicCoeffA().convertToDouble(), r = ratio, q = 1 - r;
    coeffs = {((A * (r + 1) - 5 * A) * (r + 1) + 8 * A) * (r + 1) - 4 * A,
              ((A + 2) * r - (A + 3)) * r * r + 1,
              ((A + 2) * q - (A + 3)) * q * q + 1,
              ((A * (q + 1) - 5 * A) * (q + 1) + 8 * A) * (q + 1) - 4 * A};
    break;
  }
  }
  int64_t n = coeffs.size();
  // The n positions nearest to xo, ties to the lower index, ascending.
  int64_t first;
  if (n == 2)
    first = xo == fl ? static_cast<int64_t>(fl) - 1 : static_cast<int64_t>(fl);
  else
    first = xo == fl ? static_cast<int64_t>(fl) - 2 : static_cast<int64_t>(fl) - 1;
  Taps taps;
  double total = 0;
  for (int64_t k = 0; k < n; ++k) {
    int64_t idx = first + k;
    double w = coeffs[k];
    if (op.getExcludeOutside() && (idx < 0 || idx >= inLen))
      w = 0;
    total += w;
    taps.index.push_back(std::min(std::max<int64_t>(idx, 0), inLen - 1));
    taps.weight.push_back(w);
  }
  if (op.getExcludeOutside() && total != 0)
    for (double &w : taps.weight)
      w /= total;
  return taps;
}
} // namespace

LogicalResult mlir::infer::reference::runResize(ResizeOp op, Inputs in,
                                                Outputs &out,
                                                std::string &err) {
  const Tensor &x = *in[0];
  ArrayRef<int64_t> s = x.getShape();
  ArrayRef<float> scales = op.getScales();
  Shape shape(op.getOutput().getType().getShape());
  for (size_t d = 0; d < s.size(); ++d)
    if (ShapedType::isDynamic(shape[d]))
      shape[d] = static_cast<int64_t>(std::floor(s[d] * scales[d]));
  size_t rank = s.size();
  // Taps per dimension and output coordinate.
  SmallVector<std::vector<Taps>> taps(rank);
  for (size_t d = 0; d < rank; ++d)
    for (int64_t o = 0; o < shape[d]; ++o)
      taps[d].push_back(resizeTaps(op, o, s[d], shape[d], scales[d]));
  SmallVector<int64_t, 4> strides = stridesOf(s);
  Tensor y(x.getElementType(), shape);
  forEachIndex(shape, [&](int64_t i, ArrayRef<int64_t> idx) {
    // Sum over the product of the taps of every dimension.
    double acc = 0;
    SmallVector<size_t, 6> t(rank, 0);
    for (bool done = false; !done;) {
      double w = 1;
      int64_t src = 0;
      for (size_t d = 0; d < rank; ++d) {
        const Taps &td = taps[d][idx[d]];
        w *= td.weight[t[d]];
        src += td.index[t[d]] * strides[d];
      }
      if (w != 0)
        acc += w * x.getDouble(src);
      // Next combination of taps, odometer style.
      done = true;
      for (size_t d = rank; d-- > 0;) {
        if (++t[d] < taps[d][idx[d]].index.size()) {
          done = false;
          break;
        }
        t[d] = 0;
      }
    }
    y.setDouble(i, acc);
  });
  out.push_back(std::move(y));
  return success();
}

LogicalResult mlir::infer::reference::runExpand(ExpandOp op, Inputs in,
                                                Outputs &out,
                                                std::string &err) {
  const Tensor &x = *in[0];
  FailureOr<Shape> shape = broadcastShapes(
      x.getShape(), op.getOutput().getType().getShape(), nullptr);
  if (failed(shape)) {
    err = "cannot expand " + formatShape(x.getShape());
    return failure();
  }
  for (int64_t &d : *shape)
    if (ShapedType::isDynamic(d)) {
      err = "expand to a dynamic dimension needs its size at run time";
      return failure();
    }
  Tensor y(x.getElementType(), *shape);
  forEachBroadcast(*shape, {x.getShape()}, [&](int64_t i, ArrayRef<int64_t> o) {
    copyElement(x, o[0], y, i);
  });
  out.push_back(std::move(y));
  return success();
}

LogicalResult mlir::infer::reference::runCheck(CheckOp op, Inputs in,
                                               Outputs &out, std::string &err) {
  const Tensor &x = *in[0];
  bool isUnsigned = llvm::cast<IntegerType>(x.getElementType()).isUnsigned();
  int64_t bound = op.getBound();
  for (int64_t i = 0; i < x.size(); ++i) {
    int64_t v = x.ints()[i];
    bool bad = op.getKind() == CheckKind::nonzero
                   ? v == 0
                   : (isUnsigned ? static_cast<uint64_t>(v) >=
                                       static_cast<uint64_t>(bound)
                                 : v < -bound || v >= bound);
    if (bad) {
      err = op.describeFailure() + " (element " + std::to_string(i) +
            " is " + std::to_string(v) + ")";
      return failure();
    }
  }
  Tensor flag(op.getFailed().getType().getElementType(), {});
  flag.setInt(0, 0);
  out.push_back(std::move(flag));
  return success();
}
