//===- CudaTemplates.cpp - CUDA kernels for the anchor ops ----------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The select-config pass moves producers into the groups of the templates
// that read them (TemplateGroups.cpp), then writes a tile for the ops whose
// spec a template accepts (TemplateSpecs.cpp); the build follows the tile.
// A tile on an op its template cannot take is an error, not a crash.
//
//===----------------------------------------------------------------------===//

#include "codegen/cuda/CudaTemplates.h"
#include "codegen/cuda/TemplateGroups.h"
#include "codegen/cuda/TemplateSpecs.h"
#include "codegen/cuda/ConcatRows.h"
#include "codegen/cuda/CudaTarget.h"
#include "codegen/cuda/DepthwiseConv.h"
#include "codegen/cuda/GatherRows.h"
#include "codegen/cuda/GemmSm80.h"
#include "codegen/cuda/GemmSm90.h"
#include "codegen/cuda/PadRows.h"
#include "codegen/cuda/RowNorm.h"
#include "codegen/cuda/RowReduce.h"
#include "codegen/cuda/Sm90Pipeline.h"
#include "codegen/cuda/TransposeChannels.h"
#include "codegen/cuda/ViewCopy.h"

#include "codegen/core/ScalarOps.h"
#include "codegen/core/StridedView.h"

#include "ir/ConstantView.h"
#include "ir/InferOps.h"
#include "ir/QuantUtils.h"
#include "transforms/Passes.h"

#include "mlir/IR/IRMapping.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>

using namespace mlir;
using namespace mlir::infer;

using namespace mlir::infer::cudaspec;

namespace {
using Result = std::optional<TemplateKernel>;

/// Block size of the data-movement and row kernels.
constexpr int64_t kDefaultThreads = 256;

CudaTileAttr rowTile(MLIRContext *ctx, CudaKernel kernel) {
  return CudaTileAttr::get(ctx, kernel, kDefaultThreads);
}

std::string describe(Attribute tile, Operation *op, StringRef why) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "the tile " << tile << " does not fit " << op->getName();
  if (!why.empty())
    os << ": " << why;
  return s;
}

/// The 2:4 sparse kernel's tile: the one with the least time per SM, the
/// waves of blocks (every SM one block at a time) times a block's time per
/// k tile, the longer of its sparse wgmma work (128 x bm x bn dense
/// multiply-adds at 4096 per clock) and its stage's bytes at 64 per clock
/// (an SM's share of L2). Small tiles fill more SMs but read more bytes
/// per multiply-add; among equals the first listed. As many stages as fit,
/// four at most. Null where the kernel takes none.
CudaGemmTileAttr sparseTile(MLIRContext *ctx, const GemmSpec &sp) {
  static const int64_t kTiles[][2] = {{128, 256}, {256, 128}, {128, 128},
                                      {64, 256}, {64, 128}};
  CudaGemmTileAttr best;
  int64_t bestCost = 0;
  for (auto [bm, bn] : kTiles) {
    GemmSpec spec = sp;
    spec.bm = bm;
    spec.bn = bn;
    spec.stages =
        std::min<int64_t>(4, 227 * 1024 / (sparseGemmStageBytes(bm, bn) + 16));
    if (!gemmSm90SparseUnsupported(spec).empty())
      continue;
    int64_t perTile = std::max(128 * bm * bn / 4096, sparseGemmStageBytes(bm, bn) / 64);
    int64_t cost = ceilDiv(ceilDiv(sp.m, bm) * (sp.n / bn), kCudaSmCount) * perTile;
    if (!best || cost < bestCost) {
      best = CudaGemmTileAttr::get(ctx, CudaGemmKernel::wgmma_sp, bm, bn, 64,
                                   spec.stages, 1);
      bestCost = cost;
    }
  }
  return best;
}

/// The narrowest width the wave rule tries: below it a tile's fixed cost
/// outweighs what a fuller last wave saves.
constexpr int64_t kWaveNarrowest = 96;

/// The width of a K-major product's tiles that wider tiles (`bn`, over
/// 128) give way to where that costs less in waves times a block's time,
/// which grows with the tile's width plus a fixed part (its loads of A and
/// its latencies, taken as 64 columns' worth): the last of two waves of
/// wide tiles runs the GPU mostly idle (H200, fp16, 6272 x 640 x 160 with a
/// residual, a pruned ResNet-50's layer3 conv3 at batch 32: 147 tiles of
/// 224 columns 17.2-18.4 us, 245 of 128 12.4-13.7; MobileNetV2 b32's 6272 x
/// 576 x 96: 192 -> 128 columns, 0.595 -> 0.590 ms). Short products only
/// (at most 16 k tiles), as measured: a long one's block time is its main
/// loop, and more tiles than two per SM would take it to the persistent
/// kernel, which is kept for short ones.
int64_t waveWidth(const GemmSpec &sp, int64_t tilesM, int64_t bn) {
  if (sm90KTiles(sp) > 16)
    return bn;
  auto cost = [&](int64_t w) {
    return ceilDiv(tilesM * ceilDiv(sp.n, w), kCudaSmCount) * (w + 64);
  };
  for (int64_t j = ceilDiv(sp.n, bn) + 1; j <= ceilDiv(sp.n, kWaveNarrowest); ++j) {
    int64_t w = evenTileWidth(sp.n, j, 16);
    if (cost(w) < cost(bn))
      bn = w;
  }
  return bn;
}
} // namespace

void mlir::infer::selectCudaConfigs(func::FuncOp fn, const CudaTarget &target) {
  MLIRContext *ctx = fn.getContext();
  StringRef name = InferDialect::getTileAttrName();
  formCudaTemplateGroups(fn, target);
  fn.walk([&](FusedOp f) {
    SmallVector<Operation *> ops = withoutConstants(f.getBody().front());
    if (!ops.empty() && !ops.front()->hasAttr(name) && llvm::all_of(ops, isViewOp) &&
        viewCopySpec(ops))
      ops.front()->setAttr(name, rowTile(ctx, CudaKernel::view_copy));
  });
  fn.walk([&](Operation *op) {
    // Elementwise groups (and lone elementwise ops) the row map takes: the
    // tile goes on their first op.
    if (llvm::isa<FusedOp, UnaryOp, BinaryOp>(op) && !op->getParentOfType<FusedOp>()) {
      SmallVector<Operation *> ops;
      if (auto f = llvm::dyn_cast<FusedOp>(op))
        ops = withoutConstants(f.getBody().front());
      else
        ops.push_back(op);
      TemplateKernel probe;
      if (!ops.empty() && op->getNumResults() == 1 && !ops.front()->hasAttr(name) &&
          llvm::all_of(ops, [](Operation *o) { return llvm::isa<UnaryOp, BinaryOp>(o); }) &&
          mapRowsSpec(ops, probe))
        ops.front()->setAttr(name, rowTile(ctx, CudaKernel::elementwise_rows));
      return;
    }
    // A tile already there (a tuner's, a hand edit) is kept.
    if (op->hasAttr(name))
      return;
    if (auto g = llvm::dyn_cast<GatherOp>(op)) {
      if (gatherSpec(g))
        op->setAttr(name, rowTile(ctx, CudaKernel::gather_rows));
    } else if (auto i = llvm::dyn_cast<Im2ColOp>(op)) {
      if (!op->getParentOfType<FusedOp>() && im2colSpec(i))
        op->setAttr(name, rowTile(ctx, CudaKernel::gather_rows));
    } else if (auto p = llvm::dyn_cast<PadOp>(op)) {
      if (padSpec(p))
        op->setAttr(name, rowTile(ctx, CudaKernel::pad_rows));
    } else if (auto t = llvm::dyn_cast<TransposeOp>(op)) {
      if (transposeSpec(t))
        op->setAttr(name, rowTile(ctx, CudaKernel::transpose_channels));
      else if (!op->getParentOfType<FusedOp>() && viewCopySpec({op}))
        op->setAttr(name, rowTile(ctx, CudaKernel::view_copy));
    } else if (llvm::isa<SliceOp>(op)) {
      if (!op->getParentOfType<FusedOp>() && viewCopySpec({op}))
        op->setAttr(name, rowTile(ctx, CudaKernel::view_copy));
    } else if (llvm::isa<SoftmaxOp, LayerNormOp>(op)) {
      if (rowSpec(op))
        op->setAttr(name, rowTile(ctx, CudaKernel::row_norm));
    } else if (auto gp = llvm::dyn_cast<GlobalPoolOp>(op)) {
      if (rowReduceSpec(gp))
        op->setAttr(name, rowTile(ctx, CudaKernel::row_reduce));
    } else if (auto r = llvm::dyn_cast<ReduceOp>(op)) {
      if (rowReduceSpec(r))
        op->setAttr(name, rowTile(ctx, CudaKernel::row_reduce));
    } else if (auto conv = llvm::dyn_cast<ConvOp>(op)) {
      if (depthwiseSpec(conv))
        op->setAttr(name, rowTile(ctx, CudaKernel::depthwise));
    } else if (auto pool = llvm::dyn_cast<PoolOp>(op)) {
      if (maxPoolSpec(pool))
        op->setAttr(name, rowTile(ctx, CudaKernel::max_pool));
    } else if (auto concat = llvm::dyn_cast<ConcatOp>(op)) {
      if (concatSpec(concat))
        op->setAttr(name, rowTile(ctx, CudaKernel::concat_rows));
    } else if (llvm::isa<MatMulOp, GemmOp>(op)) {
      std::optional<GemmOperands> g = gemmOperands(op);
      if (!g)
        return;
      // f32 products run on tensor cores only where the module allows TF32
      // (fp32, not fp32-strict).
      if (g->spec.elem.isF32() && !InferDialect::allowsTf32(op))
        return;
      // wgmma and TMA on sm_90a only; mma.sync from sm_80 on. Narrow
      // products waste half of a 256-wide tile.
      bool hopper = target.arch == "sm_90a";
      int64_t bk = 128 / bytesOf(g->spec.elem);
      // int8 convolutions of 64-channel pixels read 64-byte rows: a 128-byte
      // one would be half zeros, doubling the copies and the multiply-adds
      // (H200, ResNet-50 b32's 3x3 convolutions of 64 channels: 0.025 ms
      // against 0.034). Not 1x1 products of K = 64: their single K tile
      // took 0.056-0.064 ms in 64-byte rows against 0.040-0.050.
      if (hopper && bytesOf(g->spec.elem) == 1 && g->spec.im2col &&
          g->spec.im2col->c == 64)
        bk = 64;
      g->spec.rowBytes = hopper ? bk * bytesOf(g->spec.elem) : 128;
      const GemmSpec &sp = g->spec;
      // A product with fewer output tiles than the GPU has SMs takes
      // tiles at most 128 wide, and when that is still under half a wave,
      // splits K over as many blocks as fill one wave (at least 4 k tiles
      // each): more waves only add partial tiles to write and sum
      // (ResNet-50 b32's layer4, 52 tiles: six splits took 0.032 ms plus
      // the reduction). The channels share the fewest tiles evenly, in
      // whole 16 columns (64 when B is [K,N]): a pruned layer's 40 output
      // channels run 48 wide, not 128.
      // Short products (at most 16 k tiles) with two 128-wide tiles or
      // more per SM keep 128-wide tiles, whose kernel is persistent and
      // overlaps each tile's epilogue with the next one's loads (H200,
      // 100352 x 64 x 256: 0.037 ms in 256-wide tiles, 0.026 in 128-wide
      // ones).
      int64_t tilesM = ceilDiv(sp.m, 128);
      bool persistent = hopper && sp.bKMajor && sm90KTiles(sp) <= 16 &&
                        tilesM * ceilDiv(sp.n, 128) >= 2 * kCudaSmCount;
      int64_t widest =
          sp.n > 128 && !persistent && tilesM * ceilDiv(sp.n, 256) >= kCudaSmCount ? 256 : 128;
      int64_t bn = evenTileWidth(sp.n, ceilDiv(sp.n, widest), hopper && sp.bKMajor ? 16 : 64);
      if (hopper && sp.bKMajor && widest == 256)
        bn = waveWidth(sp, tilesM, bn);
      // Short products (at most 8 k tiles, no window) of at most 128
      // channels and a wave of row tiles or more take tiles at most 64
      // wide, which run two blocks per SM: one's fill and epilogue under
      // the other's wgmma (H200, 100352 x 256 x 128: 0.038 ms in 128-wide
      // tiles, 0.033 in 64-wide ones).
      if (hopper && sp.bKMajor && !sp.im2col && sp.n > 64 && sp.n <= 128 &&
          sm90KTiles(sp) <= 8 && tilesM >= kCudaSmCount)
        bn = evenTileWidth(sp.n, ceilDiv(sp.n, 64), 16);
      if (!hopper)
        bn = 128;
      int64_t tiles = tilesM * ceilDiv(sp.n, bn);
      int64_t kTiles = hopper ? sm90KTiles(sp) : ceilDiv(sp.k, bk);
      int64_t split = 1;
      if (sp.sparse) {
        // sm_90a: sparse wgmma; sm_80 to sm_90: mma.sp, one tile shape.
        CudaGemmTileAttr tile =
            hopper ? sparseTile(ctx, sp)
                   : CudaGemmTileAttr::get(ctx, CudaGemmKernel::mma_sp, 128, 128, 64, 3, 1);
        if (tile && target.capability >= 80 &&
            gemmTileMismatch(g->spec, tile, target).empty())
          op->setAttr(name, tile);
        return;
      }
      if (tiles < kCudaSmCount / 2 && kTiles >= 8) {
        split = std::min(kTiles / 4, kCudaSmCount / tiles);
        split = ceilDiv(kTiles, ceilDiv(kTiles, split));
      }
      auto tile = hopper ? CudaGemmTileAttr::get(ctx, CudaGemmKernel::wgmma, 128, bn,
                                                 bk, 4, std::max<int64_t>(split, 1))
                         : CudaGemmTileAttr::get(ctx, CudaGemmKernel::mma_sync,
                                                 128, 128, 64 / bytesOf(sp.elem), 3, 1);
      if (target.capability < 80 || !gemmTileMismatch(g->spec, tile, target).empty())
        return;
      op->setAttr(name, tile);
    }
  });
}

namespace {
/// An int8 product requantized after steps that commute with a positive
/// scale (its column scales, a bias, an int8 residual, ReLU, Clip) takes
/// the requantization's 1 / scale into their constants: one multiply less
/// per output (the requantizing epilogue is the int8 kernels' cost when K
/// is short).
void foldRequantScale(GemmSpec &spec, TemplateKernel &tk) {
  if (bytesOf(spec.elem) != 1 || spec.epilogue.size() < 2 ||
      spec.epilogue.front().kind != GemmEpilogueOp::Kind::ScaleColumn ||
      spec.epilogue.back().kind != GemmEpilogueOp::Kind::Quantize)
    return;
  double inv = spec.epilogue.back().inv;
  if (!(inv > 0))
    return;
  using Kind = GemmEpilogueOp::Kind;
  // Every step's constant, scaled, before any is changed.
  std::vector<std::pair<int, std::vector<char>>> scaled;
  for (const GemmEpilogueOp &e : ArrayRef(spec.epilogue).drop_back()) {
    if (e.kind == Kind::Relu || e.byteResidual() || e.kind == Kind::Clip)
      continue;
    if (e.kind != Kind::ScaleColumn && e.kind != Kind::BiasColumn)
      return;
    std::vector<char> bytes;
    const TemplateArg &arg = tk.inputs[e.arg];
    if (arg.isPacked()) {
      bytes = arg.packed;
    } else {
      ConstantOp c = cudaspec::constantOf(arg.value);
      std::optional<ConstantView> view = c ? ConstantView::get(c.getValue()) : std::nullopt;
      if (!view || !typeOf(arg.value).getElementType().isF32())
        return;
      std::vector<char> storage;
      ArrayRef<char> all = view->allBytes(storage);
      bytes.assign(all.begin(), all.end());
    }
    if (bytes.size() != static_cast<size_t>(spec.n) * 4)
      return;
    for (size_t i = 0; i < bytes.size(); i += 4) {
      float f;
      std::memcpy(&f, &bytes[i], 4);
      f = static_cast<float>(f * inv);
      std::memcpy(&bytes[i], &f, 4);
    }
    scaled.push_back({e.arg, std::move(bytes)});
  }
  for (auto &[arg, bytes] : scaled)
    tk.inputs[arg] = {Value(), std::move(bytes)};
  for (GemmEpilogueOp &e : spec.epilogue) {
    if (e.byteResidual())
      e.scale = static_cast<float>(e.scale * inv);
    if (e.kind == Kind::Clip) {
      e.lo = static_cast<float>(e.lo * inv);
      e.hi = static_cast<float>(e.hi * inv);
    }
  }
  spec.epilogue.back().inv = 1;
}

} // namespace

FailureOr<std::optional<TemplateKernel>>
mlir::infer::buildCudaTemplate(const KernelGroup &group, const CudaTarget &target,
                               KernelModule &kernels, std::string &error) {
  // Dequantized int8 residuals are read by the epilogue (classify).
  SmallVector<Operation *> body;
  for (Operation *op : group.ops)
    if (!llvm::isa<ConstantOp, DequantizeOp>(op))
      body.push_back(op);
  Value result = group.results.front();
  if (body.empty() || body.back()->getResult(0) != result)
    return Result();
  // An im2col leading a GEMM's group is read by the GEMM (gemmOperands),
  // and so is a 2:4 weight (infer.sparse24, with its transpose).
  if (body.size() > 1 && llvm::isa<Im2ColOp>(body.front()))
    body.erase(body.begin());
  if (body.size() > 1 && llvm::isa<Sparse24Op>(body.front())) {
    body.erase(body.begin());
    if (body.size() > 1 && llvm::isa<TransposeOp>(body.front()))
      body.erase(body.begin());
  }
  // A channel transpose with the cast and padding of its input
  // (absorbLayoutPrologues) is anchored on the transpose.
  if (body.size() > 1 && llvm::isa<TransposeOp>(body.back()) &&
      llvm::all_of(ArrayRef(body).drop_back(),
                   [](Operation *op) { return llvm::isa<CastOp, PadOp, QuantizeOp>(op); }))
    body.erase(body.begin(), body.end() - 1);
  Operation *anchor = body.front();
  Attribute tileAttr = anchor->getAttr(InferDialect::getTileAttrName());
  if (!tileAttr)
    return Result();
  auto single = [&](std::vector<TemplateArg> inputs,
                    FailureOr<KernelInfo> info) -> FailureOr<Result> {
    if (failed(info))
      return failure();
    return Result(singleStageTemplate(std::move(inputs), std::move(*info)));
  };
  // Data movement of whole 16-byte chunks and warp-per-row reductions
  // (every architecture), alone in their group.
  auto cudaTile = llvm::dyn_cast<CudaTileAttr>(tileAttr);
  if (cudaTile && cudaTile.getKernel() == CudaKernel::depthwise) {
    auto conv = llvm::dyn_cast<ConvOp>(anchor);
    std::optional<DepthwiseSpec> spec;
    if (conv)
      spec = depthwiseSpec(conv);
    if (!spec) {
      error = describe(cudaTile, anchor, "its template cannot read this op");
      return failure();
    }
    spec->threads = cudaTile.getThreads();
    spec->pixels = depthwisePixelsPerThread(*spec);
    if (std::string why = depthwiseUnsupported(*spec); !why.empty()) {
      error = describe(cudaTile, anchor, why);
      return failure();
    }
    FailureOr<std::vector<char>> weight = depthwiseWeightBytes(conv.getWeight(), *spec);
    if (failed(weight)) {
      error = describe(cudaTile, anchor, "an unreadable constant weight");
      return failure();
    }
    TemplateKernel tk;
    tk.inputs.push_back({conv.getInput(), {}});
    tk.inputs.push_back({Value(), std::move(*weight)});
    if (Value bias = conv.getBias()) {
      spec->out.epilogue.push_back(
          {GemmEpilogueOp::Kind::BiasColumn, static_cast<int>(tk.inputs.size())});
      tk.inputs.push_back({bias, {}});
    }
    // An epilogue the kernel cannot apply: the generic kernel takes the
    // group (the backend's fusion filter keeps such ops out).
    if (failed(classify(anchor->getResult(0), ArrayRef<Operation *>(body).drop_front(),
                        spec->c, tk, spec->out)))
      return Result();
    spec->out.numArgs = tk.inputs.size() + 1;
    FailureOr<KernelInfo> info = addDepthwiseKernel(kernels, *spec, anchor->getLoc(), error);
    if (failed(info))
      return failure();
    TemplateStage stage;
    stage.info = std::move(*info);
    for (unsigned i = 0; i < spec->out.numArgs; ++i)
      stage.args.push_back(static_cast<int>(i));
    tk.stages.push_back(std::move(stage));
    return Result(std::move(tk));
  }
  // A chain of view ops as one strided copy.
  if (cudaTile && cudaTile.getKernel() == CudaKernel::view_copy) {
    std::optional<ViewCopySpec> spec = viewCopySpec(body);
    if (spec) {
      spec->threads = cudaTile.getThreads();
      if (!viewCopyApplies(*spec))
        spec.reset();
    }
    if (!spec) {
      error = describe(cudaTile, anchor, "its template cannot read this group");
      return failure();
    }
    return single({{body.front()->getOperand(0), {}}},
                  addViewCopyKernel(kernels, *spec, anchor->getLoc(), error));
  }
  // Row maps: an elementwise chain over one source or a concatenation.
  if (cudaTile && (cudaTile.getKernel() == CudaKernel::elementwise_rows ||
                   (cudaTile.getKernel() == CudaKernel::concat_rows && body.size() > 1))) {
    TemplateKernel tk;
    std::optional<ConcatRowsSpec> spec = mapRowsSpec(body, tk);
    if (spec) {
      spec->threads = cudaTile.getThreads();
      if (!concatRowsApplies(*spec))
        spec.reset();
    }
    if (!spec) {
      error = describe(cudaTile, anchor, "its template cannot read this group");
      return failure();
    }
    FailureOr<KernelInfo> info = addConcatRowsKernel(kernels, *spec, anchor->getLoc(), error);
    if (failed(info))
      return failure();
    TemplateStage stage;
    stage.info = std::move(*info);
    for (unsigned i = 0; i < spec->map->numArgs; ++i)
      stage.args.push_back(static_cast<int>(i));
    tk.stages.push_back(std::move(stage));
    return Result(std::move(tk));
  }
  if (auto tile = cudaTile) {
    if (body.size() != 1)
      return Result();
    Location loc = anchor->getLoc();
    switch (tile.getKernel()) {
    case CudaKernel::gather_rows: {
      if (auto i = llvm::dyn_cast<Im2ColOp>(anchor)) {
        std::optional<GatherRowsSpec> spec = im2colSpec(i);
        if (!spec)
          break;
        spec->threads = tile.getThreads();
        return single({{i.getInput(), {}}, {Value(), im2colIndexBytes(i)}},
                      addGatherRowsKernel(kernels, *spec, loc, error));
      }
      auto g = llvm::cast<GatherOp>(anchor);
      std::optional<GatherRowsSpec> spec = gatherSpec(g);
      if (!spec)
        break;
      spec->threads = tile.getThreads();
      return single({{g.getInput(), {}}, {g.getIndices(), {}}},
                    addGatherRowsKernel(kernels, *spec, loc, error));
    }
    case CudaKernel::pad_rows: {
      auto p = llvm::cast<PadOp>(anchor);
      std::optional<PadRowsSpec> spec = padSpec(p);
      if (!spec)
        break;
      spec->threads = tile.getThreads();
      return single({{p.getInput(), {}}}, addPadRowsKernel(kernels, *spec, loc, error));
    }
    case CudaKernel::transpose_channels: {
      auto t = llvm::cast<TransposeOp>(anchor);
      std::optional<TransposeChannelsSpec> spec = transposeSpec(t);
      if (!spec)
        break;
      spec->threads = tile.getThreads();
      // Its group's channel padding and fp32 -> 16-bit cast happen on the
      // way: the kernel reads what they read.
      Value source = t.getInput();
      if (auto pad = source.getDefiningOp<PadOp>()) {
        spec->srcChannels = typeOf(pad.getInput()).getDimSize(1);
        source = pad.getInput();
      }
      auto cast = source.getDefiningOp<CastOp>();
      if (cast && !typeOf(cast.getInput()).getElementType().isF32() &&
          bytesOf(storageType(typeOf(cast.getInput()).getElementType())) ==
              bytesOf(storageType(typeOf(cast.getOutput()).getElementType()))) {
        // Integers seen as quantized values (or back): the same bytes.
        source = cast.getInput();
      } else if (cast) {
        spec->srcElemBytes = 4;
        spec->bf16 = typeOf(cast.getOutput()).getElementType().isBF16();
        source = cast.getInput();
      } else if (auto q = source.getDefiningOp<QuantizeOp>()) {
        Symmetric8 qt = symmetric8(q.getOutput().getType(), q.getScaleAttr());
        spec->srcElemBytes = 4;
        spec->quantScale = static_cast<float>(1.0 / qt.scale);
        spec->quantLo = static_cast<float>(qt.lo());
        spec->quantHi = static_cast<float>(qt.hi());
        spec->fp8 = qt.isFp8();
        source = q.getInput();
      }
      if (!transposeChannelsApplies(*spec)) {
        error = describe(cudaTile, anchor, "its template cannot read this layout change");
        return failure();
      }
      return single({{source, {}}}, addTransposeChannelsKernel(kernels, *spec, loc, error));
    }
    case CudaKernel::row_norm: {
      std::optional<RowNormSpec> spec = rowSpec(anchor);
      if (!spec)
        break;
      spec->threads = tile.getThreads();
      std::vector<TemplateArg> inputs{{anchor->getOperand(0), {}}};
      if (auto ln = llvm::dyn_cast<LayerNormOp>(anchor)) {
        inputs.push_back({ln.getScale(), {}});
        if (ln.getBias())
          inputs.push_back({ln.getBias(), {}});
      }
      return single(std::move(inputs), addRowNormKernel(kernels, *spec, loc, error));
    }
    case CudaKernel::depthwise:
    case CudaKernel::elementwise_rows:
    case CudaKernel::view_copy:
      break; // built above
    case CudaKernel::concat_rows: {
      auto c = llvm::cast<ConcatOp>(anchor);
      std::optional<ConcatRowsSpec> spec = concatSpec(c);
      if (!spec)
        break;
      spec->threads = tile.getThreads();
      if (!concatRowsApplies(*spec))
        break;
      std::vector<TemplateArg> inputs;
      for (Value v : c.getInputs())
        inputs.push_back({v, {}});
      return single(std::move(inputs), addConcatRowsKernel(kernels, *spec, loc, error));
    }
    case CudaKernel::max_pool: {
      auto pool = llvm::dyn_cast<PoolOp>(anchor);
      std::optional<MaxPoolSpec> spec;
      if (pool)
        spec = maxPoolSpec(pool);
      if (!spec)
        break;
      spec->threads = tile.getThreads();
      if (!maxPoolUnsupported(*spec).empty())
        break;
      return single({{anchor->getOperand(0), {}}},
                    addMaxPoolKernel(kernels, *spec, loc, error));
    }
    case CudaKernel::row_reduce: {
      std::optional<RowReduceSpec> spec;
      if (auto gp = llvm::dyn_cast<GlobalPoolOp>(anchor))
        spec = rowReduceSpec(gp);
      else if (auto r = llvm::dyn_cast<ReduceOp>(anchor))
        spec = rowReduceSpec(r);
      if (!spec)
        break;
      spec->threads = tile.getThreads();
      if (!rowReduceApplies(*spec))
        break;
      return single({{anchor->getOperand(0), {}}},
                    addRowReduceKernel(kernels, *spec, loc, error));
    }
    }
    error = describe(tile, anchor, "its template cannot read this op");
    return failure();
  }
  auto tile = llvm::dyn_cast<CudaGemmTileAttr>(tileAttr);
  if (!tile)
    return Result();
  std::optional<GemmOperands> g = gemmOperands(anchor);
  if (!g) {
    error = describe(tile, anchor, "operands the tensor-core GEMM cannot read");
    return failure();
  }
  GemmSpec spec = g->spec;
  if (std::string why = gemmTileMismatch(spec, tile, target); !why.empty()) {
    error = describe(tile, anchor, why);
    return failure();
  }
  TemplateKernel tk;
  tk.inputs.push_back({g->a, {}});
  // A 2:4 weight: its values and positions as stored. A constant [K,N]
  // operand is stored transposed: K-major tiles load in one TMA copy and
  // need no transposed wgmma.
  bool packB = !spec.sparse &&
               !(llvm::isa<GemmOp>(anchor) && llvm::cast<GemmOp>(anchor).getTransB()) &&
               spec.bKMajor;
  if (spec.sparse) {
    tk.inputs.push_back({g->values, {}});
    tk.inputs.push_back({g->meta, {}});
  } else if (packB) {
    FailureOr<std::vector<char>> packed =
        transposedBytes(g->b, spec.k, spec.n, bytesOf(spec.elem));
    if (failed(packed)) {
      error = describe(tile, anchor, "an unreadable constant operand");
      return failure();
    }
    tk.inputs.push_back({Value(), std::move(*packed)});
  } else {
    tk.inputs.push_back({g->b, {}});
  }
  // Of the weight as packed ([N][K]), or as stored when it is not.
  if (spec.elem.isInteger(8) && !spec.sparse)
    spec.smallSums = packB ? smallInt8Sums(tk.inputs.back().packed, spec.k, spec.n, /*nk=*/true)
                           : smallInt8Sums(g->b, spec.k, spec.n, /*nk=*/true);
  if (!g->columnScale.empty()) {
    // int8: the int32 sums times both operands' scales, before anything.
    std::vector<char> scales(g->columnScale.size() * sizeof(float));
    std::memcpy(scales.data(), g->columnScale.data(), scales.size());
    spec.epilogue.push_back(
        {GemmEpilogueOp::Kind::ScaleColumn, static_cast<int>(tk.inputs.size())});
    tk.inputs.push_back({Value(), std::move(scales)});
  }
  if (g->bias) {
    spec.epilogue.push_back(
        {GemmEpilogueOp::Kind::BiasColumn, static_cast<int>(tk.inputs.size())});
    tk.inputs.push_back({g->bias, {}});
  }
  // An epilogue the kernel cannot apply: the group takes the generic path
  // (the backend's fusion filter keeps such ops out of GEMM groups).
  if (failed(classify(anchor->getResult(0), ArrayRef<Operation *>(body).drop_front(),
                      spec.n, tk, spec)))
    return Result();
  foldRequantScale(spec, tk);
  spec.numArgs = tk.inputs.size() + 1;
  if (spec.sparse)
    return single(std::move(tk.inputs),
                  tile.getKernel() == CudaGemmKernel::mma_sp
                      ? addGemmSm80SparseKernel(kernels, spec, anchor->getLoc(), error)
                      : addGemmSm90SparseKernel(kernels, spec, anchor->getLoc(), error));
  if (spec.splitK > 1) {
    // Partial tiles into scratch, then their sum through the epilogue.
    GemmSpec partial = spec;
    partial.partial = true;
    partial.out = Float32Type::get(anchor->getContext());
    partial.epilogue.clear();
    partial.numArgs = 3;
    FailureOr<KernelInfo> gemm = addGemmSm90Kernel(kernels, partial, anchor->getLoc(), error);
    if (failed(gemm))
      return failure();
    FailureOr<KernelInfo> reduce = addSplitKReduceKernel(kernels, spec, anchor->getLoc(), error);
    if (failed(reduce))
      return failure();
    return Result(splitKTemplate(std::move(tk.inputs), std::move(*gemm), std::move(*reduce),
                                 uint64_t(spec.splitK) * spec.m * spec.n * 4,
                                 /*firstReduceInput=*/0));
  }
  FailureOr<KernelInfo> info =
      tile.getKernel() == CudaGemmKernel::wgmma
          ? addGemmSm90Kernel(kernels, spec, anchor->getLoc(), error)
          : addGemmSm80Kernel(kernels, spec, anchor->getLoc(), error);
  if (failed(info))
    return failure();
  TemplateStage stage;
  stage.info = std::move(*info);
  for (unsigned i = 0; i < spec.numArgs; ++i)
    stage.args.push_back(static_cast<int>(i));
  tk.stages.push_back(std::move(stage));
  return Result(std::move(tk));
}
