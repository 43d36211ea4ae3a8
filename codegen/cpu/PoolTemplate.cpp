//===- PoolTemplate.cpp - CPU kernel for 2-D pooling -----------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/cpu/PoolTemplate.h"
#include "codegen/cpu/CpuKernels.h"
#include "codegen/cpu/ConvLoads.h"
#include "codegen/cpu/Emitter.h"

#include "ir/InferOps.h"
#include "ir/QuantUtils.h"

#include <limits>

using namespace mlir;
using namespace mlir::infer;

FailureOr<std::optional<TemplateKernel>>
mlir::infer::buildGlobalPoolKernel(GlobalPoolOp op, int64_t vl,
                                   KernelModule &kernels, std::string &error) {
  auto in = llvm::cast<RankedTensorType>(op.getInput().getType());
  bool isMax = op.getKind() == PoolKind::max;
  if (in.getRank() < 3 || !in.getElementType().isF32() || !in.hasStaticShape() ||
      (!isMax && op.getKind() != PoolKind::avg) || vl < 8)
    return std::optional<TemplateKernel>();
  int64_t rows = in.getDimSize(0) * in.getDimSize(1);
  int64_t len = in.getNumElements() / std::max<int64_t>(rows, 1);
  if (len == 0)
    return std::optional<TemplateKernel>();
  Type f32 = in.getElementType();
  TemplateKernel tk;
  tk.inputs.push_back({op.getInput(), {}});
  SmallVector<MemRefType> types{MemRefType::get({rows, len}, f32),
                                MemRefType::get({rows}, f32)};
  constexpr int64_t kVectors = 4;
  FailureOr<KernelInfo> info = addMemrefKernel(
      kernels, "global_pool", op.getLoc(), types,
      [&](OpBuilder &b, Location loc, ValueRange a, Value begin, Value end,
          int64_t &grid, int64_t &grain) {
        Emitter e{b, loc, vl};
        grid = rows;
        grain = std::max<int64_t>(1, 8192 / len);
        Value x = a[0], out = a[1];
        Value start =
            e.splat(e.f32(isMax ? -std::numeric_limits<double>::infinity() : 0.0));
        auto combine = [&](Value acc, Value v) -> Value {
          if (isMax) // maximumf: a NaN propagates
            return arith::MaximumFOp::create(b, loc, acc, v);
          return arith::AddFOp::create(b, loc, acc, v);
        };
        e.forEach(begin, end, 1, [&](Value r) {
          int64_t step = kVectors * vl, full = len / step * step;
          SmallVector<Value> init(kVectors, start);
          scf::ForOp body = e.loop(e.idx(0), e.idx(full), step, init,
                                   [&](Value i, ValueRange acc) {
                                     SmallVector<Value> next;
                                     for (int64_t k = 0; k < kVectors; ++k)
                                       next.push_back(combine(
                                           acc[k], e.vload(x, {r, e.add(i, e.idx(k * vl))})));
                                     return next;
                                   });
          SmallVector<Value> acc(body.getResults());
          // The tail: up to kVectors vectors, masked.
          for (int64_t k = 0; full + k * vl < len; ++k) {
            Value at = e.idx(full + k * vl);
            Value m = e.mask(e.idx(len - full - k * vl));
            Value v = vector::MaskedLoadOp::create(b, loc, e.vec(), x, ValueRange{r, at},
                                                   m, start, IntegerAttr());
            acc[k % kVectors] = combine(acc[k % kVectors], v);
          }
          Value all = acc[0];
          for (int64_t k = 1; k < kVectors; ++k)
            all = combine(all, acc[k]);
          Value s = vector::ReductionOp::create(
              b, loc, isMax ? vector::CombiningKind::MAXIMUMF : vector::CombiningKind::ADD,
              all);
          if (!isMax)
            s = arith::MulFOp::create(b, loc, s, e.f32(1.0 / static_cast<double>(len)));
          e.store(s, out, {r});
        });
        return success();
      },
      error);
  if (failed(info))
    return failure();
  tk.stages.push_back({*info, {0, 1}});
  return std::optional<TemplateKernel>(std::move(tk));
}

/// Max pooling of f32 as two passes over a row buffer: each task (one
/// output row of one channel) first takes the maximum down its window's
/// rows into a buffer whose ends hold -inf (the column padding), then
/// across each window's columns from the buffer, with no masks: a window
/// row is read once per output row, not once per tap, and no tap computes
/// bounds. Rows outside the image are clamped to the nearest inside, which
/// every window here contains (checked), so they change nothing.
/// ResNet-50's 3x3 stride-2 pool of 112 x 112 x 64 on Zen 5, 2 threads:
/// 0.175 ms with a masked load pair per tap, against onnxruntime's 0.053.
static FailureOr<std::optional<TemplateKernel>>
buildMaxPoolRows(PoolOp op, int64_t vl, KernelModule &kernels, std::string &error) {
  auto in = llvm::cast<RankedTensorType>(op.getInput().getType());
  auto outT = llvm::cast<RankedTensorType>(op.getOutput().getType());
  int64_t n = in.getDimSize(0), c = in.getDimSize(1), h = in.getDimSize(2),
          w = in.getDimSize(3), oh = outT.getDimSize(2), ow = outT.getDimSize(3);
  int64_t kh = op.getKernel()[0], kw = op.getKernel()[1];
  int64_t sh = op.getStrides()[0], sw = op.getStrides()[1];
  ArrayRef<int64_t> pads = op.getPads();
  int64_t ph = pads[0], pw = pads[1];
  bool dense = op.getDilations()[0] == 1 && op.getDilations()[1] == 1;
  // Every window holds a row of the image (rows are clamped into it) and
  // starts at most a vector before its row (the buffer's front).
  bool rowsInside = ph < kh && (oh - 1) * sh - ph <= h - 1;
  if (op.getKind() != PoolKind::max || !in.getElementType().isF32() || !dense ||
      (sw != 1 && sw != 2) || !rowsInside || pw > vl || oh == 0 || ow == 0)
    return std::optional<TemplateKernel>();
  // The buffer: [0, F) -inf, [F, F + wr) the rows' maximum (lanes past W
  // -inf), then -inf up to the last vector the column pass reads.
  int64_t front = vl, wr = (w + vl - 1) / vl * vl;
  int64_t lastVector = (ow - 1) / vl * vl;
  int64_t reads = front - pw + lastVector * sw + (kw - 1) + sw * vl;
  int64_t length = (std::max(front + wr, reads) + vl - 1) / vl * vl;

  TemplateKernel tk;
  tk.inputs.push_back({op.getInput(), {}});
  Type f32 = in.getElementType();
  SmallVector<MemRefType> types{MemRefType::get(in.getShape(), f32),
                                MemRefType::get(outT.getShape(), f32)};
  SmallVector<int64_t> evens = evenLanes(vl);
  FailureOr<KernelInfo> info = addMemrefKernel(
      kernels, "max_pool_rows", op.getLoc(), types,
      [&](OpBuilder &b, Location loc, ValueRange a, Value begin, Value end,
          int64_t &grid, int64_t &grain) {
        Emitter e{b, loc, vl};
        grid = n * c * oh;
        grain = std::max<int64_t>(1, 2048 / std::max<int64_t>(w * kh, 1));
        Value x = a[0], out = a[1];
        Value lowest = e.splat(e.f32(-std::numeric_limits<double>::infinity()));
        // maximumf, not maxnumf: a NaN in the window propagates.
        auto maxOf = [&](Value u, Value v) -> Value {
          return arith::MaximumFOp::create(b, loc, u, v);
        };
        Value buf = memref::AllocaOp::create(b, loc, MemRefType::get({length}, f32));
        for (int64_t i = 0; i < front; i += vl)
          e.vstore(lowest, buf, {e.idx(i)});
        for (int64_t i = front + wr; i < length; i += vl)
          e.vstore(lowest, buf, {e.idx(i)});
        // Channels inner: a thread takes a band of output rows, the input
        // rows the kernel before wrote on it where that one split the
        // image by rows.
        e.forEach(begin, end, 1, [&](Value t) {
          Value ch = e.rem(t, e.idx(c));
          Value q = e.div(t, e.idx(c));
          Value r = e.rem(q, e.idx(oh)), ni = e.div(q, e.idx(oh));
          SmallVector<Value> rows;
          for (int64_t i = 0; i < kh; ++i) {
            Value ih = e.add(e.mul(r, e.idx(sh)), e.idx(i - ph));
            rows.push_back(e.max(e.min(ih, e.idx(h - 1)), e.idx(0)));
          }
          // Down the window's rows, a vector of columns at a time.
          auto down = [&](Value c0, Value m) {
            Value acc;
            for (Value ih : rows) {
              SmallVector<Value> at{ni, ch, ih, c0};
              Value v = m ? vector::MaskedLoadOp::create(b, loc, e.vec(), x, at, m, lowest,
                                                         IntegerAttr())
                                .getResult()
                          : e.vload(x, at);
              acc = acc ? maxOf(acc, v) : v;
            }
            e.vstore(acc, buf, {e.add(c0, e.idx(front))});
          };
          int64_t whole = w / vl * vl;
          e.forEach(e.idx(0), e.idx(whole), vl, [&](Value c0) { down(c0, Value()); });
          if (whole < w)
            down(e.idx(whole), e.mask(e.idx(w - whole)));
          // Across each window's columns, from the buffer.
          e.forEach(e.idx(0), e.idx(ow), vl, [&](Value ow0) {
            Value base = e.add(e.mul(ow0, e.idx(sw)), e.idx(front - pw));
            Value acc;
            for (int64_t j = 0; j < kw; ++j) {
              Value at = e.add(base, e.idx(j));
              Value v = e.vload(buf, {at});
              if (sw == 2)
                v = vector::ShuffleOp::create(b, loc, v,
                                              e.vload(buf, {e.add(at, e.idx(vl))}), evens);
              acc = acc ? maxOf(acc, v) : v;
            }
            Value valid = e.min(e.sub(e.idx(ow), ow0), e.idx(vl));
            e.vstorePrefix(acc, out, {ni, ch, r, ow0}, valid);
          });
        });
        return success();
      },
      error);
  if (failed(info))
    return failure();
  tk.stages.push_back({*info, {0, 1}});
  return std::optional<TemplateKernel>(std::move(tk));
}

FailureOr<std::optional<TemplateKernel>>
mlir::infer::buildPoolKernel(PoolOp op, int64_t vl, KernelModule &kernels,
                             std::string &error) {
  auto in = llvm::cast<RankedTensorType>(op.getInput().getType());
  auto outT = llvm::cast<RankedTensorType>(op.getOutput().getType());
  // Max pooling of int8 (one quantized type in and out) compares the
  // stored bytes, 64 lanes at a time.
  bool int8 = op.getKind() == PoolKind::max && symmetricInt8(in) &&
              in.getElementType() == outT.getElementType() && vl == 16;
  if (op.getChannelsLast() || in.getRank() != 4 ||
      (!in.getElementType().isF32() && !int8) || !in.hasStaticShape() ||
      op.getKind() == PoolKind::lp || vl < 8)
    return std::optional<TemplateKernel>();
  if (!int8 && op.getKind() == PoolKind::max) {
    FailureOr<std::optional<TemplateKernel>> rows = buildMaxPoolRows(op, vl, kernels, error);
    if (failed(rows) || *rows)
      return rows;
  }
  if (int8)
    vl = 64;
  int64_t n = in.getDimSize(0), c = in.getDimSize(1), h = in.getDimSize(2),
          w = in.getDimSize(3), oh = outT.getDimSize(2), ow = outT.getDimSize(3);
  int64_t kh = op.getKernel()[0], kw = op.getKernel()[1];
  int64_t sh = op.getStrides()[0], sw = op.getStrides()[1];
  int64_t dh = op.getDilations()[0], dw = op.getDilations()[1];
  ArrayRef<int64_t> pads = op.getPads();
  int64_t ph = pads[0], pw = pads[1], phe = pads[2], pwe = pads[3];
  if (sw > 2)
    return std::optional<TemplateKernel>();
  bool isMax = op.getKind() == PoolKind::max;
  bool includePad = op.getCountIncludePad();

  TemplateKernel tk;
  tk.inputs.push_back({op.getInput(), {}});
  Type elem = int8 ? Type(IntegerType::get(op.getContext(), 8)) : in.getElementType();
  SmallVector<MemRefType> types{MemRefType::get(in.getShape(), elem),
                                MemRefType::get(outT.getShape(), elem)};
  SmallVector<int64_t> evens;
  for (int64_t i = 0; i < vl; ++i)
    evens.push_back(2 * i);
  FailureOr<KernelInfo> info = addMemrefKernel(kernels, 
      "pool", op.getLoc(), types,
      [&](OpBuilder &b, Location loc, ValueRange a, Value begin, Value end,
          int64_t &grid, int64_t &grain) {
        Emitter e{b, loc, vl, int8 ? elem : Type()};
        grid = n * c * oh;
        grain = std::max<int64_t>(1, 4096 / std::max<int64_t>(ow * kh * kw, 1));
        Value x = a[0], out = a[1];
        Value lowest =
            int8 ? vector::BroadcastOp::create(
                       b, loc, e.vec(),
                       arith::ConstantOp::create(b, loc, b.getI8IntegerAttr(-128)))
                       .getResult()
                 : e.splat(e.f32(-std::numeric_limits<double>::infinity()));
        Value one = int8 ? Value() : e.splat(e.f32(1.0));
        // Lanes i < valid whose column c0 + i * sw lies in [lo, hi).
        auto lanesIn = [&](Value c0, Value valid, int64_t lo, int64_t hi) {
          auto ceilDiv = [&](Value v) {
            return arith::CeilDivSIOp::create(b, loc, v, e.idx(sw)).getResult();
          };
          Value first = ceilDiv(e.sub(e.idx(lo), c0));
          Value last = e.min(valid, ceilDiv(e.sub(e.idx(hi), c0)));
          return rangeMask(e, first, last);
        };
        // Channels inner: a thread takes a band of output rows, the input
        // rows the kernel before wrote on it where that one split the
        // image (a stem's 3.2 MB output: 0.105 -> 0.174 ms when the pool
        // split channels instead).
        e.forEach(begin, end, 1, [&](Value t) {
          Value ch = e.rem(t, e.idx(c));
          Value q = e.div(t, e.idx(c));
          Value r = e.rem(q, e.idx(oh)), ni = e.div(q, e.idx(oh));
          e.forEach(e.idx(0), e.idx(ow), vl, [&](Value ow0) {
            Value valid = e.min(e.sub(e.idx(ow), ow0), e.idx(vl));
            Value acc = isMax ? lowest : e.zeros();
            Value count = isMax ? Value() : e.zeros();
            for (int64_t i = 0; i < kh; ++i) {
              Value ih = e.add(e.sub(e.mul(r, e.idx(sh)), e.idx(ph)), e.idx(i * dh));
              Value rowIn = e.both(e.ge(ih, e.idx(0)), e.lt(ih, e.idx(h)));
              Value rowPad = e.both(e.ge(ih, e.idx(-ph)), e.lt(ih, e.idx(h + phe)));
              auto splatBit = [&](Value bit) {
                return vector::BroadcastOp::create(b, loc, e.mvec(), bit).getResult();
              };
              for (int64_t j = 0; j < kw; ++j) {
                Value c0 = e.add(e.sub(e.mul(ow0, e.idx(sw)), e.idx(pw)), e.idx(j * dw));
                // Lanes outside the image read as -inf for max, 0 for avg.
                Value v = loadColumns(e, x, {ni, ch}, ih, c0, valid, sw, w, evens,
                                      rowIn, isMax ? lowest : Value());
                if (isMax && int8) {
                  acc = arith::MaxSIOp::create(b, loc, acc, v);
                  continue;
                }
                if (isMax) {
                  // maximumf, not maxnumf: a NaN in the window propagates.
                  acc = arith::MaximumFOp::create(b, loc, acc, v);
                  continue;
                }
                acc = arith::AddFOp::create(b, loc, acc, v);
                Value inside = e.both(lanesIn(c0, valid, 0, w), splatBit(rowIn));
                Value counted =
                    includePad ? e.both(lanesIn(c0, valid, -pw, w + pwe), splatBit(rowPad))
                               : inside;
                count = arith::AddFOp::create(b, loc, count,
                                              e.select(counted, one, e.zeros()));
              }
            }
            if (!isMax)
              acc = arith::DivFOp::create(b, loc, acc, count);
            e.vstorePrefix(acc, out, {ni, ch, r, ow0}, valid);
          });
        });
        return success();
      },
      error);
  if (failed(info))
    return failure();
  tk.stages.push_back({*info, {0, 1}});
  return std::optional<TemplateKernel>(std::move(tk));
}
