//===- ImportSpectral.cpp - ONNX DFT, STFT and MelWeightMatrix -------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Transforms of a length known at compile time as matrix products: the
// signal axis moved last, times constant cosine and sine matrices ([N, M],
// M = N or N / 2 + 1 one-sided), real and imaginary parts kept apart until
// the output's trailing [2]. STFT gathers its frames with one constant
// index table, weights them by the window and transforms each.
// MelWeightMatrix is a constant.
//
//===----------------------------------------------------------------------===//

#include "frontend/ImportContext.h"
#include "frontend/OnnxTensor.h"
#include "frontend/ops/OpChain.h"

#include <cmath>

using namespace mlir;
using namespace mlir::infer;
using namespace mlir::infer::frontend;

namespace {
/// The transform of the last axis of `re` (and `im`, null for a real
/// signal) of length n to m bins; returns the real and imaginary parts.
std::pair<Value, Value> transformLast(ImportContext &ctx, OpChain &u, Value re, Value im,
                                      int64_t n, int64_t m, bool inverse) {
  Type et = chainTypeOf(re).getElementType();
  reference::Tensor c(et, {n, m}), s(et, {n, m});
  double norm = inverse ? 1.0 / double(n) : 1.0;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t k = 0; k < m; ++k) {
      // The angle reduced modulo n first: exact for large i * k.
      double a = 2.0 * M_PI * double((i * k) % n) / double(n);
      c.setDouble(i * m + k, std::cos(a) * norm);
      s.setDouble(i * m + k, std::sin(a) * norm);
    }
  Value cm = ctx.constant(c), sm = ctx.constant(s);
  // Forward: (re + i im)(cos - i sin); inverse: (re + i im)(cos + i sin).
  Value outRe = u.matmul(re, cm), outIm;
  Value reSin = u.matmul(re, sm);
  outIm = inverse ? reSin : u.unary(UnaryKind::neg, reSin);
  if (im) {
    Value imSin = u.matmul(im, sm), imCos = u.matmul(im, cm);
    outRe = inverse ? u.sub(outRe, imSin) : u.add(outRe, imSin);
    outIm = u.add(outIm, imCos);
  }
  return {outRe, outIm};
}

/// `x` [..., 1 or 2] split into its real and imaginary parts (null when
/// real), each without the trailing dimension.
std::pair<Value, Value> splitComplex(OpChain &u, Value x) {
  ArrayRef<int64_t> s = chainTypeOf(x).getShape();
  SmallVector<int64_t> parts(s.drop_back());
  Value re = u.reshape(u.slice(x, s.size() - 1, 0, 1), parts);
  Value im = s.back() == 2 ? u.reshape(u.slice(x, s.size() - 1, 1, 2), parts) : Value();
  return {re, im};
}

/// Real and imaginary parts stacked into a trailing [2].
Value joinComplex(OpChain &u, Value re, Value im) {
  SmallVector<int64_t> s(chainTypeOf(re).getShape());
  s.push_back(1);
  return u.concat({u.reshape(re, s), u.reshape(im, s)}, s.size() - 1);
}

LogicalResult importDFT(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  FailureOr<int64_t> inverse = ctx.intAttr("inverse", 0);
  FailureOr<int64_t> onesided = ctx.intAttr("onesided", 0);
  if (failed(x) || failed(inverse) || failed(onesided))
    return failure();
  RankedTensorType xt = chainTypeOf(*x);
  int64_t rank = xt.getRank();
  if (rank < 2 || !xt.hasStaticShape() || (xt.getShape().back() != 1 && xt.getShape().back() != 2) ||
      !llvm::isa<FloatType>(xt.getElementType()))
    return ctx.emitError() << "expects a static float signal [..., 1 or 2]; it is " << xt;
  int64_t axisValue = 1;
  if (ctx.opset() >= 20) {
    axisValue = -2;
    if (ctx.hasInput(2)) {
      FailureOr<SmallVector<int64_t>> a = ctx.constantInts(2, "axis");
      if (failed(a) || a->size() != 1)
        return failed(a) ? failure() : ctx.emitError() << "expects a scalar axis";
      axisValue = (*a)[0];
    }
  } else {
    FailureOr<int64_t> a = ctx.intAttr("axis", 1);
    if (failed(a))
      return failure();
    axisValue = *a;
  }
  FailureOr<int64_t> axis = ctx.normalizeAxis(axisValue, rank);
  if (failed(axis))
    return failure();
  if (*axis == rank - 1)
    return ctx.emitError() << "axis " << axisValue << " is the complex dimension";
  int64_t n = xt.getDimSize(*axis);
  if (ctx.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> len = ctx.constantInts(1, "dft_length");
    if (failed(len) || len->size() != 1 || (*len)[0] < 1)
      return failed(len) ? failure() : ctx.emitError() << "expects a positive dft_length";
    n = (*len)[0];
  }
  if (failed(ctx.checkBuiltConstant({n, n})))
    return failure();
  int64_t m = *onesided ? n / 2 + 1 : n;
  OpChain u(ctx);
  auto [re, im] = splitComplex(u, *x);
  // The signal axis last (rank - 1 dimensions remain).
  SmallVector<int64_t> perm;
  for (int64_t d = 0; d < rank - 1; ++d)
    if (d != *axis)
      perm.push_back(d);
  perm.push_back(*axis);
  SmallVector<int64_t> back(rank - 1);
  for (auto [i, p] : llvm::enumerate(perm))
    back[p] = i;
  auto fit = [&](Value v) -> Value {
    if (!v)
      return v;
    v = u.transpose(v, perm);
    int64_t have = chainTypeOf(v).getShape().back();
    int64_t last = chainTypeOf(v).getRank() - 1;
    if (have > n)
      return u.slice(v, last, 0, n);
    if (have < n) {
      SmallVector<int64_t> padShape(chainTypeOf(v).getShape());
      padShape.back() = n - have;
      return u.concat({v, ctx.splat(RankedTensorType::get(padShape, chainTypeOf(v).getElementType()),
                                    0.0)},
                      last);
    }
    return v;
  };
  auto [outRe, outIm] = transformLast(ctx, u, fit(re), fit(im), n, m, *inverse);
  Value y = joinComplex(u, u.transpose(outRe, back), u.transpose(outIm, back));
  if (u.failed())
    return failure();
  ctx.setOutput(0, y);
  return success();
}

LogicalResult importSTFT(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0), window = ctx.optionalInput(2);
  FailureOr<SmallVector<int64_t>> step = ctx.constantInts(1, "frame_step");
  FailureOr<int64_t> onesided = ctx.intAttr("onesided", 1);
  if (failed(x) || failed(window) || failed(step) || failed(onesided))
    return failure();
  RankedTensorType xt = chainTypeOf(*x);
  if (xt.getRank() != 3 || !xt.hasStaticShape() ||
      (xt.getDimSize(2) != 1 && xt.getDimSize(2) != 2))
    return ctx.emitError() << "expects a static signal [batch, length, 1 or 2]; it is " << xt;
  int64_t batch = xt.getDimSize(0), len = xt.getDimSize(1);
  int64_t frameLen = *window ? chainTypeOf(*window).getNumElements() : len;
  if (ctx.hasInput(3)) {
    FailureOr<SmallVector<int64_t>> fl = ctx.constantInts(3, "frame_length");
    if (failed(fl) || fl->size() != 1)
      return failed(fl) ? failure() : ctx.emitError() << "expects a scalar frame_length";
    frameLen = (*fl)[0];
  }
  if (step->size() != 1 || (*step)[0] < 1 || frameLen < 1 || frameLen > len)
    return ctx.emitError() << "expects a positive frame_step and a frame_length of 1 to " << len;
  if (*window && chainTypeOf(*window).getNumElements() != frameLen)
    return ctx.emitError() << "has a window of " << chainTypeOf(*window).getNumElements()
                           << " samples for frames of " << frameLen;
  int64_t hop = (*step)[0], frames = 1 + (len - frameLen) / hop;
  if (failed(ctx.checkBuiltConstant({frames, frameLen})) ||
      failed(ctx.checkBuiltConstant({frameLen, frameLen})))
    return failure();
  OpChain u(ctx);
  // [batch, frames * frameLen, c] gathered, then [batch, frames, frameLen, c].
  reference::Tensor idx(ctx.builder().getI64Type(), {frames * frameLen});
  for (int64_t f = 0; f < frames; ++f)
    for (int64_t i = 0; i < frameLen; ++i)
      idx.setInt(f * frameLen + i, f * hop + i);
  auto gathered = RankedTensorType::get({batch, frames * frameLen, xt.getDimSize(2)},
                                        xt.getElementType());
  FailureOr<Value> g = ctx.finish1(
      GatherOp::create(ctx.builder(), ctx.loc(), gathered, *x, ctx.constant(idx), 1));
  if (failed(g))
    return failure();
  Value framesV = u.reshape(*g, {batch, frames, frameLen, xt.getDimSize(2)});
  auto [re, im] = splitComplex(u, framesV);
  if (*window) {
    Value w = u.reshape(*window, {1, 1, frameLen});
    re = u.mul(re, w);
    if (im)
      im = u.mul(im, w);
  }
  int64_t bins = *onesided ? frameLen / 2 + 1 : frameLen;
  auto [outRe, outIm] = transformLast(ctx, u, re, im, frameLen, bins, false);
  Value y = joinComplex(u, outRe, outIm);
  if (u.failed())
    return failure();
  ctx.setOutput(0, y);
  return success();
}

/// MelWeightMatrix: the triangular filters of ONNX's definition, with the
/// band edges rounded down to DFT bins as its reference does.
LogicalResult importMelWeightMatrix(ImportContext &ctx) {
  FailureOr<SmallVector<int64_t>> bins = ctx.constantInts(0, "num_mel_bins");
  FailureOr<SmallVector<int64_t>> dft = ctx.constantInts(1, "dft_length");
  FailureOr<SmallVector<int64_t>> rate = ctx.constantInts(2, "sample_rate");
  FailureOr<double> lo = ctx.constantScalar(3, "lower_edge_hertz");
  FailureOr<double> hi = ctx.constantScalar(4, "upper_edge_hertz");
  FailureOr<int64_t> dt = ctx.intAttr("output_datatype", 1);
  if (failed(bins) || failed(dft) || failed(rate) || failed(lo) || failed(hi) || failed(dt))
    return failure();
  if (bins->size() != 1 || dft->size() != 1 || rate->size() != 1 || (*bins)[0] < 1 ||
      (*dft)[0] < 1 || (*rate)[0] < 1)
    return ctx.emitError() << "expects positive scalar num_mel_bins, dft_length and sample_rate";
  std::string error;
  FailureOr<Type> et = elementTypeFromOnnx(ctx.getContext(), static_cast<int32_t>(*dt), error);
  if (failed(et))
    return ctx.emitError() << "output_datatype: " << error;
  int64_t nMel = (*bins)[0], nDft = (*dft)[0], sr = (*rate)[0];
  int64_t spectro = nDft / 2 + 1;
  if (failed(ctx.checkBuiltConstant({spectro, nMel})))
    return failure();
  double lowMel = 2595.0 * std::log10(1.0 + *lo / 700.0);
  double highMel = 2595.0 * std::log10(1.0 + *hi / 700.0);
  double step = (highMel - lowMel) / double(nMel + 2);
  SmallVector<int64_t> edge(nMel + 2);
  for (int64_t i = 0; i < nMel + 2; ++i) {
    double hz = 700.0 * (std::pow(10.0, (double(i) * step + lowMel) / 2595.0) - 1.0);
    edge[i] = static_cast<int64_t>(std::floor(double(nDft + 1) * hz / double(sr)));
  }
  reference::Tensor w(*et, {spectro, nMel});
  auto set = [&](int64_t j, int64_t i, double v) {
    if (j >= 0 && j < spectro)
      w.setDouble(j * nMel + i, v);
  };
  for (int64_t i = 0; i < nMel; ++i) {
    int64_t left = edge[i], center = edge[i + 1], right = edge[i + 2];
    if (center == left)
      set(center, i, 1.0);
    else
      for (int64_t j = left; j <= center; ++j)
        set(j, i, double(j - left) / double(center - left));
    for (int64_t j = center; j < right; ++j)
      set(j, i, double(right - j) / double(right - center));
  }
  ctx.setOutput(0, ctx.constant(w));
  return success();
}
} // namespace

void mlir::infer::frontend::registerSpectralImporters(ImporterMap &m) {
  m["DFT"] = importDFT;
  m["STFT"] = importSTFT;
  m["MelWeightMatrix"] = importMelWeightMatrix;
}
