//===- AttentionTemplate.cpp - CPU kernel for infer.attention --------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Per task: a batch b and VL queries i0 .. i0 + VL - 1.
//
//   qT[d][lane]  = q[b][i0 + lane][d]                      (gathered once)
//   st[j][lane]  = scale * sum_d qT[d][lane] * k[b][j][d] + mask  (NJ keys
//                  at a time: broadcast k, FMA with qT rows)
//   st[j]        = exp(st[j] - max_j st[j]),  sum = sum_j st[j]
//   out[b][i][:] = sum_j st[j][i - i0] * v[b][j][:] / sum  (HR queries x NV
//                  vectors of V columns per register tile)
//
//===----------------------------------------------------------------------===//

#include "codegen/cpu/AttentionTemplate.h"
#include "codegen/cpu/CpuKernels.h"
#include "codegen/core/StridedView.h"
#include "codegen/cpu/Emitter.h"

#include "ir/InferOps.h"

#include "mlir/Dialect/Math/IR/Math.h"

#include <limits>

using namespace mlir;
using namespace mlir::infer;

namespace {
constexpr int64_t kKeysPerStep = 8;   // NJ
constexpr int64_t kRowsPerTile = 8;   // HR
constexpr int64_t kVectorsPerTile = 2; // NV
/// Scores above this many keys do not fit the stack buffer.
constexpr int64_t kMaxKeys = 16384;

ArrayRef<int64_t> shapeOf(Value v) {
  return llvm::cast<RankedTensorType>(v.getType()).getShape();
}

/// The view of `v` as [B, rows, cols] over its base buffer.
FailureOr<StridedView> batchedView(Value v, Value &base, int64_t batch) {
  FailureOr<StridedView> view = traceView(v, base);
  if (failed(view))
    return failure();
  ArrayRef<int64_t> s = shapeOf(v);
  return view->reshaped({batch, s[s.size() - 2], s.back()});
}

/// The view of the mask broadcast to [B, Lq, Lk] (zero strides where it
/// broadcasts).
FailureOr<StridedView> maskView(Value mask, Value &base,
                                ArrayRef<int64_t> scores, int64_t batch) {
  FailureOr<StridedView> view = traceView(mask, base);
  if (failed(view) || !view->isPlain())
    return failure();
  // Broadcast to the scores' shape: zero strides where the mask has 1.
  StridedView full;
  full.offset = view->offset;
  size_t lead = scores.size() - view->sizes.size();
  for (size_t k = 0; k < scores.size(); ++k) {
    full.sizes.push_back(scores[k]);
    bool own = k >= lead && view->sizes[k - lead] != 1;
    full.strides.push_back(own ? view->strides[k - lead] : 0);
    full.groups.push_back(1);
  }
  size_t r = scores.size();
  return full.reshaped({batch, scores[r - 2], scores[r - 1]});
}
} // namespace

FailureOr<std::optional<TemplateKernel>>
mlir::infer::buildAttentionKernel(AttentionOp op, Value result, int64_t vl,
                                  KernelModule &kernels, std::string &error) {
  MLIRContext *ctx = op.getContext();
  Type f32 = Float32Type::get(ctx);
  auto isF32 = [](Value v) {
    return llvm::cast<RankedTensorType>(v.getType()).getElementType().isF32();
  };
  if (!isF32(op.getQ()) || !isF32(op.getK()) || !isF32(op.getV()) ||
      (op.getMask() && !isF32(op.getMask())) || vl < 8)
    return std::optional<TemplateKernel>();
  ArrayRef<int64_t> qs = shapeOf(op.getQ()), ks = shapeOf(op.getK()),
                    vs = shapeOf(op.getV());
  size_t r = qs.size();
  int64_t lq = qs[r - 2], d = qs[r - 1], lk = ks[r - 2], dv = vs[r - 1];
  int64_t batch = 1;
  for (int64_t s : qs.drop_back(2))
    batch *= s;
  if (lk > kMaxKeys || lk == 0 || lq == 0 || d == 0 || dv == 0)
    return std::optional<TemplateKernel>();

  Value qBase, kBase, vBase, mBase;
  FailureOr<StridedView> qv = batchedView(op.getQ(), qBase, batch);
  FailureOr<StridedView> kv = batchedView(op.getK(), kBase, batch);
  FailureOr<StridedView> vv = batchedView(op.getV(), vBase, batch);
  FailureOr<StridedView> ov = inverseView(op.getOutput(), result);
  if (succeeded(ov))
    ov = ov->reshaped({batch, lq, dv});
  SmallVector<int64_t> scores(qs.begin(), qs.end());
  scores[r - 1] = lk;
  FailureOr<StridedView> mv = StridedView();
  if (op.getMask())
    mv = maskView(op.getMask(), mBase, scores, batch);
  // Rows and columns must be plain strides (the batch may be refined); V
  // rows and result rows are vector loads and stores: unit stride.
  auto plainRows = [](const StridedView &v) {
    return v.groups[1] == 1 && v.groups[2] == 1;
  };
  if (failed(qv) || failed(kv) || failed(vv) || failed(ov) || failed(mv) ||
      !plainRows(*qv) || !plainRows(*kv) || !plainRows(*vv) ||
      !plainRows(*ov) || (op.getMask() && !plainRows(*mv)) ||
      vv->strides.back() != 1 || ov->strides.back() != 1)
    return std::optional<TemplateKernel>();

  TemplateKernel tk;
  SmallVector<MemRefType> types;
  auto flat = [&](Value base) {
    tk.inputs.push_back({base, {}});
    types.push_back(MemRefType::get(
        {llvm::cast<RankedTensorType>(base.getType()).getNumElements()}, f32));
  };
  flat(qBase);
  flat(kBase);
  flat(vBase);
  if (op.getMask())
    flat(mBase);
  int nIn = tk.inputs.size();
  types.push_back(MemRefType::get(
      {llvm::cast<RankedTensorType>(result.getType()).getNumElements()}, f32));
  double scale = op.getScale().convertToDouble();
  int64_t mq = vl, qTiles = (lq + mq - 1) / mq;
  int64_t lkMain = lk / kKeysPerStep * kKeysPerStep;
  int64_t nvv = kVectorsPerTile, dvStep = nvv * vl;

  FailureOr<KernelInfo> info = addMemrefKernel(kernels, 
      "attention", op.getLoc(), types,
      [&](OpBuilder &b, Location loc, ValueRange a, Value begin, Value end,
          int64_t &grid, int64_t &grain) {
        Emitter e{b, loc, vl};
        grid = batch * qTiles;
        grain = 1;
        // Flat buffers addressed through the views: batch base + row *
        // stride + column * stride.
        Value qF = a[0], kF = a[1], vF = a[2], oF = a[nIn];
        Value mF = op.getMask() ? a[3] : Value();
        auto rowStride = [](const StridedView &v) { return v.strides[v.firstRefined(1)]; };
        auto colStride = [](const StridedView &v) { return v.strides[v.firstRefined(2)]; };
        Value qT = memref::AllocaOp::create(b, loc, MemRefType::get({d, mq}, f32));
        Value st = memref::AllocaOp::create(b, loc, MemRefType::get({lk, mq}, f32));
        Value scaleV = e.splat(e.f32(scale));
        e.forEach(begin, end, 1, [&](Value t) {
          Value bi = e.div(t, e.idx(qTiles));
          Value i0 = e.mul(e.rem(t, e.idx(qTiles)), e.idx(mq));
          Value nq = e.min(e.sub(e.idx(lq), i0), e.idx(mq));
          Value qmask = e.mask(nq);
          Value zero = e.idx(0);
          Value qB = linearIndex(b, loc, *qv, {bi, zero, zero});
          Value kB = linearIndex(b, loc, *kv, {bi, zero, zero});
          Value vB = linearIndex(b, loc, *vv, {bi, zero, zero});
          Value oB = linearIndex(b, loc, *ov, {bi, zero, zero});
          auto at = [&](Value base, const StridedView &v, Value r, Value c) {
            return e.add(base, e.add(e.mul(r, e.idx(rowStride(v))),
                                     e.mul(c, e.idx(colStride(v)))));
          };
          // qT[d][lane] = q[b][i0 + lane][d], gathered.
          Value qOffs = e.iota(rowStride(*qv));
          e.forEach(e.idx(0), e.idx(d), 1, [&](Value dd) {
            e.vstore(e.gather(qF, {at(qB, *qv, i0, dd)}, qOffs, qmask), qT,
                     {dd, e.idx(0)});
          });
          // Mask rows: mask[b][i0 + lane][j] for lane < nq.
          Value mB = mF ? linearIndex(b, loc, *mv, {bi, zero, zero}) : Value();
          auto maskAt = [&](Value j) -> Value {
            return e.gather(mF, {at(mB, *mv, i0, j)}, e.iota(rowStride(*mv)), qmask);
          };
          // Scores, NJ keys at a time, and their running maximum.
          auto scoreBlock = [&](Value j0, int64_t nj, Value maxIn) {
            SmallVector<Value> init(nj, e.zeros());
            scf::ForOp dl = e.loop(e.idx(0), e.idx(d), 1, init,
                                   [&](Value dd, ValueRange acc) {
              Value qvv = e.vload(qT, {dd, e.idx(0)});
              SmallVector<Value> next;
              for (int64_t jj = 0; jj < nj; ++jj) {
                Value kval = e.load(kF, {at(kB, *kv, e.add(j0, e.idx(jj)), dd)});
                next.push_back(e.fma(e.splat(kval), qvv, acc[jj]));
              }
              return next;
            });
            Value m = maxIn;
            for (int64_t jj = 0; jj < nj; ++jj) {
              Value j = e.add(j0, e.idx(jj));
              Value s = arith::MulFOp::create(b, loc, dl.getResult(jj), scaleV);
              if (mF)
                s = arith::AddFOp::create(b, loc, s, maskAt(j));
              e.vstore(s, st, {j, e.idx(0)});
              m = arith::MaximumFOp::create(b, loc, m, s);
            }
            return m;
          };
          Value neg = e.splat(e.f32(-std::numeric_limits<double>::infinity()));
          scf::ForOp mainLoop = e.loop(e.idx(0), e.idx(lkMain), kKeysPerStep, {neg},
                                       [&](Value j0, ValueRange m) {
            return SmallVector<Value>{scoreBlock(j0, kKeysPerStep, m[0])};
          });
          scf::ForOp tailLoop = e.loop(e.idx(lkMain), e.idx(lk), 1,
                                       {mainLoop.getResult(0)},
                                       [&](Value j0, ValueRange m) {
            return SmallVector<Value>{scoreBlock(j0, 1, m[0])};
          });
          Value mx = tailLoop.getResult(0);
          // Softmax down the lanes.
          scf::ForOp sumLoop = e.loop(e.idx(0), e.idx(lk), 1, {e.zeros()},
                                      [&](Value j, ValueRange acc) {
            Value s = e.vload(st, {j, e.idx(0)});
            Value ex = math::ExpOp::create(b, loc, arith::SubFOp::create(b, loc, s, mx));
            e.vstore(ex, st, {j, e.idx(0)});
            return SmallVector<Value>{arith::AddFOp::create(b, loc, acc[0], ex).getResult()};
          });
          Value inv = arith::DivFOp::create(b, loc, e.splat(e.f32(1.0)),
                                            sumLoop.getResult(0));
          // out = P V, HR queries x NV vectors of V columns per tile.
          for (int64_t h = 0; h < mq; h += kRowsPerTile) {
            int64_t hr = std::min<int64_t>(kRowsPerTile, mq - h);
            e.forEach(e.idx(0), e.idx(dv), dvStep, [&](Value c0) {
              SmallVector<Value> cmask;
              for (int64_t jv = 0; jv < nvv; ++jv)
                cmask.push_back(e.mask(e.sub(e.idx(dv), e.add(c0, e.idx(jv * vl)))));
              SmallVector<Value> init(hr * nvv, e.zeros());
              scf::ForOp jl = e.loop(e.idx(0), e.idx(lk), 1, init,
                                     [&](Value j, ValueRange acc) {
                SmallVector<Value> vcols;
                for (int64_t jv = 0; jv < nvv; ++jv)
                  vcols.push_back(e.vloadMasked(
                      vF, {at(vB, *vv, j, e.add(c0, e.idx(jv * vl)))}, cmask[jv]));
                SmallVector<Value> next(acc.begin(), acc.end());
                for (int64_t rr = 0; rr < hr; ++rr) {
                  Value p = e.splat(e.load(st, {j, e.idx(h + rr)}));
                  for (int64_t jv = 0; jv < nvv; ++jv)
                    next[rr * nvv + jv] = e.fma(p, vcols[jv], next[rr * nvv + jv]);
                }
                return next;
              });
              for (int64_t rr = 0; rr < hr; ++rr) {
                Value i = e.add(i0, e.idx(h + rr));
                e.ifThen(e.lt(i, e.idx(lq)), [&] {
                  Value w = e.splat(vector::ExtractOp::create(
                      b, loc, inv, ArrayRef<int64_t>{h + rr}));
                  for (int64_t jv = 0; jv < nvv; ++jv) {
                    Value o = arith::MulFOp::create(b, loc, jl.getResult(rr * nvv + jv), w);
                    e.vstoreMasked(o, oF, {at(oB, *ov, i, e.add(c0, e.idx(jv * vl)))},
                                   cmask[jv]);
                  }
                });
              }
            });
          }
        });
        return success();
      },
      error);
  if (failed(info))
    return failure();
  std::vector<int> args;
  for (int i = 0; i <= nIn; ++i)
    args.push_back(i);
  tk.stages.push_back({*info, args});
  return std::optional<TemplateKernel>(std::move(tk));
}
