//===- GemmSm90Sparse.cpp - 2:4 sparse tensor-core GEMM for Hopper --------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// C[M,N] = A[M,K] * W[N,K]^T where W is 2:4 sparse along K. Hopper's sparse
// wgmma takes its first operand sparse, so each block computes the
// transposed tile C^T = W * A^T: 128 output channels (64 per consumer
// warpgroup, wgmma's M) by BN = 128 or 256 rows of A (wgmma's N). One
// pipeline stage covers 128 of K: the weight's kept values (128 rows of 64
// values, 128 bytes, 128-byte swizzle: the layout of a dense K-major tile),
// the activations (BN rows of 128 values as two 64-value swizzled boxes), and
// the positions (128 rows of 8 i16 words, unswizzled). A k32 step reads 32
// bytes of each values row and 64 bytes of each activation row.
//
// Metadata: for step st, lane l of warp w supplies rows r = 16 w + l / 4
// and r + 8 (low and high 16 bits), words 2 st + (l % 2) of those rows:
// the positions of dense k 16 (l % 2) .. + 15 of the step (selector 0,
// lanes l % 4 < 2 are read; the others load the same words).
//
// The epilogue goes through shared memory transposed: each warpgroup
// writes its 64 x BN fp32 tile as BN x 64, then threads store 8
// consecutive channels of a row of C through the common GEMM epilogue.
//
//===----------------------------------------------------------------------===//

#include "codegen/cuda/GemmSm90.h"
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
/// Output channels per block (two consumer warpgroups of 64), dense K per
/// stage, bytes of a swizzled row, threads (a producer warpgroup and two
/// consumers), activation rows per block.
constexpr int64_t kChannels = 128, kStageK = 128, kRowBytes = 128;
/// Stage layout: values, activations (two boxes of BN rows), positions.
constexpr int64_t kValuesBytes = kChannels * kRowBytes;
constexpr int64_t kMetaBytes = kChannels * (kStageK / 16) * 2;
/// The most dynamic shared memory a block may have (227 KiB).
constexpr int64_t kMaxShared = 232448;

/// The ring with this kernel's stage layout for BN rows of A.
struct Ring : Sm90Ring {
  int64_t bn, actBytes;
  Ring(int64_t stages, int64_t bn) : bn(bn), actBytes(2 * bn * kRowBytes) {
    this->stages = stages;
    stageBytes = kValuesBytes + actBytes + kMetaBytes;
  }
};

/// Stage kt: the values, the activations (two 64-value boxes) and the
/// positions of k tile kt.
void fillStage(Ir &ir, const Ring &ring, Value r0, Value c0, Value tmA,
               Value tmValues, Value tmMeta, Value kt, Value stage, Value full) {
  auto load = [&](Value dst, Value map, ValueRange coords) {
    tmaTileLoad(ir, dst, map, coords, full);
  };
  Value k0 = ir.mul(kt, ir.c32(kStageK));
  load(stage, tmValues, {ir.mul(kt, ir.c32(kStageK / 2)), c0});
  Value act = ir.offset(stage, ir.c32(kValuesBytes));
  load(act, tmA, {k0, r0});
  load(ir.offset(act, ir.c32(ring.bn * kRowBytes)), tmA, {ir.add(k0, ir.c32(64)), r0});
  load(ir.offset(stage, ir.c32(kValuesBytes + ring.actBytes)), tmMeta,
       {ir.mul(kt, ir.c32(kStageK / 16)), c0});
}

/// The sparse wgmma m64nBNk32 with f32 accumulators `acc`, as inline PTX
/// (NVVM has no op for it).
Value sparseWgmma(Ir &ir, int64_t bn, Type accType, Value acc, Value descA,
                  Value descB, Value meta, Type elem) {
  OpBuilder &b = ir.b;
  int64_t n = bn / 2;
  std::string type = elem.isF16() ? "f16" : "bf16";
  std::string text = "{\n.reg .pred p;\nsetp.ne.b32 p, $" + std::to_string(2 * n + 3) +
                     ", 0;\nwgmma.mma_async.sp.sync.aligned.m64n" +
                     std::to_string(bn) + "k32.f32." + type + "." + type + " {";
  std::string constraints;
  for (int64_t i = 0; i < n; ++i) {
    text += (i ? ", $" : "$") + std::to_string(i);
    constraints += "=f,";
  }
  text += "}, $" + std::to_string(2 * n) + ", $" + std::to_string(2 * n + 1) + ", $" +
          std::to_string(2 * n + 2) + ", 0, p, 1, 1, 0, 0;\n}\n";
  SmallVector<Value> operands;
  for (int64_t i = 0; i < n; ++i) {
    operands.push_back(LLVM::ExtractValueOp::create(b, ir.loc, acc, i));
    constraints += std::to_string(i) + ",";
  }
  operands.append({descA, descB, meta, ir.c32(1)});
  constraints += "l,l,r,n";
  auto op = LLVM::InlineAsmOp::create(
      b, ir.loc, accType, operands, text, constraints, /*has_side_effects=*/true,
      /*is_align_stack=*/false, LLVM::tailcallkind::TailCallKind::None,
      LLVM::AsmDialectAttr(), ArrayAttr());
  return op.getResult(0);
}

void buildConsumer(Ir &ir, const GemmSpec &spec, const Ring &ring, Value tid,
                   Value r0, Value c0, Value kTiles, ValueRange args) {
  OpBuilder &b = ir.b;
  Location loc = ir.loc;
  MLIRContext *ctx = b.getContext();
  Sm90Consumer self = Sm90Consumer::enter(ir, tid);
  Value consumer = self.consumer, t = self.t, warp = self.warp, lane = self.lane;
  SmallVector<Type> fields(ring.bn / 2, ir.f32);
  auto accType = LLVM::LLVMStructType::getLiteral(ctx, fields);
  Value zero = LLVM::ZeroOp::create(b, loc, accType);
  // This thread's metadata rows within the block's 128 and its half of
  // each step's 32 dense k.
  Value metaRow = ir.add(ir.mul(consumer, ir.c32(64)),
                         ir.add(ir.mul(warp, ir.c32(16)), ir.udiv(lane, ir.c32(4))));
  Value half = ir.urem(lane, ir.c32(2));
  auto i16 = b.getI16Type();

  auto loop = scf::ForOp::create(b, loc, ir.c32(0), kTiles, ir.c32(1),
                                 ValueRange{zero});
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    Value kt = loop.getInductionVar();
    Value acc = loop.getRegionIterArgs()[0];
    Value s = waitSm90Stage(ir, ring, kt);
    Value stageOff = ir.mul(s, ir.c32(ring.stageBytes));
    Value stage = ir.add(ring.smemAddr, ir.zext64(stageOff));
    // The positions first: registers written between wgmmas make ptxas
    // serialize them.
    Value metaTile = ir.offset(ring.smem, ir.add(stageOff, ir.c32(kValuesBytes + ring.actBytes)));
    SmallVector<Value> meta;
    for (int64_t st = 0; st < kStageK / 32; ++st) {
      Value word = ir.add(ir.c32(2 * st), half);
      auto at = [&](Value row) {
        Value off = ir.mul(ir.add(ir.mul(row, ir.c32(kStageK / 16)), word), ir.c32(2));
        Value v = LLVM::LoadOp::create(b, loc, i16, ir.offset(metaTile, off), 2);
        return LLVM::ZExtOp::create(b, loc, ir.i32, v).getResult();
      };
      Value lo = at(metaRow), hi = at(ir.add(metaRow, ir.c32(8)));
      meta.push_back(ir.bor(lo, LLVM::ShlOp::create(b, loc, hi, ir.c32(16))));
    }
    Value aAddr = ir.add(stage, ir.mul(ir.zext64(consumer), ir.c64(64 * kRowBytes)));
    Value bAddr = ir.add(stage, ir.c64(kValuesBytes));
    NVVM::WgmmaFenceAlignedOp::create(b, loc);
    for (int64_t st = 0; st < kStageK / 32; ++st) {
      // Values: 32 bytes of each row per step; activations: 64 bytes of
      // each row, two steps per 64-value box.
      Value descA = wgmmaDescriptor(ir, ir.add(aAddr, ir.c64(st * 32)), 16, 1024);
      Value descB = wgmmaDescriptor(
          ir, ir.add(bAddr, ir.c64((st / 2) * ring.bn * kRowBytes + (st % 2) * 64)), 16,
          1024);
      acc = sparseWgmma(ir, ring.bn, accType, acc, descA, descB, meta[st], spec.elem);
    }
    NVVM::WgmmaGroupSyncAlignedOp::create(b, loc);
    // The sparse wgmma reads its metadata register asynchronously, and the
    // registers cannot be kept from the next tile's words (a loop-carried
    // copy moves them, not the one the wgmma reads): each tile's group
    // completes before the next tile's words load, and its stage is free.
    // The two consumer warpgroups interleave their groups on the tensor
    // cores meanwhile.
    NVVM::WgmmaWaitGroupSyncOp::create(b, loc, b.getI64IntegerAttr(0));
    releaseSm90Stage(ir, ring, s, ir.cmp(LLVM::ICmpPredicate::eq, lane, ir.c32(0)));
    scf::YieldOp::create(b, loc, acc);
  }
  NVVM::WgmmaWaitGroupSyncOp::create(b, loc, b.getI64IntegerAttr(0));
  Value acc = loop.getResult(0);

  // Fragment of m64nBN: thread (warp, lane) holds channels 16 warp + lane/4
  // (+8) and rows 8 j + 2 (lane % 4) (+1). Into a [BN][64 + 4] fp32 tile
  // per warpgroup (the pad spreads the columns over the banks), once both
  // warpgroups are past their last wgmma (the ring is free then).
  int64_t pitch = 64 + 4;
  NVVM::BarrierOp::create(b, loc, TypeRange{}, ir.c32(1), ir.c32(256), {}, Value());
  Value tile = ir.offset(ring.smem, ir.mul(consumer, ir.c32(ring.bn * pitch * 4)));
  Value fragCh = ir.add(ir.mul(warp, ir.c32(16)), ir.udiv(lane, ir.c32(4)));
  Value fragRow = ir.mul(ir.urem(lane, ir.c32(4)), ir.c32(2));
  for (int64_t j = 0; j < ring.bn / 8; ++j)
    for (int64_t i = 0; i < 4; ++i) {
      Value ch = ir.add(fragCh, ir.c32(8 * (i / 2)));
      Value row = ir.add(fragRow, ir.c32(8 * j + i % 2));
      Value at = ir.mul(ir.add(ir.mul(row, ir.c32(pitch)), ch), ir.c32(4));
      LLVM::StoreOp::create(b, loc, LLVM::ExtractValueOp::create(b, loc, acc, 4 * j + i),
                            ir.offset(tile, at), 4);
    }
  NVVM::BarrierOp::create(b, loc, TypeRange{}, ir.add(consumer, ir.c32(2)),
                          ir.c32(128), {}, Value());
  Value wgCh = ir.add(c0, ir.mul(consumer, ir.c32(64)));
  bool guard = spec.m % ring.bn != 0 || spec.n % kChannels != 0;
  auto oct = VectorType::get({8}, ir.f32);
  for (int64_t it = 0; it < ring.bn * 8 / 128; ++it) {
    Value q = ir.add(t, ir.c32(it * 128));
    Value r = ir.udiv(q, ir.c32(8));
    Value c = ir.mul(ir.urem(q, ir.c32(8)), ir.c32(8));
    Value at = ir.mul(ir.add(ir.mul(r, ir.c32(pitch)), c), ir.c32(4));
    Value v = LLVM::LoadOp::create(b, loc, oct, ir.offset(tile, at), 16);
    storeGemmVectorIn(ir, spec, args, v, ir.add(r0, r), ir.add(wgCh, c), guard);
  }
}
} // namespace

std::string mlir::infer::gemmSm90SparseUnsupported(const GemmSpec &spec) {
  std::string why = gemmCommonUnsupported(spec);
  if (!why.empty())
    return why;
  if (!spec.elem.isF16() && !spec.elem.isBF16())
    return "2:4 sparse wgmma takes f16 or bf16";
  if (spec.im2col)
    return "an implicit GEMM (im2col) has no sparse form";
  // The positions' rows are K / 8 bytes: TMA strides are multiples of 16.
  if (spec.k % kStageK != 0)
    return "K (" + std::to_string(spec.k) + ") is not a multiple of 128";
  // Whole 128-channel tiles: positions past N would read as code 0, which
  // names no two positions.
  if (spec.n % kChannels != 0)
    return "N (" + std::to_string(spec.n) + ") is not a multiple of 128";
  if (spec.splitK != 1)
    return "no split-K for the sparse GEMM";
  if (spec.bn != 128 && spec.bn != 256)
    return "unsupported tile width";
  return "";
}

FailureOr<KernelInfo> mlir::infer::addGemmSm90SparseKernel(KernelModule &kernels,
                                                           const GemmSpec &spec,
                                                           Location loc,
                                                           std::string &error) {
  std::string why = gemmSm90SparseUnsupported(spec);
  if (!why.empty() || !spec.sparse) {
    error = "internal: the sparse sm_90a GEMM cannot compute this product: " +
            (why.empty() ? std::string("B is not 2:4") : why);
    return failure();
  }
  unsigned eb = bytesOf(spec.elem);
  // As many stages as fit (BN 128: 4, BN 256: 2); the transposed
  // epilogue tiles reuse the ring.
  Ring ring(1, spec.bn);
  ring.stages = std::min<int64_t>(spec.stages, (kMaxShared - 64) / (ring.stageBytes + 16));
  if (ring.stages < 2 || 2 * spec.bn * (64 + 4) * 4 > ring.stages * ring.stageBytes) {
    error = "internal: the sparse sm_90a GEMM's tile does not fit in shared memory";
    return failure();
  }
  int64_t tilesRows = ceilDiv(spec.m, spec.bn), tilesCh = ceilDiv(spec.n, kChannels);
  KernelInfo info;
  info.kind = "gemm_sm90_sparse";
  info.grid = tilesRows * tilesCh;
  info.blockThreads = kSm90Threads;
  info.sharedBytes = static_cast<uint32_t>(ring.stages * (ring.stageBytes + 16));
  uint8_t dt = gemmDtypeCode(spec.elem);
  uint8_t u16 = gemmDtypeCode(IntegerType::get(loc.getContext(), 16));
  info.tensorMaps.push_back({0, dt, {uint64_t(spec.k), uint64_t(spec.m)},
                             {uint64_t(spec.k) * eb}, {64, static_cast<uint32_t>(spec.bn)}, 3});
  info.tensorMaps.push_back({1, dt, {uint64_t(spec.k / 2), uint64_t(spec.n)},
                             {uint64_t(spec.k / 2) * eb}, {64, kChannels}, 3});
  info.tensorMaps.push_back({2, u16, {uint64_t(spec.k / 16), uint64_t(spec.n)},
                             {uint64_t(spec.k / 16) * 2}, {kStageK / 16, kChannels}, 0});
  std::vector<uint64_t> argBytes = gemmArgBytes(spec);

  auto build = [&](OpBuilder &b, Location loc, ValueRange args) -> LogicalResult {
    Ir ir(b, loc);
    auto module = b.getInsertionBlock()->getParentOp()->getParentOfType<ModuleOp>();
    ring.smem = gemmSharedMemory(b, loc, module);
    ring.smemAddr = LLVM::PtrToIntOp::create(b, loc, ir.i64, ring.smem);
    SmallVector<Value> buffers(args.take_front(spec.numArgs));
    Value tmA = args[spec.numArgs], tmValues = args[spec.numArgs + 1],
          tmMeta = args[spec.numArgs + 2];
    Value tid = NVVM::ThreadIdXOp::create(b, loc, ir.i32);
    Value bid = NVVM::BlockIdXOp::create(b, loc, ir.i32);
    // Consecutive blocks share a row tile of A (channel tiles inner).
    Value r0 = ir.mul(ir.udiv(bid, ir.c32(tilesCh)), ir.c32(spec.bn));
    Value c0 = ir.mul(ir.urem(bid, ir.c32(tilesCh)), ir.c32(kChannels));
    Value kTiles = ir.c32(spec.k / kStageK);
    buildSm90Roles(
        ir, ring, tid, {tmA, tmValues, tmMeta},
        [&] {
          buildSm90Producer(ir, ring, tid, kTiles, [&](Value kt, Value stage, Value full) {
            fillStage(ir, ring, r0, c0, tmA, tmValues, tmMeta, kt, stage, full);
          });
        },
        [&] { buildConsumer(ir, spec, ring, tid, r0, c0, kTiles, buffers); });
    return success();
  };
  return addCudaKernel(kernels, info, argBytes, loc, build, error);
}
