//===- PadRows.cpp - Vectorized constant padding for CUDA -----------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/cuda/PadRows.h"

#include "codegen/cuda/GemmCommon.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::infer;

namespace {
constexpr int64_t kVectorBytes = 16;

int64_t chunksPerRow(const PadRowsSpec &spec) {
  return spec.shape.back() * spec.elemBytes / kVectorBytes;
}
} // namespace

bool mlir::infer::padRowsApplies(const PadRowsSpec &spec) {
  size_t rank = spec.shape.size();
  if (rank < 2 || spec.before.size() != rank || spec.after.size() != rank ||
      spec.before.back() != 0 || spec.after.back() != 0 ||
      (spec.shape.back() * spec.elemBytes) % kVectorBytes != 0 ||
      (spec.elemBytes != 1 && spec.elemBytes != 2 && spec.elemBytes != 4 &&
       spec.elemBytes != 8))
    return false;
  int64_t total = chunksPerRow(spec);
  for (size_t i = 0; i + 1 < rank; ++i) {
    if (spec.before[i] < 0 || spec.after[i] < 0 || spec.shape[i] <= 0)
      return false;
    total *= spec.shape[i] + spec.before[i] + spec.after[i];
    if (total >= (int64_t(1) << 40))
      return false;
  }
  return total / spec.threads < (int64_t(1) << 31);
}

FailureOr<KernelInfo> mlir::infer::addPadRowsKernel(KernelModule &kernels,
                                                    const PadRowsSpec &spec,
                                                    Location loc,
                                                    std::string &error) {
  if (!padRowsApplies(spec)) {
    error = "internal: the row padding does not apply";
    return failure();
  }
  size_t rank = spec.shape.size();
  int64_t perRow = chunksPerRow(spec);
  SmallVector<int64_t> outShape;
  int64_t total = perRow, inElems = 1;
  for (size_t i = 0; i < rank; ++i) {
    outShape.push_back(spec.shape[i] + spec.before[i] + spec.after[i]);
    inElems *= spec.shape[i];
  }
  for (size_t i = 0; i + 1 < rank; ++i)
    total *= outShape[i];
  KernelInfo info;
  info.kind = "pad_rows";
  info.grid = (total + spec.threads - 1) / spec.threads;
  info.blockThreads = spec.threads;
  std::vector<uint64_t> argBytes = {uint64_t(inElems * spec.elemBytes),
                                    uint64_t(total * kVectorBytes)};

  auto build = [&](OpBuilder &b, Location loc, ValueRange args) -> LogicalResult {
    Ir ir(b, loc);
    auto vec = VectorType::get({2}, ir.i64);
    ir.forThreadsBelow(total, spec.threads, [&](Value t) {
      // Output coordinates, innermost first; the source chunk and whether
      // every coordinate falls inside the input.
      Value rest = ir.udiv(t, ir.c64(perRow));
      Value src = ir.urem(t, ir.c64(perRow));
      Value inside = LLVM::ConstantOp::create(b, loc, ir.i1, b.getBoolAttr(true));
      int64_t stride = perRow; // source chunks per unit of dimension i
      for (int64_t i = rank - 2; i >= 0; --i) {
        Value coord = ir.urem(rest, ir.c64(outShape[i]));
        rest = ir.udiv(rest, ir.c64(outShape[i]));
        // in = coord - before, unsigned: < shape means inside.
        Value in = ir.add(coord, ir.c64(-spec.before[i]));
        inside = ir.band(inside, ir.cmp64(LLVM::ICmpPredicate::ult, in, spec.shape[i]));
        src = ir.add(src, ir.mul(in, ir.c64(stride)));
        stride *= spec.shape[i];
      }
      uint64_t splat = 0;
      for (unsigned k = 0; k < 8 / spec.elemBytes; ++k)
        splat |= spec.valueBits << (8 * spec.elemBytes * k);
      Value fill = LLVM::UndefOp::create(b, loc, vec);
      for (int k = 0; k < 2; ++k)
        fill = LLVM::InsertElementOp::create(
            b, loc, fill, ir.c64(static_cast<int64_t>(splat)), ir.c32(k));
      auto copy = scf::IfOp::create(b, loc, vec, inside, true);
      {
        OpBuilder::InsertionGuard g(b);
        b.setInsertionPointToStart(copy.thenBlock());
        Value from = ir.offset(args[0], ir.mul(src, ir.c64(kVectorBytes)));
        scf::YieldOp::create(b, loc,
                             ValueRange{LLVM::LoadOp::create(b, loc, vec, from, 16)});
        b.setInsertionPointToStart(copy.elseBlock());
        scf::YieldOp::create(b, loc, ValueRange{fill});
      }
      LLVM::StoreOp::create(b, loc, copy.getResult(0),
                            ir.offset(args[1], ir.mul(t, ir.c64(kVectorBytes))),
                            /*alignment=*/16);
    });
    return success();
  };
  return addCudaKernel(kernels, info, argBytes, loc, build, error);
}
