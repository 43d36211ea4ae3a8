//===- Sm90Pipeline.cpp - The warp-specialized TMA ring of sm_90a GEMMs ---===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/cuda/Sm90Pipeline.h"

#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::infer;

namespace {
/// Registers per thread after setmaxnreg: the producer's, and the
/// consumers' (below).
constexpr int32_t kProducerRegs = 40;
/// Tile rows per group of the block order.
constexpr int64_t kGroupRows = 8;
/// How long one mbarrier try_wait suspends before it is retried.
constexpr int32_t kWaitHint = 10000000;
} // namespace

Value Sm90Ring::full(Ir &ir, Value s) const {
  return ir.offset(smem, ir.add(ir.c32(stages * stageBytes), ir.mul(s, ir.c32(8))));
}

Value Sm90Ring::empty(Ir &ir, Value s) const {
  return ir.offset(smem, ir.add(ir.c32(stages * stageBytes + stages * 8),
                                ir.mul(s, ir.c32(8))));
}

void mlir::infer::buildSm90Roles(Ir &ir, const Sm90Ring &ring, Value tid,
                                 ArrayRef<Value> maps,
                                 llvm::function_ref<void()> producer,
                                 llvm::function_ref<void()> consumer) {
  OpBuilder &b = ir.b;
  Location loc = ir.loc;
  // Barriers: full[s] expects the producer and the stage's bytes,
  // empty[s] one arrival per consumer warp.
  auto init = scf::IfOp::create(b, loc, ir.cmp(LLVM::ICmpPredicate::eq, tid, ir.c32(0)),
                                false);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(init.thenBlock());
    for (int64_t s = 0; s < ring.stages; ++s) {
      NVVM::MBarrierInitOp::create(b, loc, ring.full(ir, ir.c32(s)), ir.c32(1), Value());
      NVVM::MBarrierInitOp::create(b, loc, ring.empty(ir, ir.c32(s)),
                                   ir.c32(4 * ring.consumers), Value());
    }
    NVVM::FenceMbarrierInitOp::create(b, loc);
    for (Value map : maps)
      NVVM::PrefetchOp::create(b, loc, NVVM::PrefetchCacheLevelAttr(),
                               NVVM::CacheEvictionPriorityAttr(), map, Value(),
                               /*tensormap=*/true);
  }
  NVVM::Barrier0Op::create(b, loc);
  auto role = scf::IfOp::create(b, loc, ir.cmp(LLVM::ICmpPredicate::ult, tid, ir.c32(128)),
                                true);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(role.thenBlock());
  producer();
  b.setInsertionPointToStart(role.elseBlock());
  consumer();
}

Sm90TileCoords mlir::infer::sm90GroupedTile(Ir &ir, Value bid, int64_t tilesRows,
                                            int64_t tilesCols) {
  int64_t groupTiles = kGroupRows * tilesCols;
  Value group = ir.udiv(bid, ir.c32(groupTiles));
  Value firstRow = ir.mul(group, ir.c32(kGroupRows));
  Value left = ir.add(ir.c32(tilesRows), ir.mul(firstRow, ir.c32(-1)));
  Value rows = ir.select(ir.cmp(LLVM::ICmpPredicate::ult, left, ir.c32(kGroupRows)),
                         left, ir.c32(kGroupRows));
  Value inGroup = ir.urem(bid, ir.c32(groupTiles));
  return {ir.add(firstRow, ir.urem(inGroup, rows)), ir.udiv(inGroup, rows)};
}

/// The im2col map's pixel box: lower corner (W, H), upper corner (W, H),
/// traversal strides (W, H). With these, a row of the box holds exactly
/// `wo` positions (stride enters only through the traversal).
static std::vector<int32_t> im2colBox(const GemmIm2col &g) {
  return {static_cast<int32_t>(-g.padLeft), static_cast<int32_t>(-g.padTop),
          static_cast<int32_t>(g.padRight - g.dilW * (g.kw - 1)),
          static_cast<int32_t>(g.padBottom - g.dilH * (g.kh - 1)),
          static_cast<int32_t>(g.strideW), static_cast<int32_t>(g.strideH)};
}

bool mlir::infer::narrowIm2col(const GemmSpec &spec) {
  if (!spec.im2col)
    return false;
  int64_t rowBytes = spec.im2col->c * bytesOf(spec.elem);
  if (spec.rowBytes != 128)
    return false;
  // int8 pixels of 32 or 48 bytes: slabs too, rather than a 128-byte block
  // of 2.7 to 4 times the multiply-adds. Not 64 bytes: ResNet-50's 3x3
  // convolutions of 64 int8 channels (H200, 100352 pixels) take 0.045 ms
  // in four slabs per tap against 0.034 ms padded to 128 channels (eight
  // small TMA copies per stage cost more than the wasted half).
  return rowBytes == 16 ||
         (bytesOf(spec.elem) == 1 && rowBytes % 16 == 0 && rowBytes <= 48);
}

bool mlir::infer::rowTileIm2col(const GemmSpec &spec) {
  const std::optional<GemmIm2col> &g = spec.im2col;
  return g && narrowIm2col(spec) && g->c * bytesOf(spec.elem) == 16 && g->strideW == 1 &&
         g->dilW == 1 && g->wo <= spec.bm && (g->kw == 2 || g->kw == 4 || g->kw == 8) &&
         spec.rowBytes == 128 && spec.splitK == 1 && !spec.sparse;
}

RowTilePatches mlir::infer::rowTilePatches(const GemmSpec &spec) {
  RowTilePatches p;
  p.rows = spec.bm + spec.im2col->kw - 1;
  p.bytes = ceilDiv(p.rows * 16, 128) * 128;
  p.perTile = spec.rowBytes / 16 / spec.im2col->kw;
  return p;
}

ArtifactTensorMap mlir::infer::rowTileMap(const GemmSpec &spec) {
  const GemmIm2col &g = *spec.im2col;
  uint64_t eb = bytesOf(spec.elem);
  return {0, gemmDtypeCode(spec.elem),
          {uint64_t(g.c), uint64_t(g.w), uint64_t(g.h), uint64_t(g.n)},
          {uint64_t(g.c) * eb, uint64_t(g.w * g.c) * eb, uint64_t(g.h * g.w * g.c) * eb},
          {static_cast<uint32_t>(g.c), static_cast<uint32_t>(spec.bm + g.kw - 1), 1, 1},
          /*swizzle=*/0,
          {}};
}

int64_t mlir::infer::sm90KTiles(const GemmSpec &spec) {
  int64_t bk = spec.rowBytes / bytesOf(spec.elem);
  if (const std::optional<GemmIm2col> &g = spec.im2col; g && !narrowIm2col(spec))
    return g->kh * g->kw * ceilDiv(g->c, bk);
  return ceilDiv(spec.k, bk);
}

bool mlir::infer::paddedIm2col(const GemmSpec &spec) {
  return spec.im2col && !narrowIm2col(spec) &&
         spec.im2col->c * bytesOf(spec.elem) % spec.rowBytes != 0;
}

std::string mlir::infer::im2colUnsupported(const GemmSpec &spec, bool dense) {
  const std::optional<GemmIm2col> &g = spec.im2col;
  if (!g)
    return "";
  // TMA's im2col mode on a 4-D image: corners in [-128, 127], tap offsets
  // below 256, traversal strides 1 to 8, coordinates in 32 bits.
  std::vector<int32_t> box = im2colBox(*g);
  int64_t rowBytes = g->c * bytesOf(spec.elem);
  if (dense ? rowBytes % 16 != 0 : rowBytes % 128 != 0)
    return dense ? "im2col channels are not whole 16 bytes"
                 : "im2col channels are not a multiple of 128 bytes";
  if (llvm::any_of(ArrayRef(box).take_front(4),
                   [](int32_t v) { return v < -128 || v > 127; }) ||
      box[4] > 8 || box[5] > 8 || (g->kh - 1) * g->dilH > 255 ||
      (g->kw - 1) * g->dilW > 255)
    return "the im2col window is out of TMA's range";
  if (spec.m != g->n * g->ho * g->wo || spec.k != g->kh * g->kw * g->c ||
      g->n * g->h * g->w * g->c >= (int64_t(1) << 31))
    return "the im2col geometry does not match the product";
  return "";
}

ArtifactTensorMap mlir::infer::im2colMap(const GemmIm2col &g, Type elem,
                                         int64_t channels, int64_t pixels,
                                         bool swizzled) {
  uint64_t eb = bytesOf(elem);
  return {0, gemmDtypeCode(elem),
          {uint64_t(g.c), uint64_t(g.w), uint64_t(g.h), uint64_t(g.n)},
          {uint64_t(g.c) * eb, uint64_t(g.w * g.c) * eb, uint64_t(g.h * g.w * g.c) * eb},
          {static_cast<uint32_t>(channels), static_cast<uint32_t>(pixels)},
          // CU_TENSOR_MAP_SWIZZLE_64B (2) for 64-byte rows, else 128B (3).
          static_cast<uint8_t>(!swizzled ? 0 : channels * eb == 64 ? 2 : 3),
          im2colBox(g)};
}

void mlir::infer::tmaIm2colLoad(Ir &ir, const GemmIm2col &g, int64_t channels,
                                Value dst, Value map, Value m0, Value tile,
                                Value full) {
  OpBuilder &b = ir.b;
  Location loc = ir.loc;
  // K tile `tile` is channel block `cb` of tap (r, s) (channels past the
  // image's, in a last partial block, read 0): the copy starts at
  // the tap window's corner of output pixel m0 (input coordinates) and
  // walks the box's output pixels, the tap offset added; taps in the
  // padding and pixels past the last image read 0.
  int64_t blocks = ceilDiv(g.c, channels);
  Value cb = ir.urem(tile, ir.c32(blocks)), tap = ir.udiv(tile, ir.c32(blocks));
  Value r = ir.udiv(tap, ir.c32(g.kw)), s = ir.urem(tap, ir.c32(g.kw));
  Value img = ir.udiv(m0, ir.c32(g.ho * g.wo));
  Value pix = ir.urem(m0, ir.c32(g.ho * g.wo));
  Value y = ir.add(ir.mul(ir.udiv(pix, ir.c32(g.wo)), ir.c32(g.strideH)),
                   ir.c32(-g.padTop));
  Value x = ir.add(ir.mul(ir.urem(pix, ir.c32(g.wo)), ir.c32(g.strideW)),
                   ir.c32(-g.padLeft));
  auto i16 = b.getI16Type();
  Value offW = LLVM::TruncOp::create(b, loc, i16, ir.mul(s, ir.c32(g.dilW)));
  Value offH = LLVM::TruncOp::create(b, loc, i16, ir.mul(r, ir.c32(g.dilH)));
  auto cluster = LLVM::LLVMPointerType::get(b.getContext(), 7);
  Value dst7 = LLVM::AddrSpaceCastOp::create(b, loc, cluster, dst);
  NVVM::CpAsyncBulkTensorGlobalToSharedClusterOp::create(
      b, loc, dst7, map, ValueRange{ir.mul(cb, ir.c32(channels)), x, y, img}, full,
      ValueRange{offW, offH}, Value(), Value(), NVVM::TMALoadMode::IM2COL,
      /*isCTAOnly=*/false, NVVM::CTAGroupKindAttr(), /*predicate=*/Value());
}

void mlir::infer::tmaTileLoad(Ir &ir, Value dst, Value map, ValueRange coords,
                              Value full) {
  auto cluster = LLVM::LLVMPointerType::get(ir.b.getContext(), 7);
  Value dst7 = LLVM::AddrSpaceCastOp::create(ir.b, ir.loc, cluster, dst);
  NVVM::CpAsyncBulkTensorGlobalToSharedClusterOp::create(
      ir.b, ir.loc, dst7, map, coords, full, ValueRange{}, Value(), Value(),
      NVVM::TMALoadMode::TILE, /*isCTAOnly=*/false, NVVM::CTAGroupKindAttr(),
      /*predicate=*/Value());
}

void mlir::infer::buildSm90Producer(
    Ir &ir, const Sm90Ring &ring, Value tid, Value kCount,
    llvm::function_ref<void(Value kt, Value stage, Value full)> fill) {
  OpBuilder &b = ir.b;
  Location loc = ir.loc;
  NVVM::SetMaxRegisterOp::create(b, loc, kProducerRegs,
                                 NVVM::SetMaxRegisterAction::decrease);
  auto issuer = scf::IfOp::create(
      b, loc, ir.cmp(LLVM::ICmpPredicate::eq, tid, ir.c32(0)), false);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(issuer.thenBlock());
  auto loop = scf::ForOp::create(b, loc, ir.c32(0), kCount, ir.c32(1));
  b.setInsertionPointToStart(loop.getBody());
  Value kt = loop.getInductionVar();
  Value s = ir.urem(kt, ir.c32(ring.stages));
  Value parity = ir.band(ir.udiv(kt, ir.c32(ring.stages)), ir.c32(1));
  // The stage's previous round must have been consumed (a fresh barrier
  // counts as having completed the phase before its first).
  NVVM::MBarrierTryWaitParityOp::create(b, loc, ring.empty(ir, s),
                                        ir.bxor(parity, ir.c32(1)), ir.c32(kWaitHint));
  Value full = ring.full(ir, s);
  NVVM::MBarrierArriveExpectTxOp::create(b, loc, Type(), full,
                                         ir.c32(ring.txBytes ? ring.txBytes : ring.stageBytes),
                                         NVVM::MemScopeKind::CTA,
                                         /*relaxed=*/false, Value());
  Value stage = ir.offset(ring.smem, ir.mul(s, ir.c32(ring.stageBytes)));
  fill(kt, stage, full);
}

Sm90Consumer Sm90Consumer::enter(Ir &ir, const Sm90Ring &ring, Value tid) {
  // A block starts with its share of the SM's 65536 registers per thread
  // (in steps of 8, at most 248: 168 for one block of 384 threads, 80 for
  // two); the consumers take what the producer gives up.
  int64_t threads = ring.threads();
  int64_t launch = std::min<int64_t>(248, 65536 / (ring.blocksPerSm * threads) / 8 * 8);
  int64_t regs = (launch * threads - kProducerRegs * 128) / (128 * ring.consumers) / 8 * 8;
  NVVM::SetMaxRegisterOp::create(ir.b, ir.loc, static_cast<int32_t>(std::min<int64_t>(regs, 248)),
                                 NVVM::SetMaxRegisterAction::increase);
  Sm90Consumer c;
  c.consumer = ir.add(ir.udiv(tid, ir.c32(128)), ir.c32(-1)); // 0 or 1
  c.t = ir.urem(tid, ir.c32(128));
  c.warp = ir.udiv(c.t, ir.c32(32));
  c.lane = ir.urem(tid, ir.c32(32));
  return c;
}

Value mlir::infer::waitSm90Stage(Ir &ir, const Sm90Ring &ring, Value kt) {
  Value s = ir.urem(kt, ir.c32(ring.stages));
  Value parity = ir.band(ir.udiv(kt, ir.c32(ring.stages)), ir.c32(1));
  NVVM::MBarrierTryWaitParityOp::create(ir.b, ir.loc, ring.full(ir, s), parity,
                                        ir.c32(kWaitHint));
  return s;
}

void mlir::infer::releaseSm90Stage(Ir &ir, const Sm90Ring &ring, Value s, Value when) {
  auto rel = scf::IfOp::create(ir.b, ir.loc, when, false);
  OpBuilder::InsertionGuard guard(ir.b);
  ir.b.setInsertionPointToStart(rel.thenBlock());
  NVVM::MBarrierArriveOp::create(ir.b, ir.loc, Type(), ring.empty(ir, s), Value());
}
