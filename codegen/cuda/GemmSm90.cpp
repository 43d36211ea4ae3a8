//===- GemmSm90.cpp - Tensor-core GEMM kernels for Hopper -----------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Builds the kernel described in GemmSm90.h with the LLVM, NVVM and scf
// dialects. Shared memory of one stage: the A tile (BM rows of 128 bytes:
// BK = 64 halves, or 32 floats read as TF32) then the B tile, both in
// TMA's 128-byte swizzle; after the stages, the full[] and empty[]
// mbarriers. A wgmma step reads 32 bytes of each row (k16 of 16-bit
// values, k8 of TF32), so both element sizes share the byte layout.
//
//===----------------------------------------------------------------------===//

#include "codegen/cuda/GemmSm90.h"
#include "codegen/cuda/CudaTarget.h"
#include "codegen/cuda/GemmCommon.h"
#include "codegen/cuda/Sm90Pipeline.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinOps.h"

using namespace mlir;
using namespace mlir::infer;

namespace {
/// A stage: the A tile (BM rows of spec.rowBytes, 128 or 64 bytes), then
/// the B tile.
int64_t aBytes(const GemmSpec &spec) { return spec.bm * spec.rowBytes; }

/// BK: the reduction elements of one row.
int64_t bkOf(const GemmSpec &spec) { return spec.rowBytes / bytesOf(spec.elem); }

/// Stage kt of this block holds k tile kBegin + kt: A's and B's tiles.
void fillStage(Ir &ir, const GemmSpec &spec, Value m0, Value n0, Value kBegin,
               Value tmA, Value tmB, Value kt, Value stage, Value full) {
  int64_t kBK = bkOf(spec);
  auto load = [&](Value dst, Value map, ValueRange coords) {
    tmaTileLoad(ir, dst, map, coords, full);
  };
  Value k0 = ir.mul(ir.add(kBegin, kt), ir.c32(kBK));
  if (const std::optional<GemmIm2col> &g = spec.im2col; g && rowTileIm2col(spec)) {
    // One output row (m0 its first pixel): window row r's taps read
    // BM + kw - 1 pixels of input row oy * strideH - padTop + r from column
    // -padLeft on (stride 1 along W), zeros outside the image: one patch.
    // Rows past the window read the last one again (zero weight rows).
    RowTilePatches patches = rowTilePatches(spec);
    Value img = ir.udiv(m0, ir.c32(g->ho * g->wo));
    Value oy = ir.udiv(ir.urem(m0, ir.c32(g->ho * g->wo)), ir.c32(g->wo));
    for (int64_t i = 0; i < patches.perTile; ++i) {
      Value r = ir.add(ir.mul(ir.add(kBegin, kt), ir.c32(patches.perTile)), ir.c32(i));
      r = ir.select(ir.cmp(LLVM::ICmpPredicate::ult, r, ir.c32(g->kh)), r, ir.c32(g->kh - 1));
      Value y = ir.add(ir.add(ir.mul(oy, ir.c32(g->strideH)), ir.c32(-g->padTop)),
                       ir.mul(r, ir.c32(g->dilH)));
      load(ir.offset(stage, ir.c32(i * patches.bytes)), tmA,
           {ir.c32(0), ir.c32(-g->padLeft), y, img});
    }
  } else if (const std::optional<GemmIm2col> &g = spec.im2col; g && narrowIm2col(spec)) {
    // 16-byte slabs: a K tile is 8 slabs, each [BM pixels][16 bytes] of
    // one tap's channels (unswizzled core matrices, K-adjacent slabs
    // BM * 16 bytes apart). Slabs past the window (the last tile's) read
    // the last one again: the weight's rows there are zero.
    int64_t perSlab = 16 / bytesOf(spec.elem);
    int64_t slabs = g->kh * g->kw * (g->c / perSlab);
    for (int64_t j = 0; j < spec.rowBytes / 16; ++j) {
      Value slab = ir.add(ir.mul(ir.add(kBegin, kt), ir.c32(spec.rowBytes / 16)), ir.c32(j));
      slab = ir.select(ir.cmp(LLVM::ICmpPredicate::ult, slab, ir.c32(slabs)), slab,
                       ir.c32(slabs - 1));
      tmaIm2colLoad(ir, *g, perSlab, ir.offset(stage, ir.c32(j * spec.bm * 16)), tmA, m0,
                    slab, full);
    }
  } else if (const std::optional<GemmIm2col> &g = spec.im2col) {
    tmaIm2colLoad(ir, *g, kBK, stage, tmA, m0, ir.add(kBegin, kt), full);
  } else {
    load(stage, tmA, {k0, m0});
  }
  Value bTile = ir.offset(stage, ir.c32(aBytes(spec)));
  if (paddedIm2col(spec)) {
    // The weight as [N][taps][C]: block cb of tap t, zeros past C.
    int64_t blocks = ceilDiv(spec.im2col->c, kBK);
    Value tile = ir.add(kBegin, kt);
    load(bTile, tmB,
         {ir.mul(ir.urem(tile, ir.c32(blocks)), ir.c32(kBK)),
          ir.udiv(tile, ir.c32(blocks)), n0});
  } else if (spec.bKMajor) {
    load(bTile, tmB, {k0, n0});
  } else {
    // [K,N]: BN/64 boxes of 64 columns x 64 rows, one after the other.
    for (int64_t j = 0; j < spec.bn / 64; ++j)
      load(ir.offset(bTile, ir.c32(j * 64 * spec.rowBytes)), tmB,
           {ir.add(n0, ir.c32(j * 64)), k0});
  }
}

/// Whether the epilogue goes through shared memory: columns in whole
/// 8-element chunks (16-byte aligned rows), and the two warpgroups' fp32
/// tiles fit in the ring.
bool stagedEpilogue(const GemmSpec &spec, const Sm90Ring &ring) {
  return spec.n % 8 == 0 &&
         ring.consumers * 64 * (spec.bn + 4) * 4 <= ring.stages * ring.stageBytes;
}

/// Where a consumer's output tile goes through shared memory: over the
/// ring once it is drained (one tile per block), or in its own region
/// after the ring (a persistent block, whose producer already fills the
/// ring with the next tile's stages).
struct EpilogueSpace {
  bool persistent = false;
  int64_t offset = 0; ///< bytes from the ring's start
};

/// One output tile of a consumer: k tiles kBase .. kBase + kCount - 1 of
/// the ring's sequence, then the epilogue.
/// Brings into L2 the lines of the M x N epilogue operands (residuals) that
/// this warpgroup's 64 rows from `row0` and bn columns from `n0` will read,
/// a line per thread `t` (0..127) at a time, before the product: the
/// epilogue then reads them from L2 rather than waiting on memory after the
/// last wgmma (products of small K, whose blocks are mostly epilogue).
void prefetchResiduals(Ir &ir, const GemmSpec &spec, ValueRange args, Value row0,
                       Value n0, Value t) {
  MLIRContext *ctx = ir.b.getContext();
  unsigned eb = bytesOf(epilogueType(spec));
  for (const GemmEpilogueOp &e : spec.epilogue) {
    if (e.arg < 0 || e.perColumn())
      continue;
    int64_t bytes = e.byteResidual() ? 1 : eb;
    int64_t lineElems = 128 / bytes;
    int64_t perRow = ceilDiv(spec.bn, lineElems);
    for (int64_t i = 0; i < ceilDiv(64 * perRow, 128); ++i) {
      Value line = ir.add(t, ir.c32(128 * i));
      Value row = ir.add(row0, ir.udiv(line, ir.c32(perRow)));
      Value col = ir.add(n0, ir.mul(ir.urem(line, ir.c32(perRow)), ir.c32(lineElems)));
      Value inside = ir.band(
          ir.cmp(LLVM::ICmpPredicate::ult, line, ir.c32(64 * perRow)),
          ir.band(ir.cmp(LLVM::ICmpPredicate::ult, row, ir.c32(spec.m)),
                  ir.cmp(LLVM::ICmpPredicate::ult, col, ir.c32(spec.n))));
      Value at = ir.mul(ir.add(ir.mul(ir.zext64(row), ir.c64(spec.n)), ir.zext64(col)),
                        ir.c64(bytes));
      auto guard = scf::IfOp::create(ir.b, ir.loc, inside, false);
      OpBuilder::InsertionGuard g(ir.b);
      ir.b.setInsertionPointToStart(guard.thenBlock());
      NVVM::PrefetchOp::create(
          ir.b, ir.loc, NVVM::PrefetchCacheLevelAttr::get(ctx, NVVM::PrefetchCacheLevel::L2),
          NVVM::CacheEvictionPriorityAttr(), ir.offset(args[e.arg], at), Value());
    }
  }
}

void buildConsumer(Ir &ir, const GemmSpec &spec, const Sm90Ring &ring,
                   const Sm90Consumer &self, Value m0, Value n0, Value kBase,
                   Value kCount, ValueRange args, EpilogueSpace space) {
  OpBuilder &b = ir.b;
  Location loc = ir.loc;
  MLIRContext *ctx = b.getContext();
  Value consumer = self.consumer, t = self.t, warp = self.warp, lane = self.lane;

  // int8 operands sum into int32 accumulators (converted to fp32 for the
  // epilogue), floats into fp32.
  bool int8 = spec.elem.isInteger(8);
  int64_t accCount = spec.bn / 2;
  SmallVector<Type> fields(accCount, int8 ? ir.i32 : ir.f32);
  auto accType = LLVM::LLVMStructType::getLiteral(ctx, fields);
  Value zero = LLVM::ZeroOp::create(b, loc, accType);
  auto wgmmaElem = spec.elem.isF16()                       ? NVVM::WGMMATypes::f16
                   : spec.elem.isBF16()                    ? NVVM::WGMMATypes::bf16
                   : int8                                  ? NVVM::WGMMATypes::s8
                   : llvm::isa<Float8E4M3FNType>(spec.elem) ? NVVM::WGMMATypes::e4m3
                                                           : NVVM::WGMMATypes::tf32;
  // One wgmma step takes 32 bytes of each row: k16 of 16-bit values, k8 of
  // TF32, k32 of int8 and fp8.
  int64_t stepK = 32 / bytesOf(spec.elem);

  prefetchResiduals(ir, spec, args, ir.add(m0, ir.mul(consumer, ir.c32(64))), n0, t);
  // The staged epilogue's column operands load now, under the main loop,
  // where a block's epilogue would wait on them once (one tile per block)
  // or where they are two (int8: column scales and bias).
  // H200, ResNet-50 b32, outputs bit-identical: int8 0.825 -> 0.784 ms
  // (its stem 74 -> 62 us); fp16 blocks of one tile 0.2-2 us faster each,
  // persistent fp16 blocks (a bias alone, loaded again every tile) 0.2-1
  // us slower.
  SmallVector<Value> columns;
  if (stagedEpilogue(spec, ring) && (!space.persistent || bytesOf(spec.elem) == 1))
    columns = loadStagedColumns(ir, spec, args, spec.bn, t, 128, n0);

  auto loop = scf::ForOp::create(b, loc, ir.c32(0), kCount, ir.c32(1),
                                 ValueRange{zero});
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    Value kt = loop.getInductionVar();
    Value acc = loop.getRegionIterArgs()[0];
    Value s = waitSm90Stage(ir, ring, ir.add(kBase, kt));
    Value stage = ir.add(ring.smemAddr,
                         ir.zext64(ir.mul(s, ir.c32(ring.stageBytes))));
    // This warpgroup's 64 rows of A (of a 16-byte-pixel im2col: of each
    // tap's slab); B whole.
    bool narrow = narrowIm2col(spec), rowTiles = rowTileIm2col(spec);
    RowTilePatches patches = rowTiles ? rowTilePatches(spec) : RowTilePatches();
    int64_t rb = spec.rowBytes;
    Value aAddr = ir.add(stage, ir.mul(ir.zext64(consumer), ir.c64(narrow ? 64 * 16 : 64 * rb)));
    Value bAddr = ir.add(stage, ir.c64(aBytes(spec)));
    NVVM::WgmmaFenceAlignedOp::create(b, loc);
    for (int64_t kk = 0; kk < rb / 32; ++kk) {
      // A (K-major): a k16 step is 32 bytes along the swizzled row, or two
      // taps' slabs (core matrices 128 bytes apart along M, 2 KiB along K).
      // Of a row tile's patches: taps s and s + 1 of a window row are the
      // patch from pixel s and from pixel s + 1, 16 bytes apart.
      Value descA =
          rowTiles ? wgmmaDescriptor(ir,
                                     ir.add(aAddr, ir.c64((2 * kk) / spec.im2col->kw * patches.bytes +
                                                          (2 * kk) % spec.im2col->kw * 16)),
                                     16, 128, /*swizzled=*/false)
          : narrow ? wgmmaDescriptor(ir, ir.add(aAddr, ir.c64(kk * 2 * spec.bm * 16)), spec.bm * 16,
                                     128, /*swizzled=*/false)
                   : wgmmaDescriptor(ir, ir.add(aAddr, ir.c64(kk * 32)), 16, 8 * rb,
                                     /*swizzled=*/true, rb);
      // B K-major likewise; B MN-major: 16 rows of 128 bytes per step,
      // 64-column boxes 8 KiB apart.
      Value descB =
          spec.bKMajor
              ? wgmmaDescriptor(ir, ir.add(bAddr, ir.c64(kk * 32)), 16, 8 * rb,
                                /*swizzled=*/true, rb)
              : wgmmaDescriptor(ir, ir.add(bAddr, ir.c64(kk * 16 * 128)),
                           64 * rb, 1024);
      acc = NVVM::WgmmaMmaAsyncOp::create(
          b, loc, accType, acc, descA, descB,
          NVVM::MMAShapeAttr::get(ctx, 64, spec.bn, stepK),
          NVVM::WGMMATypesAttr::get(ctx, wgmmaElem),
          NVVM::WGMMATypesAttr::get(ctx, wgmmaElem),
          NVVM::WGMMATypesAttr::get(ctx, int8 ? NVVM::WGMMATypes::s32
                                              : NVVM::WGMMATypes::f32),
          NVVM::WGMMAScaleOutAttr::get(ctx, NVVM::WGMMAScaleOut::one),
          NVVM::WGMMAScaleInAttr::get(ctx, NVVM::WGMMAScaleIn::one),
          NVVM::WGMMAScaleInAttr::get(ctx, NVVM::WGMMAScaleIn::one),
          NVVM::MMALayoutAttr::get(ctx, NVVM::MMALayout::row),
          NVVM::MMALayoutAttr::get(ctx, spec.bKMajor ? NVVM::MMALayout::col
                                                     : NVVM::MMALayout::row),
          NVVM::MMAIntOverflowAttr());
    }
    NVVM::WgmmaGroupSyncAlignedOp::create(b, loc);
    // One group stays in flight; the one before it is done: free its stage
    // (one arrival per warp).
    NVVM::WgmmaWaitGroupSyncOp::create(b, loc, b.getI64IntegerAttr(1));
    Value release = ir.band(ir.cmp(LLVM::ICmpPredicate::ugt, kt, ir.c32(0)),
                            ir.cmp(LLVM::ICmpPredicate::eq, lane, ir.c32(0)));
    Value prev = ir.urem(ir.add(ir.add(kBase, kt), ir.c32(ring.stages - 1)),
                         ir.c32(ring.stages));
    releaseSm90Stage(ir, ring, prev, release);
    scf::YieldOp::create(b, loc, acc);
  }
  NVVM::WgmmaWaitGroupSyncOp::create(b, loc, b.getI64IntegerAttr(0));
  Value acc = loop.getResult(0);
  // The int32 sums as fp32 (exact below 2^24) for the epilogue, which
  // scales them by both operands' scales first.
  if (int8)
    acc = accumulatorsToF32(ir, acc, accCount, spec.smallSums);
  if (space.persistent) {
    // The last stage goes back too: the producer reuses it for a later
    // tile.
    Value last = ir.urem(ir.add(ir.add(kBase, kCount), ir.c32(-1)), ir.c32(ring.stages));
    releaseSm90Stage(ir, ring, last, ir.cmp(LLVM::ICmpPredicate::eq, lane, ir.c32(0)));
  }

  // Accumulator fragment of m64nNk16: thread (warp, lane) holds rows
  // 16 warp + lane/4 (+8) and columns 8 j + 2 (lane % 4) (+1).
  Value fragRow = ir.add(ir.mul(warp, ir.c32(16)), ir.udiv(lane, ir.c32(4)));
  Value fragCol = ir.mul(ir.urem(lane, ir.c32(4)), ir.c32(2));
  Value wgRow = ir.add(m0, ir.mul(consumer, ir.c32(64)));
  // A tile of one output row stores that row's pixels only.
  bool rowTiles = rowTileIm2col(spec);
  Value rowEnd = rowTiles ? ir.add(m0, ir.c32(spec.im2col->wo)) : Value();
  if (stagedEpilogue(spec, ring)) {
    // Through shared memory: the fragments go to a [64][bn + 4] fp32 tile
    // per warpgroup (the pad spreads its rows over the banks), then each
    // thread takes 8 consecutive columns of a row, so that the epilogue's
    // loads and the stores are 16-byte accesses and a warp covers whole
    // rows. The ring is free once the consumer warpgroups have passed
    // their last wgmma (named barrier 1 over their threads).
    int64_t pitch = spec.bn + 4;
    if (!space.persistent)
      NVVM::BarrierOp::create(b, loc, TypeRange{}, ir.c32(1), ir.c32(128 * ring.consumers), {},
                              Value());
    Value tile = ir.offset(ring.smem, ir.add(ir.c32(space.offset),
                                             ir.mul(consumer, ir.c32(64 * pitch * 4))));
    for (int64_t j = 0; j < spec.bn / 8; ++j)
      for (int64_t half = 0; half < 2; ++half) {
        Value v = accumulatorPair(ir, acc, 4 * j + 2 * half);
        Value r = ir.add(fragRow, ir.c32(8 * half));
        Value c = ir.add(fragCol, ir.c32(8 * j));
        Value at = ir.mul(ir.add(ir.mul(r, ir.c32(pitch)), c), ir.c32(4));
        LLVM::StoreOp::create(b, loc, v, ir.offset(tile, at), 8);
      }
    // This warpgroup's tile is complete (barrier 2 + consumer, 128 threads).
    NVVM::BarrierOp::create(b, loc, TypeRange{}, ir.add(consumer, ir.c32(2)),
                            ir.c32(128), {}, Value());
    bool guardRows = spec.m % spec.bm != 0 || rowTiles, guardCols = spec.n % spec.bn != 0;
    storeStagedTile(ir, spec, args, tile, 64, spec.bn, pitch, t, 128, wgRow, n0,
                    guardRows || guardCols, rowEnd, columns);
    // Read out before the next tile's fragments overwrite it.
    if (space.persistent)
      NVVM::BarrierOp::create(b, loc, TypeRange{}, ir.add(consumer, ir.c32(2)),
                              ir.c32(128), {}, Value());
    return;
  }
  Value rowBase = ir.add(wgRow, fragRow);
  Value colBase = ir.add(n0, fragCol);
  bool guardRows = spec.m % spec.bm != 0 || rowTiles, guardCols = spec.n % spec.bn != 0;
  // Sixteen pairs' epilogue loads in flight at once.
  GemmVectorBatch batch(ir, spec, args, guardRows || guardCols, 16, rowEnd);
  for (int64_t j = 0; j < spec.bn / 8; ++j)
    for (int64_t half = 0; half < 2; ++half)
      batch.add({accumulatorPair(ir, acc, 4 * j + 2 * half),
                 ir.add(rowBase, ir.c32(8 * half)), ir.add(colBase, ir.c32(8 * j))});
  batch.flush();
}

} // namespace

Value mlir::infer::wgmmaDescriptor(Ir &ir, Value addr64, int64_t leadingBytes,
                                   int64_t strideBytes, bool swizzled,
                                   int64_t swizzleBytes) {
  // Address bits, leading and stride byte offsets (16-byte units), and the
  // 128-byte swizzle (bits 62-63 = 1; 0 for none).
  // The layout type (bits 62-63): 1 for the 128-byte swizzle, 2 for the
  // 64-byte one, 0 for none.
  uint64_t layout = !swizzled ? 0 : swizzleBytes == 64 ? 2 : 1;
  Value field = ir.lshr(ir.band(addr64, ir.c64(0x3FFFF)), ir.c64(4));
  uint64_t fixed = (uint64_t(leadingBytes >> 4) << 16) |
                   (uint64_t(strideBytes >> 4) << 32) | (layout << 62);
  return ir.bor(field, ir.c64(static_cast<int64_t>(fixed)));
}

std::string mlir::infer::gemmSm90Unsupported(const GemmSpec &spec) {
  std::string why = gemmCommonUnsupported(spec);
  if (!why.empty())
    return why;
  // TMA strides are multiples of 16 bytes.
  if (!spec.bKMajor && spec.n % 8 != 0)
    return "N is not a multiple of 8";
  // wgmma reads TF32 and int8 operands K-major only.
  if (spec.elem.isF32() && !spec.bKMajor)
    return "B of f32 (TF32) is not K-major";
  if (bytesOf(spec.elem) == 1 && !spec.bKMajor)
    return "B of int8 or fp8 is not K-major";
  // wgmma's N in whole 16 columns (the staged epilogue's 8-column
  // chunks pair up over 128 threads); [K,N] B in 64-column boxes. 64 rows
  // (one consumer warpgroup, two blocks per SM) keep at most 128 columns
  // of accumulators in a thread's registers.
  if (spec.bn < 16 || spec.bn > 256 || spec.bn % 16 != 0 ||
      (!spec.bKMajor && spec.bn % 64 != 0))
    return "unsupported tile width";
  if (spec.bm != 128 && !(spec.bm == 64 && spec.bn <= 128))
    return "unsupported tile height";
  return im2colUnsupported(spec, /*dense=*/true);
}

FailureOr<KernelInfo> mlir::infer::addGemmSm90Kernel(KernelModule &kernels,
                                                     const GemmSpec &spec,
                                                     Location loc,
                                                     std::string &error) {
  std::string why = gemmSm90Unsupported(spec);
  if (!why.empty()) {
    error = "internal: the sm_90a GEMM cannot compute this product: " + why;
    return failure();
  }
  unsigned eb = bytesOf(spec.elem);
  int64_t kBK = bkOf(spec);
  Sm90Ring ring;
  ring.stages = spec.stages;
  ring.stageBytes = aBytes(spec) + spec.bn * spec.rowBytes;
  if (rowTileIm2col(spec)) {
    RowTilePatches patches = rowTilePatches(spec);
    ring.txBytes = patches.perTile * patches.rows * 16 + spec.bn * spec.rowBytes;
  }
  // Tiles of BM rows, or of one output row each (rowTileIm2col).
  bool rowTiles = rowTileIm2col(spec);
  int64_t tileRows = rowTiles ? spec.im2col->wo : spec.bm;
  int64_t tilesM = rowTiles ? spec.im2col->n * spec.im2col->ho : ceilDiv(spec.m, spec.bm),
          tilesN = ceilDiv(spec.n, spec.bn);
  // Split-K: block z of a tile takes k tiles [z per, (z + 1) per).
  int64_t kTiles = sm90KTiles(spec), splits = spec.splitK;
  int64_t per = ceilDiv(kTiles, splits);
  if (splits > 1 && (!spec.partial || !spec.out.isF32() || !spec.epilogue.empty() ||
                     (splits - 1) * per >= kTiles)) {
    error = "internal: a split-K GEMM writes fp32 partials, without an epilogue, "
            "every split a slice of K";
    return failure();
  }

  KernelInfo info;
  info.kind = splits > 1 ? "gemm_sm90_splitk" : "gemm_sm90";
  info.grid = tilesM * tilesN * splits;
  ring.consumers = spec.bm / 64;
  info.blockThreads = static_cast<uint32_t>(ring.threads());
  info.sharedBytes = static_cast<uint32_t>(spec.stages * (ring.stageBytes + 16));
  // Two blocks share an SM where their rings fit its 228 KiB (1 KiB
  // reserved per block) and a consumer's accumulators (bn / 2 registers)
  // and about 48 more fit half the SM's registers per thread (80 for 384
  // threads: tiles of at most 64 columns; 128 for 256 threads, 64-row
  // tiles: at most 128 columns): one block's fill and epilogue run under
  // the other's wgmma.
  int64_t halfRegs = 65536 / (2 * ring.threads()) / 8 * 8;
  if (spec.bn / 2 + 48 <= halfRegs && 2 * (info.sharedBytes + 1024) <= 228 * 1024)
    ring.blocksPerSm = info.minBlocksPerSm = 2;
  // Two tiles or more per SM and one block an SM: persistent blocks (one
  // per SM) walk the tiles, and each block's producer fills the next
  // tile's stages while its consumers run the epilogue, whose staged tile
  // then needs shared memory of its own after the ring (H200, 100352 x 64
  // x 256 in 128-wide tiles: 0.046 -> 0.026 ms; under two tiles per SM
  // the uneven last round costs more than the overlap gains).
  EpilogueSpace space;
  int64_t tiles = tilesM * tilesN;
  int64_t epilogueBytes = ring.consumers * 64 * (spec.bn + 4) * 4;
  if (splits == 1 && ring.blocksPerSm == 1 && tiles >= 2 * kCudaSmCount &&
      (!stagedEpilogue(spec, ring) || info.sharedBytes + epilogueBytes <= 227 * 1024)) {
    space.persistent = true;
    space.offset = info.sharedBytes;
    if (stagedEpilogue(spec, ring))
      info.sharedBytes += static_cast<uint32_t>(epilogueBytes);
    info.grid = kCudaSmCount;
  }
  uint8_t dt = gemmDtypeCode(spec.elem);
  // CU_TENSOR_MAP_SWIZZLE_128B (3) or _64B (2), as the rows are.
  uint8_t swz = spec.rowBytes == 64 ? 2 : 3;
  if (rowTiles)
    info.tensorMaps.push_back(rowTileMap(spec));
  else if (const std::optional<GemmIm2col> &g = spec.im2col; g && narrowIm2col(spec))
    info.tensorMaps.push_back(
        im2colMap(*g, spec.elem, 16 / eb, spec.bm, /*swizzled=*/false));
  else if (const std::optional<GemmIm2col> &g = spec.im2col)
    info.tensorMaps.push_back(im2colMap(*g, spec.elem, kBK, spec.bm));
  else
    info.tensorMaps.push_back({0, dt, {uint64_t(spec.k), uint64_t(spec.m)},
                               {uint64_t(spec.k) * eb},
                               {static_cast<uint32_t>(kBK), static_cast<uint32_t>(spec.bm)}, swz});
  if (const std::optional<GemmIm2col> &g = spec.im2col; g && paddedIm2col(spec))
    info.tensorMaps.push_back({1, dt, {uint64_t(g->c), uint64_t(g->kh * g->kw), uint64_t(spec.n)},
                               {uint64_t(g->c) * eb, uint64_t(spec.k) * eb},
                               {static_cast<uint32_t>(kBK), 1, static_cast<uint32_t>(spec.bn)}, swz});
  else if (spec.bKMajor)
    info.tensorMaps.push_back({1, dt, {uint64_t(spec.k), uint64_t(spec.n)},
                               {uint64_t(spec.k) * eb},
                               {static_cast<uint32_t>(kBK), static_cast<uint32_t>(spec.bn)}, swz});
  else
    info.tensorMaps.push_back({1, dt, {uint64_t(spec.n), uint64_t(spec.k)},
                               {uint64_t(spec.n) * eb}, {64, static_cast<uint32_t>(kBK)}, 3});
  std::vector<uint64_t> argBytes = gemmArgBytes(spec);
  argBytes[spec.numArgs - 1] *= splits;

  auto build = [&](OpBuilder &b, Location loc, ValueRange args) -> LogicalResult {
    Ir ir(b, loc);
    auto module = b.getInsertionBlock()->getParentOp()->getParentOfType<ModuleOp>();
    ring.smem = gemmSharedMemory(b, loc, module);
    ring.smemAddr = LLVM::PtrToIntOp::create(b, loc, ir.i64, ring.smem);
    SmallVector<Value> buffers(args.take_front(spec.numArgs));
    Value tmA = args[spec.numArgs], tmB = args[spec.numArgs + 1];
    Value tid = NVVM::ThreadIdXOp::create(b, loc, ir.i32);
    Value bid = NVVM::BlockIdXOp::create(b, loc, ir.i32);
    Value kBegin = ir.c32(0), kCount = ir.c32(kTiles);
    if (splits > 1) {
      Value z = ir.udiv(bid, ir.c32(tilesM * tilesN));
      bid = ir.urem(bid, ir.c32(tilesM * tilesN));
      kBegin = ir.mul(z, ir.c32(per));
      Value left = LLVM::SubOp::create(b, loc, ir.c32(kTiles), kBegin);
      kCount = ir.select(ir.cmp(LLVM::ICmpPredicate::ult, left, ir.c32(per)), left,
                         ir.c32(per));
      // This split's partial tile: [z][M][N] fp32.
      buffers.back() = ir.offset(
          buffers.back(), ir.mul(ir.zext64(z), ir.c64(spec.m * spec.n * 4)));
    }

    if (space.persistent) {
      // Block b takes tiles b, b + grid, ...: kTiles k tiles each, one
      // sequence of the ring across them.
      Value grid = ir.c32(kCudaSmCount);
      Value mine = ir.udiv(ir.add(ir.add(ir.c32(tiles), ir.mul(bid, ir.c32(-1))),
                                  ir.c32(kCudaSmCount - 1)),
                           grid);
      auto origin = [&](Value tile) {
        Sm90TileCoords tc = sm90GroupedTile(ir, ir.add(bid, ir.mul(tile, grid)), tilesM, tilesN);
        return std::make_pair(ir.mul(tc.row, ir.c32(tileRows)),
                              ir.mul(tc.col, ir.c32(spec.bn)));
      };
      buildSm90Roles(
          ir, ring, tid, {tmA, tmB},
          [&] {
            buildSm90Producer(ir, ring, tid, ir.mul(mine, ir.c32(kTiles)),
                              [&](Value kt, Value stage, Value full) {
                                auto [m0, n0] = origin(ir.udiv(kt, ir.c32(kTiles)));
                                fillStage(ir, spec, m0, n0, ir.c32(0), tmA, tmB,
                                          ir.urem(kt, ir.c32(kTiles)), stage, full);
                              });
          },
          [&] {
            Sm90Consumer self = Sm90Consumer::enter(ir, ring, tid);
            auto loop = scf::ForOp::create(b, loc, ir.c32(0), mine, ir.c32(1));
            OpBuilder::InsertionGuard guard(b);
            b.setInsertionPointToStart(loop.getBody());
            Value tile = loop.getInductionVar();
            auto [m0, n0] = origin(tile);
            buildConsumer(ir, spec, ring, self, m0, n0, ir.mul(tile, ir.c32(kTiles)),
                          ir.c32(kTiles), buffers, space);
          });
      return success();
    }

    Sm90TileCoords tc = sm90GroupedTile(ir, bid, tilesM, tilesN);
    Value m0 = ir.mul(tc.row, ir.c32(tileRows)), n0 = ir.mul(tc.col, ir.c32(spec.bn));

    buildSm90Roles(
        ir, ring, tid, {tmA, tmB},
        [&] {
          // kt counts this block's k tiles (ring slot and phase); k tile
          // kBegin + kt is loaded.
          buildSm90Producer(ir, ring, tid, kCount, [&](Value kt, Value stage, Value full) {
            fillStage(ir, spec, m0, n0, kBegin, tmA, tmB, kt, stage, full);
          });
        },
        [&] {
          Sm90Consumer self = Sm90Consumer::enter(ir, ring, tid);
          buildConsumer(ir, spec, ring, self, m0, n0, ir.c32(0), kCount, buffers, space);
        });
    return success();
  };
  return addCudaKernel(kernels, info, argBytes, loc, build, error);
}
