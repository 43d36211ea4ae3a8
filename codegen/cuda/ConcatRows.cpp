//===- ConcatRows.cpp - Vectorized concatenation for CUDA -----------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// A concatenation that cannot be written in place (channels of NHWC
// tensors at batch > 1: DenseNet's every layer) copies each operand once
// more. The generic kernel does it one element per thread behind a
// per-element choice of the source; here a thread moves 16 bytes, so a
// DenseNet layer's 32-channel fp16 operands take 4 threads per pixel.
//
//===----------------------------------------------------------------------===//

#include "codegen/cuda/ConcatRows.h"

#include "codegen/cuda/GemmCommon.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

using namespace mlir;
using namespace mlir::infer;

namespace {
constexpr int64_t kVectorBytes = 16;
} // namespace

bool mlir::infer::concatRowsApplies(const ConcatRowsSpec &spec) {
  if (spec.outer < 1 || spec.spanBytes.empty() || spec.spanBytes.size() > 1024 ||
      spec.threads < 32 || spec.threads > 1024 || spec.threads % 32 != 0)
    return false;
  int64_t row = 0;
  for (int64_t s : spec.spanBytes) {
    if (s < 0 || s % kVectorBytes != 0 || s >= (int64_t(1) << 40))
      return false;
    row += s;
  }
  int64_t chunks = row / kVectorBytes;
  if (chunks <= 0 || spec.outer >= (int64_t(1) << 40) / chunks)
    return false;
  if (!spec.map)
    return true;
  const GemmSpec &m = *spec.map;
  Type et = m.out;
  return et && et == m.elem && (et.isF16() || et.isBF16() || et.isF32()) &&
         m.m == spec.outer && m.n * bytesOf(et) == row && m.m < (int64_t(1) << 31) &&
         m.n < (int64_t(1) << 31) - 8 && m.numArgs >= spec.spanBytes.size() + 1;
}

FailureOr<KernelInfo> mlir::infer::addConcatRowsKernel(KernelModule &kernels,
                                                       const ConcatRowsSpec &spec,
                                                       Location loc,
                                                       std::string &error) {
  if (!concatRowsApplies(spec)) {
    error = "internal: the vectorized concatenation does not apply";
    return failure();
  }
  int64_t operands = spec.spanBytes.size();
  std::vector<int64_t> first(operands + 1, 0); // chunk boundaries of a row
  for (int64_t k = 0; k < operands; ++k)
    first[k + 1] = first[k] + spec.spanBytes[k] / kVectorBytes;
  int64_t perRow = first.back(), total = spec.outer * perRow;
  KernelInfo info;
  info.kind = "concat_rows";
  info.grid = ceilDiv(total, spec.threads);
  info.blockThreads = static_cast<uint32_t>(spec.threads);
  std::vector<uint64_t> argBytes;
  for (int64_t s : spec.spanBytes)
    argBytes.push_back(uint64_t(spec.outer) * s);
  if (spec.map) {
    info.kind = operands > 1 ? "concat_map_rows" : "map_rows";
    argBytes.resize(spec.map->numArgs, 0);
    epilogueArgBytes(*spec.map, argBytes);
  } else {
    argBytes.push_back(uint64_t(total) * kVectorBytes);
  }

  auto build = [&](OpBuilder &b, Location loc, ValueRange args) -> LogicalResult {
    Ir ir(b, loc);
    auto vec = VectorType::get({4}, ir.i32);
    ir.forThreadsBelow(total, spec.threads, [&](Value t) {
      Value j = ir.urem(t, ir.c64(perRow));
      Value o = ir.udiv(t, ir.c64(perRow));
      // The source chunk of every operand, then the one whose span holds
      // column j; empty operands never match.
      Value src;
      for (int64_t k = operands - 1; k >= 0; --k) {
        int64_t chunks = first[k + 1] - first[k];
        if (chunks == 0)
          continue;
        Value at = ir.add(ir.mul(o, ir.c64(chunks)),
                          LLVM::SubOp::create(b, loc, j, ir.c64(first[k])));
        Value p = ir.offset(args[k], ir.mul(at, ir.c64(kVectorBytes)));
        src = !src ? p
                   : ir.select(ir.cmp(LLVM::ICmpPredicate::ult, j, ir.c64(first[k + 1])),
                               p, src);
      }
      Value data = LLVM::LoadOp::create(b, loc, vec, src, /*alignment=*/16);
      if (!spec.map) {
        LLVM::StoreOp::create(b, loc, data,
                              ir.offset(args[operands], ir.mul(t, ir.c64(kVectorBytes))),
                              /*alignment=*/16);
        return;
      }
      // The 16 bytes as floats, through the epilogue in fp32.
      Type et = spec.map->out;
      int64_t width = kVectorBytes / bytesOf(et);
      Value x = LLVM::BitcastOp::create(b, loc, VectorType::get({width}, et), data);
      if (!et.isF32())
        x = LLVM::FPExtOp::create(b, loc, VectorType::get({width}, ir.f32), x);
      Value row = LLVM::TruncOp::create(b, loc, ir.i32, o);
      Value col = LLVM::TruncOp::create(b, loc, ir.i32, ir.mul(j, ir.c64(width)));
      storeGemmVector(ir, *spec.map, args, x, row, col);
    });
    return success();
  };
  return addCudaKernel(kernels, info, argBytes, loc, build, error);
}
