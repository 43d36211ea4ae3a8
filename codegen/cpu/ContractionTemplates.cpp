//===- ContractionTemplates.cpp - CPU kernels for conv and matmul ---------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/cpu/ContractionTemplates.h"

#include "ir/InferOps.h"
#include "reference/Tensor.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <cstring>

using namespace mlir;
using namespace mlir::infer;

namespace {
//===----------------------------------------------------------------------===//
// Tile configurations
//===----------------------------------------------------------------------===//

struct TileConfig {
  std::string variant;
  int64_t mr = 8, nv = 2, vl = 16;
  int64_t nr() const { return nv * vl; }
};

TileConfig readConfig(DictionaryAttr config) {
  TileConfig c;
  c.variant = llvm::cast<StringAttr>(config.get("kernel")).str();
  c.mr = llvm::cast<IntegerAttr>(config.get("mr")).getInt();
  c.nv = llvm::cast<IntegerAttr>(config.get("nv")).getInt();
  c.vl = llvm::cast<IntegerAttr>(config.get("vl")).getInt();
  return c;
}

RankedTensorType typeOf(Value v) {
  return llvm::cast<RankedTensorType>(v.getType());
}

bool isF32(Value v) { return typeOf(v).getElementType().isF32(); }

bool isConstant(Value v) { return v && v.getDefiningOp<ConstantOp>(); }

//===----------------------------------------------------------------------===//
// Weight packing (compile time)
//===----------------------------------------------------------------------===//

FailureOr<reference::Tensor> constantData(Value v) {
  return reference::Tensor::fromAttr(v.getDefiningOp<ConstantOp>().getValue());
}

std::vector<char> toBytes(const std::vector<float> &v) {
  std::vector<char> bytes(v.size() * sizeof(float));
  std::memcpy(bytes.data(), v.data(), bytes.size());
  return bytes;
}

/// W[M][K] -> [ceil(M/MR)][K][MR], zero rows past M.
std::vector<float> packRows(const reference::Tensor &w, int64_t m, int64_t k,
                            int64_t mr) {
  int64_t panels = (m + mr - 1) / mr;
  std::vector<float> out(panels * k * mr, 0.0f);
  for (int64_t p = 0; p < panels; ++p)
    for (int64_t kk = 0; kk < k; ++kk)
      for (int64_t r = 0; r < mr; ++r) {
        int64_t row = p * mr + r;
        if (row < m)
          out[(p * k + kk) * mr + r] = static_cast<float>(w.floats()[row * k + kk]);
      }
  return out;
}

//===----------------------------------------------------------------------===//
// IR helpers
//===----------------------------------------------------------------------===//

struct Emitter {
  OpBuilder &b;
  Location loc;
  int64_t vl;

  Value idx(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubIOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }
  Value div(Value x, Value y) { return arith::DivUIOp::create(b, loc, x, y); }
  Value rem(Value x, Value y) { return arith::RemUIOp::create(b, loc, x, y); }
  Value min(Value x, Value y) { return arith::MinSIOp::create(b, loc, x, y); }
  Value max(Value x, Value y) { return arith::MaxSIOp::create(b, loc, x, y); }
  Value lt(Value x, Value y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x, y);
  }
  Value f32(double v) {
    return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v));
  }
  VectorType vec() { return VectorType::get({vl}, b.getF32Type()); }
  Value splat(Value scalar) { return vector::BroadcastOp::create(b, loc, vec(), scalar); }
  Value zeros() { return splat(f32(0)); }
  /// A mask of the first `valid` lanes (clamped to [0, vl]).
  Value mask(Value valid) {
    Value n = min(max(valid, idx(0)), idx(vl));
    return vector::CreateMaskOp::create(
        b, loc, VectorType::get({vl}, b.getI1Type()), ValueRange{n});
  }
  Value load(Value mem, ValueRange indices) {
    return memref::LoadOp::create(b, loc, mem, indices);
  }
  Value vload(Value mem, ValueRange indices) {
    return vector::LoadOp::create(b, loc, vec(), mem, indices, false,
                                  IntegerAttr());
  }
  Value vloadMasked(Value mem, ValueRange indices, Value m) {
    return vector::MaskedLoadOp::create(b, loc, vec(), mem, indices, m, zeros(),
                                        IntegerAttr());
  }
  void vstoreMasked(Value v, Value mem, ValueRange indices, Value m) {
    vector::MaskedStoreOp::create(b, loc, mem, indices, m, v, IntegerAttr());
  }
  Value fma(Value a, Value x, Value acc) {
    return vector::FMAOp::create(b, loc, a, x, acc);
  }

  /// for (i = lo; i < hi; i += step) with iteration values.
  scf::ForOp loop(Value lo, Value hi, int64_t step, ValueRange iters,
                  function_ref<SmallVector<Value>(Value, ValueRange)> body) {
    auto forOp = scf::ForOp::create(
        b, loc, lo, hi, idx(step), iters,
        [&](OpBuilder &nb, Location, Value iv, ValueRange args) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPoint(nb.getInsertionBlock(), nb.getInsertionPoint());
          SmallVector<Value> next = body(iv, args);
          scf::YieldOp::create(b, loc, next);
        });
    return forOp;
  }
  void forEach(Value lo, Value hi, int64_t step,
               function_ref<void(Value)> body) {
    loop(lo, hi, step, {}, [&](Value iv, ValueRange) {
      body(iv);
      return SmallVector<Value>();
    });
  }
  void ifThen(Value cond, function_ref<void()> body) {
    auto ifOp = scf::IfOp::create(b, loc, cond, /*withElse=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&ifOp.getThenRegion().front());
    body();
  }
};

/// Output stores of an MR x NV tile: rows `row0 + r` while below `rows`,
/// lanes masked past `cols` (counted from `col0`).
void storeTile(Emitter &e, ArrayRef<Value> acc, int64_t mr, int64_t nv,
               Value out, function_ref<SmallVector<Value>(Value row, Value col)> at,
               Value row0, Value rows, Value col0, Value cols) {
  SmallVector<Value> masks;
  for (int64_t j = 0; j < nv; ++j)
    masks.push_back(e.mask(e.sub(cols, e.add(col0, e.idx(j * e.vl)))));
  for (int64_t r = 0; r < mr; ++r) {
    Value row = e.add(row0, e.idx(r));
    e.ifThen(e.lt(row, rows), [&] {
      for (int64_t j = 0; j < nv; ++j)
        e.vstoreMasked(acc[r * nv + j], out,
                       at(row, e.add(col0, e.idx(j * e.vl))), masks[j]);
    });
  }
}

//===----------------------------------------------------------------------===//
// Convolution
//===----------------------------------------------------------------------===//

struct ConvShape {
  int64_t n, c, h, w, m, kh, kw, oh, ow, sh, sw, dh, dw, ph, pw;
};

ConvShape convShape(ConvOp op) {
  ArrayRef<int64_t> x = typeOf(op.getInput()).getShape();
  ArrayRef<int64_t> w = typeOf(op.getWeight()).getShape();
  ArrayRef<int64_t> o = typeOf(op.getOutput()).getShape();
  return {x[0],
          x[1],
          x[2],
          x[3],
          w[0],
          w[2],
          w[3],
          o[2],
          o[3],
          op.getStrides()[0],
          op.getStrides()[1],
          op.getDilations()[0],
          op.getDilations()[1],
          op.getPads()[0],
          op.getPads()[1]};
}

/// Initial accumulators: the bias of each row (0 past `rows` or without
/// bias), splat across lanes.
SmallVector<Value> biasRows(Emitter &e, Value bias, Value row0, Value rows,
                            int64_t mr, int64_t nv) {
  SmallVector<Value> acc;
  for (int64_t r = 0; r < mr; ++r) {
    Value v = e.f32(0);
    if (bias) {
      Value row = e.add(row0, e.idx(r));
      Value safe = e.min(row, e.sub(rows, e.idx(1)));
      v = arith::SelectOp::create(e.b, e.loc, e.lt(row, rows),
                                  e.load(bias, {safe}), v);
    }
    Value s = e.splat(v);
    for (int64_t j = 0; j < nv; ++j)
      acc.push_back(s);
  }
  return acc;
}

/// One broadcast-FMA step of the register tile.
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

/// conv_packed: tiles of NR flattened output positions x a block of output
/// channels; the im2col panel of the tile is packed once and reused by every
/// MR-channel panel of the block.
LogicalResult buildConvPacked(Emitter &e, ConvOp op, TileConfig cfg,
                              ValueRange args, Value begin, Value end,
                              int64_t &grid, int64_t &grain) {
  ConvShape s = convShape(op);
  bool hasBias = static_cast<bool>(op.getBias());
  Value x = args[0], wp = args[1], bias = hasBias ? args[2] : Value();
  Value out = args[hasBias ? 3 : 2];
  int64_t mr = cfg.mr, nv = cfg.nv, nr = cfg.nr();
  int64_t k = s.c * s.kh * s.kw, p = s.oh * s.ow;
  int64_t panels = (s.m + mr - 1) / mr;
  int64_t panelsPerBlock = std::max<int64_t>(1, 128 / mr);
  int64_t blocks = (panels + panelsPerBlock - 1) / panelsPerBlock;
  int64_t tiles = (p + nr - 1) / nr;
  grid = s.n * tiles * blocks;
  grain = 1;
  OpBuilder &b = e.b;
  Location loc = e.loc;
  auto f32 = b.getF32Type();
  Value out3 = memref::CollapseShapeOp::create(
      b, loc, out, SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
  // On the stack: one panel per call (the selection keeps it below 1 MiB).
  Value panel = memref::AllocaOp::create(b, loc, MemRefType::get({k, nr}, f32),
                                         b.getI64IntegerAttr(64));
  Value ih0 = memref::AllocaOp::create(b, loc, MemRefType::get({nr}, b.getIndexType()));
  Value iw0 = memref::AllocaOp::create(b, loc, MemRefType::get({nr}, b.getIndexType()));
  e.forEach(begin, end, 1, [&](Value t) {
    Value blk = e.rem(t, e.idx(blocks));
    Value q = e.div(t, e.idx(blocks));
    Value pt = e.rem(q, e.idx(tiles));
    Value n = e.div(q, e.idx(tiles));
    Value p0 = e.mul(pt, e.idx(nr));
    // Where each column of the tile starts in the input (far outside for
    // columns past the end).
    e.forEach(e.idx(0), e.idx(nr), 1, [&](Value j) {
      Value pos = e.add(p0, j);
      Value oh = e.div(pos, e.idx(s.ow)), ow = e.rem(pos, e.idx(s.ow));
      Value valid = e.lt(pos, e.idx(p));
      Value far = e.idx(-(int64_t(1) << 40));
      memref::StoreOp::create(
          b, loc,
          arith::SelectOp::create(b, loc, valid,
                                  e.sub(e.mul(oh, e.idx(s.sh)), e.idx(s.ph)), far),
          ih0, ValueRange{j});
      memref::StoreOp::create(b, loc, e.sub(e.mul(ow, e.idx(s.sw)), e.idx(s.pw)),
                              iw0, ValueRange{j});
    });
    // The im2col panel [K][NR].
    e.forEach(e.idx(0), e.idx(s.c), 1, [&](Value c) {
      for (int64_t kh = 0; kh < s.kh; ++kh)
        for (int64_t kw = 0; kw < s.kw; ++kw) {
          Value kk = e.add(e.mul(c, e.idx(s.kh * s.kw)), e.idx(kh * s.kw + kw));
          e.forEach(e.idx(0), e.idx(nr), 1, [&](Value j) {
            Value ih = e.add(e.load(ih0, {j}), e.idx(kh * s.dh));
            Value iw = e.add(e.load(iw0, {j}), e.idx(kw * s.dw));
            Value inH = arith::AndIOp::create(
                b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, ih, e.idx(0)),
                e.lt(ih, e.idx(s.h)));
            Value inW = arith::AndIOp::create(
                b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, iw, e.idx(0)),
                e.lt(iw, e.idx(s.w)));
            Value in = arith::AndIOp::create(b, loc, inH, inW);
            Value chs = e.min(e.max(ih, e.idx(0)), e.idx(s.h - 1));
            Value cws = e.min(e.max(iw, e.idx(0)), e.idx(s.w - 1));
            Value v = e.load(x, {n, c, chs, cws});
            v = arith::SelectOp::create(b, loc, in, v, e.f32(0));
            memref::StoreOp::create(b, loc, v, panel, ValueRange{kk, j});
          });
        }
    });
    // MR output channels at a time over the panel.
    Value first = e.mul(blk, e.idx(panelsPerBlock));
    Value last = e.min(e.add(first, e.idx(panelsPerBlock)), e.idx(panels));
    e.forEach(first, last, 1, [&](Value pan) {
      Value row0 = e.mul(pan, e.idx(mr));
      SmallVector<Value> init = biasRows(e, bias, row0, e.idx(s.m), mr, nv);
      scf::ForOp kloop = e.loop(e.idx(0), e.idx(k), 1, init, [&](Value kk, ValueRange acc) {
        SmallVector<Value> aRows, bCols;
        for (int64_t r = 0; r < mr; ++r)
          aRows.push_back(e.load(wp, {pan, kk, e.idx(r)}));
        for (int64_t j = 0; j < nv; ++j)
          bCols.push_back(e.vload(panel, {kk, e.idx(j * e.vl)}));
        return fmaStep(e, acc, aRows, bCols, mr, nv);
      });
      SmallVector<Value> acc(kloop.getResults());
      storeTile(e, acc, mr, nv, out3,
                [&](Value row, Value col) { return SmallVector<Value>{n, row, col}; },
                row0, e.idx(s.m), p0, e.idx(p));
    });
  });
  return success();
}

/// conv_direct: stride 1, no padding; NR positions of one output row per
/// tile, read in place from the input rows.
LogicalResult buildConvDirect(Emitter &e, ConvOp op, TileConfig cfg,
                              ValueRange args, Value begin, Value end,
                              int64_t &grid, int64_t &grain) {
  ConvShape s = convShape(op);
  bool hasBias = static_cast<bool>(op.getBias());
  Value x = args[0], wp = args[1], bias = hasBias ? args[2] : Value();
  Value out = args[hasBias ? 3 : 2];
  int64_t mr = cfg.mr, nv = cfg.nv, nr = cfg.nr();
  int64_t panels = (s.m + mr - 1) / mr;
  int64_t panelsPerBlock = std::max<int64_t>(1, 128 / mr);
  int64_t blocks = (panels + panelsPerBlock - 1) / panelsPerBlock;
  int64_t owTiles = (s.ow + nr - 1) / nr;
  grid = s.n * s.oh * owTiles * blocks;
  grain = 1;
  OpBuilder &b = e.b;
  Location loc = e.loc;
  e.forEach(begin, end, 1, [&](Value t) {
    Value blk = e.rem(t, e.idx(blocks));
    Value q = e.div(t, e.idx(blocks));
    Value owt = e.rem(q, e.idx(owTiles));
    q = e.div(q, e.idx(owTiles));
    Value oh = e.rem(q, e.idx(s.oh));
    Value n = e.div(q, e.idx(s.oh));
    Value ow0 = e.mul(owt, e.idx(nr));
    SmallVector<Value> loadMasks;
    for (int64_t j = 0; j < nv; ++j)
      loadMasks.push_back(e.mask(e.sub(e.idx(s.ow), e.add(ow0, e.idx(j * e.vl)))));
    Value first = e.mul(blk, e.idx(panelsPerBlock));
    Value last = e.min(e.add(first, e.idx(panelsPerBlock)), e.idx(panels));
    e.forEach(first, last, 1, [&](Value pan) {
      Value row0 = e.mul(pan, e.idx(mr));
      SmallVector<Value> init = biasRows(e, bias, row0, e.idx(s.m), mr, nv);
      scf::ForOp cloop = e.loop(e.idx(0), e.idx(s.c), 1, init, [&](Value c, ValueRange accIn) {
        SmallVector<Value> acc(accIn.begin(), accIn.end());
        Value kbase = e.mul(c, e.idx(s.kh * s.kw));
        for (int64_t kh = 0; kh < s.kh; ++kh) {
          Value ih = e.add(oh, e.idx(kh * s.dh));
          for (int64_t kw = 0; kw < s.kw; ++kw) {
            Value kk = e.add(kbase, e.idx(kh * s.kw + kw));
            SmallVector<Value> aRows, bCols;
            for (int64_t r = 0; r < mr; ++r)
              aRows.push_back(e.load(wp, {pan, kk, e.idx(r)}));
            for (int64_t j = 0; j < nv; ++j)
              bCols.push_back(e.vloadMasked(
                  x, {n, c, ih, e.add(ow0, e.idx(j * e.vl + kw * s.dw))},
                  loadMasks[j]));
            acc = fmaStep(e, acc, aRows, bCols, mr, nv);
          }
        }
        return acc;
      });
      SmallVector<Value> acc(cloop.getResults());
      storeTile(e, acc, mr, nv, out,
                [&](Value row, Value col) { return SmallVector<Value>{n, row, oh, col}; },
                row0, e.idx(s.m), ow0, e.idx(s.ow));
    });
  });
  return success();
}

/// dwconv: one output row of one channel per tile, VL positions at a time;
/// stride 2 reads two vectors and keeps the even lanes.
LogicalResult buildDepthwise(Emitter &e, ConvOp op, TileConfig cfg,
                             ValueRange args, Value begin, Value end,
                             int64_t &grid, int64_t &grain) {
  ConvShape s = convShape(op);
  bool hasBias = static_cast<bool>(op.getBias());
  Value x = args[0], w = args[1], bias = hasBias ? args[2] : Value();
  Value out = args[hasBias ? 3 : 2];
  int64_t vl = cfg.vl;
  grid = s.n * s.m * s.oh;
  grain = std::max<int64_t>(1, 2048 / std::max<int64_t>(s.ow * s.kh * s.kw, 1));
  OpBuilder &b = e.b;
  Location loc = e.loc;
  SmallVector<int64_t> evens;
  for (int64_t i = 0; i < vl; ++i)
    evens.push_back(2 * i);
  e.forEach(begin, end, 1, [&](Value t) {
    Value oh = e.rem(t, e.idx(s.oh));
    Value q = e.div(t, e.idx(s.oh));
    Value c = e.rem(q, e.idx(s.m));
    Value n = e.div(q, e.idx(s.m));
    Value b0 = bias ? e.load(bias, {c}) : e.f32(0);
    SmallVector<Value> weights;
    for (int64_t kk = 0; kk < s.kh * s.kw; ++kk)
      weights.push_back(e.splat(e.load(w, {c, e.idx(kk)})));
    e.forEach(e.idx(0), e.idx(s.ow), vl, [&](Value ow0) {
      Value acc = e.splat(b0);
      for (int64_t kh = 0; kh < s.kh; ++kh) {
        Value ih = e.add(e.mul(oh, e.idx(s.sh)), e.idx(kh * s.dh));
        for (int64_t kw = 0; kw < s.kw; ++kw) {
          Value col = e.add(e.mul(ow0, e.idx(s.sw)), e.idx(kw * s.dw));
          Value v;
          if (s.sw == 1) {
            v = e.vloadMasked(x, {n, c, ih, col}, e.mask(e.sub(e.idx(s.w), col)));
          } else {
            Value lo = e.vloadMasked(x, {n, c, ih, col}, e.mask(e.sub(e.idx(s.w), col)));
            Value col2 = e.add(col, e.idx(vl));
            Value hi = e.vloadMasked(x, {n, c, ih, col2}, e.mask(e.sub(e.idx(s.w), col2)));
            v = vector::ShuffleOp::create(b, loc, lo, hi, evens);
          }
          acc = e.fma(weights[kh * s.kw + kw], v, acc);
        }
      }
      e.vstoreMasked(acc, out, {n, c, oh, ow0}, e.mask(e.sub(e.idx(s.ow), ow0)));
    });
  });
  return success();
}

//===----------------------------------------------------------------------===//
// Gemm / MatMul with a constant right operand
//===----------------------------------------------------------------------===//

/// out[M][N] = A[M][K] * Bp (packed [N/NR][K][NR]) + biasP (packed [N']).
LogicalResult buildGemm(Emitter &e, int64_t m, int64_t n, int64_t k,
                        bool hasBias, double alpha, TileConfig cfg,
                        ValueRange args, Value begin, Value end, int64_t &grid,
                        int64_t &grain) {
  Value a = args[0], bp = args[1], bias = hasBias ? args[2] : Value();
  Value out = args[hasBias ? 3 : 2];
  int64_t mr = cfg.mr, nv = cfg.nv, nr = cfg.nr();
  int64_t mTiles = (m + mr - 1) / mr, nTiles = (n + nr - 1) / nr;
  grid = mTiles * nTiles;
  grain = 1;
  OpBuilder &b = e.b;
  Location loc = e.loc;
  e.forEach(begin, end, 1, [&](Value t) {
    Value nt = e.rem(t, e.idx(nTiles));
    Value mt = e.div(t, e.idx(nTiles));
    Value row0 = e.mul(mt, e.idx(mr)), col0 = e.mul(nt, e.idx(nr));
    SmallVector<Value> init;
    for (int64_t r = 0; r < mr; ++r)
      for (int64_t j = 0; j < nv; ++j)
        init.push_back(bias ? e.vload(bias, {e.add(col0, e.idx(j * e.vl))})
                            : e.zeros());
    SmallVector<Value> rows;
    for (int64_t r = 0; r < mr; ++r)
      rows.push_back(e.min(e.add(row0, e.idx(r)), e.idx(m - 1)));
    scf::ForOp kloop = e.loop(e.idx(0), e.idx(k), 1, init, [&](Value kk, ValueRange acc) {
      SmallVector<Value> aRows, bCols;
      for (int64_t r = 0; r < mr; ++r)
        aRows.push_back(e.load(a, {rows[r], kk}));
      for (int64_t j = 0; j < nv; ++j)
        bCols.push_back(e.vload(bp, {nt, kk, e.idx(j * e.vl)}));
      return fmaStep(e, acc, aRows, bCols, mr, nv);
    });
    SmallVector<Value> acc(kloop.getResults());
    if (alpha != 1.0) {
      // out = alpha * A * B + bias: scale the product only.
      for (int64_t i = 0; i < mr * nv; ++i) {
        Value bv = bias ? e.vload(bias, {e.add(col0, e.idx((i % nv) * e.vl))})
                        : e.zeros();
        Value prod = arith::SubFOp::create(b, loc, acc[i], bv);
        acc[i] = e.fma(e.splat(e.f32(alpha)), prod, bv);
      }
    }
    storeTile(e, acc, mr, nv, out,
              [&](Value row, Value col) { return SmallVector<Value>{row, col}; },
              row0, e.idx(m), col0, e.idx(n));
  });
  return success();
}

/// B(k, n) of a constant [K][N] (or [N][K] when transposed) packed into
/// [N/NR][K][NR].
std::vector<float> packCols(const reference::Tensor &bT, int64_t k, int64_t n,
                            bool trans, int64_t nr) {
  int64_t tiles = (n + nr - 1) / nr;
  std::vector<float> out(tiles * k * nr, 0.0f);
  for (int64_t t = 0; t < tiles; ++t)
    for (int64_t kk = 0; kk < k; ++kk)
      for (int64_t j = 0; j < nr; ++j) {
        int64_t col = t * nr + j;
        if (col < n)
          out[(t * k + kk) * nr + j] = static_cast<float>(
              bT.floats()[trans ? col * k + kk : kk * n + col]);
      }
  return out;
}

MemRefType memrefOf(Value v) {
  RankedTensorType t = typeOf(v);
  return MemRefType::get(t.getShape(), t.getElementType());
}
} // namespace

//===----------------------------------------------------------------------===//
// Selection and construction
//===----------------------------------------------------------------------===//

DictionaryAttr mlir::infer::selectTileConfig(Operation *op,
                                             const CpuTarget &target) {
  MLIRContext *ctx = op->getContext();
  Builder b(ctx);
  int64_t vl = target.vectorBytes / 4;
  if (vl < 8)
    return nullptr; // SSE-only CPUs take the generic path
  // Registers: MR x NV accumulators + NV loads + 1 broadcast must fit.
  int64_t regs = target.vectorBytes == 64 ? 32 : 16;
  int64_t nv = 2, mr = std::min<int64_t>(8, (regs - nv - 1) / nv);
  auto make = [&](StringRef kernel) {
    DictionaryAttr d = b.getDictionaryAttr(
        {b.getNamedAttr("kernel", b.getStringAttr(kernel)),
         b.getNamedAttr("mr", b.getI64IntegerAttr(mr)),
         b.getNamedAttr("nv", b.getI64IntegerAttr(nv)),
         b.getNamedAttr("vl", b.getI64IntegerAttr(vl))});
    op->setAttr("infer.tile", d);
    return d;
  };
  if (auto conv = llvm::dyn_cast<ConvOp>(op)) {
    if (typeOf(conv.getInput()).getRank() != 4 || !isF32(conv.getInput()) ||
        !typeOf(conv.getInput()).hasStaticShape() ||
        !isConstant(conv.getWeight()) ||
        (conv.getBias() && !isConstant(conv.getBias())))
      return nullptr;
    ConvShape s = convShape(conv);
    if (conv.getGroup() == s.c && s.m == s.c && s.sw <= 2)
      return make("dwconv");
    if (conv.getGroup() != 1)
      return nullptr;
    // Rows long enough for a vector read in place: direct; otherwise pack.
    bool unitStride = s.sh == 1 && s.sw == 1;
    bool pointwise = s.kh == 1 && s.kw == 1 && unitStride &&
                     llvm::all_of(conv.getPads(), [](int64_t p) { return p == 0; });
    if (unitStride && !pointwise && s.ow >= 2 * vl)
      return make("conv_direct");
    if (s.c * s.kh * s.kw * nv * vl * 4 > (1 << 20))
      return nullptr; // the packed panel would not fit the stack
    return make("conv_packed");
  }
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
    return make("gemm");
  }
  if (auto mm = llvm::dyn_cast<MatMulOp>(op)) {
    if (!isF32(mm.getLhs()) || typeOf(mm.getRhs()).getRank() != 2 ||
        typeOf(mm.getLhs()).getRank() < 2 || !isConstant(mm.getRhs()) ||
        !typeOf(mm.getLhs()).hasStaticShape())
      return nullptr;
    return make("gemm");
  }
  return nullptr;
}

bool mlir::infer::needsExplicitPadding(DictionaryAttr config) {
  if (!config)
    return false;
  StringRef k = llvm::cast<StringAttr>(config.get("kernel")).getValue();
  return k == "conv_direct" || k == "dwconv";
}

FailureOr<TemplateKernel>
mlir::infer::buildTemplateKernel(Operation *op, DictionaryAttr config,
                                 KernelModule &kernels, std::string &error) {
  TileConfig cfg = readConfig(config);
  TemplateKernel result;
  SmallVector<MemRefType> args;
  auto f32 = Float32Type::get(op->getContext());
  std::function<LogicalResult(Emitter &, ValueRange, Value, Value, int64_t &,
                              int64_t &)>
      body;
  if (auto conv = llvm::dyn_cast<ConvOp>(op)) {
    ConvShape s = convShape(conv);
    if (cfg.variant != "dwconv" && needsExplicitPadding(config) &&
        llvm::any_of(conv.getPads(), [](int64_t p) { return p != 0; })) {
      error = "conv_direct expects an explicitly padded input";
      return failure();
    }
    FailureOr<reference::Tensor> w = constantData(conv.getWeight());
    if (failed(w)) {
      error = "unreadable weights";
      return failure();
    }
    result.inputs.push_back({conv.getInput(), {}});
    args.push_back(memrefOf(conv.getInput()));
    if (cfg.variant == "dwconv") {
      std::vector<float> flat(w->size());
      for (int64_t i = 0; i < w->size(); ++i)
        flat[i] = static_cast<float>(w->floats()[i]);
      result.inputs.push_back({Value(), toBytes(flat)});
      args.push_back(MemRefType::get({s.m, s.kh * s.kw}, f32));
    } else {
      int64_t k = s.c * s.kh * s.kw;
      result.inputs.push_back({Value(), toBytes(packRows(*w, s.m, k, cfg.mr))});
      args.push_back(MemRefType::get({(s.m + cfg.mr - 1) / cfg.mr, k, cfg.mr}, f32));
    }
    if (conv.getBias()) {
      result.inputs.push_back({conv.getBias(), {}});
      args.push_back(memrefOf(conv.getBias()));
    }
    args.push_back(memrefOf(conv.getOutput()));
    body = [&, conv](Emitter &e, ValueRange a, Value begin, Value end,
                     int64_t &grid, int64_t &grain) {
      if (cfg.variant == "dwconv")
        return buildDepthwise(e, conv, cfg, a, begin, end, grid, grain);
      if (cfg.variant == "conv_direct")
        return buildConvDirect(e, conv, cfg, a, begin, end, grid, grain);
      return buildConvPacked(e, conv, cfg, a, begin, end, grid, grain);
    };
  } else {
    // Gemm and MatMul: A [M][K] (batch dimensions folded into M).
    Value lhs, rhs, c, output;
    bool transB = false;
    double alpha = 1, beta = 1;
    if (auto gemm = llvm::dyn_cast<GemmOp>(op)) {
      lhs = gemm.getA();
      rhs = gemm.getB();
      c = gemm.getC();
      output = gemm.getOutput();
      transB = gemm.getTransB();
      alpha = gemm.getAlpha().convertToDouble();
      beta = gemm.getBeta().convertToDouble();
    } else {
      auto mm = llvm::cast<MatMulOp>(op);
      lhs = mm.getLhs();
      rhs = mm.getRhs();
      output = mm.getOutput();
    }
    ArrayRef<int64_t> ls = typeOf(lhs).getShape();
    int64_t k = ls.back(), m = typeOf(lhs).getNumElements() / k;
    int64_t n = typeOf(output).getShape().back();
    FailureOr<reference::Tensor> bT = constantData(rhs);
    if (failed(bT)) {
      error = "unreadable weights";
      return failure();
    }
    result.inputs.push_back({lhs, {}});
    args.push_back(MemRefType::get({m, k}, f32));
    int64_t tiles = (n + cfg.nr() - 1) / cfg.nr();
    result.inputs.push_back({Value(), toBytes(packCols(*bT, k, n, transB, cfg.nr()))});
    args.push_back(MemRefType::get({tiles, k, cfg.nr()}, f32));
    bool hasBias = c && beta != 0;
    if (hasBias) {
      FailureOr<reference::Tensor> cT = constantData(c);
      if (failed(cT)) {
        error = "unreadable bias";
        return failure();
      }
      std::vector<float> padded(tiles * cfg.nr(), 0.0f);
      for (int64_t i = 0; i < n; ++i)
        padded[i] = static_cast<float>(beta * cT->floats()[i]);
      result.inputs.push_back({Value(), toBytes(padded)});
      args.push_back(MemRefType::get({tiles * cfg.nr()}, f32));
    }
    args.push_back(MemRefType::get({m, n}, f32));
    body = [&, m, n, k, hasBias, alpha](Emitter &e, ValueRange a, Value begin,
                                        Value end, int64_t &grid, int64_t &grain) {
      return buildGemm(e, m, n, k, hasBias, alpha, cfg, a, begin, end, grid, grain);
    };
  }
  FailureOr<KernelInfo> info = kernels.addMemrefKernel(
      cfg.variant, op->getLoc(), args,
      [&](OpBuilder &b, Location loc, ValueRange a, Value begin, Value end,
          int64_t &grid, int64_t &grain) {
        Emitter e{b, loc, cfg.vl};
        return body(e, a, begin, end, grid, grain);
      },
      error);
  if (failed(info))
    return failure();
  result.info = *info;
  return result;
}
