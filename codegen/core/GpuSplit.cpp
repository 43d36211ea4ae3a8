//===- GpuSplit.cpp - One GPU thread per point of a kernel's output -------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/core/GpuSplit.h"
#include "codegen/core/KernelSplit.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;
using namespace mlir::infer;

namespace {
/// Tiles the root of `fn` by 1 along the parallel loops `dims` (producers
/// fused) and makes each tile loop run the one iteration that `linear`, the
/// thread's index, selects (innermost dimension fastest: consecutive
/// threads touch consecutive elements). Fails when a compute op stays
/// outside the tile loops: every thread would recompute it whole.
LogicalResult tileForGpu(func::FuncOp fn, Value linear, ArrayRef<int64_t> dims,
                         ArrayRef<int64_t> extents) {
  TilingInterface root = splitRoot(fn); // found on the original: not null
  IRRewriter rewriter(fn.getContext());
  rewriter.setInsertionPoint(root);
  SmallVector<OpFoldResult> tiles(root.getLoopIteratorTypes().size(),
                                  rewriter.getIndexAttr(0));
  for (int64_t d : dims)
    tiles[d] = rewriter.getIndexAttr(1);
  scf::SCFTileAndFuseOptions options;
  options.tilingOptions.setTileSizes(tiles);
  FailureOr<scf::SCFTileAndFuseResult> tiled =
      scf::tileConsumerAndFuseProducersUsingSCF(rewriter, root, options);
  if (failed(tiled) || tiled->loops.size() != dims.size())
    return failure();
  for (auto [orig, repl] : tiled->replacements)
    rewriter.replaceAllUsesWith(orig, repl);
  // Dead producers go (live ones outside the loops mean no split), and
  // slices of empty tensors become small empty tensors (no full-size
  // temporary per thread).
  RewritePatternSet patterns(fn.getContext());
  tensor::populateFoldTensorEmptyPatterns(patterns);
  (void)applyPatternsGreedily(fn, std::move(patterns));
  bool unfused = false;
  fn.walk([&](linalg::LinalgOp op) {
    if (!op->getParentOfType<scf::ForOp>())
      unfused = true;
  });
  if (unfused)
    return failure();
  OpBuilder b = OpBuilder::atBlockBegin(&fn.getBody().front());
  Location loc = fn.getLoc();
  SmallVector<Value> ivs(extents.size());
  Value rest = linear;
  for (int64_t k = extents.size() - 1; k >= 0; --k) {
    Value extent = arith::ConstantIndexOp::create(b, loc, extents[k]);
    ivs[k] = arith::RemUIOp::create(b, loc, rest, extent);
    rest = arith::DivUIOp::create(b, loc, rest, extent);
  }
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  for (auto [k, l] : llvm::enumerate(tiled->loops)) {
    auto loop = llvm::cast<scf::ForOp>(l.getOperation());
    loop.setLowerBound(ivs[k]);
    loop.setUpperBound(arith::AddIOp::create(b, loc, ivs[k], one));
  }
  return success();
}
} // namespace

int64_t mlir::infer::splitAcrossGpuThreads(func::FuncOp &fn, unsigned linearArg) {
  copyViewRoot(fn);
  concatGatherRoot(fn);
  guardPaddedReads(fn);
  TilingInterface root = splitRoot(fn);
  if (!root)
    return 1;
  OpBuilder b(root);
  SmallVector<Range> domain = root.getIterationDomain(b);
  SmallVector<utils::IteratorType> iters = root.getLoopIteratorTypes();
  SmallVector<int64_t> dims, extents;
  for (auto [i, r] : llvm::enumerate(domain)) {
    std::optional<int64_t> size = getConstantIntValue(r.size);
    if (!size)
      return 1;
    if (iters[i] == utils::IteratorType::parallel && *size > 1) {
      dims.push_back(i);
      extents.push_back(*size);
    }
  }
  for (size_t n = dims.size(); n > 0; --n) {
    // Try on a copy; keep it if every compute op fused.
    auto copy = llvm::cast<func::FuncOp>(fn->clone());
    b.setInsertionPoint(fn);
    b.insert(copy);
    if (succeeded(tileForGpu(copy, copy.getArgument(linearArg),
                             ArrayRef<int64_t>(dims).take_front(n),
                             ArrayRef<int64_t>(extents).take_front(n)))) {
      copy.setName(fn.getName());
      fn.erase();
      fn = copy;
      int64_t total = 1;
      for (int64_t e : ArrayRef<int64_t>(extents).take_front(n))
        total *= e;
      return total;
    }
    copy.erase();
  }
  return 1;
}
