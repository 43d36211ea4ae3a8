//===- CoopGemm.cpp - GEMMs on Vulkan cooperative matrices ----------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/vulkan/CoopGemm.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVAttributes.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::infer;

namespace {
constexpr int64_t kPad = 8;       ///< halves of padding per workgroup-memory row
constexpr int64_t kFrag = 16;     ///< the cooperative matrices' M, N and K
constexpr int64_t kSubgroups = 4; ///< per workgroup, as 2 x 2
constexpr int64_t kThreads = kSubgroups * kCoopSubgroupSize;

using Kind = GemmEpilogueOp::Kind;

/// Index arithmetic and the kernel's types.
struct Ix {
  OpBuilder &b;
  Location loc;
  Type f16, f32;
  Ix(OpBuilder &b, Location loc)
      : b(b), loc(loc), f16(b.getF16Type()), f32(b.getF32Type()) {}
  Value c(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value add(Value x, int64_t y) { return y ? add(x, c(y)) : x; }
  Value mul(Value x, int64_t y) { return arith::MulIOp::create(b, loc, x, c(y)); }
  Value div(Value x, int64_t y) { return arith::DivUIOp::create(b, loc, x, c(y)); }
  Value rem(Value x, int64_t y) { return arith::RemUIOp::create(b, loc, x, c(y)); }
  Value lt(Value x, int64_t y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x, c(y));
  }
  Value both(Value x, Value y) { return arith::AndIOp::create(b, loc, x, y); }
  Value fc(float v) { return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v)); }
  Value fadd(Value x, Value y) { return arith::AddFOp::create(b, loc, x, y); }
  Value fmul(Value x, Value y) { return arith::MulFOp::create(b, loc, x, y); }
  Value fdiv(Value x, Value y) { return arith::DivFOp::create(b, loc, x, y); }
  Value fmax(Value x, Value y) { return arith::MaximumFOp::create(b, loc, x, y); }
  Value fmin(Value x, Value y) { return arith::MinimumFOp::create(b, loc, x, y); }
  Value exp(Value x) { return math::ExpOp::create(b, loc, x); }
  /// `v` as f32 (an epilogue operand or C's type).
  Value toF32(Value v) {
    return v.getType().isF32() ? v : arith::ExtFOp::create(b, loc, f32, v).getResult();
  }
};

/// 1 / (1 + e^-x).
Value sigmoid(Ix &ir, Value x) {
  Value e = ir.exp(ir.fmul(x, ir.fc(-1.0f)));
  return ir.fdiv(ir.fc(1.0f), ir.fadd(ir.fc(1.0f), e));
}

/// 0.5 x (1 + erf(x / sqrt 2)), erf(z) for z >= 0 as 1 - poly(t) e^(-z^2)
/// with t = 1 / (1 + p z) (Abramowitz and Stegun 7.1.26, absolute error
/// 1.5e-7), odd for z < 0: GLSL.std.450 has no erf.
Value gelu(Ix &ir, Value x) {
  Value z = ir.fmul(math::AbsFOp::create(ir.b, ir.loc, x), ir.fc(0.70710678f));
  Value t = ir.fdiv(ir.fc(1.0f), ir.fadd(ir.fc(1.0f), ir.fmul(z, ir.fc(0.3275911f))));
  Value p = ir.fc(1.061405429f);
  for (float a : {-1.453152027f, 1.421413741f, -0.284496736f, 0.254829592f})
    p = ir.fadd(ir.fmul(p, t), ir.fc(a));
  p = ir.fmul(p, t);
  Value erf = ir.fadd(ir.fc(1.0f), ir.fmul(ir.fmul(p, ir.fc(-1.0f)),
                                          ir.exp(ir.fmul(ir.fmul(z, z), ir.fc(-1.0f)))));
  erf = math::CopySignOp::create(ir.b, ir.loc, erf, x);
  return ir.fmul(ir.fmul(x, ir.fc(0.5f)), ir.fadd(ir.fc(1.0f), erf));
}

/// The epilogue of `spec` on the f32 value `v` of C at (row, col).
Value applyEpilogue(Ix &ir, const GemmSpec &spec, ValueRange args, Value v,
                    Value row, Value col) {
  for (const GemmEpilogueOp &e : spec.epilogue) {
    switch (e.kind) {
    case Kind::BiasColumn:
      v = ir.fadd(v, ir.toF32(memref::LoadOp::create(ir.b, ir.loc, args[e.arg], col)));
      break;
    case Kind::ScaleColumn:
      v = ir.fmul(v, ir.toF32(memref::LoadOp::create(ir.b, ir.loc, args[e.arg], col)));
      break;
    case Kind::Residual: {
      Value at = ir.add(ir.mul(row, spec.n), col);
      v = ir.fadd(v, ir.toF32(memref::LoadOp::create(ir.b, ir.loc, args[e.arg], at)));
      break;
    }
    case Kind::Relu:
      v = ir.fmax(v, ir.fc(0.0f));
      break;
    case Kind::Clip:
      v = ir.fmin(ir.fmax(v, ir.fc(e.lo)), ir.fc(e.hi));
      break;
    case Kind::Sigmoid:
      v = sigmoid(ir, v);
      break;
    case Kind::Silu:
      v = ir.fmul(v, sigmoid(ir, v));
      break;
    case Kind::Gelu:
      v = gelu(ir, v);
      break;
    case Kind::Quantize:
    case Kind::ResidualInt8:
      break; // refused by coopGemmUnsupported
    }
  }
  return v;
}

/// One operand's tile copy, global -> registers -> workgroup memory: `rows`
/// x `cols` elements of the matrix [rowsTotal][colsTotal] (row-major) from
/// (row0, col0), `width` elements a load.
struct TileCopy {
  Value global, shared;
  int64_t rows, cols, rowsTotal, colsTotal, width, pitch;
  /// A's rows gathered from an NHWC image (an implicit GEMM): row = output
  /// pixel, column = (tap row, tap column, channel).
  const GemmIm2col *im2col = nullptr;

  /// Whether (r, cc) lies in the matrix, and the element's index in
  /// `global` (valid where it does).
  std::pair<Value, Value> locate(Ix &ir, Value r, Value cc) const {
    Value inside = ir.both(ir.lt(r, rowsTotal), ir.lt(cc, colsTotal));
    if (!im2col)
      return {inside, ir.add(ir.mul(r, colsTotal), cc)};
    const GemmIm2col &g = *im2col;
    Value image = ir.div(r, g.ho * g.wo), pixel = ir.rem(r, g.ho * g.wo);
    Value tap = ir.div(cc, g.c), ch = ir.rem(cc, g.c);
    // Padded coordinates (never negative): inside where they fall in
    // [pad, pad + size).
    Value hh = ir.add(ir.mul(ir.div(pixel, g.wo), g.strideH), ir.mul(ir.div(tap, g.kw), g.dilH));
    Value ww = ir.add(ir.mul(ir.rem(pixel, g.wo), g.strideW), ir.mul(ir.rem(tap, g.kw), g.dilW));
    auto within = [&](Value v, int64_t lo, int64_t size) {
      Value ge = arith::CmpIOp::create(ir.b, ir.loc, arith::CmpIPredicate::uge, v, ir.c(lo));
      return ir.both(ge, ir.lt(v, lo + size));
    };
    inside = ir.both(inside, ir.both(within(hh, g.padTop, g.h), within(ww, g.padLeft, g.w)));
    Value ih = arith::SubIOp::create(ir.b, ir.loc, hh, ir.c(g.padTop));
    Value iw = arith::SubIOp::create(ir.b, ir.loc, ww, ir.c(g.padLeft));
    Value at = ir.add(ir.mul(ir.add(ir.mul(ir.add(ir.mul(image, g.h), ih), g.w), iw), g.c), ch);
    return {inside, at};
  }

  int64_t loadsPerThread() const { return rows * cols / width / kThreads; }
  Type loadType(Ix &ir) const {
    return width == 1 ? ir.f16 : Type(VectorType::get({width}, ir.f16));
  }
  /// The values this thread loads, zero outside the matrix.
  SmallVector<Value> load(Ix &ir, Value tid, Value row0, Value col0) const {
    SmallVector<Value> out;
    Type t = loadType(ir);
    for (int64_t i = 0; i < loadsPerThread(); ++i) {
      Value idx = ir.add(tid, i * kThreads);
      Value r = ir.add(row0, ir.div(idx, cols / width));
      Value cc = ir.add(col0, ir.mul(ir.rem(idx, cols / width), width));
      auto [inside, element] = locate(ir, r, cc);
      auto guard = scf::IfOp::create(ir.b, ir.loc, t, inside, /*withElse=*/true);
      {
        OpBuilder::InsertionGuard g(ir.b);
        ir.b.setInsertionPointToStart(guard.thenBlock());
        Value at = ir.div(element, width);
        scf::YieldOp::create(ir.b, ir.loc,
                             ValueRange{memref::LoadOp::create(ir.b, ir.loc, global, at)});
        ir.b.setInsertionPointToStart(guard.elseBlock());
        Value zero = arith::ConstantOp::create(ir.b, ir.loc, ir.b.getZeroAttr(t));
        scf::YieldOp::create(ir.b, ir.loc, ValueRange{zero});
      }
      out.push_back(guard.getResult(0));
    }
    return out;
  }
  /// Stores what load() returned into the workgroup tile [rows][pitch] at
  /// element `base` of `shared`.
  void store(Ix &ir, Value tid, ValueRange values, Value base) const {
    for (int64_t i = 0; i < loadsPerThread(); ++i) {
      Value idx = ir.add(tid, i * kThreads);
      Value r = ir.div(idx, cols / width);
      Value at = ir.add(base, ir.add(ir.mul(r, pitch), ir.mul(ir.rem(idx, cols / width), width)));
      for (int64_t e = 0; e < width; ++e) {
        Value v = width == 1 ? values[i]
                             : vector::ExtractOp::create(ir.b, ir.loc, values[i], e).getResult();
        memref::StoreOp::create(ir.b, ir.loc, v, shared, ir.add(at, e));
      }
    }
  }
};
/// Appends the buffers of `spec`'s epilogue operands (GEMM arguments 2 to
/// numArgs - 2, each with its step: N values per column, M x N for a
/// residual) to `args` and their sizes to `bytes`.
LogicalResult appendEpilogueArgs(const GemmSpec &spec, SmallVectorImpl<Type> &args,
                                 std::vector<uint64_t> &bytes, std::string &error) {
  Type eType = epilogueType(spec);
  for (unsigned i = 2; i + 1 < spec.numArgs; ++i) {
    const GemmEpilogueOp *op = nullptr;
    for (const GemmEpilogueOp &e : spec.epilogue)
      if (e.arg == static_cast<int>(i))
        op = &e;
    if (!op) {
      error = "internal: GEMM argument " + std::to_string(i) + " has no epilogue step";
      return failure();
    }
    int64_t elems = op->perColumn() ? spec.n : spec.m * spec.n;
    args.push_back(MemRefType::get({elems}, eType));
    bytes.push_back(uint64_t(elems) * eType.getIntOrFloatBitWidth() / 8);
  }
  return success();
}
} // namespace

std::string mlir::infer::coopGemmUnsupported(const GemmSpec &spec) {
  if (!spec.elem || !spec.elem.isF16())
    return "the cooperative-matrix GEMM takes fp16 operands";
  if (!spec.out || (!spec.out.isF16() && !spec.out.isF32()))
    return "the cooperative-matrix GEMM writes fp16 or fp32";
  if (spec.sparse)
    return "the cooperative-matrix GEMM reads no 2:4 weights";
  if (const std::optional<GemmIm2col> &g = spec.im2col) {
    if (g->c < 1 || g->kh * g->kw * g->c != spec.k || g->n * g->ho * g->wo != spec.m)
      return "an im2col whose geometry does not match the product";
    if (g->n * g->h * g->w * g->c >= (int64_t(1) << 31))
      return "an image too large for 32-bit indices";
  }
  for (const GemmEpilogueOp &e : spec.epilogue)
    if (e.kind == Kind::Quantize || e.kind == Kind::ResidualInt8)
      return "the cooperative-matrix GEMM has no int8 epilogue";
  // Indices are 32-bit in the kernels.
  int64_t limit = int64_t(1) << 31;
  if (spec.m < 1 || spec.n < 1 || spec.k < 1 || spec.m * spec.k >= limit ||
      spec.n * spec.k >= limit || spec.m * spec.n >= limit)
    return "a product too large for 32-bit indices";
  return "";
}

void mlir::infer::selectCoopGemmTile(GemmSpec &spec, int64_t workgroups) {
  // Large tiles once they fill the GPU; small ones keep the small
  // products' workgroups many.
  int64_t big = ceilDiv(spec.m, 128) * ceilDiv(spec.n, 128);
  spec.bm = spec.bn = big >= workgroups ? 128 : 64;
  // BK = 32 (64 measured slower at every size on the H200, 128 slower
  // still). Small tiles keep a second tile's loads in flight; large ones
  // have no registers to spare for it (measured: no gain either way on
  // single ResNet-50 layers, 10% slower on 4096^3).
  spec.rowBytes = 2 * 32;
  spec.stages = spec.bm == 128 ? 1 : 2;
  // Products with at most half the workgroups wanted in tiles split K over
  // as many workgroups as make up the difference (each at least 4 k tiles:
  // more only adds fp32 partial tiles to write and sum).
  const int64_t kBK = spec.rowBytes / 2, minPer = 4;
  int64_t tiles = ceilDiv(spec.m, spec.bm) * ceilDiv(spec.n, spec.bn);
  int64_t kTiles = ceilDiv(spec.k, kBK);
  spec.splitK = 1;
  if (2 * tiles <= workgroups && kTiles >= 2 * minPer) {
    int64_t split = std::min(ceilDiv(workgroups, tiles), kTiles / minPer);
    int64_t per = ceilDiv(kTiles, split);
    spec.splitK = ceilDiv(kTiles, per);
  }
}

FailureOr<KernelInfo> mlir::infer::addCoopGemmKernel(KernelModule &kernels,
                                                     const GemmSpec &spec, Location loc,
                                                     std::string &error) {
  if (std::string why = coopGemmUnsupported(spec); !why.empty()) {
    error = "internal: " + why;
    return failure();
  }
  MLIRContext *ctx = kernels.getContext();
  const int64_t bm = spec.bm, bn = spec.bn, m = spec.m, n = spec.n, k = spec.k;
  const int64_t tilesM = ceilDiv(m, bm), tilesN = ceilDiv(n, bn), tiles = tilesM * tilesN;
  // Split K: workgroup z of `splitK` computes k tiles [z * kPer, (z + 1) *
  // kPer) and writes its fp32 tile to partial tile z (C is [splitK][M][N],
  // the epilogue runs in the reduction kernel).
  const int64_t splitK = spec.partial ? spec.splitK : 1;
  const int64_t kBK = spec.rowBytes / 2;
  const int64_t kPer = ceilDiv(ceilDiv(k, kBK), splitK);
  // Elements per global load: 4 (8 bytes) where every row (every pixel's
  // channels, of an image) is whole vectors.
  const int64_t widthA = (spec.im2col ? spec.im2col->c : k) % 4 == 0 ? 4 : 1;
  const int64_t elemsA =
      spec.im2col ? spec.im2col->n * spec.im2col->h * spec.im2col->w * spec.im2col->c : m * k;
  const int64_t widthB = spec.bKMajor ? widthA : (n % 4 == 0 ? 4 : 1);
  Type f16 = Float16Type::get(ctx);
  auto global = [&](int64_t elems, int64_t width, Type elem) {
    Type t = width == 1 ? elem : Type(VectorType::get({width}, elem));
    return MemRefType::get({elems / width}, t);
  };
  SmallVector<Type> args = {global(elemsA, widthA, f16), global(n * k, widthB, f16)};
  std::vector<uint64_t> argBytes = {uint64_t(elemsA * 2), uint64_t(n * k * 2)};
  if (failed(appendEpilogueArgs(spec, args, argBytes, error)))
    return failure();
  args.push_back(MemRefType::get({splitK * m * n}, spec.out));
  argBytes.push_back(uint64_t(splitK * m * n) * spec.out.getIntOrFloatBitWidth() / 8);

  KernelInfo info;
  info.kind = "gemm_coopmat";
  info.symbol = kernels.nextSymbol();
  info.grid = tiles * splitK;
  info.blockThreads = kThreads;
  OpBuilder b(ctx);
  TemplateFunc tf = beginTemplateFunc(b, kernels, info, args, kThreads, tiles * splitK, loc);
  Ix ir(b, loc);
  ValueRange argv = tf.args;
  // The workgroup's tile and slice of K.
  Value group = tf.group;
  Value slice = ir.div(group, tiles);
  Value tile = ir.rem(group, tiles);
  Value m0 = ir.mul(ir.rem(tile, tilesM), bm);
  Value n0 = ir.mul(ir.div(tile, tilesM), bn);
  Value kBegin = ir.mul(slice, kPer * kBK);
  Value cBase = ir.mul(slice, m * n);
  Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value sg = ir.div(tid, kCoopSubgroupSize);
  Value lane = ir.rem(tid, kCoopSubgroupSize);
  const int64_t sgRows = bm / 2, sgCols = bn / 2;
  const int64_t fragsM = sgRows / kFrag, fragsN = sgCols / kFrag;
  Value sgRow = ir.mul(ir.div(sg, 2), sgRows), sgCol = ir.mul(ir.rem(sg, 2), sgCols);

  auto workgroup = spirv::StorageClassAttr::get(ctx, spirv::StorageClass::Workgroup);
  auto shared = [&](int64_t elems, Type t) {
    return memref::AllocOp::create(
        b, loc, MemRefType::get({elems}, t, MemRefLayoutAttrInterface(), workgroup));
  };
  const int64_t pitchA = kBK + kPad;
  const int64_t pitchB = spec.bKMajor ? kBK + kPad : bn + kPad;
  // Two buffers of each tile: the products read one while the next tile
  // is stored into the other, one barrier per k tile.
  const int64_t stageA = bm * pitchA, stageB = spec.bKMajor ? bn * pitchB : kBK * pitchB;
  Value sa = shared(2 * stageA, f16);
  Value sb = shared(2 * stageB, f16);
  Value sc = shared(kSubgroups * kFrag * kFrag, ir.f32);

  TileCopy copyA{argv[0], sa, bm, kBK, m, k, widthA, pitchA,
                 spec.im2col ? &*spec.im2col : nullptr};
  TileCopy copyB = spec.bKMajor ? TileCopy{argv[1], sb, bn, kBK, n, k, widthB, pitchB}
                                : TileCopy{argv[1], sb, kBK, bn, k, n, widthB, pitchB};
  const int64_t perSet = copyA.loadsPerThread() + copyB.loadsPerThread();
  // Tile t of this workgroup's slice of K, loaded into registers.
  auto loadTile = [&](Value t) {
    Value k0 = ir.add(kBegin, ir.mul(t, kBK));
    SmallVector<Value> v = copyA.load(ir, tid, m0, k0);
    SmallVector<Value> vb = spec.bKMajor ? copyB.load(ir, tid, n0, k0)
                                         : copyB.load(ir, tid, k0, n0);
    v.append(vb);
    return v;
  };
  // A loaded tile into buffer `buffer` (0 or 1).
  auto storeTile = [&](ValueRange set, Value buffer) {
    copyA.store(ir, tid, set.take_front(copyA.loadsPerThread()), ir.mul(buffer, stageA));
    copyB.store(ir, tid, set.drop_front(copyA.loadsPerThread()), ir.mul(buffer, stageB));
  };

  auto accType = gpu::MMAMatrixType::get({kFrag, kFrag}, ir.f32, "COp");
  auto aType = gpu::MMAMatrixType::get({kFrag, kFrag}, f16, "AOp");
  auto bType = gpu::MMAMatrixType::get({kFrag, kFrag}, f16, "BOp");
  // Tiles in flight in registers: tile t + depth is loaded while tile t's
  // products run, so `depth` global latencies overlap.
  const int64_t depth = std::max<int64_t>(spec.stages, 1);
  SmallVector<Value> init;
  Value zero = gpu::SubgroupMmaConstantMatrixOp::create(b, loc, accType, ir.fc(0.0f));
  init.assign(fragsM * fragsN, zero);
  size_t numAcc = init.size();
  storeTile(loadTile(ir.c(0)), ir.c(0));
  for (int64_t t = 1; t < depth; ++t)
    init.append(loadTile(ir.c(t)));
  gpu::BarrierOp::create(b, loc);
  auto loop = scf::ForOp::create(b, loc, ir.c(0), ir.c(kPer), ir.c(1), init);
  {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(loop.getBody());
    Value kt = loop.getInductionVar();
    ValueRange carried = loop.getRegionIterArgs();
    SmallVector<Value> acc(carried.begin(), carried.begin() + numAcc);
    ValueRange staged = carried.drop_front(numAcc);
    Value cur = ir.rem(kt, 2);
    Value other = arith::SubIOp::create(b, loc, ir.c(1), cur);
    SmallVector<Value> next = loadTile(ir.add(kt, depth));
    Value baseA = ir.mul(cur, stageA), baseB = ir.mul(cur, stageB);
    for (int64_t kk = 0; kk < kBK; kk += kFrag) {
      SmallVector<Value> fa, fb;
      for (int64_t i = 0; i < fragsM; ++i) {
        Value at = ir.add(baseA, ir.add(ir.mul(ir.add(sgRow, i * kFrag), pitchA), kk));
        fa.push_back(gpu::SubgroupMmaLoadMatrixOp::create(
            b, loc, aType, sa, ValueRange{at}, b.getIndexAttr(pitchA), UnitAttr()));
      }
      for (int64_t j = 0; j < fragsN; ++j) {
        Value col = ir.add(sgCol, j * kFrag);
        // K-major B ([n][k]) is B column-major.
        Value at = ir.add(baseB, spec.bKMajor ? ir.add(ir.mul(col, pitchB), kk)
                                              : ir.add(col, kk * pitchB));
        fb.push_back(gpu::SubgroupMmaLoadMatrixOp::create(
            b, loc, bType, sb, ValueRange{at}, b.getIndexAttr(pitchB),
            spec.bKMajor ? b.getUnitAttr() : UnitAttr()));
      }
      for (int64_t i = 0; i < fragsM; ++i)
        for (int64_t j = 0; j < fragsN; ++j)
          acc[i * fragsN + j] = gpu::SubgroupMmaComputeOp::create(
              b, loc, accType, fa[i], fb[j], acc[i * fragsN + j], UnitAttr(), UnitAttr());
    }
    // Tile kt + 1 into the other buffer (last read an iteration ago, before
    // the barrier that ended it), then one barrier.
    storeTile(depth > 1 ? staged.take_front(perSet) : ValueRange(next), other);
    gpu::BarrierOp::create(b, loc);
    if (depth > 1) {
      acc.append(staged.begin() + perSet, staged.end());
      acc.append(next);
    }
    scf::YieldOp::create(b, loc, acc);
  }

  // Each accumulator through the subgroup's 16 x 16 staging tile: lane l
  // takes elements l, l + 32, ... (row-major).
  Value stage = ir.mul(sg, kFrag * kFrag);
  for (int64_t i = 0; i < fragsM; ++i) {
    for (int64_t j = 0; j < fragsN; ++j) {
      gpu::BarrierOp::create(b, loc);
      gpu::SubgroupMmaStoreMatrixOp::create(b, loc, loop.getResult(i * fragsN + j), sc,
                                            ValueRange{stage}, b.getIndexAttr(kFrag),
                                            UnitAttr());
      gpu::BarrierOp::create(b, loc);
      for (int64_t t = 0; t < kFrag * kFrag / kCoopSubgroupSize; ++t) {
        Value e = ir.add(lane, t * kCoopSubgroupSize);
        Value row = ir.add(ir.add(m0, sgRow), ir.add(ir.div(e, kFrag), i * kFrag));
        Value col = ir.add(ir.add(n0, sgCol), ir.add(ir.rem(e, kFrag), j * kFrag));
        auto inside = scf::IfOp::create(b, loc, ir.both(ir.lt(row, m), ir.lt(col, n)), false);
        OpBuilder::InsertionGuard g(b);
        b.setInsertionPointToStart(inside.thenBlock());
        Value v = memref::LoadOp::create(b, loc, sc, ValueRange{ir.add(stage, e)});
        v = applyEpilogue(ir, spec, argv, v, row, col);
        if (!spec.out.isF32())
          v = arith::TruncFOp::create(b, loc, spec.out, v);
        memref::StoreOp::create(b, loc, v, argv.back(),
                                ValueRange{ir.add(cBase, ir.add(ir.mul(row, n), col))});
      }
    }
  }
  kernels.recordSignature(info, argBytes);
  return info;
}

FailureOr<KernelInfo> mlir::infer::addCoopSplitKReduceKernel(KernelModule &kernels,
                                                             const GemmSpec &spec,
                                                             Location loc,
                                                             std::string &error) {
  MLIRContext *ctx = kernels.getContext();
  const int64_t m = spec.m, n = spec.n, splitK = spec.splitK;
  constexpr int64_t kReduceThreads = 256;
  Type f32 = Float32Type::get(ctx);
  // Arguments: the epilogue operands (the GEMM's arguments 2 ..), C, then
  // the partial tiles; the steps read their operands two arguments lower.
  SmallVector<Type> args;
  std::vector<uint64_t> argBytes;
  if (failed(appendEpilogueArgs(spec, args, argBytes, error)))
    return failure();
  args.push_back(MemRefType::get({m * n}, spec.out));
  argBytes.push_back(uint64_t(m * n) * spec.out.getIntOrFloatBitWidth() / 8);
  args.push_back(MemRefType::get({splitK * m * n}, f32));
  argBytes.push_back(uint64_t(splitK * m * n) * 4);
  GemmSpec local = spec;
  for (GemmEpilogueOp &e : local.epilogue)
    if (e.arg >= 2)
      e.arg -= 2;

  KernelInfo info;
  info.kind = "gemm_coopmat_reduce";
  info.symbol = kernels.nextSymbol();
  info.grid = ceilDiv(m * n, kReduceThreads);
  info.blockThreads = kReduceThreads;
  OpBuilder b(ctx);
  TemplateFunc tf = beginTemplateFunc(b, kernels, info, args, kReduceThreads,
                                      ceilDiv(m * n, kReduceThreads), loc);
  Ix ir(b, loc);
  ValueRange argv = tf.args;
  Value group = tf.group;
  Value idx = ir.add(ir.mul(group, kReduceThreads),
                     gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x));
  auto live = scf::IfOp::create(b, loc, ir.lt(idx, m * n), false);
  b.setInsertionPointToStart(live.thenBlock());
  Value sum = ir.fc(0.0f);
  for (int64_t z = 0; z < splitK; ++z)
    sum = ir.fadd(sum, memref::LoadOp::create(b, loc, argv.back(),
                                              ValueRange{ir.add(idx, z * m * n)}));
  Value v = applyEpilogue(ir, local, argv, sum, ir.div(idx, n), ir.rem(idx, n));
  if (!spec.out.isF32())
    v = arith::TruncFOp::create(b, loc, spec.out, v);
  memref::StoreOp::create(b, loc, v, argv[argv.size() - 2], ValueRange{idx});
  kernels.recordSignature(info, argBytes);
  return info;
}
