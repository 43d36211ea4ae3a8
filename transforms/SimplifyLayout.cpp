//===- SimplifyLayout.cpp - Merge and remove layout changes ----------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// A reshape shares its operand's buffer; a transpose is a copy unless a
// kernel can read through it. Chains of both, and transposes that only move
// dimensions of size one, reduce to fewer (or free) ops; splits become
// slices, which kernels read as views. Scalings by a scalar constant move
// below layout changes and products, and reshapes that only add or drop
// unit dimensions move above products and their bias: both end in a
// product's epilogue instead of a kernel of their own (attention's query
// scaling; the residual add after an exported MultiheadAttention's output
// projection, which reaches it through such a reshape).
//
//===----------------------------------------------------------------------===//

#include "transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::infer {
#define GEN_PASS_DEF_INFERSIMPLIFYLAYOUT
#include "transforms/Passes.h.inc"
} // namespace mlir::infer

using namespace mlir;
using namespace mlir::infer;

namespace {
/// transpose(transpose(x, p1), p2) -> transpose(x, p1[p2[i]]).
struct ComposeTransposes : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TransposeOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<TransposeOp>();
    if (!inner)
      return rewriter.notifyMatchFailure(op, "operand is not a transpose");
    SmallVector<int64_t> perm;
    for (int64_t p : op.getPerm())
      perm.push_back(inner.getPerm()[p]);
    rewriter.replaceOpWithNewOp<TransposeOp>(op, op.getOutput().getType(),
                                             inner.getInput(), perm);
    return success();
  }
};

/// reshape(reshape(x)) -> reshape(x).
struct ComposeReshapes : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<ReshapeOp>();
    if (!inner)
      return rewriter.notifyMatchFailure(op, "operand is not a reshape");
    rewriter.replaceOpWithNewOp<ReshapeOp>(op, op.getOutput().getType(),
                                           inner.getInput());
    return success();
  }
};

/// A transpose that keeps the order of the dimensions larger than one only
/// reshapes.
struct UnitTransposeToReshape : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TransposeOp op,
                                PatternRewriter &rewriter) const override {
    RankedTensorType in = op.getInput().getType();
    if (!in.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shape");
    int64_t last = -1;
    for (int64_t p : op.getPerm()) {
      if (in.getDimSize(p) == 1)
        continue;
      if (p < last)
        return rewriter.notifyMatchFailure(op, "moves data");
      last = p;
    }
    rewriter.replaceOpWithNewOp<ReshapeOp>(op, op.getOutput().getType(),
                                           op.getInput());
    return success();
  }
};

/// A split is one slice per piece: slices can be read as views.
struct SplitToSlices : OpRewritePattern<SplitOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SplitOp op,
                                PatternRewriter &rewriter) const override {
    RankedTensorType in = op.getInput().getType();
    if (!in.hasStaticShape() ||
        llvm::any_of(op.getResultTypes(), [](Type t) {
          return !llvm::cast<RankedTensorType>(t).hasStaticShape();
        }))
      return rewriter.notifyMatchFailure(op, "dynamic shape");
    int64_t axis = op.getAxis(), offset = 0;
    SmallVector<Value> slices;
    for (Value r : op.getOutputs()) {
      auto t = llvm::cast<RankedTensorType>(r.getType());
      SmallVector<int64_t> starts(in.getRank(), 0), ends(in.getShape()),
          steps(in.getRank(), 1);
      starts[axis] = offset;
      ends[axis] = offset + t.getDimSize(axis);
      offset = ends[axis];
      slices.push_back(SliceOp::create(rewriter, op.getLoc(), t, op.getInput(),
                                       starts, ends, steps));
    }
    rewriter.replaceOp(op, slices);
    return success();
  }
};

RankedTensorType typeOf(Value v) { return llvm::cast<RankedTensorType>(v.getType()); }

/// The constant factor of `op` when it multiplies or divides by a constant
/// with one element (null otherwise), and the other operand in `x`.
Value scalarFactor(BinaryOp op, Value &x) {
  bool div = op.getKind() == BinaryKind::div;
  if (!div && op.getKind() != BinaryKind::mul)
    return {};
  for (auto [c, other] : {std::pair(op.getRhs(), op.getLhs()),
                          std::pair(op.getLhs(), op.getRhs())}) {
    auto k = c.getDefiningOp<ConstantOp>();
    if (k && typeOf(c).getNumElements() == 1 && typeOf(c).getRank() == 0 &&
        other.getType() == op.getOutput().getType()) {
      x = other;
      return c;
    }
    if (div) // x / c only
      break;
  }
  return {};
}

/// layout(x * c) -> layout(x) * c for a transpose or reshape and a scalar
/// constant c (the same for /).
template <typename LayoutOp>
struct ScalarScaleBelowLayout : OpRewritePattern<LayoutOp> {
  using OpRewritePattern<LayoutOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(LayoutOp op,
                                PatternRewriter &rewriter) const override {
    auto bin = op.getInput().template getDefiningOp<BinaryOp>();
    Value x;
    Value c = bin ? scalarFactor(bin, x) : Value();
    if (!c || !bin.getOutput().hasOneUse())
      return rewriter.notifyMatchFailure(op, "operand is not a single-use scalar scaling");
    Operation *moved = rewriter.clone(*op);
    moved->setOperand(0, x);
    Value lhs = moved->getResult(0), rhs = c;
    if (bin.getLhs() == c)
      std::swap(lhs, rhs);
    rewriter.replaceOpWithNewOp<BinaryOp>(op, op.getOutput().getType(), bin.getKind(),
                                          lhs, rhs);
    return success();
  }
};

/// matmul(a * c, b) -> matmul(a, b) * c for a scalar constant c (either
/// operand; the same for /).
struct ScalarScaleBelowMatMul : OpRewritePattern<MatMulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MatMulOp op,
                                PatternRewriter &rewriter) const override {
    for (unsigned i = 0; i < 2; ++i) {
      auto bin = op->getOperand(i).getDefiningOp<BinaryOp>();
      Value x;
      Value c = bin ? scalarFactor(bin, x) : Value();
      // Floats only: an integer division does not commute with the sum.
      if (!c || !bin.getOutput().hasOneUse() ||
          typeOf(c).getElementType() != typeOf(op.getOutput()).getElementType() ||
          !llvm::isa<FloatType>(typeOf(c).getElementType()))
        continue;
      Operation *product = rewriter.clone(*op);
      product->setOperand(i, x);
      Value lhs = product->getResult(0), rhs = c;
      if (bin.getLhs() == c)
        std::swap(lhs, rhs);
      rewriter.replaceOpWithNewOp<BinaryOp>(op, op.getOutput().getType(), bin.getKind(),
                                            lhs, rhs);
      return success();
    }
    return rewriter.notifyMatchFailure(op, "no operand is a single-use scalar scaling");
  }
};

/// Whether `a` and `b` hold the same dimensions apart from ones.
bool sameBesideUnitDims(ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
  auto big = [](ArrayRef<int64_t> s) {
    SmallVector<int64_t> r;
    for (int64_t d : s)
      if (d != 1)
        r.push_back(d);
    return r;
  };
  return big(a) == big(b);
}

/// A static reshape that only adds or drops unit dimensions before the
/// last one.
bool unitReshape(ReshapeOp op) {
  RankedTensorType in = typeOf(op.getInput()), out = typeOf(op.getOutput());
  return in.hasStaticShape() && out.hasStaticShape() && in.getRank() > 0 &&
         out.getRank() > 0 && in.getShape().back() == out.getShape().back() &&
         sameBesideUnitDims(in.getShape(), out.getShape());
}

/// reshape(matmul(a, b)) -> matmul(reshape(a), b) when the reshape only
/// adds or drops unit dimensions and b is a matrix.
struct UnitReshapeAboveMatMul : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    auto mm = op.getInput().getDefiningOp<MatMulOp>();
    if (!mm || !mm.getOutput().hasOneUse() || !unitReshape(op) ||
        typeOf(mm.getRhs()).getRank() != 2 || typeOf(mm.getLhs()).getRank() < 2 ||
        typeOf(op.getOutput()).getRank() < 2)
      return rewriter.notifyMatchFailure(op, "not a unit reshape of a matrix product");
    SmallVector<int64_t> shape(typeOf(op.getOutput()).getShape());
    shape.back() = typeOf(mm.getLhs()).getShape().back();
    Value lhs = ReshapeOp::create(rewriter, op.getLoc(), typeOf(mm.getLhs()).clone(shape),
                                  mm.getLhs());
    rewriter.replaceOpWithNewOp<MatMulOp>(op, op.getOutput().getType(), lhs, mm.getRhs());
    return success();
  }
};

/// reshape(x + bias) -> reshape(x) + bias (any of add, mul) when the
/// reshape only adds or drops unit dimensions and bias is one vector
/// along the last dimension.
struct UnitReshapeAboveBias : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    auto bin = op.getInput().getDefiningOp<BinaryOp>();
    if (!bin || !bin.getOutput().hasOneUse() || !unitReshape(op) ||
        (bin.getKind() != BinaryKind::add && bin.getKind() != BinaryKind::mul))
      return rewriter.notifyMatchFailure(op, "not a unit reshape of an add or mul");
    int64_t n = typeOf(op.getOutput()).getShape().back();
    for (auto [x, v] : {std::pair(bin.getLhs(), bin.getRhs()),
                        std::pair(bin.getRhs(), bin.getLhs())}) {
      if (x.getType() != bin.getOutput().getType() || typeOf(v).getRank() != 1 ||
          typeOf(v).getShape()[0] != n)
        continue;
      Value moved = ReshapeOp::create(rewriter, op.getLoc(), op.getOutput().getType(), x);
      Value lhs = moved, rhs = v;
      if (bin.getLhs() == v)
        std::swap(lhs, rhs);
      rewriter.replaceOpWithNewOp<BinaryOp>(op, op.getOutput().getType(), bin.getKind(),
                                            lhs, rhs);
      return success();
    }
    return rewriter.notifyMatchFailure(op, "no operand is a vector along the last axis");
  }
};

/// x + reshape(product) -> reshape(reshape(x) + product) when the reshape
/// only adds or drops unit dimensions: the add joins the product's
/// epilogue (a 2-D Gemm cannot take the reshape itself). Not when x is a
/// product too (the rewrite would then apply to its own result forever).
struct UnitReshapeBelowResidual : OpRewritePattern<BinaryOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BinaryOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getKind() != BinaryKind::add)
      return rewriter.notifyMatchFailure(op, "not an add");
    for (auto [x, r] : {std::pair(op.getLhs(), op.getRhs()),
                        std::pair(op.getRhs(), op.getLhs())}) {
      auto reshape = r.getDefiningOp<ReshapeOp>();
      if (!reshape || !unitReshape(reshape) || !reshape.getOutput().hasOneUse() ||
          x.getType() != op.getOutput().getType() || r.getType() != x.getType() ||
          x.getDefiningOp<ReshapeOp>() ||
          llvm::isa_and_present<GemmOp, MatMulOp>(x.getDefiningOp()) ||
          !llvm::isa_and_present<GemmOp, MatMulOp>(reshape.getInput().getDefiningOp()))
        continue;
      Value y = reshape.getInput();
      Value xr = ReshapeOp::create(rewriter, op.getLoc(), y.getType(), x);
      Value lhs = xr, rhs = y;
      if (op.getLhs() == r)
        std::swap(lhs, rhs);
      Value sum = BinaryOp::create(rewriter, op.getLoc(), y.getType(), op.getKind(), lhs, rhs);
      rewriter.replaceOpWithNewOp<ReshapeOp>(op, op.getOutput().getType(), sum);
      return success();
    }
    return rewriter.notifyMatchFailure(op, "no operand is a unit reshape of a product");
  }
};

struct SimplifyLayoutPass
    : infer::impl::InferSimplifyLayoutBase<SimplifyLayoutPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateSimplifyLayoutPatterns(patterns);
    populateEpilogueLayoutPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void mlir::infer::populateSimplifyLayoutPatterns(RewritePatternSet &patterns) {
  patterns.add<ComposeTransposes, ComposeReshapes, UnitTransposeToReshape,
               SplitToSlices>(patterns.getContext());
}

void mlir::infer::populateEpilogueLayoutPatterns(RewritePatternSet &patterns) {
  patterns.add<ScalarScaleBelowLayout<TransposeOp>, ScalarScaleBelowLayout<ReshapeOp>,
               ScalarScaleBelowMatMul, UnitReshapeAboveMatMul, UnitReshapeAboveBias,
               UnitReshapeBelowResidual>(patterns.getContext());
}
