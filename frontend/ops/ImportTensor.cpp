//===- ImportTensor.cpp - ONNX data-movement ops --------------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Reshape, Flatten, Squeeze, Unsqueeze, Transpose, Concat, Split, Slice,
// Gather, GatherElements, Pad, Resize, Upsample, Expand, Tile,
// DepthToSpace, SpaceToDepth and Trilu. Ops that move shape values (small
// int64 tensors) work symbolically when a dynamic dimension is involved.
//
//===----------------------------------------------------------------------===//

#include "frontend/ImportContext.h"
#include "ir/ConstantView.h"

#include <onnx/onnx_pb.h>

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::infer;
using namespace mlir::infer::frontend;
using reference::Tensor;

namespace {
constexpr int64_t kDyn = ShapedType::kDynamic;

RankedTensorType typeOf(Value v) {
  return llvm::cast<RankedTensorType>(v.getType());
}

bool allKnown(const SymInts &v) {
  return llvm::all_of(v, [](const SymInt &s) { return s.known; });
}

/// Whether input `i` is a symbolic shape value with unknown entries.
std::optional<SymInts> partlyKnown(ImportContext &ctx, unsigned i) {
  std::optional<SymInts> s = ctx.symbolicInts(i);
  if (!s || allKnown(*s))
    return std::nullopt;
  return s;
}

/// Reads axes from the attribute (older opsets) or from input `index`.
FailureOr<SmallVector<int64_t>> readAxes(ImportContext &ctx, int64_t inputSince,
                                         unsigned index, bool required) {
  if (ctx.opset() < inputSince) {
    if (!required && !ctx.hasAttr("axes"))
      return SmallVector<int64_t>();
    return ctx.intsAttr("axes", std::nullopt);
  }
  if (!ctx.hasInput(index)) {
    if (required)
      return ctx.emitError() << "expects input 'axes'";
    return SmallVector<int64_t>();
  }
  return ctx.constantInts(index, "axes");
}

FailureOr<SmallVector<int64_t>> normalizeAll(ImportContext &ctx,
                                             ArrayRef<int64_t> axes,
                                             int64_t rank) {
  SmallVector<int64_t> out;
  for (int64_t a : axes) {
    FailureOr<int64_t> n = ctx.normalizeAxis(a, rank);
    if (failed(n))
      return failure();
    out.push_back(*n);
  }
  llvm::sort(out);
  if (std::adjacent_find(out.begin(), out.end()) != out.end())
    return ctx.emitError() << "axes " << formatShape(axes)
                           << " name a dimension twice";
  return out;
}

LogicalResult setResult(ImportContext &ctx, FailureOr<Value> v) {
  if (failed(v))
    return failure();
  ctx.setOutput(0, *v);
  return success();
}

//===--- Reshape family ----------------------------------------------------===//

LogicalResult importReshape(ImportContext &ctx) {
  // A shape value reshaped (scalar <-> 1-D) stays symbolic.
  if (std::optional<SymInts> data = partlyKnown(ctx, 0)) {
    FailureOr<SmallVector<int64_t>> target = ctx.constantInts(1, "shape");
    if (failed(target))
      return failure();
    ctx.setSymbolic(0, *data, target->empty() ? 0 : 1);
    return success();
  }
  FailureOr<Value> x = ctx.input(0);
  std::optional<SymInts> target = ctx.symbolicInts(1);
  FailureOr<int64_t> allowZero = ctx.intAttr("allowzero", 0);
  if (failed(x) || failed(allowZero))
    return failure();
  if (!target)
    return ctx.emitError() << "input 'shape' must be known at compile time "
                              "or computed from input shapes";
  ArrayRef<int64_t> in = typeOf(*x).getShape();
  Shape out;
  int64_t inferAt = -1, knownProduct = 1, unknownCoef = 1, unknowns = 0;
  for (auto [i, s] : llvm::enumerate(*target)) {
    if (!s.known) {
      out.push_back(kDyn);
      ++unknowns;
      unknownCoef = s.coef;
      continue;
    }
    if (s.value == 0 && !*allowZero) {
      if (i >= in.size())
        return ctx.emitError() << "shape entry " << i
                               << " copies a dimension the input does not have";
      out.push_back(in[i]);
      if (ShapedType::isDynamic(in[i])) {
        ++unknowns;
        unknownCoef = ctx.singleDynamicDim() ? 1 : 0;
      } else {
        knownProduct *= in[i];
      }
      continue;
    }
    if (s.value == -1) {
      if (inferAt >= 0)
        return ctx.emitError() << "shape has more than one -1";
      inferAt = i;
      out.push_back(kDyn);
      continue;
    }
    if (s.value < 0)
      return ctx.emitError() << "shape entry " << s.value << " is negative";
    if (s.value > (int64_t(1) << 40) ||
        (s.value > 0 && knownProduct > (int64_t(1) << 44) / s.value))
      return ctx.emitError() << "shape entry " << s.value << " is too large";
    out.push_back(s.value);
    knownProduct *= s.value;
  }
  int64_t inDynamic = llvm::count_if(in, ShapedType::isDynamic);
  int64_t inStatic = 1;
  for (int64_t d : in)
    if (!ShapedType::isDynamic(d))
      inStatic *= d;
  if (inferAt >= 0) {
    if (inDynamic == 0 && unknowns == 0) {
      if (knownProduct == 0 || inStatic % knownProduct != 0)
        return ctx.emitError() << "cannot reshape " << formatShape(in)
                               << " to " << formatShape(out);
      out[inferAt] = inStatic / knownProduct;
    } else if (inDynamic == 1 && unknowns == 1 && unknownCoef > 0) {
      // The input's dynamic dimension and the unknown entry are both the
      // batch (times unknownCoef): the -1 is what remains.
      int64_t denom = knownProduct * unknownCoef;
      if (denom == 0 || inStatic % denom != 0)
        return ctx.emitError() << "cannot reshape " << formatShape(in)
                               << " to " << formatShape(out);
      out[inferAt] = inStatic / denom;
    }
  }
  if (llvm::count_if(out, ShapedType::isDynamic) > 1)
    return ctx.emitError() << "reshape to " << formatShape(out)
                           << " leaves more than one dimension unknown until "
                              "run time; give static input shapes "
                              "(--input-shape)";
  return setResult(ctx, ctx.reshape(*x, out));
}

LogicalResult importFlatten(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  FailureOr<int64_t> axisAttr = ctx.intAttr("axis", 1);
  if (failed(x) || failed(axisAttr))
    return failure();
  ArrayRef<int64_t> in = typeOf(*x).getShape();
  int64_t rank = in.size();
  int64_t axis = *axisAttr < 0 ? *axisAttr + rank : *axisAttr;
  if (axis < 0 || axis > rank)
    return ctx.emitError() << "axis " << *axisAttr
                           << " is out of range for rank " << rank;
  int64_t outer = numElements(in.take_front(axis));
  int64_t inner = numElements(in.drop_front(axis));
  return setResult(ctx, ctx.reshape(*x, {outer, inner}));
}

LogicalResult importSqueeze(ImportContext &ctx) {
  FailureOr<SmallVector<int64_t>> axes = readAxes(ctx, 13, 1, false);
  if (failed(axes))
    return failure();
  if (std::optional<SymInts> data = partlyKnown(ctx, 0)) {
    if (data->size() != 1)
      return ctx.unsupported("squeezing a shape vector of length > 1");
    ctx.setSymbolic(0, *data, 0);
    return success();
  }
  FailureOr<Value> x = ctx.input(0);
  if (failed(x))
    return failure();
  ArrayRef<int64_t> in = typeOf(*x).getShape();
  FailureOr<SmallVector<int64_t>> norm = normalizeAll(ctx, *axes, in.size());
  if (failed(norm))
    return failure();
  Shape out;
  for (auto [i, d] : llvm::enumerate(in)) {
    bool listed = llvm::is_contained(*norm, static_cast<int64_t>(i));
    if (listed && d != 1 && !ShapedType::isDynamic(d))
      return ctx.emitError() << "cannot squeeze dimension " << i << " of size "
                             << d;
    if (listed || (norm->empty() && d == 1))
      continue;
    out.push_back(d);
  }
  return setResult(ctx, ctx.reshape(*x, out));
}

LogicalResult importUnsqueeze(ImportContext &ctx) {
  FailureOr<SmallVector<int64_t>> axes = readAxes(ctx, 13, 1, true);
  if (failed(axes))
    return failure();
  if (std::optional<SymInts> data = partlyKnown(ctx, 0)) {
    if (data->size() != 1 || axes->size() != 1)
      return ctx.unsupported("unsqueezing a shape vector into rank > 1");
    ctx.setSymbolic(0, *data, 1);
    return success();
  }
  FailureOr<Value> x = ctx.input(0);
  if (failed(x))
    return failure();
  ArrayRef<int64_t> in = typeOf(*x).getShape();
  int64_t outRank = in.size() + axes->size();
  FailureOr<SmallVector<int64_t>> norm = normalizeAll(ctx, *axes, outRank);
  if (failed(norm))
    return failure();
  Shape out;
  size_t next = 0;
  for (int64_t i = 0; i < outRank; ++i)
    out.push_back(llvm::is_contained(*norm, i) ? 1 : in[next++]);
  return setResult(ctx, ctx.reshape(*x, out));
}

//===--- Transpose, concat, split ------------------------------------------===//

LogicalResult importTranspose(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  if (failed(x))
    return failure();
  int64_t rank = typeOf(*x).getRank();
  SmallVector<int64_t> reversed;
  for (int64_t i = rank - 1; i >= 0; --i)
    reversed.push_back(i);
  FailureOr<SmallVector<int64_t>> perm = ctx.intsAttr("perm", reversed);
  if (failed(perm))
    return failure();
  for (int64_t &p : *perm)
    if (p < 0)
      p += rank;
  return setResult(ctx, ctx.transpose(*x, *perm));
}

LogicalResult importConcat(ImportContext &ctx) {
  FailureOr<int64_t> axisAttr = ctx.intAttr("axis", std::nullopt);
  if (failed(axisAttr))
    return failure();
  // Concatenation of shape values.
  bool anyUnknown = false, allSymbolic = true;
  SmallVector<SymInts> parts;
  for (unsigned i = 0; i < ctx.numInputs(); ++i) {
    std::optional<SymInts> s = ctx.symbolicInts(i);
    if (!s) {
      allSymbolic = false;
      break;
    }
    anyUnknown |= !allKnown(*s);
    parts.push_back(*s);
  }
  if (allSymbolic && anyUnknown) {
    SymInts out;
    for (const SymInts &p : parts)
      out.append(p.begin(), p.end());
    ctx.setSymbolic(0, out, 1);
    return success();
  }
  SmallVector<Value> inputs;
  for (unsigned i = 0; i < ctx.numInputs(); ++i) {
    FailureOr<Value> v = ctx.input(i);
    if (failed(v))
      return failure();
    inputs.push_back(*v);
  }
  if (inputs.empty())
    return ctx.emitError() << "expects at least one input";
  FailureOr<int64_t> axis =
      ctx.normalizeAxis(*axisAttr, typeOf(inputs.front()).getRank());
  if (failed(axis))
    return failure();
  return setResult(ctx, ctx.concat(inputs, *axis));
}

LogicalResult importSplit(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  FailureOr<int64_t> axisAttr = ctx.intAttr("axis", 0);
  if (failed(x) || failed(axisAttr))
    return failure();
  ArrayRef<int64_t> in = typeOf(*x).getShape();
  FailureOr<int64_t> axis = ctx.normalizeAxis(*axisAttr, in.size());
  if (failed(axis))
    return failure();
  unsigned n = ctx.numOutputs();
  SmallVector<int64_t> sizes;
  if (ctx.opset() < 13 && ctx.hasAttr("split")) {
    FailureOr<SmallVector<int64_t>> s = ctx.intsAttr("split", std::nullopt);
    if (failed(s))
      return failure();
    sizes = *s;
  } else if (ctx.opset() >= 13 && ctx.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> s = ctx.constantInts(1, "split");
    if (failed(s))
      return failure();
    sizes = *s;
  } else {
    int64_t dim = in[*axis];
    if (ShapedType::isDynamic(dim))
      return ctx.unsupported("an even Split of a dynamic dimension");
    FailureOr<int64_t> numOutputs = ctx.intAttr("num_outputs", n);
    if (failed(numOutputs))
      return failure();
    int64_t pieces = *numOutputs;
    if (pieces <= 0)
      return ctx.emitError() << "expects a positive number of outputs";
    // Opset 18: the last piece may be smaller; earlier: must divide evenly.
    int64_t chunk = (dim + pieces - 1) / pieces;
    if (ctx.opset() < 18 && dim % pieces != 0)
      return ctx.emitError() << "cannot split dimension of size " << dim
                             << " into " << pieces << " equal pieces";
    for (int64_t i = 0, left = dim; i < pieces; ++i) {
      sizes.push_back(std::min(chunk, left));
      left -= sizes.back();
    }
  }
  if (sizes.size() != n)
    return ctx.emitError() << "split gives " << sizes.size()
                           << " sizes for " << n << " outputs";
  SmallVector<Type> types;
  for (int64_t size : sizes) {
    Shape shape(in);
    shape[*axis] = size;
    types.push_back(typeOf(*x).clone(shape));
  }
  FailureOr<SmallVector<Value>> r = ctx.finish(
      SplitOp::create(ctx.builder(), ctx.loc(), types, *x, *axis));
  if (failed(r))
    return failure();
  for (unsigned i = 0; i < n; ++i)
    ctx.setOutput(i, (*r)[i]);
  return success();
}

//===--- Slice, gather -----------------------------------------------------===//

LogicalResult importSlice(ImportContext &ctx) {
  SmallVector<int64_t> starts, ends, axes, steps;
  if (ctx.opset() < 10) {
    FailureOr<SmallVector<int64_t>> s = ctx.intsAttr("starts", std::nullopt);
    FailureOr<SmallVector<int64_t>> e = ctx.intsAttr("ends", std::nullopt);
    FailureOr<SmallVector<int64_t>> a = ctx.intsAttr("axes", SmallVector<int64_t>());
    if (failed(s) || failed(e) || failed(a))
      return failure();
    starts = *s, ends = *e, axes = *a;
  } else {
    FailureOr<SmallVector<int64_t>> s = ctx.constantInts(1, "starts");
    FailureOr<SmallVector<int64_t>> e = ctx.constantInts(2, "ends");
    if (failed(s) || failed(e))
      return failure();
    starts = *s, ends = *e;
    if (ctx.hasInput(3)) {
      FailureOr<SmallVector<int64_t>> a = ctx.constantInts(3, "axes");
      if (failed(a))
        return failure();
      axes = *a;
    }
    if (ctx.hasInput(4)) {
      FailureOr<SmallVector<int64_t>> st = ctx.constantInts(4, "steps");
      if (failed(st))
        return failure();
      steps = *st;
    }
  }
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i)
      axes.push_back(i);
  if (steps.empty())
    steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size())
    return ctx.emitError() << "starts, ends, axes and steps differ in length ("
                           << starts.size() << ", " << ends.size() << ", "
                           << axes.size() << ", " << steps.size() << ")";

  // Slices of shape values.
  if (std::optional<SymInts> data = partlyKnown(ctx, 0)) {
    if (axes.size() != 1 || steps[0] != 1)
      return ctx.unsupported("a strided or multi-axis Slice of a shape value");
    int64_t n = data->size();
    int64_t s = starts[0] < 0 ? starts[0] + n : starts[0];
    int64_t e = ends[0] < 0 ? ends[0] + n : std::min(ends[0], n);
    s = std::min(std::max<int64_t>(s, 0), n);
    SymInts out(data->begin() + s, data->begin() + std::max(s, e));
    ctx.setSymbolic(0, out, 1);
    return success();
  }
  FailureOr<Value> x = ctx.input(0);
  if (failed(x))
    return failure();
  ArrayRef<int64_t> in = typeOf(*x).getShape();
  int64_t rank = in.size();
  SmallVector<int64_t> nStarts(rank, 0), nEnds(in), nSteps(rank, 1);
  SmallVector<bool> seen(rank, false);
  for (size_t k = 0; k < axes.size(); ++k) {
    FailureOr<int64_t> axis = ctx.normalizeAxis(axes[k], rank);
    if (failed(axis))
      return failure();
    if (seen[*axis])
      return ctx.emitError() << "axis " << *axis << " is sliced twice";
    seen[*axis] = true;
    int64_t st = steps[k], d = in[*axis];
    if (st == 0)
      return ctx.emitError() << "step of axis " << *axis << " is zero";
    if (ShapedType::isDynamic(d)) {
      if (starts[k] == 0 && st == 1 &&
          ends[k] >= std::numeric_limits<int32_t>::max())
        continue; // the whole dynamic dimension
      return ctx.unsupported("slicing part of a dynamic dimension");
    }
    int64_t s = starts[k], e = ends[k];
    if (s < 0)
      s += d;
    if (e < 0 && e > std::numeric_limits<int64_t>::min() / 2)
      e += d;
    if (st > 0) {
      s = std::min(std::max<int64_t>(s, 0), d);
      e = std::min(std::max<int64_t>(e, 0), d);
      e = std::max(e, s);
    } else {
      s = std::min(std::max<int64_t>(s, 0), d - 1);
      e = std::min(std::max<int64_t>(e, -1), d - 1);
      e = std::min(e, s);
    }
    nStarts[*axis] = s;
    nEnds[*axis] = e;
    nSteps[*axis] = st;
  }
  FailureOr<Shape> shape = inferSliceShape(in, nStarts, nEnds, nSteps,
                                           [&] { return ctx.emitError(); });
  if (failed(shape))
    return failure();
  return setResult(ctx, ctx.finish1(SliceOp::create(
                            ctx.builder(), ctx.loc(), typeOf(*x).clone(*shape),
                            *x, nStarts, nEnds, nSteps)));
}

LogicalResult importGather(ImportContext &ctx) {
  FailureOr<int64_t> axisAttr = ctx.intAttr("axis", 0);
  if (failed(axisAttr))
    return failure();
  // Gather from a shape value (Shape -> Gather).
  if (std::optional<SymInts> data = partlyKnown(ctx, 0)) {
    const Tensor *idx = ctx.constantInput(1);
    if (!idx)
      return ctx.unsupported("gathering a shape value at run-time indices");
    SymInts out;
    int64_t n = data->size();
    for (int64_t i = 0; i < idx->size(); ++i) {
      int64_t k = idx->getInt(i);
      if (k < -n || k >= n)
        return ctx.emitError() << "index " << k << " is out of range for a "
                               << "shape of " << n << " dimensions";
      out.push_back((*data)[k < 0 ? k + n : k]);
    }
    ctx.setSymbolic(0, out, idx->getRank() == 0 ? 0 : 1);
    return success();
  }
  FailureOr<Value> x = ctx.input(0), idx = ctx.input(1);
  if (failed(x) || failed(idx))
    return failure();
  FailureOr<int64_t> axis = ctx.normalizeAxis(*axisAttr, typeOf(*x).getRank());
  if (failed(axis))
    return failure();
  FailureOr<Shape> shape =
      inferGatherShape(typeOf(*x).getShape(), typeOf(*idx).getShape(), *axis,
                       [&] { return ctx.emitError(); });
  if (failed(shape))
    return failure();
  return setResult(ctx, ctx.finish1(GatherOp::create(
                            ctx.builder(), ctx.loc(), typeOf(*x).clone(*shape),
                            *x, *idx, *axis)));
}

/// The row-major flat index of each index tuple along the last dimension
/// of the int64 `ind` into dimensions `dims` (negative entries wrapped),
/// shaped `shape` (the tuples' own shape, or flattened).
FailureOr<Value> flatTupleIndex(ImportContext &ctx, Value ind, ArrayRef<int64_t> dims,
                                ArrayRef<int64_t> shape) {
  Type i64 = IntegerType::get(ctx.getContext(), 64);
  int64_t last = typeOf(ind).getRank() - 1, stride = 1;
  for (int64_t d : dims)
    stride *= d;
  Value flat;
  for (auto [j, dim] : llvm::enumerate(dims)) {
    stride /= dim;
    FailureOr<Value> c = ctx.sliceAxis(ind, last, j, j + 1, 1);
    // Negative indices count from the end (mod with the divisor's sign).
    if (failed(c) || failed(c = ctx.reshape(*c, shape)) ||
        failed(c = ctx.binary(BinaryKind::mod, *c, ctx.scalar(i64, double(dim)))) ||
        failed(c = ctx.binary(BinaryKind::mul, *c, ctx.scalar(i64, double(stride)))))
      return failure();
    if (!flat) {
      flat = *c;
      continue;
    }
    FailureOr<Value> sum = ctx.binary(BinaryKind::add, flat, *c);
    if (failed(sum))
      return failure();
    flat = *sum;
  }
  return flat;
}

/// GatherND as a Gather of the data flattened over its batch and indexed
/// dimensions: each index tuple (k = indices.shape[-1] of them, negative
/// ones wrapped) becomes one flat row index, plus the batch position times
/// the rows of one batch.
LogicalResult importGatherND(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0), idx = ctx.input(1);
  FailureOr<int64_t> batch = ctx.intAttr("batch_dims", 0);
  if (failed(x) || failed(idx) || failed(batch))
    return failure();
  RankedTensorType xt = typeOf(*x), it = typeOf(*idx);
  if (!xt.hasStaticShape() || !it.hasStaticShape())
    return ctx.unsupported("GatherND of dynamic shapes");
  ArrayRef<int64_t> xs = xt.getShape(), is = it.getShape();
  int64_t r = xs.size(), q = is.size(), b = *batch;
  if (q < 1 || b < 0 || b >= std::min(r, q))
    return ctx.emitError() << "batch_dims " << b << " does not fit data of rank " << r
                           << " and indices of rank " << q;
  int64_t k = is.back();
  if (k < 1 || b + k > r)
    return ctx.emitError() << "index tuples of " << k << " elements do not fit data of rank "
                           << r << " with batch_dims " << b;
  for (int64_t d = 0; d < b; ++d)
    if (xs[d] != is[d])
      return ctx.emitError() << "batch dimension " << d << " is " << xs[d]
                             << " in the data and " << is[d] << " in the indices";
  Type i64 = IntegerType::get(ctx.getContext(), 64);
  FailureOr<Value> ind = ctx.cast(*idx, i64);
  if (failed(ind))
    return failure();
  // The flat index over the k indexed dimensions.
  SmallVector<int64_t> tupleShape(is.begin(), is.end() - 1);
  int64_t rows = 1;
  for (int64_t d = b; d < b + k; ++d)
    rows *= xs[d];
  FailureOr<Value> tuples = flatTupleIndex(ctx, *ind, xs.slice(b, k), tupleShape);
  if (failed(tuples))
    return failure();
  Value flat = *tuples;
  // Plus the batch position times the rows of one batch element.
  int64_t batches = 1;
  for (int64_t d = 0; d < b; ++d)
    batches *= xs[d];
  if (b > 0) {
    SmallVector<int64_t> bshape(tupleShape.size(), 1);
    for (int64_t d = 0; d < b; ++d)
      bshape[d] = xs[d];
    ConstantBuilder offsets(RankedTensorType::get(bshape, i64));
    for (int64_t i = 0; i < batches; ++i)
      offsets.setInt(i, i * rows);
    Value off = ConstantOp::create(ctx.builder(), ctx.loc(), offsets.finish("gathernd_batch"));
    FailureOr<Value> sum = ctx.binary(BinaryKind::add, flat, off);
    if (failed(sum))
      return failure();
    flat = *sum;
  }
  SmallVector<int64_t> table = {batches * rows};
  table.append(xs.begin() + b + k, xs.end());
  FailureOr<Value> data = ctx.reshape(*x, table);
  if (failed(data))
    return failure();
  SmallVector<int64_t> outShape(tupleShape);
  outShape.append(xs.begin() + b + k, xs.end());
  return setResult(ctx, ctx.finish1(GatherOp::create(ctx.builder(), ctx.loc(),
                                                     xt.clone(outShape), *data, flat, 0)));
}

/// Scatters rows: out[r] = combine(x[r], upd[j] for every j with f[j] ==
/// r) over x [R, rest...], f [n] (int64 row indices) and upd [n, rest...],
/// by a one-hot [R, n] match (exact: each sum and product has one term per
/// match): reduction none (the updates replace; duplicate indices sum),
/// add, mul, max or min.
FailureOr<Value> scatterRows(ImportContext &ctx, Value x, Value f, Value upd,
                             StringRef reduction) {
  RankedTensorType xt = typeOf(x);
  ArrayRef<int64_t> xs = xt.getShape();
  int64_t rows = xs[0], n = typeOf(f).getDimSize(0);
  Type et = xt.getElementType(), i64 = IntegerType::get(ctx.getContext(), 64);
  int64_t restRank = xs.size() - 1;
  ConstantBuilder iota(RankedTensorType::get({rows, 1}, i64));
  for (int64_t r = 0; r < rows; ++r)
    iota.setInt(r, r);
  Value rowIds = ConstantOp::create(ctx.builder(), ctx.loc(), iota.finish("scatter_rows"));
  FailureOr<Value> fr = ctx.reshape(f, {1, n});
  if (failed(fr))
    return failure();
  FailureOr<Value> match = ctx.binary(BinaryKind::equal, *fr, rowIds); // [R, n] bool
  if (failed(match))
    return failure();
  SmallVector<int64_t> mshape = {rows, n};
  mshape.append(restRank, 1);
  FailureOr<Value> m = ctx.reshape(*match, mshape);
  SmallVector<int64_t> ushape = {1, n};
  ushape.append(xs.begin() + 1, xs.end());
  FailureOr<Value> u = ctx.reshape(upd, ushape);
  if (failed(m) || failed(u))
    return failure();
  FailureOr<Value> mf = ctx.cast(*m, et);
  if (failed(mf))
    return failure();
  // Whether any update lands on the row.
  FailureOr<Value> any = ctx.reduce(ReduceKind::max, *mf, {1}, false);
  FailureOr<Value> anyBool = failed(any) ? any : ctx.cast(*any, ctx.builder().getI1Type());
  if (failed(anyBool))
    return failure();
  auto where = [&](Value c, Value a, Value b) { return ctx.where(c, a, b); };
  auto over = [&](Value fill) -> FailureOr<Value> {
    // The updates where they land, `fill` elsewhere: [R, n, rest...].
    return where(*m, *u, fill);
  };
  if (reduction == "none" || reduction == "add") {
    FailureOr<Value> prod = ctx.binary(BinaryKind::mul, *mf, *u);
    if (failed(prod))
      return failure();
    FailureOr<Value> sum = ctx.reduce(ReduceKind::sum, *prod, {1}, false);
    if (failed(sum))
      return failure();
    if (reduction == "add")
      return ctx.binary(BinaryKind::add, x, *sum);
    return where(*anyBool, *sum, x);
  }
  if (reduction == "mul") {
    FailureOr<Value> v = over(ctx.scalar(et, 1.0));
    if (failed(v) || failed(v = ctx.reduce(ReduceKind::prod, *v, {1}, false)))
      return failure();
    return ctx.binary(BinaryKind::mul, x, *v);
  }
  bool max = reduction == "max";
  if (!max && reduction != "min")
    return ctx.emitError() << "unknown reduction '" << reduction << "'";
  double fill = llvm::isa<FloatType>(et)
                    ? (max ? -std::numeric_limits<double>::infinity()
                           : std::numeric_limits<double>::infinity())
                    : (max ? -9.2e18 : 9.2e18);
  FailureOr<Value> v = over(ctx.scalar(et, fill));
  if (failed(v) ||
      failed(v = ctx.reduce(max ? ReduceKind::max : ReduceKind::min, *v, {1}, false)) ||
      failed(v = ctx.binary(max ? BinaryKind::max : BinaryKind::min, x, *v)))
    return failure();
  return where(*anyBool, *v, x);
}

/// ScatterND: the data flattened over its indexed dimensions, each index
/// tuple a flat row index (negative ones wrapped), the update rows
/// scattered there (scatterRows).
LogicalResult importScatterND(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0), idx = ctx.input(1), upd = ctx.input(2);
  FailureOr<std::string> reduction = ctx.stringAttr("reduction", "none");
  if (failed(x) || failed(idx) || failed(upd) || failed(reduction))
    return failure();
  RankedTensorType xt = typeOf(*x), it = typeOf(*idx);
  if (!xt.hasStaticShape() || !it.hasStaticShape() || !typeOf(*upd).hasStaticShape())
    return ctx.unsupported("ScatterND of dynamic shapes");
  ArrayRef<int64_t> xs = xt.getShape(), is = it.getShape();
  int64_t k = is.empty() ? 0 : is.back();
  if (is.empty() || k < 1 || k > static_cast<int64_t>(xs.size()))
    return ctx.emitError() << "index tuples of " << k << " elements do not fit data of rank "
                           << xs.size();
  SmallVector<int64_t> expect(is.begin(), is.end() - 1);
  expect.append(xs.begin() + k, xs.end());
  if (typeOf(*upd).getShape() != ArrayRef<int64_t>(expect))
    return ctx.emitError() << "updates are " << formatShape(typeOf(*upd).getShape())
                           << "; indices " << formatShape(is) << " into "
                           << formatShape(xs) << " need " << formatShape(expect);
  Type i64 = IntegerType::get(ctx.getContext(), 64);
  FailureOr<Value> ind = ctx.cast(*idx, i64);
  if (failed(ind))
    return failure();
  int64_t n = 1, rows = 1;
  for (int64_t d = 0; d + 1 < static_cast<int64_t>(is.size()); ++d)
    n *= is[d];
  for (int64_t d = 0; d < k; ++d)
    rows *= xs[d];
  FailureOr<Value> flat = flatTupleIndex(ctx, *ind, xs.take_front(k), {n});
  if (failed(flat))
    return failure();
  SmallVector<int64_t> table = {rows}, updRows = {n};
  table.append(xs.begin() + k, xs.end());
  updRows.append(xs.begin() + k, xs.end());
  FailureOr<Value> xf = ctx.reshape(*x, table), uf = ctx.reshape(*upd, updRows);
  if (failed(xf) || failed(uf))
    return failure();
  FailureOr<Value> y = scatterRows(ctx, *xf, *flat, *uf, *reduction);
  if (failed(y))
    return failure();
  return setResult(ctx, ctx.reshape(*y, xs));
}

/// ScatterElements (and opset 9-10 Scatter): along `axis`, each update
/// goes to the row its index names, with the same other coordinates: the
/// data moved to [axis][other...] and updates padded to the data's other
/// extents, then scatterRows per column of the other coordinates.
LogicalResult importScatterElements(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0), idx = ctx.input(1), upd = ctx.input(2);
  FailureOr<int64_t> axisAttr = ctx.intAttr("axis", 0);
  FailureOr<std::string> reduction = ctx.stringAttr("reduction", "none");
  if (failed(x) || failed(idx) || failed(upd) || failed(axisAttr) || failed(reduction))
    return failure();
  RankedTensorType xt = typeOf(*x), it = typeOf(*idx);
  if (!xt.hasStaticShape() || !it.hasStaticShape() || typeOf(*upd).getShape() != it.getShape())
    return ctx.emitError() << "expects static shapes and updates shaped as the indices";
  int64_t rank = xt.getRank();
  FailureOr<int64_t> axis = ctx.normalizeAxis(*axisAttr, rank);
  if (failed(axis))
    return failure();
  ArrayRef<int64_t> xs = xt.getShape(), is = it.getShape();
  if (static_cast<int64_t>(is.size()) != rank)
    return ctx.emitError() << "indices of rank " << is.size() << " for data of rank " << rank;
  for (int64_t d = 0; d < rank; ++d)
    if (d != *axis && is[d] > xs[d])
      return ctx.emitError() << "indices extend " << is[d] << " along dimension " << d
                             << ", past the data's " << xs[d];
  // The axis first, the other dimensions after it in order.
  SmallVector<int64_t> perm = {*axis};
  for (int64_t d = 0; d < rank; ++d)
    if (d != *axis)
      perm.push_back(d);
  Type i64 = IntegerType::get(ctx.getContext(), 64);
  FailureOr<Value> ind = ctx.cast(*idx, i64);
  if (failed(ind) ||
      failed(ind = ctx.binary(BinaryKind::mod, *ind, ctx.scalar(i64, double(xs[*axis])))))
    return failure();
  // Indices and updates padded to the data's extent off the axis: the pad
  // rows name no row (-1).
  SmallVector<int64_t> padHi(rank, 0);
  bool padded = false;
  for (int64_t d = 0; d < rank; ++d)
    if (d != *axis && is[d] < xs[d]) {
      padHi[d] = xs[d] - is[d];
      padded = true;
    }
  Value u = *upd;
  if (padded) {
    SmallVector<int64_t> pads(rank, 0);
    pads.append(padHi);
    auto padded = [&](Value v, double value) -> FailureOr<Value> {
      SmallVector<int64_t> shape(typeOf(v).getShape());
      for (int64_t d = 0; d < rank; ++d)
        shape[d] += padHi[d];
      return ctx.finish1(PadOp::create(ctx.builder(), ctx.loc(), typeOf(v).clone(shape),
                                       PadMode::constant, v, pads, llvm::APFloat(value)));
    };
    FailureOr<Value> pi = padded(*ind, -1.0), pu = padded(u, 0.0);
    if (failed(pi) || failed(pu))
      return failure();
    ind = pi;
    u = *pu;
  }
  FailureOr<Value> xT = ctx.transpose(*x, perm), iT = ctx.transpose(*ind, perm),
                   uT = ctx.transpose(u, perm);
  if (failed(xT) || failed(iT) || failed(uT))
    return failure();
  // Per column of the other coordinates: rows [d_axis] of data, [u_axis]
  // of updates. As one scatterRows over the flattened columns: row index
  // r * cols + c for update (j, c).
  int64_t rowsD = xs[*axis], rowsU = is[*axis], cols = xt.getNumElements() / rowsD;
  FailureOr<Value> xf = ctx.reshape(*xT, {rowsD * cols});
  FailureOr<Value> iF = ctx.reshape(*iT, {rowsU, cols});
  FailureOr<Value> uf = ctx.reshape(*uT, {rowsU * cols});
  if (failed(xf) || failed(iF) || failed(uf))
    return failure();
  ConstantBuilder colIds(RankedTensorType::get({1, cols}, i64));
  for (int64_t c = 0; c < cols; ++c)
    colIds.setInt(c, c);
  Value cid = ConstantOp::create(ctx.builder(), ctx.loc(), colIds.finish("scatter_cols"));
  // -1 (padding) stays negative: it matches no row.
  FailureOr<Value> f = ctx.binary(BinaryKind::mul, *iF, ctx.scalar(i64, double(cols)));
  if (failed(f) || failed(f = ctx.binary(BinaryKind::add, *f, cid)))
    return failure();
  if (padded) {
    // Padding rows (index -1) land on -cols + c < 0: no row.
    FailureOr<Value> neg = ctx.binary(BinaryKind::less, *iF, ctx.scalar(i64, 0.0));
    if (failed(neg))
      return failure();
    f = ctx.where(*neg, ctx.scalar(i64, -1.0), *f);
    if (failed(f))
      return failure();
  }
  if (failed(f = ctx.reshape(*f, {rowsU * cols})))
    return failure();
  FailureOr<Value> y = scatterRows(ctx, *xf, *f, *uf, *reduction);
  if (failed(y))
    return failure();
  SmallVector<int64_t> tshape;
  for (int64_t d : perm)
    tshape.push_back(xs[d]);
  FailureOr<Value> yT = ctx.reshape(*y, tshape);
  if (failed(yT))
    return failure();
  SmallVector<int64_t> inv(rank);
  for (int64_t i = 0; i < rank; ++i)
    inv[perm[i]] = i;
  return setResult(ctx, ctx.transpose(*yT, inv));
}

/// Compress with a condition known at compile time: a Gather of the
/// selected positions (of the flattened input without an axis).
LogicalResult importCompress(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  if (failed(x))
    return failure();
  const Tensor *cond = ctx.constantInput(1);
  if (!cond)
    return ctx.unsupported("a condition known only at run time (its output's length "
                           "depends on the values)");
  if (cond->getRank() != 1)
    return ctx.emitError() << "expects a 1-D condition";
  Value data = *x;
  int64_t axis = 0;
  if (ctx.hasAttr("axis")) {
    FailureOr<int64_t> a = ctx.intAttr("axis", 0);
    if (failed(a) || failed(a = ctx.normalizeAxis(*a, typeOf(*x).getRank())))
      return failure();
    axis = *a;
  } else {
    FailureOr<Value> flat = ctx.reshape(*x, {typeOf(*x).getNumElements()});
    if (failed(flat))
      return failure();
    data = *flat;
  }
  int64_t len = typeOf(data).getDimSize(axis);
  if (cond->size() > len)
    return ctx.emitError() << "the condition has " << cond->size()
                           << " elements, the axis " << len;
  SmallVector<int64_t> picked;
  for (int64_t i = 0; i < cond->size(); ++i)
    if (cond->getDouble(i) != 0)
      picked.push_back(i);
  Type i64 = IntegerType::get(ctx.getContext(), 64);
  ConstantBuilder ids(RankedTensorType::get({int64_t(picked.size())}, i64));
  for (auto [i, p] : llvm::enumerate(picked))
    ids.setInt(i, p);
  Value idx = ConstantOp::create(ctx.builder(), ctx.loc(), ids.finish("compress"));
  SmallVector<int64_t> shape(typeOf(data).getShape());
  shape[axis] = picked.size();
  return setResult(ctx, ctx.finish1(GatherOp::create(ctx.builder(), ctx.loc(),
                                                     typeOf(data).clone(shape), data, idx,
                                                     axis)));
}

/// ReverseSequence: along the time axis, position t of batch element b
/// reads L[b] - 1 - t where t < L[b] (the sequence length), else t: a
/// GatherElements of indices computed from the lengths.
LogicalResult importReverseSequence(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0), lens = ctx.input(1);
  FailureOr<int64_t> batchAxis = ctx.intAttr("batch_axis", 1);
  FailureOr<int64_t> timeAxis = ctx.intAttr("time_axis", 0);
  if (failed(x) || failed(lens) || failed(batchAxis) || failed(timeAxis))
    return failure();
  RankedTensorType xt = typeOf(*x);
  int64_t rank = xt.getRank(), ba = *batchAxis, ta = *timeAxis;
  if (!xt.hasStaticShape() || rank < 2 || ba < 0 || ta < 0 || ba > 1 || ta > 1 || ba == ta)
    return ctx.emitError() << "expects a static input of rank 2 or more, batch_axis and "
                              "time_axis 0 and 1";
  int64_t steps = xt.getDimSize(ta), batches = xt.getDimSize(ba);
  Type i64 = IntegerType::get(ctx.getContext(), 64);
  SmallVector<int64_t> tshape(rank, 1), lshape(rank, 1);
  tshape[ta] = steps;
  lshape[ba] = batches;
  ConstantBuilder iota(RankedTensorType::get(tshape, i64));
  for (int64_t t = 0; t < steps; ++t)
    iota.setInt(t, t);
  Value t = ConstantOp::create(ctx.builder(), ctx.loc(), iota.finish("time"));
  FailureOr<Value> l = ctx.cast(*lens, i64);
  if (failed(l) || failed(l = ctx.reshape(*l, lshape)))
    return failure();
  FailureOr<Value> rev = ctx.binary(BinaryKind::sub, *l, ctx.scalar(i64, 1.0));
  if (failed(rev) || failed(rev = ctx.binary(BinaryKind::sub, *rev, t)))
    return failure();
  FailureOr<Value> inside = ctx.binary(BinaryKind::less, t, *l);
  if (failed(inside))
    return failure();
  FailureOr<Value> idx = ctx.where(*inside, *rev, t);
  if (failed(idx) || failed(idx = ctx.expand(*idx, xt.getShape())))
    return failure();
  return setResult(ctx, ctx.finish1(GatherElementsOp::create(ctx.builder(), ctx.loc(), xt,
                                                             *x, *idx, ta)));
}

LogicalResult importGatherElements(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0), idx = ctx.input(1);
  FailureOr<int64_t> axisAttr = ctx.intAttr("axis", 0);
  if (failed(x) || failed(idx) || failed(axisAttr))
    return failure();
  FailureOr<int64_t> axis = ctx.normalizeAxis(*axisAttr, typeOf(*x).getRank());
  if (failed(axis))
    return failure();
  return setResult(ctx, ctx.finish1(GatherElementsOp::create(
                            ctx.builder(), ctx.loc(),
                            typeOf(*x).clone(typeOf(*idx).getShape()), *x,
                            *idx, *axis)));
}

//===--- Pad, resize, expand, tile -----------------------------------------===//

LogicalResult importPad(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  if (failed(x))
    return failure();
  int64_t rank = typeOf(*x).getRank();
  FailureOr<std::string> modeName = ctx.stringAttr("mode", "constant");
  if (failed(modeName))
    return failure();
  SmallVector<int64_t> pads;
  double value = 0;
  if (ctx.opset() < 11) {
    FailureOr<SmallVector<int64_t>> p = ctx.intsAttr("pads", std::nullopt);
    FailureOr<float> v = ctx.floatAttr("value", 0.0f);
    if (failed(p) || failed(v))
      return failure();
    pads = *p;
    value = *v;
  } else {
    FailureOr<SmallVector<int64_t>> p = ctx.constantInts(1, "pads");
    if (failed(p))
      return failure();
    pads = *p;
    if (ctx.hasInput(2)) {
      const Tensor *v = ctx.constantInput(2);
      if (!v || v->size() != 1)
        return ctx.emitError()
               << "input 'constant_value' must be a scalar constant";
      value = v->getDouble(0);
    }
    if (ctx.hasInput(3)) {
      FailureOr<SmallVector<int64_t>> axes = ctx.constantInts(3, "axes");
      if (failed(axes))
        return failure();
      if (pads.size() != 2 * axes->size())
        return ctx.emitError() << "expects " << 2 * axes->size()
                               << " pads for " << axes->size() << " axes";
      SmallVector<int64_t> full(2 * rank, 0);
      for (auto [k, a] : llvm::enumerate(*axes)) {
        FailureOr<int64_t> n = ctx.normalizeAxis(a, rank);
        if (failed(n))
          return failure();
        full[*n] = pads[k];
        full[*n + rank] = pads[k + axes->size()];
      }
      pads = full;
    }
  }
  std::optional<PadMode> mode = symbolizePadMode(*modeName);
  if (!mode)
    return ctx.emitError() << "mode '" << *modeName
                           << "' is not constant, reflect, edge or wrap";
  FailureOr<Shape> shape = inferPadShape(typeOf(*x).getShape(), pads,
                                         [&] { return ctx.emitError(); });
  if (failed(shape))
    return failure();
  return setResult(ctx, ctx.finish1(PadOp::create(
                            ctx.builder(), ctx.loc(), typeOf(*x).clone(*shape),
                            *mode, *x, pads,
                            llvm::APFloat(static_cast<double>(value)))));
}

/// Builds infer.resize from the output shape, per-dimension scales and the
/// ONNX attributes.
LogicalResult buildResize(ImportContext &ctx, Value x, ArrayRef<int64_t> out,
                          ArrayRef<float> scales, ResizeMode mode,
                          CoordinateMode coord, NearestMode nearest,
                          float cubicA, bool excludeOutside) {
  OpBuilder &b = ctx.builder();
  return setResult(
      ctx, ctx.finish1(ResizeOp::create(
               b, ctx.loc(), typeOf(x).clone(out), mode, x, scales, coord,
               nearest, llvm::APFloat(static_cast<float>(cubicA)),
               bool(excludeOutside),
               llvm::APFloat(static_cast<float>(0.0f)))));
}

/// Resize-10 and Upsample: asymmetric coordinates, floor for nearest.
LogicalResult importLegacyResize(ImportContext &ctx, ArrayRef<float> scales) {
  FailureOr<Value> x = ctx.input(0);
  FailureOr<std::string> modeName = ctx.stringAttr("mode", "nearest");
  if (failed(x) || failed(modeName))
    return failure();
  ArrayRef<int64_t> in = typeOf(*x).getShape();
  if (scales.size() != in.size())
    return ctx.emitError() << "expects " << in.size() << " scales, got "
                           << scales.size();
  ResizeMode mode;
  if (*modeName == "nearest")
    mode = ResizeMode::nearest;
  else if (*modeName == "linear" || *modeName == "bilinear")
    mode = ResizeMode::linear;
  else
    return ctx.emitError() << "mode '" << *modeName << "' is not supported";
  Shape out;
  for (auto [d, s] : llvm::zip(in, scales)) {
    if (!(s > 0) || std::isinf(s))
      return ctx.emitError() << "expects finite positive scales, got " << s;
    out.push_back(ShapedType::isDynamic(d)
                      ? kDyn
                      : saturatingInt64(std::floor(d * double(s))));
  }
  return buildResize(ctx, *x, out, scales, mode, CoordinateMode::asymmetric,
                     NearestMode::floor, -0.75f, false);
}

LogicalResult importUpsample(ImportContext &ctx) {
  SmallVector<float> scales;
  if (ctx.opset() < 9) {
    FailureOr<SmallVector<float>> s = ctx.floatsAttr("scales");
    if (failed(s))
      return failure();
    scales = *s;
  } else {
    const Tensor *s = ctx.constantInput(1);
    if (!s)
      return ctx.emitError() << "input 'scales' must be a constant";
    for (int64_t i = 0; i < s->size(); ++i)
      scales.push_back(static_cast<float>(s->getDouble(i)));
  }
  return importLegacyResize(ctx, scales);
}

LogicalResult importResize(ImportContext &ctx) {
  if (ctx.opset() < 11) {
    const Tensor *s = ctx.constantInput(1);
    if (!s)
      return ctx.emitError() << "input 'scales' must be a constant";
    SmallVector<float> scales;
    for (int64_t i = 0; i < s->size(); ++i)
      scales.push_back(static_cast<float>(s->getDouble(i)));
    return importLegacyResize(ctx, scales);
  }
  FailureOr<Value> x = ctx.input(0);
  FailureOr<std::string> modeName = ctx.stringAttr("mode", "nearest");
  FailureOr<std::string> coordName =
      ctx.stringAttr("coordinate_transformation_mode", "half_pixel");
  FailureOr<std::string> nearestName =
      ctx.stringAttr("nearest_mode", "round_prefer_floor");
  FailureOr<float> cubicA = ctx.floatAttr("cubic_coeff_a", -0.75f);
  FailureOr<int64_t> exclude = ctx.intAttr("exclude_outside", 0);
  FailureOr<int64_t> antialias = ctx.intAttr("antialias", 0);
  FailureOr<std::string> policy =
      ctx.stringAttr("keep_aspect_ratio_policy", "stretch");
  if (failed(x) || failed(modeName) || failed(coordName) ||
      failed(nearestName) || failed(cubicA) || failed(exclude) ||
      failed(antialias) || failed(policy))
    return failure();
  std::optional<ResizeMode> mode = symbolizeResizeMode(*modeName);
  std::optional<CoordinateMode> coord = symbolizeCoordinateMode(*coordName);
  std::optional<NearestMode> nearest = symbolizeNearestMode(*nearestName);
  if (!mode || !coord || !nearest)
    return ctx.emitError() << "unknown mode, coordinate_transformation_mode "
                              "or nearest_mode ('"
                           << *modeName << "', '" << *coordName << "', '"
                           << *nearestName << "')";
  if (*coord == CoordinateMode::tf_crop_and_resize)
    return ctx.unsupported("coordinate_transformation_mode "
                           "'tf_crop_and_resize'");
  if (*antialias && *mode != ResizeMode::nearest)
    return ctx.unsupported("antialias=1");
  ArrayRef<int64_t> in = typeOf(*x).getShape();
  int64_t rank = in.size();
  FailureOr<SmallVector<int64_t>> axesAttr = ctx.intsAttr("axes", SmallVector<int64_t>());
  if (failed(axesAttr))
    return failure();
  SmallVector<int64_t> axes;
  for (int64_t a : *axesAttr) {
    FailureOr<int64_t> n = ctx.normalizeAxis(a, rank);
    if (failed(n))
      return failure();
    axes.push_back(*n);
  }
  if (axes.empty())
    for (int64_t i = 0; i < rank; ++i)
      axes.push_back(i);
  SmallVector<float> scales(rank, 1.0f);
  Shape out(in);
  const Tensor *scalesIn = ctx.hasInput(2) ? ctx.constantInput(2) : nullptr;
  const Tensor *sizesIn = ctx.hasInput(3) ? ctx.constantInput(3) : nullptr;
  if ((ctx.hasInput(2) && !scalesIn) || (ctx.hasInput(3) && !sizesIn))
    return ctx.emitError() << "inputs 'scales' and 'sizes' must be constants";
  if (scalesIn && scalesIn->size() > 0) {
    if (scalesIn->size() != static_cast<int64_t>(axes.size()))
      return ctx.emitError() << "expects " << axes.size() << " scales, got "
                             << scalesIn->size();
    for (auto [k, a] : llvm::enumerate(axes)) {
      scales[a] = static_cast<float>(scalesIn->getDouble(k));
      if (!(scales[a] > 0))
        return ctx.emitError() << "expects positive scales, got "
                               << scales[a];
      out[a] = ShapedType::isDynamic(in[a])
                   ? kDyn
                   : saturatingInt64(std::floor(in[a] * double(scales[a])));
    }
  } else if (sizesIn) {
    if (sizesIn->size() != static_cast<int64_t>(axes.size()))
      return ctx.emitError() << "expects " << axes.size() << " sizes, got "
                             << sizesIn->size();
    for (int64_t a : axes)
      if (ShapedType::isDynamic(in[a]))
        return ctx.unsupported("Resize sizes on a dynamic dimension");
    if (*policy == "stretch") {
      for (auto [k, a] : llvm::enumerate(axes)) {
        out[a] = sizesIn->getInt(k);
        scales[a] = static_cast<float>(out[a]) / static_cast<float>(in[a]);
      }
    } else {
      bool notLarger = *policy == "not_larger";
      if (!notLarger && *policy != "not_smaller")
        return ctx.emitError() << "keep_aspect_ratio_policy '" << *policy
                               << "' is not stretch, not_larger or not_smaller";
      float scale = notLarger ? std::numeric_limits<float>::max() : 0.0f;
      for (auto [k, a] : llvm::enumerate(axes)) {
        float s = static_cast<float>(sizesIn->getInt(k)) /
                  static_cast<float>(in[a]);
        scale = notLarger ? std::min(scale, s) : std::max(scale, s);
      }
      for (int64_t a : axes) {
        scales[a] = scale;
        out[a] = saturatingInt64(std::round(double(scale) * in[a]));
      }
    }
  } else {
    return ctx.emitError() << "expects either 'scales' or 'sizes'";
  }
  return buildResize(ctx, *x, out, scales, *mode, *coord, *nearest, *cubicA,
                     *exclude != 0);
}

LogicalResult importExpand(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  std::optional<SymInts> target = ctx.symbolicInts(1);
  if (failed(x))
    return failure();
  if (!target)
    return ctx.emitError() << "input 'shape' must be known at compile time "
                              "or computed from input shapes";
  ArrayRef<int64_t> in = typeOf(*x).getShape();
  Shape shape;
  size_t off = target->size() > in.size() ? target->size() - in.size() : 0;
  for (auto [i, s] : llvm::enumerate(*target)) {
    if (s.known) {
      shape.push_back(s.value);
      continue;
    }
    // An unknown entry keeps the input's size, which must not be a 1 that
    // would need the run-time value.
    int64_t d = i >= off ? in[i - off] : 1;
    if (d == 1)
      return ctx.unsupported("Expand to a size known only at run time");
    shape.push_back(d);
  }
  return setResult(ctx, ctx.expand(*x, shape));
}

LogicalResult importTile(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  FailureOr<SmallVector<int64_t>> repeats = ctx.constantInts(1, "repeats");
  if (failed(x) || failed(repeats))
    return failure();
  ArrayRef<int64_t> in = typeOf(*x).getShape();
  if (repeats->size() != in.size())
    return ctx.emitError() << "expects " << in.size() << " repeats, got "
                           << repeats->size();
  if (llvm::all_of(*repeats, [](int64_t r) { return r == 1; })) {
    ctx.setOutput(0, *x);
    return success();
  }
  if (!typeOf(*x).hasStaticShape())
    return ctx.unsupported("Tile of a dynamic shape");
  // [d0, d1] -> [1, d0, 1, d1] -> [r0, d0, r1, d1] -> [r0*d0, r1*d1].
  Shape interleaved, expanded, out;
  for (auto [d, r] : llvm::zip(in, *repeats)) {
    if (r < 0 || r > (int64_t(1) << 30))
      return ctx.emitError() << "repeat " << r << " is out of range";
    interleaved.append({1, d});
    expanded.append({r, d});
    out.push_back(r * d);
  }
  FailureOr<Value> v = ctx.reshape(*x, interleaved);
  if (failed(v))
    return failure();
  v = ctx.expand(*v, expanded);
  if (failed(v))
    return failure();
  return setResult(ctx, ctx.reshape(*v, out));
}

/// The largest DepthToSpace / SpaceToDepth blocksize (its square and its
/// product with a dimension must not overflow).
constexpr int64_t kMaxBlock = int64_t(1) << 16;

/// DepthToSpace and SpaceToDepth as reshape -> transpose -> reshape.
LogicalResult importDepthToSpace(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  FailureOr<int64_t> bs = ctx.intAttr("blocksize", std::nullopt);
  FailureOr<std::string> mode = ctx.stringAttr("mode", "DCR");
  if (failed(x) || failed(bs) || failed(mode))
    return failure();
  ArrayRef<int64_t> s = typeOf(*x).getShape();
  int64_t b = *bs;
  if (s.size() != 4 || b <= 0 || ShapedType::isDynamic(s[1]) ||
      b > kMaxBlock || s[1] % (b * b) != 0)
    return ctx.emitError() << "expects a 4-D input whose channels divide by "
                              "blocksize^2, got "
                           << formatShape(s) << " and blocksize " << b;
  int64_t n = s[0], c = s[1] / (b * b), h = s[2], w = s[3];
  Shape split;
  SmallVector<int64_t> perm;
  if (*mode == "DCR") {
    split = {n, b, b, c, h, w};
    perm = {0, 3, 4, 1, 5, 2};
  } else if (*mode == "CRD") {
    split = {n, c, b, b, h, w};
    perm = {0, 1, 4, 2, 5, 3};
  } else {
    return ctx.emitError() << "mode '" << *mode << "' is not DCR or CRD";
  }
  FailureOr<Value> v = ctx.reshape(*x, split);
  if (failed(v))
    return failure();
  v = ctx.transpose(*v, perm);
  if (failed(v))
    return failure();
  auto mul = [](int64_t a, int64_t k) {
    return ShapedType::isDynamic(a) ? kDyn : a * k;
  };
  return setResult(ctx, ctx.reshape(*v, {n, c, mul(h, b), mul(w, b)}));
}

LogicalResult importSpaceToDepth(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  FailureOr<int64_t> bs = ctx.intAttr("blocksize", std::nullopt);
  if (failed(x) || failed(bs))
    return failure();
  ArrayRef<int64_t> s = typeOf(*x).getShape();
  int64_t b = *bs;
  if (s.size() != 4 || b <= 0 || b > kMaxBlock || ShapedType::isDynamic(s[2]) ||
      ShapedType::isDynamic(s[3]) || s[2] % b != 0 || s[3] % b != 0)
    return ctx.emitError() << "expects a 4-D input whose height and width "
                              "divide by blocksize, got "
                           << formatShape(s) << " and blocksize " << b;
  int64_t n = s[0], c = s[1], h = s[2] / b, w = s[3] / b;
  FailureOr<Value> v = ctx.reshape(*x, {n, c, h, b, w, b});
  if (failed(v))
    return failure();
  v = ctx.transpose(*v, {0, 3, 5, 1, 2, 4});
  if (failed(v))
    return failure();
  return setResult(ctx, ctx.reshape(*v, {n, ShapedType::isDynamic(c)
                                               ? kDyn
                                               : c * b * b,
                                         h, w}));
}

/// Trilu: where(mask, x, 0) with a constant mask over the last two
/// dimensions.
/// CenterCropPad (opset 18): each of `axes` (all by default) cropped or
/// zero-padded to the target size around its center (the odd element at
/// the end), as one infer.pad whose negative pads crop.
LogicalResult importCenterCropPad(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  FailureOr<SmallVector<int64_t>> target = ctx.constantInts(1, "shape");
  if (failed(x) || failed(target))
    return failure();
  RankedTensorType t = typeOf(*x);
  int64_t rank = t.getRank();
  SmallVector<int64_t> axes;
  if (ctx.hasAttr("axes")) {
    FailureOr<SmallVector<int64_t>> a = ctx.intsAttr("axes", std::nullopt);
    if (failed(a))
      return failure();
    for (int64_t v : *a) {
      FailureOr<int64_t> n = ctx.normalizeAxis(v, rank);
      if (failed(n))
        return failure();
      axes.push_back(*n);
    }
  } else {
    for (int64_t d = 0; d < rank; ++d)
      axes.push_back(d);
  }
  if (target->size() != axes.size())
    return ctx.emitError() << "has " << target->size() << " target sizes for "
                           << axes.size() << " axes";
  SmallVector<int64_t> pads(2 * rank, 0), shape(t.getShape());
  for (auto [axis, size] : llvm::zip(axes, *target)) {
    int64_t dim = t.getDimSize(axis);
    if (ShapedType::isDynamic(dim) || size < 0)
      return ctx.emitError() << "expects a static dimension " << axis
                             << " and a target size of 0 or more";
    int64_t diff = size - dim;
    // Crop: (dim - size) / 2 off the start; pad: (size - dim) / 2 before.
    pads[axis] = diff >= 0 ? diff / 2 : -((-diff) / 2);
    pads[rank + axis] = diff - pads[axis];
    shape[axis] = size;
  }
  return setResult(ctx, ctx.finish1(PadOp::create(ctx.builder(), ctx.loc(), t.clone(shape),
                                                  PadMode::constant, *x, pads,
                                                  llvm::APFloat(0.0))));
}

LogicalResult importTrilu(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  FailureOr<int64_t> upper = ctx.intAttr("upper", 1);
  if (failed(x) || failed(upper))
    return failure();
  int64_t k = 0;
  if (ctx.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> kIn = ctx.constantInts(1, "k");
    if (failed(kIn))
      return failure();
    if (kIn->size() != 1)
      return ctx.emitError() << "expects a scalar k";
    k = kIn->front();
  }
  RankedTensorType t = typeOf(*x);
  if (t.getRank() < 2)
    return ctx.emitError() << "expects an input of rank at least 2";
  int64_t rows = t.getDimSize(t.getRank() - 2), cols = t.getDimSize(t.getRank() - 1);
  if (ShapedType::isDynamic(rows) || ShapedType::isDynamic(cols))
    return ctx.unsupported("Trilu over dynamic matrix dimensions");
  if (failed(ctx.checkBuiltConstant({rows, cols})))
    return failure();
  ConstantBuilder mask(
      RankedTensorType::get({rows, cols}, ctx.builder().getI1Type()));
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      mask.setInt(i * cols + j, *upper ? (j - i >= k) : (j - i <= k));
  Value zero = ctx.scalar(t.getElementType(), 0.0);
  Value m = ConstantOp::create(ctx.builder(), ctx.loc(), mask.finish("trilu"));
  return setResult(ctx, ctx.finish1(WhereOp::create(ctx.builder(), ctx.loc(), t,
                                                    m, *x, zero)));
}
} // namespace

void mlir::infer::frontend::registerTensorImporters(ImporterMap &m) {
  m["Reshape"] = importReshape;
  m["Flatten"] = importFlatten;
  m["Squeeze"] = importSqueeze;
  m["Unsqueeze"] = importUnsqueeze;
  m["Transpose"] = importTranspose;
  m["Concat"] = importConcat;
  m["Split"] = importSplit;
  m["Slice"] = importSlice;
  m["Gather"] = importGather;
  m["GatherElements"] = importGatherElements;
  m["GatherND"] = importGatherND;
  m["ScatterND"] = importScatterND;
  m["Compress"] = importCompress;
  m["ReverseSequence"] = importReverseSequence;
  m["ScatterElements"] = importScatterElements;
  m["Scatter"] = importScatterElements;
  m["Pad"] = importPad;
  m["Resize"] = importResize;
  m["Upsample"] = importUpsample;
  m["Expand"] = importExpand;
  m["Tile"] = importTile;
  m["DepthToSpace"] = importDepthToSpace;
  m["SpaceToDepth"] = importSpaceToDepth;
  m["Trilu"] = importTrilu;
  m["CenterCropPad"] = importCenterCropPad;
}
