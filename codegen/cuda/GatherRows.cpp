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
constexpr int64_t kThreads = 256;
constexpr int64_t kVectorBytes = 16;
} // namespace

bool mlir::infer::gatherRowsApplies(const GatherRowsSpec &spec) {
  int64_t rowBytes = spec.inner * spec.elemBytes;
  int64_t chunks = spec.outer * spec.count * (rowBytes / kVectorBytes);
  return spec.outer > 0 && spec.rows > 0 && spec.count > 0 && spec.inner > 0 &&
         rowBytes % kVectorBytes == 0 &&
         (spec.indexBits == 32 || spec.indexBits == 64) &&
         chunks < (int64_t(1) << 40) && chunks / kThreads < (int64_t(1) << 31);
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
  info.grid = (total + kThreads - 1) / kThreads;
  info.blockThreads = kThreads;
  std::vector<uint64_t> argBytes = {
      uint64_t(spec.outer * spec.rows * spec.inner * spec.elemBytes),
      uint64_t(spec.count * spec.indexBits / 8),
      uint64_t(spec.outer * spec.count * spec.inner * spec.elemBytes)};

  auto build = [&](OpBuilder &b, Location loc, ValueRange args) -> LogicalResult {
    MLIRContext *ctx = b.getContext();
    Type i8 = b.getI8Type(), i32 = b.getI32Type(), i64 = b.getI64Type();
    Type idxType = b.getIntegerType(spec.indexBits);
    auto ptr = LLVM::LLVMPointerType::get(ctx);
    auto vec = VectorType::get({4}, i32);
    auto c64 = [&](int64_t v) -> Value {
      return LLVM::ConstantOp::create(b, loc, i64, b.getI64IntegerAttr(v));
    };
    Value t = Ir(b, loc).globalThread(kThreads);
    Value inRange = LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::ult, t, c64(total));
    auto guard = scf::IfOp::create(b, loc, inRange, false);
    b.setInsertionPointToStart(guard.thenBlock());
    // t = ((o * count) + l) * perRow + v
    Value v = LLVM::URemOp::create(b, loc, t, c64(perRow));
    Value row = LLVM::UDivOp::create(b, loc, t, c64(perRow));
    Value l = LLVM::URemOp::create(b, loc, row, c64(spec.count));
    Value o = LLVM::UDivOp::create(b, loc, row, c64(spec.count));
    Value idxPtr = LLVM::GEPOp::create(b, loc, ptr, idxType, args[1], ValueRange{l});
    Value idx = LLVM::LoadOp::create(b, loc, idxType, idxPtr);
    if (spec.indexBits != 64)
      idx = LLVM::SExtOp::create(b, loc, i64, idx);
    // Negative indices count from the end; out-of-range ones are clamped.
    Value zero = c64(0), rows = c64(spec.rows);
    Value neg = LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::slt, idx, zero);
    idx = LLVM::SelectOp::create(b, loc, neg, LLVM::AddOp::create(b, loc, idx, rows), idx);
    idx = LLVM::SelectOp::create(
        b, loc, LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::slt, idx, zero), zero,
        idx);
    idx = LLVM::SelectOp::create(
        b, loc, LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::sge, idx, rows),
        c64(spec.rows - 1), idx);
    Value srcChunk = LLVM::AddOp::create(
        b, loc,
        LLVM::MulOp::create(
            b, loc,
            LLVM::AddOp::create(b, loc, LLVM::MulOp::create(b, loc, o, rows), idx),
            c64(perRow)),
        v);
    Value src = LLVM::GEPOp::create(b, loc, ptr, i8, args[0],
                                    ValueRange{LLVM::MulOp::create(
                                        b, loc, srcChunk, c64(kVectorBytes))});
    Value dst = LLVM::GEPOp::create(
        b, loc, ptr, i8, args[2],
        ValueRange{LLVM::MulOp::create(b, loc, t, c64(kVectorBytes))});
    Value data = LLVM::LoadOp::create(b, loc, vec, src, /*alignment=*/16);
    LLVM::StoreOp::create(b, loc, data, dst, /*alignment=*/16);
    b.setInsertionPointAfter(guard);
    return success();
  };
  return kernels.addCudaKernel(info, argBytes, loc, build, error);
}
