//===- FoldConstants.cpp - Evaluate ops on constants -----------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Exporters leave work on weights in the graph (a transposed MatMul weight,
// a reshaped bias, a cast); the reference interpreter evaluates it once, at
// compile time.
//
//===----------------------------------------------------------------------===//

#include "transforms/Passes.h"

#include "ir/ConstantView.h"
#include "transforms/ConstantValues.h"
#include "reference/Interpreter.h"

#include <cstring>

#include "llvm/ADT/SetVector.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::infer {
#define GEN_PASS_DEF_INFERFOLDCONSTANTS
#include "transforms/Passes.h.inc"
} // namespace mlir::infer

using namespace mlir;
using namespace mlir::infer;

namespace {
/// Constants past this many elements are folded in their own element type
/// where the op only moves or converts elements (the reference interpreter
/// would widen them to double).
constexpr int64_t kLargeConstant = 1 << 14;

RankedTensorType typeOf(Value v) {
  return llvm::cast<RankedTensorType>(v.getType());
}

/// The result of a cast, transpose or reshape of a large constant, built
/// element by element from a view of the operand; none for other ops.
std::optional<ElementsAttr> foldMovement(Operation *op) {
  if (op->getNumOperands() != 1 || op->getNumResults() != 1)
    return std::nullopt;
  auto c = op->getOperand(0).getDefiningOp<ConstantOp>();
  RankedTensorType out = typeOf(op->getResult(0));
  if (!c || !out.hasStaticShape() || out.getNumElements() < kLargeConstant ||
      !elementKindOf(out.getElementType()))
    return std::nullopt;
  std::optional<ConstantView> in = ConstantView::get(c.getValue());
  if (!in)
    return std::nullopt;
  if (auto cast = llvm::dyn_cast<CastOp>(op)) {
    // Float to float: rounding to nearest, as the reference does.
    if (!llvm::isa<FloatType>(in->getElementType()) ||
        !llvm::isa<FloatType>(out.getElementType()))
      return std::nullopt;
    ConstantBuilder b(out);
    for (int64_t i = 0; i < b.size(); ++i)
      b.setDouble(i, in->getDouble(i));
    return b.finish("folded");
  }
  if (llvm::isa<ReshapeOp>(op)) {
    ConstantBuilder b(out);
    std::vector<char> bytes;
    ArrayRef<char> whole = in->contiguousBytes();
    if (whole.empty()) {
      in->appendBytes(bytes);
      whole = bytes;
    }
    std::copy(whole.begin(), whole.end(), b.bytes().begin());
    return b.finish("folded");
  }
  if (auto t = llvm::dyn_cast<TransposeOp>(op)) {
    ArrayRef<int64_t> perm = t.getPerm(), inShape = in->getShape();
    int64_t rank = perm.size();
    SmallVector<int64_t> inStrides(rank, 1);
    for (int64_t d = rank - 2; d >= 0; --d)
      inStrides[d] = inStrides[d + 1] * inShape[d + 1];
    ConstantBuilder b(out);
    ArrayRef<char> whole = in->contiguousBytes();
    unsigned width = whole.empty() ? 0 : whole.size() / std::max<int64_t>(in->size(), 1);
    SmallVector<int64_t> index(rank, 0);
    for (int64_t o = 0; o < b.size(); ++o) {
      int64_t src = 0;
      for (int64_t d = 0; d < rank; ++d)
        src += index[d] * inStrides[perm[d]];
      if (width)
        std::memcpy(b.bytes().data() + o * width, whole.data() + src * width, width);
      else
        b.setDouble(o, in->getDouble(src));
      for (int64_t d = rank - 1; d >= 0; --d) {
        if (++index[d] < out.getDimSize(d))
          break;
        index[d] = 0;
      }
    }
    return b.finish("folded");
  }
  return std::nullopt;
}

/// Replaces an infer op whose operands are all constants by its results.
struct FoldConstantOperands : RewritePattern {
  FoldConstantOperands(MLIRContext *ctx, int64_t maxElements,
                       std::shared_ptr<bool> failedOnInvalid)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx),
        maxElements(maxElements), failedOnInvalid(std::move(failedOnInvalid)) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (!llvm::isa<InferDialect>(op->getDialect()) ||
        llvm::isa<ConstantOp, FusedOp, YieldOp>(op) || op->getNumOperands() == 0)
      return rewriter.notifyMatchFailure(op, "not a foldable infer op");
    // A tensor of no elements is known whatever computes it (an empty
    // input, a slice of nothing): an empty constant, so that what reads
    // it folds too (a reduction over an empty axis gives its identity).
    bool emptied = false;
    for (OpOperand &use : op->getOpOperands()) {
      auto t = llvm::dyn_cast<RankedTensorType>(use.get().getType());
      if (!t || !t.hasStaticShape() || t.getNumElements() != 0 ||
          use.get().getDefiningOp<ConstantOp>() ||
          !(llvm::isa<FloatType>(t.getElementType()) || t.getElementType().isSignlessInteger()))
        continue;
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPoint(op);
      Value empty = ConstantOp::create(rewriter, op->getLoc(),
                                       DenseElementsAttr::get(t, ArrayRef<Attribute>{}));
      rewriter.modifyOpInPlace(op, [&] { use.set(empty); });
      emptied = true;
    }
    if (!llvm::all_of(op->getOperands(), [](Value v) {
          return v.getDefiningOp<ConstantOp>() != nullptr;
        }))
      return emptied ? success()
                     : rewriter.notifyMatchFailure(op, "an operand is not constant");
    if (std::optional<ElementsAttr> moved = foldMovement(op)) {
      Value source = op->getOperand(0);
      rewriter.replaceOp(op, ConstantOp::create(rewriter, op->getLoc(), *moved));
      eraseDeadConstant(rewriter, source);
      return success();
    }
    std::string invalid;
    FailureOr<SmallVector<ElementsAttr>> folded =
        reference::foldConstantOp(op, maxElements, &invalid);
    if (failed(folded) && !invalid.empty()) {
      // The model computes something undefined on its own constants (an
      // index out of range, a division by zero): an error, not a kernel
      // that would answer wrongly at run time.
      op->emitError() << invalid;
      *failedOnInvalid = true;
      return failure();
    }
    if (failed(folded))
      return rewriter.notifyMatchFailure(op, "cannot be evaluated");
    SmallVector<Value> values;
    for (ElementsAttr attr : *folded)
      values.push_back(ConstantOp::create(rewriter, op->getLoc(), attr));
    llvm::SetVector<Value> sources(op->getOperands().begin(),
                                   op->getOperands().end());
    rewriter.replaceOp(op, values);
    for (Value source : sources)
      eraseDeadConstant(rewriter, source);
    return success();
  }

  int64_t maxElements;
  std::shared_ptr<bool> failedOnInvalid;
};

struct FoldConstantsPass
    : infer::impl::InferFoldConstantsBase<FoldConstantsPass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    auto invalid = std::make_shared<bool>(false);
    populateFoldConstantsPatterns(patterns, maxElements, invalid);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))) ||
        *invalid)
      signalPassFailure();
  }
};
} // namespace

void mlir::infer::populateFoldConstantsPatterns(
    RewritePatternSet &patterns, int64_t maxElements,
    std::shared_ptr<bool> failedOnInvalid) {
  if (!failedOnInvalid)
    failedOnInvalid = std::make_shared<bool>(false);
  patterns.add<FoldConstantOperands>(patterns.getContext(), maxElements,
                                     std::move(failedOnInvalid));
}
