//===- RowReduce.cpp - Reductions over one range of axes on CUDA ---------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/cuda/RowReduce.h"
#include "codegen/cuda/GemmCommon.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include <limits>

using namespace mlir;
using namespace mlir::infer;

bool mlir::infer::rowReduceApplies(const RowReduceSpec &spec) {
  return spec.elem &&
         (spec.elem.isF32() || spec.elem.isF16() || spec.elem.isBF16()) &&
         spec.length >= 1 && spec.rows >= 1 && spec.inner >= 1 &&
         spec.rows < (int64_t(1) << 31) && spec.inner < (int64_t(1) << 31) &&
         spec.rows * spec.inner < (int64_t(1) << 31) &&
         spec.length < (int64_t(1) << 31) &&
         spec.rows * spec.length < (int64_t(1) << 40) / spec.inner &&
         spec.threads >= 32 && spec.threads <= 1024 &&
         llvm::isPowerOf2_64(spec.threads);
}

namespace {
const char *kindName(RowReduceSpec::Kind k) {
  switch (k) {
  case RowReduceSpec::Kind::Mean: return "mean";
  case RowReduceSpec::Kind::Max: return "max";
  case RowReduceSpec::Kind::Sum: return "sum";
  }
  return "";
}

/// The reduction of [rows][length][inner] over length, inner > 1. Block b
/// takes row b / chunks and a run of `tc` vectors of `width` channels;
/// its thread (l, c) reads vector c at lengths l, l + tl, ... (a warp
/// reads tc consecutive vectors of 16 bytes at once), then the tl partial
/// results meet in a tree in shared memory.
FailureOr<KernelInfo> addColumnReduceKernel(KernelModule &kernels,
                                            const RowReduceSpec &spec,
                                            Location loc, std::string &error) {
  bool max = spec.kind == RowReduceSpec::Kind::Max;
  unsigned eb = bytesOf(spec.elem);
  int64_t width = 16 / eb;
  while (spec.inner % width != 0)
    width /= 2;
  int64_t vectors = spec.inner / width, tc = 1;
  while (tc * 2 <= std::min<int64_t>(vectors, 32))
    tc *= 2;
  int64_t tl = spec.threads / tc, chunks = (vectors + tc - 1) / tc;
  KernelInfo info;
  info.kind = std::string("col_") + kindName(spec.kind);
  info.grid = spec.rows * chunks;
  info.blockThreads = static_cast<uint32_t>(spec.threads);
  info.sharedBytes = static_cast<uint32_t>(spec.threads * width * 4);
  std::vector<uint64_t> argBytes = {
      uint64_t(spec.rows * spec.length * spec.inner) * eb,
      uint64_t(spec.rows * spec.inner) * eb};

  auto build = [&](OpBuilder &b, Location loc, ValueRange args) -> LogicalResult {
    Ir ir(b, loc);
    Type f32 = ir.f32;
    auto module = b.getInsertionBlock()->getParentOp()->getParentOfType<ModuleOp>();
    Value smem = gemmSharedMemory(b, loc, module);
    Value tid = NVVM::ThreadIdXOp::create(b, loc, ir.i32);
    Value bid = NVVM::BlockIdXOp::create(b, loc, ir.i32);
    Value row = ir.udiv(bid, ir.c32(chunks));
    Value lc = ir.urem(tid, ir.c32(tc)), ll = ir.udiv(tid, ir.c32(tc));
    Value vec = ir.add(ir.mul(ir.urem(bid, ir.c32(chunks)), ir.c32(tc)), lc);
    Value valid = ir.cmp(LLVM::ICmpPredicate::ult, vec, ir.c32(vectors));
    auto cf = [&](float x) -> Value {
      return arith::ConstantOp::create(b, loc, f32, b.getF32FloatAttr(x));
    };
    auto combine = [&](Value a, Value x) -> Value {
      return max ? Value(arith::MaximumFOp::create(b, loc, a, x))
                 : Value(arith::AddFOp::create(b, loc, a, x));
    };
    auto vt = VectorType::get({width}, spec.elem);
    auto ft = VectorType::get({width}, f32);
    SmallVector<Value> init(width,
                            cf(max ? -std::numeric_limits<float>::infinity() : 0.0f));
    // Invalid vectors (past the channels) run no iteration.
    Value upper = ir.select(valid, ir.c32(spec.length), ir.c32(0));
    auto loop = scf::ForOp::create(b, loc, ll, upper, ir.c32(tl), init);
    {
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(loop.getBody());
      Value l = loop.getInductionVar();
      // ((row * length + l) * inner + vec * width) * eb, in 64 bits.
      Value element = ir.add(
          LLVM::MulOp::create(b, loc,
                              ir.add(ir.mul(ir.zext64(row), ir.c64(spec.length)),
                                     ir.zext64(l)),
                              ir.c64(spec.inner)),
          ir.mul(ir.zext64(vec), ir.c64(width)));
      Value p = ir.offset(args[0], ir.mul(element, ir.c64(eb)));
      Value v = LLVM::LoadOp::create(b, loc, vt, p, width * eb);
      if (!spec.elem.isF32())
        v = LLVM::FPExtOp::create(b, loc, ft, v);
      SmallVector<Value> next;
      for (int64_t i = 0; i < width; ++i)
        next.push_back(combine(loop.getRegionIterArgs()[i],
                               LLVM::ExtractElementOp::create(b, loc, v, ir.c32(i))));
      scf::YieldOp::create(b, loc, next);
    }
    auto slot = [&](Value l) {
      return ir.offset(smem, ir.mul(ir.add(ir.mul(l, ir.c32(tc)), lc),
                                    ir.c32(width * 4)));
    };
    Value packed = LLVM::UndefOp::create(b, loc, ft);
    for (int64_t i = 0; i < width; ++i)
      packed = LLVM::InsertElementOp::create(b, loc, packed, loop.getResult(i),
                                             ir.c32(i));
    LLVM::StoreOp::create(b, loc, packed, slot(ll), width * 4);
    NVVM::Barrier0Op::create(b, loc);
    for (int64_t half = tl / 2; half >= 1; half /= 2) {
      auto step = scf::IfOp::create(
          b, loc, ir.cmp(LLVM::ICmpPredicate::ult, ll, ir.c32(half)), false);
      {
        OpBuilder::InsertionGuard g(b);
        b.setInsertionPointToStart(step.thenBlock());
        Value mine = LLVM::LoadOp::create(b, loc, ft, slot(ll), width * 4);
        Value theirs = LLVM::LoadOp::create(
            b, loc, ft, slot(ir.add(ll, ir.c32(half))), width * 4);
        Value sum = max ? Value(arith::MaximumFOp::create(b, loc, mine, theirs))
                        : Value(arith::AddFOp::create(b, loc, mine, theirs));
        LLVM::StoreOp::create(b, loc, sum, slot(ll), width * 4);
      }
      NVVM::Barrier0Op::create(b, loc);
    }
    auto last = scf::IfOp::create(
        b, loc,
        ir.band(valid, ir.cmp(LLVM::ICmpPredicate::eq, ll, ir.c32(0))), false);
    b.setInsertionPointToStart(last.thenBlock());
    Value r = LLVM::LoadOp::create(b, loc, ft, slot(ll), width * 4);
    if (spec.kind == RowReduceSpec::Kind::Mean) {
      Value scale = LLVM::UndefOp::create(b, loc, ft);
      for (int64_t i = 0; i < width; ++i)
        scale = LLVM::InsertElementOp::create(
            b, loc, scale, cf(1.0f / static_cast<float>(spec.length)), ir.c32(i));
      r = arith::MulFOp::create(b, loc, r, scale);
    }
    if (!spec.elem.isF32())
      r = LLVM::FPTruncOp::create(b, loc, vt, r);
    Value out = ir.add(ir.mul(ir.zext64(row), ir.c64(spec.inner)),
                       ir.mul(ir.zext64(vec), ir.c64(width)));
    LLVM::StoreOp::create(b, loc, r, ir.offset(args[1], ir.mul(out, ir.c64(eb))),
                          width * eb);
    b.setInsertionPointAfter(last);
    return success();
  };
  return addCudaKernel(kernels, info, argBytes, loc, build, error);
}
} // namespace

FailureOr<KernelInfo> mlir::infer::addRowReduceKernel(KernelModule &kernels,
                                                      const RowReduceSpec &spec,
                                                      Location loc,
                                                      std::string &error) {
  if (!rowReduceApplies(spec)) {
    error = "internal: the row reduction kernel does not apply";
    return failure();
  }
  if (spec.inner > 1)
    return addColumnReduceKernel(kernels, spec, loc, error);
  bool mean = spec.kind == RowReduceSpec::Kind::Mean;
  bool max = spec.kind == RowReduceSpec::Kind::Max;
  unsigned eb = bytesOf(spec.elem);
  // Elements per load: the widest of 16 bytes or less that divides the row
  // (so that every row starts aligned to it).
  int64_t width = 16 / eb;
  while (spec.length % width != 0)
    width /= 2;
  int64_t chunks = spec.length / width;
  int64_t warps = spec.threads / 32;
  KernelInfo info;
  info.kind = std::string("row_") + kindName(spec.kind);
  info.grid = (spec.rows + warps - 1) / warps;
  info.blockThreads = static_cast<uint32_t>(spec.threads);
  std::vector<uint64_t> argBytes = {uint64_t(spec.rows * spec.length) * eb,
                                    uint64_t(spec.rows) * eb};

  auto build = [&](OpBuilder &b, Location loc, ValueRange args) -> LogicalResult {
    Ir ir(b, loc);
    Type f32 = ir.f32;
    Value tid = NVVM::ThreadIdXOp::create(b, loc, ir.i32);
    Value bid = NVVM::BlockIdXOp::create(b, loc, ir.i32);
    Value lane = ir.urem(tid, ir.c32(32));
    Value row = ir.add(ir.mul(bid, ir.c32(warps)), ir.udiv(tid, ir.c32(32)));
    auto guard = scf::IfOp::create(
        b, loc, ir.cmp(LLVM::ICmpPredicate::ult, row, ir.c32(spec.rows)), false);
    b.setInsertionPointToStart(guard.thenBlock());
    Value rowBase = ir.offset(
        args[0], ir.mul(ir.zext64(row), ir.c64(spec.length * eb)));
    auto cf = [&](float x) -> Value {
      return arith::ConstantOp::create(b, loc, f32, b.getF32FloatAttr(x));
    };
    auto combine = [&](OpBuilder &ob, Value a, Value x) -> Value {
      return max ? Value(arith::MaximumFOp::create(ob, loc, a, x))
                 : Value(arith::AddFOp::create(ob, loc, a, x));
    };
    Value init = cf(max ? -std::numeric_limits<float>::infinity() : 0.0f);
    // Lane l reads chunks l, l + 32, ...: a warp reads 32 consecutive ones.
    auto loop = scf::ForOp::create(b, loc, lane, ir.c32(chunks), ir.c32(32),
                                   ValueRange{init});
    {
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(loop.getBody());
      Value chunk = loop.getInductionVar();
      Value acc = loop.getRegionIterArgs()[0];
      Value p = ir.offset(rowBase, ir.mul(ir.zext64(chunk), ir.c64(width * eb)));
      auto vt = VectorType::get({width}, spec.elem);
      Value v = LLVM::LoadOp::create(b, loc, vt, p, width * eb);
      if (!spec.elem.isF32())
        v = LLVM::FPExtOp::create(b, loc, VectorType::get({width}, f32), v);
      for (int64_t i = 0; i < width; ++i)
        acc = combine(b, acc, LLVM::ExtractElementOp::create(b, loc, v, ir.c32(i)));
      scf::YieldOp::create(b, loc, acc);
    }
    Value acc = ir.warpAllReduce(loop.getResult(0), max);
    if (mean)
      acc = arith::MulFOp::create(b, loc, acc,
                                  cf(1.0f / static_cast<float>(spec.length)));
    auto first = scf::IfOp::create(
        b, loc, ir.cmp(LLVM::ICmpPredicate::eq, lane, ir.c32(0)), false);
    b.setInsertionPointToStart(first.thenBlock());
    Value y = spec.elem.isF32() ? acc : LLVM::FPTruncOp::create(b, loc, spec.elem, acc);
    LLVM::StoreOp::create(b, loc, y,
                          ir.offset(args[1], ir.mul(ir.zext64(row), ir.c64(eb))));
    b.setInsertionPointAfter(guard);
    return success();
  };
  return addCudaKernel(kernels, info, argBytes, loc, build, error);
}
