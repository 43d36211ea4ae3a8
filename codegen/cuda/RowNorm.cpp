//===- RowNorm.cpp - Softmax and layer norm rows on CUDA warps ------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/cuda/RowNorm.h"
#include "codegen/cuda/GemmCommon.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::infer;

bool mlir::infer::rowNormApplies(const RowNormSpec &spec) {
  return spec.elem && (spec.elem.isF32() || spec.elem.isF16() || spec.elem.isBF16()) &&
         spec.length >= 32 && spec.length % 32 == 0 && spec.length <= 1024 &&
         spec.rows >= 1 && spec.rows < (int64_t(1) << 31) &&
         spec.rows * spec.length < (int64_t(1) << 40);
}

FailureOr<KernelInfo> mlir::infer::addRowNormKernel(KernelModule &kernels,
                                                    const RowNormSpec &spec,
                                                    Location loc,
                                                    std::string &error) {
  if (!rowNormApplies(spec)) {
    error = "internal: the row kernel does not apply";
    return failure();
  }
  bool norm = spec.kind == RowNormSpec::Kind::LayerNorm;
  unsigned eb = bytesOf(spec.elem);
  KernelInfo info;
  info.kind = norm ? "layer_norm_rows" : "softmax_rows";
  int64_t warps = spec.threads / 32;
  info.grid = (spec.rows + warps - 1) / warps;
  info.blockThreads = warps * 32;
  uint64_t bytes = uint64_t(spec.rows * spec.length) * eb;
  std::vector<uint64_t> argBytes = {bytes};
  if (norm) {
    argBytes.push_back(uint64_t(spec.length) * eb);
    if (spec.hasBias)
      argBytes.push_back(uint64_t(spec.length) * eb);
  }
  argBytes.push_back(bytes);

  auto build = [&](OpBuilder &b, Location loc, ValueRange args) -> LogicalResult {
    Ir ir(b, loc);
    Type f32 = ir.f32;
    int64_t perLane = spec.length / 32;
    Value tid = NVVM::ThreadIdXOp::create(b, loc, ir.i32);
    Value bid = NVVM::BlockIdXOp::create(b, loc, ir.i32);
    Value lane = ir.urem(tid, ir.c32(32));
    Value row = ir.add(ir.mul(bid, ir.c32((spec.threads / 32))), ir.udiv(tid, ir.c32(32)));
    auto guard = scf::IfOp::create(
        b, loc, ir.cmp(LLVM::ICmpPredicate::ult, row, ir.c32(spec.rows)), false);
    b.setInsertionPointToStart(guard.thenBlock());
    Value rowBase = ir.mul(ir.zext64(row), ir.c64(spec.length));
    auto at = [&](Value base, Value index) {
      return ir.offset(base, ir.mul(index, ir.c64(eb)));
    };
    auto load = [&](Value base, Value index) -> Value {
      Value v = LLVM::LoadOp::create(b, loc, spec.elem, at(base, index));
      return spec.elem.isF32() ? v : LLVM::FPExtOp::create(b, loc, f32, v);
    };
    auto store = [&](Value base, Value index, Value v) {
      if (!spec.elem.isF32())
        v = LLVM::FPTruncOp::create(b, loc, spec.elem, v);
      LLVM::StoreOp::create(b, loc, v, at(base, index));
    };
    auto column = [&](int64_t i) {
      return ir.add(ir.zext64(lane), ir.c64(i * 32));
    };
    auto cf = [&](float x) -> Value {
      return arith::ConstantOp::create(b, loc, f32, b.getF32FloatAttr(x));
    };
    SmallVector<Value> v;
    for (int64_t i = 0; i < perLane; ++i)
      v.push_back(load(args[0], ir.add(rowBase, column(i))));
    Value out = args.back();
    if (!norm) {
      Value m = v[0];
      for (int64_t i = 1; i < perLane; ++i)
        m = arith::MaximumFOp::create(b, loc, m, v[i]);
      m = ir.warpAllReduce(m, true);
      Value s = cf(0.0f);
      for (int64_t i = 0; i < perLane; ++i) {
        v[i] = math::ExpOp::create(b, loc, arith::SubFOp::create(b, loc, v[i], m));
        s = arith::AddFOp::create(b, loc, s, v[i]);
      }
      Value inv = arith::DivFOp::create(b, loc, cf(1.0f), ir.warpAllReduce(s, false));
      for (int64_t i = 0; i < perLane; ++i)
        store(out, ir.add(rowBase, column(i)), arith::MulFOp::create(b, loc, v[i], inv));
    } else {
      Value n = cf(static_cast<float>(spec.length));
      Value s = cf(0.0f);
      for (int64_t i = 0; i < perLane; ++i)
        s = arith::AddFOp::create(b, loc, s, v[i]);
      Value mean = arith::DivFOp::create(b, loc, ir.warpAllReduce(s, false), n);
      Value q = cf(0.0f);
      for (int64_t i = 0; i < perLane; ++i) {
        v[i] = arith::SubFOp::create(b, loc, v[i], mean);
        q = arith::AddFOp::create(b, loc, q, arith::MulFOp::create(b, loc, v[i], v[i]));
      }
      Value var = arith::DivFOp::create(b, loc, ir.warpAllReduce(q, false), n);
      Value inv = math::RsqrtOp::create(
          b, loc, arith::AddFOp::create(b, loc, var, cf(spec.epsilon)));
      for (int64_t i = 0; i < perLane; ++i) {
        Value c = column(i);
        Value y = arith::MulFOp::create(
            b, loc, arith::MulFOp::create(b, loc, v[i], inv), load(args[1], c));
        if (spec.hasBias)
          y = arith::AddFOp::create(b, loc, y, load(args[2], c));
        store(out, ir.add(rowBase, c), y);
      }
    }
    b.setInsertionPointAfter(guard);
    return success();
  };
  return addCudaKernel(kernels, info, argBytes, loc, build, error);
}
