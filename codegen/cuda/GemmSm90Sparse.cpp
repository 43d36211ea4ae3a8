//===- GemmSm90Sparse.cpp - 2:4 sparse tensor-core GEMM for Hopper --------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// C[M,N] = A[M,K] * W[N,K]^T where W is 2:4 sparse along K. Hopper's sparse
// wgmma takes its first operand sparse, so each block computes the
// transposed tile C^T = W * A^T: BN = 128 or 256 output channels (half per
// consumer warpgroup, in slices of 64: wgmma's M) by BM = 64, 128 or 256
// rows of A (wgmma's N). One pipeline stage covers 128 of K: the weight's
// kept values (BN rows of 64 values, 128 bytes, 128-byte swizzle: the
// layout of a dense K-major tile), the activations (BM rows of 128 values
// as two 64-value swizzled boxes; for a convolution, two 64-channel blocks
// read from the NHWC image with TMA's im2col mode, as the dense kernel
// does), and the positions (BN rows of 8 i16 words, unswizzled). A k32 step reads 32 bytes of each values row and 64
// bytes of each activation row.
//
// Metadata: for step st of a 64-channel slice, lane l of warp w supplies
// the slice's rows r = 16 w + l / 4 and r + 8 (low and high 16 bits),
// words 2 st + (l % 2) of those rows: the positions of dense k 16 (l % 2)
// .. + 15 of the step (selector 0, lanes l % 4 < 2 are read; the others
// load the same words).
//
// The sparse wgmma reads its metadata register while it runs: a k tile's
// registers must keep their values until its group is complete. The k
// loop runs two tiles per iteration, each keeping one group in flight,
// and the words of the tile before are read (by an empty asm statement)
// after each wait: LLVM then gives the next tile's words other registers
// than the running group's (the second tile's words are carried into the
// next iteration, and the PTX writes them there only after the group that
// read them is waited for).
//
// The epilogue goes through shared memory transposed: each warpgroup
// writes its BN/2-channel x BM-row fp32 tile as BM x BN/2, then threads
// store 8 consecutive channels of a row of C through the common GEMM
// epilogue.
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
/// Dense K per stage, bytes of a swizzled row, bytes of a channel's
/// positions per stage.
constexpr int64_t kStageK = 128, kRowBytes = 128, kMetaRowBytes = kStageK / 8;
/// k32 steps per stage.
constexpr int64_t kSteps = kStageK / 32;
/// The most dynamic shared memory a block may have (227 KiB).
constexpr int64_t kMaxShared = 232448;

/// The ring with this kernel's stage layout: values (BN rows), activations
/// (two boxes of BM rows), positions (BN rows).
struct Ring : Sm90Ring {
  int64_t rows, channels, valuesBytes, actBytes;
  Ring(int64_t stages, int64_t rows, int64_t channels)
      : rows(rows), channels(channels), valuesBytes(channels * kRowBytes),
        actBytes(2 * rows * kRowBytes) {
    this->stages = stages;
    stageBytes = sparseGemmStageBytes(rows, channels);
  }
  /// 64-channel slices per consumer warpgroup.
  int64_t slices() const { return channels / 128; }
};

/// Stage kt: the values, the activations (two 64-value boxes: tiled, or
/// through im2col two 64-channel blocks of the image) and the positions
/// of k tile kt.
void fillStage(Ir &ir, const GemmSpec &spec, const Ring &ring, Value r0, Value c0,
               Value tmA, Value tmValues, Value tmMeta, Value kt, Value stage,
               Value full) {
  auto load = [&](Value dst, Value map, ValueRange coords) {
    tmaTileLoad(ir, dst, map, coords, full);
  };
  Value k0 = ir.mul(kt, ir.c32(kStageK));
  load(stage, tmValues, {ir.mul(kt, ir.c32(kStageK / 2)), c0});
  Value act = ir.offset(stage, ir.c32(ring.valuesBytes));
  for (int64_t j = 0; j < 2; ++j) {
    Value box = ir.offset(act, ir.c32(j * ring.rows * kRowBytes));
    if (spec.im2col)
      tmaIm2colLoad(ir, *spec.im2col, 64, box, tmA, r0,
                    ir.add(ir.mul(kt, ir.c32(2)), ir.c32(j)), full);
    else
      load(box, tmA, {ir.add(k0, ir.c32(64 * j)), r0});
  }
  load(ir.offset(stage, ir.c32(ring.valuesBytes + ring.actBytes)), tmMeta,
       {ir.mul(kt, ir.c32(kStageK / 16)), c0});
}

/// The sparse wgmma m64nBMk32 with f32 accumulators `acc`, as inline PTX
/// (NVVM has no op for it).
Value sparseWgmma(Ir &ir, int64_t bm, Type accType, Value acc, Value descA,
                  Value descB, Value meta, Type elem) {
  OpBuilder &b = ir.b;
  int64_t n = bm / 2;
  std::string type = elem.isF16() ? "f16" : "bf16";
  std::string text = "{\n.reg .pred p;\nsetp.ne.b32 p, $" + std::to_string(2 * n + 3) +
                     ", 0;\nwgmma.mma_async.sp.sync.aligned.m64n" +
                     std::to_string(bm) + "k32.f32." + type + "." + type + " {";
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

/// An empty asm statement reading `values`: they (and their registers)
/// live until here.
void keepAlive(Ir &ir, ValueRange values) {
  std::string constraints;
  for (size_t i = 0; i < values.size(); ++i)
    constraints += i ? ",r" : "r";
  LLVM::InlineAsmOp::create(ir.b, ir.loc, TypeRange{}, values, "", constraints,
                            /*has_side_effects=*/true, /*is_align_stack=*/false,
                            LLVM::tailcallkind::TailCallKind::None,
                            LLVM::AsmDialectAttr(), ArrayAttr());
}

void buildConsumer(Ir &ir, const GemmSpec &spec, const Ring &ring, Value tid,
                   Value r0, Value c0, int64_t kTiles, ValueRange args) {
  OpBuilder &b = ir.b;
  Location loc = ir.loc;
  MLIRContext *ctx = b.getContext();
  Sm90Consumer self = Sm90Consumer::enter(ir, ring, tid);
  Value consumer = self.consumer, t = self.t, warp = self.warp, lane = self.lane;
  int64_t slices = ring.slices(), half = ring.channels / 2;
  SmallVector<Type> fields(ring.rows / 2, ir.f32);
  auto accType = LLVM::LLVMStructType::getLiteral(ctx, fields);
  // This warpgroup's first channel within the block; this thread's
  // metadata row within each 64-channel slice and its half of each step's
  // 32 dense k.
  Value wgCh = ir.mul(consumer, ir.c32(half));
  // The staged epilogue's bias (and scales) load now, under the main loop
  // (a block has one tile).
  SmallVector<Value> columns =
      loadStagedColumns(ir, spec, args, half, t, 128, ir.add(c0, wgCh));
  Value sliceRow = ir.add(ir.mul(warp, ir.c32(16)), ir.udiv(lane, ir.c32(4)));
  Value word = ir.urem(lane, ir.c32(2));
  auto i16 = b.getI16Type();

  // One k tile: its positions (kSteps words per slice), its wgmmas, one
  // group in flight; then the tile before is complete: its words may go
  // and its stage is free.
  auto tile = [&](Value kt, SmallVectorImpl<Value> &acc, ValueRange before) {
    Value s = waitSm90Stage(ir, ring, kt);
    Value stageOff = ir.mul(s, ir.c32(ring.stageBytes));
    Value stage = ir.add(ring.smemAddr, ir.zext64(stageOff));
    // The positions first: registers written between wgmmas make ptxas
    // serialize them.
    Value metaTile = ir.offset(ring.smem, ir.add(stageOff, ir.c32(ring.valuesBytes + ring.actBytes)));
    SmallVector<Value> meta;
    for (int64_t j = 0; j < slices; ++j) {
      Value row = ir.add(wgCh, ir.add(sliceRow, ir.c32(64 * j)));
      for (int64_t st = 0; st < kSteps; ++st) {
        Value w = ir.add(ir.c32(2 * st), word);
        auto at = [&](Value r) {
          Value off = ir.add(ir.mul(r, ir.c32(kMetaRowBytes)), ir.mul(w, ir.c32(2)));
          Value v = LLVM::LoadOp::create(b, loc, i16, ir.offset(metaTile, off), 2);
          return LLVM::ZExtOp::create(b, loc, ir.i32, v).getResult();
        };
        Value lo = at(row), hi = at(ir.add(row, ir.c32(8)));
        meta.push_back(ir.bor(lo, LLVM::ShlOp::create(b, loc, hi, ir.c32(16))));
      }
    }
    Value aAddr = ir.add(stage, ir.mul(ir.zext64(wgCh), ir.c64(kRowBytes)));
    Value bAddr = ir.add(stage, ir.c64(ring.valuesBytes));
    NVVM::WgmmaFenceAlignedOp::create(b, loc);
    for (int64_t st = 0; st < kSteps; ++st) {
      // Activations: 64 bytes of each row, two steps per 64-value box.
      Value descB = wgmmaDescriptor(
          ir, ir.add(bAddr, ir.c64((st / 2) * ring.rows * kRowBytes + (st % 2) * 64)),
          16, 1024);
      for (int64_t j = 0; j < slices; ++j) {
        // Values: 32 bytes of each row per step.
        Value descA = wgmmaDescriptor(
            ir, ir.add(aAddr, ir.c64(j * 64 * kRowBytes + st * 32)), 16, 1024);
        acc[j] = sparseWgmma(ir, ring.rows, accType, acc[j], descA, descB,
                             meta[j * kSteps + st], spec.elem);
      }
    }
    NVVM::WgmmaGroupSyncAlignedOp::create(b, loc);
    NVVM::WgmmaWaitGroupSyncOp::create(b, loc, b.getI64IntegerAttr(1));
    keepAlive(ir, before);
    Value release = ir.band(ir.cmp(LLVM::ICmpPredicate::ugt, kt, ir.c32(0)),
                            ir.cmp(LLVM::ICmpPredicate::eq, lane, ir.c32(0)));
    Value prev = ir.urem(ir.add(kt, ir.c32(ring.stages - 1)), ir.c32(ring.stages));
    releaseSm90Stage(ir, ring, prev, release);
    return meta;
  };

  // Two k tiles per iteration; the second's words carried. Tile 0 has no
  // tile before it (zero words, no stage to free).
  SmallVector<Value> init(slices, LLVM::ZeroOp::create(b, loc, accType));
  init.append(slices * kSteps, ir.c32(0));
  int64_t pairs = kTiles / 2;
  SmallVector<Value> acc(init.begin(), init.begin() + slices);
  SmallVector<Value> carried(init.begin() + slices, init.end());
  if (pairs > 0) {
    auto loop = scf::ForOp::create(b, loc, ir.c32(0), ir.c32(pairs), ir.c32(1), init);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    ValueRange iter = loop.getRegionIterArgs();
    SmallVector<Value> a(iter.take_front(slices));
    Value kt = ir.mul(loop.getInductionVar(), ir.c32(2));
    SmallVector<Value> m0 = tile(kt, a, iter.drop_front(slices));
    SmallVector<Value> m1 = tile(ir.add(kt, ir.c32(1)), a, m0);
    SmallVector<Value> yield(a);
    yield.append(m1);
    scf::YieldOp::create(b, loc, yield);
    acc.assign(loop.getResults().begin(), loop.getResults().begin() + slices);
    carried.assign(loop.getResults().begin() + slices, loop.getResults().end());
  }
  if (kTiles % 2)
    carried = tile(ir.c32(kTiles - 1), acc, carried);
  NVVM::WgmmaWaitGroupSyncOp::create(b, loc, b.getI64IntegerAttr(0));
  keepAlive(ir, carried);

  // Fragment of m64nBM for slice j: thread (warp, lane) holds channels
  // 64 j + 16 warp + lane/4 (+8) and rows 8 i + 2 (lane % 4) (+1). Into a
  // [BM][BN/2 + 4] fp32 tile per warpgroup (the pad spreads the columns
  // over the banks), once both warpgroups are past their last wgmma (the
  // ring is free then).
  int64_t pitch = half + 4;
  NVVM::BarrierOp::create(b, loc, TypeRange{}, ir.c32(1), ir.c32(256), {}, Value());
  Value staging = ir.offset(ring.smem, ir.mul(consumer, ir.c32(ring.rows * pitch * 4)));
  Value fragRow = ir.mul(ir.urem(lane, ir.c32(4)), ir.c32(2));
  for (int64_t j = 0; j < slices; ++j)
    for (int64_t i = 0; i < ring.rows / 8; ++i)
      for (int64_t e = 0; e < 4; ++e) {
        Value ch = ir.add(sliceRow, ir.c32(64 * j + 8 * (e / 2)));
        Value row = ir.add(fragRow, ir.c32(8 * i + e % 2));
        Value at = ir.mul(ir.add(ir.mul(row, ir.c32(pitch)), ch), ir.c32(4));
        LLVM::StoreOp::create(b, loc,
                              LLVM::ExtractValueOp::create(b, loc, acc[j], 4 * i + e),
                              ir.offset(staging, at), 4);
      }
  NVVM::BarrierOp::create(b, loc, TypeRange{}, ir.add(consumer, ir.c32(2)),
                          ir.c32(128), {}, Value());
  bool guard = spec.m % ring.rows != 0 || spec.n % ring.channels != 0;
  storeStagedTile(ir, spec, args, staging, ring.rows, half, pitch, t, 128, r0,
                  ir.add(c0, wgCh), guard, Value(), columns);
}
} // namespace

int64_t mlir::infer::sparseGemmStageBytes(int64_t rows, int64_t channels) {
  return channels * (kRowBytes + kMetaRowBytes) + 2 * rows * kRowBytes;
}

std::string mlir::infer::gemmSm90SparseUnsupported(const GemmSpec &spec) {
  std::string why = gemmCommonUnsupported(spec);
  if (!why.empty())
    return why;
  if (!spec.elem.isF16() && !spec.elem.isBF16())
    return "2:4 sparse wgmma takes f16 or bf16";
  if (std::string why = im2colUnsupported(spec); !why.empty())
    return why;
  // The positions' rows are K / 8 bytes: TMA strides are multiples of 16.
  if (spec.k % kStageK != 0)
    return "K (" + std::to_string(spec.k) + ") is not a multiple of 128";
  // Whole channel tiles: positions past N would read as code 0, which
  // names no two positions.
  if (spec.n % spec.bn != 0)
    return "N (" + std::to_string(spec.n) + ") is not a multiple of the " +
           std::to_string(spec.bn) + "-channel tile";
  if (spec.splitK != 1)
    return "no split-K for the sparse GEMM";
  if (!((spec.bn == 128 || spec.bn == 256) &&
        (spec.bm == 64 || spec.bm == 128 || spec.bm == 256) &&
        spec.bn / 128 * spec.bm <= 256))
    return "unsupported tile";
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
  // The transposed epilogue tiles reuse the ring.
  Ring ring(spec.stages, spec.bm, spec.bn);
  if (ring.stages < 2 || ring.stages * (ring.stageBytes + 16) > kMaxShared ||
      2 * spec.bm * (spec.bn / 2 + 4) * 4 > ring.stages * ring.stageBytes) {
    error = "internal: the sparse sm_90a GEMM's tile does not fit in shared memory";
    return failure();
  }
  int64_t tilesRows = ceilDiv(spec.m, spec.bm), tilesCh = spec.n / spec.bn;
  KernelInfo info;
  info.kind = "gemm_sm90_sparse";
  info.grid = tilesRows * tilesCh;
  info.blockThreads = kSm90Threads;
  info.sharedBytes = static_cast<uint32_t>(ring.stages * (ring.stageBytes + 16));
  uint8_t dt = gemmDtypeCode(spec.elem);
  uint8_t u16 = gemmDtypeCode(IntegerType::get(loc.getContext(), 16));
  auto bm = static_cast<uint32_t>(spec.bm), bn = static_cast<uint32_t>(spec.bn);
  if (const std::optional<GemmIm2col> &g = spec.im2col)
    info.tensorMaps.push_back(im2colMap(*g, spec.elem, 64, spec.bm));
  else
    info.tensorMaps.push_back({0, dt, {uint64_t(spec.k), uint64_t(spec.m)},
                               {uint64_t(spec.k) * eb}, {64, bm}, 3});
  info.tensorMaps.push_back({1, dt, {uint64_t(spec.k / 2), uint64_t(spec.n)},
                             {uint64_t(spec.k / 2) * eb}, {64, bn}, 3});
  info.tensorMaps.push_back({2, u16, {uint64_t(spec.k / 16), uint64_t(spec.n)},
                             {uint64_t(spec.k / 16) * 2}, {kStageK / 16, bn}, 0});
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
    Sm90TileCoords tc = sm90GroupedTile(ir, bid, tilesRows, tilesCh);
    Value r0 = ir.mul(tc.row, ir.c32(spec.bm));
    Value c0 = ir.mul(tc.col, ir.c32(spec.bn));
    int64_t kTiles = spec.k / kStageK;
    buildSm90Roles(
        ir, ring, tid, {tmA, tmValues, tmMeta},
        [&] {
          buildSm90Producer(ir, ring, tid, ir.c32(kTiles),
                            [&](Value kt, Value stage, Value full) {
                              fillStage(ir, spec, ring, r0, c0, tmA, tmValues, tmMeta,
                                        kt, stage, full);
                            });
        },
        [&] { buildConsumer(ir, spec, ring, tid, r0, c0, kTiles, buffers); });
    return success();
  };
  return addCudaKernel(kernels, info, argBytes, loc, build, error);
}
