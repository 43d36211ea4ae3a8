//===- GemmSm80.cpp - mma.sync GEMM kernels for sm_80 and later -----------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Builds the kernel described in GemmSm80.h. Shared memory of one stage:
// the A tile (128 rows of 32 halves, or 64 int8 values) then the B tile,
// 64-byte rows whose 16-byte chunk c is stored at c ^ ((row >> 1) & 3).
// An int8 row is laid out as a 16-bit one: ldmatrix's b16 fragments of
// K-major int8 rows are the s8 m16n8k32 fragments (4 consecutive K values
// per register), so one k32 int8 step reads what one k16 step does.
//
//===----------------------------------------------------------------------===//

#include "codegen/cuda/GemmSm80.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::infer;

namespace {
constexpr int64_t kBM = 128, kBN = 128, kThreads = 128, kStages = 3;
constexpr int64_t kRowBytes = 64;                    // BK: 32 halves, 64 int8
constexpr int64_t kTileBytes = kBM * kRowBytes;      // 8 KiB (A and B alike)
constexpr int64_t kStageBytes = 2 * kTileBytes;
/// Per warp: 64 x 64 = 4 m16 tiles x 8 n8 tiles of 4 accumulators.
constexpr int64_t kMTiles = 4, kNTiles = 8, kAcc = kMTiles * kNTiles * 4;

/// Byte offset of 16-byte chunk `chunk` of tile row `row` (i32 values).
Value swizzled(Ir &ir, Value row, Value chunk) {
  Value phys = ir.bxor(chunk, ir.band(ir.lshr(row, ir.c32(1)), ir.c32(3)));
  return ir.add(ir.mul(row, ir.c32(kRowBytes)), ir.mul(phys, ir.c32(16)));
}

/// Issues this thread's cp.async copies of one stage: 512 chunks of A and
/// 512 of B, 4 + 4 per thread; chunks outside the matrices are zero-filled.
void loadStage(Ir &ir, const GemmSpec &spec, Value smemStage, Value tid,
               Value m0, Value n0, Value k0, Value aGlobal, Value bGlobal) {
  OpBuilder &b = ir.b;
  Location loc = ir.loc;
  for (int tile = 0; tile < 2; ++tile) {
    Value base = tile == 0 ? aGlobal : bGlobal;
    Value origin = tile == 0 ? m0 : n0;
    int64_t extent = tile == 0 ? spec.m : spec.n;
    for (int64_t i = 0; i < kBM * 4 / kThreads; ++i) {
      Value q = ir.add(tid, ir.c32(i * kThreads));
      Value row = ir.udiv(q, ir.c32(4)), chunk = ir.urem(q, ir.c32(4));
      unsigned eb = bytesOf(spec.elem);
      Value gRow = ir.add(origin, row);
      Value gCol = ir.add(k0, ir.mul(chunk, ir.c32(16 / eb)));
      Value inside = ir.band(ir.cmp(LLVM::ICmpPredicate::ult, gRow, ir.c32(extent)),
                             ir.cmp(LLVM::ICmpPredicate::ult, gCol, ir.c32(spec.k)));
      // Outside: read nothing (source size 0) from the matrix's start.
      Value element = ir.add(ir.mul(ir.zext64(gRow), ir.c64(spec.k)), ir.zext64(gCol));
      element = ir.select(inside, element, ir.c64(0));
      Value src = ir.offset(base, ir.mul(element, ir.c64(eb)));
      Value dst = ir.offset(smemStage,
                            ir.add(ir.c32(tile * kTileBytes), swizzled(ir, row, chunk)));
      NVVM::CpAsyncOp::create(
          b, loc, dst, src, b.getI32IntegerAttr(16),
          NVVM::LoadCacheModifierKindAttr::get(b.getContext(),
                                               NVVM::LoadCacheModifierKind::CG),
          ir.select(inside, ir.c32(16), ir.c32(0)));
    }
  }
  NVVM::CpAsyncCommitGroupOp::create(b, loc);
}
} // namespace

Value mlir::infer::buildCpAsyncRing(
    Ir &ir, Value smem, int64_t stages, int64_t stageBytes, int64_t kTiles, Value acc,
    llvm::function_ref<void(Value stage, Value kt)> load,
    llvm::function_ref<Value(Value stage, Value acc)> compute) {
  OpBuilder &b = ir.b;
  Location loc = ir.loc;
  auto stageAt = [&](Value s) { return ir.offset(smem, ir.mul(s, ir.c32(stageBytes))); };
  // Prologue: stages 0 .. stages - 2 (empty groups past the end keep the
  // group count uniform).
  for (int64_t s = 0; s < stages - 1; ++s) {
    if (s < kTiles)
      load(stageAt(ir.c32(s)), ir.c32(s));
    else
      NVVM::CpAsyncCommitGroupOp::create(b, loc);
  }
  auto loop = scf::ForOp::create(b, loc, ir.c32(0), ir.c32(kTiles), ir.c32(1),
                                 ValueRange{acc});
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    Value kt = loop.getInductionVar();
    // Stage kt has landed for this thread; the barrier makes it landed
    // for all and frees the stage read in the previous iteration.
    NVVM::CpAsyncWaitGroupOp::create(b, loc, b.getI32IntegerAttr(stages - 2));
    NVVM::Barrier0Op::create(b, loc);
    Value next = ir.add(kt, ir.c32(stages - 1));
    auto more = scf::IfOp::create(
        b, loc, ir.cmp(LLVM::ICmpPredicate::ult, next, ir.c32(kTiles)), true);
    {
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(more.thenBlock());
      load(stageAt(ir.urem(next, ir.c32(stages))), next);
      b.setInsertionPointToStart(more.elseBlock());
      NVVM::CpAsyncCommitGroupOp::create(b, loc);
    }
    scf::YieldOp::create(
        b, loc, compute(stageAt(ir.urem(kt, ir.c32(stages))), loop.getRegionIterArgs()[0]));
  }
  NVVM::CpAsyncWaitGroupOp::create(b, loc, b.getI32IntegerAttr(0));
  return loop.getResult(0);
}

SmallVector<Value> mlir::infer::ldmatrixX4(Ir &ir, Value at) {
  MLIRContext *ctx = ir.b.getContext();
  auto quad = LLVM::LLVMStructType::getLiteral(ctx, {ir.i32, ir.i32, ir.i32, ir.i32});
  Value m = NVVM::LdMatrixOp::create(ir.b, ir.loc, quad, at, 4, NVVM::MMALayout::row,
                                     NVVM::LdStMatrixShapeAttr::get(ctx, 8, 8),
                                     NVVM::LdStMatrixEltType::B16);
  SmallVector<Value> regs;
  for (int r = 0; r < 4; ++r)
    regs.push_back(LLVM::ExtractValueOp::create(ir.b, ir.loc, m, r));
  return regs;
}

Value mlir::infer::mmaOperand(Ir &ir, Type elem, Value reg) {
  if (elem.isBF16() || elem.isInteger(8))
    return reg;
  return LLVM::BitcastOp::create(ir.b, ir.loc, VectorType::get({2}, ir.b.getF16Type()),
                                 reg);
}

Value mlir::infer::mmaFragments(
    Ir &ir, Type elem, Value acc, ArrayRef<SmallVector<Value>> aFrag,
    ArrayRef<SmallVector<Value>> bFrag,
    llvm::function_ref<Value(int64_t i, ValueRange a, ValueRange b, ValueRange c)> mma) {
  OpBuilder &b = ir.b;
  Location loc = ir.loc;
  int64_t nTiles = bFrag.size();
  for (int64_t i = 0; i < static_cast<int64_t>(aFrag.size()); ++i)
    for (int64_t j = 0; j < nTiles; ++j) {
      int64_t base = (i * nTiles + j) * 4;
      SmallVector<Value> a, bb, c;
      for (Value r : aFrag[i])
        a.push_back(mmaOperand(ir, elem, r));
      for (Value r : bFrag[j])
        bb.push_back(mmaOperand(ir, elem, r));
      for (int64_t e = 0; e < 4; ++e)
        c.push_back(LLVM::ExtractValueOp::create(b, loc, acc, base + e));
      Value d = mma(i, a, bb, c);
      for (int64_t e = 0; e < 4; ++e)
        acc = LLVM::InsertValueOp::create(b, loc, acc,
                                          LLVM::ExtractValueOp::create(b, loc, d, e), base + e);
    }
  return acc;
}

std::string mlir::infer::gemmSm80Unsupported(const GemmSpec &spec) {
  if (spec.im2col)
    return "reading A through im2col needs sm_90a";
  std::string why = gemmCommonUnsupported(spec);
  if (!why.empty())
    return why;
  if (!spec.bKMajor)
    return "B is not K-major";
  if (spec.elem.isF32())
    return "f32 operands (TF32) need wgmma";
  if (llvm::isa<Float8E4M3FNType>(spec.elem))
    return "f8E4M3FN operands need wgmma (sm_90a)";
  return "";
}

FailureOr<KernelInfo> mlir::infer::addGemmSm80Kernel(KernelModule &kernels,
                                                     const GemmSpec &spec,
                                                     Location loc,
                                                     std::string &error) {
  std::string why = gemmSm80Unsupported(spec);
  if (!why.empty()) {
    error = "internal: the mma.sync GEMM cannot compute this product: " + why;
    return failure();
  }
  int64_t tilesM = ceilDiv(spec.m, kBM), tilesN = ceilDiv(spec.n, kBN);
  KernelInfo info;
  info.kind = "gemm_sm80";
  info.grid = tilesM * tilesN;
  info.blockThreads = kThreads;
  info.sharedBytes = static_cast<uint32_t>(kStages * kStageBytes);
  std::vector<uint64_t> argBytes = gemmArgBytes(spec);

  auto build = [&](OpBuilder &b, Location loc, ValueRange args) -> LogicalResult {
    Ir ir(b, loc);
    MLIRContext *ctx = b.getContext();
    auto module = b.getInsertionBlock()->getParentOp()->getParentOfType<ModuleOp>();
    Value smem = gemmSharedMemory(b, loc, module);
    auto global = LLVM::LLVMPointerType::get(ctx, 1);
    Value aGlobal = LLVM::AddrSpaceCastOp::create(b, loc, global, args[0]);
    Value bGlobal = LLVM::AddrSpaceCastOp::create(b, loc, global, args[1]);
    Value tid = NVVM::ThreadIdXOp::create(b, loc, ir.i32);
    Value bid = NVVM::BlockIdXOp::create(b, loc, ir.i32);
    Value warp = ir.udiv(tid, ir.c32(32)), lane = ir.urem(tid, ir.c32(32));
    // Tiles column-major within the grid: consecutive CTAs share B.
    Value m0 = ir.mul(ir.urem(bid, ir.c32(tilesM)), ir.c32(kBM));
    Value n0 = ir.mul(ir.udiv(bid, ir.c32(tilesM)), ir.c32(kBN));
    Value wm = ir.mul(ir.udiv(warp, ir.c32(2)), ir.c32(64));
    Value wn = ir.mul(ir.urem(warp, ir.c32(2)), ir.c32(64));
    // int8: s8 x s8 into int32 accumulators (fp32 for the epilogue).
    bool int8 = spec.elem.isInteger(8);
    int64_t bk = kRowBytes / bytesOf(spec.elem);
    int64_t kTiles = ceilDiv(spec.k, bk);
    Type accElem = int8 ? ir.i32 : ir.f32;
    SmallVector<Type> fields(kAcc, accElem);
    auto accType = LLVM::LLVMStructType::getLiteral(ctx, fields);
    auto load = [&](Value stage, Value kt) {
      loadStage(ir, spec, stage, tid, m0, n0, ir.mul(kt, ir.c32(bk)), aGlobal, bGlobal);
    };
    auto compute = [&](Value stage, Value acc) -> Value {
      Value bTile = ir.offset(stage, ir.c32(kTileBytes));
      auto ldmatrix = [&](Value tile, Value row, Value chunk) {
        return ldmatrixX4(ir, ir.offset(tile, swizzled(ir, row, chunk)));
      };
      auto cType = LLVM::LLVMStructType::getLiteral(ctx, {accElem, accElem, accElem, accElem});
      std::optional<std::array<NVVM::MMATypes, 2>> types;
      std::optional<NVVM::MMAIntOverflow> overflow;
      if (spec.elem.isBF16())
        types = std::array<NVVM::MMATypes, 2>{NVVM::MMATypes::bf16, NVVM::MMATypes::bf16};
      if (int8) {
        types = std::array<NVVM::MMATypes, 2>{NVVM::MMATypes::s8, NVVM::MMATypes::s8};
        overflow = NVVM::MMAIntOverflow::wrapped;
      }
      // Two steps of 32 bytes a row: k16 of 16-bit values, k32 of int8.
      int64_t stepK = 32 / bytesOf(spec.elem);
      for (int64_t kk = 0; kk < kRowBytes / 32; ++kk) {
        SmallVector<SmallVector<Value>> aFrag, bFrag(kNTiles);
        for (int64_t i = 0; i < kMTiles; ++i) {
          Value row = ir.add(ir.add(wm, ir.c32(i * 16)), ir.urem(lane, ir.c32(16)));
          Value chunk = ir.add(ir.c32(2 * kk), ir.udiv(lane, ir.c32(16)));
          aFrag.push_back(ldmatrix(stage, row, chunk));
        }
        for (int64_t p = 0; p < kNTiles / 2; ++p) {
          Value row = ir.add(ir.add(wn, ir.c32(p * 16)),
                             ir.add(ir.urem(lane, ir.c32(8)),
                                    ir.mul(ir.udiv(lane, ir.c32(16)), ir.c32(8))));
          Value chunk = ir.add(ir.c32(2 * kk), ir.urem(ir.udiv(lane, ir.c32(8)), ir.c32(2)));
          SmallVector<Value> r = ldmatrix(bTile, row, chunk);
          bFrag[2 * p] = {r[0], r[1]};
          bFrag[2 * p + 1] = {r[2], r[3]};
        }
        acc = mmaFragments(ir, spec.elem, acc, aFrag, bFrag,
                           [&](int64_t, ValueRange a, ValueRange bb, ValueRange c) -> Value {
                             return NVVM::MmaOp::create(
                                 b, loc, cType, a, bb, c, ArrayRef<int64_t>{16, 8, stepK},
                                 std::nullopt, overflow, types,
                                 std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                                                NVVM::MMALayout::col});
                           });
      }
      return acc;
    };
    Value acc = buildCpAsyncRing(ir, smem, kStages, kStageBytes, kTiles,
                                 LLVM::ZeroOp::create(b, loc, accType), load, compute);
    // The int32 sums as fp32 for the epilogue (which scales them first).
    if (int8)
      acc = accumulatorsToF32(ir, acc, kAcc, spec.smallSums);
    // Accumulators of m16n8: c0, c1 at row lane/4, columns 2 (lane % 4)
    // (+1); c2, c3 eight rows below.
    Value rowBase = ir.add(ir.add(m0, wm), ir.udiv(lane, ir.c32(4)));
    Value colBase = ir.add(ir.add(n0, wn), ir.mul(ir.urem(lane, ir.c32(4)), ir.c32(2)));
    bool guardRows = spec.m % kBM != 0, guardCols = spec.n % kBN != 0;
    // Sixteen pairs' epilogue loads in flight at once.
    GemmVectorBatch batch(ir, spec, args, guardRows || guardCols, 16);
    for (int64_t i = 0; i < kMTiles; ++i)
      for (int64_t j = 0; j < kNTiles; ++j)
        for (int64_t half = 0; half < 2; ++half)
          batch.add({accumulatorPair(ir, acc, (i * kNTiles + j) * 4 + 2 * half),
                     ir.add(rowBase, ir.c32(i * 16 + 8 * half)),
                     ir.add(colBase, ir.c32(j * 8))});
    batch.flush();
    return success();
  };
  return addCudaKernel(kernels, info, argBytes, loc, build, error);
}
