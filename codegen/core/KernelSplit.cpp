//===- KernelSplit.cpp - What a backend's parallel split starts from ------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/core/KernelSplit.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;
using namespace mlir::infer;

namespace {
/// The op whose result the kernel writes to output `dest`.
Operation *rootOf(bufferization::MaterializeInDestinationOp m) {
  Value v = m.getSource();
  while (auto cast = v.getDefiningOp<UnrealizedConversionCastOp>())
    v = cast.getInputs().front();
  return v.getDefiningOp();
}

/// Whether `v` is a kernel input or constant, seen through reshapes (a
/// reshape of it is a view every thread can read whole).
bool isUncomputed(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (llvm::isa<arith::ConstantOp, bufferization::ToTensorOp>(def))
      return true;
    if (!llvm::isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp,
                   tensor::ExtractSliceOp, UnrealizedConversionCastOp>(def))
      return false;
    v = def->getOperand(0);
  }
  return true;
}

/// Whether every compute op `root` depends on inside the kernel can be
/// fused into a loop over slices of the root: otherwise each thread would
/// recompute the whole unfused producer.
bool producersFuse(Operation *root) {
  SmallVector<Operation *> work{root};
  llvm::SmallPtrSet<Operation *, 16> seen;
  while (!work.empty()) {
    Operation *op = work.pop_back_val();
    if (!seen.insert(op).second)
      continue;
    if (op != root && !llvm::isa<TilingInterface>(op) &&
        !llvm::isa<tensor::EmptyOp, arith::ConstantOp,
                   bufferization::ToTensorOp, UnrealizedConversionCastOp>(op) &&
        !(llvm::isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp,
                    tensor::ExtractSliceOp>(op) &&
          isUncomputed(op->getOperand(0))))
      return false;
    for (Value v : op->getOperands())
      if (Operation *def = v.getDefiningOp())
        work.push_back(def);
    // Values read inside bodies (tensor.extract of a computed tensor).
    bool captured = false;
    op->walk([&](Operation *inner) {
      if (inner == op)
        return;
      for (Value v : inner->getOperands())
        if (Operation *def = v.getDefiningOp())
          if (!op->isAncestor(def) && !llvm::isa<arith::ConstantOp>(def) &&
              !llvm::isa<bufferization::ToTensorOp>(def) &&
              !llvm::isa<UnrealizedConversionCastOp>(def))
            captured = true;
    });
    if (captured)
      return false;
  }
  return true;
}

} // namespace

/// Fuses each elementwise linalg.generic into its single consumer, so that
/// a chain of elementwise ops is one loop nest with no intermediate tensor
/// (unsplit kernels would otherwise run one loop and allocate one buffer
/// per op; a 64-op chain made 147 KB of code).
void mlir::infer::fuseElementwiseChains(func::FuncOp fn) {
  RewritePatternSet patterns(fn.getContext());
  linalg::populateElementwiseOpsFusionPatterns(
      patterns, [](OpOperand *operand) { return operand->get().hasOneUse(); });
  (void)applyPatternsGreedily(fn, std::move(patterns));
}

/// The linalg op writing the kernel's single output, when every compute op
/// it depends on can fuse into loops over its slices; else null.
TilingInterface mlir::infer::splitRoot(func::FuncOp fn) {
  SmallVector<bufferization::MaterializeInDestinationOp> outs;
  fn.walk([&](bufferization::MaterializeInDestinationOp m) { outs.push_back(m); });
  if (outs.size() != 1)
    return nullptr;
  auto root = llvm::dyn_cast_or_null<TilingInterface>(rootOf(outs.front()));
  if (!root || !llvm::isa<linalg::LinalgOp>(root.getOperation()) ||
      !producersFuse(root))
    return nullptr;
  return root;
}

/// A kernel whose output is a slice of its input gets a linalg.copy as its
/// root, so that the copy splits into threads like any other kernel.
void mlir::infer::copyViewRoot(func::FuncOp fn) {
  SmallVector<bufferization::MaterializeInDestinationOp> outs;
  fn.walk([&](bufferization::MaterializeInDestinationOp m) { outs.push_back(m); });
  if (outs.size() != 1)
    return;
  auto slice = llvm::dyn_cast_or_null<tensor::ExtractSliceOp>(rootOf(outs.front()));
  if (!slice || !isUncomputed(slice.getSource()))
    return;
  OpBuilder b(slice->getContext());
  b.setInsertionPointAfter(slice);
  RankedTensorType t = slice.getType();
  Value empty = tensor::EmptyOp::create(b, slice.getLoc(), t.getShape(),
                                        t.getElementType());
  auto copy = linalg::CopyOp::create(b, slice.getLoc(), slice.getResult(), empty);
  slice.getResult().replaceAllUsesExcept(copy->getResult(0), copy);
}


void mlir::infer::concatGatherRoot(func::FuncOp fn) {
  SmallVector<bufferization::MaterializeInDestinationOp> outs;
  fn.walk([&](bufferization::MaterializeInDestinationOp m) { outs.push_back(m); });
  if (outs.size() != 1)
    return;
  auto concat = llvm::dyn_cast_or_null<tensor::ConcatOp>(rootOf(outs.front()));
  if (!concat || !concat.getType().hasStaticShape() ||
      !llvm::all_of(concat.getInputs(), isUncomputed))
    return;
  RankedTensorType t = concat.getType();
  int64_t rank = t.getRank(), axis = concat.getDim();
  Location loc = concat.getLoc();
  OpBuilder b(concat);
  Value empty = tensor::EmptyOp::create(b, loc, t.getShape(), t.getElementType());
  SmallVector<AffineMap> maps{b.getMultiDimIdentityMap(rank)};
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  ValueRange inputs = concat.getInputs();
  auto gather = linalg::GenericOp::create(
      b, loc, TypeRange{t}, ValueRange{}, ValueRange{empty}, maps, iters,
      [&](OpBuilder &nb, Location l, ValueRange) {
        SmallVector<Value> idx;
        for (int64_t d = 0; d < rank; ++d)
          idx.push_back(linalg::IndexOp::create(nb, l, d));
        // if (i < end0) in0[i] else if (i < end1) in1[i - end0] ... .
        std::function<Value(OpBuilder &, size_t, int64_t)> pick =
            [&](OpBuilder &ib, size_t k, int64_t offset) -> Value {
          Value in = inputs[k];
          SmallVector<Value> at(idx);
          at[axis] = arith::SubIOp::create(
              ib, l, idx[axis], arith::ConstantIndexOp::create(ib, l, offset));
          auto read = [&](OpBuilder &rb) {
            return tensor::ExtractOp::create(rb, l, in, at).getResult();
          };
          if (k + 1 == inputs.size())
            return read(ib);
          int64_t end =
              offset + llvm::cast<RankedTensorType>(in.getType()).getDimSize(axis);
          Value inside = arith::CmpIOp::create(
              ib, l, arith::CmpIPredicate::ult, idx[axis],
              arith::ConstantIndexOp::create(ib, l, end));
          auto branch = scf::IfOp::create(
              ib, l, inside,
              [&](OpBuilder &tb, Location tl) {
                scf::YieldOp::create(tb, tl, read(tb));
              },
              [&](OpBuilder &eb, Location el) {
                scf::YieldOp::create(eb, el, pick(eb, k + 1, end));
              });
          return branch.getResult(0);
        };
        linalg::YieldOp::create(nb, l, pick(nb, 0, 0));
      });
  concat.getResult().replaceAllUsesWith(gather.getResult(0));
  concat.erase();
}

/// Rewrites `g` so that its input `operand`, a constant-padded `pad` of a
/// kernel input, is read from the unpadded input with a bounds check.
static void guardPaddedRead(linalg::GenericOp g, OpOperand &operand,
                            tensor::PadOp pad, TypedAttr padValue) {
  OpBuilder b(g);
  Location loc = g.getLoc();
  unsigned index = operand.getOperandNumber();
  AffineMap map = g.getMatchingIndexingMap(&operand);
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  for (OpOperand *in : g.getDpsInputOperands())
    if (in->getOperandNumber() != index) {
      inputs.push_back(in->get());
      maps.push_back(g.getMatchingIndexingMap(in));
    }
  for (OpOperand &out : g.getDpsInitsMutable())
    maps.push_back(g.getMatchingIndexingMap(&out));
  Value source = pad.getSource();
  auto sourceType = llvm::cast<RankedTensorType>(source.getType());
  ArrayRef<int64_t> low = pad.getStaticLow();
  Block &oldBody = g.getRegion().front();
  auto guarded = linalg::GenericOp::create(
      b, loc, g.getResultTypes(), inputs, g.getDpsInits(), maps,
      g.getIteratorTypesArray(),
      [&](OpBuilder &nb, Location l, ValueRange args) {
        SmallVector<Value> loops;
        for (unsigned d = 0; d < map.getNumDims(); ++d)
          loops.push_back(linalg::IndexOp::create(nb, l, d));
        Value inside;
        SmallVector<Value> at;
        Value zero = arith::ConstantIndexOp::create(nb, l, 0);
        for (auto [r, expr] : llvm::enumerate(map.getResults())) {
          Value i = affine::AffineApplyOp::create(
              nb, l, AffineMap::get(map.getNumDims(), 0, expr), loops);
          if (low[r] != 0)
            i = arith::SubIOp::create(
                nb, l, i, arith::ConstantIndexOp::create(nb, l, low[r]));
          // Below zero wraps around: one unsigned comparison checks both ends.
          Value in = arith::CmpIOp::create(
              nb, l, arith::CmpIPredicate::ult, i,
              arith::ConstantIndexOp::create(nb, l, sourceType.getDimSize(r)));
          inside = inside ? arith::AndIOp::create(nb, l, inside, in).getResult() : in;
          at.push_back(arith::SelectOp::create(nb, l, in, i, zero));
        }
        Value v = tensor::ExtractOp::create(nb, l, source, at);
        if (inside)
          v = arith::SelectOp::create(
              nb, l, inside, v, arith::ConstantOp::create(nb, l, padValue));
        IRMapping mapping;
        unsigned next = 0;
        for (BlockArgument arg : oldBody.getArguments())
          mapping.map(arg, arg.getArgNumber() == index ? v : args[next++]);
        for (Operation &op : oldBody.without_terminator())
          nb.clone(op, mapping);
        SmallVector<Value> yields;
        for (Value y : oldBody.getTerminator()->getOperands())
          yields.push_back(mapping.lookupOrDefault(y));
        linalg::YieldOp::create(nb, l, yields);
      });
  g->replaceAllUsesWith(guarded->getResults());
  g.erase();
  if (pad->use_empty())
    pad.erase();
}

void mlir::infer::guardPaddedReads(func::FuncOp fn) {
  SmallVector<linalg::GenericOp> generics;
  fn.walk([&](linalg::GenericOp g) { generics.push_back(g); });
  for (linalg::GenericOp g : generics) {
    for (OpOperand *operand : g.getDpsInputOperands()) {
      auto pad = operand->get().getDefiningOp<tensor::PadOp>();
      if (!pad || !isUncomputed(pad.getSource()) ||
          !llvm::cast<RankedTensorType>(pad.getSource().getType()).hasStaticShape() ||
          llvm::any_of(pad.getStaticLow(), ShapedType::isDynamic) ||
          llvm::any_of(pad.getStaticHigh(), ShapedType::isDynamic))
        continue;
      Value padValue = pad.getConstantPaddingValue();
      TypedAttr attr;
      if (!padValue || !matchPattern(padValue, m_Constant(&attr)))
        continue;
      guardPaddedRead(g, *operand, pad, attr);
      break; // g is gone; one padded operand per generic is the common case
    }
  }
}
