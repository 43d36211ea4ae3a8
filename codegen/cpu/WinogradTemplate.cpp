//===- WinogradTemplate.cpp - Winograd 3x3 convolution on the CPU ---------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/cpu/WinogradTemplate.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::infer;

namespace {

// The transforms of F(2, 3) and F(4, 3) (Lavin and Gray's points 0, +-1,
// +-2, infinity), row-major. B^T is side x side, G side x 3, A^T m x side.
// clang-format off
constexpr double kBT2[] = {1,  0, -1,  0,
                           0,  1,  1,  0,
                           0, -1,  1,  0,
                           0,  1,  0, -1};
constexpr double kG2[] = {1,   0,  0,
                          .5, .5, .5,
                          .5, -.5, .5,
                          0,   0,  1};
constexpr double kAT2[] = {1, 1,  1,  0,
                           0, 1, -1, -1};
constexpr double kBT4[] = {4,  0, -5,  0, 1, 0,
                           0, -4, -4,  1, 1, 0,
                           0,  4, -4, -1, 1, 0,
                           0, -2, -1,  2, 1, 0,
                           0,  2, -1, -2, 1, 0,
                           0,  4,  0, -5, 0, 1};
constexpr double kG4[] = { 1.0 / 4,   0,         0,
                          -1.0 / 6,  -1.0 / 6,  -1.0 / 6,
                          -1.0 / 6,   1.0 / 6,  -1.0 / 6,
                           1.0 / 24,  1.0 / 12,  1.0 / 6,
                           1.0 / 24, -1.0 / 12,  1.0 / 6,
                           0,         0,         1};
constexpr double kAT4[] = {1, 1,  1, 1,  1, 0,
                           0, 1, -1, 2, -2, 0,
                           0, 1,  1, 4,  4, 0,
                           0, 1, -1, 8, -8, 1};
// clang-format on

const double *matBT(int64_t m) { return m == 2 ? kBT2 : kBT4; }
const double *matG(int64_t m) { return m == 2 ? kG2 : kG4; }
const double *matAT(int64_t m) { return m == 2 ? kAT2 : kAT4; }

/// out[i] = sum_j mat[i][j] * in[j] for a rows x in.size() matrix: terms
/// of 0 dropped, of +-1 as adds and subtracts, the rest as FMAs.
SmallVector<Value> applyMatrix(Emitter &e, const double *mat, int64_t rows,
                               ArrayRef<Value> in) {
  int64_t cols = in.size();
  SmallVector<Value> out;
  for (int64_t i = 0; i < rows; ++i) {
    const double *row = mat + i * cols;
    // Start from a +1 term where there is one (no negation, no multiply).
    int64_t start = -1;
    for (int64_t j = 0; j < cols && start < 0; ++j)
      if (row[j] == 1)
        start = j;
    Value acc = start < 0 ? Value() : in[start];
    for (int64_t j = 0; j < cols; ++j) {
      double c = row[j];
      if (c == 0 || j == start)
        continue;
      if (!acc) {
        acc = c == -1 ? arith::NegFOp::create(e.b, e.loc, in[j]).getResult()
                      : arith::MulFOp::create(e.b, e.loc, e.splat(e.f32(c)), in[j])
                            .getResult();
        continue;
      }
      if (c == 1)
        acc = arith::AddFOp::create(e.b, e.loc, acc, in[j]);
      else if (c == -1)
        acc = arith::SubFOp::create(e.b, e.loc, acc, in[j]);
      else
        acc = e.fma(e.splat(e.f32(c)), in[j], acc);
    }
    out.push_back(acc ? acc : e.zeros());
  }
  return out;
}

/// The m phases of the m * VL consecutive values in `parts` (m vectors):
/// phase p holds values p, p + m, p + 2m, ...; log2(m) rounds of even- and
/// odd-lane shuffles.
SmallVector<Value> phases(Emitter &e, ArrayRef<Value> parts) {
  if (parts.size() == 1)
    return {parts[0]};
  SmallVector<int64_t> evens, odds;
  for (int64_t i = 0; i < e.vl; ++i) {
    evens.push_back(2 * i);
    odds.push_back(2 * i + 1);
  }
  SmallVector<Value> even, odd;
  for (size_t i = 0; i < parts.size(); i += 2) {
    even.push_back(
        vector::ShuffleOp::create(e.b, e.loc, parts[i], parts[i + 1], evens));
    odd.push_back(
        vector::ShuffleOp::create(e.b, e.loc, parts[i], parts[i + 1], odds));
  }
  SmallVector<Value> pe = phases(e, even), po = phases(e, odd), out;
  for (size_t q = 0; q < pe.size(); ++q)
    out.append({pe[q], po[q]});
  return out;
}

/// The lanes of a and b alternately: the first half's pairs, then the
/// second half's.
std::pair<Value, Value> zip(Emitter &e, Value a, Value b) {
  SmallVector<int64_t> lo, hi;
  for (int64_t i = 0; i < e.vl / 2; ++i) {
    lo.append({i, e.vl + i});
    hi.append({e.vl / 2 + i, e.vl + e.vl / 2 + i});
  }
  return {vector::ShuffleOp::create(e.b, e.loc, a, b, lo),
          vector::ShuffleOp::create(e.b, e.loc, a, b, hi)};
}

/// ys[j] holds column j of VL consecutive tiles (lane = tile): the m * VL
/// outputs in the row's order, as m vectors.
SmallVector<Value> interleave(Emitter &e, ArrayRef<Value> ys) {
  if (ys.size() == 2) {
    auto [lo, hi] = zip(e, ys[0], ys[1]);
    return {lo, hi};
  }
  auto [p0, p1] = zip(e, ys[0], ys[2]);
  auto [q0, q1] = zip(e, ys[1], ys[3]);
  auto [a, b] = zip(e, p0, q0);
  auto [c, d] = zip(e, p1, q1);
  return {a, b, c, d};
}

} // namespace

WinogradShape::WinogradShape(const ConvShape &s, int64_t m, int64_t vl,
                             int64_t nr)
    : m(m), side(m + 2), points((m + 2) * (m + 2)), th((s.oh + m - 1) / m),
      tw((s.ow + m - 1) / m), tiles(th * tw) {
  // The GEMM covers whole vectors of NR tiles; the input stage's stores
  // and the output stage's loads reach VL - 1 tiles past the last.
  tpad = std::max((tiles + nr - 1) / nr * nr, (tiles + vl - 1 + vl - 1) / vl * vl);
}

uint64_t WinogradShape::scratchBytes(const ConvShape &s) const {
  return uint64_t(s.n) * points * (s.c + s.m) * tpad * 4;
}

std::string mlir::infer::winogradMismatch(const ConvShape &s) {
  if (s.kh != 3 || s.kw != 3)
    return "Winograd F(m, 3) takes 3x3 windows";
  if (s.sh != 1 || s.sw != 1 || s.dh != 1 || s.dw != 1)
    return "Winograd F(m, 3) takes stride 1 without dilation";
  return "";
}

std::vector<float> mlir::infer::winogradWeights(const ConstantView &w,
                                                const ConvShape &s,
                                                const WinogradShape &g,
                                                int64_t mr) {
  int64_t side = g.side, panels = (s.m + mr - 1) / mr;
  const double *gm = matG(g.m);
  std::vector<float> out(g.points * panels * s.c * mr, 0.0f);
  for (int64_t co = 0; co < s.m; ++co)
    for (int64_t ci = 0; ci < s.c; ++ci) {
      double f[3][3], gf[8][3];
      for (int64_t i = 0; i < 3; ++i)
        for (int64_t j = 0; j < 3; ++j)
          f[i][j] = w.getDouble(((co * s.c + ci) * 3 + i) * 3 + j);
      for (int64_t a = 0; a < side; ++a)
        for (int64_t j = 0; j < 3; ++j)
          gf[a][j] = gm[a * 3] * f[0][j] + gm[a * 3 + 1] * f[1][j] +
                     gm[a * 3 + 2] * f[2][j];
      for (int64_t a = 0; a < side; ++a)
        for (int64_t b = 0; b < side; ++b) {
          double u = gf[a][0] * gm[b * 3] + gf[a][1] * gm[b * 3 + 1] +
                     gf[a][2] * gm[b * 3 + 2];
          int64_t xi = a * side + b;
          out[((xi * panels + co / mr) * s.c + ci) * mr + co % mr] =
              static_cast<float>(u);
        }
    }
  return out;
}

void mlir::infer::buildWinogradInput(Emitter &e, const ConvShape &s,
                                     const WinogradShape &g, Value x, Value v,
                                     Value begin, Value end, int64_t &grid) {
  int64_t m = g.m, side = g.side, vl = e.vl;
  const double *bt = matBT(m);
  // A tile row's input rows, zero-padded, split by column phase (padded
  // column m * i + p at [r][p][i]): every patch column of VL consecutive
  // tiles is then one plain load.
  int64_t perPhase = ((g.tw + vl - 1) / vl + 1) * vl;
  Value rows = memref::AllocaOp::create(
      e.b, e.loc, MemRefType::get({side, m, perPhase}, e.b.getF32Type()));
  // A task is one channel's tile rows in order: each row's last vector
  // stores past the row's tiles onto the next row's first (rewritten next)
  // or into the padding, so that no store needs a mask.
  grid = s.n * s.c;
  e.forEach(begin, end, 1, [&](Value t) {
    Value c = e.rem(t, e.idx(s.c)), n = e.div(t, e.idx(s.c));
    e.forEach(e.idx(0), e.idx(g.th), 1, [&](Value ty) {
      Value row0 = e.sub(e.mul(ty, e.idx(m)), e.idx(s.ph));
      for (int64_t r = 0; r < side; ++r) {
        Value ih = e.add(row0, e.idx(r));
        Value ok = vector::BroadcastOp::create(
            e.b, e.loc, e.mvec(),
            e.both(e.ge(ih, e.idx(0)), e.lt(ih, e.idx(s.h))));
        Value safe = e.max(e.min(ih, e.idx(s.h - 1)), e.idx(0));
        for (int64_t step = 0; step < perPhase / vl; ++step) {
          SmallVector<Value> parts;
          for (int64_t j = 0; j < m; ++j) {
            int64_t col = (step * m + j) * vl - s.pw;
            Value mask = e.both(rangeMask(e, e.idx(-col), e.idx(s.w - col)), ok);
            parts.push_back(e.vloadMasked(x, {n, c, safe, e.idx(col)}, mask));
          }
          SmallVector<Value> ph = phases(e, parts);
          for (int64_t p = 0; p < m; ++p)
            e.vstore(ph[p], rows, {e.idx(r), e.idx(p), e.idx(step * vl)});
        }
      }
      e.forEach(e.idx(0), e.idx(g.tw), vl, [&](Value tx0) {
        // B^T d: down the patches' columns, then (B^T d) B along the rows.
        SmallVector<SmallVector<Value>> cols(side); // cols[k][a]
        for (int64_t k = 0; k < side; ++k) {
          SmallVector<Value> column;
          for (int64_t r = 0; r < side; ++r)
            column.push_back(e.vload(
                rows, {e.idx(r), e.idx(k % m), e.add(tx0, e.idx(k / m))}));
          cols[k] = applyMatrix(e, bt, side, column);
        }
        Value t0 = e.add(e.mul(ty, e.idx(g.tw)), tx0);
        for (int64_t a = 0; a < side; ++a) {
          SmallVector<Value> row;
          for (int64_t k = 0; k < side; ++k)
            row.push_back(cols[k][a]);
          SmallVector<Value> vrow = applyMatrix(e, bt, side, row);
          for (int64_t b = 0; b < side; ++b)
            e.vstore(vrow[b], v, {n, e.idx(a * side + b), c, t0});
        }
      });
    });
  });
}

void mlir::infer::buildWinogradGemm(Emitter &e, const ConvShape &s,
                                    const WinogradShape &g, int64_t mr,
                                    int64_t nv, Value v, Value u, Value mo,
                                    Value begin, Value end, int64_t &grid) {
  int64_t nr = nv * e.vl, panels = (s.m + mr - 1) / mr;
  // A task: one point, NR tiles, a block of about 128 output channels
  // (their panels re-read the same V tile from L1).
  int64_t perBlock = std::max<int64_t>(1, 128 / mr);
  int64_t blocks = (panels + perBlock - 1) / perBlock;
  int64_t ttiles = (g.tiles + nr - 1) / nr;
  grid = s.n * g.points * ttiles * blocks;
  e.forEach(begin, end, 1, [&](Value t) {
    Value blk = e.rem(t, e.idx(blocks));
    Value q = e.div(t, e.idx(blocks));
    Value tt = e.rem(q, e.idx(ttiles));
    q = e.div(q, e.idx(ttiles));
    Value xi = e.rem(q, e.idx(g.points)), n = e.div(q, e.idx(g.points));
    Value t0 = e.mul(tt, e.idx(nr));
    Value first = e.mul(blk, e.idx(perBlock));
    Value last = e.min(e.add(first, e.idx(perBlock)), e.idx(panels));
    e.forEach(first, last, 1, [&](Value pan) {
      SmallVector<Value> zero(mr * nv, e.zeros());
      scf::ForOp kloop = e.loop(
          e.idx(0), e.idx(s.c), 1, zero, [&](Value c, ValueRange accIn) {
            SmallVector<Value> acc(accIn.begin(), accIn.end());
            SmallVector<Value> cols;
            for (int64_t j = 0; j < nv; ++j)
              cols.push_back(e.vload(v, {n, xi, c, e.add(t0, e.idx(j * e.vl))}));
            for (int64_t r = 0; r < mr; ++r) {
              Value a = e.splat(e.load(u, {xi, pan, c, e.idx(r)}));
              for (int64_t j = 0; j < nv; ++j)
                acc[r * nv + j] = e.fma(a, cols[j], acc[r * nv + j]);
            }
            return acc;
          });
      Value row0 = e.mul(pan, e.idx(mr));
      for (int64_t r = 0; r < mr; ++r) {
        Value row = e.add(row0, e.idx(r));
        auto store = [&] {
          for (int64_t j = 0; j < nv; ++j)
            e.vstore(kloop.getResult(r * nv + j), mo,
                     {n, xi, row, e.add(t0, e.idx(j * e.vl))});
        };
        if (s.m % mr != 0 && r > 0)
          e.ifThen(e.lt(row, e.idx(s.m)), store);
        else
          store();
      }
    });
  });
}

void mlir::infer::buildWinogradOutput(Emitter &e, const ConvShape &s,
                                      const WinogradShape &g, Value mi,
                                      Value bias, Value out,
                                      const Epilogue &epi, Value begin,
                                      Value end, int64_t &grid) {
  int64_t m = g.m, side = g.side;
  const double *at = matAT(m);
  // Costly steps run over the stored rows (Epilogue::appliesApart).
  bool apart = epi.appliesApart() &&
               llvm::none_of(epi.steps, [](const EpilogueStep &step) {
                 return step.read == EpilogueStep::Read::PerColumn;
               });
  bool rowTail = s.oh % m != 0;
  grid = s.n * s.m * g.th;
  e.forEach(begin, end, 1, [&](Value t) {
    Value ty = e.rem(t, e.idx(g.th));
    Value q = e.div(t, e.idx(g.th));
    Value co = e.rem(q, e.idx(s.m)), n = e.div(q, e.idx(s.m));
    Value b0 = bias ? e.splat(e.load(bias, {co})) : Value();
    // VL tiles from tile column tx0; `tail`: the last, partial chunk
    // (tx0 constant), whose vectors' valid lanes are then known here.
    auto chunk = [&](Value tx0, bool tail) {
      Value t0 = e.add(e.mul(ty, e.idx(g.tw)), tx0);
      // A^T M: down the columns, then (A^T M) A: along the rows.
      SmallVector<SmallVector<Value>> cols(side); // cols[b][i]
      for (int64_t b = 0; b < side; ++b) {
        SmallVector<Value> column;
        for (int64_t a = 0; a < side; ++a)
          column.push_back(e.vload(mi, {n, e.idx(a * side + b), co, t0}));
        cols[b] = applyMatrix(e, at, m, column);
      }
      for (int64_t i = 0; i < m; ++i) {
        SmallVector<Value> row;
        for (int64_t b = 0; b < side; ++b)
          row.push_back(cols[b][i]);
        SmallVector<Value> ys = applyMatrix(e, at, m, row);
        Value oh = e.add(e.mul(ty, e.idx(m)), e.idx(i));
        auto store = [&] {
          SmallVector<Value> outs = interleave(e, ys);
          for (int64_t k = 0; k < m; ++k) {
            // Full chunks store whole vectors; the tail's lanes past the
            // row are masked, its vectors wholly past it skipped.
            int64_t lanes = e.vl;
            if (tail) {
              int64_t first = m * (s.ow / (m * e.vl)) * e.vl + k * e.vl;
              lanes = std::min<int64_t>(e.vl, s.ow - first);
              if (lanes <= 0)
                continue;
            }
            Value col = e.add(e.mul(tx0, e.idx(m)), e.idx(k * e.vl));
            Value mask = e.mask(e.idx(lanes));
            Value acc = outs[k];
            if (b0)
              acc = arith::AddFOp::create(e.b, e.loc, acc, b0);
            epi.store(e, acc, out, {n, co, oh, col}, co, col, mask, apart);
          }
        };
        if (rowTail && i > 0)
          e.ifThen(e.lt(oh, e.idx(s.oh)), store);
        else
          store();
      }
    };
    int64_t full = s.ow / (m * e.vl);
    if (full > 0)
      e.forEach(e.idx(0), e.idx(full * e.vl), e.vl,
                [&](Value tx0) { chunk(tx0, false); });
    if (full * e.vl < g.tw)
      chunk(e.idx(full * e.vl), true);
    if (apart) {
      Value plane = memref::CollapseShapeOp::create(
          e.b, e.loc, out, SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
      Value first = e.mul(e.mul(ty, e.idx(m)), e.idx(s.ow));
      Value last = e.mul(e.min(e.mul(e.add(ty, e.idx(1)), e.idx(m)), e.idx(s.oh)),
                         e.idx(s.ow));
      epi.applyInPlace(e, plane, {n, co}, co, first, last);
    }
  });
}
