//===- DepthwiseTemplate.cpp - CPU kernel for depthwise conv --------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/cpu/DepthwiseTemplate.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::infer;

namespace {

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// How one depthwise convolution is cut into tasks, scratch and tiles.
struct DepthwisePlan {
  int64_t vl, mr, nv;
  int64_t vectors;     // vectors of VL columns per output row
  int64_t width;       // scratch columns per phase row (a multiple of VL)
  int64_t blockRows;   // output rows per task (a multiple of MR)
  int64_t scratchRows; // input rows per task
  int64_t blocks;      // tasks per channel
};

/// Input rows that `outRows` consecutive output rows read.
int64_t inputRows(const ConvShape &s, int64_t outRows) {
  return (outRows - 1) * s.sh + (s.kh - 1) * s.dh + 1;
}

DepthwisePlan planDepthwise(const ConvShape &s, int64_t vl, int64_t mr,
                            int64_t nv) {
  DepthwisePlan p;
  p.vl = vl;
  p.vectors = ceilDiv(s.ow, vl);
  p.nv = std::clamp<int64_t>(nv, 1, p.vectors);
  p.mr = std::clamp<int64_t>(mr, 1, s.oh);
  // Window column kw of output column j is scratch column j + kw*dw/sw of
  // phase kw*dw%sw.
  int64_t maxShift = (s.kw - 1) * s.dw / s.sw;
  p.width = ceilDiv(p.vectors * vl + maxShift, vl) * vl;
  auto bytes = [&](int64_t rows) {
    return s.sw * inputRows(s, rows) * p.width * 4;
  };
  // As few blocks as keep the scratch small, of equal size (rounded up to
  // whole tiles).
  int64_t blocks = 1;
  while (true) {
    int64_t rows = ceilDiv(ceilDiv(s.oh, blocks), p.mr) * p.mr;
    if (rows == p.mr || bytes(rows) <= kDepthwiseScratchBytes) {
      p.blockRows = rows;
      break;
    }
    ++blocks;
  }
  p.scratchRows = inputRows(s, p.blockRows);
  p.blocks = ceilDiv(s.oh, p.blockRows);
  return p;
}

/// Copies input rows [ih0, ih0 + scratchRows) of image n, channel c into
/// the scratch [sw][rows][width]: scratch[f][r][j] = x[n][c][ih0 + r][j *
/// sw + f - pw], zero outside the input. A chunk of VL scratch columns
/// reads VL * sw input columns: plainly where they lie inside the row,
/// with a lane mask at the row's ends; rows outside the input are zeroed.
void copyRows(Emitter &e, const ConvShape &s, const DepthwisePlan &p, Value x,
              Value n, Value c, Value ih0, Value scratch) {
  SmallVector<int64_t> evens, odds;
  for (int64_t i = 0; i < p.vl; ++i) {
    evens.push_back(2 * i);
    odds.push_back(2 * i + 1);
  }
  int64_t span = p.vl * s.sw, chunks = p.width / p.vl;
  // Chunks [inLo, inHi) read inside the row: start q*span - pw >= 0 and
  // end q*span - pw + span <= W.
  int64_t inLo = std::min(chunks, ceilDiv(s.pw, span));
  int64_t inHi = std::max(inLo, std::min(chunks, (s.w + s.pw) / span));
  auto storeChunk = [&](Value r, Value q, ArrayRef<Value> parts) {
    Value j = e.mul(q, e.idx(p.vl));
    if (s.sw == 1) {
      e.vstore(parts[0], scratch, {e.idx(0), r, j});
      return;
    }
    e.vstore(vector::ShuffleOp::create(e.b, e.loc, parts[0], parts[1], evens),
             scratch, {e.idx(0), r, j});
    e.vstore(vector::ShuffleOp::create(e.b, e.loc, parts[0], parts[1], odds),
             scratch, {e.idx(1), r, j});
  };
  e.forEach(e.idx(0), e.idx(p.scratchRows), 1, [&](Value r) {
    Value ih = e.add(ih0, r);
    Value rowOk = e.both(e.ge(ih, e.idx(0)), e.lt(ih, e.idx(s.h)));
    // A chunk at a static index q: masked where it leaves the row.
    auto edge = [&](int64_t q) {
      SmallVector<Value> parts;
      for (int64_t k = 0; k < s.sw; ++k) {
        int64_t at = q * span - s.pw + k * p.vl;
        Value m = rangeMask(e, e.idx(-at), e.idx(s.w - at));
        parts.push_back(e.vloadMasked(x, {n, c, ih, e.idx(at)}, m));
      }
      storeChunk(r, e.idx(q), parts);
    };
    e.ifThenElse(
        rowOk,
        [&] {
          for (int64_t q = 0; q < inLo; ++q)
            edge(q);
          if (inHi > inLo)
            e.forEach(e.idx(inLo), e.idx(inHi), 1, [&](Value q) {
              Value at = e.sub(e.mul(q, e.idx(span)), e.idx(s.pw));
              SmallVector<Value> parts;
              for (int64_t k = 0; k < s.sw; ++k)
                parts.push_back(e.vload(x, {n, c, ih, e.add(at, e.idx(k * p.vl))}));
              storeChunk(r, q, parts);
            });
          for (int64_t q = inHi; q < chunks; ++q)
            edge(q);
        },
        [&] {
          for (int64_t f = 0; f < s.sw; ++f)
            e.forEach(e.idx(0), e.idx(p.width), p.vl, [&](Value j) {
              e.vstore(e.zeros(), scratch, {e.idx(f), r, j});
            });
        });
  });
}

/// Whether the convolution runs over its flattened plane (buildFlatPlanes):
/// its shape allows it, no step reads along the columns and every operand
/// read in full (a residual) is shaped as the output, so that it flattens
/// the same way. A depthwise convolution's epilogue is always so today
/// (classifyEpilogue gives a convolution no per-column step, and its
/// residuals are views shaped as its output); the check keeps another one
/// on the row tiles, correct if slower with the flat plane's MR of 1.
bool takesFlatPlane(const ConvShape &s, int64_t vl, const Epilogue &epi,
                    Value out) {
  if (!depthwiseFlatVectors(s, vl))
    return false;
  for (auto [i, step] : llvm::enumerate(epi.steps)) {
    if (step.read == EpilogueStep::Read::PerColumn)
      return false;
    if (step.read == EpilogueStep::Read::Full &&
        (!epi.operands[i] ||
         llvm::cast<MemRefType>(epi.operands[i].getType()).getShape() !=
             llvm::cast<MemRefType>(out.getType()).getShape()))
      return false;
  }
  return true;
}

/// A small plane at stride 1 whose output is as large as its input (as a
/// "same" padding leaves it): output position p = oh * OW + ow reads, for
/// window tap (kh, kw), input position p + (kh * dh - ph) * W + kw * dw -
/// pw of the same flattened plane, so each tap is one vector load per VL
/// outputs, masked (a constant mask: the plane is unrolled) where the
/// window leaves the input. No scratch, every lane used but the plane's
/// last (rows of 7 or 14 outputs waste 9 or 2 of AVX-512's 16 lanes in the
/// row tiles). A task is a channel; its vectors are accumulated `group`
/// at a time.
void buildFlatPlanes(Emitter &e, const ConvShape &s, int64_t group, Value x,
                     Value w, Value bias, Value out, const Epilogue &epi,
                     bool apart, Value begin, Value end) {
  const int64_t vl = e.vl, plane = s.oh * s.ow, vectors = ceilDiv(plane, vl);
  group = std::clamp<int64_t>(group, 1, vectors);
  Value xp = flattenSpatial(e, x), out3 = flattenSpatial(e, out);
  // Which lanes of the vector of outputs from p0 read inside the input at
  // the window shift (dy, dx).
  auto tapLanes = [&](int64_t p0, int64_t dy, int64_t dx) {
    SmallVector<bool> lanes;
    for (int64_t p = p0; p < p0 + vl; ++p) {
      int64_t ih = p / s.ow + dy, iw = p % s.ow + dx;
      lanes.push_back(p < plane && ih >= 0 && ih < s.h && iw >= 0 && iw < s.w);
    }
    return lanes;
  };
  // Residuals are read where the output is stored: flattened alike.
  Epilogue flat = epi;
  for (auto [i, step] : llvm::enumerate(epi.steps))
    if (step.read == EpilogueStep::Read::Full)
      flat.operands[i] = flattenSpatial(e, epi.operands[i]);
  e.forEach(begin, end, 1, [&](Value t) {
    Value c = e.rem(t, e.idx(s.m)), n = e.div(t, e.idx(s.m));
    Value b0 = bias ? e.splat(e.load(bias, {c})) : e.zeros();
    SmallVector<Value> weights;
    for (int64_t i = 0; i < s.kh * s.kw; ++i)
      weights.push_back(e.splat(e.load(w, {c, e.idx(i)})));
    for (int64_t g0 = 0; g0 < vectors; g0 += group) {
      int64_t count = std::min(group, vectors - g0);
      SmallVector<Value> acc(count, b0);
      for (int64_t kh = 0; kh < s.kh; ++kh)
        for (int64_t kw = 0; kw < s.kw; ++kw) {
          int64_t dy = kh * s.dh - s.ph, dx = kw * s.dw - s.pw;
          for (int64_t j = 0; j < count; ++j) {
            int64_t p0 = (g0 + j) * vl;
            SmallVector<bool> lanes = tapLanes(p0, dy, dx);
            if (llvm::none_of(lanes, [](bool l) { return l; }))
              continue;
            Value at = e.idx(p0 + dy * s.w + dx);
            Value v = llvm::all_of(lanes, [](bool l) { return l; })
                          ? e.vload(xp, {n, c, at})
                          : e.vloadMasked(xp, {n, c, at}, e.constantMask(lanes));
            acc[j] = e.fma(weights[kh * s.kw + kw], v, acc[j]);
          }
        }
      for (int64_t j = 0; j < count; ++j) {
        int64_t p0 = (g0 + j) * vl;
        Value col = e.idx(p0);
        flat.store(e, acc[j], out3, {n, c, col}, c, col, e.mask(e.idx(plane - p0)),
                   apart);
      }
    }
    if (apart)
      flat.applyInPlace(e, out3, {n, c}, c, e.idx(0), e.idx(plane));
  });
}

} // namespace

int64_t mlir::infer::depthwiseFlatVectors(const ConvShape &s, int64_t vl) {
  int64_t vectors = ceilDiv(s.oh * s.ow, vl);
  bool flat = s.sh == 1 && s.sw == 1 && s.oh == s.h && s.ow == s.w &&
              vectors <= kDepthwiseFlatVectors &&
              vectors * s.kh * s.kw <= kDepthwiseFlatLoads;
  return flat ? vectors : 0;
}

void mlir::infer::buildDepthwiseConv(Emitter &e, const ConvShape &s,
                                     int64_t mr, int64_t nv, Value x, Value w,
                                     Value bias, Value out, const Epilogue &epi,
                                     Value begin, Value end, int64_t &grid) {
  // Costly steps run over the stored block (Epilogue::appliesApart); steps
  // along the columns would be read at the wrong place there, since that
  // pass runs over whole rows as one range.
  bool apart = epi.appliesApart() &&
               llvm::none_of(epi.steps, [](const EpilogueStep &step) {
                 return step.read == EpilogueStep::Read::PerColumn;
               });
  if (takesFlatPlane(s, e.vl, epi, out)) {
    grid = s.n * s.m;
    buildFlatPlanes(e, s, nv, x, w, bias, out, epi, apart, begin, end);
    return;
  }
  DepthwisePlan p = planDepthwise(s, e.vl, mr, nv);
  grid = s.n * s.m * p.blocks;
  Value scratch = memref::AllocaOp::create(
      e.b, e.loc,
      MemRefType::get({s.sw, p.scratchRows, p.width}, e.b.getF32Type()));
  // Rows past the output exist only in the last block, when MR does not
  // divide OH.
  bool rowTail = s.oh % p.mr != 0;
  e.forEach(begin, end, 1, [&](Value t) {
    Value blk = e.rem(t, e.idx(p.blocks));
    Value q = e.div(t, e.idx(p.blocks));
    Value c = e.rem(q, e.idx(s.m)), n = e.div(q, e.idx(s.m));
    Value oh0 = e.mul(blk, e.idx(p.blockRows));
    copyRows(e, s, p, x, n, c, e.sub(e.mul(oh0, e.idx(s.sh)), e.idx(s.ph)),
             scratch);
    Value b0 = bias ? e.splat(e.load(bias, {c})) : e.zeros();
    SmallVector<Value> weights;
    for (int64_t i = 0; i < s.kh * s.kw; ++i)
      weights.push_back(e.splat(e.load(w, {c, e.idx(i)})));

    // One register tile: MR rows from tile row `rt` of the block, `vecs`
    // vectors from output column `col0`, the last with `tail` lanes (0:
    // all).
    auto tile = [&](Value rt, Value col0, int64_t vecs, int64_t tail) {
      SmallVector<Value> acc(p.mr * vecs, b0);
      Value r0 = e.mul(rt, e.idx(s.sh));
      for (int64_t sr = 0; sr < inputRows(s, p.mr); ++sr) {
        // The tile rows whose window row kh reads scratch row r0 + sr.
        SmallVector<std::pair<int64_t, int64_t>> uses;
        for (int64_t i = 0; i < p.mr; ++i) {
          int64_t d = sr - i * s.sh;
          if (d >= 0 && d % s.dh == 0 && d / s.dh < s.kh)
            uses.push_back({i, d / s.dh});
        }
        if (uses.empty())
          continue;
        Value row = e.add(r0, e.idx(sr));
        for (int64_t kw = 0; kw < s.kw; ++kw) {
          Value phase = e.idx(kw * s.dw % s.sw);
          int64_t shift = kw * s.dw / s.sw;
          for (int64_t j = 0; j < vecs; ++j) {
            Value v = e.vload(scratch,
                              {phase, row, e.add(col0, e.idx(j * p.vl + shift))});
            for (auto [i, kh] : uses)
              acc[i * vecs + j] =
                  e.fma(weights[kh * s.kw + kw], v, acc[i * vecs + j]);
          }
        }
      }
      for (int64_t i = 0; i < p.mr; ++i) {
        Value oh = e.add(e.add(oh0, rt), e.idx(i));
        auto store = [&] {
          for (int64_t j = 0; j < vecs; ++j) {
            Value col = e.add(col0, e.idx(j * p.vl));
            Value mask = e.mask(e.idx(j + 1 == vecs && tail ? tail : p.vl));
            epi.store(e, acc[i * vecs + j], out, {n, c, oh, col}, c, col, mask,
                      apart);
          }
        };
        if (rowTail && i > 0)
          e.ifThen(e.lt(oh, e.idx(s.oh)), store);
        else
          store();
      }
    };

    Value rows = e.min(e.idx(p.blockRows), e.sub(e.idx(s.oh), oh0));
    // Groups of NV whole vectors, then the rest (at most NV vectors, the
    // last one partial).
    int64_t whole = s.ow / p.vl, groups = whole / p.nv;
    int64_t rest = p.vectors - groups * p.nv, tail = s.ow % p.vl;
    e.forEach(e.idx(0), rows, p.mr, [&](Value rt) {
      if (groups > 0)
        e.forEach(e.idx(0), e.idx(groups * p.nv * p.vl), p.nv * p.vl,
                  [&](Value col0) { tile(rt, col0, p.nv, 0); });
      if (rest > 0)
        tile(rt, e.idx(groups * p.nv * p.vl), rest, tail);
    });
    // The costly steps over the block's rows just stored: contiguous in
    // the channel's plane.
    if (apart) {
      Value plane = flattenSpatial(e, out);
      Value first = e.mul(oh0, e.idx(s.ow));
      epi.applyInPlace(e, plane, {n, c}, c, first,
                       e.add(first, e.mul(rows, e.idx(s.ow))));
    }
  });
}
