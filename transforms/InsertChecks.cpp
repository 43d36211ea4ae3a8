//===- InsertChecks.cpp - Run-time checks of indices and divisors ---------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// A gather index out of range or an integer division by zero has no
// defined result; the kernels clamp and divide safely so that they never
// fault, and an infer.check next to them makes the run fail with an error
// naming the node. Checks of constants are evaluated here: a violation is a
// compile-time error, a pass leaves no check.
//
//===----------------------------------------------------------------------===//

#include "transforms/Passes.h"

#include "reference/Interpreter.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::infer {
#define GEN_PASS_DEF_INFERINSERTCHECKS
#include "transforms/Passes.h.inc"
} // namespace mlir::infer

using namespace mlir;
using namespace mlir::infer;

namespace {
/// The check of this rule `v` already has, if any.
CheckOp existingCheck(Value v, CheckKind kind, int64_t bound) {
  for (Operation *user : v.getUsers())
    if (auto check = llvm::dyn_cast<CheckOp>(user))
      if (check.getKind() == kind && check.getBound() == bound)
        return check;
  return nullptr;
}

/// Whether `loc` already names everything `part` does.
bool covers(Location loc, Location part) {
  if (loc == part)
    return true;
  auto fused = llvm::dyn_cast<FusedLoc>(loc);
  return fused && llvm::is_contained(fused.getLocations(), part);
}

/// Adds a check of `v` before `guarded`. A constant `v` is checked now:
/// failure (with an error at `guarded`) when it breaks the rule, and no op
/// is left either way.
LogicalResult addCheck(PatternRewriter &rewriter, Operation *guarded, Value v,
                       CheckKind kind, int64_t bound,
                       const std::shared_ptr<bool> &failedFlag) {
  if (CheckOp check = existingCheck(v, kind, bound)) {
    // One check serves every op that reads `v` this way; its location
    // names them all, so the run's error does too.
    if (covers(check.getLoc(), guarded->getLoc()))
      return rewriter.notifyMatchFailure(guarded, "already checked");
    rewriter.modifyOpInPlace(check, [&] {
      check->setLoc(rewriter.getFusedLoc({check.getLoc(), guarded->getLoc()}));
    });
    // The first reader may come later in the block than this one.
    if (guarded->isBeforeInBlock(check))
      rewriter.moveOpBefore(check, guarded);
    return success();
  }
  rewriter.setInsertionPoint(guarded);
  auto flag = RankedTensorType::get({}, rewriter.getI1Type());
  auto check = CheckOp::create(rewriter, guarded->getLoc(), flag, kind, v,
                               bound);
  if (!v.getDefiningOp<ConstantOp>())
    return success();
  std::string invalid;
  FailureOr<SmallVector<ElementsAttr>> folded =
      reference::foldConstantOp(check, int64_t(1) << 26, &invalid);
  rewriter.eraseOp(check);
  if (succeeded(folded))
    return rewriter.notifyMatchFailure(guarded, "constant operand is valid");
  guarded->emitError() << (invalid.empty() ? "cannot check a constant operand"
                                           : invalid);
  *failedFlag = true;
  return failure();
}

/// Gather and GatherElements: indices within the gathered axis.
template <typename GatherLike>
struct CheckGatherIndices : OpRewritePattern<GatherLike> {
  CheckGatherIndices(MLIRContext *ctx, std::shared_ptr<bool> failedFlag)
      : OpRewritePattern<GatherLike>(ctx), failedFlag(std::move(failedFlag)) {}
  LogicalResult matchAndRewrite(GatherLike op,
                                PatternRewriter &rewriter) const override {
    int64_t n = op.getInput().getType().getDimSize(op.getAxis());
    if (ShapedType::isDynamic(n))
      return rewriter.notifyMatchFailure(op, "dynamic axis");
    return addCheck(rewriter, op, op.getIndices(), CheckKind::index, n,
                    failedFlag);
  }
  std::shared_ptr<bool> failedFlag;
};

struct CheckIntegerDivisor : OpRewritePattern<BinaryOp> {
  CheckIntegerDivisor(MLIRContext *ctx, std::shared_ptr<bool> failedFlag)
      : OpRewritePattern(ctx), failedFlag(std::move(failedFlag)) {}
  LogicalResult matchAndRewrite(BinaryOp op,
                                PatternRewriter &rewriter) const override {
    if (!llvm::is_contained({BinaryKind::div, BinaryKind::mod, BinaryKind::fmod},
                            op.getKind()))
      return rewriter.notifyMatchFailure(op, "not a division");
    Type et = op.getRhs().getType().getElementType();
    if (!llvm::isa<IntegerType>(et))
      return rewriter.notifyMatchFailure(op, "float division is defined on 0");
    return addCheck(rewriter, op, op.getRhs(), CheckKind::nonzero, 0,
                    failedFlag);
  }
  std::shared_ptr<bool> failedFlag;
};

struct InsertChecksPass : infer::impl::InferInsertChecksBase<InsertChecksPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    auto failedFlag = std::make_shared<bool>(false);
    populateInsertChecksPatterns(patterns, failedFlag);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))) ||
        *failedFlag)
      signalPassFailure();
  }
};
} // namespace

void mlir::infer::populateInsertChecksPatterns(
    RewritePatternSet &patterns, std::shared_ptr<bool> failedOnInvalid) {
  if (!failedOnInvalid)
    failedOnInvalid = std::make_shared<bool>(false);
  patterns.add<CheckGatherIndices<GatherOp>,
               CheckGatherIndices<GatherElementsOp>,
               CheckIntegerDivisor>(patterns.getContext(), failedOnInvalid);
}
