//===- GemmSm80Sparse.cpp - 2:4 sparse mma.sync GEMM for sm_80 and later --===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// C[M,N] = A[M,K] * W[N,K]^T where W is 2:4 sparse along K, on the sparse
// tensor cores of Ampere and later without Hopper's wgmma (sm_80, sm_86,
// sm_89, sm_90): mma.sp.sync m16n8k32, whose first operand is the sparse
// one, so a block computes C^T = W * A^T for 128 output channels by 128
// rows of A, each of its 4 warps 64 channels by 64 rows (4 x 8 mma tiles).
//
// One stage of the cp.async ring covers 64 of K: the kept values of the
// 128 channels (32 per row, 64-byte rows swizzled as the dense kernel's A
// tile, so its ldmatrix fragments serve as mma.sp's A), the activations
// (128 rows of 64 values, 128-byte rows whose 16-byte chunk c sits at
// c ^ (row % 8)), and the positions (8 bytes per channel, 4 i16 words:
// one word covers 16 of K). For a k32 step, lane l supplies the words of
// channels r = 16 i + l / 4 (low 16 bits) and r + 8 (high) covering dense
// k 16 (l % 2) .. + 15 (selector 0: lanes l % 4 < 2 are read).
//
// The accumulators go through shared memory transposed and the threads
// store 8 consecutive channels of a row of C through the common epilogue.
//
//===----------------------------------------------------------------------===//

#include "codegen/cuda/GemmSm80.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::infer;

namespace {
/// Rows of A and output channels per block, dense K per stage, threads,
/// stages.
constexpr int64_t kRows = 128, kChannels = 128, kStageK = 64, kThreads = 128,
                  kStages = 3;
constexpr int64_t kValuesRowBytes = kStageK, kActRowBytes = 2 * kStageK,
                  kMetaRowBytes = kStageK / 8;
constexpr int64_t kValuesBytes = kChannels * kValuesRowBytes;
constexpr int64_t kActBytes = kRows * kActRowBytes;
constexpr int64_t kStageBytes = kValuesBytes + kActBytes + kChannels * kMetaRowBytes;
/// Per warp: 64 channels x 64 rows = 4 m16 tiles x 8 n8 tiles.
constexpr int64_t kMTiles = 4, kNTiles = 8, kAcc = kMTiles * kNTiles * 4;

/// Byte offsets of 16-byte chunks in the values tile (4 per row) and the
/// activations tile (8 per row).
Value valuesAt(Ir &ir, Value row, Value chunk) {
  Value phys = ir.bxor(chunk, ir.band(ir.lshr(row, ir.c32(1)), ir.c32(3)));
  return ir.add(ir.mul(row, ir.c32(kValuesRowBytes)), ir.mul(phys, ir.c32(16)));
}
Value actAt(Ir &ir, Value row, Value chunk) {
  Value phys = ir.bxor(chunk, ir.band(row, ir.c32(7)));
  return ir.add(ir.mul(row, ir.c32(kActRowBytes)), ir.mul(phys, ir.c32(16)));
}

/// This thread's cp.async copies of k tile kt: 4 value chunks, 8
/// activation chunks (rows past M zero-filled), and its channel's 8 bytes
/// of positions.
void loadStage(Ir &ir, const GemmSpec &spec, Value stage, Value tid, Value r0,
               Value c0, Value kt, Value act, Value values, Value meta) {
  OpBuilder &b = ir.b;
  Location loc = ir.loc;
  MLIRContext *ctx = b.getContext();
  auto copy = [&](Value dst, Value src, int64_t bytes, Value srcBytes) {
    NVVM::CpAsyncOp::create(
        b, loc, dst, src, b.getI32IntegerAttr(bytes),
        NVVM::LoadCacheModifierKindAttr::get(ctx, bytes == 16
                                                      ? NVVM::LoadCacheModifierKind::CG
                                                      : NVVM::LoadCacheModifierKind::CA),
        srcBytes);
  };
  for (int64_t i = 0; i < kChannels * 4 / kThreads; ++i) {
    Value q = ir.add(tid, ir.c32(i * kThreads));
    Value row = ir.udiv(q, ir.c32(4)), chunk = ir.urem(q, ir.c32(4));
    Value element = ir.add(ir.mul(ir.zext64(ir.add(c0, row)), ir.c64(spec.k / 2)),
                           ir.zext64(ir.add(ir.mul(kt, ir.c32(kStageK / 2)),
                                            ir.mul(chunk, ir.c32(8)))));
    copy(ir.offset(stage, valuesAt(ir, row, chunk)),
         ir.offset(values, ir.mul(element, ir.c64(2))), 16, Value());
  }
  for (int64_t i = 0; i < kRows * 8 / kThreads; ++i) {
    Value q = ir.add(tid, ir.c32(i * kThreads));
    Value row = ir.udiv(q, ir.c32(8)), chunk = ir.urem(q, ir.c32(8));
    Value gRow = ir.add(r0, row);
    Value inside = ir.cmp(LLVM::ICmpPredicate::ult, gRow, ir.c32(spec.m));
    Value element = ir.add(ir.mul(ir.zext64(gRow), ir.c64(spec.k)),
                           ir.zext64(ir.add(ir.mul(kt, ir.c32(kStageK)),
                                            ir.mul(chunk, ir.c32(8)))));
    // Outside: read nothing (source size 0) from the matrix's start.
    element = ir.select(inside, element, ir.c64(0));
    copy(ir.offset(stage, ir.add(ir.c32(kValuesBytes), actAt(ir, row, chunk))),
         ir.offset(act, ir.mul(element, ir.c64(2))), 16,
         ir.select(inside, ir.c32(16), ir.c32(0)));
  }
  Value word = ir.add(ir.mul(ir.zext64(ir.add(c0, tid)), ir.c64(spec.k / 16)),
                      ir.zext64(ir.mul(kt, ir.c32(kStageK / 16))));
  copy(ir.offset(stage, ir.add(ir.c32(kValuesBytes + kActBytes),
                               ir.mul(tid, ir.c32(kMetaRowBytes)))),
       ir.offset(meta, ir.mul(word, ir.c64(2))), kMetaRowBytes, Value());
  NVVM::CpAsyncCommitGroupOp::create(b, loc);
}
} // namespace

std::string mlir::infer::gemmSm80SparseUnsupported(const GemmSpec &spec) {
  if (spec.im2col)
    return "reading A through im2col needs sm_90a";
  std::string why = gemmCommonUnsupported(spec);
  if (!why.empty())
    return why;
  if (!spec.elem.isF16() && !spec.elem.isBF16())
    return "2:4 sparse mma takes f16 or bf16";
  // A stage's positions are 8 bytes of each channel's row.
  if (spec.k % kStageK != 0)
    return "K (" + std::to_string(spec.k) + ") is not a multiple of 64";
  // Whole channel tiles: positions past N would read as code 0.
  if (spec.n % kChannels != 0)
    return "N (" + std::to_string(spec.n) + ") is not a multiple of 128";
  if (spec.splitK != 1)
    return "no split-K for the sparse GEMM";
  return "";
}

FailureOr<KernelInfo> mlir::infer::addGemmSm80SparseKernel(KernelModule &kernels,
                                                           const GemmSpec &spec,
                                                           Location loc,
                                                           std::string &error) {
  std::string why = gemmSm80SparseUnsupported(spec);
  if (!why.empty() || !spec.sparse) {
    error = "internal: the sparse mma.sync GEMM cannot compute this product: " +
            (why.empty() ? std::string("B is not 2:4") : why);
    return failure();
  }
  int64_t tilesRows = ceilDiv(spec.m, kRows), tilesCh = spec.n / kChannels;
  KernelInfo info;
  info.kind = "gemm_sm80_sparse";
  info.grid = tilesRows * tilesCh;
  info.blockThreads = kThreads;
  info.sharedBytes = static_cast<uint32_t>(kStages * kStageBytes);
  std::vector<uint64_t> argBytes = gemmArgBytes(spec);

  auto build = [&](OpBuilder &b, Location loc, ValueRange args) -> LogicalResult {
    Ir ir(b, loc);
    MLIRContext *ctx = b.getContext();
    auto module = b.getInsertionBlock()->getParentOp()->getParentOfType<ModuleOp>();
    Value smem = gemmSharedMemory(b, loc, module);
    auto global = LLVM::LLVMPointerType::get(ctx, 1);
    Value act = LLVM::AddrSpaceCastOp::create(b, loc, global, args[0]);
    Value values = LLVM::AddrSpaceCastOp::create(b, loc, global, args[1]);
    Value meta = LLVM::AddrSpaceCastOp::create(b, loc, global, args[2]);
    Value tid = NVVM::ThreadIdXOp::create(b, loc, ir.i32);
    Value bid = NVVM::BlockIdXOp::create(b, loc, ir.i32);
    Value warp = ir.udiv(tid, ir.c32(32)), lane = ir.urem(tid, ir.c32(32));
    // Consecutive blocks share a row tile of A (channel tiles inner).
    Value r0 = ir.mul(ir.udiv(bid, ir.c32(tilesCh)), ir.c32(kRows));
    Value c0 = ir.mul(ir.urem(bid, ir.c32(tilesCh)), ir.c32(kChannels));
    // This warp's channels (the mma's M) and rows of A (its N).
    Value wc = ir.mul(ir.udiv(warp, ir.c32(2)), ir.c32(64));
    Value wr = ir.mul(ir.urem(warp, ir.c32(2)), ir.c32(64));
    int64_t kTiles = spec.k / kStageK;
    SmallVector<Type> fields(kAcc, ir.f32);
    auto accType = LLVM::LLVMStructType::getLiteral(ctx, fields);
    auto load = [&](Value stage, Value kt) {
      loadStage(ir, spec, stage, tid, r0, c0, kt, act, values, meta);
    };
    auto compute = [&](Value stage, Value acc) -> Value {
      Value actTile = ir.offset(stage, ir.c32(kValuesBytes));
      Value metaTile = ir.offset(stage, ir.c32(kValuesBytes + kActBytes));
      auto i16 = b.getI16Type();
      auto cType = LLVM::LLVMStructType::getLiteral(ctx, {ir.f32, ir.f32, ir.f32, ir.f32});
      std::optional<std::array<NVVM::MMATypes, 2>> types;
      if (spec.elem.isBF16())
        types = std::array<NVVM::MMATypes, 2>{NVVM::MMATypes::bf16, NVVM::MMATypes::bf16};
      for (int64_t st = 0; st < kStageK / 32; ++st) {
        // A: the compressed 16 x 16 tiles of the values (the dense k16
        // fragment); their positions; B: the k32 fragments of the rows as
        // two dense k16 halves.
        SmallVector<SmallVector<Value>> aFrag;
        SmallVector<Value> words;
        for (int64_t i = 0; i < kMTiles; ++i) {
          Value row = ir.add(ir.add(wc, ir.c32(i * 16)), ir.urem(lane, ir.c32(16)));
          Value chunk = ir.add(ir.c32(2 * st), ir.udiv(lane, ir.c32(16)));
          aFrag.push_back(ldmatrixX4(ir, ir.offset(stage, valuesAt(ir, row, chunk))));
          Value ch = ir.add(ir.add(wc, ir.c32(i * 16)), ir.udiv(lane, ir.c32(4)));
          Value w = ir.add(ir.c32(2 * st), ir.urem(lane, ir.c32(2)));
          auto at = [&](Value c) {
            Value off = ir.add(ir.mul(c, ir.c32(kMetaRowBytes)), ir.mul(w, ir.c32(2)));
            Value v = LLVM::LoadOp::create(b, loc, i16, ir.offset(metaTile, off), 2);
            return LLVM::ZExtOp::create(b, loc, ir.i32, v).getResult();
          };
          Value lo = at(ch), hi = at(ir.add(ch, ir.c32(8)));
          words.push_back(ir.bor(lo, LLVM::ShlOp::create(b, loc, hi, ir.c32(16))));
        }
        SmallVector<SmallVector<Value>> bFrag(kNTiles);
        for (int64_t h = 0; h < 2; ++h)
          for (int64_t p = 0; p < kNTiles / 2; ++p) {
            Value row = ir.add(ir.add(wr, ir.c32(p * 16)),
                               ir.add(ir.urem(lane, ir.c32(8)),
                                      ir.mul(ir.udiv(lane, ir.c32(16)), ir.c32(8))));
            Value chunk = ir.add(ir.c32(2 * (2 * st + h)),
                                 ir.urem(ir.udiv(lane, ir.c32(8)), ir.c32(2)));
            SmallVector<Value> r = ldmatrixX4(ir, ir.offset(actTile, actAt(ir, row, chunk)));
            bFrag[2 * p].append({r[0], r[1]});
            bFrag[2 * p + 1].append({r[2], r[3]});
          }
        acc = mmaFragments(ir, spec.elem, acc, aFrag, bFrag,
                           [&](int64_t i, ValueRange a, ValueRange bb, ValueRange c) -> Value {
                             return NVVM::MmaSpOp::create(b, loc, cType, a, bb, c, words[i],
                                                          ir.c32(0),
                                                          ArrayRef<int64_t>{16, 8, 32},
                                                          std::nullopt, types);
                           });
      }
      return acc;
    };
    Value acc = buildCpAsyncRing(ir, smem, kStages, kStageBytes, kTiles,
                                 LLVM::ZeroOp::create(b, loc, accType), load, compute);

    // Fragment of m16n8: channels 16 i + lane/4 (+8), rows 8 j + 2 (lane %
    // 4) (+1). Into a [128 rows][128 + 4 channels] fp32 tile over the ring
    // once every warp is past its last mma.
    int64_t pitch = kChannels + 4;
    NVVM::Barrier0Op::create(b, loc);
    Value fragCh = ir.add(wc, ir.udiv(lane, ir.c32(4)));
    Value fragRow = ir.add(wr, ir.mul(ir.urem(lane, ir.c32(4)), ir.c32(2)));
    for (int64_t i = 0; i < kMTiles; ++i)
      for (int64_t j = 0; j < kNTiles; ++j)
        for (int64_t e = 0; e < 4; ++e) {
          Value ch = ir.add(fragCh, ir.c32(16 * i + 8 * (e / 2)));
          Value row = ir.add(fragRow, ir.c32(8 * j + e % 2));
          Value at = ir.mul(ir.add(ir.mul(row, ir.c32(pitch)), ch), ir.c32(4));
          LLVM::StoreOp::create(
              b, loc, LLVM::ExtractValueOp::create(b, loc, acc, (i * kNTiles + j) * 4 + e),
              ir.offset(smem, at), 4);
        }
    NVVM::Barrier0Op::create(b, loc);
    SmallVector<Value> buffers(args.take_front(spec.numArgs));
    storeStagedTile(ir, spec, buffers, smem, kRows, kChannels, pitch, tid, kThreads, r0,
                    c0, /*guard=*/spec.m % kRows != 0);
    return success();
  };
  return addCudaKernel(kernels, info, argBytes, loc, build, error);
}
