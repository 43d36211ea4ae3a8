//===- ConcatInPlace.cpp - Producers write into the concatenation ---------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// A concatenation copies every operand once more. When each operand lands
// in one contiguous range of the result, its producer can write there
// directly; this pass marks the concatenations where that is possible and
// the planner does the rest.
//
//===----------------------------------------------------------------------===//

#include "transforms/Passes.h"

#include "ir/ConstantView.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::infer {
#define GEN_PASS_DEF_INFERCONCATINPLACE
#include "transforms/Passes.h.inc"
} // namespace mlir::infer

using namespace mlir;
using namespace mlir::infer;

/// Where the operands of an in-place concatenation may start.
static constexpr uint64_t kConcatSliceAlignment = 64;

LogicalResult mlir::infer::canConcatInPlace(ConcatOp op, std::string &why) {
  RankedTensorType out = op.getOutput().getType();
  if (!out.hasStaticShape()) {
    why = "dynamic shape";
    return failure();
  }
  for (int64_t d = 0; d < op.getAxis(); ++d)
    if (out.getDimSize(d) != 1) {
      why = "operands are not contiguous in the result";
      return failure();
    }
  // Every operand starts on a 64-byte boundary of the result: GPU buffers
  // bind at aligned offsets (Vulkan's minStorageBufferOffsetAlignment is at
  // most 64 on the devices we run), and vector loads want it.
  uint64_t offset = 0;
  for (Value v : op.getInputs()) {
    if (offset % kConcatSliceAlignment != 0) {
      why = "an operand would start at byte " + std::to_string(offset) +
            ", not on a " + std::to_string(kConcatSliceAlignment) +
            "-byte boundary";
      return failure();
    }
    auto t = llvm::cast<RankedTensorType>(v.getType());
    std::optional<ElementKind> kind = elementKindOf(t.getElementType());
    offset += t.getNumElements() * (kind ? elementBytes(*kind, t.getElementType()) : 1);
  }
  llvm::SmallPtrSet<Value, 8> seen;
  for (Value v : op.getInputs()) {
    Operation *def = v.getDefiningOp();
    if (!def || llvm::isa<ConstantOp, ReshapeOp, ConcatOp, CastOp>(def) ||
        def->getNumResults() != 1) {
      why = "an operand is not computed by a kernel of its own";
      return failure();
    }
    if (!v.hasOneUse() || !seen.insert(v).second) {
      why = "an operand has another user";
      return failure();
    }
  }
  return success();
}

namespace {
struct MarkConcatInPlace : OpRewritePattern<ConcatOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConcatOp op,
                                PatternRewriter &rewriter) const override {
    if (op->hasAttr(kInPlaceAttr))
      return rewriter.notifyMatchFailure(op, "already in place");
    std::string why;
    if (failed(canConcatInPlace(op, why)))
      return rewriter.notifyMatchFailure(op, why);
    rewriter.modifyOpInPlace(
        op, [&] { op->setAttr(kInPlaceAttr, rewriter.getUnitAttr()); });
    return success();
  }
};

struct ConcatInPlacePass
    : infer::impl::InferConcatInPlaceBase<ConcatInPlacePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateConcatInPlacePatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void mlir::infer::populateConcatInPlacePatterns(RewritePatternSet &patterns) {
  patterns.add<MarkConcatInPlace>(patterns.getContext());
}
