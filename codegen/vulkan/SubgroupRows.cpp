//===- SubgroupRows.cpp - Softmax and layer norm rows with subgroup reductions -===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/vulkan/SubgroupRows.h"
#include "codegen/vulkan/TemplateFunc.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVAttributes.h"

#include <limits>

using namespace mlir;
using namespace mlir::infer;

namespace {
constexpr int64_t kRowThreads = 64;
} // namespace

bool mlir::infer::subgroupRowsApply(const RowNormSpec &spec) {
  return spec.elem && (spec.elem.isF32() || spec.elem.isF16()) && spec.length >= 1 &&
         spec.rows >= 1 && spec.rows * spec.length < (int64_t(1) << 31);
}

FailureOr<KernelInfo> mlir::infer::addSubgroupRowKernel(KernelModule &kernels,
                                                        const RowNormSpec &spec, Location loc,
                                                        std::string &error) {
  if (!subgroupRowsApply(spec)) {
    error = "internal: the subgroup row kernel does not apply";
    return failure();
  }
  MLIRContext *ctx = kernels.getContext();
  const int64_t rows = spec.rows, len = spec.length;
  bool layerNorm = spec.kind == RowNormSpec::Kind::LayerNorm;
  Type elem = spec.elem, f32 = Float32Type::get(ctx);
  unsigned eb = elem.getIntOrFloatBitWidth() / 8;
  SmallVector<Type> args = {MemRefType::get({rows * len}, elem)};
  std::vector<uint64_t> argBytes = {uint64_t(rows * len * eb)};
  int params = layerNorm ? (spec.hasBias ? 2 : 1) : 0;
  for (int i = 0; i < params; ++i) {
    args.push_back(MemRefType::get({len}, elem));
    argBytes.push_back(uint64_t(len * eb));
  }
  args.push_back(MemRefType::get({rows * len}, elem));
  argBytes.push_back(uint64_t(rows * len * eb));

  KernelInfo info;
  info.kind = layerNorm ? "layer_norm_rows" : "softmax_rows";
  info.symbol = kernels.nextSymbol();
  info.grid = rows;
  info.blockThreads = kRowThreads;
  OpBuilder b(ctx);
  // A workgroup per row.
  TemplateFunc tf = beginTemplateFunc(b, kernels, info, args, kRowThreads, rows, loc);
  ValueRange argv = tf.args;
  Value row = tf.group;
  auto c = [&](int64_t v) -> Value { return arith::ConstantIndexOp::create(b, loc, v); };
  auto fc = [&](float v) -> Value {
    return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v));
  };
  Value base = arith::MulIOp::create(b, loc, row, c(len));
  Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  auto workgroup = spirv::StorageClassAttr::get(ctx, spirv::StorageClass::Workgroup);
  Value partials = memref::AllocOp::create(
      b, loc, MemRefType::get({kRowThreads}, f32, MemRefLayoutAttrInterface(), workgroup));

  auto load = [&](Value buffer, Value at) -> Value {
    Value v = memref::LoadOp::create(b, loc, buffer, at);
    return elem.isF32() ? v : arith::ExtFOp::create(b, loc, f32, v).getResult();
  };
  // `body(x, i, acc)` over this invocation's columns i (x the input there),
  // folded from `init`.
  auto overRow = [&](Value init, function_ref<Value(Value, Value, Value)> body) {
    auto loop = scf::ForOp::create(b, loc, tid, c(len), c(kRowThreads), ValueRange{init});
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(loop.getBody());
    Value i = loop.getInductionVar();
    Value x = load(argv[0], arith::AddIOp::create(b, loc, base, i));
    scf::YieldOp::create(b, loc, ValueRange{body(x, i, loop.getRegionIterArgs()[0])});
    return loop.getResult(0);
  };
  // The whole workgroup's max or sum of `v`: each subgroup reduces, its
  // first invocation writes the result, every invocation combines them.
  auto reduce = [&](Value v, bool max) {
    Value r = gpu::SubgroupReduceOp::create(
        b, loc, v, max ? gpu::AllReduceOperation::MAXNUMF : gpu::AllReduceOperation::ADD,
        /*uniform=*/false);
    Value sg = gpu::SubgroupIdOp::create(b, loc, IntegerAttr());
    Value lane = gpu::LaneIdOp::create(b, loc, IntegerAttr());
    auto first = scf::IfOp::create(
        b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane, c(0)), false);
    {
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(first.thenBlock());
      memref::StoreOp::create(b, loc, r, partials, sg);
    }
    gpu::BarrierOp::create(b, loc);
    Value count = gpu::NumSubgroupsOp::create(b, loc, IntegerAttr());
    Value init = max ? fc(-std::numeric_limits<float>::infinity()) : fc(0.0f);
    auto loop = scf::ForOp::create(b, loc, c(0), count, c(1), ValueRange{init});
    {
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(loop.getBody());
      Value p = memref::LoadOp::create(b, loc, partials, loop.getInductionVar());
      Value acc = loop.getRegionIterArgs()[0];
      Value next = max ? Value(arith::MaxNumFOp::create(b, loc, acc, p))
                       : Value(arith::AddFOp::create(b, loc, acc, p));
      scf::YieldOp::create(b, loc, ValueRange{next});
    }
    // The partials are read before the next reduction writes them.
    gpu::BarrierOp::create(b, loc);
    return loop.getResult(0);
  };
  auto write = [&](function_ref<Value(Value, Value)> f) {
    auto loop = scf::ForOp::create(b, loc, tid, c(len), c(kRowThreads));
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(loop.getBody());
    Value i = loop.getInductionVar();
    Value at = arith::AddIOp::create(b, loc, base, i);
    Value y = f(load(argv[0], at), i);
    if (!elem.isF32())
      y = arith::TruncFOp::create(b, loc, elem, y);
    memref::StoreOp::create(b, loc, y, argv.back(), at);
  };

  if (!layerNorm) {
    Value m = reduce(overRow(fc(-std::numeric_limits<float>::infinity()),
                             [&](Value x, Value, Value acc) -> Value {
                               return arith::MaxNumFOp::create(b, loc, acc, x);
                             }),
                     /*max=*/true);
    Value s = reduce(overRow(fc(0.0f),
                             [&](Value x, Value, Value acc) -> Value {
                               Value e = math::ExpOp::create(
                                   b, loc, arith::SubFOp::create(b, loc, x, m));
                               return arith::AddFOp::create(b, loc, acc, e);
                             }),
                     /*max=*/false);
    Value inv = arith::DivFOp::create(b, loc, fc(1.0f), s);
    write([&](Value x, Value) -> Value {
      Value e = math::ExpOp::create(b, loc, arith::SubFOp::create(b, loc, x, m));
      return arith::MulFOp::create(b, loc, e, inv);
    });
  } else {
    Value n = fc(static_cast<float>(len));
    Value sum = reduce(overRow(fc(0.0f),
                               [&](Value x, Value, Value acc) -> Value {
                                 return arith::AddFOp::create(b, loc, acc, x);
                               }),
                       /*max=*/false);
    Value mean = arith::DivFOp::create(b, loc, sum, n);
    Value sq = reduce(overRow(fc(0.0f),
                              [&](Value x, Value, Value acc) -> Value {
                                Value d = arith::SubFOp::create(b, loc, x, mean);
                                return arith::AddFOp::create(
                                    b, loc, acc, arith::MulFOp::create(b, loc, d, d));
                              }),
                      /*max=*/false);
    Value var = arith::DivFOp::create(b, loc, sq, n);
    Value rstd = math::RsqrtOp::create(b, loc, arith::AddFOp::create(b, loc, var, fc(spec.epsilon)));
    write([&](Value x, Value i) -> Value {
      Value y = arith::MulFOp::create(b, loc, arith::SubFOp::create(b, loc, x, mean), rstd);
      y = arith::MulFOp::create(b, loc, y, load(argv[1], i));
      if (spec.hasBias)
        y = arith::AddFOp::create(b, loc, y, load(argv[2], i));
      return y;
    });
  }
  kernels.recordSignature(info, argBytes);
  return info;
}
