//===- GatherRows.cpp - Vectorized row gather for CUDA --------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/cuda/GatherRows.h"

#include "codegen/cuda/GemmCommon.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::infer;

namespace {
constexpr int64_t kVectorBytes = 16;
} // namespace

bool mlir::infer::gatherRowsApplies(const GatherRowsSpec &spec) {
  int64_t rowBytes = spec.inner * spec.elemBytes;
  int64_t chunks = spec.outer * spec.count * (rowBytes / kVectorBytes);
  return spec.outer > 0 && spec.rows > 0 && spec.count > 0 && spec.inner > 0 &&
         rowBytes % kVectorBytes == 0 &&
         (spec.indexBits == 32 || spec.indexBits == 64) &&
         chunks < (int64_t(1) << 40) && chunks / spec.threads < (int64_t(1) << 31);
}

FailureOr<KernelInfo> mlir::infer::addGatherRowsKernel(KernelModule &kernels,
                                                       const GatherRowsSpec &spec,
                                                       Location loc,
                                                       std::string &error) {
  if (!gatherRowsApplies(spec)) {
    error = "internal: the row gather does not apply";
    return failure();
  }
  int64_t perRow = spec.inner * spec.elemBytes / kVectorBytes;
  int64_t total = spec.outer * spec.count * perRow;
  KernelInfo info;
  info.kind = "gather_rows";
  info.grid = (total + spec.threads - 1) / spec.threads;
  info.blockThreads = spec.threads;
  std::vector<uint64_t> argBytes = {
      uint64_t(spec.outer * spec.rows * spec.inner * spec.elemBytes),
      uint64_t(spec.count * spec.indexBits / 8),
      uint64_t(spec.outer * spec.count * spec.inner * spec.elemBytes)};

  auto build = [&](OpBuilder &b, Location loc, ValueRange args) -> LogicalResult {
    Ir ir(b, loc);
    Type idxType = b.getIntegerType(spec.indexBits);
    auto vec = VectorType::get({4}, ir.i32);
    ir.forThreadsBelow(total, spec.threads, [&](Value t) {
      // t = ((o * count) + l) * perRow + v
      Value v = ir.urem(t, ir.c64(perRow));
      Value row = ir.udiv(t, ir.c64(perRow));
      Value l = ir.urem(row, ir.c64(spec.count));
      Value o = ir.udiv(row, ir.c64(spec.count));
      Value idx = LLVM::LoadOp::create(
          b, loc, idxType, ir.offset(args[1], ir.mul(l, ir.c64(spec.indexBits / 8))));
      if (spec.indexBits != 64)
        idx = LLVM::SExtOp::create(b, loc, ir.i64, idx);
      Value zero = ir.c64(0), rows = ir.c64(spec.rows);
      Value dst = ir.offset(args[2], ir.mul(t, ir.c64(kVectorBytes)));
      auto rowAt = [&](Value i) {
        Value srcChunk = ir.add(ir.mul(ir.add(ir.mul(o, rows), i), ir.c64(perRow)), v);
        return ir.offset(args[0], ir.mul(srcChunk, ir.c64(kVectorBytes)));
      };
      if (spec.fillBits) {
        // Out of range (unsigned compare): the fill, no load.
        uint64_t splat = 0;
        for (unsigned k = 0; k < 8 / spec.elemBytes; ++k)
          splat |= *spec.fillBits << (8 * spec.elemBytes * k);
        Value fill = LLVM::UndefOp::create(b, loc, vec);
        for (int k = 0; k < 4; ++k)
          fill = LLVM::InsertElementOp::create(
              b, loc, fill,
              ir.c32(static_cast<int32_t>((splat >> (32 * (k % 2))) & 0xFFFFFFFFu)),
              ir.c32(k));
        Value inside = ir.cmp(LLVM::ICmpPredicate::ult, idx, rows);
        auto read = scf::IfOp::create(b, loc, vec, inside, true);
        {
          OpBuilder::InsertionGuard g(b);
          b.setInsertionPointToStart(read.thenBlock());
          scf::YieldOp::create(
              b, loc, ValueRange{LLVM::LoadOp::create(b, loc, vec, rowAt(idx), 16)});
          b.setInsertionPointToStart(read.elseBlock());
          scf::YieldOp::create(b, loc, ValueRange{fill});
        }
        LLVM::StoreOp::create(b, loc, read.getResult(0), dst, /*alignment=*/16);
        return;
      }
      // Negative indices count from the end; out-of-range ones are clamped.
      idx = ir.select(ir.cmp(LLVM::ICmpPredicate::slt, idx, zero), ir.add(idx, rows), idx);
      idx = ir.select(ir.cmp(LLVM::ICmpPredicate::slt, idx, zero), zero, idx);
      idx = ir.select(ir.cmp(LLVM::ICmpPredicate::sge, idx, rows), ir.c64(spec.rows - 1),
                      idx);
      Value data = LLVM::LoadOp::create(b, loc, vec, rowAt(idx), /*alignment=*/16);
      LLVM::StoreOp::create(b, loc, data, dst, /*alignment=*/16);
    });
    return success();
  };
  return addCudaKernel(kernels, info, argBytes, loc, build, error);
}
