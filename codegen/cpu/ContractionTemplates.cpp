//===- ContractionTemplates.cpp - CPU kernels for conv and matmul ---------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The variants and where they apply (NCHW f32, static shapes):
//
//   conv_pointwise  1x1, stride 1, no padding: input rows read in place as
//                   [N, C, P] with P = H * W.
//   conv_direct     stride 1, output rows of at least 2 vectors: NR
//                   positions of one output row per tile, input rows read
//                   in place; border tiles gather with a mask, rows outside
//                   the input are skipped.
//   conv_im2col     everything else with group 1: a first launch writes the
//                   im2col panels [P/NR][K][NR] (gathers) into scratch, a
//                   second runs the register tiles over them.
//   dwconv          depthwise (group = C = M), stride 1 or 2 in width: rows
//                   copied into a padded scratch, MR rows x NV vectors
//                   per tile (DepthwiseTemplate.cpp).
//   gemm            Gemm / MatMul with a constant right operand packed as
//                   [N/NR][K][NR].
//
// Every register tile is MR rows x NV vectors of VL lanes, updated by
// broadcast-FMA, then passed through the fused epilogue and stored with a
// lane mask for the tail.
//
//===----------------------------------------------------------------------===//

#include "codegen/cpu/ContractionTemplates.h"
#include "codegen/cpu/CpuKernels.h"
#include "codegen/cpu/ConvLoads.h"
#include "codegen/cpu/DepthwiseTemplate.h"
#include "codegen/cpu/WinogradTemplate.h"
#include "codegen/cpu/Emitter.h"
#include "codegen/cpu/Epilogue.h"
#include "codegen/cpu/Int8ConvTemplate.h"
#include "codegen/cpu/Int8GemmTemplate.h"
#include "codegen/core/StridedView.h"
#include "codegen/core/ScalarOps.h"

#include "ir/InferOps.h"
#include "ir/ConstantView.h"
#include "ir/QuantUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "llvm/Support/raw_ostream.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <cstring>

using namespace mlir;
using namespace mlir::infer;

ConvShape mlir::infer::convShape(ConvOp op) {
  auto dims = [](Value v) {
    return llvm::cast<RankedTensorType>(v.getType()).getShape();
  };
  ArrayRef<int64_t> x = dims(op.getInput()), w = dims(op.getWeight()),
                    o = dims(op.getOutput());
  return {x[0], x[1], x[2], x[3], w[0], w[2], w[3], o[2], o[3],
          op.getStrides()[0], op.getStrides()[1], op.getDilations()[0],
          op.getDilations()[1], op.getPads()[0], op.getPads()[1]};
}

FailureOr<ConstantView> mlir::infer::constantData(Value v) {
  auto c = outerValue(v).getDefiningOp<ConstantOp>();
  std::optional<ConstantView> view = c ? ConstantView::get(c.getValue()) : std::nullopt;
  if (!view)
    return failure();
  return *view;
}

namespace {
/// conv_flat prefetches the input this many channels ahead.
constexpr int64_t kPrefetchChannels = 2;

/// Launches with fewer tasks than this split their channels (or positions)
/// finer, so that threads get equal shares.
constexpr int64_t kMinTasks = 32;

/// conv_cm's tasks go position group first where its weights take at
/// most this much.
constexpr int64_t kCmSharedWeightBytes = 1 << 20;

/// conv_cm fetches the output lines this many tiles ahead for ownership.
constexpr int64_t kStoreAheadTiles = 4;

/// conv_pointwise fetches the output lines this many tiles ahead for
/// ownership.
constexpr int64_t kPointwiseStoreAhead = 2;
constexpr int64_t kPointwiseStoreAheadPlanes = 160;

/// Floats in a cache line.
constexpr int64_t kLineFloats = 16;

/// conv_cm blocks its reduction so that a block's weights and input rows
/// take about this much (L1), where its partial tiles fit this much.
constexpr int64_t kCmBlockBytes = 24 * 1024;
constexpr int64_t kCmPartialBytes = 64 * 1024;

/// conv_cm packs a 1x1 stride-1 convolution's input as panels where at
/// least this many channel tiles read it (each input line read that many
/// times, a line of another plane at every step, where a panel is one
/// stream). Zen 3, 2 threads, in the models, with the copy: ResNet-50's
/// 1024 -> 256 at 14x14 and 2048 -> 512 at 7x7 0.69-0.78x, 256 -> 1024
/// 0.80-0.88x; EfficientNet-B0's 112 -> 672, 192 -> 1152 and 320 ->
/// 1280 0.75-0.87x, 1152 -> 192 0.88-0.90x; MobileNetV2's expansions
/// 0.84-0.92x. With 6 to 10 tiles (672 -> 112, 576 -> 96, 960 -> 160)
/// 0.96-1.09x: the copy not paid back.
constexpr int64_t kCmPanelMinTiles = 12;

/// Scratch above this size makes conv_im2col fall back to the generic path.
constexpr uint64_t kMaxIm2colBytes = uint64_t(64) << 20;

struct TileConfig {
  std::string variant;
  int64_t mr = 8, nv = 2, vl = 16;
  int64_t nr() const { return nv * vl; }
  /// Winograd's output tile side (0: not a Winograd template).
  int64_t winograd() const {
    return variant == "conv_winograd2" ? 2 : variant == "conv_winograd4" ? 4 : 0;
  }
};

TileConfig readConfig(CpuTileAttr config) {
  TileConfig c;
  c.variant = stringifyCpuKernel(config.getKernel()).str();
  c.mr = config.getMr();
  c.nv = config.getNv();
  c.vl = config.getVl();
  return c;
}

RankedTensorType typeOf(Value v) {
  return llvm::cast<RankedTensorType>(v.getType());
}

bool isF32(Value v) { return typeOf(v).getElementType().isF32(); }
bool isConstant(Value v) { return v && outerValue(v).getDefiningOp<ConstantOp>(); }

MemRefType memrefOf(Value v) {
  RankedTensorType t = typeOf(v);
  return MemRefType::get(t.getShape(), t.getElementType());
}

//===----------------------------------------------------------------------===//
// Weight packing (compile time)
//===----------------------------------------------------------------------===//

std::vector<char> toBytes(const std::vector<float> &v) {
  std::vector<char> bytes(v.size() * sizeof(float));
  std::memcpy(bytes.data(), v.data(), bytes.size());
  return bytes;
}

/// W[M][K] -> [ceil(M/MR)][K][MR], zero rows past M.
std::vector<float> packRows(const ConstantView &w, int64_t m, int64_t k,
                            int64_t mr) {
  int64_t panels = (m + mr - 1) / mr;
  std::vector<float> out(panels * k * mr, 0.0f);
  for (int64_t p = 0; p < panels; ++p)
    for (int64_t kk = 0; kk < k; ++kk)
      for (int64_t r = 0; r < mr; ++r) {
        int64_t row = p * mr + r;
        if (row < m)
          out[(p * k + kk) * mr + r] = static_cast<float>(w.getDouble(row * k + kk));
      }
  return out;
}

/// B(k, n) of a constant [K][N] (or [N][K] when transposed) packed into
/// [N/NR][K][NR].
std::vector<float> packCols(const ConstantView &bT, int64_t k, int64_t n,
                            bool trans, int64_t nr) {
  int64_t tiles = (n + nr - 1) / nr;
  std::vector<float> out(tiles * k * nr, 0.0f);
  for (int64_t t = 0; t < tiles; ++t)
    for (int64_t kk = 0; kk < k; ++kk)
      for (int64_t j = 0; j < nr; ++j) {
        int64_t col = t * nr + j;
        if (col < n)
          out[(t * k + kk) * nr + j] = static_cast<float>(
              bT.getDouble(trans ? col * k + kk : kk * n + col));
      }
  return out;
}

//===----------------------------------------------------------------------===//
// IR helpers
//===----------------------------------------------------------------------===//


//===----------------------------------------------------------------------===//
// Epilogues
//===----------------------------------------------------------------------===//

/// Stores an MR x NV tile through the epilogue: rows `row0 + r` below
/// `rows`, lanes masked past `cols` (counted from `col0`); `at(row, col)`
/// gives the indices of the output (and of Full operands).
void storeTile(Emitter &e, ArrayRef<Value> acc, int64_t mr, int64_t nv,
               Value out, const Epilogue &epi,
               function_ref<SmallVector<Value>(Value row, Value col)> at,
               Value row0, Value rows, Value col0, Value cols) {
  SmallVector<Value> valid, masks;
  for (int64_t j = 0; j < nv; ++j) {
    valid.push_back(e.sub(cols, e.add(col0, e.idx(j * e.vl))));
    masks.push_back(e.mask(valid.back()));
  }
  // Costly steps run after the task's tiles (applyApart).
  bool apart = epi.appliesApart();
  for (int64_t r = 0; r < mr; ++r) {
    Value row = e.add(row0, e.idx(r));
    e.ifThen(e.lt(row, rows), [&] {
      for (int64_t j = 0; j < nv; ++j) {
        Value col = e.add(col0, e.idx(j * e.vl));
        SmallVector<Value> where = at(row, col);
        if (apart) {
          e.vstorePrefix(acc[r * nv + j], out, where, valid[j]);
          continue;
        }
        Value v = epi.apply(e, acc[r * nv + j], row, col, [&](Value operand) {
          return e.vloadMasked(operand, where, masks[j]);
        });
        epi.output.storePrefix(e, v, out, where, valid[j]);
      }
    });
  }
}

/// Where the epilogue applies apart (Epilogue::appliesApart), and storeTile
/// therefore stored a task's tiles as they were: the steps over rows [row0,
/// rowEnd) x columns [col0, colEnd) of `out`, `lead(row)` giving a row's
/// indices before the column. Run after the task's last tile, in a loop of
/// its own (so that the tile's registers are free again).
void applyApart(Emitter &e, const Epilogue &epi, Value out,
                function_ref<SmallVector<Value>(Value row)> lead, Value row0,
                Value rowEnd, Value col0, Value colEnd) {
  if (!epi.appliesApart())
    return;
  e.forEach(row0, rowEnd, 1, [&](Value row) {
    epi.applyInPlace(e, out, lead(row), row, col0, colEnd);
  });
}

/// acc[r][j] += splat(a[r]) * b[j].
SmallVector<Value> fmaStep(Emitter &e, ValueRange acc, ArrayRef<Value> aRows,
                           ArrayRef<Value> bCols, int64_t mr, int64_t nv) {
  SmallVector<Value> next(acc.begin(), acc.end());
  for (int64_t r = 0; r < mr; ++r) {
    Value a = e.splat(aRows[r]);
    for (int64_t j = 0; j < nv; ++j)
      next[r * nv + j] = e.fma(a, bCols[j], next[r * nv + j]);
  }
  return next;
}

//===----------------------------------------------------------------------===//
// Convolution
//===----------------------------------------------------------------------===//

/// The accumulators' start: each row's bias (0 past `rows`), splat.
SmallVector<Value> biasRows(Emitter &e, Value bias, Value row0, Value rows,
                            int64_t mr, int64_t nv) {
  SmallVector<Value> acc;
  for (int64_t r = 0; r < mr; ++r) {
    Value v = e.f32(0);
    if (bias) {
      Value row = e.add(row0, e.idx(r));
      Value safe = e.min(row, e.sub(rows, e.idx(1)));
      v = e.select(e.lt(row, rows), e.load(bias, {safe}), v);
    }
    Value s = e.splat(v);
    for (int64_t j = 0; j < nv; ++j)
      acc.push_back(s);
  }
  return acc;
}

/// The MR-row panels of one block of output channels: about 128 channels
/// a block, or fewer where `otherTasks` (the launch's tasks per block) x the
/// blocks would not give kMinTasks tasks. A launch runs its tasks split in
/// as many equal runs as it has threads: 7 tasks on 2 threads (a 1x1 of 64
/// channels at 14x14 with AVX-512) kept one thread idle for a seventh of
/// the launch and scaled 1.24x from one thread to two.
struct PanelBlocks {
  int64_t panels, perBlock, blocks;
  PanelBlocks(int64_t m, int64_t mr, int64_t otherTasks) {
    panels = (m + mr - 1) / mr;
    perBlock = std::max<int64_t>(1, 128 / mr);
    blocks = (panels + perBlock - 1) / perBlock;
    if (otherTasks * blocks < kMinTasks) {
      int64_t want = std::min(panels, (kMinTasks + otherTasks - 1) / otherTasks);
      perBlock = (panels + want - 1) / want;
      blocks = (panels + perBlock - 1) / perBlock;
    }
  }
};

/// conv_pointwise: [N, M, P] = W[M, C] x X[N, C, P], input rows read in
/// place.
void buildPointwise(Emitter &e, const ConvShape &s, const TileConfig &cfg,
                    Value x, Value wp, Value bias, Value out,
                    const Epilogue &epi, Value begin, Value end, int64_t &grid) {
  int64_t mr = cfg.mr, nv = cfg.nv, nr = cfg.nr(), p = s.oh * s.ow;
  int64_t tiles = (p + nr - 1) / nr;
  PanelBlocks pb(s.m, mr, s.n * tiles);
  grid = s.n * tiles * pb.blocks;
  Value x3 = flattenSpatial(e, x), out3 = flattenSpatial(e, out);
  bool prefetchNext = std::min(pb.panels, pb.perBlock) <= 2 || s.c >= 64;
  e.forEach(begin, end, 1, [&](Value t) {
    Value blk = e.rem(t, e.idx(pb.blocks));
    Value q = e.div(t, e.idx(pb.blocks));
    Value pt = e.rem(q, e.idx(tiles)), n = e.div(q, e.idx(tiles));
    Value p0 = e.mul(pt, e.idx(nr));
    SmallVector<Value> masks;
    for (int64_t j = 0; j < nv; ++j)
      masks.push_back(e.mask(e.sub(e.idx(p), e.add(p0, e.idx(j * e.vl)))));
    Value first = e.mul(blk, e.idx(pb.perBlock));
    Value last = e.min(e.add(first, e.idx(pb.perBlock)), e.idx(pb.panels));
    e.forEach(first, last, 1, [&](Value pan) {
      Value row0 = e.mul(pan, e.idx(mr));
      // Writing more planes than the store-ahead below covers: the next
      // panel's output lines fetched for ownership, and its residual's
      // for reading, while this panel's reduction runs (a line in each
      // of MR planes per panel). Zen 3, 2 threads, in ResNet-50: its 64 ->
      // 256 convolutions at 56x56 with the residual add 0.69-0.73x, the
      // one without 0.79x, 128 -> 512 at 28x28 with the add 0.78-0.89x.
      if (s.m > kPointwiseStoreAheadPlanes)
        for (int64_t r = 0; r < mr; ++r) {
          Value row = e.min(e.add(row0, e.idx(mr + r)), e.idx(s.m - 1));
          for (int64_t l = 0; l < nr; l += kLineFloats) {
            SmallVector<Value> at{n, row, e.min(e.add(p0, e.idx(l)), e.idx(p - 1))};
            e.prefetchWrite(out3, at);
            epi.prefetchFull(e, at);
          }
        }
      scf::ForOp kloop = e.loop(
          e.idx(0), e.idx(s.c), 1, biasRows(e, bias, row0, e.idx(s.m), mr, nv),
          [&](Value c, ValueRange acc) {
            SmallVector<Value> aRows, bCols;
            // The next tile's positions of this channel, a tile ahead:
            // each channel is a plane of its own (H x W floats apart), C
            // streams the hardware prefetcher does not all follow. Where a
            // task's panels are few (projections to few channels: the
            // input is read about once; Zen 4, MobileNetV2's 32 -> 16
            // channels at 112x112 in the model: 0.85x) or the reduction is
            // long (ResNet-50's 1x1 convolutions at 56x56 and 28x28:
            // 0.90-1.0x at batch 1, 0.82-0.98x at batch 8, where the
            // activations come from memory); not for short reductions
            // into many channels (MobileNetV2's expansions: 1.01-1.07x).
            if (prefetchNext)
              for (int64_t j = 0; j <= nv; ++j) {
                int64_t shift = nr + std::min(j * e.vl, nr - 1);
                e.prefetch(x3, {n, c, e.min(e.add(p0, e.idx(shift)), e.idx(p - 1))});
              }
            for (int64_t r = 0; r < mr; ++r)
              aRows.push_back(e.load(wp, {pan, c, e.idx(r)}));
            for (int64_t j = 0; j < nv; ++j)
              bCols.push_back(e.vloadMasked(x3, {n, c, e.add(p0, e.idx(j * e.vl))},
                                            masks[j]));
            return fmaStep(e, acc, aRows, bCols, mr, nv);
          });
      SmallVector<Value> acc(kloop.getResults());
      // The panel's output lines kPointwiseStoreAhead tiles on, fetched for
      // ownership: each tile writes a line or two in each of M planes, and
      // a model's activations are out of cache by the time it writes them.
      // Zen 3, 2 threads, in the models: MobileNetV2's expansions of 16 and
      // 24 channels to 96 and 144 at 112x112 and 56x56 0.67-0.87x, its
      // projections 0.88-0.90x; ResNet-50's 64 -> 256 at 56x56 1.05-1.07x
      // (a line in each of 256 planes per tile is more than the fills in
      // flight), so only up to kPointwiseStoreAheadPlanes planes.
      if (s.m <= kPointwiseStoreAheadPlanes) {
        Value ahead = e.min(e.add(p0, e.idx(kPointwiseStoreAhead * nr)), e.idx(p - 1));
        for (int64_t r = 0; r < mr; ++r)
          for (int64_t l = 0; l < nr; l += kLineFloats)
            e.prefetchWrite(out3, {n, e.min(e.add(row0, e.idx(r)), e.idx(s.m - 1)),
                                   e.min(e.add(ahead, e.idx(l)), e.idx(p - 1))});
      }
      storeTile(e, acc, mr, nv, out3, epi,
                [&](Value row, Value col) { return SmallVector<Value>{n, row, col}; },
                row0, e.idx(s.m), p0, e.idx(p));
    });
    applyApart(e, epi, out3, [&](Value row) { return SmallVector<Value>{n, row}; },
               e.mul(first, e.idx(mr)), e.min(e.mul(last, e.idx(mr)), e.idx(s.m)),
               p0, e.min(e.add(p0, e.idx(nr)), e.idx(p)));
  });
}


/// conv_direct: stride 1 or 2 in width, any padding and dilation; NR
/// positions of one output row per tile, input rows read in place.
void buildDirect(Emitter &e, const ConvShape &s, const TileConfig &cfg,
                 Value x, Value wp, Value bias, Value out, const Epilogue &epi,
                 Value begin, Value end, int64_t &grid) {
  int64_t mr = cfg.mr, nv = cfg.nv, nr = cfg.nr();
  int64_t owTiles = (s.ow + nr - 1) / nr;
  PanelBlocks pb(s.m, mr, s.n * s.oh * owTiles);
  grid = s.n * s.oh * owTiles * pb.blocks;
  SmallVector<int64_t> evens = evenLanes(e.vl);
  e.forEach(begin, end, 1, [&](Value t) {
    Value blk = e.rem(t, e.idx(pb.blocks));
    Value q = e.div(t, e.idx(pb.blocks));
    Value owt = e.rem(q, e.idx(owTiles));
    q = e.div(q, e.idx(owTiles));
    Value oh = e.rem(q, e.idx(s.oh)), n = e.div(q, e.idx(s.oh));
    Value ow0 = e.mul(owt, e.idx(nr));
    Value valid = e.min(e.sub(e.idx(s.ow), ow0), e.idx(nr));
    SmallVector<Value> lanes; // valid output lanes per vector
    for (int64_t j = 0; j < nv; ++j)
      lanes.push_back(e.min(e.max(e.sub(valid, e.idx(j * e.vl)), e.idx(0)),
                            e.idx(e.vl)));
    Value first = e.mul(blk, e.idx(pb.perBlock));
    Value last = e.min(e.add(first, e.idx(pb.perBlock)), e.idx(pb.panels));
    e.forEach(first, last, 1, [&](Value pan) {
      Value row0 = e.mul(pan, e.idx(mr));
      SmallVector<Value> init = biasRows(e, bias, row0, e.idx(s.m), mr, nv);
      SmallVector<Type> types(init.size(), e.vec());
      scf::ForOp cl = e.loop(
          e.idx(0), e.idx(s.c), 1, init, [&](Value c, ValueRange accIn) {
            SmallVector<Value> acc(accIn.begin(), accIn.end());
            Value kbase = e.mul(c, e.idx(s.kh * s.kw));
            for (int64_t kh = 0; kh < s.kh; ++kh) {
              Value ih = e.add(e.sub(e.mul(oh, e.idx(s.sh)), e.idx(s.ph)),
                               e.idx(kh * s.dh));
              Value rowOk = e.both(e.ge(ih, e.idx(0)), e.lt(ih, e.idx(s.h)));
              acc = e.ifElse(
                  rowOk, types,
                  [&] {
                    SmallVector<Value> a = acc;
                    for (int64_t kw = 0; kw < s.kw; ++kw) {
                      Value kk = e.add(kbase, e.idx(kh * s.kw + kw));
                      SmallVector<Value> aRows, bCols;
                      for (int64_t r = 0; r < mr; ++r)
                        aRows.push_back(e.load(wp, {pan, kk, e.idx(r)}));
                      for (int64_t j = 0; j < nv; ++j) {
                        Value c0 = e.add(
                            e.sub(e.mul(e.add(ow0, e.idx(j * e.vl)), e.idx(s.sw)),
                                  e.idx(s.pw)),
                            e.idx(kw * s.dw));
                        bCols.push_back(loadColumns(e, x, {n, c}, ih, c0, lanes[j],
                                                    s.sw, s.w, evens));
                      }
                      a = fmaStep(e, a, aRows, bCols, mr, nv);
                    }
                    return a;
                  },
                  [&] { return acc; });
            }
            return acc;
          });
      SmallVector<Value> acc(cl.getResults());
      storeTile(e, acc, mr, nv, out, epi,
                [&](Value row, Value col) { return SmallVector<Value>{n, row, oh, col}; },
                row0, e.idx(s.m), ow0, e.idx(s.ow));
    });
    applyApart(e, epi, out,
               [&](Value row) { return SmallVector<Value>{n, row, oh}; },
               e.mul(first, e.idx(mr)), e.min(e.mul(last, e.idx(mr)), e.idx(s.m)),
               ow0, e.min(e.add(ow0, e.idx(nr)), e.idx(s.ow)));
  });
}

/// conv_flat: stride 1 with the output as wide as the input (same
/// padding), NR consecutive output positions of the flattened image per
/// tile, so short rows waste no lanes. Each (kh, kw) reads the flattened
/// input shifted by a constant, masked where the window leaves the image.
void buildFlat(Emitter &e, const ConvShape &s, const TileConfig &cfg, Value x,
               Value wp, Value bias, Value out, const Epilogue &epi,
               Value begin, Value end, int64_t &grid) {
  int64_t mr = cfg.mr, nv = cfg.nv, nr = cfg.nr(), p = s.oh * s.ow;
  int64_t tiles = (p + nr - 1) / nr;
  PanelBlocks pb(s.m, mr, s.n * tiles);
  grid = s.n * tiles * pb.blocks;
  Value x3 = flattenSpatial(e, x), out3 = flattenSpatial(e, out);
  e.forEach(begin, end, 1, [&](Value t) {
    Value blk = e.rem(t, e.idx(pb.blocks));
    Value q = e.div(t, e.idx(pb.blocks));
    Value pt = e.rem(q, e.idx(tiles)), n = e.div(q, e.idx(tiles));
    Value p0 = e.mul(pt, e.idx(nr));
    // Per lane: its output row and column; per (kh, kw, j): which lanes
    // read inside the image.
    SmallVector<Value> masks;
    for (int64_t j = 0; j < nv; ++j) {
      Value pos = arith::AddIOp::create(
          e.b, e.loc, e.isplat(e.i32(e.add(p0, e.idx(j * e.vl)))), e.iota(1));
      Value inP = arith::CmpIOp::create(e.b, e.loc, arith::CmpIPredicate::slt,
                                        pos, e.isplat(e.i32(e.idx(p))));
      Value wv = e.isplat(e.i32(e.idx(s.w)));
      Value ohv = arith::DivUIOp::create(e.b, e.loc, pos, wv);
      Value owv = arith::RemUIOp::create(e.b, e.loc, pos, wv);
      for (int64_t kh = 0; kh < s.kh; ++kh)
        for (int64_t kw = 0; kw < s.kw; ++kw) {
          auto inRange = [&](Value v, int64_t shift, int64_t limit) {
            Value sh = arith::AddIOp::create(e.b, e.loc, v,
                                             e.isplat(e.i32(e.idx(shift))));
            return e.both(
                arith::CmpIOp::create(e.b, e.loc, arith::CmpIPredicate::sge, sh,
                                      e.isplat(e.i32(e.idx(0)))),
                arith::CmpIOp::create(e.b, e.loc, arith::CmpIPredicate::slt, sh,
                                      e.isplat(e.i32(e.idx(limit)))));
          };
          masks.push_back(e.both(inP, e.both(inRange(ohv, kh * s.dh - s.ph, s.h),
                                             inRange(owv, kw * s.dw - s.pw, s.w))));
        }
    }
    auto maskAt = [&](int64_t j, int64_t kh, int64_t kw) {
      return masks[(j * s.kh + kh) * s.kw + kw];
    };
    Value first = e.mul(blk, e.idx(pb.perBlock));
    Value last = e.min(e.add(first, e.idx(pb.perBlock)), e.idx(pb.panels));
    e.forEach(first, last, 1, [&](Value pan) {
      Value row0 = e.mul(pan, e.idx(mr));
      scf::ForOp cl = e.loop(
          e.idx(0), e.idx(s.c), 1, biasRows(e, bias, row0, e.idx(s.m), mr, nv),
          [&](Value c, ValueRange accIn) {
            SmallVector<Value> acc(accIn.begin(), accIn.end());
            Value kbase = e.mul(c, e.idx(s.kh * s.kw));
            // The window's rows of channel c + 2, ahead: each channel is a
            // plane of its own (H x W floats apart), a stride the hardware
            // prefetcher does not follow (64 -> 64 channels 3x3 at 56x56,
            // one thread: 3.13-3.22 -> 2.79-2.81 ms at best of a run).
            Value ahead = e.min(e.add(c, e.idx(kPrefetchChannels)), e.idx(s.c - 1));
            for (int64_t kh = 0; kh < s.kh; ++kh)
              for (int64_t edge : {int64_t(0), nr - 1}) {
                int64_t shift = (kh * s.dh - s.ph) * s.w + edge;
                Value at = e.max(e.min(e.add(p0, e.idx(shift)), e.idx(p - 1)), e.idx(0));
                e.prefetch(x3, {n, ahead, at});
              }
            for (int64_t kh = 0; kh < s.kh; ++kh)
              for (int64_t kw = 0; kw < s.kw; ++kw) {
                Value kk = e.add(kbase, e.idx(kh * s.kw + kw));
                int64_t shift = (kh * s.dh - s.ph) * s.w + (kw * s.dw - s.pw);
                SmallVector<Value> aRows, bCols;
                for (int64_t r = 0; r < mr; ++r)
                  aRows.push_back(e.load(wp, {pan, kk, e.idx(r)}));
                for (int64_t j = 0; j < nv; ++j)
                  bCols.push_back(e.vloadMasked(
                      x3, {n, c, e.add(p0, e.idx(j * e.vl + shift))},
                      maskAt(j, kh, kw)));
                acc = fmaStep(e, acc, aRows, bCols, mr, nv);
              }
            return acc;
          });
      SmallVector<Value> acc(cl.getResults());
      storeTile(e, acc, mr, nv, out3, epi,
                [&](Value row, Value col) { return SmallVector<Value>{n, row, col}; },
                row0, e.idx(s.m), p0, e.idx(p));
    });
    applyApart(e, epi, out3, [&](Value row) { return SmallVector<Value>{n, row}; },
               e.mul(first, e.idx(mr)), e.min(e.mul(last, e.idx(mr)), e.idx(s.m)),
               p0, e.min(e.add(p0, e.idx(nr)), e.idx(p)));
  });
}

/// The VL x VL transpose of `rows` (VL vectors): column k's lanes as one
/// vector. Eklundh's order: log2(VL) rounds, each swapping the off-diagonal
/// blocks of pairs of rows with one two-source shuffle per row.
SmallVector<Value> transposeSquare(Emitter &e, SmallVector<Value> rows) {
  int64_t n = rows.size();
  for (int64_t b = n / 2; b >= 1; b /= 2)
    for (int64_t i = 0; i < n; ++i) {
      if (i & b)
        continue;
      int64_t j = i + b;
      SmallVector<int64_t> lo, hi;
      for (int64_t k = 0; k < n; ++k) {
        lo.push_back((k & b) ? n + k - b : k);
        hi.push_back((k & b) ? n + k : k + b);
      }
      Value a = rows[i], c = rows[j];
      rows[i] = vector::ShuffleOp::create(e.b, e.loc, a, c, lo);
      rows[j] = vector::ShuffleOp::create(e.b, e.loc, a, c, hi);
    }
  return rows;
}

/// The input conv_cm reads: x itself, or a copy with the padding written
/// out (buildPaddedInput), H x W planes in either case. Window tap (a, b)
/// of output (oh, ow) is x[n][c][oh * SH + a * DH][ow * SW + b * DW].
struct CmInput {
  int64_t h, w;
  bool padded;
  /// Non-zero: x packed as panels [N][position tiles][C][panelLanes]
  /// (buildCmPanels), a tile's rows the first MR lanes of each channel's.
  int64_t panelLanes = 0;
};

CmInput cmInputOf(const ConvShape &s, ArrayRef<int64_t> pads) {
  bool padded = llvm::any_of(pads, [](int64_t p) { return p != 0; });
  if (!padded)
    return {s.h, s.w, false};
  return {s.h + pads[0] + pads[2], s.w + pads[1] + pads[3], true};
}

/// conv_cm: output positions are the rows of the register tile and output
/// channels its vector lanes (weights packed [M/NR][C * KH * KW][NR]), for
/// images too small to fill vectors along the positions. Each row's input
/// element is a scalar broadcast, read in place from the window of its
/// output position (in.padded: from the copy with the padding written out),
/// so no im2col rows are written and read back: a 7x7 stem's 147 packed
/// rows (7.4 MB at 224x224) were 147 streams from memory per tile, 0.83 ms
/// against 0.48 for onnxruntime on Zen 5. The tile is transposed in
/// registers and stored to NCHW a channel's positions at a time.
void buildChannelMajor(Emitter &e, const ConvShape &s, const CmInput &in,
                       const TileConfig &cfg, Value x, Value wt, Value bias,
                       Value out, const Epilogue &epi, Value begin, Value end,
                       int64_t &grid) {
  int64_t mr = cfg.mr, nv = cfg.nv, nr = cfg.nr(), p = s.oh * s.ow;
  int64_t taps = s.kh * s.kw, plane = in.panelLanes ? in.panelLanes : in.h * in.w;
  // A 1x1 stride-1 convolution reads x[n][c][p]: its position tiles run
  // on across output rows. Otherwise (windowed): tiles of one output row
  // each, so that row r reads at a constant offset from the tile's corner
  // (per-row offsets took a register each, spilled: 0.64 -> 0.92 ms for a
  // 3x3 stride 2 at 7x7); the row's last tile may be partial.
  bool windowed = !(taps == 1 && s.sh == 1 && s.sw == 1 && !in.padded);
  int64_t rowTiles = (s.ow + mr - 1) / mr;
  int64_t pTiles = windowed ? s.oh * rowTiles : (p + mr - 1) / mr;
  int64_t mTiles = (s.m + nr - 1) / nr;
  // One task per (image, channel tile): its weight panel is read from
  // memory once and stays in cache while the task runs every position tile;
  // with fewer than kMinTasks such tasks, each also takes a group of the
  // position tiles (the weights read once per group).
  int64_t groups = 1;
  if (s.n * mTiles < kMinTasks)
    groups = std::min(pTiles, (kMinTasks + s.n * mTiles - 1) / (s.n * mTiles));
  int64_t perGroup = (pTiles + groups - 1) / groups;
  groups = (pTiles + perGroup - 1) / perGroup;
  grid = s.n * mTiles * groups;
  bool apart = epi.appliesApart();
  // x as [N][C * H * W]: a row's tap is an offset into its channel's plane.
  Value xf = memref::CollapseShapeOp::create(
      e.b, e.loc, x, SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});
  Value out3 = flattenSpatial(e, out);
  // Deep reductions in blocks of channels whose weights (and input rows)
  // stay in L1 while every position tile runs over them, the partial tiles
  // kept in a scratch of the task's: a weight panel of 2048 x 16 floats
  // read from L2 once per position tile held the 7x7 1x1 convolutions of
  // ResNet-50's last stage at 90-110 GF/s on Zen 3.
  int64_t perChannel = (nr + std::min<int64_t>(p, 16 * mr)) * 4 * taps;
  int64_t cb = std::max<int64_t>(16, kCmBlockBytes / perChannel);
  bool blocked = s.c * taps * nr * 4 > kCmBlockBytes &&
                 cb < s.c && perGroup * mr * nv * e.vl * 4 <= kCmPartialBytes;
  int64_t blocks = blocked ? (s.c + cb - 1) / cb : 1;
  // The weights a block (or, unblocked, a panel) ahead, a line per
  // vector each channel: a model's weights come from memory, and a block's
  // are read in a burst at its first position tile, too late for the
  // hardware prefetcher (a 1x1 of 1024 -> 256 channels at 14x14, 2
  // threads, Zen 5: 0.21 ms with its weights in L3, 0.25 from memory).
  int64_t ahead = (blocked ? cb : s.c) * taps;
  int64_t wElems = mTiles * s.c * taps * nr;
  Value wFlat = memref::CollapseShapeOp::create(
      e.b, e.loc, wt, SmallVector<ReassociationIndices>{{0, 1, 2}});
  Value partial = blocked ? memref::AllocaOp::create(
                                e.b, e.loc,
                                MemRefType::get({perGroup, mr * nv, e.vl},
                                                e.b.getF32Type()))
                          : Value();
  // Tap (a, b)'s offset in a plane, a * DH * W + b * DW.
  Value tapOffsets;
  if (taps > 1) {
    tapOffsets = memref::AllocaOp::create(
        e.b, e.loc, MemRefType::get({taps}, e.b.getIndexType()));
    for (int64_t a = 0; a < s.kh; ++a)
      for (int64_t b = 0; b < s.kw; ++b)
        e.store(e.idx(a * s.dh * in.w + b * s.dw), tapOffsets, {e.idx(a * s.kw + b)});
  }
  // Tasks in order of their position group where the weights are small
  // (every thread reads them all, from L2), so that threads split the
  // image as the kernels before and after do, not its channels: half the
  // input had come from the other core (Zen 5, 2 threads, while the
  // machine's memory was busy: ResNet-50's layer2.0.conv2, 1.6 MB in,
  // 0.74 -> 0.59 ms; its 7x7 stem 0.60 -> 0.54).
  bool positionMajor = groups > 1 && s.m * s.c * taps * 4 <= kCmSharedWeightBytes;
  e.forEach(begin, end, 1, [&](Value t) {
    Value g, mt, n;
    if (positionMajor) {
      mt = e.rem(t, e.idx(mTiles));
      Value q = e.div(t, e.idx(mTiles));
      g = e.rem(q, e.idx(groups));
      n = e.div(q, e.idx(groups));
    } else {
      g = e.rem(t, e.idx(groups));
      Value q = e.div(t, e.idx(groups));
      mt = e.rem(q, e.idx(mTiles));
      n = e.div(q, e.idx(mTiles));
    }
    Value ptFirst = e.mul(g, e.idx(perGroup));
    Value ptEnd = e.min(e.add(ptFirst, e.idx(perGroup)), e.idx(pTiles));
    // A windowed tile's output row and first column.
    auto rowTile = [&](Value pt) {
      return std::make_pair(e.div(pt, e.idx(rowTiles)),
                            e.mul(e.rem(pt, e.idx(rowTiles)), e.idx(mr)));
    };
    // Tile pt's first position (p at pTiles).
    auto firstPosition = [&](Value pt) {
      if (!windowed)
        return e.min(e.mul(pt, e.idx(mr)), e.idx(p));
      auto [oh, ow0] = rowTile(pt);
      return e.add(e.mul(oh, e.idx(s.ow)), ow0);
    };
    Value taskEnd = firstPosition(ptEnd);
    // Position tile pt over channels [c0, c1): from the bias (first) or
    // the partial tile, to the output (last) or the partial tile.
    auto tile = [&](Value pt, Value c0, Value c1, bool first, bool last,
                    bool lastTile) {
      Value m0 = e.mul(mt, e.idx(nr)), p0 = firstPosition(pt);
      // The tile's positions and each row's input offset: rows past them
      // repeat the last.
      Value rows, corner;
      SmallVector<Value> base;
      if (windowed) {
        auto [oh, ow0] = rowTile(pt);
        rows = e.min(e.idx(mr), e.sub(e.idx(s.ow), ow0));
        corner = e.add(e.mul(oh, e.idx(s.sh * in.w)), e.mul(ow0, e.idx(s.sw)));
        for (int64_t r = 0; r < mr; ++r)
          base.push_back(e.mul(e.min(e.idx(r), e.sub(rows, e.idx(1))), e.idx(s.sw)));
      } else if (in.panelLanes) {
        rows = e.min(e.idx(mr), e.sub(e.idx(p), p0));
        Value panel0 = e.mul(pt, e.idx(s.c * in.panelLanes));
        for (int64_t r = 0; r < mr; ++r)
          base.push_back(e.add(panel0, e.idx(r)));
      } else {
        rows = e.min(e.idx(mr), e.sub(e.idx(p), p0));
        for (int64_t r = 0; r < mr; ++r)
          base.push_back(e.min(e.add(p0, e.idx(r)), e.idx(p - 1)));
      }
      SmallVector<Value> lanes;
      for (int64_t j = 0; j < nv; ++j)
        lanes.push_back(e.mask(e.sub(e.idx(s.m), e.add(m0, e.idx(j * e.vl)))));
      SmallVector<Value> init;
      for (int64_t r = 0; r < mr; ++r)
        for (int64_t j = 0; j < nv; ++j) {
          if (!first)
            init.push_back(e.vload(partial, {e.sub(pt, ptFirst), e.idx(r * nv + j), e.idx(0)}));
          else
            init.push_back(bias ? e.vloadMasked(bias, {e.add(m0, e.idx(j * e.vl))},
                                                lanes[j])
                                : e.zeros());
        }
      // One step per reduction index k = (c * KH + a) * KW + b: tap (a, b)
      // of channel c, an offset into the input. (The taps of a window row
      // unrolled in one step let LLVM hoist their broadcasts together,
      // spilling accumulators: 0.64 -> 0.92 ms for 3x3 stride 2 at 7x7.)
      // rowAt(r, at): row r's input element at reduction offset `at`.
      auto products = [&](ValueRange acc0,
                          function_ref<Value(int64_t, Value)> rowAt) {
        // Channel by channel, and within one tap by tap (offsets from the
        // table): k = c * KH * KW + t.
        auto step = [&](Value k, Value at, ValueRange accIn) {
          SmallVector<Value> aRows, bCols;
          for (int64_t r = 0; r < mr; ++r)
            aRows.push_back(rowAt(r, at));
          for (int64_t j = 0; j < nv; ++j)
            bCols.push_back(e.vload(wt, {mt, k, e.idx(j * e.vl)}));
          Value next = e.mul(e.add(e.mul(mt, e.idx(s.c * taps)), e.add(k, e.idx(ahead))),
                             e.idx(nr));
          for (int64_t j = 0; j < nv; ++j)
            e.prefetch(wFlat, {e.min(e.add(next, e.idx(j * e.vl)), e.idx(wElems - 1))});
          return fmaStep(e, accIn, aRows, bCols, mr, nv);
        };
        return e.loop(c0, c1, 1, acc0, [&](Value c, ValueRange accC) {
          Value plane0 = e.mul(c, e.idx(plane));
          if (taps == 1)
            return step(c, plane0, accC);
          Value k0 = e.mul(c, e.idx(taps));
          return SmallVector<Value>(
              e.loop(e.idx(0), e.idx(taps), 1, accC, [&](Value t, ValueRange accT) {
                 return step(e.add(k0, t), e.add(plane0, e.load(tapOffsets, {t})), accT);
               }).getResults());
        }).getResults();
      };
      SmallVector<Value> acc;
      if (!windowed) {
        acc = products(init, [&](int64_t r, Value at) {
          return e.load(xf, {n, e.add(at, base[r])});
        });
      } else {
        // A whole tile reads row r at corner + r * SW (constants from one
        // register); a partial one at its clamped offsets.
        SmallVector<Type> types(init.size(), e.vec());
        acc = e.ifElse(
            arith::CmpIOp::create(e.b, e.loc, arith::CmpIPredicate::eq, rows, e.idx(mr)), types,
            [&] {
              SmallVector<Value> r0 = products(init, [&](int64_t r, Value at) {
                return e.load(xf, {n, e.add(e.add(at, corner), e.idx(r * s.sw))});
              });
              return r0;
            },
            [&] {
              SmallVector<Value> r1 = products(init, [&](int64_t r, Value at) {
                return e.load(xf, {n, e.add(e.add(at, corner), base[r])});
              });
              return r1;
            });
      }
      if (!last) {
        for (int64_t i = 0; i < mr * nv; ++i)
          e.vstore(acc[i], partial, {e.sub(pt, ptFirst), e.idx(i), e.idx(0)});
        return;
      }
      // The output lines a few tiles ahead fetched for ownership: a
      // model's activations are out of cache by the time a kernel writes
      // them again (ResNet-50 on Zen 5, 2 threads: 1.6% faster, its 7x7
      // stem's 3.2 MB output 0.65 -> 0.59 ms).
      Value storeAhead = e.min(e.add(p0, e.idx(kStoreAheadTiles * mr)), e.idx(p - 1));
      for (int64_t k = 0; k < nr; ++k)
        e.prefetchWrite(out3, {n, e.min(e.add(m0, e.idx(k)), e.idx(s.m - 1)), storeAhead});
      // The tile transposed in registers (positions to lanes, a vector per
      // channel) and stored a channel's positions at a time, where a
      // scatter cost a store per element.
      // Rows in groups of VL (MR may exceed a vector).
      for (int64_t g = 0; g < mr; g += e.vl) {
        int64_t groupRows = std::min(e.vl, mr - g);
        Value pg = e.add(p0, e.idx(g));
        Value inGroup = e.min(e.idx(groupRows), e.sub(rows, e.idx(g)));
        Value positions = e.mask(inGroup);
        // Whole vectors up to the task's last position but in its last
        // position tile: lanes past the group are the task's next tiles'
        // positions, which they store over later.
        Value stored =
            lastTile ? inGroup : e.min(e.idx(e.vl), e.sub(taskEnd, pg));
        for (int64_t j = 0; j < nv; ++j) {
          SmallVector<Value> lanes;
          for (int64_t r = 0; r < e.vl; ++r)
            lanes.push_back(r < groupRows ? acc[(g + r) * nv + j] : e.zeros());
          SmallVector<Value> cols = transposeSquare(e, lanes);
          for (int64_t k = 0; k < e.vl; ++k) {
            Value ch = e.add(m0, e.idx(j * e.vl + k));
            e.ifThen(e.lt(ch, e.idx(s.m)), [&] {
              SmallVector<Value> where{n, ch, pg};
              if (apart) {
                e.vstorePrefix(cols[k], out3, where, stored);
                return;
              }
              Value v = epi.apply(e, cols[k], ch, pg, [&](Value operand) {
                return e.vloadMasked(operand, where, positions);
              });
              epi.output.storePrefix(e, v, out3, where, stored);
            });
          }
        }
      }
    };
    // The group's last position tile apart: only its stores are masked
    // (the next tile may be another task's).
    auto allTiles = [&](Value c0, Value c1, bool first, bool last) {
      Value lastPt = e.sub(ptEnd, e.idx(1));
      e.forEach(ptFirst, lastPt, 1,
                [&](Value pt) { tile(pt, c0, c1, first, last, false); });
      tile(lastPt, c0, c1, first, last, true);
    };
    if (!blocked) {
      allTiles(e.idx(0), e.idx(s.c), true, true);
    } else {
      allTiles(e.idx(0), e.idx(cb), true, false);
      if (blocks > 2)
        e.forEach(e.idx(cb), e.idx((blocks - 1) * cb), cb, [&](Value c0) {
          allTiles(c0, e.add(c0, e.idx(cb)), false, false);
        });
      allTiles(e.idx((blocks - 1) * cb), e.idx(s.c), false, true);
    }
    // Costly steps over the task's channels, along its positions.
    applyApart(e, epi, out3, [&](Value row) { return SmallVector<Value>{n, row}; },
               e.mul(mt, e.idx(nr)), e.min(e.add(e.mul(mt, e.idx(nr)), e.idx(nr)), e.idx(s.m)),
               firstPosition(ptFirst), taskEnd);
  });
}

/// conv_cm.pack: a 1x1 convolution's strided or padded input as the rows
/// of a 1x1 stride-1 convolution (a stride-2 one reads a quarter of its
/// input, compacted: ResNet-50's 56x56 downsample ran at 0.61 ms reading
/// x in place, 0.49 packed), generally X[n][c * KH * KW + a * KW + b][0][p] =
/// x[n][c][ih][iw] of output position p and tap (a, b) (0 in the padding).
/// A row holds P + VL positions, so that every store is a whole vector: an
/// output row's last one runs into the next's positions, stored over next,
/// or into the row's padding.
void buildChannelRows(Emitter &e, const ConvShape &s, Value x, Value dst,
                      Value begin, Value end, int64_t &grid) {
  int64_t kk = s.kh * s.kw;
  SmallVector<int64_t> evens = evenLanes(e.vl);
  grid = s.n * s.c;
  e.forEach(begin, end, 1, [&](Value t) {
    Value c = e.rem(t, e.idx(s.c)), n = e.div(t, e.idx(s.c));
    for (int64_t a = 0; a < s.kh; ++a)
      for (int64_t b = 0; b < s.kw; ++b) {
        Value row = e.add(e.mul(c, e.idx(kk)), e.idx(a * s.kw + b));
        e.forEach(e.idx(0), e.idx(s.oh), 1, [&](Value oh) {
          Value ih = e.add(e.mul(oh, e.idx(s.sh)), e.idx(a * s.dh - s.ph));
          Value ok = e.both(e.ge(ih, e.idx(0)), e.lt(ih, e.idx(s.h)));
          Value safe = e.max(e.min(ih, e.idx(s.h - 1)), e.idx(0));
          e.forEach(e.idx(0), e.idx(s.ow), e.vl, [&](Value ow0) {
            Value valid = e.min(e.idx(e.vl), e.sub(e.idx(s.ow), ow0));
            Value c0 = e.add(e.mul(ow0, e.idx(s.sw)), e.idx(b * s.dw - s.pw));
            Value v;
            if (s.sw <= 2) {
              v = loadColumns(e, x, {n, c}, safe, c0, valid, s.sw, s.w, evens, ok);
            } else {
              // Columns c0 + i * SW: a gather of the lanes inside the row.
              Value iw = arith::AddIOp::create(e.b, e.loc, e.isplat(e.i32(c0)),
                                               e.iota(s.sw));
              Value zero = e.isplat(e.i32(e.idx(0)));
              Value in = e.both(
                  arith::CmpIOp::create(e.b, e.loc, arith::CmpIPredicate::sge, iw, zero),
                  arith::CmpIOp::create(e.b, e.loc, arith::CmpIPredicate::slt, iw,
                                        e.isplat(e.i32(e.idx(s.w)))));
              Value m = e.both(e.both(in, e.mask(valid)),
                               vector::BroadcastOp::create(e.b, e.loc, e.mvec(), ok));
              v = e.gather(x, {n, c, safe, e.idx(0)}, e.select(m, iw, zero), m);
            }
            e.vstore(v, dst, {n, row, e.idx(0), e.add(e.mul(oh, e.idx(s.ow)), ow0)});
          });
        });
      }
  });
}

/// conv_cm.panel: a 1x1 stride-1 convolution's input as panels
/// [N][position tiles][C][VL], tile t's lanes of channel c x[n][c][t * MR
/// + l] (0 past the image), so that a tile's broadcasts read one stream
/// where reading x in place takes a line of another plane at every step.
/// Tasks of 8 tiles x 32 channels.
void buildCmPanels(Emitter &e, const ConvShape &s, int64_t mr, Value x,
                   Value dst, Value begin, Value end, int64_t &grid) {
  int64_t p = s.oh * s.ow, pTiles = (p + mr - 1) / mr;
  int64_t run = 8, runs = (pTiles + run - 1) / run;
  int64_t cb = 32, cbs = (s.c + cb - 1) / cb;
  grid = s.n * runs * cbs;
  Value xf = flattenSpatial(e, x);
  e.forEach(begin, end, 1, [&](Value t) {
    Value cq = e.rem(t, e.idx(cbs));
    Value t2 = e.div(t, e.idx(cbs));
    Value g = e.rem(t2, e.idx(runs)), n = e.div(t2, e.idx(runs));
    Value t0 = e.mul(g, e.idx(run));
    Value t1 = e.min(e.add(t0, e.idx(run)), e.idx(pTiles));
    Value c0 = e.mul(cq, e.idx(cb));
    e.forEach(c0, e.min(e.add(c0, e.idx(cb)), e.idx(s.c)), 1, [&](Value c) {
      e.forEach(t0, t1, 1, [&](Value pt) {
        Value p0 = e.mul(pt, e.idx(mr));
        Value valid = e.sub(e.idx(p), p0);
        Value v = e.ifElse(e.ge(valid, e.idx(e.vl)), TypeRange{e.vec()},
                           [&] { return SmallVector<Value>{e.vload(xf, {n, c, p0})}; },
                           [&] {
                             return SmallVector<Value>{
                                 e.vloadMasked(xf, {n, c, p0}, e.mask(valid))};
                           })[0];
        e.vstore(v, dst, {n, pt, c, e.idx(0)});
      });
    });
  });
}

/// conv_cm.pad: x with its padding written out as zeros, [N][C][Hp][Wp]
/// (in.h x in.w planes), a padded row per task in whole vectors.
void buildPaddedInput(Emitter &e, const ConvShape &s, const CmInput &in,
                      ArrayRef<int64_t> pads, Value x, Value dst, Value begin,
                      Value end, int64_t &grid) {
  // Channels inner: a thread copies a band of rows, as the kernel before
  // wrote them.
  grid = s.n * s.c * in.h;
  SmallVector<int64_t> evens = evenLanes(e.vl);
  e.forEach(begin, end, 1, [&](Value t) {
    Value c = e.rem(t, e.idx(s.c));
    Value q = e.div(t, e.idx(s.c));
    Value hp = e.rem(q, e.idx(in.h)), n = e.div(q, e.idx(in.h));
    Value ih = e.sub(hp, e.idx(pads[0]));
    Value ok = e.both(e.ge(ih, e.idx(0)), e.lt(ih, e.idx(s.h)));
    Value safe = e.max(e.min(ih, e.idx(s.h - 1)), e.idx(0));
    e.forEach(e.idx(0), e.idx(in.w), e.vl, [&](Value w0) {
      Value valid = e.min(e.idx(e.vl), e.sub(e.idx(in.w), w0));
      Value v = loadColumns(e, x, {n, c}, safe, e.sub(w0, e.idx(pads[1])), valid, 1, s.w,
                            evens, ok);
      e.vstorePrefix(v, dst, {n, c, hp, w0}, valid);
    });
  });
}

/// conv_im2col, launch 1: panels[n][P/NR][K][NR] of the input: a vector of
/// one output row's positions by masked strided loads, others by gathers.
void buildIm2col(Emitter &e, const ConvShape &s, const TileConfig &cfg, Value x4,
                 Value panels, Value begin, Value end, int64_t &grid) {
  int64_t nr = cfg.nr(), nv = cfg.nv, p = s.oh * s.ow;
  int64_t tiles = (p + nr - 1) / nr;
  grid = s.n * tiles * s.c;
  Value x = flattenSpatial(e, x4);
  SmallVector<int64_t> evens = evenLanes(e.vl);
  e.forEach(begin, end, 1, [&](Value t) {
    Value c = e.rem(t, e.idx(s.c));
    Value q = e.div(t, e.idx(s.c));
    Value pt = e.rem(q, e.idx(tiles)), n = e.div(q, e.idx(tiles));
    Value p0 = e.mul(pt, e.idx(nr));
    for (int64_t j = 0; j < nv; ++j) {
      Value first = e.add(p0, e.idx(j * e.vl));
      // Any positions: each lane's window gathered.
      auto gatherVector = [&] {
        Value pos = arith::AddIOp::create(e.b, e.loc, e.isplat(e.i32(first)),
                                          e.iota(1));
        Value inP = arith::CmpIOp::create(e.b, e.loc, arith::CmpIPredicate::slt, pos,
                                          e.isplat(e.i32(e.idx(p))));
        Value owv = e.isplat(e.i32(e.idx(s.ow)));
        Value ohs = arith::DivUIOp::create(e.b, e.loc, pos, owv);
        Value ows = arith::RemUIOp::create(e.b, e.loc, pos, owv);
        Value ih0 = arith::SubIOp::create(
            e.b, e.loc, arith::MulIOp::create(e.b, e.loc, ohs, e.isplat(e.i32(e.idx(s.sh)))),
            e.isplat(e.i32(e.idx(s.ph))));
        Value iw0 = arith::SubIOp::create(
            e.b, e.loc, arith::MulIOp::create(e.b, e.loc, ows, e.isplat(e.i32(e.idx(s.sw)))),
            e.isplat(e.i32(e.idx(s.pw))));
        Value zero = e.isplat(e.i32(e.idx(0)));
        // Lanes of `v` (i32 coordinates) in [0, limit).
        auto inside = [&](Value v, int64_t limit) {
          return e.both(
              arith::CmpIOp::create(e.b, e.loc, arith::CmpIPredicate::sge, v, zero),
              arith::CmpIOp::create(e.b, e.loc, arith::CmpIPredicate::slt, v,
                                    e.isplat(e.i32(e.idx(limit)))));
        };
        for (int64_t kh = 0; kh < s.kh; ++kh) {
          Value ih = arith::AddIOp::create(e.b, e.loc, ih0, e.isplat(e.i32(e.idx(kh * s.dh))));
          Value okH = inside(ih, s.h);
          for (int64_t kw = 0; kw < s.kw; ++kw) {
            Value iw = arith::AddIOp::create(e.b, e.loc, iw0, e.isplat(e.i32(e.idx(kw * s.dw))));
            Value ok = e.both(e.both(okH, inside(iw, s.w)), inP);
            Value flat = arith::AddIOp::create(
                e.b, e.loc, arith::MulIOp::create(e.b, e.loc, ih, e.isplat(e.i32(e.idx(s.w)))), iw);
            Value safe = e.select(ok, flat, zero);
            Value v = e.gather(x, {n, c, e.idx(0)}, safe, ok);
            Value k = e.add(e.mul(c, e.idx(s.kh * s.kw)), e.idx(kh * s.kw + kw));
            e.vstore(v, panels, {n, pt, k, e.idx(j * e.vl)});
          }
        }
      };
      if (s.sw > 2) {
        gatherVector();
        continue;
      }
      // Positions of one output row (the common case where OW is a
      // multiple of VL): each window row read as one masked, strided
      // load, as conv_direct reads it, instead of VL gathered lanes.
      Value oh = e.div(first, e.idx(s.ow)), ow = e.rem(first, e.idx(s.ow));
      Value oneRow = e.both(e.lt(e.add(ow, e.idx(e.vl - 1)), e.idx(s.ow)),
                            e.lt(e.add(first, e.idx(e.vl - 1)), e.idx(p)));
      e.ifThenElse(
          oneRow,
          [&] {
            Value ih0 = e.sub(e.mul(oh, e.idx(s.sh)), e.idx(s.ph));
            Value c0 = e.sub(e.mul(ow, e.idx(s.sw)), e.idx(s.pw));
            for (int64_t kh = 0; kh < s.kh; ++kh) {
              Value ih = e.add(ih0, e.idx(kh * s.dh));
              Value rowOk = e.both(e.ge(ih, e.idx(0)), e.lt(ih, e.idx(s.h)));
              Value row = e.select(rowOk, ih, e.idx(0));
              for (int64_t kw = 0; kw < s.kw; ++kw) {
                Value v = loadColumns(e, x4, {n, c}, row, e.add(c0, e.idx(kw * s.dw)),
                                      e.idx(e.vl), s.sw, s.w, evens, rowOk);
                Value k = e.add(e.mul(c, e.idx(s.kh * s.kw)), e.idx(kh * s.kw + kw));
                e.vstore(v, panels, {n, pt, k, e.idx(j * e.vl)});
              }
            }
          },
          gatherVector);
    }
  });
}

/// conv_im2col's register tile: `init` plus weight panel `pan` x the
/// panels of image n's position tile pt over reduction rows [k0, k1).
SmallVector<Value> panelProduct(Emitter &e, Value wp, Value panels, Value n,
                                Value pan, Value pt, Value k0, Value k1,
                                ValueRange init, int64_t mr, int64_t nv) {
  scf::ForOp kloop = e.loop(k0, k1, 1, init, [&](Value kk, ValueRange acc) {
    SmallVector<Value> aRows, bCols;
    for (int64_t r = 0; r < mr; ++r)
      aRows.push_back(e.load(wp, {pan, kk, e.idx(r)}));
    for (int64_t j = 0; j < nv; ++j)
      bCols.push_back(e.vload(panels, {n, pt, kk, e.idx(j * e.vl)}));
    return fmaStep(e, acc, aRows, bCols, mr, nv);
  });
  return SmallVector<Value>(kloop.getResults());
}

/// The reduction of conv_im2col's products in blocks of this many rows
/// (where it is at least 1.5 times as deep): a weight panel's block stays
/// in L1 while it multiplies every position tile of the task, and the
/// panels' block in L2 while the task's weight panels pass.
constexpr int64_t kPanelGemmDepth = 512;
/// A K-blocked conv_im2col task covers position tiles whose block of
/// panels takes at most this many bytes, and this many weight panels.
constexpr int64_t kPanelBlockBytes = 192 * 1024;
constexpr int64_t kPanelsPerBlockedTask = 4;

void buildPanelGemmBlocked(Emitter &e, const ConvShape &s, const TileConfig &cfg,
                           Value panels, Value wp, Value bias, Value out,
                           const Epilogue &epi, Value begin, Value end,
                           int64_t &grid);

/// conv_im2col, launch 2: the register tiles over the panels.
void buildPanelGemm(Emitter &e, const ConvShape &s, const TileConfig &cfg,
                    Value panels, Value wp, Value bias, Value out,
                    const Epilogue &epi, Value begin, Value end, int64_t &grid) {
  int64_t mr = cfg.mr, nv = cfg.nv, nr = cfg.nr(), p = s.oh * s.ow;
  int64_t k = s.c * s.kh * s.kw;
  // Deep products accumulate block by block in the (f32) output.
  if (k * 2 >= kPanelGemmDepth * 3 && !epi.output.scale)
    return buildPanelGemmBlocked(e, s, cfg, panels, wp, bias, out, epi, begin,
                                 end, grid);
  int64_t tiles = (p + nr - 1) / nr;
  PanelBlocks pb(s.m, mr, s.n * tiles);
  grid = s.n * tiles * pb.blocks;
  Value out3 = flattenSpatial(e, out);
  e.forEach(begin, end, 1, [&](Value t) {
    Value blk = e.rem(t, e.idx(pb.blocks));
    Value q = e.div(t, e.idx(pb.blocks));
    Value pt = e.rem(q, e.idx(tiles)), n = e.div(q, e.idx(tiles));
    Value p0 = e.mul(pt, e.idx(nr));
    Value first = e.mul(blk, e.idx(pb.perBlock));
    Value last = e.min(e.add(first, e.idx(pb.perBlock)), e.idx(pb.panels));
    e.forEach(first, last, 1, [&](Value pan) {
      Value row0 = e.mul(pan, e.idx(mr));
      SmallVector<Value> acc =
          panelProduct(e, wp, panels, n, pan, pt, e.idx(0), e.idx(k),
                       biasRows(e, bias, row0, e.idx(s.m), mr, nv), mr, nv);
      storeTile(e, acc, mr, nv, out3, epi,
                [&](Value row, Value col) { return SmallVector<Value>{n, row, col}; },
                row0, e.idx(s.m), p0, e.idx(p));
    });
    applyApart(e, epi, out3, [&](Value row) { return SmallVector<Value>{n, row}; },
               e.mul(first, e.idx(mr)), e.min(e.mul(last, e.idx(mr)), e.idx(s.m)),
               p0, e.min(e.add(p0, e.idx(nr)), e.idx(p)));
  });
}

/// conv_im2col over deep products: a task is a few weight panels x a block
/// of position tiles, its reduction in blocks of kPanelGemmDepth, each
/// block's partial sums stored in the output and read back by the next
/// (GotoBLAS's order). Where each position tile used to read every weight
/// of its panels (ResNet-50's layer4 streamed its 9.4 MB of 3x3 weights
/// from memory once per 16 positions), each weight is read once per
/// position block.
void buildPanelGemmBlocked(Emitter &e, const ConvShape &s, const TileConfig &cfg,
                           Value panels, Value wp, Value bias, Value out,
                           const Epilogue &epi, Value begin, Value end,
                           int64_t &grid) {
  int64_t mr = cfg.mr, nv = cfg.nv, nr = cfg.nr(), p = s.oh * s.ow;
  int64_t k = s.c * s.kh * s.kw, kc = kPanelGemmDepth;
  int64_t panelsM = (s.m + mr - 1) / mr;
  int64_t perBlock = std::min(kPanelsPerBlockedTask, panelsM);
  int64_t mBlocks = (panelsM + perBlock - 1) / perBlock;
  int64_t tiles = (p + nr - 1) / nr;
  int64_t perPos = std::clamp<int64_t>(kPanelBlockBytes / (kc * nr * 4), 1, tiles);
  int64_t posBlocks = (tiles + perPos - 1) / perPos;
  grid = s.n * posBlocks * mBlocks;
  Value out3 = flattenSpatial(e, out);
  auto f32Vec = e.vec();
  e.forEach(begin, end, 1, [&](Value t) {
    Value blk = e.rem(t, e.idx(mBlocks));
    Value q = e.div(t, e.idx(mBlocks));
    Value posBlk = e.rem(q, e.idx(posBlocks)), n = e.div(q, e.idx(posBlocks));
    Value first = e.mul(blk, e.idx(perBlock));
    Value last = e.min(e.add(first, e.idx(perBlock)), e.idx(panelsM));
    Value ptFirst = e.mul(posBlk, e.idx(perPos));
    Value ptLast = e.min(e.add(ptFirst, e.idx(perPos)), e.idx(tiles));
    e.forEach(e.idx(0), e.idx(k), kc, [&](Value k0) {
      Value k1 = e.min(e.add(k0, e.idx(kc)), e.idx(k));
      Value isFirst = e.lt(k0, e.idx(1));
      Value isLast = e.ge(k1, e.idx(k));
      e.forEach(first, last, 1, [&](Value pan) {
        Value row0 = e.mul(pan, e.idx(mr));
        e.forEach(ptFirst, ptLast, 1, [&](Value pt) {
          Value p0 = e.mul(pt, e.idx(nr));
          SmallVector<Value> masks;
          for (int64_t j = 0; j < nv; ++j)
            masks.push_back(e.mask(e.sub(e.idx(p), e.add(p0, e.idx(j * e.vl)))));
          SmallVector<Type> types(mr * nv, f32Vec);
          SmallVector<Value> init = e.ifElse(
              isFirst, types,
              [&] { return biasRows(e, bias, row0, e.idx(s.m), mr, nv); },
              [&] {
                // The partial sums of the blocks before (rows past M read
                // row M - 1's, never stored).
                SmallVector<Value> acc;
                for (int64_t r = 0; r < mr; ++r) {
                  Value row = e.min(e.add(row0, e.idx(r)), e.idx(s.m - 1));
                  for (int64_t j = 0; j < nv; ++j)
                    acc.push_back(e.vloadMasked(
                        out3, {n, row, e.add(p0, e.idx(j * e.vl))}, masks[j]));
                }
                return acc;
              });
          SmallVector<Value> acc =
              panelProduct(e, wp, panels, n, pan, pt, k0, k1, init, mr, nv);
          auto at = [&](Value row, Value col) {
            return SmallVector<Value>{n, row, col};
          };
          e.ifThenElse(
              isLast,
              [&] {
                storeTile(e, acc, mr, nv, out3, epi, at, row0, e.idx(s.m), p0,
                          e.idx(p));
              },
              [&] {
                storeTile(e, acc, mr, nv, out3, Epilogue{}, at, row0,
                          e.idx(s.m), p0, e.idx(p));
              });
        });
      });
    });
    applyApart(e, epi, out3, [&](Value row) { return SmallVector<Value>{n, row}; },
               e.mul(first, e.idx(mr)), e.min(e.mul(last, e.idx(mr)), e.idx(s.m)),
               e.mul(ptFirst, e.idx(nr)), e.min(e.mul(ptLast, e.idx(nr)), e.idx(p)));
  });
}

//===----------------------------------------------------------------------===//
// Gemm / MatMul with a constant right operand
//===----------------------------------------------------------------------===//

void buildGemm(Emitter &e, int64_t m, int64_t n, int64_t k, double alpha,
               const TileConfig &cfg, Value a, Value bp, Value bias, Value out,
               const Epilogue &epi, Value begin, Value end, int64_t &grid) {
  int64_t mr = cfg.mr, nv = cfg.nv, nr = cfg.nr();
  int64_t mTiles = (m + mr - 1) / mr, nTiles = (n + nr - 1) / nr;
  grid = mTiles * nTiles;
  e.forEach(begin, end, 1, [&](Value t) {
    Value nt = e.rem(t, e.idx(nTiles)), mt = e.div(t, e.idx(nTiles));
    Value row0 = e.mul(mt, e.idx(mr)), col0 = e.mul(nt, e.idx(nr));
    SmallVector<Value> init;
    for (int64_t r = 0; r < mr; ++r)
      for (int64_t j = 0; j < nv; ++j)
        init.push_back(e.zeros());
    // Each row's indices into `a` (rank 2, or more when the rows of a
    // strided view do not merge).
    ArrayRef<int64_t> lead = llvm::cast<MemRefType>(a.getType()).getShape().drop_back();
    SmallVector<SmallVector<Value>> rows;
    for (int64_t r = 0; r < mr; ++r) {
      Value row = e.min(e.add(row0, e.idx(r)), e.idx(m - 1));
      SmallVector<Value> idx(lead.size());
      for (int64_t d = lead.size() - 1; d >= 0; --d) {
        idx[d] = d == 0 ? row : e.rem(row, e.idx(lead[d]));
        if (d > 0)
          row = e.div(row, e.idx(lead[d]));
      }
      rows.push_back(idx);
    }
    scf::ForOp kloop = e.loop(e.idx(0), e.idx(k), 1, init, [&](Value kk, ValueRange acc) {
      SmallVector<Value> aRows, bCols;
      for (int64_t r = 0; r < mr; ++r) {
        SmallVector<Value> at = rows[r];
        at.push_back(kk);
        aRows.push_back(e.load(a, at));
      }
      for (int64_t j = 0; j < nv; ++j)
        bCols.push_back(e.vload(bp, {nt, kk, e.idx(j * e.vl)}));
      return fmaStep(e, acc, aRows, bCols, mr, nv);
    });
    SmallVector<Value> acc(kloop.getResults());
    // alpha * A*B + bias (the bias is packed pre-scaled by beta).
    for (int64_t i = 0; i < mr * nv; ++i) {
      Value bv = bias ? e.vload(bias, {e.add(col0, e.idx((i % nv) * e.vl))})
                      : e.zeros();
      acc[i] = alpha != 1.0 ? e.fma(e.splat(e.f32(alpha)), acc[i], bv)
                            : arith::AddFOp::create(e.b, e.loc, acc[i], bv).getResult();
    }
    storeTile(e, acc, mr, nv, out, epi,
              [&](Value row, Value col) { return SmallVector<Value>{row, col}; },
              row0, e.idx(m), col0, e.idx(n));
    applyApart(e, epi, out, [&](Value row) { return SmallVector<Value>{row}; },
               row0, e.min(e.add(row0, e.idx(mr)), e.idx(m)), col0,
               e.min(e.add(col0, e.idx(nr)), e.idx(n)));
  });
}
} // namespace

//===----------------------------------------------------------------------===//
// Selection, epilogue classification, construction
//===----------------------------------------------------------------------===//

CpuTileAttr mlir::infer::selectTileConfig(Operation *op,
                                          const CpuTarget &target) {
  MLIRContext *ctx = op->getContext();
  int64_t vl = target.vectorBytes / 4;
  // Attention and pooling vectorize along one axis: the vector length only
  // (their templates decline what they cannot read).
  if (llvm::isa<AttentionOp, PoolOp>(op)) {
    auto tile = CpuTileAttr::get(ctx, llvm::isa<PoolOp>(op) ? CpuKernel::pool
                                                             : CpuKernel::attention,
                                 1, 1, vl);
    op->setAttr(InferDialect::getTileAttrName(), tile);
    return tile;
  }
  if (vl < 8)
    return nullptr; // SSE-only CPUs take the generic path
  // MR x NV accumulators + NV loads + 1 broadcast must fit the registers.
  int64_t regs = target.vectorBytes == 64 ? 32 : 16;
  auto tileOf = [&](CpuKernel kernel, int64_t mr, int64_t nv) {
    auto tile = CpuTileAttr::get(ctx, kernel, mr, nv, vl);
    op->setAttr(InferDialect::getTileAttrName(), tile);
    return tile;
  };
  // As many rows as NV vectors leave registers for, at most `rows`.
  auto make = [&](CpuKernel kernel, int64_t nv, int64_t rows = INT64_MAX) {
    int64_t mr = nv == 1 ? std::min<int64_t>(12, regs - 4)
                         : std::min<int64_t>(8, (regs - nv - 1) / nv);
    mr = std::max<int64_t>(1, std::min(mr, rows)); // no idle rows (GEMV)
    return tileOf(kernel, mr, nv);
  };
  // The vector count per tile that wastes the fewest lanes on `n` outputs.
  auto bestNv = [&](int64_t n) {
    // With 16 registers one vector per row leaves 12 rows, each a broadcast
    // load per FMA: load-bound. Two vectors of 6 rows ran 1.15-1.65x faster
    // on every 3x3 convolution tried on a Zen 3 (AVX2) machine.
    if (regs == 16 && n > vl)
      return 2;
    auto waste = [&](int64_t nv) {
      int64_t nr = nv * vl;
      return (n + nr - 1) / nr * nr - n;
    };
    return waste(1) < waste(2) ? 1 : 2;
  };
  if (auto conv = llvm::dyn_cast<ConvOp>(op)) {
    if (CpuTileAttr i8 = selectInt8ConvTile(conv, target))
      return i8;
    if (conv.getChannelsLast() || typeOf(conv.getInput()).getRank() != 4 ||
        !isF32(conv.getInput()) ||
        !typeOf(conv.getInput()).hasStaticShape() ||
        !isConstant(conv.getWeight()) ||
        (conv.getBias() && !isConstant(conv.getBias())))
      return nullptr;
    ConvShape s = convShape(conv);
    if (conv.getGroup() == s.c && s.m == s.c && s.sw <= 2) {
      // Up to four vectors per row (each weight broadcast feeds them all)
      // and about eight accumulators, the rest of the registers left to the
      // window's weights: infer-compile --tune on Zen 3 (EfficientNet-B0,
      // MobileNetV2) found 2 x 4 and 2 x 2 tiles up to 2x faster than 6 x
      // 2 on 14x14 to 56x56 outputs. Rows chosen to waste the fewest on OH.
      // A flattened plane (depthwiseFlatVectors): 4 vectors at a time (a
      // 7x7 plane of 960 channels at 3x3 in 10.1 us against 11.3 with 2).
      if (int64_t flat = depthwiseFlatVectors(s, vl))
        return make(CpuKernel::dwconv, std::min<int64_t>(4, flat), 1);
      int64_t vectors = (s.ow + vl - 1) / vl;
      int64_t nv = std::min<int64_t>(4, vectors);
      int64_t most = std::min<int64_t>(s.oh, std::max<int64_t>(2, 8 / nv));
      int64_t rows = most;
      for (int64_t r = most; r >= std::max<int64_t>(1, most / 2); --r)
        if ((s.oh + r - 1) / r * r < (s.oh + rows - 1) / rows * rows)
          rows = r;
      return make(CpuKernel::dwconv, nv, rows);
    }
    if (conv.getGroup() != 1)
      return nullptr;
    bool unitStride = s.sh == 1 && s.sw == 1;
    bool noPad = llvm::all_of(conv.getPads(), [](int64_t p) { return p == 0; });
    int64_t positions = s.oh * s.ow;
    bool pointwise = s.kh == 1 && s.kw == 1;
    int64_t nr = 2 * vl;
    int64_t k = s.c * s.kh * s.kw, p = s.oh * s.ow;
    uint64_t scratch = uint64_t(s.n) * ((p + nr - 1) / nr) * k * nr * 4;
    // Vectors along the output channels, rows along the positions (MR
    // chosen to divide them evenly). Where 512-bit FMAs run at half rate
    // (Zen 4) up to 14 rows, one vector of channels from 10 rows on: infer-compile --tune there picked 14 x 1
    // over 7 x 2 for 1x1 convolutions of 14x14 and 28x28 outputs (1.1-1.3x)
    // and kept 7 x 2 on 7x7 ones. With two full-width FMA pipes a row's
    // broadcast per FMA would be load-bound: two vectors, up to 8 rows.
    // A windowed convolution's tiles are parts of one output row: MR then
    // divides OW.
    auto channelMajor = [&] {
      // 16 registers hold at most 6 rows of two vectors (and a broadcast).
      bool wide = regs == 32 && target.halfRate512;
      int64_t most = wide ? 14 : regs == 32 ? 8 : 6, least = wide ? 7 : 5;
      bool windowed = !pointwise;
      int64_t extent = windowed ? s.ow : positions;
      int64_t best = most;
      for (int64_t r = most; r >= least; --r)
        if ((extent + r - 1) / r * r - extent < (extent + best - 1) / best * best - extent)
          best = r;
      return tileOf(CpuKernel::conv_cm, best, best > 8 ? 1 : 2);
    };
    // With 16 registers (AVX2), as infer-compile --tune measured on Zen 3
    // (ResNet-50, MobileNetV2, EfficientNet-B0; bench/RESULTS.md,
    // 2026-11-30): 1x1 convolutions of up to 14x14 outputs run 1.2-2.3x
    // faster channel-major than as pointwise or row tiles, and the other
    // strided convolutions 1.2-2.6x faster as im2col GEMMs than as direct
    // row tiles (ResNet's 3x3 stride-2 convolutions, its downsampling 1x1
    // at 56x56, the 7x7 stem).
    // 3x3 stride 1 with 16 channels or more in and out: Winograd, F(4, 3)
    // where the image has at least two vectors of 4x4 tiles, else F(2, 3).
    // On Zen 3 (AVX2, 2 threads) against conv_flat: 16 -> 16 channels at
    // 56x56 0.133 -> 0.077 ms, 64 at 56x56 1.37 -> 0.67, 128 at 28x28 1.51
    // -> 0.57, 256 at 14x14 2.24 -> 0.62; 512 at 7x7 3.44 -> 1.00 with F(2,
    // 3) (F(4, 3) has 4 tiles there: half-empty vectors).
    // With 32 registers, as tuning measured on Zen 4 (AVX-512, 2 threads):
    // F(4, 3) from one vector of tiles on (256 channels at 14x14: 1.23x
    // over F(2, 3)), and images of one vector of tiles as 14 output
    // channels x 1 vector (512 at 7x7 with F(2, 3): 1.76x over 8 x 2).
    // Where 512-bit FMAs run at full rate (Zen 5), an image of one vector
    // of tiles whose weights take 4 MB or more (512 channels at 7x7) is
    // bound by reading them from memory, which Winograd's 16 / 9 as many
    // make worse: channel-major in ResNet-50, 0.57 -> 0.52 ms.
    if (winogradMismatch(s).empty() && s.c >= 16 && s.m >= 16) {
      bool weightBound = regs == 32 && !target.halfRate512 && s.m >= 2 * vl &&
                         WinogradShape(s, 2, vl, 2 * vl).tiles <= vl &&
                         s.m * s.c * s.kh * s.kw * 4 >= (4 << 20);
      if (weightBound)
        return channelMajor();
      int64_t least = regs == 32 ? vl : 2 * vl;
      int64_t m = WinogradShape(s, 4, vl, 2 * vl).tiles >= least ? 4 : 2;
      CpuKernel kind = m == 4 ? CpuKernel::conv_winograd4 : CpuKernel::conv_winograd2;
      WinogradShape g(s, m, vl, 2 * vl);
      if (g.scratchBytes(s) <= kMaxIm2colBytes)
        return regs == 32 && g.tiles <= vl ? tileOf(kind, 14, 1) : make(kind, 2);
    }
    // Small images: channel-major.
    if (positions <= 4 * vl && s.m >= 2 * vl && (pointwise || !unitStride))
      return channelMajor();
    // 1x1 convolutions of up to 14x14 outputs channel-major (Zen 3 and
    // Zen 4 alike); the other strided convolutions as im2col GEMMs with 16
    // registers, channel-major with 32 (Zen 4: 1.18-1.46x over direct row
    // tiles on ResNet-50's stride-2 3x3 and 1x1 convolutions; Zen 5: its
    // 7x7 stem 0.67 -> 0.49 ms), where the reduction is at least 64 long
    // (a 3x3 stem's 27 spends a third of its time in the transposing
    // stores: 0.073 -> 0.097 ms at 112x112).
    if (s.m >= 2 * vl) {
      if (pointwise && positions <= 196)
        return channelMajor();
      if (regs == 16 && !unitStride && scratch <= kMaxIm2colBytes)
        return make(CpuKernel::conv_im2col, 2);
      if (regs == 32 && !unitStride && k >= 64 && scratch <= kMaxIm2colBytes)
        return channelMajor();
    }
    // Pointwise: 14 rows of output channels x 2 vectors fill AVX-512's
    // registers where the reduction is short (Zen 4: 24 to 40 input
    // channels 1.2-1.8x over 8 x 2); deep ones keep 8 x 2. Where 512-bit
    // FMAs run at half rate (Zen 4), infer-compile --tune on MobileNetV2
    // and EfficientNet-B0 picked 9 x 3 for 56x56 and larger images (16 to
    // 32 channels in at 112x112: 1.5-2x; 24 at 56x56: 1.1-1.25x, kept in
    // the model) and 14 x 1 at 28x28 (32 and 40 in: 1.3-1.5x). 10 to 16
    // output channels take one tile of all of them, one vector wide
    // (MobileNetV2's 32 -> 16 at 112x112 in the model: 0.131 -> 0.089 ms
    // against 9 x 3's two tiles, 18 rows for 16).
    if (s.kh == 1 && s.kw == 1 && unitStride && noPad) {
      if (regs == 32 && s.c <= 48 && target.halfRate512) {
        if (positions >= 56 * 56 && s.m >= 10 && s.m <= 16)
          return tileOf(CpuKernel::conv_pointwise, s.m, 1);
        return positions >= 56 * 56 ? tileOf(CpuKernel::conv_pointwise, 9, 3)
                                    : tileOf(CpuKernel::conv_pointwise, 14, 1);
      }
      return regs == 32 && s.c <= 48 ? tileOf(CpuKernel::conv_pointwise, 14, 2)
                                     : make(CpuKernel::conv_pointwise, 2);
    }
    // Short rows: tiles over the flattened image (needs the output as wide
    // as the input). With 16 registers (AVX2) any row: flat tiles beat
    // row tiles 1.1-1.25x on Zen 3 3x3 convolutions of 28 to 56 columns.
    if (unitStride && s.ow == s.w && (s.ow < 2 * vl || regs == 16))
      return make(CpuKernel::conv_flat, bestNv(s.oh * s.ow));
    if (s.sw <= 2)
      return make(CpuKernel::conv_direct, bestNv(s.ow));
    if (scratch > kMaxIm2colBytes)
      return nullptr;
    return make(CpuKernel::conv_im2col, 2);
  }
  if (llvm::isa<GemmOp, MatMulOp>(op))
    if (CpuTileAttr i8 = selectInt8GemmTile(op, target))
      return i8;
  if (auto gemm = llvm::dyn_cast<GemmOp>(op)) {
    if (!isF32(gemm.getA()) || gemm.getTransA() || !isConstant(gemm.getB()))
      return nullptr;
    if (Value c = gemm.getC()) {
      ArrayRef<int64_t> cs = typeOf(c).getShape();
      int64_t n = typeOf(gemm.getOutput()).getDimSize(1);
      bool row = (cs.size() == 1 && cs[0] == n) ||
                 (cs.size() == 2 && cs[0] == 1 && cs[1] == n);
      if (!isConstant(c) || !row)
        return nullptr;
    }
    return make(CpuKernel::gemm, 2, typeOf(gemm.getA()).getDimSize(0));
  }
  if (auto mm = llvm::dyn_cast<MatMulOp>(op)) {
    if (!isF32(mm.getLhs()) || typeOf(mm.getRhs()).getRank() != 2 ||
        typeOf(mm.getLhs()).getRank() < 2 || !isConstant(mm.getRhs()) ||
        !typeOf(mm.getLhs()).hasStaticShape())
      return nullptr;
    RankedTensorType lhs = typeOf(mm.getLhs());
    return make(CpuKernel::gemm, 2, lhs.getNumElements() / lhs.getShape().back());
  }
  return nullptr;
}

std::string mlir::infer::tileMismatch(Operation *op, CpuTileAttr tile,
                                      const CpuTarget &target) {
  std::string prefix;
  llvm::raw_string_ostream os(prefix);
  os << "the tile " << tile << " does not fit " << op->getName() << ": ";
  os.flush();
  int64_t vl = tile.getVl();
  if (vl * 4 > target.vectorBytes)
    return prefix + std::to_string(vl) + "-float vectors on a CPU with " +
           std::to_string(target.vectorBytes) + "-byte registers";
  int64_t regs = target.vectorBytes == 64 ? 32 : 16;
  CpuKernel k = tile.getKernel();
  bool int8 = k == CpuKernel::conv_i8 || k == CpuKernel::gemm_i8;
  // The int8 templates' vectors are 16 lanes: on 8-lane registers (AVX2)
  // an accumulator takes two, the split bytes of a vector four, a
  // broadcast row's two more.
  int64_t needed = int8 && vl == 8
                       ? 2 * tile.getMr() * tile.getNv() + 4 * tile.getNv() + 2
                       : tile.getMr() * tile.getNv() + tile.getNv() + 1;
  if (needed > regs)
    return prefix + std::to_string(tile.getMr()) + " x " +
           std::to_string(tile.getNv()) + " accumulators do not fit " +
           std::to_string(regs) + " vector registers";
  if (int8) {
    std::string name = stringifyCpuKernel(k).str();
    if (vl != 16 && vl != 8)
      return prefix + name + " runs its dot products on 16 lanes (AVX-512 VNNI) or 8 (AVX2)";
    if (vl == 16 && !target.avx512vnni)
      return prefix + name + " on 16 lanes needs AVX-512 VNNI";
    std::string why = k == CpuKernel::conv_i8
                          ? (llvm::isa<ConvOp>(op)
                                 ? int8ConvMismatch(llvm::cast<ConvOp>(op), target)
                                 : "conv_i8 takes a convolution")
                          : int8GemmMismatch(op, target);
    return why.empty() ? "" : prefix + why;
  }
  if (k == CpuKernel::gemm) {
    if (!llvm::isa<GemmOp, MatMulOp>(op))
      return prefix + "gemm takes a gemm or matmul";
    Value b = llvm::isa<GemmOp>(op) ? llvm::cast<GemmOp>(op).getB()
                                    : llvm::cast<MatMulOp>(op).getRhs();
    if (!isConstant(b) || !isF32(b))
      return prefix + "gemm needs a constant f32 right operand";
    return "";
  }
  auto conv = llvm::dyn_cast<ConvOp>(op);
  if (!conv)
    return prefix + "a convolution template on another op";
  if (conv.getChannelsLast())
    return prefix + "its templates read NCHW, the convolution is channels-last";
  if (!isF32(conv.getInput()) || typeOf(conv.getInput()).getRank() != 4 ||
      !typeOf(conv.getInput()).hasStaticShape() || !isConstant(conv.getWeight()))
    return prefix + "its templates take 2-D f32 convolutions of constant weights";
  ConvShape s = convShape(conv);
  bool depthwise = conv.getGroup() == s.c && s.m == s.c;
  if (k == CpuKernel::dwconv)
    return depthwise && s.sw <= 2 ? ""
                                  : prefix + "dwconv takes depthwise "
                                             "convolutions of stride 1 or 2";
  if (conv.getGroup() != 1)
    return prefix + "only dwconv takes grouped convolutions";
  bool unitStride = s.sh == 1 && s.sw == 1;
  bool noPad = llvm::all_of(conv.getPads(), [](int64_t p) { return p == 0; });
  switch (k) {
  case CpuKernel::conv_pointwise:
    if (!(s.kh == 1 && s.kw == 1 && unitStride && noPad))
      return prefix + "conv_pointwise takes 1x1 stride-1 convolutions without "
                      "padding";
    break;
  case CpuKernel::conv_flat:
    if (!(unitStride && s.ow == s.w))
      return prefix + "conv_flat takes stride-1 convolutions as wide as their "
                      "input";
    break;
  case CpuKernel::conv_direct:
    if (s.sw > 2)
      return prefix + "conv_direct takes strides 1 and 2";
    break;
  case CpuKernel::conv_cm: {
    CmInput in = cmInputOf(s, conv.getPads());
    if (in.padded && uint64_t(s.n) * s.c * in.h * in.w * 4 > kMaxIm2colBytes)
      return prefix + "conv_cm's padded copy of the input would take more than 64 MiB";
    break;
  }
  case CpuKernel::conv_winograd2:
  case CpuKernel::conv_winograd4: {
    std::string why = winogradMismatch(s);
    if (!why.empty())
      return prefix + why;
    int64_t m = k == CpuKernel::conv_winograd2 ? 2 : 4;
    if (WinogradShape(s, m, vl, tile.getNv() * vl).scratchBytes(s) > kMaxIm2colBytes)
      return prefix + "its transformed tiles would take more than 64 MiB";
    break;
  }
  default:
    break;
  }
  return "";
}

FailureOr<SmallVector<EpilogueStep>>
mlir::infer::classifyEpilogue(Operation *anchor, ArrayRef<Operation *> ops) {
  SmallVector<EpilogueStep> steps;
  Value chain = anchor->getResult(0);
  RankedTensorType out = typeOf(chain);
  ArrayRef<int64_t> os = out.getShape();
  bool isConv = llvm::isa<ConvOp>(anchor);
  // A reshape that keeps the batch and channel dimensions (flattening the
  // image: a bias added after it) keeps a per-channel operand per row.
  ArrayRef<int64_t> anchorShape = typeOf(anchor->getResult(0)).getShape();
  auto keepsChannels = [&](RankedTensorType t) {
    return t.getRank() >= 2 && anchorShape.size() >= 2 &&
           t.getDimSize(0) == anchorShape[0] && t.getDimSize(1) == anchorShape[1];
  };
  int64_t lastDim = os.empty() ? 1 : os.back();
  for (Operation *op : ops) {
    // A reshape keeps the linear order: later steps read full operands in
    // that order and per-column ones while the last dimension stays.
    if (auto r = llvm::dyn_cast<ReshapeOp>(op)) {
      if (r.getInput() != chain)
        return failure();
      chain = r.getOutput();
      out = typeOf(chain);
      os = out.getShape();
      continue;
    }
    EpilogueStep step;
    step.op = op;
    // The templates store int8 rounded in registers: a quantize may end the
    // group; conv_i8 and gemm_i8 also round the value on the way (a
    // quantize and its dequantize: one step, the dequantize).
    if (auto q = llvm::dyn_cast<QuantizeOp>(op)) {
      auto next = std::next(llvm::find(ops, op));
      bool roundTrip = next != ops.end() && llvm::isa<DequantizeOp>(*next) &&
                       (*next)->getOperand(0) == q.getOutput();
      if (q.getInput() != chain || !symmetricInt8(q.getOutput()) ||
          (op != ops.back() && !roundTrip) ||
          (roundTrip && !symmetricInt8(anchor->getOperand(0))) ||
          typeOf(chain) != typeOf(anchor->getResult(0)))
        return failure();
      if (!roundTrip)
        steps.push_back(step);
      chain = q.getOutput();
      continue;
    }
    if (auto dq = llvm::dyn_cast<DequantizeOp>(op)) {
      if (dq.getInput() != chain || !chain.getDefiningOp<QuantizeOp>() ||
          dq.getOutput().getType() != out)
        return failure();
      steps.push_back(step);
      chain = dq.getOutput();
      continue;
    }
    if (op->getNumResults() != 1 || op->getResult(0).getType() != out)
      return failure();
    if (auto u = llvm::dyn_cast<UnaryOp>(op)) {
      if (u.getInput() != chain)
        return failure();
    } else if (auto bin = llvm::dyn_cast<BinaryOp>(op)) {
      switch (bin.getKind()) {
      case BinaryKind::add: case BinaryKind::sub: case BinaryKind::mul:
      case BinaryKind::div: case BinaryKind::max: case BinaryKind::min:
      case BinaryKind::pow: case BinaryKind::prelu:
        break;
      default:
        return failure();
      }
      step.chainOnLeft = bin.getLhs() == chain;
      step.operand = step.chainOnLeft ? bin.getRhs() : bin.getLhs();
      if ((step.chainOnLeft ? bin.getLhs() : bin.getRhs()) != chain ||
          step.operand == chain || !isF32(step.operand))
        return failure();
      // How the other operand broadcasts over the output.
      ArrayRef<int64_t> s = typeOf(step.operand).getShape();
      SmallVector<int64_t> aligned(os.size() - std::min(os.size(), s.size()), 1);
      aligned.append(s.begin(), s.end());
      if (aligned.size() != os.size())
        return failure();
      SmallVector<int64_t> nonOne;
      for (size_t d = 0; d < aligned.size(); ++d)
        if (aligned[d] != 1)
          nonOne.push_back(d);
      if (nonOne.empty())
        step.read = EpilogueStep::Read::Scalar;
      else if (ArrayRef<int64_t>(aligned) == os)
        step.read = EpilogueStep::Read::Full;
      else if (isConv && nonOne.size() == 1 && nonOne[0] == 1 &&
               keepsChannels(out))
        step.read = EpilogueStep::Read::PerRow;
      else if (!isConv && nonOne.size() == 1 &&
               nonOne[0] == static_cast<int64_t>(os.size()) - 1 &&
               os.back() == lastDim)
        step.read = EpilogueStep::Read::PerColumn;
      else
        return failure();
    } else {
      return failure();
    }
    chain = op->getResult(0);
    steps.push_back(step);
  }
  return steps;
}

FailureOr<TemplateKernel>
mlir::infer::buildTemplateKernel(Operation *anchor, CpuTileAttr config,
                                 ArrayRef<EpilogueStep> epilogue,
                                 KernelModule &kernels, std::string &error) {
  if (config.getKernel() == CpuKernel::conv_i8)
    return buildInt8ConvKernel(llvm::cast<ConvOp>(anchor), config, epilogue,
                               kernels, error);
  if (config.getKernel() == CpuKernel::gemm_i8)
    return buildInt8GemmKernel(anchor, config, epilogue, kernels, error);
  TileConfig cfg = readConfig(config);
  MLIRContext *ctx = anchor->getContext();
  auto f32 = Float32Type::get(ctx);
  TemplateKernel result;
  // Arguments: the template's inputs, then the epilogue's operands.
  SmallVector<MemRefType> inputTypes;
  auto addInput = [&](Value v, MemRefType type) {
    result.inputs.push_back({v, {}});
    inputTypes.push_back(type);
    return static_cast<int>(result.inputs.size()) - 1;
  };
  auto addPacked = [&](std::vector<float> data, MemRefType type) {
    result.inputs.push_back({Value(), toBytes(data)});
    inputTypes.push_back(type);
    return static_cast<int>(result.inputs.size()) - 1;
  };

  // Main operands of the anchor.
  int xArg = -1, wArg = -1, biasArg = -1;
  std::optional<StridedView> xView;
  ConvShape s{};
  bool cmPack = false; // conv_cm reads x's rows packed (1x1, strided or padded)
  bool cmPad = false;  // conv_cm reads a copy of x with its padding
  bool cmPanel = false; // conv_cm reads x packed as panels (1x1, many channel tiles)
  CmInput cmIn{};
  int64_t gm = 0, gn = 0, gk = 0;
  double alpha = 1;
  if (auto conv = llvm::dyn_cast<ConvOp>(anchor)) {
    s = convShape(conv);
    FailureOr<ConstantView> w = constantData(conv.getWeight());
    if (failed(w)) {
      error = "unreadable weights";
      return failure();
    }
    xArg = addInput(conv.getInput(), memrefOf(conv.getInput()));
    cmIn = cmInputOf(s, conv.getPads());
    cmPack = cfg.variant == "conv_cm" && s.kh * s.kw == 1 &&
             (cmIn.padded || s.sh != 1 || s.sw != 1);
    cmPad = cfg.variant == "conv_cm" && !cmPack && cmIn.padded;
    // Not after conv_cm.pack (a strided 1x1 convolution's rows, already
    // compact): ResNet-50's downsampling 512 -> 1024 and 1024 -> 2048 at
    // stride 2 took 1.02-1.05x with panels of the packed rows.
    cmPanel = cfg.variant == "conv_cm" && !cmPack && !cmPad && s.kh * s.kw == 1 &&
              cfg.mr <= cfg.vl && (s.m + cfg.nr() - 1) / cfg.nr() >= kCmPanelMinTiles &&
              uint64_t(s.n) * ((s.oh * s.ow + cfg.mr - 1) / cfg.mr) * s.c * cfg.vl * 4 <=
                  kMaxIm2colBytes;
    if (cfg.variant == "dwconv") {
      std::vector<float> flat(w->size());
      for (int64_t i = 0; i < w->size(); ++i)
        flat[i] = static_cast<float>(w->getDouble(i));
      wArg = addPacked(flat, MemRefType::get({s.m, s.kh * s.kw}, f32));
    } else if (int64_t m = cfg.winograd()) {
      WinogradShape g(s, m, cfg.vl, cfg.nr());
      wArg = addPacked(winogradWeights(*w, s, g, cfg.mr),
                       MemRefType::get({g.points, (s.m + cfg.mr - 1) / cfg.mr,
                                        s.c, cfg.mr}, f32));
    } else if (cfg.variant == "conv_cm") {
      int64_t k = s.c * s.kh * s.kw, nr = cfg.nr();
      wArg = addPacked(packCols(*w, k, s.m, /*trans=*/true, nr),
                       MemRefType::get({(s.m + nr - 1) / nr, k, nr}, f32));
    } else {
      int64_t k = s.c * s.kh * s.kw;
      wArg = addPacked(packRows(*w, s.m, k, cfg.mr),
                       MemRefType::get({(s.m + cfg.mr - 1) / cfg.mr, k, cfg.mr}, f32));
    }
    if (conv.getBias())
      biasArg = addInput(conv.getBias(), MemRefType::get({s.m}, f32));
  } else {
    Value lhs, rhs, c;
    bool transB = false;
    double beta = 1;
    if (auto gemm = llvm::dyn_cast<GemmOp>(anchor)) {
      lhs = gemm.getA();
      rhs = gemm.getB();
      c = gemm.getC();
      transB = gemm.getTransB();
      alpha = gemm.getAlpha().convertToDouble();
      beta = gemm.getBeta().convertToDouble();
    } else {
      auto mm = llvm::cast<MatMulOp>(anchor);
      lhs = mm.getLhs();
      rhs = mm.getRhs();
    }
    gk = typeOf(lhs).getShape().back();
    gm = typeOf(lhs).getNumElements() / gk;
    gn = typeOf(anchor->getResult(0)).getShape().back();
    FailureOr<ConstantView> bT = constantData(rhs);
    if (failed(bT)) {
      error = "unreadable weights";
      return failure();
    }
    // The lhs may be a strided view (an absorbed transpose or slice): the
    // kernel reads it in place through a reinterpret_cast.
    // Rows that no single stride spans (a transpose of the batch and
    // sequence dimensions) keep the view's leading dimensions and decompose
    // each row index.
    Value base;
    FailureOr<StridedView> view = traceView(lhs, base);
    if (failed(view))
      return TemplateKernel(); // not applicable: the generic path takes it
    FailureOr<StridedView> flat = view->reshaped({gm, gk});
    if (failed(flat) || flat->groups[1] != 1)
      return TemplateKernel(); // not applicable: the generic path takes it
    StridedView v = *flat;
    // A contiguous prefix of a larger buffer (the first rows of a slice)
    // still reads the whole buffer's argument, through the view.
    if (v.isContiguous() && typeOf(base).getNumElements() == gm * gk) {
      xArg = addInput(base, MemRefType::get({gm, gk}, f32));
    } else {
      xArg = addInput(base, MemRefType::get({typeOf(base).getNumElements()}, f32));
      xView = v;
    }
    int64_t tiles = (gn + cfg.nr() - 1) / cfg.nr();
    wArg = addPacked(packCols(*bT, gk, gn, transB, cfg.nr()),
                     MemRefType::get({tiles, gk, cfg.nr()}, f32));
    if (c && beta != 0) {
      FailureOr<ConstantView> cT = constantData(c);
      if (failed(cT)) {
        error = "unreadable bias";
        return failure();
      }
      std::vector<float> padded(tiles * cfg.nr(), 0.0f);
      for (int64_t i = 0; i < gn; ++i)
        padded[i] = static_cast<float>(beta * cT->getDouble(i));
      biasArg = addPacked(padded, MemRefType::get({tiles * cfg.nr()}, f32));
    }
  }

  // Epilogue operands: scalar constants are inlined; per-row and
  // per-column operands are read as 1-D; full ones like the output view.
  bool flatOut = cfg.variant == "conv_pointwise" || cfg.variant == "conv_im2col" ||
                 cfg.variant == "conv_flat" || cfg.variant == "conv_cm";
  auto outputView = [&](Value v) {
    RankedTensorType t = typeOf(v);
    if (cfg.variant == "gemm")
      return MemRefType::get({gm, gn}, f32);
    if (flatOut)
      return MemRefType::get({t.getDimSize(0), t.getDimSize(1),
                              t.getDimSize(2) * t.getDimSize(3)}, f32);
    return memrefOf(v);
  };
  SmallVector<int> epilogueArgs;
  SmallVector<std::optional<double>> scalars;
  // A final quantize is the store's (int8 output).
  ArrayRef<EpilogueStep> steps = epilogue;
  OutputStore outStore = OutputStore::splitFrom(steps);
  for (const EpilogueStep &step : steps) {
    scalars.push_back(std::nullopt);
    if (!step.operand) {
      epilogueArgs.push_back(-1);
      continue;
    }
    if (step.read == EpilogueStep::Read::Scalar && isConstant(step.operand)) {
      FailureOr<ConstantView> t = constantData(step.operand);
      if (failed(t)) {
        error = "unreadable epilogue constant";
        return failure();
      }
      scalars.back() = t->getDouble(0);
      epilogueArgs.push_back(-1);
      continue;
    }
    int64_t n = typeOf(step.operand).getNumElements();
    MemRefType type = step.read == EpilogueStep::Read::Full
                          ? outputView(anchor->getResult(0))
                          : MemRefType::get({n}, f32);
    epilogueArgs.push_back(addInput(step.operand, type));
  }

  // Stages: a padded copy of the input for templates that read rows in
  // place, the im2col panels for conv_im2col, then the compute stage.
  bool im2col = cfg.variant == "conv_im2col";
  int64_t nr = cfg.nr(), p = s.oh * s.ow;
  int64_t ptiles = (p + nr - 1) / nr;
  int nIn = result.inputs.size();
  MemRefType panelType =
      MemRefType::get({s.n, ptiles, s.c * s.kh * s.kw, nr}, f32);
  MemRefType outType =
      cfg.variant == "gemm"
          ? MemRefType::get({gm, gn}, outStore.elementType(ctx))
          : MemRefType::get(typeOf(anchor->getResult(0)).getShape(),
                            outStore.elementType(ctx));
  // The buffer the compute stage reads as its input (template input index,
  // or nIn + scratch index).
  int xSource = xArg;
  MemRefType xType = inputTypes[xArg];
  auto addStage = [&](StringRef kind, ArrayRef<MemRefType> types,
                      std::vector<int> args,
                      function_ref<void(Emitter &, ValueRange, Value, Value,
                                        int64_t &)> body) -> LogicalResult {
    FailureOr<KernelInfo> info = addMemrefKernel(kernels, 
        kind, anchor->getLoc(), types,
        [&](OpBuilder &b, Location loc, ValueRange a, Value begin, Value end,
            int64_t &grid, int64_t &grain) {
          Emitter e{b, loc, cfg.vl};
          body(e, a, begin, end, grid);
          grain = 1;
          return success();
        },
        error);
    if (failed(info))
      return failure();
    result.stages.push_back({*info, std::move(args)});
    return success();
  };
  if (im2col) {
    int scratch = nIn + static_cast<int>(result.scratchBytes.size());
    result.scratchBytes.push_back(uint64_t(panelType.getNumElements()) * 4);
    if (failed(addStage("conv_im2col.pack", {xType, panelType}, {xSource, scratch},
                        [&](Emitter &e, ValueRange a, Value begin, Value end,
                            int64_t &grid) {
                          buildIm2col(e, s, cfg, a[0], a[1],
                                      begin, end, grid);
                        })))
      return failure();
    xSource = scratch;
    xType = panelType;
  }
  // The shape the compute stage sees (packed rows: a 1x1 stride-1
  // convolution).
  ConvShape cs = s;
  if (cmPack) {
    int64_t rows = s.c, padded = s.oh * s.ow + cfg.vl;
    MemRefType packType = MemRefType::get({s.n, rows, 1, padded}, f32);
    int scratch = nIn + static_cast<int>(result.scratchBytes.size());
    result.scratchBytes.push_back(uint64_t(packType.getNumElements()) * 4);
    if (failed(addStage("conv_cm.pack", {xType, packType}, {xSource, scratch},
                        [&](Emitter &e, ValueRange a, Value begin, Value end,
                            int64_t &grid) {
                          buildChannelRows(e, s, a[0], a[1], begin, end, grid);
                        })))
      return failure();
    xSource = scratch;
    xType = packType;
    cs = ConvShape{s.n, rows, 1, padded, s.m, 1, 1, s.oh, s.ow, 1, 1, 1, 1, 0, 0};
    cmIn = CmInput{1, padded, false};
  }
  if (cmPanel) {
    int64_t pTiles = (cs.oh * cs.ow + cfg.mr - 1) / cfg.mr;
    MemRefType panelType = MemRefType::get({cs.n, pTiles, cs.c, cfg.vl}, f32);
    int scratch = nIn + static_cast<int>(result.scratchBytes.size());
    result.scratchBytes.push_back(uint64_t(panelType.getNumElements()) * 4);
    if (failed(addStage("conv_cm.panel", {xType, panelType}, {xSource, scratch},
                        [&](Emitter &e, ValueRange a, Value begin, Value end,
                            int64_t &grid) {
                          buildCmPanels(e, cs, cfg.mr, a[0], a[1], begin, end, grid);
                        })))
      return failure();
    xSource = scratch;
    xType = panelType;
    cmIn.panelLanes = cfg.vl;
  }
  if (cmPad) {
    auto conv = llvm::cast<ConvOp>(anchor);
    MemRefType padType = MemRefType::get({s.n, s.c, cmIn.h, cmIn.w}, f32);
    int scratch = nIn + static_cast<int>(result.scratchBytes.size());
    result.scratchBytes.push_back(uint64_t(padType.getNumElements()) * 4);
    SmallVector<int64_t> pads(conv.getPads());
    if (failed(addStage("conv_cm.pad", {xType, padType}, {xSource, scratch},
                        [&](Emitter &e, ValueRange a, Value begin, Value end,
                            int64_t &grid) {
                          buildPaddedInput(e, s, cmIn, pads, a[0], a[1], begin, end, grid);
                        })))
      return failure();
    xSource = scratch;
    xType = padType;
  }
  if (int64_t m = cfg.winograd()) {
    // Input transform into V, the GEMMs into M; the compute stage below
    // reads M in place of x.
    WinogradShape g(s, m, cfg.vl, nr);
    MemRefType vType = MemRefType::get({s.n, g.points, s.c, g.tpad}, f32);
    MemRefType mType = MemRefType::get({s.n, g.points, s.m, g.tpad}, f32);
    int vScratch = nIn + static_cast<int>(result.scratchBytes.size());
    result.scratchBytes.push_back(uint64_t(vType.getNumElements()) * 4);
    int mScratch = nIn + static_cast<int>(result.scratchBytes.size());
    result.scratchBytes.push_back(uint64_t(mType.getNumElements()) * 4);
    if (failed(addStage("conv_winograd.input", {xType, vType}, {xSource, vScratch},
                        [&](Emitter &e, ValueRange a, Value begin, Value end,
                            int64_t &grid) {
                          buildWinogradInput(e, s, g, a[0], a[1], begin, end, grid);
                        })) ||
        failed(addStage("conv_winograd.gemm", {vType, inputTypes[wArg], mType},
                        {vScratch, wArg, mScratch},
                        [&](Emitter &e, ValueRange a, Value begin, Value end,
                            int64_t &grid) {
                          buildWinogradGemm(e, s, g, cfg.mr, cfg.nv, a[0], a[1],
                                            a[2], begin, end, grid);
                        })))
      return failure();
    xSource = mScratch;
    xType = mType;
  }

  // The compute stage: its inputs (the panels in place of x for im2col),
  // the epilogue operands, then the output.
  SmallVector<MemRefType> types;
  std::vector<int> args;
  SmallVector<int> argOf; // template input -> position in this stage
  for (int i = 0; i < nIn; ++i) {
    argOf.push_back(types.size());
    types.push_back(i == xArg ? xType : inputTypes[i]);
    args.push_back(i == xArg ? xSource : i);
  }
  types.push_back(outType);
  args.push_back(nIn + static_cast<int>(result.scratchBytes.size()));
  FailureOr<KernelInfo> info = addMemrefKernel(kernels, 
      cfg.variant, anchor->getLoc(), types,
      [&](OpBuilder &b, Location loc, ValueRange a, Value begin, Value end,
          int64_t &grid, int64_t &grain) {
        Emitter e{b, loc, cfg.vl};
        Epilogue epi;
        epi.steps = steps;
        epi.output = outStore;
        epi.scalars = scalars;
        for (int arg : epilogueArgs)
          epi.operands.push_back(arg < 0 ? Value() : a[argOf[arg]]);
        Value x = a[argOf[xArg]], w = a[argOf[wArg]];
        if (xView)
          x = viewOf(b, loc, x, *xView);
        Value bias = biasArg < 0 ? Value() : a[argOf[biasArg]];
        Value out = a.back();
        grain = 1;
        if (cfg.variant == "conv_pointwise")
          buildPointwise(e, s, cfg, x, w, bias, out, epi, begin, end, grid);
        else if (cfg.variant == "conv_direct")
          buildDirect(e, s, cfg, x, w, bias, out, epi, begin, end, grid);
        else if (cfg.variant == "conv_flat")
          buildFlat(e, s, cfg, x, w, bias, out, epi, begin, end, grid);
        else if (cfg.variant == "conv_cm")
          buildChannelMajor(e, cs, cmIn, cfg, x, w, bias, out, epi, begin, end, grid);
        else if (cfg.variant == "dwconv")
          buildDepthwiseConv(e, s, cfg.mr, cfg.nv, x, w, bias, out, epi, begin,
                             end, grid);
        else if (int64_t m = cfg.winograd())
          buildWinogradOutput(e, s, WinogradShape(s, m, cfg.vl, cfg.nr()), x,
                              bias, out, epi, begin, end, grid);
        else if (im2col)
          buildPanelGemm(e, s, cfg, x, w, bias, out, epi, begin, end, grid);
        else
          buildGemm(e, gm, gn, gk, alpha, cfg, x, w, bias, out, epi, begin, end,
                    grid);
        return success();
      },
      error);
  if (failed(info))
    return failure();
  result.stages.push_back({*info, args});
  return result;
}
