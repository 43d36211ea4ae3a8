//===- PadAnalysis.cpp - Which dynamic dimensions may be padded -----------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "transforms/PadAnalysis.h"

#include "ir/ConstantView.h"
#include "ir/InferOps.h"
#include "ir/Provenance.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "llvm/ADT/DenseMap.h"

#include <cmath>
#include <cstring>
#include <set>

using namespace mlir;
using namespace mlir::infer;

namespace {

/// Below this, exp(x - max) is exactly 0 in fp32 and fp16 for any finite
/// scores of ordinary magnitude: a masked position.
constexpr double kMaskedBias = -1e4;

struct Factor {
  int sym = -1; ///< -1: a static factor of `size`
  int64_t size = 1;
  bool operator==(const Factor &o) const { return sym == o.sym && size == o.size; }
};

/// What padded positions along an axis hold.
struct Pad {
  enum Kind { Any, Known, NegLarge } kind = Any;
  double value = 0;
  static Pad known(double v) { return {Known, v}; }
  bool isKnown() const { return kind == Known; }
  bool negLarge() const { return kind == NegLarge || (kind == Known && value <= kMaskedBias); }
  bool zero() const { return kind == Known && value == 0; }
};

struct Axis {
  SmallVector<Factor, 2> factors;
  Pad pad;
  bool tagged() const {
    return llvm::any_of(factors, [](const Factor &f) { return f.sym >= 0; });
  }
};

struct State {
  SmallVector<Axis, 4> axes;
  /// Every element holds `splat` (a splat constant, or one computed from
  /// splats): its axes broadcast against anything.
  bool uniform = false;
  double splat = 0;
};

/// Consecutive static factors merged, ones dropped: one spelling per axis.
SmallVector<Factor, 2> normalize(ArrayRef<Factor> in) {
  SmallVector<Factor, 2> out;
  for (const Factor &f : in) {
    if (f.sym < 0 && f.size == 1)
      continue;
    if (f.sym < 0 && !out.empty() && out.back().sym < 0)
      out.back().size *= f.size;
    else
      out.push_back(f);
  }
  if (out.empty())
    out.push_back({-1, 1});
  return out;
}

Pad join(const Pad &a, const Pad &b) {
  if (a.kind == Pad::Known && b.kind == Pad::Known && a.value == b.value)
    return a;
  if (a.negLarge() && b.negLarge())
    return {Pad::NegLarge, 0};
  return {};
}

class Analyzer {
public:
  explicit Analyzer(const PadAnalysisInput &in) : in(in) {
    result.unpaddable.assign(in.valuesA.size(), "");
  }

  PadAnalysisResult run();

private:
  State stateOf(Value v) {
    auto it = states.find(v);
    if (it != states.end())
      return it->second;
    State s;
    if (auto t = dyn_cast<RankedTensorType>(v.getType()))
      for (int64_t d : t.getShape()) {
        Axis a;
        a.factors.push_back({-1, d});
        s.axes.push_back(a);
      }
    return s;
  }
  static std::set<int> symbolsOf(const Axis &a) {
    std::set<int> s;
    for (const Factor &f : a.factors)
      if (f.sym >= 0)
        s.insert(f.sym);
    return s;
  }
  static std::set<int> symbolsOf(const State &st) {
    std::set<int> s;
    for (const Axis &a : st.axes)
      for (int k : symbolsOf(a))
        s.insert(k);
    return s;
  }
  void block(int sym, Operation *op, const std::string &what) {
    if (sym < 0 || !result.unpaddable[sym].empty())
      return;
    std::string where = describeNodes(op->getLoc());
    result.unpaddable[sym] =
        (where.empty() ? std::string("op '") + op->getName().getStringRef().str() + "'"
                       : where) +
        ": " + what;
  }
  void block(const std::set<int> &syms, Operation *op, const std::string &what) {
    for (int k : syms)
      block(k, op, what);
  }
  void blockOperands(Operation *op, const std::string &what) {
    for (Value v : op->getOperands())
      block(symbolsOf(stateOf(v)), op, what);
  }

  void elementwise(Operation *op, ValueRange operands, Value resultValue);
  Pad evaluate(Operation *op, ArrayRef<Pad> pads);
  void reshape(Operation *op, Value input, Value output);
  void matmul(Operation *op, Value lhs, Value rhs, Value out);
  void constant(ConstantOp op, size_t index);
  /// The paired op's result type in b[k], when the pairing holds.
  RankedTensorType pairedType(size_t index, int k, unsigned result);
  void visit(Operation *op, size_t index);

  const PadAnalysisInput &in;
  PadAnalysisResult result;
  llvm::DenseMap<Value, State> states;
  /// a's ops in order, and b[k]'s (empty where the structure differs).
  std::vector<Operation *> opsA;
  std::vector<std::vector<Operation *>> opsB;
};

RankedTensorType Analyzer::pairedType(size_t index, int k, unsigned r) {
  if (opsB[k].empty() || index >= opsB[k].size() || r >= opsB[k][index]->getNumResults())
    return nullptr;
  return dyn_cast<RankedTensorType>(opsB[k][index]->getResult(r).getType());
}

Pad Analyzer::evaluate(Operation *op, ArrayRef<Pad> pads) {
  auto allKnown = llvm::all_of(pads, [](const Pad &p) { return p.isKnown(); });
  if (auto b = dyn_cast<BinaryOp>(op)) {
    StringRef kind = stringifyBinaryKind(b.getKind());
    const Pad &l = pads[0], &r = pads[1];
    if (allKnown) {
      double x = l.value, y = r.value;
      if (kind == "add") return Pad::known(x + y);
      if (kind == "sub") return Pad::known(x - y);
      if (kind == "mul") return Pad::known(x * y);
      if (kind == "div" && y != 0) return Pad::known(x / y);
      if (kind == "max") return Pad::known(std::max(x, y));
      if (kind == "min") return Pad::known(std::min(x, y));
      if (kind == "equal") return Pad::known(x == y);
      if (kind == "greater") return Pad::known(x > y);
      if (kind == "less") return Pad::known(x < y);
      if (kind == "greater_equal") return Pad::known(x >= y);
      if (kind == "less_equal") return Pad::known(x <= y);
      if (kind == "and" || kind == "and_") return Pad::known(x != 0 && y != 0);
      if (kind == "or" || kind == "or_") return Pad::known(x != 0 || y != 0);
      return {};
    }
    // A very negative bias stays one through additions of finite values
    // and scaling by at least 1.
    if (kind == "add" && (l.negLarge() || r.negLarge()) &&
        !(l.isKnown() && l.value > 0 && std::isinf(l.value)) &&
        !(r.isKnown() && r.value > 0 && std::isinf(r.value)))
      return {Pad::NegLarge, 0};
    if (kind == "sub" && l.negLarge() && !r.negLarge() &&
        !(r.isKnown() && std::isinf(r.value)))
      return {Pad::NegLarge, 0};
    if (kind == "mul" && ((l.negLarge() && r.isKnown() && r.value >= 1) ||
                          (r.negLarge() && l.isKnown() && l.value >= 1)))
      return {Pad::NegLarge, 0};
    if (kind == "div" && l.negLarge() && r.isKnown() && r.value > 0 && r.value <= 1)
      return {Pad::NegLarge, 0};
    return {};
  }
  if (isa<WhereOp>(op)) {
    if (pads[0].isKnown())
      return pads[0].value != 0 ? pads[1] : pads[2];
    return join(pads[1], pads[2]);
  }
  if (auto c = dyn_cast<CastOp>(op)) {
    if (!pads[0].isKnown())
      return pads[0].negLarge() && isa<FloatType>(
                                       cast<ShapedType>(c.getType()).getElementType())
                 ? pads[0]
                 : Pad();
    Type et = cast<ShapedType>(c.getType()).getElementType();
    double v = pads[0].value;
    if (et.isInteger(1))
      return Pad::known(v != 0);
    if (isa<IntegerType>(et))
      return std::isfinite(v) ? Pad::known(std::trunc(v)) : Pad();
    return Pad::known(v);
  }
  if (auto u = dyn_cast<UnaryOp>(op)) {
    if (!pads[0].isKnown())
      return {};
    StringRef kind = stringifyUnaryKind(u.getKind());
    double v = pads[0].value;
    if (kind == "identity") return pads[0];
    if (kind == "neg") return Pad::known(-v);
    if (kind == "abs") return Pad::known(std::fabs(v));
    if (kind == "not" || kind == "not_") return Pad::known(v == 0);
    if (kind == "relu") return Pad::known(v > 0 ? v : 0);
    if (kind == "exp") return Pad::known(std::exp(v));
    if (kind == "floor") return Pad::known(std::floor(v));
    if (kind == "ceil") return Pad::known(std::ceil(v));
    return {};
  }
  return {};
}

void Analyzer::elementwise(Operation *op, ValueRange operands, Value out) {
  auto type = cast<RankedTensorType>(out.getType());
  int64_t rank = type.getRank();
  State res;
  std::vector<State> ins;
  for (Value v : operands)
    ins.push_back(stateOf(v));
  res.uniform = !ins.empty() && llvm::all_of(ins, [](const State &s) { return s.uniform; });
  if (res.uniform) {
    SmallVector<Pad> splats;
    for (const State &s : ins)
      splats.push_back(Pad::known(s.splat));
    Pad p = evaluate(op, splats);
    res.uniform = p.isKnown();
    res.splat = p.value;
  }
  for (int64_t r = 0; r < rank; ++r) {
    int64_t size = type.getDimSize(r);
    const SmallVector<Factor, 2> *chosen = nullptr;
    SmallVector<Pad> pads;
    std::set<int> syms;
    bool disagree = false;
    for (size_t i = 0; i < ins.size(); ++i) {
      const State &s = ins[i];
      int64_t ax = r - (rank - static_cast<int64_t>(s.axes.size()));
      auto operandType = cast<RankedTensorType>(operands[i].getType());
      if (ax < 0 || s.uniform ||
          (operandType.getDimSize(ax) == 1 && size != 1)) {
        // Broadcast along this axis: padded positions see the same value
        // as real ones; a uniform operand's is known.
        pads.push_back(s.uniform ? Pad::known(s.splat) : Pad());
        continue;
      }
      const Axis &a = s.axes[ax];
      for (int k : symbolsOf(a))
        syms.insert(k);
      pads.push_back(a.pad);
      if (!chosen)
        chosen = &a.factors;
      else if (normalize(*chosen) != normalize(a.factors))
        disagree = true;
    }
    if (disagree)
      block(syms, op, "its operands disagree on which dimension axis " + std::to_string(r) +
                          " is");
    Axis a;
    a.factors = chosen ? normalize(*chosen) : normalize({{-1, size}});
    a.pad = evaluate(op, pads);
    res.axes.push_back(a);
  }
  states[out] = res;
}

void Analyzer::reshape(Operation *op, Value input, Value output) {
  State s = stateOf(input);
  auto outType = cast<RankedTensorType>(output.getType());
  State res;
  res.uniform = s.uniform;
  res.splat = s.splat;
  std::vector<Factor> seq;
  std::map<int, Pad> padOf;
  for (const Axis &a : s.axes) {
    for (const Factor &f : normalize(a.factors))
      if (f.sym >= 0 || f.size != 1)
        seq.push_back(f);
    for (int k : symbolsOf(a))
      padOf[k] = a.pad;
  }
  for (Factor &f : seq)
    if (f.sym >= 0)
      f.size = in.valuesA[f.sym];
  size_t next = 0;
  bool ok = true;
  for (int64_t d : outType.getShape()) {
    Axis a;
    int64_t p = 1;
    while (ok && p < d) {
      if (next >= seq.size()) {
        ok = false;
        break;
      }
      Factor &f = seq[next];
      if (f.sym >= 0) {
        if (d % (p * f.size) != 0) {
          ok = false;
          break;
        }
        a.factors.push_back(f);
        p *= f.size;
        ++next;
        continue;
      }
      int64_t need = d / p;
      if (d % p == 0 && need % f.size == 0) {
        a.factors.push_back(f);
        p *= f.size;
        ++next;
      } else if (d % p == 0 && f.size % need == 0) {
        a.factors.push_back({-1, need});
        f.size /= need;
        p = d;
      } else {
        ok = false;
      }
    }
    if (!ok)
      break;
    a.factors = normalize(a.factors);
    std::set<int> syms = symbolsOf(a);
    if (!syms.empty()) {
      a.pad = padOf[*syms.begin()];
      for (int k : syms)
        a.pad = join(a.pad, padOf[k]);
    }
    res.axes.push_back(a);
  }
  if (!ok || next != seq.size()) {
    block(symbolsOf(s), op, "a reshape splits a dynamic dimension");
    states[output] = stateOf(output);
    return;
  }
  states[output] = res;
}

void Analyzer::matmul(Operation *op, Value lhs, Value rhs, Value out) {
  State l = stateOf(lhs), r = stateOf(rhs);
  bool lVec = l.axes.size() == 1, rVec = r.axes.size() == 1;
  if (lVec)
    l.axes.insert(l.axes.begin(), Axis{{{-1, 1}}, {}});
  if (rVec)
    r.axes.push_back(Axis{{{-1, 1}}, {}});
  Axis &lk = l.axes.back(), &rk = r.axes[r.axes.size() - 2];
  std::set<int> ks = symbolsOf(lk);
  for (int k : symbolsOf(rk))
    ks.insert(k);
  if (!l.uniform && !r.uniform && normalize(lk.factors) != normalize(rk.factors))
    block(ks, op, "its operands disagree on the contracted dimension");
  else if (!ks.empty() && !lk.pad.zero() && !rk.pad.zero())
    block(ks, op,
          "it sums over a dynamic dimension whose padded entries are not known to be zero");
  State res;
  auto outType = cast<RankedTensorType>(out.getType());
  int64_t batch = outType.getRank() - (lVec ? 0 : 1) - (rVec ? 0 : 1);
  for (int64_t i = 0; i < batch; ++i) {
    // Batch axes broadcast as elementwise ones do.
    Axis a;
    a.factors = {{-1, outType.getDimSize(i)}};
    for (const State *s : {&l, &r}) {
      int64_t ax = i - (batch - static_cast<int64_t>(s->axes.size() - 2));
      if (ax < 0 || s->uniform || s->axes[ax].factors == SmallVector<Factor, 2>{{-1, 1}})
        continue;
      if (a.tagged() && normalize(a.factors) != normalize(s->axes[ax].factors))
        block(symbolsOf(s->axes[ax]), op, "its operands disagree on a batch dimension");
      if (!a.tagged())
        a = s->axes[ax];
    }
    a.pad = {};
    res.axes.push_back(a);
  }
  if (!lVec)
    res.axes.push_back(Axis{l.axes[l.axes.size() - 2].factors, {}});
  if (!rVec)
    res.axes.push_back(Axis{r.axes.back().factors, {}});
  states[out] = res;
}

void Analyzer::constant(ConstantOp op, size_t index) {
  auto typeA = cast<RankedTensorType>(op.getType());
  std::optional<ConstantView> viewA = ConstantView::get(op.getValue());
  State res = stateOf(op.getResult());
  if (viewA && viewA->size() > 0) {
    bool splat = true;
    double first = viewA->getDouble(0);
    // Weights are never splats; stop early on them.
    for (int64_t i = 1; i < viewA->size() && splat; ++i)
      splat = viewA->getDouble(i) == first || (std::isnan(first) && std::isnan(viewA->getDouble(i)));
    res.uniform = splat;
    res.splat = first;
  }
  for (size_t k = 0; k < opsB.size(); ++k) {
    if (opsB[k].empty() || !result.unpaddable[k].empty())
      continue;
    auto other = dyn_cast<ConstantOp>(opsB[k][index]);
    if (!other)
      continue;
    auto typeB = cast<RankedTensorType>(other.getType());
    std::optional<ConstantView> viewB = ConstantView::get(other.getValue());
    if (!viewA || !viewB || typeA.getRank() != typeB.getRank()) {
      block(k, op, "a constant of the graph changes with the dimension");
      continue;
    }
    std::vector<bool> grows(typeA.getRank(), false);
    bool ok = true;
    for (int64_t ax = 0; ax < typeA.getRank(); ++ax) {
      int64_t sa = typeA.getDimSize(ax), sb = typeB.getDimSize(ax);
      if (sa == sb)
        continue;
      int64_t va = in.valuesA[k], vb = in.valuesB[k];
      if (sa % va != 0 || sb % vb != 0 || sa / va != sb / vb || (!res.uniform && sa != va)) {
        ok = false;
        break;
      }
      grows[ax] = true;
      Axis &a = res.axes[ax];
      int64_t cofactor = sa / va;
      SmallVector<Factor, 2> f;
      for (const Factor &old : a.factors)
        if (old.sym >= 0)
          f.push_back(old);
      f.push_back({static_cast<int>(k), va});
      int64_t rest = cofactor;
      for (const Factor &old : f)
        if (old.sym >= 0 && old.sym != static_cast<int>(k))
          rest /= std::max<int64_t>(in.valuesA[old.sym], 1);
      f.push_back({-1, std::max<int64_t>(rest, 1)});
      a.factors = normalize(f);
      if (res.uniform)
        a.pad = Pad::known(res.splat);
    }
    if (ok) {
      // b's values must be a's at the same indices: a prefix, not a
      // length used as a number.
      ArrayRef<int64_t> shapeB = typeB.getShape();
      SmallVector<int64_t> idx(shapeB.size(), 0);
      for (int64_t i = 0; ok && i < viewB->size(); ++i) {
        int64_t flat = 0;
        for (size_t ax = 0; ax < idx.size(); ++ax)
          flat = flat * typeA.getDimSize(ax) + idx[ax];
        double x = viewA->getDouble(flat), y = viewB->getDouble(i);
        ok = x == y || (std::isnan(x) && std::isnan(y));
        for (int64_t ax = static_cast<int64_t>(idx.size()) - 1; ax >= 0; --ax) {
          if (++idx[ax] < shapeB[ax])
            break;
          idx[ax] = 0;
        }
      }
    }
    if (!ok)
      block(k, op, "a constant of the graph changes with the dimension other than by growing "
                   "along it (a size used as a value)");
  }
  states[op.getResult()] = res;
}

void Analyzer::visit(Operation *op, size_t index) {
  auto passThrough = [&](Value from, Value to) {
    State s = stateOf(from);
    for (Axis &a : s.axes)
      a.pad = {};
    states[to] = s;
  };
  // The axes the op reduces or windows over: exact only when untagged.
  auto requireUntagged = [&](Value v, ArrayRef<int64_t> axes, const std::string &what) {
    State s = stateOf(v);
    for (int64_t ax : axes)
      if (ax >= 0 && ax < static_cast<int64_t>(s.axes.size()))
        block(symbolsOf(s.axes[ax]), op, what);
  };
  auto allAxesFrom = [](int64_t first, int64_t rank) {
    SmallVector<int64_t> v;
    for (int64_t i = first; i < rank; ++i)
      v.push_back(i);
    return v;
  };
  auto rankOf = [](Value v) { return cast<RankedTensorType>(v.getType()).getRank(); };

  if (auto c = dyn_cast<ConstantOp>(op))
    return constant(c, index);
  if (isa<BinaryOp, UnaryOp, WhereOp, CastOp, QuantizeOp, DequantizeOp>(op)) {
    for (Type t : {op->getOperand(0).getType(), op->getResult(0).getType()})
      if (auto q = dyn_cast<quant::UniformQuantizedPerAxisType>(
              cast<ShapedType>(t).getElementType()))
        requireUntagged(op->getOperand(0), {q.getQuantizedDimension()},
                        "it quantizes per channel along a dynamic dimension");
    return elementwise(op, op->getOperands(), op->getResult(0));
  }
  if (auto bn = dyn_cast<BatchNormOp>(op)) {
    requireUntagged(bn.getInput(), {1}, "batch normalization's channel axis is dynamic");
    return passThrough(bn.getInput(), bn.getOutput());
  }
  if (auto s = dyn_cast<SoftmaxOp>(op)) {
    State st = stateOf(s.getInput());
    int64_t ax = s.getAxis() < 0 ? s.getAxis() + rankOf(s.getInput()) : s.getAxis();
    State res = st;
    for (Axis &a : res.axes)
      a.pad = {};
    res.uniform = false;
    if (ax >= 0 && ax < static_cast<int64_t>(st.axes.size()) && st.axes[ax].tagged()) {
      if (st.axes[ax].pad.negLarge())
        res.axes[ax].pad = Pad::known(0);
      else
        block(symbolsOf(st.axes[ax]), op,
              "a softmax runs along a dynamic dimension without a mask that gives its padded "
              "positions a bias of -1e4 or less");
    }
    states[s.getOutput()] = res;
    return;
  }
  if (auto s = dyn_cast<LogSoftmaxOp>(op)) {
    int64_t ax = s.getAxis() < 0 ? s.getAxis() + rankOf(s.getInput()) : s.getAxis();
    requireUntagged(s.getInput(), {ax}, "a log-softmax runs along a dynamic dimension");
    return passThrough(s.getInput(), s.getOutput());
  }
  if (auto ln = dyn_cast<LayerNormOp>(op)) {
    int64_t rank = rankOf(ln.getInput());
    int64_t ax = ln.getAxis() < 0 ? ln.getAxis() + rank : ln.getAxis();
    requireUntagged(ln.getInput(), allAxesFrom(ax, rank),
                    "a normalization runs along a dynamic dimension");
    return passThrough(ln.getInput(), ln.getOutput());
  }
  if (auto r = dyn_cast<ReduceOp>(op)) {
    int64_t rank = rankOf(r.getInput());
    SmallVector<int64_t> axes;
    for (int64_t a : r.getAxes())
      axes.push_back(a < 0 ? a + rank : a);
    if (axes.empty())
      axes = allAxesFrom(0, rank);
    requireUntagged(r.getInput(), axes, "a reduction runs along a dynamic dimension");
    State s = stateOf(r.getInput()), res;
    for (int64_t i = 0; i < rank; ++i) {
      bool reduced = llvm::is_contained(axes, i);
      if (!reduced)
        res.axes.push_back(Axis{s.axes[i].factors, {}});
      else if (r.getKeepDims())
        res.axes.push_back(Axis{{{-1, 1}}, {}});
    }
    states[r.getOutput()] = res;
    return;
  }
  if (auto r = dyn_cast<ArgReduceOp>(op)) {
    int64_t rank = rankOf(r.getInput());
    int64_t ax = r.getAxis() < 0 ? r.getAxis() + rank : r.getAxis();
    requireUntagged(r.getInput(), {ax}, "an arg-reduction runs along a dynamic dimension");
    State s = stateOf(r.getInput()), res;
    for (int64_t i = 0; i < rank; ++i)
      if (i != ax)
        res.axes.push_back(Axis{s.axes[i].factors, {}});
      else if (r.getKeepDims())
        res.axes.push_back(Axis{{{-1, 1}}, {}});
    states[r.getOutput()] = res;
    return;
  }
  if (auto t = dyn_cast<TopKOp>(op)) {
    int64_t rank = rankOf(t.getInput());
    int64_t ax = t.getAxis() < 0 ? t.getAxis() + rank : t.getAxis();
    requireUntagged(t.getInput(), {ax}, "a top-k runs along a dynamic dimension");
    passThrough(t.getInput(), t.getValues());
    passThrough(t.getInput(), t.getIndices());
    return;
  }
  if (auto c = dyn_cast<CumSumOp>(op)) {
    int64_t ax = c.getAxis() < 0 ? c.getAxis() + rankOf(c.getInput()) : c.getAxis();
    if (c.getReverse())
      requireUntagged(c.getInput(), {ax}, "a reverse cumulative sum runs along a dynamic "
                                          "dimension");
    return passThrough(c.getInput(), c.getOutput());
  }
  if (auto m = dyn_cast<MatMulOp>(op))
    return matmul(op, m.getLhs(), m.getRhs(), m.getOutput());
  if (auto g = dyn_cast<GemmOp>(op)) {
    State a = stateOf(g.getA()), b = stateOf(g.getB());
    Axis am = a.axes[g.getTransA() ? 1 : 0], ak = a.axes[g.getTransA() ? 0 : 1];
    Axis bk = b.axes[g.getTransB() ? 1 : 0], bn = b.axes[g.getTransB() ? 0 : 1];
    std::set<int> ks = symbolsOf(ak);
    for (int k : symbolsOf(bk))
      ks.insert(k);
    if (!ks.empty() && !ak.pad.zero() && !bk.pad.zero())
      block(ks, op,
            "it sums over a dynamic dimension whose padded entries are not known to be zero");
    if (g.getC()) {
      State c = stateOf(g.getC());
      if (!c.uniform && !symbolsOf(c).empty())
        block(symbolsOf(c), op, "its bias operand has a dynamic dimension");
    }
    State res;
    res.axes.push_back(Axis{am.factors, {}});
    res.axes.push_back(Axis{bn.factors, {}});
    states[g.getOutput()] = res;
    return;
  }
  if (isa<ConvOp, ConvTransposeOp, PoolOp, GlobalPoolOp>(op)) {
    Value input = op->getOperand(0);
    int64_t rank = rankOf(input);
    bool channelwise = isa<PoolOp, GlobalPoolOp>(op);
    bool channelsLast = op->hasAttr("channels_last");
    SmallVector<int64_t> window;
    for (int64_t i = 1; i < rank; ++i)
      if (!(channelwise && i == (channelsLast ? rank - 1 : 1)))
        window.push_back(i);
    requireUntagged(input, window,
                    "a convolution or pooling window runs along a dynamic dimension");
    for (Value w : op->getOperands().drop_front())
      block(symbolsOf(stateOf(w)), op, "its weights have a dynamic dimension");
    State s = stateOf(input), res = stateOf(op->getResult(0));
    res.axes[0] = Axis{s.axes[0].factors, {}};
    if (channelwise)
      res.axes[channelsLast ? rank - 1 : 1] = Axis{s.axes[channelsLast ? rank - 1 : 1].factors, {}};
    states[op->getResult(0)] = res;
    return;
  }
  if (auto r = dyn_cast<ResizeOp>(op)) {
    SmallVector<int64_t> scaled;
    ArrayRef<float> scales = r.getScales();
    for (size_t i = 0; i < scales.size(); ++i)
      if (scales[i] != 1.0f)
        scaled.push_back(i);
    requireUntagged(r.getInput(), scaled, "a resize scales a dynamic dimension");
    return passThrough(r.getInput(), r.getOutput());
  }
  if (auto r = dyn_cast<ReshapeOp>(op))
    return reshape(op, r.getInput(), r.getOutput());
  if (auto t = dyn_cast<TransposeOp>(op)) {
    State s = stateOf(t.getInput()), res;
    res.uniform = s.uniform;
    res.splat = s.splat;
    for (int64_t p : t.getPerm())
      res.axes.push_back(s.axes[p]);
    states[t.getOutput()] = res;
    return;
  }
  if (auto e = dyn_cast<ExpandOp>(op)) {
    State s = stateOf(e.getInput()), res;
    res.uniform = s.uniform;
    res.splat = s.splat;
    auto outType = cast<RankedTensorType>(e.getType());
    int64_t rank = outType.getRank();
    for (int64_t r = 0; r < rank; ++r) {
      int64_t ax = r - (rank - static_cast<int64_t>(s.axes.size()));
      int64_t size = outType.getDimSize(r);
      if (ax >= 0 && cast<RankedTensorType>(e.getInput().getType()).getDimSize(ax) == size) {
        res.axes.push_back(s.axes[ax]);
        continue;
      }
      // Broadcast: the new axis's size may follow a symbol.
      SmallVector<Factor, 2> f;
      int64_t rest = size;
      for (size_t k = 0; k < opsB.size(); ++k) {
        RankedTensorType tb = pairedType(index, k, 0);
        if (!tb || tb.getDimSize(r) == size)
          continue;
        if (size % in.valuesA[k] != 0 || tb.getDimSize(r) % in.valuesB[k] != 0 ||
            size / in.valuesA[k] != tb.getDimSize(r) / in.valuesB[k]) {
          block(k, op, "an expand's size follows a dynamic dimension other than by equal");
          continue;
        }
        f.push_back({static_cast<int>(k), in.valuesA[k]});
        rest /= in.valuesA[k];
      }
      f.push_back({-1, std::max<int64_t>(rest, 1)});
      res.axes.push_back(Axis{normalize(f), s.uniform ? Pad::known(s.splat) : Pad()});
    }
    states[e.getOutput()] = res;
    return;
  }
  if (auto c = dyn_cast<ConcatOp>(op)) {
    int64_t rank = rankOf(c.getOutput());
    int64_t ax = c.getAxis() < 0 ? c.getAxis() + rank : c.getAxis();
    for (Value v : c.getInputs())
      requireUntagged(v, {ax}, "a concatenation runs along a dynamic dimension");
    // The other axes must agree as elementwise ones do.
    State res;
    for (int64_t r = 0; r < rank; ++r) {
      Axis a{{{-1, cast<RankedTensorType>(c.getType()).getDimSize(r)}}, {}};
      for (Value v : c.getInputs()) {
        State s = stateOf(v);
        if (r == ax || s.uniform)
          continue;
        if (a.tagged() && normalize(a.factors) != normalize(s.axes[r].factors))
          block(symbolsOf(s.axes[r]), op, "its operands disagree on a dynamic dimension");
        if (!a.tagged() && s.axes[r].tagged())
          a = Axis{s.axes[r].factors, {}};
        else if (!a.tagged() && !s.axes[r].tagged() && r != ax)
          a = Axis{s.axes[r].factors, {}};
      }
      res.axes.push_back(a);
    }
    states[c.getOutput()] = res;
    return;
  }
  if (auto s = dyn_cast<SplitOp>(op)) {
    int64_t rank = rankOf(s.getInput());
    int64_t ax = s.getAxis() < 0 ? s.getAxis() + rank : s.getAxis();
    requireUntagged(s.getInput(), {ax}, "a split runs along a dynamic dimension");
    State st = stateOf(s.getInput());
    for (Value out : s.getOutputs()) {
      State res = stateOf(out);
      for (int64_t r = 0; r < rank; ++r)
        if (r != ax)
          res.axes[r] = Axis{st.axes[r].factors, {}};
      states[out] = res;
    }
    return;
  }
  if (auto s = dyn_cast<SliceOp>(op)) {
    State st = stateOf(s.getInput()), res = stateOf(s.getOutput());
    auto inType = cast<RankedTensorType>(s.getInput().getType());
    for (int64_t r = 0; r < inType.getRank(); ++r) {
      if (!st.axes[r].tagged()) {
        // The first n positions of a fixed axis, n a dimension (a position
        // table cut to the sequence length): a prefix, so the axis is that
        // dimension.
        if (s.getStarts()[r] != 0 || s.getSteps()[r] != 1)
          continue;
        int64_t size = cast<RankedTensorType>(s.getType()).getDimSize(r);
        for (size_t k = 0; k < opsB.size(); ++k) {
          RankedTensorType tb = pairedType(index, k, 0);
          if (!tb || tb.getDimSize(r) == size)
            continue;
          if (size == in.valuesA[k] && tb.getDimSize(r) == in.valuesB[k])
            res.axes[r] = Axis{{{static_cast<int>(k), size}}, {}};
          else
            block(k, op, "a slice's length follows a dynamic dimension other than by equal");
        }
        continue;
      }
      bool whole = s.getStarts()[r] == 0 && s.getSteps()[r] == 1 &&
                   s.getEnds()[r] >= inType.getDimSize(r);
      if (!whole)
        block(symbolsOf(st.axes[r]), op, "a slice takes part of a dynamic dimension");
      else
        res.axes[r] = st.axes[r];
    }
    states[s.getOutput()] = res;
    return;
  }
  if (auto g = dyn_cast<GatherOp>(op)) {
    int64_t rank = rankOf(g.getInput());
    int64_t ax = g.getAxis() < 0 ? g.getAxis() + rank : g.getAxis();
    requireUntagged(g.getInput(), {ax}, "a gather reads along a dynamic dimension");
    State d = stateOf(g.getInput()), i = stateOf(g.getIndices()), res;
    for (int64_t r = 0; r < ax; ++r)
      res.axes.push_back(Axis{d.axes[r].factors, {}});
    for (const Axis &a : i.axes)
      res.axes.push_back(Axis{a.factors, {}});
    for (int64_t r = ax + 1; r < rank; ++r)
      res.axes.push_back(Axis{d.axes[r].factors, {}});
    states[g.getOutput()] = res;
    return;
  }
  if (auto g = dyn_cast<GatherElementsOp>(op)) {
    int64_t rank = rankOf(g.getInput());
    int64_t ax = g.getAxis() < 0 ? g.getAxis() + rank : g.getAxis();
    requireUntagged(g.getInput(), {ax}, "a gather reads along a dynamic dimension");
    requireUntagged(g.getIndices(), {ax}, "a gather reads along a dynamic dimension");
    return elementwise(op, ValueRange{g.getIndices()}, g.getOutput());
  }
  if (auto p = dyn_cast<PadOp>(op)) {
    int64_t rank = rankOf(p.getInput());
    SmallVector<int64_t> padded;
    for (int64_t r = 0; r < rank; ++r)
      if (p.getPads()[r] != 0 || p.getPads()[r + rank] != 0)
        padded.push_back(r);
    requireUntagged(p.getInput(), padded, "a pad widens a dynamic dimension");
    State st = stateOf(p.getInput()), res = stateOf(p.getOutput());
    for (int64_t r = 0; r < rank; ++r)
      if (!llvm::is_contained(padded, r))
        res.axes[r] = Axis{st.axes[r].factors, {}};
    states[p.getOutput()] = res;
    return;
  }
  if (auto c = dyn_cast<CheckOp>(op)) {
    State s = stateOf(c.getInput());
    for (const Axis &a : s.axes) {
      if (!a.tagged())
        continue;
      bool fine = a.pad.isKnown() &&
                  (c.getKind() == CheckKind::index
                       ? a.pad.value >= -static_cast<double>(c.getBound()) &&
                             a.pad.value < static_cast<double>(c.getBound())
                       : a.pad.value != 0);
      if (!fine)
        block(symbolsOf(a), op, "a run-time check would read padded values");
    }
    return;
  }
  if (auto ret = dyn_cast<func::ReturnOp>(op)) {
    for (Value v : ret.getOperands()) {
      State s = stateOf(v);
      std::vector<int> axes;
      for (const Axis &a : s.axes) {
        SmallVector<Factor, 2> f = normalize(a.factors);
        if (f.size() == 1 && f[0].sym >= 0) {
          axes.push_back(f[0].sym);
          continue;
        }
        axes.push_back(-1);
        if (!s.uniform)
          block(symbolsOf(a), op,
                "an output axis mixes a dynamic dimension with others, so its padded "
                "positions are not at its end");
      }
      result.outputSymbols.push_back(axes);
    }
    return;
  }
  // Anything else must not see a dynamic dimension.
  blockOperands(op, "op '" + op->getName().getStringRef().str() +
                        "' is not known to keep positions apart");
  for (Value r : op->getResults())
    states[r] = stateOf(r);
}

PadAnalysisResult Analyzer::run() {
  auto fnA = *ModuleOp(in.a).getOps<func::FuncOp>().begin();
  fnA.walk([&](Operation *op) {
    if (op != fnA)
      opsA.push_back(op);
  });
  opsB.resize(in.b.size());
  for (size_t k = 0; k < in.b.size(); ++k) {
    auto fnB = *ModuleOp(in.b[k]).getOps<func::FuncOp>().begin();
    fnB.walk([&](Operation *op) {
      if (op != fnB)
        opsB[k].push_back(op);
    });
    // The graphs must pair op by op, with the same attributes (a slice's
    // bounds aside: they follow the sizes).
    std::string why;
    Operation *at = nullptr;
    if (opsB[k].size() != opsA.size()) {
      why = "the graph changes with the dimension (" + std::to_string(opsA.size()) + " ops at " +
            std::to_string(in.valuesA[k]) + ", " + std::to_string(opsB[k].size()) + " at " +
            std::to_string(in.valuesB[k]) + ")";
      at = fnA;
    }
    for (size_t i = 0; !at && i < opsA.size(); ++i) {
      Operation *x = opsA[i], *y = opsB[k][i];
      if (x->getName() != y->getName() || x->getNumOperands() != y->getNumOperands()) {
        why = "the graph changes with the dimension";
        at = x;
        break;
      }
      if (isa<ConstantOp, SliceOp>(x))
        continue;
      for (NamedAttribute attr : x->getAttrs())
        if (y->getAttr(attr.getName()) != attr.getValue()) {
          why = "attribute '" + attr.getName().str() + "' changes with the dimension";
          at = x;
          break;
        }
    }
    if (at) {
      block(static_cast<int>(k), at, why);
      opsB[k].clear();
    }
  }
  for (auto [i, arg] : llvm::enumerate(fnA.getArguments())) {
    State s = stateOf(arg);
    if (i < in.argSymbols.size())
      for (auto [ax, sym] : llvm::enumerate(in.argSymbols[i]))
        if (sym >= 0 && ax < s.axes.size()) {
          s.axes[ax].factors = {{sym, in.valuesA[sym]}};
          // Inputs are zero beyond their real extent.
          s.axes[ax].pad = Pad::known(0);
        }
    for (Axis &a : s.axes)
      if (!a.tagged())
        a.pad = Pad::known(0);
    states[arg] = s;
  }
  for (size_t i = 0; i < opsA.size(); ++i)
    visit(opsA[i], i);
  return result;
}

} // namespace

PadAnalysisResult mlir::infer::analyzePadding(const PadAnalysisInput &in) {
  return Analyzer(in).run();
}
