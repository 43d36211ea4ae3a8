//===- ReduceKernels.cpp - Reference reductions, top-k and scans ----------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "reference/Kernels.h"

#include "ir/ConstantView.h"
#include "ir/ShapeInference.h"
#include "llvm/ADT/SmallBitVector.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

using namespace mlir;
using namespace mlir::infer;
using namespace mlir::infer::reference;

namespace {
/// Splits `shape` around one axis into outer * n * inner.
struct AxisView {
  int64_t outer = 1, n = 1, inner = 1;
  AxisView(ArrayRef<int64_t> shape, int64_t axis) {
    for (int64_t i = 0; i < axis; ++i)
      outer *= shape[i];
    n = shape[axis];
    for (size_t i = axis + 1; i < shape.size(); ++i)
      inner *= shape[i];
  }
};
} // namespace

LogicalResult mlir::infer::reference::runReduce(ReduceOp op, Inputs in,
                                                Outputs &out,
                                                std::string &err) {
  const Tensor &x = *in[0];
  ArrayRef<int64_t> s = x.getShape();
  FailureOr<Shape> shape =
      inferReduceShape(s, op.getAxes(), op.getKeepDims(), nullptr);
  if (failed(shape)) {
    err = "invalid reduction axes";
    return failure();
  }
  llvm::SmallBitVector reduced(s.size(), op.getAxes().empty());
  for (int64_t a : op.getAxes())
    reduced.set(a);
  // Output index of every input element: drop reduced dimensions.
  Shape kept;
  for (size_t i = 0; i < s.size(); ++i)
    kept.push_back(reduced.test(i) ? 1 : s[i]);
  Tensor y(x.getElementType(), *shape);
  int64_t outN = y.size();
  ReduceKind kind = op.getKind();
  double init = 0;
  if (kind == ReduceKind::prod)
    init = 1;
  else if (kind == ReduceKind::max)
    init = -std::numeric_limits<double>::infinity();
  else if (kind == ReduceKind::min)
    init = std::numeric_limits<double>::infinity();
  else if (kind == ReduceKind::log_sum_exp)
    init = -std::numeric_limits<double>::infinity();
  std::vector<double> acc(outN, init);
  std::vector<int64_t> count(outN, 0);
  // Maxima first for a stable log-sum-exp.
  std::vector<double> mx(outN, -std::numeric_limits<double>::infinity());
  SmallVector<int64_t, 4> keptStrides = stridesOf(kept);
  auto outIndex = [&](int64_t flat) {
    int64_t o = 0;
    for (int64_t d = static_cast<int64_t>(s.size()) - 1; d >= 0; --d) {
      int64_t i = flat % s[d];
      flat /= s[d];
      if (!reduced.test(d))
        o += i * keptStrides[d];
    }
    return o;
  };
  std::vector<int64_t> map(x.size());
  for (int64_t i = 0; i < x.size(); ++i)
    map[i] = outIndex(i);
  // Integers reduce exactly in int64, wrapping as compiled code does (a
  // double accumulator loses bits past 2^53).
  bool exactInts = !x.isFloat() &&
                   (kind == ReduceKind::sum || kind == ReduceKind::prod ||
                    kind == ReduceKind::max || kind == ReduceKind::min ||
                    kind == ReduceKind::l1 || kind == ReduceKind::sum_square);
  if (exactInts) {
    bool isUnsigned = llvm::cast<IntegerType>(x.getElementType()).isUnsigned();
    auto wrapAdd = [](int64_t a, int64_t b) {
      return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
    };
    auto wrapMul = [](int64_t a, int64_t b) {
      return static_cast<int64_t>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b));
    };
    std::vector<int64_t> iacc(outN, kind == ReduceKind::prod ? 1 : 0);
    std::vector<bool> seen(outN, false);
    for (int64_t i = 0; i < x.size(); ++i) {
      int64_t v = x.ints()[i], &a = iacc[map[i]];
      bool first = !seen[map[i]];
      seen[map[i]] = true;
      auto less = [&](int64_t l, int64_t r) {
        return isUnsigned ? static_cast<uint64_t>(l) < static_cast<uint64_t>(r) : l < r;
      };
      switch (kind) {
      case ReduceKind::sum: a = wrapAdd(a, v); break;
      case ReduceKind::prod: a = wrapMul(a, v); break;
      case ReduceKind::max: a = first || less(a, v) ? v : a; break;
      case ReduceKind::min: a = first || less(v, a) ? v : a; break;
      case ReduceKind::l1: a = wrapAdd(a, v < 0 && !isUnsigned ? wrapMul(v, -1) : v); break;
      case ReduceKind::sum_square: a = wrapAdd(a, wrapMul(v, v)); break;
      default: break;
      }
    }
    for (int64_t o = 0; o < outN; ++o) {
      if (seen[o] || (kind != ReduceKind::max && kind != ReduceKind::min)) {
        y.setInt(o, iacc[o]);
        continue;
      }
      // Empty max/min over integers: the type's extreme value.
      auto it = llvm::cast<IntegerType>(y.getElementType());
      auto [lo, hi] = integerRange(it);
      y.setInt(o, kind == ReduceKind::max ? lo : hi);
    }
    out.push_back(std::move(y));
    return success();
  }
  if (kind == ReduceKind::log_sum_exp)
    for (int64_t i = 0; i < x.size(); ++i)
      mx[map[i]] = maxPropagateNaN(mx[map[i]], x.getDouble(i));
  for (int64_t i = 0; i < x.size(); ++i) {
    double v = x.getDouble(i);
    double &a = acc[map[i]];
    ++count[map[i]];
    switch (kind) {
    case ReduceKind::sum:
    case ReduceKind::mean:
    case ReduceKind::log_sum: a += v; break;
    case ReduceKind::max: a = maxPropagateNaN(a, v); break;
    case ReduceKind::min: a = minPropagateNaN(a, v); break;
    case ReduceKind::prod: a *= v; break;
    case ReduceKind::l1: a += std::fabs(v); break;
    case ReduceKind::l2:
    case ReduceKind::sum_square: a += v * v; break;
    case ReduceKind::log_sum_exp:
      a = (a == -std::numeric_limits<double>::infinity() ? 0 : a) +
          std::exp(v - mx[map[i]]);
      break;
    }
  }
  for (int64_t o = 0; o < outN; ++o) {
    double a = acc[o];
    if (kind == ReduceKind::mean)
      a /= static_cast<double>(count[o]);
    else if (kind == ReduceKind::l2)
      a = std::sqrt(a);
    else if (kind == ReduceKind::log_sum)
      a = std::log(a);
    else if (kind == ReduceKind::log_sum_exp)
      a = count[o] ? std::log(a) + mx[o]
                   : -std::numeric_limits<double>::infinity();
    if (!y.isFloat() && std::isinf(a)) {
      // Empty max/min over integers: the type's extreme value.
      auto it = llvm::cast<IntegerType>(y.getElementType());
      auto [lo, hi] = integerRange(it);
      y.setInt(o, a < 0 ? lo : hi);
      continue;
    }
    y.setDouble(o, a);
  }
  out.push_back(std::move(y));
  return success();
}

LogicalResult mlir::infer::reference::runArgReduce(ArgReduceOp op, Inputs in,
                                                   Outputs &out,
                                                   std::string &err) {
  const Tensor &x = *in[0];
  int64_t axis = op.getAxis();
  AxisView v(x.getShape(), axis);
  Shape shape = *inferReduceShape(x.getShape(), {axis}, op.getKeepDims(),
                                  nullptr);
  Tensor y(op.getOutput().getType().getElementType(), shape);
  bool isMax = op.getKind() == ArgKind::max, last = op.getSelectLastIndex();
  for (int64_t o = 0; o < v.outer; ++o)
    for (int64_t i = 0; i < v.inner; ++i) {
      int64_t best = 0;
      double bv = x.getDouble(o * v.n * v.inner + i);
      for (int64_t k = 1; k < v.n; ++k) {
        double c = x.getDouble((o * v.n + k) * v.inner + i);
        bool better = isMax ? (c > bv || (last && c == bv))
                            : (c < bv || (last && c == bv));
        if (better) {
          best = k;
          bv = c;
        }
      }
      y.setInt(o * v.inner + i, best);
    }
  out.push_back(std::move(y));
  return success();
}

LogicalResult mlir::infer::reference::runTopK(TopKOp op, Inputs in,
                                              Outputs &out, std::string &err) {
  const Tensor &x = *in[0];
  int64_t axis = op.getAxis(), k = op.getK();
  AxisView v(x.getShape(), axis);
  if (k > v.n) {
    err = "k = " + std::to_string(k) + " exceeds the axis size " +
          std::to_string(v.n);
    return failure();
  }
  Shape shape(x.getShape().begin(), x.getShape().end());
  shape[axis] = k;
  Tensor values(x.getElementType(), shape);
  Tensor indices(op.getIndices().getType().getElementType(), shape);
  bool largest = op.getLargest();
  std::vector<int64_t> order(v.n);
  for (int64_t o = 0; o < v.outer; ++o)
    for (int64_t i = 0; i < v.inner; ++i) {
      auto at = [&](int64_t j) { return x.getDouble((o * v.n + j) * v.inner + i); };
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
        return largest ? at(a) > at(b) : at(a) < at(b);
      });
      for (int64_t j = 0; j < k; ++j) {
        int64_t dst = (o * k + j) * v.inner + i;
        values.setDouble(dst, at(order[j]));
        indices.setInt(dst, order[j]);
      }
    }
  out.push_back(std::move(values));
  out.push_back(std::move(indices));
  return success();
}

LogicalResult mlir::infer::reference::runCumSum(CumSumOp op, Inputs in,
                                                Outputs &out,
                                                std::string &err) {
  const Tensor &x = *in[0];
  AxisView v(x.getShape(), op.getAxis());
  Tensor y(x.getElementType(), x.getShape());
  bool exclusive = op.getExclusive(), reverse = op.getReverse();
  for (int64_t o = 0; o < v.outer; ++o)
    for (int64_t i = 0; i < v.inner; ++i) {
      double acc = 0;
      int64_t iacc = 0;
      for (int64_t step = 0; step < v.n; ++step) {
        int64_t j = reverse ? v.n - 1 - step : step;
        int64_t at = (o * v.n + j) * v.inner + i;
        if (y.isFloat()) {
          if (!exclusive)
            acc += x.floats()[at];
          y.setDouble(at, acc);
          if (exclusive)
            acc += x.floats()[at];
        } else {
          // Integers wrap (two's complement), as in compiled code.
          auto add = [](int64_t a, int64_t b) {
            return static_cast<int64_t>(static_cast<uint64_t>(a) +
                                        static_cast<uint64_t>(b));
          };
          if (!exclusive)
            iacc = add(iacc, x.ints()[at]);
          y.setInt(at, iacc);
          if (exclusive)
            iacc = add(iacc, x.ints()[at]);
        }
      }
    }
  out.push_back(std::move(y));
  return success();
}
