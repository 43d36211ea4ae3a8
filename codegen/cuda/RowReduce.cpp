//===- RowReduce.cpp - Global pooling rows on CUDA warps ------------------===//
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
         spec.length >= 1 && spec.rows >= 1 && spec.rows < (int64_t(1) << 31) &&
         spec.rows * spec.length < (int64_t(1) << 40) && spec.threads >= 32 &&
         spec.threads % 32 == 0;
}

FailureOr<KernelInfo> mlir::infer::addRowReduceKernel(KernelModule &kernels,
                                                      const RowReduceSpec &spec,
                                                      Location loc,
                                                      std::string &error) {
  if (!rowReduceApplies(spec)) {
    error = "internal: the row reduction kernel does not apply";
    return failure();
  }
  bool mean = spec.kind == RowReduceSpec::Kind::Mean;
  unsigned eb = bytesOf(spec.elem);
  // Elements per load: the widest of 16 bytes or less that divides the row
  // (so that every row starts aligned to it).
  int64_t width = 16 / eb;
  while (spec.length % width != 0)
    width /= 2;
  int64_t chunks = spec.length / width;
  int64_t warps = spec.threads / 32;
  KernelInfo info;
  info.kind = mean ? "row_mean" : "row_max";
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
      return mean ? Value(arith::AddFOp::create(ob, loc, a, x))
                  : Value(arith::MaximumFOp::create(ob, loc, a, x));
    };
    Value init = cf(mean ? 0.0f : -std::numeric_limits<float>::infinity());
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
    Value acc = ir.warpAllReduce(loop.getResult(0), /*max=*/!mean);
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
