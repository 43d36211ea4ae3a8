//===- WorkgroupGemm.cpp - GEMMs on workgroup-scope cooperative matrices --===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/vulkan/WorkgroupGemm.h"

#include "codegen/vulkan/CoopEpilogue.h"
#include "codegen/vulkan/TemplateFunc.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVOps.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::infer;

namespace {
/// Invocations per workgroup (VK_NV_cooperative_matrix2's granules of 32 x
/// 32 x 16 are for workgroups of 256).
constexpr int64_t kWorkgroupThreads = 256;
} // namespace

bool mlir::infer::selectWorkgroupGemmTile(GemmSpec &spec, int64_t workgroups) {
  // 128 x {256, 128} x {64, 32} tiles (H200, 8192^3: 128 x 256 x 64 3.63
  // ms, 128 x 128 x 32 10.5 ms: the driver's staging costs a barrier per
  // product, so the larger the better; K = 128 and 256-row tiles were
  // slower or did not finish), for products that fill the GPU once.
  if (spec.im2col || spec.m % 128)
    return false;
  int64_t bn = spec.n % 256 == 0 ? 256 : spec.n % 128 == 0 ? 128 : 0;
  int64_t bk = spec.k % 64 == 0 ? 64 : spec.k % 32 == 0 ? 32 : 0;
  if (!bn || !bk || (spec.m / 128) * (spec.n / bn) * 2 < workgroups)
    return false;
  spec.bm = 128;
  spec.bn = bn;
  spec.rowBytes = 2 * bk;
  spec.stages = 1;
  spec.splitK = 1;
  return true;
}

/// The GEMM on workgroup-scope cooperative matrices
/// (VK_NV_cooperative_matrix2): each workgroup of 256 invocations
/// multiplies its bm x bk and bk x bn tiles as whole matrices loaded from
/// the buffers (the driver stages them through workgroup memory) into a bm
/// x bn accumulator, converts it to C's type and stores it; with an
/// epilogue, each invocation then reads back runs of 4 columns of the
/// tile, applies it and stores them again. M, N and K are whole tiles
/// (selectCoopGemmTile).
FailureOr<KernelInfo> mlir::infer::addWorkgroupGemmKernel(KernelModule &kernels,
                                                          const GemmSpec &spec, Location loc,
                                                          std::string &error) {
  MLIRContext *ctx = kernels.getContext();
  const int64_t bm = spec.bm, bn = spec.bn, bk = spec.rowBytes / 2;
  const int64_t m = spec.m, n = spec.n, k = spec.k;
  if (m % bm || n % bn || k % bk || spec.im2col || spec.splitK != 1) {
    error = "internal: a product the workgroup-scope GEMM does not tile";
    return failure();
  }
  const int64_t tilesM = m / bm, tiles = tilesM * (n / bn);
  Type f16 = Float16Type::get(ctx);
  // C in 4-vectors (N is a multiple of 128): the epilogue's runs, and the
  // store's stride counts them.
  Type c4 = VectorType::get({4}, spec.out);
  SmallVector<Type> args = {MemRefType::get({m * k}, f16), MemRefType::get({n * k}, f16)};
  std::vector<uint64_t> argBytes = {uint64_t(m * k * 2), uint64_t(n * k * 2)};
  if (failed(appendEpilogueArgs(spec, args, argBytes, error, /*vecResidual=*/true)))
    return failure();
  args.push_back(MemRefType::get({m * n / 4}, c4));
  argBytes.push_back(uint64_t(m * n) * spec.out.getIntOrFloatBitWidth() / 8);

  KernelInfo info;
  info.kind = "gemm_coopmat_wg";
  info.symbol = kernels.nextSymbol();
  info.grid = tiles;
  info.blockThreads = kWorkgroupThreads;
  OpBuilder b(ctx);
  TemplateFunc tf = beginTemplateFunc(b, kernels, info, args, kWorkgroupThreads, tiles, loc);
  CoopIR ir(b, loc);
  ValueRange argv = tf.args;
  Value m0 = ir.mul(ir.rem(tf.group, tilesM), bm), n0 = ir.mul(ir.div(tf.group, tilesM), bn);
  auto accType = gpu::MMAMatrixType::get({bm, bn}, ir.f32, "COp");
  auto aType = gpu::MMAMatrixType::get({bm, bk}, f16, "AOp");
  auto bType = gpu::MMAMatrixType::get({bk, bn}, f16, "BOp");
  Value zero = gpu::SubgroupMmaConstantMatrixOp::create(b, loc, accType, ir.fc(0.0f));
  auto loop = scf::ForOp::create(b, loc, ir.c(0), ir.c(k), ir.c(bk), ValueRange{zero});
  {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(loop.getBody());
    Value k0 = loop.getInductionVar();
    Value a = gpu::SubgroupMmaLoadMatrixOp::create(
        b, loc, aType, argv[0], ValueRange{ir.add(ir.mul(m0, k), k0)}, b.getIndexAttr(k),
        UnitAttr());
    // K-major B ([n][k]) is B column-major.
    Value bt = spec.bKMajor
                   ? gpu::SubgroupMmaLoadMatrixOp::create(
                         b, loc, bType, argv[1], ValueRange{ir.add(ir.mul(n0, k), k0)},
                         b.getIndexAttr(k), b.getUnitAttr())
                   : gpu::SubgroupMmaLoadMatrixOp::create(
                         b, loc, bType, argv[1], ValueRange{ir.add(ir.mul(k0, n), n0)},
                         b.getIndexAttr(n), UnitAttr());
    Value acc = gpu::SubgroupMmaComputeOp::create(
        b, loc, accType, a, bt, loop.getRegionIterArgs()[0], UnitAttr(), UnitAttr());
    scf::YieldOp::create(b, loc, acc);
  }
  Value result = loop.getResult(0);
  if (!spec.out.isF32())
    // The GPU dialect has no truncf kind; its extf lowers to OpFConvert,
    // which converts to either width.
    result = gpu::SubgroupMmaElementwiseOp::create(
        b, loc, gpu::MMAMatrixType::get({bm, bn}, spec.out, "COp"), ValueRange{result},
        gpu::MMAElementwiseOp::EXTF);
  Value tileAt = ir.add(ir.mul(m0, n), n0);
  gpu::SubgroupMmaStoreMatrixOp::create(b, loc, result, argv.back(),
                                        ValueRange{ir.div(tileAt, 4)}, b.getIndexAttr(n / 4),
                                        UnitAttr());
  if (spec.epilogue.empty()) {
    kernels.recordSignature(info, argBytes);
    return info;
  }
  // The tile, written by the whole workgroup, visible to each invocation:
  // a barrier over buffer memory (the GPU dialect's covers workgroup
  // memory only).
  spirv::ControlBarrierOp::create(
      b, loc, spirv::Scope::Workgroup, spirv::Scope::Workgroup,
      spirv::MemorySemantics::AcquireRelease | spirv::MemorySemantics::UniformMemory);
  Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  const int64_t runsPerRow = bn / 4;
  for (int64_t t = 0; t < bm * runsPerRow / kWorkgroupThreads; ++t) {
    Value run = ir.add(tid, t * kWorkgroupThreads);
    Value row = ir.add(m0, ir.div(run, runsPerRow));
    Value col = ir.add(n0, ir.mul(ir.rem(run, runsPerRow), 4));
    Value at = ir.add(ir.mul(row, n), col);
    Value stored = memref::LoadOp::create(b, loc, argv.back(), ValueRange{ir.div(at, 4)});
    SmallVector<Value, 4> v;
    for (int64_t e = 0; e < 4; ++e)
      v.push_back(ir.toF32(vector::ExtractOp::create(b, loc, stored, e)));
    storeRun4(ir, spec, argv, v, row, col, at, /*vecC=*/true);
  }
  kernels.recordSignature(info, argBytes);
  return info;
}
