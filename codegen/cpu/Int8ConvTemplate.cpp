//===- Int8ConvTemplate.cpp - int8 convolution on AVX-512 VNNI or AVX2 ---===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/cpu/Int8ConvTemplate.h"
#include "codegen/cpu/ContractionTemplates.h"
#include "codegen/cpu/CpuKernels.h"
#include "codegen/cpu/Int8Emitter.h"
#include "codegen/cpu/Int8Epilogue.h"

#include "ir/ConstantView.h"
#include "ir/QuantUtils.h"

using namespace mlir;
using namespace mlir::infer;

namespace {
/// Scratch (one panel per launch unit) above this makes the template
/// decline.
constexpr uint64_t kMaxPanelBytes = uint64_t(128) << 20;
/// Below this many position tiles the panels are packed by a launch of
/// their own (Tiling).
constexpr int64_t kMinTiles = 16;
/// The row blocks of a shared panel aim at this many units in all.
constexpr int64_t kMinUnits = 64;
/// Groups of four channels per unit of the packing launch.
constexpr int64_t kPackGroups = 16;

/// The convolution's sizes and how conv_i8 groups its reduction.
struct Shape : ConvShape {
  int64_t c4() const { return (c + 3) / 4; }
  /// Fewer than four channels (image stems): each group of four holds four
  /// taps of a window row of one channel, (c, kh, kw / 4), read with one
  /// byte permutation per row segment (packTaps).
  bool taps() const { return c < 4 && kw > 1 && sw * 15 + 3 * dw <= 63; }
  int64_t kwg() const { return (kw + 3) / 4; }
  int64_t k4() const { return taps() ? c * kh * kwg() : kh * kw * c4(); }
  /// The group of four and the byte in it of weight element (c, kh, kw).
  std::pair<int64_t, int64_t> group(int64_t ci, int64_t khi, int64_t kwi) const {
    if (taps())
      return {(ci * kh + khi) * kwg() + kwi / 4, kwi % 4};
    return {(khi * kw + kwi) * c4() + ci / 4, ci % 4};
  }
  int64_t p() const { return oh * ow; }
  /// Output positions of the whole batch: tiles run over them, so small
  /// images of several samples share tiles.
  int64_t q() const { return n * p(); }
  /// Whether 16 consecutive positions from a multiple of 16 can span two
  /// images.
  bool crossing() const { return n > 1 && p() % 16 != 0; }
};

Shape shapeOf(ConvOp op) { return Shape{convShape(op)}; }

/// The tile and the launch units of one convolution. With enough position
/// tiles each unit packs its tile's panel and runs every row over it (one
/// launch, the panel hot in cache); with few (small images), a first
/// launch packs the panels, split by window element and channels, and the
/// second splits the rows into blocks so that the threads share the work.
struct Tiling {
  int64_t mr, nv, nr, tiles, panels, perBlock, blocks, units;
  bool shared;
  int64_t chunks, packUnits; // the packing launch (shared)
  Tiling(const Shape &s, int64_t mr, int64_t nv)
      : mr(mr), nv(nv), nr(16 * nv) {
    tiles = (s.q() + nr - 1) / nr;
    panels = (s.m + mr - 1) / mr;
    shared = tiles < kMinTiles;
    blocks = 1;
    if (shared)
      blocks = std::min(panels, std::max((kMinUnits + tiles - 1) / tiles,
                                         (panels * mr + 127) / 128));
    perBlock = (panels + blocks - 1) / blocks;
    blocks = (panels + perBlock - 1) / perBlock;
    units = tiles * blocks;
    chunks = (s.c4() + kPackGroups - 1) / kPackGroups;
    packUnits = s.taps() ? tiles * s.kh : tiles * s.kh * s.kw * chunks;
  }
  uint64_t panelBytes(const Shape &s) const { return uint64_t(s.k4()) * nr * 4; }
  uint64_t scratchBytes(const Shape &s) const {
    return (shared ? tiles : units) * panelBytes(s);
  }
};


//===----------------------------------------------------------------------===//
// Packing: panel[unit][k4][NR * 4]
//===----------------------------------------------------------------------===//

/// Packs window elements [kk0, kk1) and channel groups [g0, g1) of the
/// panel of tile `pt` (positions of the whole batch) into panel[unit].
void packPanel(I8Emitter &e, const Shape &s, const Tiling &t, Value x4,
               Value x3, Value panel, Value unit, Value pt,
               Value kk0, Value kk1, Value g0, Value g1) {
  int64_t c4s = s.c4(), fullC4 = s.c / 4, tailC = s.c % 4;
  bool flat = s.sh == 1 && s.sw == 1 && s.ow == s.w;
  int64_t p = s.p(), q = s.q();
  // The channel groups of one segment: `read(c)` loads channel c's 16
  // bytes; the packed bytes go to panel[unit][kk * C4 + c4][j * 64] with
  // `store` (null: every lane).
  auto groups = [&](Value kk, Value j, function_ref<Value(Value)> read,
                    Value store) {
    auto emitGroup = [&](Value c4, int64_t valid) {
      SmallVector<Value> v;
      for (int64_t i = 0; i < 4; ++i) {
        if (i < valid) {
          v.push_back(read(e.add(e.mul(c4, e.idx(4)), e.idx(i))));
        } else {
          v.push_back(arith::ConstantOp::create(
              e.b, e.loc, e.bytes(16),
              DenseElementsAttr::get(e.bytes(16), e.b.getI8IntegerAttr(0))));
        }
      }
      Value packed = e.interleave(v);
      SmallVector<Value> at{unit, e.add(e.mul(kk, e.idx(c4s)), c4),
                            e.mul(j, e.idx(64))};
      if (store)
        e.storePanel(packed, panel, at, store);
      else
        vector::StoreOp::create(e.b, e.loc, packed, panel, at, false, IntegerAttr());
    };
    e.forEach(g0, e.min(g1, e.idx(fullC4)), 1,
              [&](Value c4) { emitGroup(c4, 4); });
    if (tailC)
      e.ifThen(e.lt(e.idx(fullC4), g1), [&] { emitGroup(e.idx(fullC4), tailC); });
  };
  e.forEach(e.idx(0), e.idx(t.nv), 1, [&](Value j) {
    Value q0 = e.add(e.mul(pt, e.idx(t.nr)), e.mul(j, e.idx(16)));
    if (flat) {
      // One segment per image the 16 positions touch (two at most): every
      // window element is the flattened image shifted by a constant; lanes
      // whose window element is padding, or in another image, are masked.
      Value qv = arith::AddIOp::create(e.b, e.loc, e.i32splat(e.ivec(q0)), e.iota(1));
      Value owv = e.i32splat(e.ivec(e.idx(s.ow)));
      Value inQ = e.icmp(arith::CmpIPredicate::slt, qv, e.i32splat(e.ivec(e.idx(q))));
      Value n0 = e.div(q0, e.idx(p));
      struct Segment {
        Value n, start, row, col, in;
      };
      SmallVector<Segment> segs;
      for (int64_t k = 0; k < (s.crossing() ? 2 : 1); ++k) {
        Value n = e.min(e.add(n0, e.idx(k)), e.idx(s.n - 1));
        Value start = e.mul(e.add(n0, e.idx(k)), e.idx(p));
        Value local = arith::SubIOp::create(e.b, e.loc, qv, e.i32splat(e.ivec(start)));
        Value in = e.both(
            inQ, e.both(e.icmp(arith::CmpIPredicate::sge, local,
                               e.i32splat(e.ivec(e.idx(0)))),
                        e.icmp(arith::CmpIPredicate::slt, local,
                               e.i32splat(e.ivec(e.idx(p))))));
        segs.push_back({n, start, arith::DivSIOp::create(e.b, e.loc, local, owv),
                        arith::RemSIOp::create(e.b, e.loc, local, owv), in});
      }
      e.forEach(kk0, kk1, 1, [&](Value kk) {
        Value kh = e.div(kk, e.idx(s.kw)), kw = e.rem(kk, e.idx(s.kw));
        Value a = e.sub(e.mul(kh, e.idx(s.dh)), e.idx(s.ph));
        Value bcol = e.sub(e.mul(kw, e.idx(s.dw)), e.idx(s.pw));
        auto inside = [&](Value lanes, Value off, int64_t size) {
          Value v = arith::AddIOp::create(e.b, e.loc, lanes, e.i32splat(e.ivec(off)));
          return e.both(
              e.icmp(arith::CmpIPredicate::sge, v, e.i32splat(e.ivec(e.idx(0)))),
              e.icmp(arith::CmpIPredicate::slt, v, e.i32splat(e.ivec(e.idx(size)))));
        };
        SmallVector<Value> masks, bases;
        for (const Segment &g : segs) {
          masks.push_back(e.both(g.in, e.both(inside(g.row, a, s.h),
                                              inside(g.col, bcol, s.w))));
          bases.push_back(e.add(e.sub(q0, g.start), e.add(e.mul(a, e.idx(s.w)), bcol)));
        }
        groups(kk, j, [&](Value c) {
          Value v = e.maskedBytes(x3, {segs[0].n, c, bases[0]}, masks[0], 16);
          for (size_t k = 1; k < segs.size(); ++k)
            v = arith::OrIOp::create(
                e.b, e.loc, v, e.maskedBytes(x3, {segs[k].n, c, bases[k]}, masks[k], 16));
          return v;
        }, Value());
      });
      return;
    }
    // One segment per output row the 16 positions touch (rows of the
    // whole batch: row r is row r % OH of image r / OH).
    Value rA = e.div(q0, e.idx(s.ow));
    Value rB = e.div(e.min(e.add(q0, e.idx(15)), e.idx(q - 1)), e.idx(s.ow));
    e.forEach(kk0, kk1, 1, [&](Value kk) {
      Value kh = e.div(kk, e.idx(s.kw)), kw = e.rem(kk, e.idx(s.kw));
      e.forEach(rA, e.add(rB, e.idx(1)), 1, [&](Value r) {
        Value n = e.div(r, e.idx(s.oh));
        Value rowStart = e.mul(r, e.idx(s.ow));
        Value lo = e.max(e.sub(rowStart, q0), e.idx(0));
        Value hi = e.min(e.sub(e.add(rowStart, e.idx(s.ow)), q0), e.idx(16));
        Value ih = e.sub(e.add(e.mul(e.rem(r, e.idx(s.oh)), e.idx(s.sh)),
                               e.mul(kh, e.idx(s.dh))),
                         e.idx(s.ph));
        Value rowOk = e.both(e.ge(ih, e.idx(0)), e.lt(ih, e.idx(s.h)));
        // Input column of lane 0 (lane l reads c0 + l * sw).
        Value c0 = e.add(e.mul(e.sub(q0, rowStart), e.idx(s.sw)),
                         e.sub(e.mul(kw, e.idx(s.dw)), e.idx(s.pw)));
        auto ceilDiv = [&](Value v) {
          return e.div(e.add(e.max(v, e.idx(0)), e.idx(s.sw - 1)), e.idx(s.sw));
        };
        Value lowL = e.max(lo, ceilDiv(e.sub(e.idx(0), c0)));
        Value highL = e.select(rowOk, e.min(hi, ceilDiv(e.sub(e.idx(s.w), c0))),
                               e.idx(0));
        Value ihSafe = e.select(rowOk, ih, e.idx(0));
        Value store = e.range(64, lo, hi, 4);
        if (s.sw == 1) {
          Value mask = e.range(16, lowL, highL);
          groups(kk, j, [&](Value c) {
            return e.maskedBytes(x4, {n, c, ihSafe, c0}, mask, 16);
          }, store);
        } else {
          Value mask = e.range(32, e.mul(lowL, e.idx(2)),
                               e.sub(e.mul(highL, e.idx(2)), e.idx(1)));
          SmallVector<int64_t> evens;
          for (int64_t i = 0; i < 16; ++i)
            evens.push_back(2 * i);
          groups(kk, j, [&](Value c) {
            Value wide = e.maskedBytes(x4, {n, c, ihSafe, c0}, mask, 32);
            return vector::ShuffleOp::create(e.b, e.loc, wide, wide, evens)
                .getResult();
          }, store);
        }
      });
    });
  });
}

/// Packs window rows [kh0, kh1) of tile `pt` into panel[slot]
/// for Shape::taps: per row segment, channel, window row and group of four
/// taps, one masked 64-byte load of the input row (columns outside the
/// image read as 0) and one byte permutation: lane l, byte j takes column
/// c0 + l * sw + j * dw.
void packTaps(I8Emitter &e, const Shape &s, const Tiling &t, Value x4,
              Value panel, Value slot, Value pt, Value kh0, Value kh1) {
  int64_t q = s.q(), kwg = s.kwg();
  SmallVector<int64_t> pick(64);
  for (int64_t l = 0; l < 16; ++l)
    for (int64_t j = 0; j < 4; ++j)
      pick[4 * l + j] = l * s.sw + j * s.dw;
  Value top = arith::ConstantOp::create(
      e.b, e.loc, e.bytes(64),
      DenseElementsAttr::get(e.bytes(64), e.b.getI8IntegerAttr(-128)));
  e.forEach(e.idx(0), e.idx(t.nv), 1, [&](Value j) {
    Value q0 = e.add(e.mul(pt, e.idx(t.nr)), e.mul(j, e.idx(16)));
    Value rA = e.div(q0, e.idx(s.ow));
    Value rB = e.div(e.min(e.add(q0, e.idx(15)), e.idx(q - 1)), e.idx(s.ow));
    e.forEach(rA, e.add(rB, e.idx(1)), 1, [&](Value r) {
      Value n = e.div(r, e.idx(s.oh)), ohr = e.rem(r, e.idx(s.oh));
      Value rowStart = e.mul(r, e.idx(s.ow));
      Value lo = e.max(e.sub(rowStart, q0), e.idx(0));
      Value hi = e.min(e.sub(e.add(rowStart, e.idx(s.ow)), q0), e.idx(16));
      Value store = e.range(64, lo, hi, 4);
      // Input column of lane 0, tap 0.
      Value c00 = e.sub(e.mul(e.sub(q0, rowStart), e.idx(s.sw)), e.idx(s.pw));
      e.forEach(kh0, kh1, 1, [&](Value kh) {
        Value ih = e.sub(e.add(e.mul(ohr, e.idx(s.sh)), e.mul(kh, e.idx(s.dh))),
                         e.idx(s.ph));
        Value rowOk = e.both(e.ge(ih, e.idx(0)), e.lt(ih, e.idx(s.h)));
        Value ihSafe = e.select(rowOk, ih, e.idx(0));
        for (int64_t g = 0; g < kwg; ++g) {
          Value c0 = e.add(c00, e.idx(4 * g * s.dw));
          // Taps past the kernel width have zero weights: any byte will do.
          Value mask = e.range(64, e.max(e.sub(e.idx(0), c0), e.idx(0)),
                               e.select(rowOk, e.sub(e.idx(s.w), c0), e.idx(0)));
          for (int64_t c = 0; c < s.c; ++c) {
            Value row = e.maskedBytes(x4, {n, e.idx(c), ihSafe, c0}, mask, 64);
            Value v = vector::ShuffleOp::create(e.b, e.loc, row, row, pick);
            if (!e.unsignedInput)
              v = arith::XOrIOp::create(e.b, e.loc, v, top);
            Value k4 = e.add(e.mul(e.add(e.idx(c * s.kh), kh), e.idx(kwg)),
                             e.idx(g));
            e.storePanel(v, panel, {slot, k4, e.mul(j, e.idx(64))}, store);
          }
        }
      });
    });
  });
}

//===----------------------------------------------------------------------===//
// The register tiles over one panel
//===----------------------------------------------------------------------===//

/// The panels of rows of block `blk` over the packed positions of `pt`:
/// MR x NV accumulators, dot products over K/4, then the epilogue.
void runTiles(I8Emitter &e, const Shape &s, const Tiling &t, Value panel,
              Value unit, Value pt, Value blk, Value wq, Value init,
              Value scale, Value bias, Value out, const Epilogue &epi,
              const DenseMap<Value, double> &int8Operands) {
  int64_t mr = t.mr, nv = t.nv;
  Value first = e.mul(blk, e.idx(t.perBlock));
  Value last = e.min(e.add(first, e.idx(t.perBlock)), e.idx(t.panels));
  // Each vector's positions: in one image, or across two (their stores
  // and full reads then split at the image boundary).
  int64_t p = s.p(), q = s.q();
  SmallVector<Value> cols, n0s, c0s, masks0, n1s, masks1;
  for (int64_t j = 0; j < nv; ++j) {
    Value col = e.add(e.mul(pt, e.idx(t.nr)), e.idx(16 * j));
    Value n0 = e.div(col, e.idx(p));
    Value c0 = e.sub(col, e.mul(n0, e.idx(p)));
    cols.push_back(col);
    n0s.push_back(e.min(n0, e.idx(s.n - 1)));
    c0s.push_back(c0);
    Value left = e.sub(e.idx(q), col);
    masks0.push_back(e.mask(e.min(e.sub(e.idx(p), c0), left)));
    if (s.crossing()) {
      n1s.push_back(e.min(e.add(n0, e.idx(1)), e.idx(s.n - 1)));
      masks1.push_back(e.range(16, e.sub(e.idx(p), c0), left));
    }
  }
  e.forEach(first, last, 1, [&](Value pan) {
    Value row0 = e.mul(pan, e.idx(mr));
    SmallVector<Value> start;
    for (int64_t r = 0; r < mr; ++r) {
      Value v = e.i32splat(e.load(init, {e.add(row0, e.idx(r))}));
      for (int64_t j = 0; j < nv; ++j)
        start.push_back(v);
    }
    scf::ForOp kloop = e.loop(
        e.idx(0), e.idx(s.k4()), 1, start, [&](Value k4, ValueRange acc) {
          SmallVector<Value> pos, next(acc.begin(), acc.end());
          for (int64_t j = 0; j < nv; ++j)
            pos.push_back(vector::LoadOp::create(e.b, e.loc, e.bytes(64), panel,
                                                 {unit, k4, e.idx(64 * j)}, false,
                                                 IntegerAttr()));
          for (int64_t r = 0; r < mr; ++r) {
            if (e.dotLanes == 8 && !e.unsignedInput) {
              // AVX2: the row's group split into 16-bit pairs when packed.
              Value even = e.i32splat(e.load(wq, {pan, k4, e.idx(r), e.idx(0)}));
              Value odd = e.i32splat(e.load(wq, {pan, k4, e.idx(r), e.idx(1)}));
              for (int64_t j = 0; j < nv; ++j)
                next[r * nv + j] = e.splitDot(next[r * nv + j], pos[j], even, odd);
              continue;
            }
            Value w = vector::BitCastOp::create(
                e.b, e.loc, e.bytes(64),
                e.i32splat(e.load(wq, {pan, k4, e.idx(r)})));
            for (int64_t j = 0; j < nv; ++j)
              next[r * nv + j] = e.dot(next[r * nv + j], pos[j], w);
          }
          return next;
        });
    for (int64_t r = 0; r < mr; ++r) {
      Value row = e.add(row0, e.idx(r));
      e.ifThen(e.lt(row, e.idx(s.m)), [&] {
        Value sc = e.splat(e.load(scale, {row}));
        Value bi = e.splat(e.load(bias, {row}));
        for (int64_t j = 0; j < nv; ++j) {
          SmallVector<Int8Segment> segs{{{n0s[j], row, c0s[j]}, masks0[j]}};
          if (s.crossing())
            segs.push_back({{n1s[j], row, e.sub(c0s[j], e.idx(p))}, masks1[j]});
          Value f = arith::SIToFPOp::create(e.b, e.loc, e.vec(),
                                            kloop.getResult(r * nv + j));
          f = e.fma(f, sc, bi);
          finishInt8(e, epi, int8Operands, f, row, cols[j], out, segs);
        }
      });
    }
  });
}

int64_t bestVectors(int64_t positions) {
  // Relative speed of 1..4 vectors per row (fewer reuse each broadcast
  // weight less), times the share of lanes holding a position.
  static const double speed[] = {0, 0.8, 0.95, 1.0, 1.0};
  int64_t best = 1;
  double bestScore = -1;
  for (int64_t nv = 1; nv <= 4; ++nv) {
    int64_t nr = 16 * nv, padded = (positions + nr - 1) / nr * nr;
    double score = speed[nv] * positions / padded;
    if (score >= bestScore) {
      best = nv;
      bestScore = score;
    }
  }
  return best;
}
} // namespace

//===----------------------------------------------------------------------===//
// Selection and construction
//===----------------------------------------------------------------------===//

std::string mlir::infer::int8ConvMismatch(ConvOp conv, const CpuTarget &target) {
  if (!target.avx512vnni && !target.avx2)
    return "conv_i8 needs AVX-512 VNNI or AVX2";
  auto in = llvm::cast<RankedTensorType>(conv.getInput().getType());
  auto out = llvm::cast<RankedTensorType>(conv.getOutput().getType());
  if (conv.getChannelsLast() || in.getRank() != 4 || !in.hasStaticShape() ||
      !out.hasStaticShape())
    return "conv_i8 takes static NCHW 2-D convolutions";
  if (conv.getGroup() != 1)
    return "conv_i8 takes convolutions of group 1";
  if (!symmetricInt8(conv.getInput()))
    return "conv_i8 needs a symmetric int8 input (zero point 0, one scale)";
  Shape s = shapeOf(conv);
  if (!isConstantValue(conv.getWeight()) || !weightScales(conv.getWeight(), 0, s.m))
    return "conv_i8 needs constant symmetric int8 weights (per tensor or per "
           "output channel)";
  if (Value b = conv.getBias())
    if (!isConstantValue(b) ||
        !llvm::cast<ShapedType>(b.getType()).getElementType().isF32())
      return "conv_i8 needs a constant f32 bias";
  if (!out.getElementType().isF32())
    return "conv_i8 computes an f32 result";
  if (s.sh < 1 || s.sh > 2 || s.sw < 1 || s.sw > 2)
    return "conv_i8 takes strides 1 and 2";
  return "";
}

CpuTileAttr mlir::infer::selectInt8ConvTile(ConvOp conv,
                                            const CpuTarget &target) {
  if (!int8ConvMismatch(conv, target).empty())
    return nullptr;
  Shape s = shapeOf(conv);
  // AVX2: 16 positions are two 256-bit registers, each row's accumulators
  // two, the positions' bytes four once split (avx2SplitDot): one vector of
  // positions and 4 rows keep it all in 16 registers.
  bool vnni = target.avx512vnni;
  int64_t nv = vnni ? bestVectors(s.q()) : 1;
  int64_t mr = !vnni ? 4 : nv == 1 ? 12 : nv == 4 ? 6 : 8;
  Tiling t(s, mr, nv);
  if (t.scratchBytes(s) > kMaxPanelBytes)
    return nullptr;
  auto tile = CpuTileAttr::get(conv.getContext(), CpuKernel::conv_i8, mr, nv,
                               vnni ? 16 : 8);
  conv->setAttr(InferDialect::getTileAttrName(), tile);
  return tile;
}

namespace {
/// conv_i8's constant operands, packed at compile time.
struct PackedConvWeights {
  /// Four channels (or taps) of a row as one 32-bit group,
  /// [M/MR][K/4][MR].
  std::vector<uint32_t> groups;
  /// Each row's accumulator start (-128 * its weight sum; 0 for an
  /// unsigned input), scale (input scale times the row's weight scale) and
  /// bias.
  std::vector<int32_t> init;
  std::vector<float> scale, bias;
};

FailureOr<PackedConvWeights> packConvWeights(ConvOp conv, const Shape &s, const Tiling &t,
                                             const ConstantView &w,
                                             ArrayRef<double> wScales, bool unsignedInput,
                                             std::string &error) {
  double xScale = symmetricInt8(conv.getInput()).getScale();
  int64_t rows = t.panels * t.mr, k4 = s.k4();
  PackedConvWeights p;
  p.groups.assign(t.panels * k4 * t.mr, 0);
  p.init.assign(rows, 0);
  p.scale.assign(rows, 0.0f);
  p.bias.assign(rows, 0.0f);
  for (int64_t m = 0; m < s.m; ++m) {
    int64_t sum = 0;
    for (int64_t c = 0; c < s.c; ++c)
      for (int64_t kh = 0; kh < s.kh; ++kh)
        for (int64_t kw = 0; kw < s.kw; ++kw) {
          int64_t v = w.getInt(((m * s.c + c) * s.kh + kh) * s.kw + kw);
          sum += v;
          auto [g, byte] = s.group(c, kh, kw);
          uint32_t &word = p.groups[((m / t.mr) * k4 + g) * t.mr + m % t.mr];
          word |= uint32_t(uint8_t(int8_t(v))) << (8 * byte);
        }
    p.init[m] = I8Emitter::accumulatorStart(sum, unsignedInput);
    p.scale[m] = static_cast<float>(xScale * wScales[m]);
  }
  if (Value b = conv.getBias()) {
    FailureOr<ConstantView> bv = constantData(b);
    if (failed(bv)) {
      error = "unreadable bias";
      return failure();
    }
    for (int64_t m = 0; m < s.m; ++m)
      p.bias[m] = static_cast<float>(bv->getDouble(m));
  }
  return p;
}

/// Whether the int8 values of `v` are never negative: a quantized ReLU (or
/// Clip from 0), through pooling, concatenation, sums and maxima of such
/// values and the ops that only move values. AVX2's int8 templates then
/// read them as unsigned bytes as they are (I8Emitter::unsignedInput).
bool nonNegative(Value v, int depth = 8) {
  if (depth == 0)
    return false;
  // Across kernel groups: a group's input is the fused op's operand, its
  // result what the group yields.
  if (auto arg = llvm::dyn_cast<BlockArgument>(v)) {
    auto fused = llvm::dyn_cast_or_null<FusedOp>(arg.getOwner()->getParentOp());
    return fused && nonNegative(fused.getInputs()[arg.getArgNumber()], depth - 1);
  }
  Operation *def = v.getDefiningOp();
  if (!def)
    return false;
  if (auto fused = llvm::dyn_cast<FusedOp>(def))
    return nonNegative(fused.getBody().front().getTerminator()->getOperand(
                           llvm::cast<OpResult>(v).getResultNumber()),
                       depth - 1);
  if (auto u = llvm::dyn_cast<UnaryOp>(def)) {
    if (u.getKind() == UnaryKind::relu)
      return true;
    std::optional<llvm::APFloat> lo = u.getAlpha();
    return u.getKind() == UnaryKind::clip && lo && !lo->isNegative();
  }
  auto all = [&](ValueRange values) {
    return llvm::all_of(values, [&](Value x) { return nonNegative(x, depth - 1); });
  };
  // Max, average and Lp pooling of values never negative (padding counts
  // as 0 where it counts) are never negative.
  if (llvm::isa<PoolOp, GlobalPoolOp, ConcatOp>(def))
    return all(def->getOperands());
  if (auto bin = llvm::dyn_cast<BinaryOp>(def))
    return (bin.getKind() == BinaryKind::add || bin.getKind() == BinaryKind::max) &&
           all(def->getOperands());
  if (llvm::isa<QuantizeOp, DequantizeOp, ReshapeOp, TransposeOp, SliceOp>(def))
    return nonNegative(def->getOperand(0), depth - 1);
  return false;
}
} // namespace

void mlir::infer::markUnsignedInt8Input(Operation *op, CpuTileAttr tile) {
  // Set here only: one brought in by hand on an input that may be negative
  // would read its negative bytes as 128..255.
  if (tile.getVl() == 8 &&
      (tile.getKernel() == CpuKernel::conv_i8 || tile.getKernel() == CpuKernel::gemm_i8) &&
      op->getNumOperands() > 0 && nonNegative(op->getOperand(0)))
    op->setAttr(kUnsignedInputAttr, UnitAttr::get(op->getContext()));
  else
    op->removeAttr(kUnsignedInputAttr);
}

bool mlir::infer::readsUnsignedInt8Input(Operation *op, CpuTileAttr tile) {
  return tile.getVl() == 8 && op->hasAttr(kUnsignedInputAttr);
}

FailureOr<TemplateKernel>
mlir::infer::buildInt8ConvKernel(ConvOp conv, CpuTileAttr tile,
                                 ArrayRef<EpilogueStep> epilogue,
                                 KernelModule &kernels, std::string &error) {
  Shape s = shapeOf(conv);
  Tiling t(s, tile.getMr(), tile.getNv());
  if (t.scratchBytes(s) > kMaxPanelBytes)
    return TemplateKernel(); // declined: the generic path takes it
  MLIRContext *ctx = conv.getContext();
  Type f32 = Float32Type::get(ctx), i8 = IntegerType::get(ctx, 8),
       i32 = IntegerType::get(ctx, 32);
  FailureOr<ConstantView> w = constantData(conv.getWeight());
  std::optional<SmallVector<double>> wScales = weightScales(conv.getWeight(), 0, s.m);
  if (failed(w) || !wScales) {
    error = "unreadable int8 weights";
    return failure();
  }
  bool unsignedInput = readsUnsignedInt8Input(conv, tile);

  FailureOr<PackedConvWeights> packed =
      packConvWeights(conv, s, t, *w, *wScales, unsignedInput, error);
  if (failed(packed))
    return failure();
  int64_t rows = t.panels * t.mr, k4 = s.k4();
  std::vector<uint32_t> &wq = packed->groups;

  TemplateKernel result;
  SmallVector<Type> types;
  auto add = [&](TemplateArg arg, MemRefType type) {
    result.inputs.push_back(std::move(arg));
    types.push_back(type);
    return static_cast<int>(result.inputs.size()) - 1;
  };
  add({conv.getInput(), {}}, MemRefType::get({s.n, s.c, s.h, s.w}, i8));
  if (tile.getVl() == 8 && !unsignedInput) {
    // AVX2 (splitDot): each group as its even and odd 16-bit pairs.
    std::vector<uint32_t> split(2 * wq.size());
    for (size_t i = 0; i < wq.size(); ++i) {
      split[2 * i] = I8Emitter::splitPair(wq[i], /*odd=*/false);
      split[2 * i + 1] = I8Emitter::splitPair(wq[i], /*odd=*/true);
    }
    add({Value(), bytesOf(split)}, MemRefType::get({t.panels, k4, t.mr, 2}, i32));
  } else {
    add({Value(), bytesOf(wq)}, MemRefType::get({t.panels, k4, t.mr}, i32));
  }
  add({Value(), bytesOf(packed->init)}, MemRefType::get({rows}, i32));
  add({Value(), bytesOf(packed->scale)}, MemRefType::get({rows}, f32));
  add({Value(), bytesOf(packed->bias)}, MemRefType::get({rows}, f32));
  Int8EpilogueArgs epiArgs;
  if (failed(epiArgs.collect(epilogue, MemRefType::get({s.n, s.m, s.p()}, f32),
                             add, error)))
    return failure();
  int nIn = result.inputs.size();
  result.scratchBytes.push_back(t.scratchBytes(s));
  int64_t slots = t.shared ? t.tiles : t.units;
  MemRefType panelType = MemRefType::get({slots, k4, t.nr * 4}, i8);
  types.push_back(panelType);
  types.push_back(MemRefType::get({s.n, s.m, s.p()}, epiArgs.store.elementType(ctx)));
  std::vector<int> args;
  for (int i = 0; i < nIn + 2; ++i)
    args.push_back(i);
  SmallVector<MemRefType> memrefs;
  for (Type type : types)
    memrefs.push_back(llvm::cast<MemRefType>(type));
  auto emitter = [&](OpBuilder &b, Location loc) {
    I8Emitter e{{b, loc, 16},
                b.getInsertionBlock()->getParentOp()->getParentOfType<ModuleOp>(),
                tile.getVl()};
    e.unsignedInput = unsignedInput;
    return e;
  };
  auto collapse = [](OpBuilder &b, Location loc, Value x4) -> Value {
    return memref::CollapseShapeOp::create(
        b, loc, x4, SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
  };
  if (t.shared) {
    FailureOr<KernelInfo> pack = addMemrefKernel(
        kernels, "conv_i8.pack", conv.getLoc(), {memrefs[0], panelType},
        [&](OpBuilder &b, Location loc, ValueRange a, Value begin, Value end,
            int64_t &grid, int64_t &grain) {
          I8Emitter e = emitter(b, loc);
          grid = t.packUnits;
          grain = 1;
          int64_t kks = s.kh * s.kw;
          if (s.taps()) {
            e.forEach(begin, end, 1, [&](Value u) {
              Value kh = e.rem(u, e.idx(s.kh)), q = e.div(u, e.idx(s.kh));
              packTaps(e, s, t, a[0], a[1], q, q, kh, e.add(kh, e.idx(1)));
            });
            return success();
          }
          e.forEach(begin, end, 1, [&](Value u) {
            Value chunk = e.rem(u, e.idx(t.chunks));
            Value r = e.div(u, e.idx(t.chunks));
            Value kk = e.rem(r, e.idx(kks)), q = e.div(r, e.idx(kks));
            Value g0 = e.mul(chunk, e.idx(kPackGroups));
            packPanel(e, s, t, a[0], collapse(b, loc, a[0]), a[1], q, q, kk,
                      e.add(kk, e.idx(1)), g0, e.add(g0, e.idx(kPackGroups)));
          });
          return success();
        },
        error);
    if (failed(pack))
      return failure();
    result.stages.push_back({*pack, {0, nIn}});
  }
  FailureOr<KernelInfo> info = addMemrefKernel(
      kernels, "conv_i8", conv.getLoc(), memrefs,
      [&](OpBuilder &b, Location loc, ValueRange a, Value begin, Value end,
          int64_t &grid, int64_t &grain) {
        I8Emitter e = emitter(b, loc);
        DenseMap<Value, double> int8Operands;
        Epilogue epi = epiArgs.bind(a, int8Operands);
        Value panel = a[nIn], out = a[nIn + 1];
        grid = t.units;
        grain = 1;
        e.forEach(begin, end, 1, [&](Value u) {
          Value blk = e.rem(u, e.idx(t.blocks));
          Value q = e.div(u, e.idx(t.blocks));
          Value pt = q;
          Value slot = q;
          if (!t.shared) {
            slot = u;
            if (s.taps())
              packTaps(e, s, t, a[0], panel, slot, pt, e.idx(0), e.idx(s.kh));
            else
              packPanel(e, s, t, a[0], collapse(b, loc, a[0]), panel, slot, pt,
                        e.idx(0), e.idx(s.kh * s.kw), e.idx(0), e.idx(s.c4()));
          }
          runTiles(e, s, t, panel, slot, pt, blk, a[1], a[2], a[3], a[4], out,
                   epi, int8Operands);
        });
        return success();
      },
      error);
  if (failed(info))
    return failure();
  result.stages.push_back({*info, std::move(args)});
  return result;
}
