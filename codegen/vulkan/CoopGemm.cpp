//===- CoopGemm.cpp - GEMMs on Vulkan cooperative matrices ----------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/vulkan/CoopGemm.h"

#include "codegen/vulkan/CoopEpilogue.h"
#include "codegen/vulkan/WorkgroupGemm.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVAttributes.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::infer;

namespace {
constexpr int64_t kPad = 8;       ///< halves of padding per workgroup-memory row
constexpr int64_t kFrag = 16;     ///< the cooperative matrices' M, N and K
constexpr int64_t kPadC = 4;      ///< floats of padding per staged accumulator row

/// The subgroup kernel's workgroup: 2 x 4 subgroups over its tile, each
/// owning (bm / 2) x (bn / 4) of C: 64 x 32 (8 accumulators) of a 128 x
/// 128 tile, 32 x 16 of a 64 x 64 one. (2 x 2 subgroups of 64 x 64 took a
/// thread's registers for 16 accumulators and left one workgroup of 4
/// subgroups per SM, too few to hide global latency: 8192^3 1.28x slower,
/// single ResNet-50 layers about 1 us slower each, H200.)
constexpr int64_t kRows = 2, kCols = 4;
constexpr int64_t kSubgroups = kRows * kCols;
constexpr int64_t kThreads = kSubgroups * kCoopSubgroupSize;
/// The workgroup memory a kernel may use: NVIDIA's Vulkan driver offers 48
/// KiB (the runtime refuses a kernel that needs more than its device has).
constexpr int64_t kWorkgroupMemoryBytes = 48 * 1024;

using Kind = GemmEpilogueOp::Kind;

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
  std::pair<Value, Value> locate(CoopIR &ir, Value r, Value cc) const {
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
  Type loadType(CoopIR &ir) const {
    return width == 1 ? ir.f16 : Type(VectorType::get({width}, ir.f16));
  }
  /// The values this thread loads, zero outside the matrix.
  SmallVector<Value> load(CoopIR &ir, Value tid, Value row0, Value col0) const {
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
  void store(CoopIR &ir, Value tid, ValueRange values, Value base) const {
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
/// Where a subgroup's accumulators go: its workgroup's tile at (m0, n0)
/// of C (of partial product cBase / (M N) in a split K), its own part at
/// (sgRow, sgCol) of the tile, fragsM x fragsN accumulators of 16 x 16,
/// staged `stageFrags` at a time in rows of `pitchC` floats.
struct SubgroupTile {
  Value m0, n0, sgRow, sgCol, sg, lane, cBase;
  int64_t fragsM, fragsN, stageFrags, pitchC;
};

/// The epilogue, `stageFrags` of a subgroup's accumulators at a time: they
/// are staged (16 x 16 stageFrags) in the subgroup's part of `sc`, then
/// each lane takes runs of 4 columns (lanes in row order: a row's runs are
/// adjacent in C), applies the epilogue and stores them, one 4-vector
/// where `vecC` (C typed as 4-vectors, N a multiple of 4).
void storeSubgroupTile(CoopIR &ir, const GemmSpec &spec, ValueRange argv, ValueRange acc,
                       Value sc, const SubgroupTile &t, bool vecC) {
  OpBuilder &b = ir.b;
  Location loc = ir.loc;
  const int64_t m = spec.m, n = spec.n, pitchC = t.pitchC;
  Value stage = ir.mul(t.sg, kFrag * pitchC);
  const int64_t runsPerRow = t.stageFrags * kFrag / 4;
  const int64_t perLane = kFrag * runsPerRow / kCoopSubgroupSize;
  for (int64_t step = 0; step < t.fragsM * t.fragsN / t.stageFrags; ++step) {
    const int64_t i = step * t.stageFrags / t.fragsN, j0 = step * t.stageFrags % t.fragsN;
    gpu::BarrierOp::create(b, loc);
    for (int64_t j = 0; j < t.stageFrags; ++j)
      gpu::SubgroupMmaStoreMatrixOp::create(b, loc, acc[i * t.fragsN + j0 + j], sc,
                                            ValueRange{ir.add(stage, j * kFrag)},
                                            b.getIndexAttr(pitchC), UnitAttr());
    gpu::BarrierOp::create(b, loc);
    for (int64_t k = 0; k < perLane; ++k) {
      Value run = ir.add(t.lane, k * kCoopSubgroupSize);
      Value r = ir.div(run, runsPerRow), c = ir.mul(ir.rem(run, runsPerRow), 4);
      Value row = ir.add(ir.add(t.m0, t.sgRow), ir.add(r, i * kFrag));
      Value col = ir.add(ir.add(t.n0, t.sgCol), ir.add(c, j0 * kFrag));
      auto inside = scf::IfOp::create(b, loc, ir.both(ir.lt(row, m), ir.lt(col, n)), false);
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(inside.thenBlock());
      Value from = ir.add(stage, ir.add(ir.mul(r, pitchC), c));
      SmallVector<Value, 4> v;
      for (int64_t e = 0; e < 4; ++e)
        v.push_back(memref::LoadOp::create(b, loc, sc, ValueRange{ir.add(from, e)}));
      storeRun4(ir, spec, argv, v, row, col, ir.add(t.cBase, ir.add(ir.mul(row, n), col)),
                vecC);
    }
  }
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
    if (e.kind == Kind::Quantize || e.byteResidual())
      return "the cooperative-matrix GEMM has no int8 or fp8 epilogue";
  // Indices are 32-bit in the kernels.
  int64_t limit = int64_t(1) << 31;
  if (spec.m < 1 || spec.n < 1 || spec.k < 1 || spec.m * spec.k >= limit ||
      spec.n * spec.k >= limit || spec.m * spec.n >= limit)
    return "a product too large for 32-bit indices";
  return "";
}

CoopKernel mlir::infer::selectCoopGemmTile(GemmSpec &spec, int64_t workgroups,
                                           bool workgroupScope) {
  if (workgroupScope && selectWorkgroupGemmTile(spec, workgroups))
    return CoopKernel::Workgroup;
  spec.splitK = 1;
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
  if (2 * tiles <= workgroups && kTiles >= 2 * minPer) {
    int64_t split = std::min(ceilDiv(workgroups, tiles), kTiles / minPer);
    int64_t per = ceilDiv(kTiles, split);
    spec.splitK = ceilDiv(kTiles, per);
  }
  return CoopKernel::Subgroup;
}

FailureOr<KernelInfo> mlir::infer::addCoopGemmKernel(KernelModule &kernels,
                                                     const GemmSpec &spec, CoopKernel kind,
                                                     Location loc, std::string &error) {
  if (std::string why = coopGemmUnsupported(spec); !why.empty()) {
    error = "internal: " + why;
    return failure();
  }
  if (kind == CoopKernel::Workgroup)
    return addWorkgroupGemmKernel(kernels, spec, loc, error);
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
  // C (and a residual of C's shape) in 4-vectors where rows are whole
  // vectors: the epilogue stores 4 columns at once.
  const bool vecC = n % 4 == 0;
  SmallVector<Type> args = {global(elemsA, widthA, f16), global(n * k, widthB, f16)};
  std::vector<uint64_t> argBytes = {uint64_t(elemsA * 2), uint64_t(n * k * 2)};
  if (failed(appendEpilogueArgs(spec, args, argBytes, error, vecC)))
    return failure();
  args.push_back(global(splitK * m * n, vecC ? 4 : 1, spec.out));
  argBytes.push_back(uint64_t(splitK * m * n) * spec.out.getIntOrFloatBitWidth() / 8);

  KernelInfo info;
  info.kind = "gemm_coopmat";
  info.symbol = kernels.nextSymbol();
  info.grid = tiles * splitK;
  info.blockThreads = kThreads;
  OpBuilder b(ctx);
  TemplateFunc tf = beginTemplateFunc(b, kernels, info, args, kThreads, tiles * splitK, loc);
  CoopIR ir(b, loc);
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
  const int64_t sgRows = bm / kRows, sgCols = bn / kCols;
  const int64_t fragsM = sgRows / kFrag, fragsN = sgCols / kFrag;
  Value sgRow = ir.mul(ir.div(sg, kCols), sgRows);
  Value sgCol = ir.mul(ir.rem(sg, kCols), sgCols);

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
  // The epilogue's staging: a row of each subgroup's accumulators at once
  // where the workgroup memory allows, else one (unpadded if it must).
  const int64_t tileBytes = 2 * (stageA + stageB) * 2;
  int64_t stageFrags = 0, pitchC = 0;
  for (auto [w, pad] : {std::pair<int64_t, int64_t>{fragsN, kPadC}, {1, kPadC}, {1, 0}})
    if (!stageFrags &&
        tileBytes + kSubgroups * kFrag * (w * kFrag + pad) * 4 <= kWorkgroupMemoryBytes) {
      stageFrags = w;
      pitchC = w * kFrag + pad;
    }
  if (!stageFrags) {
    error = "internal: the cooperative-matrix GEMM's workgroup memory exceeds " +
            std::to_string(kWorkgroupMemoryBytes) + " bytes";
    return failure();
  }
  Value sc = shared(kSubgroups * kFrag * pitchC, ir.f32);

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

  SubgroupTile at{m0, n0, sgRow, sgCol, sg, lane, cBase, fragsM, fragsN, stageFrags, pitchC};
  storeSubgroupTile(ir, spec, argv, loop.getResults(), sc, at, vecC);
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
  CoopIR ir(b, loc);
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
