//===- RecognizeActivations.cpp - One op per exported activation ----------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Exporters spell SiLU, GELU and HardSwish as small graphs of Mul, Div, Add,
// Erf, Tanh, Pow and Sigmoid. Recognized as one `infer.unary`, each is one
// step of an anchor's epilogue and one evaluation per element.
//
//===----------------------------------------------------------------------===//

#include "transforms/Passes.h"
#include "transforms/ConstantValues.h"


#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>
#include <optional>

namespace mlir::infer {
#define GEN_PASS_DEF_INFERRECOGNIZEACTIVATIONS
#include "transforms/Passes.h.inc"
} // namespace mlir::infer

using namespace mlir;
using namespace mlir::infer;

namespace {
bool near(std::optional<double> v, double want) {
  return v && std::abs(*v - want) <= 1e-3 * std::abs(want);
}

/// `v`'s defining op of type OpTy when it has no other user than the
/// pattern (one use), or null.
template <typename OpTy>
OpTy inner(Value v) {
  auto op = v.getDefiningOp<OpTy>();
  return op && v.hasOneUse() ? op : OpTy();
}

UnaryOp innerUnary(Value v, UnaryKind kind) {
  auto u = inner<UnaryOp>(v);
  return u && u.getKind() == kind ? u : UnaryOp();
}

BinaryOp innerBinary(Value v, BinaryKind kind) {
  auto b = inner<BinaryOp>(v);
  return b && b.getKind() == kind ? b : BinaryOp();
}

/// A product of factors: the values multiplied, the constant scalar they
/// are scaled by, and the ops that form the product.
struct Product {
  SmallVector<Value> factors;
  double scale = 1.0;
  SmallVector<Operation *> ops;
};

/// Flattens single-use mul (and div by a constant) trees under `root`.
void flatten(Value v, bool isRoot, Product &p) {
  auto bin = isRoot ? v.getDefiningOp<BinaryOp>() : inner<BinaryOp>(v);
  if (bin && bin.getKind() == BinaryKind::mul) {
    p.ops.push_back(bin);
    for (Value side : {bin.getLhs(), bin.getRhs()}) {
      if (std::optional<double> k = scalarConstant(side))
        p.scale *= *k;
      else
        flatten(side, false, p);
    }
    return;
  }
  if (bin && bin.getKind() == BinaryKind::div) {
    std::optional<double> k = scalarConstant(bin.getRhs());
    if (k && *k != 0) {
      p.ops.push_back(bin);
      p.scale /= *k;
      flatten(bin.getLhs(), false, p);
      return;
    }
  }
  p.factors.push_back(v);
}

/// `x * k` or `x / (1/k)`: returns x when the scale is near `k`.
Value scaledBy(Value v, double k) {
  Product p;
  flatten(v, false, p);
  if (p.factors.size() != 1 || !near(p.scale, k) || p.ops.empty())
    return Value();
  return p.factors.front();
}

/// `a + 1` or `1 + a`: returns a.
Value plusOne(Value v) {
  BinaryOp add = innerBinary(v, BinaryKind::add);
  if (!add)
    return Value();
  if (near(scalarConstant(add.getRhs()), 1.0))
    return add.getLhs();
  if (near(scalarConstant(add.getLhs()), 1.0))
    return add.getRhs();
  return Value();
}

/// x^3 as pow(x, 3) or x * x * x.
bool isCube(Value v, Value x) {
  if (BinaryOp pow = innerBinary(v, BinaryKind::pow))
    return pow.getLhs() == x && near(scalarConstant(pow.getRhs()), 3.0);
  Product p;
  flatten(v, false, p);
  return !p.ops.empty() && near(p.scale, 1.0) && p.factors.size() == 3 &&
         llvm::all_of(p.factors, [&](Value f) { return f == x; });
}

/// The pair (x, other) among two factors where other's pattern uses x.
template <typename Fn>
std::optional<UnaryKind> matchPair(const Product &p, Value &x, Fn match) {
  if (p.factors.size() != 2)
    return std::nullopt;
  for (int i = 0; i < 2; ++i) {
    Value a = p.factors[i], b = p.factors[1 - i];
    if (std::optional<UnaryKind> k = match(a, b)) {
      x = a;
      return k;
    }
  }
  return std::nullopt;
}

struct RecognizeActivation : OpRewritePattern<BinaryOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(BinaryOp root,
                                PatternRewriter &rewriter) const override {
    if (root.getKind() != BinaryKind::mul && root.getKind() != BinaryKind::div)
      return rewriter.notifyMatchFailure(root, "not a product");
    if (!llvm::isa<FloatType>(root.getOutput().getType().getElementType()))
      return rewriter.notifyMatchFailure(root, "not a float product");
    Product p;
    flatten(root.getOutput(), true, p);
    Value x;
    std::optional<UnaryKind> kind = matchPair(p, x, [&](Value a, Value b)
                                              -> std::optional<UnaryKind> {
      if (a.getType() != root.getOutput().getType())
        return std::nullopt;
      // silu: x * sigmoid(x)
      if (UnaryOp s = innerUnary(b, UnaryKind::sigmoid))
        if (s.getInput() == a && near(p.scale, 1.0))
          return UnaryKind::silu;
      // hard_swish: x * hard_sigmoid(x; 1/6, 1/2)
      if (UnaryOp s = innerUnary(b, UnaryKind::hard_sigmoid))
        if (s.getInput() == a && near(p.scale, 1.0) && s.getAlpha() &&
            s.getBeta() && near(s.getAlpha()->convertToDouble(), 1.0 / 6) &&
            near(s.getBeta()->convertToDouble(), 0.5))
          return UnaryKind::hard_swish;
      // hard_swish: x * clip(x + 3, 0, 6) / 6
      if (UnaryOp c = innerUnary(b, UnaryKind::clip))
        if (near(p.scale, 1.0 / 6) && c.getAlpha() && c.getBeta() &&
            c.getAlpha()->convertToDouble() == 0 &&
            near(c.getBeta()->convertToDouble(), 6.0))
          if (BinaryOp add = innerBinary(c.getInput(), BinaryKind::add))
            if ((add.getLhs() == a && near(scalarConstant(add.getRhs()), 3.0)) ||
                (add.getRhs() == a && near(scalarConstant(add.getLhs()), 3.0)))
              return UnaryKind::hard_swish;
      if (!near(p.scale, 0.5))
        return std::nullopt;
      Value t = plusOne(b);
      if (!t)
        return std::nullopt;
      // gelu: 0.5 * x * (1 + erf(x / sqrt(2)))
      if (UnaryOp erf = innerUnary(t, UnaryKind::erf))
        if (scaledBy(erf.getInput(), 1.0 / std::sqrt(2.0)) == a)
          return UnaryKind::gelu;
      // gelu_tanh: 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3)))
      if (UnaryOp th = innerUnary(t, UnaryKind::tanh)) {
        Value sum = scaledBy(th.getInput(), std::sqrt(2.0 / M_PI));
        BinaryOp add = sum ? innerBinary(sum, BinaryKind::add) : BinaryOp();
        if (add)
          for (auto [lin, cub] : {std::pair(add.getLhs(), add.getRhs()),
                                  std::pair(add.getRhs(), add.getLhs())}) {
            Value cube = lin == a ? scaledBy(cub, 0.044715) : Value();
            if (cube && isCube(cube, a))
              return UnaryKind::gelu_tanh;
          }
      }
      return std::nullopt;
    });
    if (!kind)
      return rewriter.notifyMatchFailure(root, "no activation pattern");
    // Provenance: every node of the pattern.
    SmallVector<Location> locs{root.getLoc()};
    llvm::SmallPtrSet<Operation *, 16> seen;
    SmallVector<Value> work{root.getOutput()};
    while (!work.empty()) {
      Value v = work.pop_back_val();
      Operation *def = v.getDefiningOp();
      if (!def || v == x || llvm::isa<ConstantOp>(def) || !seen.insert(def).second)
        continue;
      locs.push_back(def->getLoc());
      for (Value o : def->getOperands())
        work.push_back(o);
    }
    auto act = UnaryOp::create(rewriter, FusedLoc::get(getContext(), locs),
                               root.getOutput().getType(), *kind, x,
                               FloatAttr(), FloatAttr());
    rewriter.replaceOp(root, act.getOutput());
    return success();
  }
};

struct RecognizeActivationsPass
    : infer::impl::InferRecognizeActivationsBase<RecognizeActivationsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateRecognizeActivationsPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void mlir::infer::populateRecognizeActivationsPatterns(
    RewritePatternSet &patterns) {
  patterns.add<RecognizeActivation>(patterns.getContext());
}
