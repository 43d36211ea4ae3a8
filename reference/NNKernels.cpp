//===- NNKernels.cpp - Reference conv, matmul, pooling, normalization -----===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Windowed ops are computed on a 3-D spatial view (missing dimensions have
// size 1), accumulating in double, in parallel over output channels.
//
//===----------------------------------------------------------------------===//

#include "reference/Kernels.h"

#include "ir/ShapeInference.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::infer;
using namespace mlir::infer::reference;

namespace {
/// A window geometry padded to three spatial dimensions.
struct Window3 {
  int64_t in[3] = {1, 1, 1}, out[3] = {1, 1, 1}, k[3] = {1, 1, 1};
  int64_t s[3] = {1, 1, 1}, d[3] = {1, 1, 1}, p[3] = {0, 0, 0};
  int64_t pe[3] = {0, 0, 0};

  Window3(ArrayRef<int64_t> inSpatial, ArrayRef<int64_t> outSpatial,
          ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
          ArrayRef<int64_t> dilations, ArrayRef<int64_t> pads) {
    size_t n = inSpatial.size(), off = 3 - n;
    for (size_t i = 0; i < n; ++i) {
      in[off + i] = inSpatial[i];
      out[off + i] = outSpatial[i];
      k[off + i] = kernel[i];
      s[off + i] = strides[i];
      d[off + i] = dilations[i];
      p[off + i] = pads[i];
      pe[off + i] = pads[i + n];
    }
  }
  int64_t inSize() const { return in[0] * in[1] * in[2]; }
  int64_t outSize() const { return out[0] * out[1] * out[2]; }
  int64_t kSize() const { return k[0] * k[1] * k[2]; }
};

Tensor makeResult(Type et, ArrayRef<int64_t> shape) { return Tensor(et, shape); }
} // namespace

LogicalResult mlir::infer::reference::runConv(ConvOp op, Inputs in,
                                              Outputs &out, std::string &err) {
  // Channels-last: the same convolution between two transposes.
  int64_t rank = in[0]->getRank();
  Tensor firstLayout;
  if (op.getChannelsLast())
    firstLayout = in[0]->permuted(channelsFirstPerm(rank));
  const Tensor &x = op.getChannelsLast() ? firstLayout : *in[0], &w = *in[1];
  const Tensor *b = in[2];
  FailureOr<Shape> shape =
      inferConvShape(x.getShape(), w.getShape(), op.getStrides(), op.getPads(),
                     op.getDilations(), op.getGroup(), nullptr);
  if (failed(shape)) {
    err = "invalid convolution shapes " + formatShape(x.getShape()) + " and " +
          formatShape(w.getShape());
    return failure();
  }
  Tensor y = makeResult(op.getOutput().getType().getElementType(), *shape);
  int64_t n = x.getShape()[0], c = x.getShape()[1], m = w.getShape()[0];
  int64_t group = op.getGroup(), cg = c / group, mg = m / group;
  Window3 win(x.getShape().drop_front(2), ArrayRef<int64_t>(*shape).drop_front(2),
              w.getShape().drop_front(2), op.getStrides(), op.getDilations(),
              op.getPads());
  int64_t inSize = win.inSize(), outSize = win.outSize(), kSize = win.kSize();
  const std::vector<double> &xd = x.floats(), &wd = w.floats();
  parallelFor(n * m, [&](int64_t nm) {
    int64_t bn = nm / m, oc = nm % m, g = oc / mg;
    std::vector<double> acc(outSize, b ? b->floats()[oc] : 0.0);
    for (int64_t ic = 0; ic < cg; ++ic) {
      const double *xp = &xd[(bn * c + g * cg + ic) * inSize];
      const double *wp = &wd[(oc * cg + ic) * kSize];
      for (int64_t kd = 0; kd < win.k[0]; ++kd)
        for (int64_t kh = 0; kh < win.k[1]; ++kh)
          for (int64_t kw = 0; kw < win.k[2]; ++kw) {
            double wv = wp[(kd * win.k[1] + kh) * win.k[2] + kw];
            for (int64_t od = 0; od < win.out[0]; ++od) {
              int64_t id = od * win.s[0] - win.p[0] + kd * win.d[0];
              if (id < 0 || id >= win.in[0])
                continue;
              for (int64_t oh = 0; oh < win.out[1]; ++oh) {
                int64_t ih = oh * win.s[1] - win.p[1] + kh * win.d[1];
                if (ih < 0 || ih >= win.in[1])
                  continue;
                const double *row = xp + (id * win.in[1] + ih) * win.in[2];
                double *arow = &acc[(od * win.out[1] + oh) * win.out[2]];
                for (int64_t ow = 0; ow < win.out[2]; ++ow) {
                  int64_t iw = ow * win.s[2] - win.p[2] + kw * win.d[2];
                  if (iw >= 0 && iw < win.in[2])
                    arow[ow] += wv * row[iw];
                }
              }
            }
          }
    }
    double *yp = y.floats().data() + (nm * outSize);
    for (int64_t i = 0; i < outSize; ++i)
      yp[i] = acc[i];
  });
  y.normalize();
  out.push_back(op.getChannelsLast() ? y.permuted(channelsLastPerm(rank)) : std::move(y));
  return success();
}

LogicalResult mlir::infer::reference::runConvTranspose(ConvTransposeOp op,
                                                       Inputs in, Outputs &out,
                                                       std::string &err) {
  const Tensor &x = *in[0], &w = *in[1];
  const Tensor *b = in[2];
  FailureOr<Shape> shape = inferConvTransposeShape(
      x.getShape(), w.getShape(), op.getStrides(), op.getPads(),
      op.getDilations(), op.getOutputPadding(), op.getGroup(), nullptr);
  if (failed(shape)) {
    err = "invalid transposed convolution shapes";
    return failure();
  }
  Tensor y = makeResult(op.getOutput().getType().getElementType(), *shape);
  int64_t n = x.getShape()[0], c = x.getShape()[1];
  int64_t group = op.getGroup(), cg = c / group, mg = w.getShape()[1];
  int64_t m = mg * group;
  Window3 win(x.getShape().drop_front(2), ArrayRef<int64_t>(*shape).drop_front(2),
              w.getShape().drop_front(2), op.getStrides(), op.getDilations(),
              op.getPads());
  int64_t inSize = win.inSize(), outSize = win.outSize(), kSize = win.kSize();
  parallelFor(n * m, [&](int64_t nm) {
    int64_t bn = nm / m, oc = nm % m, g = oc / mg, ocg = oc % mg;
    std::vector<double> acc(outSize, b ? b->floats()[oc] : 0.0);
    for (int64_t ic = 0; ic < cg; ++ic) {
      const double *xp = x.floats().data() + ((bn * c + g * cg + ic) * inSize);
      const double *wp = w.floats().data() + (((g * cg + ic) * mg + ocg) * kSize);
      for (int64_t id = 0; id < win.in[0]; ++id)
        for (int64_t ih = 0; ih < win.in[1]; ++ih)
          for (int64_t iw = 0; iw < win.in[2]; ++iw) {
            double xv = xp[(id * win.in[1] + ih) * win.in[2] + iw];
            for (int64_t kd = 0; kd < win.k[0]; ++kd) {
              int64_t od = id * win.s[0] - win.p[0] + kd * win.d[0];
              if (od < 0 || od >= win.out[0])
                continue;
              for (int64_t kh = 0; kh < win.k[1]; ++kh) {
                int64_t oh = ih * win.s[1] - win.p[1] + kh * win.d[1];
                if (oh < 0 || oh >= win.out[1])
                  continue;
                for (int64_t kw = 0; kw < win.k[2]; ++kw) {
                  int64_t ow = iw * win.s[2] - win.p[2] + kw * win.d[2];
                  if (ow < 0 || ow >= win.out[2])
                    continue;
                  acc[(od * win.out[1] + oh) * win.out[2] + ow] +=
                      xv * wp[(kd * win.k[1] + kh) * win.k[2] + kw];
                }
              }
            }
          }
    }
    double *yp = y.floats().data() + (nm * outSize);
    for (int64_t i = 0; i < outSize; ++i)
      yp[i] = acc[i];
  });
  y.normalize();
  out.push_back(std::move(y));
  return success();
}

LogicalResult mlir::infer::reference::runMatMul(MatMulOp op, Inputs in,
                                                Outputs &out,
                                                std::string &err) {
  const Tensor &a = *in[0], &b = *in[1];
  FailureOr<Shape> shape = inferMatMulShape(a.getShape(), b.getShape(), nullptr);
  if (failed(shape)) {
    err = "matmul shapes " + formatShape(a.getShape()) + " and " +
          formatShape(b.getShape()) + " do not match";
    return failure();
  }
  Shape as(a.getShape().begin(), a.getShape().end());
  Shape bs(b.getShape().begin(), b.getShape().end());
  if (as.size() == 1)
    as.insert(as.begin(), 1);
  if (bs.size() == 1)
    bs.push_back(1);
  int64_t M = as[as.size() - 2], K = as.back(), N = bs.back();
  Shape batch = *broadcastShapes(ArrayRef<int64_t>(as).drop_back(2),
                                 ArrayRef<int64_t>(bs).drop_back(2), nullptr);
  Tensor y = makeResult(op.getOutput().getType().getElementType(), *shape);
  // Offsets of each batch's matrices.
  SmallVector<std::pair<int64_t, int64_t>> offsets;
  forEachBroadcast(batch,
                   {ArrayRef<int64_t>(as).drop_back(2),
                    ArrayRef<int64_t>(bs).drop_back(2)},
                   [&](int64_t, ArrayRef<int64_t> o) {
                     offsets.push_back({o[0] * M * K, o[1] * K * N});
                   });
  parallelFor(offsets.size() * M, [&](int64_t bm) {
    int64_t bi = bm / M, i = bm % M;
    auto [ao, bo] = offsets[bi];
    std::vector<double> acc(N, 0.0);
    for (int64_t k = 0; k < K; ++k) {
      double av = a.getDouble(ao + i * K + k);
      for (int64_t j = 0; j < N; ++j)
        acc[j] += av * b.getDouble(bo + k * N + j);
    }
    for (int64_t j = 0; j < N; ++j)
      y.setDouble((bi * M + i) * N + j, acc[j]);
  });
  out.push_back(std::move(y));
  return success();
}

LogicalResult mlir::infer::reference::runGemm(GemmOp op, Inputs in,
                                              Outputs &out, std::string &err) {
  const Tensor &a = *in[0], &b = *in[1];
  const Tensor *c = in[2];
  bool ta = op.getTransA(), tb = op.getTransB();
  FailureOr<Shape> shape =
      inferGemmShape(a.getShape(), b.getShape(), ta, tb, nullptr);
  if (failed(shape)) {
    err = "gemm shapes do not match";
    return failure();
  }
  int64_t M = (*shape)[0], N = (*shape)[1], K = ta ? a.getShape()[0] : a.getShape()[1];
  double alpha = op.getAlpha().convertToDouble();
  double beta = op.getBeta().convertToDouble();
  Tensor y = makeResult(op.getOutput().getType().getElementType(), *shape);
  std::vector<int64_t> coff(M * N, 0);
  if (c)
    forEachBroadcast(*shape, {c->getShape()},
                     [&](int64_t i, ArrayRef<int64_t> o) { coff[i] = o[0]; });
  parallelFor(M, [&](int64_t i) {
    for (int64_t j = 0; j < N; ++j) {
      double acc = 0;
      for (int64_t k = 0; k < K; ++k)
        acc += a.getDouble(ta ? k * M + i : i * K + k) *
               b.getDouble(tb ? j * K + k : k * N + j);
      double v = alpha * acc;
      if (c)
        v += beta * c->getDouble(coff[i * N + j]);
      y.setDouble(i * N + j, v);
    }
  });
  out.push_back(std::move(y));
  return success();
}

LogicalResult mlir::infer::reference::runPool(PoolOp op, Inputs in,
                                              Outputs &out, std::string &err) {
  // Channels-last: the same pooling between two transposes.
  int64_t rank = in[0]->getRank();
  Tensor firstLayout;
  if (op.getChannelsLast())
    firstLayout = in[0]->permuted(channelsFirstPerm(rank));
  const Tensor &x = op.getChannelsLast() ? firstLayout : *in[0];
  WindowGeometry geometry{op.getKernel(), op.getStrides(), op.getPads(),
                          op.getDilations()};
  FailureOr<Shape> shape =
      inferPoolShape(x.getShape(), geometry, op.getCeilMode(), nullptr);
  if (failed(shape)) {
    err = "invalid pooling shapes";
    return failure();
  }
  Tensor y = makeResult(x.getElementType(), *shape);
  int64_t nc = x.getShape()[0] * x.getShape()[1];
  Window3 win(x.getShape().drop_front(2), ArrayRef<int64_t>(*shape).drop_front(2),
              op.getKernel(), op.getStrides(), op.getDilations(), op.getPads());
  int64_t inSize = win.inSize(), outSize = win.outSize();
  PoolKind kind = op.getKind();
  bool includePad = op.getCountIncludePad();
  double p = static_cast<double>(op.getP());
  parallelFor(nc, [&](int64_t plane) {
    for (int64_t od = 0; od < win.out[0]; ++od)
      for (int64_t oh = 0; oh < win.out[1]; ++oh)
        for (int64_t ow = 0; ow < win.out[2]; ++ow) {
          double acc = kind == PoolKind::max
                           ? -std::numeric_limits<double>::infinity()
                           : 0.0;
          int64_t count = 0, padCount = 0;
          for (int64_t kd = 0; kd < win.k[0]; ++kd)
            for (int64_t kh = 0; kh < win.k[1]; ++kh)
              for (int64_t kw = 0; kw < win.k[2]; ++kw) {
                int64_t id = od * win.s[0] - win.p[0] + kd * win.d[0];
                int64_t ih = oh * win.s[1] - win.p[1] + kh * win.d[1];
                int64_t iw = ow * win.s[2] - win.p[2] + kw * win.d[2];
                bool inside = id >= 0 && id < win.in[0] && ih >= 0 &&
                              ih < win.in[1] && iw >= 0 && iw < win.in[2];
                if (!inside) {
                  // Padding counts only up to the padded extent, not the
                  // part of a ceil-mode window past it.
                  if (id >= -win.p[0] && id < win.in[0] + win.pe[0] &&
                      ih >= -win.p[1] && ih < win.in[1] + win.pe[1] &&
                      iw >= -win.p[2] && iw < win.in[2] + win.pe[2])
                    ++padCount;
                  continue;
                }
                double v = x.getDouble(plane * inSize +
                                       (id * win.in[1] + ih) * win.in[2] + iw);
                ++count;
                if (kind == PoolKind::max)
                  acc = maxPropagateNaN(acc, v);
                else if (kind == PoolKind::avg)
                  acc += v;
                else
                  acc += std::pow(std::fabs(v), p);
              }
          if (kind == PoolKind::avg)
            acc /= static_cast<double>(includePad ? count + padCount : count);
          else if (kind == PoolKind::lp)
            acc = std::pow(acc, 1.0 / p);
          y.setDouble(plane * outSize + (od * win.out[1] + oh) * win.out[2] + ow,
                      acc);
        }
  });
  out.push_back(op.getChannelsLast() ? y.permuted(channelsLastPerm(rank)) : std::move(y));
  return success();
}

LogicalResult mlir::infer::reference::runGlobalPool(GlobalPoolOp op, Inputs in,
                                                    Outputs &out,
                                                    std::string &err) {
  const Tensor &x = *in[0];
  ArrayRef<int64_t> s = x.getShape();
  Shape shape{s[0], s[1]};
  shape.append(s.size() - 2, 1);
  Tensor y = makeResult(x.getElementType(), shape);
  int64_t nc = s[0] * s[1], plane = x.size() / std::max<int64_t>(nc, 1);
  double p = static_cast<double>(op.getP());
  for (int64_t i = 0; i < nc; ++i) {
    double acc = op.getKind() == PoolKind::max
                     ? -std::numeric_limits<double>::infinity()
                     : 0.0;
    for (int64_t j = 0; j < plane; ++j) {
      double v = x.getDouble(i * plane + j);
      if (op.getKind() == PoolKind::max)
        acc = maxPropagateNaN(acc, v);
      else if (op.getKind() == PoolKind::avg)
        acc += v;
      else
        acc += std::pow(std::fabs(v), p);
    }
    if (op.getKind() == PoolKind::avg)
      acc /= static_cast<double>(plane);
    else if (op.getKind() == PoolKind::lp)
      acc = std::pow(acc, 1.0 / p);
    y.setDouble(i, acc);
  }
  out.push_back(std::move(y));
  return success();
}

LogicalResult mlir::infer::reference::runSoftmax(Operation *op, int64_t axis,
                                                 bool log, Inputs in,
                                                 Outputs &out,
                                                 std::string &err) {
  const Tensor &x = *in[0];
  ArrayRef<int64_t> s = x.getShape();
  int64_t outer = 1, inner = 1, n = s[axis];
  for (int64_t i = 0; i < axis; ++i)
    outer *= s[i];
  for (size_t i = axis + 1; i < s.size(); ++i)
    inner *= s[i];
  Tensor y = makeResult(x.getElementType(), s);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      int64_t base = o * n * inner + i;
      double mx = -std::numeric_limits<double>::infinity();
      for (int64_t k = 0; k < n; ++k)
        mx = std::max(mx, x.floats()[base + k * inner]);
      double sum = 0;
      for (int64_t k = 0; k < n; ++k)
        sum += std::exp(x.floats()[base + k * inner] - mx);
      for (int64_t k = 0; k < n; ++k) {
        double v = x.floats()[base + k * inner] - mx;
        y.setDouble(base + k * inner, log ? v - std::log(sum)
                                          : std::exp(v) / sum);
      }
    }
  out.push_back(std::move(y));
  return success();
}

LogicalResult mlir::infer::reference::runLayerNorm(LayerNormOp op, Inputs in,
                                                   Outputs &out,
                                                   std::string &err) {
  const Tensor &x = *in[0], &g = *in[1];
  const Tensor *b = in[2];
  ArrayRef<int64_t> s = x.getShape();
  int64_t axis = op.getAxis(), outer = 1, inner = 1;
  for (int64_t i = 0; i < axis; ++i)
    outer *= s[i];
  for (size_t i = axis; i < s.size(); ++i)
    inner *= s[i];
  ArrayRef<int64_t> normalized = s.drop_front(axis);
  std::vector<int64_t> goff(inner), boff(inner);
  forEachBroadcast(normalized, {g.getShape()},
                   [&](int64_t i, ArrayRef<int64_t> o) { goff[i] = o[0]; });
  if (b)
    forEachBroadcast(normalized, {b->getShape()},
                     [&](int64_t i, ArrayRef<int64_t> o) { boff[i] = o[0]; });
  double eps = op.getEpsilon().convertToDouble();
  Tensor y = makeResult(x.getElementType(), s);
  parallelFor(outer, [&](int64_t o) {
    const double *xp = x.floats().data() + o * inner; // inner may be 0
    double mean = 0, var = 0;
    for (int64_t i = 0; i < inner; ++i)
      mean += xp[i];
    mean /= static_cast<double>(inner);
    for (int64_t i = 0; i < inner; ++i)
      var += (xp[i] - mean) * (xp[i] - mean);
    var /= static_cast<double>(inner);
    double inv = 1.0 / std::sqrt(var + eps);
    for (int64_t i = 0; i < inner; ++i) {
      double v = (xp[i] - mean) * inv * g.floats()[goff[i]];
      if (b)
        v += b->floats()[boff[i]];
      y.setDouble(o * inner + i, v);
    }
  });
  out.push_back(std::move(y));
  return success();
}

LogicalResult mlir::infer::reference::runBatchNorm(BatchNormOp op, Inputs in,
                                                   Outputs &out,
                                                   std::string &err) {
  const Tensor &x = *in[0], &sc = *in[1], &bi = *in[2], &mean = *in[3],
               &var = *in[4];
  ArrayRef<int64_t> s = x.getShape();
  int64_t n = s[0], c = s[1], plane = 1;
  for (size_t i = 2; i < s.size(); ++i)
    plane *= s[i];
  double eps = op.getEpsilon().convertToDouble();
  Tensor y = makeResult(x.getElementType(), s);
  for (int64_t b = 0; b < n; ++b)
    for (int64_t ch = 0; ch < c; ++ch) {
      double a = sc.floats()[ch] / std::sqrt(var.floats()[ch] + eps);
      double shift = bi.floats()[ch] - mean.floats()[ch] * a;
      int64_t base = (b * c + ch) * plane;
      for (int64_t i = 0; i < plane; ++i)
        y.setDouble(base + i, x.floats()[base + i] * a + shift);
    }
  out.push_back(std::move(y));
  return success();
}

LogicalResult mlir::infer::reference::runAttention(AttentionOp op, Inputs in,
                                                   Outputs &out,
                                                   std::string &err) {
  const Tensor &q = *in[0], &k = *in[1], &v = *in[2];
  const Tensor *mask = in[3];
  ArrayRef<int64_t> qs = q.getShape(), ks = k.getShape(), vs = v.getShape();
  size_t r = qs.size();
  if (r < 2 || ks.size() != r || vs.size() != r ||
      qs.drop_back(2) != ks.drop_back(2) || qs.drop_back(2) != vs.drop_back(2) ||
      qs[r - 1] != ks[r - 1] || ks[r - 2] != vs[r - 2]) {
    err = "attention shapes " + formatShape(qs) + ", " + formatShape(ks) +
          " and " + formatShape(vs) + " do not match";
    return failure();
  }
  int64_t lq = qs[r - 2], d = qs[r - 1], lk = ks[r - 2], dv = vs[r - 1];
  int64_t batch = 1;
  for (int64_t s : qs.drop_back(2))
    batch *= s;
  Shape scoreShape(qs.begin(), qs.end());
  scoreShape[r - 1] = lk;
  // The mask element added to each score.
  std::vector<int64_t> maskAt;
  if (mask) {
    if (!isBroadcastableTo(mask->getShape(), scoreShape)) {
      err = "attention mask " + formatShape(mask->getShape()) +
            " does not broadcast to " + formatShape(scoreShape);
      return failure();
    }
    maskAt.resize(batch * lq * lk);
    forEachBroadcast(scoreShape, {mask->getShape()},
                     [&](int64_t i, ArrayRef<int64_t> o) { maskAt[i] = o[0]; });
  }
  double scale = op.getScale().convertToDouble();
  Shape outShape(qs.begin(), qs.end());
  outShape[r - 1] = dv;
  Tensor y = makeResult(op.getOutput().getType().getElementType(), outShape);
  parallelFor(batch * lq, [&](int64_t bi) {
    int64_t b = bi / lq, i = bi % lq;
    std::vector<double> s(lk);
    double top = -std::numeric_limits<double>::infinity();
    for (int64_t j = 0; j < lk; ++j) {
      double dot = 0;
      for (int64_t t = 0; t < d; ++t)
        dot += q.getDouble((b * lq + i) * d + t) * k.getDouble((b * lk + j) * d + t);
      s[j] = scale * dot;
      if (mask)
        s[j] += mask->getDouble(maskAt[(b * lq + i) * lk + j]);
      top = std::max(top, s[j]);
    }
    double sum = 0;
    for (double &x : s)
      sum += (x = std::exp(x - top));
    for (int64_t t = 0; t < dv; ++t) {
      double acc = 0;
      for (int64_t j = 0; j < lk; ++j)
        acc += s[j] * v.getDouble((b * lk + j) * dv + t);
      y.setDouble((b * lq + i) * dv + t, acc / sum);
    }
  });
  out.push_back(std::move(y));
  return success();
}
