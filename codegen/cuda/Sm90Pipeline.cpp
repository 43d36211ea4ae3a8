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
/// Registers per thread after setmaxnreg (the block starts at 65536 / 384).
constexpr int32_t kProducerRegs = 40, kConsumerRegs = 232;
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
      NVVM::MBarrierInitOp::create(b, loc, ring.empty(ir, ir.c32(s)), ir.c32(8), Value());
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
  NVVM::MBarrierArriveExpectTxOp::create(b, loc, Type(), full, ir.c32(ring.stageBytes),
                                         NVVM::MemScopeKind::CTA,
                                         /*relaxed=*/false, Value());
  Value stage = ir.offset(ring.smem, ir.mul(s, ir.c32(ring.stageBytes)));
  fill(kt, stage, full);
}

Sm90Consumer Sm90Consumer::enter(Ir &ir, Value tid) {
  NVVM::SetMaxRegisterOp::create(ir.b, ir.loc, kConsumerRegs,
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
