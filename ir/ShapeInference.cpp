//===- ShapeInference.cpp - Result shapes of infer ops --------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Shape rules shared by verifiers and the ONNX importer. Every rule reports
// what is wrong with the values involved, through the caller's emitError.
//
//===----------------------------------------------------------------------===//

#include "ir/ShapeInference.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallBitVector.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::infer;

namespace {
constexpr int64_t kDyn = ShapedType::kDynamic;

bool isDyn(int64_t d) { return ShapedType::isDynamic(d); }

/// Emits through `emitError` when there is one and returns failure.
template <typename... Args>
LogicalResult fail(EmitErrorFn emitError, const Args &...args) {
  if (emitError) {
    InFlightDiagnostic diag = emitError();
    (diag << ... << args);
  }
  return failure();
}

int64_t floorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0)))
    --q;
  return q;
}

int64_t ceilDiv(int64_t a, int64_t b) { return -floorDiv(-a, b); }
} // namespace

std::string mlir::infer::formatShape(ArrayRef<int64_t> shape) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << '[';
  llvm::interleaveComma(shape, os, [&](int64_t d) {
    if (isDyn(d))
      os << '?';
    else
      os << d;
  });
  os << ']';
  return s;
}

int64_t mlir::infer::numElements(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (isDyn(d))
      return kDyn;
    n *= d;
  }
  return n;
}

FailureOr<int64_t> mlir::infer::normalizeAxis(int64_t axis, int64_t rank,
                                              EmitErrorFn emitError) {
  if (axis < -rank || axis >= rank) {
    (void)fail(emitError, "axis ", axis, " is out of range for rank ", rank);
    return failure();
  }
  return axis < 0 ? axis + rank : axis;
}

FailureOr<Shape> mlir::infer::broadcastShapes(ArrayRef<int64_t> lhs,
                                              ArrayRef<int64_t> rhs,
                                              EmitErrorFn emitError) {
  size_t rank = std::max(lhs.size(), rhs.size());
  Shape out(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    int64_t a = i < rank - lhs.size() ? 1 : lhs[i - (rank - lhs.size())];
    int64_t b = i < rank - rhs.size() ? 1 : rhs[i - (rank - rhs.size())];
    if (a == 1) {
      out[i] = b;
    } else if (b == 1) {
      out[i] = a;
    } else if (isDyn(a) || isDyn(b)) {
      out[i] = isDyn(a) ? b : a;
    } else if (a == b) {
      out[i] = a;
    } else {
      (void)fail(emitError, "shapes ", formatShape(lhs), " and ",
                 formatShape(rhs), " do not broadcast (dimension ", i, ": ", a,
                 " vs ", b, ")");
      return failure();
    }
  }
  return out;
}

bool mlir::infer::isBroadcastableTo(ArrayRef<int64_t> from,
                                    ArrayRef<int64_t> to) {
  if (from.size() > to.size())
    return false;
  size_t off = to.size() - from.size();
  for (size_t i = 0; i < from.size(); ++i) {
    int64_t f = from[i], t = to[i + off];
    if (f == 1 || f == t || isDyn(f) || isDyn(t))
      continue;
    return false;
  }
  return true;
}

LogicalResult mlir::infer::verifyWindow(const WindowGeometry &w,
                                        size_t spatialRank,
                                        EmitErrorFn emitError) {
  if (!w.kernel.empty() && w.kernel.size() != spatialRank)
    return fail(emitError, "expects ", spatialRank, " kernel sizes, got ",
                w.kernel.size());
  if (w.strides.size() != spatialRank)
    return fail(emitError, "expects ", spatialRank, " strides, got ",
                w.strides.size());
  if (w.dilations.size() != spatialRank)
    return fail(emitError, "expects ", spatialRank, " dilations, got ",
                w.dilations.size());
  if (w.pads.size() != 2 * spatialRank)
    return fail(emitError, "expects ", 2 * spatialRank, " pads, got ",
                w.pads.size());
  for (ArrayRef<int64_t> list : {w.kernel, w.strides, w.dilations, w.pads})
    for (int64_t v : list)
      if (v > kMaxWindowValue)
        return fail(emitError, "window value ", v, " exceeds ",
                    kMaxWindowValue);
  for (int64_t k : w.kernel)
    if (k < 1)
      return fail(emitError, "expects positive kernel sizes, got ",
                  formatShape(w.kernel));
  for (int64_t s : w.strides)
    if (s < 1)
      return fail(emitError, "expects positive strides, got ",
                  formatShape(w.strides));
  for (int64_t d : w.dilations)
    if (d < 1)
      return fail(emitError, "expects positive dilations, got ",
                  formatShape(w.dilations));
  for (int64_t p : w.pads)
    if (p < 0)
      return fail(emitError, "expects non-negative pads, got ",
                  formatShape(w.pads));
  return success();
}

/// Output size of one windowed spatial dimension; kDynamic for a dynamic
/// input. `ceilMode` drops a last window that would start in the end padding.
static int64_t windowOutput(int64_t in, int64_t k, int64_t s, int64_t d,
                            int64_t padBegin, int64_t padEnd, bool ceilMode) {
  if (isDyn(in) || isDyn(k))
    return kDyn;
  int64_t span = in + padBegin + padEnd - ((k - 1) * d + 1);
  if (span < 0)
    return span; // reported by the caller
  if (!ceilMode)
    return span / s + 1;
  int64_t out = ceilDiv(span, s) + 1;
  if ((out - 1) * s >= in + padBegin)
    --out;
  return out;
}

FailureOr<Shape> mlir::infer::inferIm2ColShape(ArrayRef<int64_t> input,
                                               const WindowGeometry &window,
                                               EmitErrorFn emitError) {
  if (input.size() != 4) {
    (void)fail(emitError, "expects an NHWC input of rank 4, got rank ", input.size());
    return failure();
  }
  if (window.kernel.size() != 2) {
    (void)fail(emitError, "expects 2 kernel sizes, got ", window.kernel.size());
    return failure();
  }
  Shape weight{1, input[3], window.kernel[0], window.kernel[1]};
  FailureOr<Shape> conv =
      inferConvShape(toChannelsFirst(input), weight, window.strides, window.pads,
                     window.dilations, 1, emitError);
  if (failed(conv))
    return failure();
  auto product = [](ArrayRef<int64_t> dims) {
    int64_t p = 1;
    for (int64_t d : dims) {
      if (isDyn(d))
        return ShapedType::kDynamic;
      p *= d;
    }
    return p;
  };
  return Shape{product({input[0], (*conv)[2], (*conv)[3]}),
               product({window.kernel[0], window.kernel[1], input[3]})};
}

FailureOr<Shape> mlir::infer::inferConvShape(
    ArrayRef<int64_t> input, ArrayRef<int64_t> weight,
    ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
    ArrayRef<int64_t> dilations, int64_t group, EmitErrorFn emitError) {
  if (input.size() < 3 || input.size() > 5) {
    (void)fail(emitError, "expects input of rank 3 to 5 (N, C and 1 to 3 "
                          "spatial dimensions), got rank ",
               input.size());
    return failure();
  }
  if (weight.size() != input.size()) {
    (void)fail(emitError, "expects weight of rank ", input.size(),
               " like the input, got rank ", weight.size());
    return failure();
  }
  size_t spatial = input.size() - 2;
  WindowGeometry w{weight.drop_front(2), strides, pads, dilations};
  if (failed(verifyWindow(w, spatial, emitError)))
    return failure();
  if (group < 1) {
    (void)fail(emitError, "expects a positive group count, got ", group);
    return failure();
  }
  int64_t c = input[1], m = weight[0], cg = weight[1];
  // cg * group in 128 bits: a model's group can be any int64.
  if (!isDyn(c) && !isDyn(cg) &&
      static_cast<__int128>(c) != static_cast<__int128>(cg) * group) {
    (void)fail(emitError, "expects input channels (", c,
               ") to equal weight channels per group (", cg, ") times group (",
               group, ")");
    return failure();
  }
  if (!isDyn(m) && m % group != 0) {
    (void)fail(emitError, "expects output channels (", m,
               ") to be divisible by group (", group, ")");
    return failure();
  }
  Shape out{input[0], m};
  for (size_t i = 0; i < spatial; ++i) {
    int64_t o = windowOutput(input[i + 2], weight[i + 2], strides[i],
                             dilations[i], pads[i], pads[i + spatial], false);
    if (!isDyn(o) && o < 1) {
      (void)fail(emitError, "spatial dimension ", i, " of size ", input[i + 2],
                 " with pads ", pads[i], "+", pads[i + spatial],
                 " is smaller than the dilated kernel (",
                 (weight[i + 2] - 1) * dilations[i] + 1, ")");
      return failure();
    }
    out.push_back(o);
  }
  return out;
}

FailureOr<Shape> mlir::infer::inferConvTransposeShape(
    ArrayRef<int64_t> input, ArrayRef<int64_t> weight,
    ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
    ArrayRef<int64_t> dilations, ArrayRef<int64_t> outputPadding,
    int64_t group, EmitErrorFn emitError) {
  if (input.size() < 3 || input.size() > 5) {
    (void)fail(emitError, "expects input of rank 3 to 5 (N, C and 1 to 3 "
                          "spatial dimensions), got rank ",
               input.size());
    return failure();
  }
  if (weight.size() != input.size()) {
    (void)fail(emitError, "expects weight of rank ", input.size(),
               " like the input, got rank ", weight.size());
    return failure();
  }
  size_t spatial = input.size() - 2;
  WindowGeometry w{weight.drop_front(2), strides, pads, dilations};
  if (failed(verifyWindow(w, spatial, emitError)))
    return failure();
  if (outputPadding.size() != spatial) {
    (void)fail(emitError, "expects ", spatial, " output paddings, got ",
               outputPadding.size());
    return failure();
  }
  if (group < 1) {
    (void)fail(emitError, "expects a positive group count, got ", group);
    return failure();
  }
  if (!isDyn(input[1]) && !isDyn(weight[0]) && input[1] != weight[0]) {
    (void)fail(emitError, "expects input channels (", input[1],
               ") to equal the weight's first dimension (", weight[0], ")");
    return failure();
  }
  if (!isDyn(input[1]) && input[1] % group != 0) {
    (void)fail(emitError, "expects input channels (", input[1],
               ") to be divisible by group (", group, ")");
    return failure();
  }
  Shape out{input[0], isDyn(weight[1]) ? kDyn : weight[1] * group};
  for (size_t i = 0; i < spatial; ++i) {
    int64_t in = input[i + 2], k = weight[i + 2];
    if (outputPadding[i] < 0 ||
        (outputPadding[i] >= strides[i] && outputPadding[i] >= dilations[i])) {
      (void)fail(emitError, "expects output padding ", outputPadding[i],
                 " to be non-negative and smaller than the stride or the "
                 "dilation");
      return failure();
    }
    if (isDyn(in) || isDyn(k)) {
      out.push_back(kDyn);
      continue;
    }
    int64_t o = strides[i] * (in - 1) + outputPadding[i] +
                (k - 1) * dilations[i] + 1 - pads[i] - pads[i + spatial];
    if (o < 1) {
      (void)fail(emitError, "spatial dimension ", i,
                 " has a non-positive output size ", o);
      return failure();
    }
    out.push_back(o);
  }
  return out;
}

FailureOr<Shape> mlir::infer::inferPoolShape(ArrayRef<int64_t> input,
                                             const WindowGeometry &w,
                                             bool ceilMode,
                                             EmitErrorFn emitError) {
  if (input.size() < 3 || input.size() > 5) {
    (void)fail(emitError, "expects input of rank 3 to 5 (N, C and 1 to 3 "
                          "spatial dimensions), got rank ",
               input.size());
    return failure();
  }
  size_t spatial = input.size() - 2;
  if (failed(verifyWindow(w, spatial, emitError)))
    return failure();
  if (w.kernel.size() != spatial) {
    (void)fail(emitError, "expects ", spatial, " kernel sizes, got ",
               w.kernel.size());
    return failure();
  }
  Shape out{input[0], input[1]};
  for (size_t i = 0; i < spatial; ++i) {
    if (w.pads[i] >= w.kernel[i] || w.pads[i + spatial] >= w.kernel[i]) {
      (void)fail(emitError, "expects pads smaller than the kernel, got pads ",
                 formatShape(w.pads), " for kernel ", formatShape(w.kernel));
      return failure();
    }
    int64_t o = windowOutput(input[i + 2], w.kernel[i], w.strides[i],
                             w.dilations[i], w.pads[i], w.pads[i + spatial],
                             ceilMode);
    if (!isDyn(o) && o < 1) {
      (void)fail(emitError, "spatial dimension ", i, " of size ", input[i + 2],
                 " is smaller than the dilated window (",
                 (w.kernel[i] - 1) * w.dilations[i] + 1, ")");
      return failure();
    }
    out.push_back(o);
  }
  return out;
}

FailureOr<Shape> mlir::infer::inferMatMulShape(ArrayRef<int64_t> lhs,
                                               ArrayRef<int64_t> rhs,
                                               EmitErrorFn emitError) {
  if (lhs.empty() || rhs.empty()) {
    (void)fail(emitError, "expects operands of rank at least 1, got ranks ",
               lhs.size(), " and ", rhs.size());
    return failure();
  }
  Shape a(lhs.begin(), lhs.end()), b(rhs.begin(), rhs.end());
  bool vecA = a.size() == 1, vecB = b.size() == 1;
  if (vecA)
    a.insert(a.begin(), 1);
  if (vecB)
    b.push_back(1);
  int64_t ka = a.back(), kb = b[b.size() - 2];
  if (!isDyn(ka) && !isDyn(kb) && ka != kb) {
    (void)fail(emitError, "expects the contraction dimensions to match, got ",
               formatShape(lhs), " and ", formatShape(rhs));
    return failure();
  }
  FailureOr<Shape> batch =
      broadcastShapes(ArrayRef<int64_t>(a).drop_back(2),
                      ArrayRef<int64_t>(b).drop_back(2), emitError);
  if (failed(batch))
    return failure();
  Shape out = *batch;
  if (!vecA)
    out.push_back(a[a.size() - 2]);
  if (!vecB)
    out.push_back(b.back());
  return out;
}

FailureOr<Shape> mlir::infer::inferGemmShape(ArrayRef<int64_t> a,
                                             ArrayRef<int64_t> b, bool transA,
                                             bool transB,
                                             EmitErrorFn emitError) {
  if (a.size() != 2 || b.size() != 2) {
    (void)fail(emitError, "expects 2-D operands, got ranks ", a.size(), " and ",
               b.size());
    return failure();
  }
  int64_t m = transA ? a[1] : a[0], ka = transA ? a[0] : a[1];
  int64_t kb = transB ? b[1] : b[0], n = transB ? b[0] : b[1];
  if (!isDyn(ka) && !isDyn(kb) && ka != kb) {
    (void)fail(emitError, "expects the contraction dimensions to match, got ",
               ka, " and ", kb);
    return failure();
  }
  return Shape{m, n};
}

FailureOr<Shape> mlir::infer::inferReduceShape(ArrayRef<int64_t> input,
                                               ArrayRef<int64_t> axes,
                                               bool keepDims,
                                               EmitErrorFn emitError) {
  int64_t rank = input.size();
  llvm::SmallBitVector reduced(rank, axes.empty());
  for (size_t i = 0; i < axes.size(); ++i) {
    if (axes[i] < 0 || axes[i] >= rank) {
      (void)fail(emitError, "axis ", axes[i], " is out of range for rank ",
                 rank);
      return failure();
    }
    if (i > 0 && axes[i] <= axes[i - 1]) {
      (void)fail(emitError, "expects sorted unique axes, got ",
                 formatShape(axes));
      return failure();
    }
    reduced.set(axes[i]);
  }
  Shape out;
  for (int64_t i = 0; i < rank; ++i) {
    if (!reduced.test(i))
      out.push_back(input[i]);
    else if (keepDims)
      out.push_back(1);
  }
  return out;
}

FailureOr<Shape> mlir::infer::inferTransposeShape(ArrayRef<int64_t> input,
                                                  ArrayRef<int64_t> perm,
                                                  EmitErrorFn emitError) {
  if (perm.size() != input.size()) {
    (void)fail(emitError, "expects a permutation of ", input.size(),
               " dimensions, got ", perm.size());
    return failure();
  }
  llvm::SmallBitVector seen(input.size());
  Shape out;
  for (int64_t p : perm) {
    if (p < 0 || p >= static_cast<int64_t>(input.size()) || seen.test(p)) {
      (void)fail(emitError, "expects a permutation of [0, ", input.size(),
                 "), got ", formatShape(perm));
      return failure();
    }
    seen.set(p);
    out.push_back(input[p]);
  }
  return out;
}

FailureOr<Shape> mlir::infer::inferConcatShape(
    ArrayRef<ArrayRef<int64_t>> inputs, int64_t axis, EmitErrorFn emitError) {
  if (inputs.empty()) {
    (void)fail(emitError, "expects at least one input");
    return failure();
  }
  int64_t rank = inputs.front().size();
  if (axis < 0 || axis >= rank) {
    (void)fail(emitError, "axis ", axis, " is out of range for rank ", rank);
    return failure();
  }
  Shape out(inputs.front().begin(), inputs.front().end());
  out[axis] = 0;
  for (auto [idx, in] : llvm::enumerate(inputs)) {
    if (static_cast<int64_t>(in.size()) != rank) {
      (void)fail(emitError, "expects inputs of equal rank, input ", idx,
                 " has rank ", in.size(), " instead of ", rank);
      return failure();
    }
    for (int64_t d = 0; d < rank; ++d) {
      if (d == axis) {
        out[d] = (isDyn(out[d]) || isDyn(in[d])) ? kDyn : out[d] + in[d];
        continue;
      }
      if (isDyn(out[d]))
        out[d] = in[d];
      else if (!isDyn(in[d]) && in[d] != out[d]) {
        (void)fail(emitError, "input ", idx, " has shape ", formatShape(in),
                   ", which differs outside axis ", axis, " from ",
                   formatShape(inputs.front()));
        return failure();
      }
    }
  }
  return out;
}

FailureOr<Shape> mlir::infer::inferSliceShape(ArrayRef<int64_t> input,
                                              ArrayRef<int64_t> starts,
                                              ArrayRef<int64_t> ends,
                                              ArrayRef<int64_t> steps,
                                              EmitErrorFn emitError) {
  size_t rank = input.size();
  if (starts.size() != rank || ends.size() != rank || steps.size() != rank) {
    (void)fail(emitError, "expects one start, end and step per dimension (",
               rank, "), got ", starts.size(), ", ", ends.size(), " and ",
               steps.size());
    return failure();
  }
  Shape out;
  for (size_t i = 0; i < rank; ++i) {
    int64_t dim = input[i], s = starts[i], e = ends[i], st = steps[i];
    if (st == 0) {
      (void)fail(emitError, "step of dimension ", i, " is zero");
      return failure();
    }
    if (isDyn(dim)) {
      if (s != 0 || !isDyn(e) || st != 1) {
        (void)fail(emitError, "dimension ", i,
                   " is dynamic and can only be kept whole (start 0, end ?, "
                   "step 1)");
        return failure();
      }
      out.push_back(kDyn);
      continue;
    }
    bool ok = st > 0 ? (0 <= s && s <= e && e <= dim)
                     : (-1 <= e && e <= s && s <= dim - 1);
    if (!ok) {
      (void)fail(emitError, "bounds [", s, ", ", e, ") with step ", st,
                 " of dimension ", i, " (size ", dim, ") are not normalized");
      return failure();
    }
    out.push_back(st > 0 ? ceilDiv(e - s, st) : ceilDiv(s - e, -st));
  }
  return out;
}

FailureOr<Shape> mlir::infer::inferPadShape(ArrayRef<int64_t> input,
                                            ArrayRef<int64_t> pads,
                                            EmitErrorFn emitError) {
  size_t rank = input.size();
  if (pads.size() != 2 * rank) {
    (void)fail(emitError, "expects ", 2 * rank, " pads, got ", pads.size());
    return failure();
  }
  Shape out;
  for (size_t i = 0; i < rank; ++i) {
    if (isDyn(input[i])) {
      out.push_back(kDyn);
      continue;
    }
    int64_t o = input[i] + pads[i] + pads[i + rank];
    if (o < 0) {
      (void)fail(emitError, "pads ", pads[i], " and ", pads[i + rank],
                 " crop dimension ", i, " (size ", input[i],
                 ") below zero");
      return failure();
    }
    out.push_back(o);
  }
  return out;
}

FailureOr<Shape> mlir::infer::inferGatherShape(ArrayRef<int64_t> input,
                                               ArrayRef<int64_t> indices,
                                               int64_t axis,
                                               EmitErrorFn emitError) {
  int64_t rank = input.size();
  if (rank < 1) {
    (void)fail(emitError, "expects an input of rank at least 1");
    return failure();
  }
  if (axis < 0 || axis >= rank) {
    (void)fail(emitError, "axis ", axis, " is out of range for rank ", rank);
    return failure();
  }
  Shape out(input.begin(), input.begin() + axis);
  out.append(indices.begin(), indices.end());
  out.append(input.begin() + axis + 1, input.end());
  return out;
}

LogicalResult mlir::infer::verifyShapeMatches(ArrayRef<int64_t> expected,
                                              ArrayRef<int64_t> actual,
                                              StringRef what,
                                              EmitErrorFn emitError) {
  bool ok = expected.size() == actual.size();
  for (size_t i = 0; ok && i < expected.size(); ++i)
    if (!isDyn(expected[i]) && !isDyn(actual[i]) && expected[i] != actual[i])
      ok = false;
  if (ok)
    return success();
  return fail(emitError, what, " shape ", formatShape(actual),
              " does not match the inferred shape ", formatShape(expected));
}

Shape mlir::infer::toChannelsFirst(ArrayRef<int64_t> s) {
  Shape r(s.begin(), s.end());
  if (s.size() >= 2) {
    r[1] = s.back();
    std::copy(s.begin() + 1, s.end() - 1, r.begin() + 2);
  }
  return r;
}

Shape mlir::infer::toChannelsLast(ArrayRef<int64_t> s) {
  Shape r(s.begin(), s.end());
  if (s.size() >= 2) {
    std::copy(s.begin() + 2, s.end(), r.begin() + 1);
    r.back() = s[1];
  }
  return r;
}

Shape mlir::infer::channelsFirstPerm(int64_t rank) {
  Shape perm{0, rank - 1};
  for (int64_t i = 1; i < rank - 1; ++i)
    perm.push_back(i);
  return perm;
}

Shape mlir::infer::channelsLastPerm(int64_t rank) {
  Shape perm{0};
  for (int64_t i = 2; i < rank; ++i)
    perm.push_back(i);
  perm.push_back(1);
  return perm;
}
