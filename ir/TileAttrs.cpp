//===- TileAttrs.cpp - Verifiers of the tile configurations ---------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// A tile configuration is user input (a tuner's, a hand edit in infer-opt):
// every value a template would trust is checked here, and `infer.tile`
// must hold a configuration of the family its op's templates take.
//
//===----------------------------------------------------------------------===//

#include "ir/InferOps.h"

using namespace mlir;
using namespace mlir::infer;

LogicalResult
CpuTileAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                    CpuKernel kernel, int64_t mr, int64_t nv, int64_t vl) {
  if (vl != 4 && vl != 8 && vl != 16)
    return emitError() << "expects a vector length of 4, 8 or 16 floats, got "
                       << vl;
  if (mr < 1 || mr > 32)
    return emitError() << "expects 1 to 32 rows per tile, got " << mr;
  if (nv < 1 || nv > 4)
    return emitError() << "expects 1 to 4 vectors per row, got " << nv;
  return success();
}

LogicalResult
CudaGemmTileAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                         CudaGemmKernel kernel, int64_t bm, int64_t bn,
                         int64_t bk, int64_t stages, int64_t splitK) {
  if (splitK < 1 || splitK > 1024 ||
      (splitK > 1 && kernel != CudaGemmKernel::wgmma))
    return emitError() << "expects split_k from 1 to 1024 (above 1 for wgmma "
                          "only), got "
                       << splitK;
  if (kernel == CudaGemmKernel::wgmma &&
      !((bm == 128 || (bm == 64 && bn <= 128)) && bn >= 16 && bn <= 256 &&
        bn % 16 == 0 && (bk == 64 || bk == 32 || bk == 128)))
    return emitError() << "expects a wgmma tile of 128 rows by 16 to 256 "
                          "columns or 64 rows by 16 to 128, in steps of 16, "
                          "with bk 64 (16-bit), 32 (tf32) or 128 (int8), got "
                       << bm << " x " << bn << " with bk " << bk;
  if (kernel == CudaGemmKernel::wgmma_sp) {
    if (!((bm == 64 || bm == 128 || bm == 256) && (bn == 128 || bn == 256) &&
          bm * bn <= 256 * 128 && bk == 64))
      return emitError() << "expects a wgmma_sp tile of 64, 128 or 256 rows by 128 "
                            "or 256 channels (at most 256 x 128) with bk 64, got "
                         << bm << " x " << bn << " with bk " << bk;
    // A stage (128 of K): per channel 64 kept 16-bit values and 8 position
    // words, per row two 64-value boxes.
    if (stages < 2 || stages * (bn * 144 + bm * 256 + 16) > 227 * 1024)
      return emitError() << "expects 2 pipeline stages or more that fit 227 KiB "
                            "of shared memory, got "
                         << stages;
    return success();
  }
  if (kernel == CudaGemmKernel::mma_sp &&
      !(bm == 128 && bn == 128 && bk == 64 && stages == 3))
    return emitError() << "expects an mma_sp tile of 128 x 128 with bk 64 and 3 "
                          "stages, got "
                       << bm << " x " << bn << " with bk " << bk << " and " << stages
                       << " stages";
  if (kernel == CudaGemmKernel::mma_sync &&
      !(bm == 128 && bn == 128 && (bk == 32 || bk == 64) && stages == 3))
    return emitError() << "expects an mma_sync tile of 128 x 128 with bk 32 "
                          "(16-bit) or 64 (int8) and 3 stages, got "
                       << bm << " x " << bn << " with bk " << bk << " and "
                       << stages << " stages";
  // The ring of A and B tiles and its barriers must fit the 227 KiB of
  // shared memory a block may take (wgmma rows are 128 bytes; mma_sync's
  // hold bk 16-bit values).
  constexpr int64_t kSharedBytes = 227 * 1024;
  int64_t rowBytes = kernel == CudaGemmKernel::wgmma ? 128 : bk * 2;
  if (stages < 2 || stages * ((bm + bn) * rowBytes + 16) > kSharedBytes)
    return emitError() << "expects 2 pipeline stages or more that fit 227 KiB "
                          "of shared memory, got "
                       << stages;
  return success();
}

LogicalResult
CudaTileAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                     CudaKernel kernel, int64_t threads) {
  if (threads < 32 || threads > 1024 || threads % 32 != 0)
    return emitError() << "expects a block of 32 to 1024 threads in whole "
                          "warps, got "
                       << threads;
  if (kernel == CudaKernel::row_reduce && !llvm::isPowerOf2_64(threads))
    return emitError() << "expects a power-of-two block for row_reduce (its "
                          "shared-memory tree), got "
                       << threads;
  return success();
}

bool InferDialect::allowsTf32(Operation *op) {
  auto module = op->getParentOfType<ModuleOp>();
  return module && module->hasAttr(getTf32AttrName());
}

LogicalResult InferDialect::verifyOperationAttribute(Operation *op,
                                                     NamedAttribute attr) {
  if (attr.getName() == getTf32AttrName()) {
    if (!llvm::isa<ModuleOp>(op) || !llvm::isa<UnitAttr>(attr.getValue()))
      return op->emitError() << "'" << getTf32AttrName()
                             << "' must be a unit attribute of a module";
    return success();
  }
  if (attr.getName() == getTensorNameAttrName()) {
    if (!llvm::isa<StringAttr>(attr.getValue()) || op->getNumResults() != 1)
      return op->emitError() << "'" << getTensorNameAttrName()
                             << "' must be a string on an op of one result";
    return success();
  }
  if (attr.getName() != getTileAttrName())
    return verifyPlanAttribute(op, attr);
  Attribute tile = attr.getValue();
  if (auto cpu = llvm::dyn_cast<CpuTileAttr>(tile)) {
    bool contraction = cpu.getKernel() != CpuKernel::attention &&
                       cpu.getKernel() != CpuKernel::pool;
    bool fits = contraction ? llvm::isa<ConvOp, GemmOp, MatMulOp>(op)
                : cpu.getKernel() == CpuKernel::attention
                    ? llvm::isa<AttentionOp>(op)
                    : llvm::isa<PoolOp>(op);
    if (!fits)
      return op->emitOpError() << "cannot take the tile " << tile;
    return success();
  }
  if (llvm::isa<CudaGemmTileAttr>(tile)) {
    if (!llvm::isa<GemmOp, MatMulOp>(op))
      return op->emitOpError() << "cannot take the tile " << tile;
    return success();
  }
  if (auto cuda = llvm::dyn_cast<CudaTileAttr>(tile)) {
    bool fits = false;
    switch (cuda.getKernel()) {
    case CudaKernel::gather_rows: fits = llvm::isa<GatherOp, Im2ColOp>(op); break;
    case CudaKernel::pad_rows: fits = llvm::isa<PadOp>(op); break;
    case CudaKernel::transpose_channels: fits = llvm::isa<TransposeOp>(op); break;
    case CudaKernel::row_norm:
      fits = llvm::isa<SoftmaxOp, LayerNormOp>(op);
      break;
    case CudaKernel::row_reduce: fits = llvm::isa<GlobalPoolOp, ReduceOp>(op); break;
    case CudaKernel::depthwise: fits = llvm::isa<ConvOp>(op); break;
    case CudaKernel::max_pool: fits = llvm::isa<PoolOp>(op); break;
    case CudaKernel::concat_rows: fits = llvm::isa<ConcatOp>(op); break;
    case CudaKernel::elementwise_rows: fits = llvm::isa<UnaryOp, BinaryOp>(op); break;
    case CudaKernel::view_copy:
      fits = llvm::isa<TransposeOp, ReshapeOp, SliceOp>(op);
      break;
    }
    if (!fits)
      return op->emitOpError() << "cannot take the tile " << tile;
    return success();
  }
  return op->emitOpError()
         << "expects 'infer.tile' to be a tile configuration (#infer.cpu_tile, "
            "#infer.cuda_gemm_tile, #infer.cuda_tile), got "
         << tile;
}
