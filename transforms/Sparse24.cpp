//===- Sparse24.cpp - 2:4 structured sparsity made visible ----------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Finds the constant weights of matrix products and convolutions that hold
// NVIDIA's 2:4 pattern along the reduction dimension (two non-zeros in
// every four consecutive values, as ASP, ModelOpt and torch.ao prune) and
// rewrites those of matrix products into `infer.sparse24`: the kept values
// and their positions, with the output channels as rows (a `K x N` weight
// becomes the transpose of that). Every contraction is logged in the
// module's `infer.sparsity`: 2:4 used, declined with the reason, or dense,
// with its count of zero weights (the unstructured zeros nothing exploits).
//
// `mode=force` first prunes every eligible weight by magnitude (the two
// largest of every four). `decline=REASON` (targets without sparse
// kernels) logs the eligible weights as declined instead of rewriting them.
//
//===----------------------------------------------------------------------===//

#include "transforms/Passes.h"
#include "transforms/ConstantValues.h"

#include "ir/ConstantView.h"
#include "ir/Sparse24.h"
#include "ir/SparsityLog.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

#include <cmath>
#include <optional>

namespace mlir::infer {
#define GEN_PASS_DEF_INFERSPARSE24
#include "transforms/Passes.h.inc"
} // namespace mlir::infer

using namespace mlir;
using namespace mlir::infer;

namespace {
RankedTensorType typeOf(Value v) {
  return llvm::cast<RankedTensorType>(v.getType());
}

/// Where a weight's elements are: element (n, k, t) of output channel n,
/// reduction index k (grouped in fours) and window tap t is at
/// n * sn + k * sk + t * st.
struct WeightLayout {
  int64_t n = 0, k = 0, taps = 1;
  int64_t sn = 0, sk = 0, st = 0;
  /// The weight is `N x K` (rows are output channels): it becomes an
  /// infer.sparse24 directly; a `K x N` one through a transpose. Convolution
  /// weights are not rewritten.
  bool rowsAreOutputs = false;
  bool matrix = true;

  int64_t at(int64_t n, int64_t k, int64_t t) const {
    return n * sn + k * sk + t * st;
  }

  static WeightLayout rows(int64_t n, int64_t k) {
    return {n, k, 1, k, 1, 0, true, true};
  }
  static WeightLayout columns(int64_t k, int64_t n) {
    return {n, k, 1, 1, n, 0, false, true};
  }
};

/// The contraction's constant weight and its layout, or the reason it has
/// none that 2:4 could apply to.
struct Candidate {
  OpOperand *weight = nullptr;
  WeightLayout layout;
  std::string declined;
};

/// Whether `w` is already a 2:4 weight (infer.sparse24, or its transpose).
bool isSparseWeight(Value w) {
  if (auto t = w.getDefiningOp<TransposeOp>())
    w = t.getInput();
  return w.getDefiningOp<Sparse24Op>() != nullptr;
}

std::optional<Candidate> candidateOf(Operation *op) {
  Candidate c;
  if (llvm::isa<MatMulOp, GemmOp>(op) && isSparseWeight(op->getOperand(1)))
    return std::nullopt;
  if (auto mm = llvm::dyn_cast<MatMulOp>(op)) {
    if (!isFloatConstant(mm.getRhs())) {
      c.declined = "activation operand: both operands are computed at run time";
      return c;
    }
    ArrayRef<int64_t> s = typeOf(mm.getRhs()).getShape();
    if (s.size() != 2) {
      c.declined = "batched weight";
      return c;
    }
    c.weight = &mm.getRhsMutable();
    c.layout = WeightLayout::columns(s[0], s[1]);
    return c;
  }
  if (auto gemm = llvm::dyn_cast<GemmOp>(op)) {
    if (!isFloatConstant(gemm.getB())) {
      c.declined = "activation operand: both operands are computed at run time";
      return c;
    }
    ArrayRef<int64_t> s = typeOf(gemm.getB()).getShape();
    c.weight = &gemm.getBMutable();
    c.layout = gemm.getTransB() ? WeightLayout::rows(s[0], s[1])
                                : WeightLayout::columns(s[0], s[1]);
    return c;
  }
  if (auto conv = llvm::dyn_cast<ConvOp>(op)) {
    if (!isFloatConstant(conv.getWeight()))
      return std::nullopt;
    if (conv.getGroup() != 1) {
      c.declined = "grouped or depthwise convolution";
      return c;
    }
    ArrayRef<int64_t> s = typeOf(conv.getWeight()).getShape();
    int64_t taps = 1;
    for (int64_t d : s.drop_front(2))
      taps *= d;
    c.weight = &conv.getWeightMutable();
    c.layout = {s[0], s[1], taps, s[1] * taps, taps, 1, false, false};
    return c;
  }
  return std::nullopt;
}

/// Whether every group of four along K holds at most two non-zeros.
bool isTwoOfFour(const ConstantView &w, const WeightLayout &l) {
  for (int64_t n = 0; n < l.n; ++n)
    for (int64_t t = 0; t < l.taps; ++t)
      for (int64_t g = 0; g < l.k / 4; ++g) {
        int nonZero = 0;
        for (int64_t j = 0; j < 4; ++j)
          nonZero += w.getDouble(l.at(n, 4 * g + j, t)) != 0.0;
        if (nonZero > 2)
          return false;
      }
  return true;
}

/// The two positions of group g kept: its non-zeros, the largest by
/// magnitude when there are more than two (the lower position on ties),
/// padded with the first zero positions; in increasing order.
std::pair<unsigned, unsigned> keptPositions(const ConstantView &w,
                                            const WeightLayout &l, int64_t n,
                                            int64_t g, int64_t t) {
  // NaN counts as the largest (kept, never silently dropped).
  double mag[4];
  for (int64_t j = 0; j < 4; ++j) {
    double v = w.getDouble(l.at(n, 4 * g + j, t));
    mag[j] = std::isnan(v) ? INFINITY : std::fabs(v);
  }
  unsigned best = 0;
  for (unsigned j = 1; j < 4; ++j)
    if (mag[j] > mag[best])
      best = j;
  unsigned second = best == 0 ? 1 : 0;
  for (unsigned j = 0; j < 4; ++j)
    if (j != best && mag[j] > mag[second])
      second = j;
  return {std::min(best, second), std::max(best, second)};
}

/// The weight with all but the two largest of every four along K zeroed.
Value pruned(OpBuilder &b, Location loc, const ConstantView &w,
             const WeightLayout &l, int64_t &zeroed) {
  ConstantBuilder nb(w.getType());
  for (int64_t i = 0; i < w.size(); ++i)
    nb.setDouble(i, w.getDouble(i));
  for (int64_t n = 0; n < l.n; ++n)
    for (int64_t t = 0; t < l.taps; ++t)
      for (int64_t g = 0; g < l.k / 4; ++g) {
        auto [i0, i1] = keptPositions(w, l, n, g, t);
        for (unsigned j = 0; j < 4; ++j) {
          int64_t at = l.at(n, 4 * g + j, t);
          if (j != i0 && j != i1 && w.getDouble(at) != 0.0) {
            nb.setDouble(at, 0.0);
            ++zeroed;
          }
        }
      }
  return ConstantOp::create(b, loc, nb.finish("pruned_24")).getResult();
}

/// The infer.sparse24 (and transpose, for a K x N weight) computing the
/// 2:4 weight `w` of a matrix product.
Value compressed(OpBuilder &b, Location loc, const ConstantView &w,
                 const WeightLayout &l) {
  Type et = w.getElementType();
  auto valuesType = RankedTensorType::get({l.n, l.k / 2}, et);
  auto metaType = RankedTensorType::get({l.n, l.k / 16}, b.getI16Type());
  ConstantBuilder values(valuesType), meta(metaType);
  for (int64_t n = 0; n < l.n; ++n)
    for (int64_t w16 = 0; w16 < l.k / 16; ++w16) {
      unsigned word = 0;
      for (int64_t q = 0; q < 4; ++q) {
        int64_t g = 4 * w16 + q;
        auto [i0, i1] = keptPositions(w, l, n, g, 0);
        word |= sparse24Code(i0, i1) << (4 * q);
        values.setDouble(n * l.k / 2 + 2 * g, w.getDouble(l.at(n, 4 * g + i0, 0)));
        values.setDouble(n * l.k / 2 + 2 * g + 1,
                         w.getDouble(l.at(n, 4 * g + i1, 0)));
      }
      meta.setInt(n * l.k / 16 + w16, static_cast<int16_t>(word));
    }
  Value v = ConstantOp::create(b, loc, values.finish("sparse24_values"));
  Value m = ConstantOp::create(b, loc, meta.finish("sparse24_meta"));
  Value dense = Sparse24Op::create(b, loc, RankedTensorType::get({l.n, l.k}, et),
                                   v, m);
  if (l.rowsAreOutputs)
    return dense;
  return TransposeOp::create(b, loc, RankedTensorType::get({l.k, l.n}, et),
                             dense, b.getDenseI64ArrayAttr({1, 0}));
}

struct Sparse24Pass : infer::impl::InferSparse24Base<Sparse24Pass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (mode != "enable" && mode != "force") {
      module.emitError("infer-sparse24: mode must be 'enable' or 'force', not '")
          << mode << "'";
      return signalPassFailure();
    }
    SmallVector<Operation *> ops;
    module.walk([&](Operation *op) {
      if (llvm::isa<MatMulOp, GemmOp, ConvOp>(op))
        ops.push_back(op);
    });
    OpBuilder b(module.getContext());
    SmallVector<Attribute> log;
    for (Operation *op : ops)
      visit(b, op, log);
    appendSparsityLog(module, log);
  }

  void visit(OpBuilder &b, Operation *op, SmallVectorImpl<Attribute> &entries) {
    std::optional<Candidate> c = candidateOf(op);
    if (!c)
      return;
    NamedAttrList fields;
    auto log = [&](StringRef kind, StringRef reason) {
      if (!reason.empty())
        fields.set("reason", b.getStringAttr(reason));
      entries.push_back(sparsityEntry(op, kind, fields));
    };
    if (!c->weight) {
      log("declined", c->declined);
      return;
    }
    std::optional<ConstantView> w =
        ConstantView::get(c->weight->get().getDefiningOp<ConstantOp>().getValue());
    if (!w)
      return;
    const WeightLayout &l = c->layout;
    int64_t zeros = 0;
    for (int64_t i = 0; i < w->size(); ++i)
      zeros += w->getDouble(i) == 0.0;
    fields.set("weights", b.getI64IntegerAttr(w->size()));
    fields.set("zeros", b.getI64IntegerAttr(zeros));
    fields.set("k", b.getI64IntegerAttr(l.k));
    if (!c->declined.empty()) {
      log("declined", c->declined);
      return;
    }
    if (l.k % 4 != 0) {
      // Not 2:4 by construction: only worth a reason when asked to force.
      if (mode == "force")
        log("declined", "K (" + std::to_string(l.k) +
                            ") is not a multiple of 4: no groups of four");
      else
        log("dense", "");
      return;
    }
    b.setInsertionPoint(op);
    Location loc = op->getLoc();
    std::optional<ConstantView> current = w;
    if (mode == "force" && !isTwoOfFour(*w, l)) {
      int64_t zeroed = 0;
      c->weight->set(pruned(b, loc, *w, l, zeroed));
      current = ConstantView::get(
          c->weight->get().getDefiningOp<ConstantOp>().getValue());
      fields.set("forced", b.getI64IntegerAttr(zeroed));
      fields.set("zeros", b.getI64IntegerAttr(zeros + zeroed));
    } else if (!isTwoOfFour(*w, l)) {
      log("dense", "");
      return;
    }
    if (l.k % 16 != 0) {
      log("declined", "K (" + std::to_string(l.k) +
                          ") is not a multiple of 16, the sparse tile");
      return;
    }
    if (!l.matrix) {
      log("declined", decline.empty()
                          ? std::string("convolution: run infer-conv-to-gemm "
                                        "first (a GEMM weight is rewritten)")
                          : decline.getValue());
      return;
    }
    if (!decline.empty()) {
      log("declined", decline);
      return;
    }
    c->weight->set(compressed(b, loc, *current, l));
    log("2:4", "");
  }
};
} // namespace
