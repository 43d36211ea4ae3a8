//===- ImportComposite.cpp - ONNX ops that become several infer ops -------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Einsum (reductions, transposes, reshapes and batched matmuls, contracting
// operands pairwise from the left), the losses NegativeLogLikelihoodLoss and
// SoftmaxCrossEntropyLoss, Hardmax, OneHot, EyeLike and
// MeanVarianceNormalization.
//
//===----------------------------------------------------------------------===//

#include "frontend/ImportContext.h"
#include "frontend/OnnxTensor.h"
#include "ir/ConstantView.h"

#include <onnx/onnx_pb.h>

using namespace mlir;
using namespace mlir::infer;
using namespace mlir::infer::frontend;

namespace {
RankedTensorType typeOf(Value v) {
  return llvm::cast<RankedTensorType>(v.getType());
}

/// A tensor with one letter per dimension.
struct Labeled {
  Value value;
  std::string letters;
};

int64_t product(ArrayRef<int64_t> dims) {
  int64_t n = 1;
  for (int64_t d : dims) {
    if (ShapedType::isDynamic(d))
      return ShapedType::kDynamic;
    n *= d;
  }
  return n;
}

/// Sums out the letters of `t` that are not in `keep`.
FailureOr<Labeled> sumOut(ImportContext &ctx, Labeled t, StringRef keep) {
  SmallVector<int64_t> axes;
  std::string rest;
  for (auto [i, c] : llvm::enumerate(t.letters)) {
    if (keep.contains(c))
      rest.push_back(c);
    else
      axes.push_back(i);
  }
  if (axes.empty())
    return t;
  FailureOr<Value> r = ctx.reduce(ReduceKind::sum, t.value, axes, false);
  if (failed(r))
    return failure();
  return Labeled{*r, rest};
}

/// Permutes `t` so its letters read `order`.
FailureOr<Value> permute(ImportContext &ctx, const Labeled &t, StringRef order) {
  SmallVector<int64_t> perm;
  for (char c : order)
    perm.push_back(t.letters.find(c));
  bool identity = true;
  for (auto [i, p] : llvm::enumerate(perm))
    identity &= p == static_cast<int64_t>(i);
  if (identity)
    return t.value;
  return ctx.transpose(t.value, perm);
}

/// Contracts a and b, keeping the letters in `keep`.
FailureOr<Labeled> contract(ImportContext &ctx, Labeled a, Labeled b,
                            StringRef keep) {
  std::string batch, freeA, freeB, summed;
  for (char c : a.letters) {
    bool inB = b.letters.find(c) != std::string::npos;
    if (inB && keep.contains(c))
      batch.push_back(c);
    else if (inB)
      summed.push_back(c);
    else
      freeA.push_back(c);
  }
  for (char c : b.letters)
    if (a.letters.find(c) == std::string::npos)
      freeB.push_back(c);
  auto dimsOf = [&](const Labeled &t, StringRef letters) {
    SmallVector<int64_t> dims;
    for (char c : letters)
      dims.push_back(typeOf(t.value).getDimSize(t.letters.find(c)));
    return dims;
  };
  SmallVector<int64_t> bDims = dimsOf(a, batch), faDims = dimsOf(a, freeA),
                       fbDims = dimsOf(b, freeB), kDims = dimsOf(a, summed);
  if (dimsOf(b, batch) != bDims || dimsOf(b, summed) != kDims)
    return ctx.emitError() << "operands disagree on the sizes of shared "
                              "letters";
  FailureOr<Value> pa = permute(ctx, a, batch + freeA + summed);
  FailureOr<Value> pb = permute(ctx, b, batch + summed + freeB);
  if (failed(pa) || failed(pb))
    return failure();
  FailureOr<Value> ma = ctx.reshape(*pa, {product(bDims), product(faDims),
                                          product(kDims)});
  FailureOr<Value> mb = ctx.reshape(*pb, {product(bDims), product(kDims),
                                          product(fbDims)});
  if (failed(ma) || failed(mb))
    return failure();
  FailureOr<Value> mm = ctx.matmul(*ma, *mb);
  if (failed(mm))
    return failure();
  SmallVector<int64_t> outDims(bDims);
  outDims.append(faDims);
  outDims.append(fbDims);
  FailureOr<Value> r = ctx.reshape(*mm, outDims);
  if (failed(r))
    return failure();
  return Labeled{*r, batch + freeA + freeB};
}

/// Takes the diagonal of every letter repeated in `t`'s term: the two
/// dimensions moved last, flattened and read with a stride of n + 1.
FailureOr<Labeled> takeDiagonals(ImportContext &ctx, Labeled t) {
  for (;;) {
    size_t p = std::string::npos, q = std::string::npos;
    for (size_t i = 0; i < t.letters.size() && q == std::string::npos; ++i) {
      size_t j = t.letters.find(t.letters[i], i + 1);
      if (j != std::string::npos) {
        p = i;
        q = j;
      }
    }
    if (q == std::string::npos)
      return t;
    ArrayRef<int64_t> shape = typeOf(t.value).getShape();
    int64_t n = shape[p];
    if (ShapedType::isDynamic(n) || shape[q] != n)
      return ctx.emitError() << "letter '" << t.letters[p] << "' repeats over dimensions of "
                             << "sizes " << shape[p] << " and " << shape[q];
    SmallVector<int64_t> perm, kept;
    std::string letters;
    for (size_t i = 0; i < t.letters.size(); ++i)
      if (i != p && i != q) {
        perm.push_back(i);
        kept.push_back(shape[i]);
        letters.push_back(t.letters[i]);
      }
    perm.push_back(p);
    perm.push_back(q);
    FailureOr<Value> v = ctx.transpose(t.value, perm);
    SmallVector<int64_t> flat(kept);
    flat.push_back(n * n);
    if (failed(v) || failed(v = ctx.reshape(*v, flat)) ||
        failed(v = ctx.sliceAxis(*v, flat.size() - 1, 0, n * n, n + 1)))
      return failure();
    letters.push_back(t.letters[p]);
    t = {*v, letters};
  }
}

/// Rewrites an equation's ellipses into letters it does not use: the
/// broadcast dimensions, aligned from the right across the operands.
FailureOr<std::string> expandEllipsis(ImportContext &ctx, const std::string &eq,
                                      ArrayRef<int64_t> ranks) {
  size_t arrow = eq.find("->");
  std::string lhs = eq.substr(0, arrow);
  SmallVector<StringRef> terms;
  StringRef(lhs).split(terms, ',');
  if (terms.size() != ranks.size())
    return failure(); // Reported by the caller.
  int64_t most = 0;
  SmallVector<int64_t> counts;
  for (auto [term, rank] : llvm::zip(terms, ranks)) {
    int64_t letters = static_cast<int64_t>(term.size());
    int64_t k = term.contains("...") ? rank - (letters - 3) : 0;
    if (k < 0)
      return ctx.emitError() << "term '" << term << "' has more letters than its operand's rank "
                             << rank;
    counts.push_back(k);
    most = std::max(most, k);
  }
  std::string fresh;
  for (char c : StringRef("ZYXWVUTSRQPONMLKJIHGFEDCBAzyxwvutsrqponmlkjihgfedcba"))
    if (eq.find(c) == std::string::npos && static_cast<int64_t>(fresh.size()) < most)
      fresh.push_back(c);
  if (static_cast<int64_t>(fresh.size()) < most)
    return ctx.unsupported("an ellipsis over more dimensions than free letters");
  std::reverse(fresh.begin(), fresh.end());
  std::string out;
  for (auto [i, term] : llvm::enumerate(terms)) {
    std::string t = term.str();
    size_t at = t.find("...");
    if (at != std::string::npos)
      t.replace(at, 3, fresh.substr(most - counts[i]));
    out += (i ? "," : "") + t;
  }
  if (arrow != std::string::npos) {
    std::string rhs = eq.substr(arrow + 2);
    size_t at = rhs.find("...");
    if (at != std::string::npos)
      rhs.replace(at, 3, fresh);
    return out + "->" + rhs;
  }
  // Implicit output: the broadcast dimensions, then the letters that
  // appear once, alphabetically.
  std::string rhs = fresh;
  for (char c = 'A'; c <= 'z'; ++c)
    if (std::count(lhs.begin(), lhs.end(), c) == 1)
      rhs.push_back(c);
  return out + "->" + rhs;
}

LogicalResult importEinsum(ImportContext &ctx) {
  FailureOr<std::string> eqAttr = ctx.stringAttr("equation", std::nullopt);
  if (failed(eqAttr))
    return failure();
  std::string eq;
  for (char c : *eqAttr)
    if (c != ' ')
      eq.push_back(c);
  if (StringRef(eq).contains("...")) {
    SmallVector<int64_t> ranks;
    for (unsigned i = 0; i < ctx.numInputs(); ++i) {
      FailureOr<Value> v = ctx.input(i);
      if (failed(v))
        return failure();
      ranks.push_back(typeOf(*v).getRank());
    }
    FailureOr<std::string> expanded = expandEllipsis(ctx, eq, ranks);
    if (succeeded(expanded))
      eq = *expanded;
    else if (std::count(eq.begin(), eq.end(), ',') + 1 == static_cast<long>(ranks.size()))
      return failure();
  }
  size_t arrow = eq.find("->");
  std::string lhs = eq.substr(0, arrow), out;
  SmallVector<StringRef> terms;
  StringRef(lhs).split(terms, ',');
  if (terms.size() != ctx.numInputs())
    return ctx.emitError() << "equation '" << *eqAttr << "' has "
                           << terms.size() << " operands, the node "
                           << ctx.numInputs();
  if (arrow != std::string::npos) {
    out = eq.substr(arrow + 2);
  } else {
    // Implicit output: letters that appear once, alphabetically.
    for (char c = 'A'; c <= 'z'; ++c)
      if (std::count(lhs.begin(), lhs.end(), c) == 1)
        out.push_back(c);
  }
  SmallVector<Labeled> ops;
  for (auto [i, term] : llvm::enumerate(terms)) {
    FailureOr<Value> v = ctx.input(i);
    if (failed(v))
      return failure();
    if (static_cast<int64_t>(term.size()) != typeOf(*v).getRank())
      return ctx.emitError() << "term '" << term << "' has " << term.size()
                             << " letters for an operand of rank "
                             << typeOf(*v).getRank();
    FailureOr<Labeled> diag = takeDiagonals(ctx, {*v, term.str()});
    if (failed(diag))
      return failure();
    ops.push_back(*diag);
  }
  // Letters needed after operand i: the output's and later operands'.
  auto neededAfter = [&](size_t i) {
    std::string keep = out;
    for (size_t j = i + 1; j < ops.size(); ++j)
      keep += ops[j].letters;
    return keep;
  };
  FailureOr<Labeled> acc = sumOut(ctx, ops[0], neededAfter(0) + (ops.size() > 1 ? ops[1].letters : ""));
  if (failed(acc))
    return failure();
  for (size_t i = 1; i < ops.size(); ++i) {
    std::string keep = neededAfter(i);
    FailureOr<Labeled> rhs = sumOut(ctx, ops[i], keep + acc->letters);
    if (failed(rhs))
      return failure();
    acc = contract(ctx, *acc, *rhs, keep);
    if (failed(acc))
      return failure();
  }
  acc = sumOut(ctx, *acc, out);
  if (failed(acc))
    return failure();
  for (char c : out)
    if (acc->letters.find(c) == std::string::npos)
      return ctx.emitError() << "output letter '" << c
                             << "' appears in no operand";
  FailureOr<Value> r = permute(ctx, *acc, out);
  if (failed(r))
    return failure();
  ctx.setOutput(0, *r);
  return success();
}

/// The loss of NegativeLogLikelihoodLoss on log-probabilities `logp`
/// [N, C, d...] and targets [N, d...], with optional class weights.
FailureOr<Value> buildNLL(ImportContext &ctx, Value logp, Value target,
                          Value weight, StringRef reduction,
                          std::optional<int64_t> ignoreIndex) {
  RankedTensorType lt = typeOf(logp), tt = typeOf(target);
  if (lt.getRank() < 2 || tt.getRank() != lt.getRank() - 1)
    return ctx.emitError() << "expects input [N, C, d...] and target [N, d...], "
                           << "got " << formatShape(lt.getShape()) << " and "
                           << formatShape(tt.getShape());
  Type it = tt.getElementType(), ft = lt.getElementType();
  Value mask, safe = target;
  if (ignoreIndex) {
    FailureOr<Value> eq = ctx.binary(BinaryKind::equal, target,
                                     ctx.scalar(it, *ignoreIndex));
    if (failed(eq))
      return failure();
    FailureOr<Value> m = ctx.unary(UnaryKind::not_, *eq);
    if (failed(m))
      return failure();
    mask = *m;
    FailureOr<Value> s = ctx.finish1(WhereOp::create(
        ctx.builder(), ctx.loc(), tt, mask, target, ctx.scalar(it, 0)));
    if (failed(s))
      return failure();
    safe = *s;
  }
  // Pick logp[n, target[n, d], d].
  Shape idxShape(tt.getShape());
  idxShape.insert(idxShape.begin() + 1, 1);
  FailureOr<Value> idx = ctx.reshape(safe, idxShape);
  if (failed(idx))
    return failure();
  FailureOr<Value> picked = ctx.finish1(GatherElementsOp::create(
      ctx.builder(), ctx.loc(), lt.clone(idxShape), logp, *idx, 1));
  if (failed(picked))
    return failure();
  picked = ctx.reshape(*picked, tt.getShape());
  if (failed(picked))
    return failure();
  FailureOr<Value> loss = ctx.unary(UnaryKind::neg, *picked);
  if (failed(loss))
    return failure();
  Value w;
  if (weight) {
    FailureOr<Value> g = ctx.finish1(GatherOp::create(
        ctx.builder(), ctx.loc(), tt.clone(ft), weight, safe, 0));
    if (failed(g))
      return failure();
    w = *g;
  }
  if (mask) {
    Value ones = w ? w : ctx.scalar(ft, 1.0);
    FailureOr<Value> mw = ctx.finish1(WhereOp::create(
        ctx.builder(), ctx.loc(), tt.clone(ft), mask, ones, ctx.scalar(ft, 0)));
    if (failed(mw))
      return failure();
    w = *mw;
  }
  if (w) {
    loss = ctx.binary(BinaryKind::mul, *loss, w);
    if (failed(loss))
      return failure();
  }
  if (reduction == "none")
    return loss;
  SmallVector<int64_t> all;
  for (int64_t i = 0; i < tt.getRank(); ++i)
    all.push_back(i);
  if (reduction == "sum")
    return ctx.reduce(ReduceKind::sum, *loss, all, false);
  if (reduction != "mean")
    return ctx.emitError() << "reduction '" << reduction
                           << "' is not none, sum or mean";
  if (!w)
    return ctx.reduce(ReduceKind::mean, *loss, all, false);
  FailureOr<Value> num = ctx.reduce(ReduceKind::sum, *loss, all, false);
  FailureOr<Value> den = ctx.reduce(ReduceKind::sum, w, all, false);
  if (failed(num) || failed(den))
    return failure();
  return ctx.binary(BinaryKind::div, *num, *den);
}

std::optional<int64_t> ignoreIndexOf(ImportContext &ctx) {
  if (!ctx.hasAttr("ignore_index"))
    return std::nullopt;
  FailureOr<int64_t> v = ctx.intAttr("ignore_index", 0);
  return succeeded(v) ? std::optional<int64_t>(*v) : std::nullopt;
}

LogicalResult importNLL(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0), t = ctx.input(1);
  FailureOr<Value> w = ctx.optionalInput(2);
  FailureOr<std::string> red = ctx.stringAttr("reduction", "mean");
  if (failed(x) || failed(t) || failed(w) || failed(red))
    return failure();
  FailureOr<Value> y = buildNLL(ctx, *x, *t, *w, *red, ignoreIndexOf(ctx));
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}

LogicalResult importSoftmaxCrossEntropy(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0), t = ctx.input(1);
  FailureOr<Value> w = ctx.optionalInput(2);
  FailureOr<std::string> red = ctx.stringAttr("reduction", "mean");
  if (failed(x) || failed(t) || failed(w) || failed(red))
    return failure();
  if (typeOf(*x).getRank() < 2)
    return ctx.emitError() << "expects scores of rank at least 2";
  FailureOr<Value> logp = ctx.finish1(
      LogSoftmaxOp::create(ctx.builder(), ctx.loc(), x->getType(), *x, 1));
  if (failed(logp))
    return failure();
  FailureOr<Value> y = buildNLL(ctx, *logp, *t, *w, *red, ignoreIndexOf(ctx));
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  ctx.setOutput(1, *logp);
  return success();
}

/// A constant [1, .., n, .., 1] counting 0..n-1 along `axis` of `rank`.
FailureOr<Value> iota(ImportContext &ctx, int64_t rank, int64_t axis,
                       int64_t n) {
  SmallVector<int64_t> shape(rank, 1);
  shape[axis] = n;
  if (failed(ctx.checkBuiltConstant(shape)))
    return failure();
  ConstantBuilder t(RankedTensorType::get(shape, ctx.builder().getI64Type()));
  for (int64_t i = 0; i < n; ++i)
    t.setInt(i, i);
  return Value(ConstantOp::create(ctx.builder(), ctx.loc(), t.finish("iota")));
}

LogicalResult importHardmax(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  if (failed(x))
    return failure();
  bool legacy = ctx.opset() < 13;
  FailureOr<int64_t> axisAttr = ctx.intAttr("axis", legacy ? 1 : -1);
  if (failed(axisAttr))
    return failure();
  RankedTensorType t = typeOf(*x);
  FailureOr<int64_t> axis = ctx.normalizeAxis(*axisAttr, t.getRank());
  if (failed(axis))
    return failure();
  if (!t.hasStaticShape())
    return ctx.unsupported("Hardmax of a dynamic shape");
  Value in = *x;
  int64_t a = *axis;
  if (legacy) {
    // Before opset 13: flatten to 2-D at `axis`.
    FailureOr<Value> r = ctx.reshape(
        in, {numElements(t.getShape().take_front(a)),
             numElements(t.getShape().drop_front(a))});
    if (failed(r))
      return failure();
    in = *r;
    a = 1;
  }
  RankedTensorType it = typeOf(in);
  Shape kept(it.getShape());
  kept[a] = 1;
  OpBuilder &b = ctx.builder();
  FailureOr<Value> am = ctx.finish1(ArgReduceOp::create(
      b, ctx.loc(), RankedTensorType::get(kept, b.getI64Type()), ArgKind::max,
      in, a, true, false));
  if (failed(am))
    return failure();
  FailureOr<Value> positions = iota(ctx, it.getRank(), a, it.getDimSize(a));
  if (failed(positions))
    return failure();
  FailureOr<Value> eq = ctx.binary(BinaryKind::equal, *positions, *am);
  if (failed(eq))
    return failure();
  FailureOr<Value> y = ctx.cast(*eq, t.getElementType());
  if (failed(y))
    return failure();
  if (legacy) {
    y = ctx.reshape(*y, t.getShape());
    if (failed(y))
      return failure();
  }
  ctx.setOutput(0, *y);
  return success();
}

LogicalResult importOneHot(ImportContext &ctx) {
  FailureOr<Value> idx = ctx.input(0), values = ctx.input(2);
  FailureOr<double> depthD = ctx.constantScalar(1, "depth");
  FailureOr<int64_t> axisAttr = ctx.intAttr("axis", -1);
  if (failed(idx) || failed(values) || failed(depthD) || failed(axisAttr))
    return failure();
  // ONNX wants a positive depth; the output has depth times the indices'
  // elements.
  if (!(*depthD >= 1 && *depthD <= double(int64_t(1) << 31)))
    return ctx.emitError() << "expects a depth between 1 and 2^31, got "
                           << *depthD;
  int64_t depth = static_cast<int64_t>(*depthD);
  RankedTensorType t = typeOf(*idx);
  int64_t outRank = t.getRank() + 1;
  FailureOr<int64_t> axis = ctx.normalizeAxis(*axisAttr, outRank);
  if (failed(axis))
    return failure();
  Type i64 = ctx.builder().getI64Type();
  FailureOr<Value> ii = ctx.cast(*idx, i64);
  if (failed(ii))
    return failure();
  // Negative indices count from depth.
  FailureOr<Value> neg = ctx.binary(BinaryKind::less, *ii, ctx.scalar(i64, 0));
  FailureOr<Value> wrapped =
      ctx.binary(BinaryKind::add, *ii, ctx.scalar(i64, depth));
  if (failed(neg) || failed(wrapped))
    return failure();
  FailureOr<Value> adj = ctx.finish1(WhereOp::create(
      ctx.builder(), ctx.loc(), typeOf(*ii), *neg, *wrapped, *ii));
  if (failed(adj))
    return failure();
  Shape unsq(t.getShape());
  unsq.insert(unsq.begin() + *axis, 1);
  FailureOr<Value> u = ctx.reshape(*adj, unsq);
  if (failed(u))
    return failure();
  FailureOr<Value> positions = iota(ctx, outRank, *axis, depth);
  if (failed(positions))
    return failure();
  FailureOr<Value> hot = ctx.binary(BinaryKind::equal, *positions, *u);
  if (failed(hot))
    return failure();
  if (typeOf(*values).getNumElements() != 2)
    return ctx.emitError() << "expects 2 values (off, on)";
  FailureOr<Value> off = ctx.sliceAxis(*values, 0, 0, 1, 1);
  FailureOr<Value> on = ctx.sliceAxis(*values, 0, 1, 2, 1);
  if (failed(off) || failed(on))
    return failure();
  off = ctx.reshape(*off, {});
  on = ctx.reshape(*on, {});
  if (failed(off) || failed(on))
    return failure();
  Shape out(typeOf(*hot).getShape());
  FailureOr<Value> y = ctx.finish1(WhereOp::create(
      ctx.builder(), ctx.loc(),
      RankedTensorType::get(out, typeOf(*values).getElementType()), *hot, *on,
      *off));
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}

LogicalResult importEyeLike(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  FailureOr<int64_t> k = ctx.intAttr("k", 0);
  if (failed(x) || failed(k))
    return failure();
  RankedTensorType t = typeOf(*x);
  if (t.getRank() != 2 || !t.hasStaticShape())
    return ctx.emitError() << "expects a static 2-D input";
  Type et = t.getElementType();
  if (ctx.hasAttr("dtype")) {
    FailureOr<int64_t> dt = ctx.intAttr("dtype", 0);
    if (failed(dt))
      return failure();
    std::string error;
    FailureOr<Type> ty =
        elementTypeFromOnnx(ctx.getContext(), static_cast<int32_t>(*dt), error);
    if (failed(ty))
      return ctx.emitError() << error;
    et = *ty;
  }
  int64_t rows = t.getDimSize(0), cols = t.getDimSize(1);
  if (failed(ctx.checkBuiltConstant({rows, cols})))
    return failure();
  ConstantBuilder eye(RankedTensorType::get({rows, cols}, et));
  // A diagonal entirely outside the matrix leaves it zero (and |k| stays
  // small enough below that i + k cannot overflow).
  if (*k > -rows && *k < cols)
    for (int64_t i = 0; i < rows; ++i)
      if (i + *k >= 0 && i + *k < cols)
        eye.setDouble(i * cols + i + *k, 1.0);
  ctx.setOutput(0, ConstantOp::create(ctx.builder(), ctx.loc(), eye.finish("eye")));
  return success();
}

/// MeanVarianceNormalization, following ONNX's function body:
/// (x - E[x]) / (sqrt(E[x^2] - E[x]^2) + 1e-9).
LogicalResult importMVN(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  FailureOr<SmallVector<int64_t>> axesAttr =
      ctx.intsAttr("axes", SmallVector<int64_t>{0, 2, 3});
  if (failed(x) || failed(axesAttr))
    return failure();
  SmallVector<int64_t> axes;
  for (int64_t a : *axesAttr) {
    FailureOr<int64_t> n = ctx.normalizeAxis(a, typeOf(*x).getRank());
    if (failed(n))
      return failure();
    axes.push_back(*n);
  }
  llvm::sort(axes);
  Type et = typeOf(*x).getElementType();
  FailureOr<Value> mean = ctx.reduce(ReduceKind::mean, *x, axes, true);
  FailureOr<Value> sq = ctx.binary(BinaryKind::mul, *x, *x);
  if (failed(mean) || failed(sq))
    return failure();
  FailureOr<Value> meanSq = ctx.reduce(ReduceKind::mean, *sq, axes, true);
  FailureOr<Value> sqMean = ctx.binary(BinaryKind::mul, *mean, *mean);
  if (failed(meanSq) || failed(sqMean))
    return failure();
  FailureOr<Value> var = ctx.binary(BinaryKind::sub, *meanSq, *sqMean);
  if (failed(var))
    return failure();
  FailureOr<Value> std = ctx.unary(UnaryKind::sqrt, *var);
  if (failed(std))
    return failure();
  std = ctx.binary(BinaryKind::add, *std, ctx.scalar(et, 1e-9));
  FailureOr<Value> centered = ctx.binary(BinaryKind::sub, *x, *mean);
  if (failed(std) || failed(centered))
    return failure();
  FailureOr<Value> y = ctx.binary(BinaryKind::div, *centered, *std);
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}
/// RMSNormalization (opset 23), following ONNX's function body: x /
/// sqrt(E[x^2] + epsilon) * scale over the axes from `axis` on, computed
/// in f32 (stash_type 1) for 16-bit inputs.
LogicalResult importRMSNorm(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0), scale = ctx.input(1);
  FailureOr<int64_t> axisAttr = ctx.intAttr("axis", -1);
  FailureOr<float> eps = ctx.floatAttr("epsilon", 1e-5f);
  FailureOr<int64_t> stash = ctx.intAttr("stash_type", 1);
  if (failed(x) || failed(scale) || failed(axisAttr) || failed(eps) || failed(stash))
    return failure();
  if (*stash != 1)
    return ctx.unsupported("stash_type " + std::to_string(*stash) + " (only 1, f32)");
  int64_t rank = typeOf(*x).getRank();
  FailureOr<int64_t> axis = ctx.normalizeAxis(*axisAttr, rank);
  if (failed(axis))
    return failure();
  Type et = typeOf(*x).getElementType();
  if (!llvm::isa<FloatType>(et))
    return ctx.emitError() << "expects a floating-point input";
  Type f32 = ctx.builder().getF32Type();
  Value v = *x;
  if (et != f32) {
    FailureOr<Value> c = ctx.cast(v, f32);
    if (failed(c))
      return failure();
    v = *c;
  }
  SmallVector<int64_t> axes;
  for (int64_t a = *axis; a < rank; ++a)
    axes.push_back(a);
  FailureOr<Value> sq = ctx.binary(BinaryKind::mul, v, v);
  if (failed(sq))
    return failure();
  FailureOr<Value> ms = ctx.reduce(ReduceKind::mean, *sq, axes, true);
  if (failed(ms))
    return failure();
  FailureOr<Value> rms = ctx.binary(BinaryKind::add, *ms, ctx.scalar(f32, *eps));
  if (failed(rms) || failed(rms = ctx.unary(UnaryKind::sqrt, *rms)))
    return failure();
  FailureOr<Value> y = ctx.binary(BinaryKind::div, v, *rms);
  if (failed(y))
    return failure();
  if (et != f32 && failed(y = ctx.cast(*y, et)))
    return failure();
  if (failed(y = ctx.binary(BinaryKind::mul, *y, *scale)))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}

/// GroupNormalization: x normalized over each group of num_groups
/// consecutive channels (with the spatial dimensions), in f32 for 16-bit
/// inputs (stash_type 1), then scaled and shifted per channel (opset 21)
/// or per group (opset 18, its scale and bias [num_groups]).
LogicalResult importGroupNorm(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0), scale = ctx.input(1), bias = ctx.input(2);
  FailureOr<int64_t> groups = ctx.intAttr("num_groups", std::nullopt);
  FailureOr<float> eps = ctx.floatAttr("epsilon", 1e-5f);
  FailureOr<int64_t> stash = ctx.intAttr("stash_type", 1);
  if (failed(x) || failed(scale) || failed(bias) || failed(groups) || failed(eps) ||
      failed(stash))
    return failure();
  RankedTensorType t = typeOf(*x);
  if (t.getRank() < 2 || !t.hasStaticShape() || !llvm::isa<FloatType>(t.getElementType()))
    return ctx.emitError() << "expects a static float input of rank 2 or more; it is " << t;
  int64_t n = t.getDimSize(0), c = t.getDimSize(1), g = *groups;
  if (g <= 0 || c % g)
    return ctx.emitError() << "num_groups " << g << " does not divide the " << c << " channels";
  int64_t perGroup = t.getNumElements() / (n * g);
  Type et = t.getElementType(), f32 = ctx.builder().getF32Type();
  Type ct = *stash == 1 ? f32 : et;
  FailureOr<Value> v = ctx.cast(*x, ct);
  if (failed(v) || failed(v = ctx.reshape(*v, {n, g, perGroup})))
    return failure();
  FailureOr<Value> mean = ctx.reduce(ReduceKind::mean, *v, {2}, true);
  if (failed(mean))
    return failure();
  FailureOr<Value> centered = ctx.binary(BinaryKind::sub, *v, *mean);
  if (failed(centered))
    return failure();
  FailureOr<Value> var = ctx.binary(BinaryKind::mul, *centered, *centered);
  if (failed(var) || failed(var = ctx.reduce(ReduceKind::mean, *var, {2}, true)) ||
      failed(var = ctx.binary(BinaryKind::add, *var, ctx.scalar(ct, *eps))) ||
      failed(var = ctx.unary(UnaryKind::sqrt, *var)))
    return failure();
  FailureOr<Value> y = ctx.binary(BinaryKind::div, *centered, *var);
  if (failed(y) || failed(y = ctx.reshape(*y, t.getShape())) || failed(y = ctx.cast(*y, et)))
    return failure();
  // Scale and bias broadcast over the channel dimension.
  SmallVector<int64_t> chanShape(t.getRank(), 1);
  chanShape[1] = c;
  auto perChannel = [&](Value p) -> FailureOr<Value> {
    int64_t size = typeOf(p).getNumElements();
    if (size == g && g != c) {
      // Opset 18: one value per group, each repeated over its channels.
      FailureOr<Value> r = ctx.reshape(p, {g, 1});
      if (failed(r) || failed(r = ctx.expand(*r, {g, c / g})))
        return failure();
      p = *r;
    } else if (size != c) {
      return ctx.emitError() << "expects scale and bias of " << c << " (or " << g
                             << ") elements; one has " << size;
    }
    return ctx.reshape(p, chanShape);
  };
  FailureOr<Value> s = perChannel(*scale), bb = perChannel(*bias);
  if (failed(s) || failed(bb) || failed(y = ctx.binary(BinaryKind::mul, *y, *s)) ||
      failed(y = ctx.binary(BinaryKind::add, *y, *bb)))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}

/// LpNormalization: x over its L1 or L2 norm along `axis`.
LogicalResult importLpNorm(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  FailureOr<int64_t> axisAttr = ctx.intAttr("axis", -1);
  FailureOr<int64_t> p = ctx.intAttr("p", 2);
  if (failed(x) || failed(axisAttr) || failed(p))
    return failure();
  if (*p != 1 && *p != 2)
    return ctx.emitError() << "p is " << *p << "; LpNormalization takes 1 or 2";
  FailureOr<int64_t> axis = ctx.normalizeAxis(*axisAttr, typeOf(*x).getRank());
  if (failed(axis))
    return failure();
  FailureOr<Value> norm =
      ctx.reduce(*p == 1 ? ReduceKind::l1 : ReduceKind::l2, *x, {*axis}, true);
  if (failed(norm))
    return failure();
  FailureOr<Value> y = ctx.binary(BinaryKind::div, *x, *norm);
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}
/// HannWindow, HammingWindow and BlackmanWindow of a size known at compile
/// time: a constant, sum_k a_k cos(2 pi k n / N) with N the size
/// (periodic) or the size - 1 (symmetric), in output_datatype.
template <int Kind> // 0 Hann, 1 Hamming, 2 Blackman
LogicalResult importWindow(ImportContext &ctx) {
  FailureOr<SmallVector<int64_t>> size = ctx.constantInts(0, "size");
  FailureOr<int64_t> periodic = ctx.intAttr("periodic", 1);
  FailureOr<int64_t> dt = ctx.intAttr("output_datatype", 1);
  if (failed(size) || failed(periodic) || failed(dt))
    return failure();
  if (size->size() != 1 || (*size)[0] < 0)
    return ctx.emitError() << "expects a scalar size of 0 or more";
  std::string error;
  FailureOr<Type> et = elementTypeFromOnnx(ctx.getContext(), static_cast<int32_t>(*dt), error);
  if (failed(et))
    return ctx.emitError() << error;
  int64_t n = (*size)[0];
  double denom = *periodic ? double(n) : double(n - 1);
  double a0 = Kind == 0 ? 0.5 : Kind == 1 ? 25.0 / 46.0 : 0.42;
  double a1 = Kind == 0 ? 0.5 : Kind == 1 ? 21.0 / 46.0 : 0.5;
  double a2 = Kind == 2 ? 0.08 : 0.0;
  ConstantBuilder w(RankedTensorType::get({n}, *et));
  for (int64_t i = 0; i < n; ++i) {
    double x = denom > 0 ? 2 * M_PI * double(i) / denom : 0.0;
    w.setDouble(i, a0 - a1 * std::cos(x) + a2 * std::cos(2 * x));
  }
  ctx.setOutput(0, ConstantOp::create(ctx.builder(), ctx.loc(), w.finish("window")));
  return success();
}
/// AffineGrid (opset 20): the sampling grid of affine matrices theta
/// ([N, 2, 3] or [N, 3, 4]) for an output of `size` (N, C, H, W or N, C, D,
/// H, W; known at compile time): a constant of each output position's
/// normalized coordinates (x, y[, z], 1), times thetaᵀ.
LogicalResult importAffineGrid(ImportContext &ctx) {
  FailureOr<Value> theta = ctx.input(0);
  FailureOr<SmallVector<int64_t>> size = ctx.constantInts(1, "size");
  FailureOr<int64_t> align = ctx.intAttr("align_corners", 0);
  if (failed(theta) || failed(size) || failed(align))
    return failure();
  RankedTensorType tt = typeOf(*theta);
  int64_t dims = int64_t(size->size()) - 2; // spatial dimensions
  if ((dims != 2 && dims != 3) || tt.getRank() != 3 || tt.getDimSize(1) != dims ||
      tt.getDimSize(2) != dims + 1 || tt.getDimSize(0) != (*size)[0])
    return ctx.emitError() << "expects theta of [N, 2, 3] with a size of 4 or [N, 3, 4] with "
                              "a size of 5; theta is "
                           << tt << " and size has " << size->size() << " elements";
  SmallVector<int64_t> spatial(size->begin() + 2, size->end()); // [D,] H, W
  int64_t points = 1;
  for (int64_t s : spatial) {
    if (s <= 0)
      return ctx.emitError() << "expects positive sizes";
    points *= s;
  }
  if (failed(ctx.checkBuiltConstant({points, dims + 1})))
    return failure();
  auto coord = [&](int64_t i, int64_t n) {
    if (*align)
      return n > 1 ? -1.0 + 2.0 * double(i) / double(n - 1) : 0.0;
    return (2.0 * double(i) + 1.0) / double(n) - 1.0;
  };
  Type et = tt.getElementType();
  reference::Tensor base(et, {points, dims + 1});
  for (int64_t p = 0; p < points; ++p) {
    // Position p in row-major [D,] H, W order; columns x (W), y (H)[, z (D)], 1.
    int64_t rest = p;
    for (int64_t d = dims - 1, col = 0; d >= 0; --d, ++col) {
      int64_t i = rest % spatial[d];
      rest /= spatial[d];
      base.setDouble(p * (dims + 1) + col, coord(i, spatial[d]));
    }
    base.setDouble(p * (dims + 1) + dims, 1.0);
  }
  FailureOr<Value> tr = ctx.transpose(*theta, {0, 2, 1});
  FailureOr<Value> g = failed(tr) ? tr : ctx.matmul(ctx.constant(base), *tr);
  if (failed(g))
    return failure();
  SmallVector<int64_t> shape = {(*size)[0]};
  shape.append(spatial.begin(), spatial.end());
  shape.push_back(dims);
  if (failed(g = ctx.reshape(*g, shape)))
    return failure();
  ctx.setOutput(0, *g);
  return success();
}

/// GridSample of a 4-D input, following ONNX's reference: each grid point
/// (x, y) in [-1, 1] denormalized to pixel coordinates (align_corners:
/// -1 and 1 are the edge pixels' centers, else their outer edges), moved
/// inside by the padding mode (border: clamped; reflection: reflected off
/// the edges), then read as the nearest pixel (ties to even), the four
/// around it weighted bilinearly or the sixteen around it weighted by the
/// cubic kernel (A = -0.75; not with reflection padding); taps outside the
/// image read 0 (zeros),
/// the nearest edge pixel (border) or their reflection. Each tap is a
/// GatherElements of the flattened image.
LogicalResult importGridSample(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0), grid = ctx.input(1);
  FailureOr<std::string> modeName = ctx.stringAttr("mode", "bilinear");
  FailureOr<std::string> padName = ctx.stringAttr("padding_mode", "zeros");
  FailureOr<int64_t> align = ctx.intAttr("align_corners", 0);
  if (failed(x) || failed(grid) || failed(modeName) || failed(padName) || failed(align))
    return failure();
  RankedTensorType xt = typeOf(*x), gt = typeOf(*grid);
  if (xt.getRank() != 4 || gt.getRank() != 4 || !xt.hasStaticShape() ||
      !gt.hasStaticShape() || gt.getDimSize(3) != 2 || gt.getDimSize(0) != xt.getDimSize(0))
    return ctx.unsupported("GridSample other than of a static 4-D input and [N, H, W, 2] grid");
  bool linear = *modeName == "bilinear" || *modeName == "linear";
  bool cubic = *modeName == "bicubic" || *modeName == "cubic";
  if (!linear && !cubic && *modeName != "nearest")
    return ctx.unsupported("mode '" + *modeName + "'");
  if (cubic && *padName == "reflection")
    return ctx.unsupported("cubic mode with reflection padding");
  if (*padName != "zeros" && *padName != "border" && *padName != "reflection")
    return ctx.emitError() << "unknown padding_mode '" << *padName << "'";
  Type et = xt.getElementType();
  if (!llvm::isa<FloatType>(et) || gt.getElementType() != et)
    return ctx.emitError() << "expects input and grid of one float type";
  int64_t n = xt.getDimSize(0), c = xt.getDimSize(1), h = xt.getDimSize(2),
          w = xt.getDimSize(3), ho = gt.getDimSize(1), wo = gt.getDimSize(2);
  auto k = [&](double v) { return ctx.scalar(et, v); };
  auto bin = [&](BinaryKind kind, Value a, Value b) { return ctx.binary(kind, a, b); };
  auto where = [&](Value cond, Value a, Value b) { return ctx.where(cond, a, b); };
  // The image flattened per (n, c): [N, C, H*W]; the grid as x and y of
  // shape [N, 1, Ho*Wo].
  FailureOr<Value> flat = ctx.reshape(*x, {n, c, h * w});
  FailureOr<Value> gx = ctx.sliceAxis(*grid, 3, 0, 1, 1), gy = ctx.sliceAxis(*grid, 3, 1, 2, 1);
  if (failed(flat) || failed(gx) || failed(gy) || failed(gx = ctx.reshape(*gx, {n, 1, ho * wo})) ||
      failed(gy = ctx.reshape(*gy, {n, 1, ho * wo})))
    return failure();
  // Denormalized and moved inside by the padding mode.
  auto coordinate = [&](Value g, int64_t len) -> FailureOr<Value> {
    FailureOr<Value> v = bin(BinaryKind::add, g, k(1.0));
    if (*align) {
      if (failed(v) || failed(v = bin(BinaryKind::mul, *v, k((len - 1) / 2.0))))
        return failure();
    } else if (failed(v) || failed(v = bin(BinaryKind::mul, *v, k(len / 2.0))) ||
               failed(v = bin(BinaryKind::sub, *v, k(0.5)))) {
      return failure();
    }
    if (*padName == "border")
      return ctx.unary(UnaryKind::clip, *v, 0.0f, float(len - 1));
    if (*padName != "reflection")
      return v;
    double lo = *align ? 0.0 : -0.5, hi = *align ? len - 1.0 : len - 0.5, span = hi - lo;
    if (span <= 0)
      return ctx.unary(UnaryKind::clip, *v, float(lo), float(lo));
    // Reflected off lo below it and off hi above it, span by span.
    auto reflect = [&](Value dx, double from, double sign) -> FailureOr<Value> {
      // r = dx - floor(dx / span) * span; even floor: from + sign r, odd:
      // the other edge - sign r.
      FailureOr<Value> q = bin(BinaryKind::div, dx, k(span));
      if (failed(q) || failed(q = ctx.unary(UnaryKind::floor, *q)))
        return failure();
      FailureOr<Value> r = bin(BinaryKind::mul, *q, k(span));
      FailureOr<Value> half = bin(BinaryKind::mul, *q, k(0.5));
      if (failed(r) || failed(r = bin(BinaryKind::sub, dx, *r)) || failed(half) ||
          failed(half = ctx.unary(UnaryKind::floor, *half)) ||
          failed(half = bin(BinaryKind::mul, *half, k(2.0))))
        return failure();
      FailureOr<Value> even = bin(BinaryKind::equal, *q, *half);
      FailureOr<Value> near = bin(sign > 0 ? BinaryKind::add : BinaryKind::sub, k(from), *r);
      FailureOr<Value> far =
          bin(sign > 0 ? BinaryKind::sub : BinaryKind::add, k(from == lo ? hi : lo), *r);
      if (failed(even) || failed(near) || failed(far))
        return failure();
      return where(*even, *near, *far);
    };
    FailureOr<Value> below = bin(BinaryKind::sub, k(lo), *v), above = bin(BinaryKind::sub, *v, k(hi));
    if (failed(below) || failed(above))
      return failure();
    FailureOr<Value> fromLo = reflect(*below, lo, 1.0), fromHi = reflect(*above, hi, -1.0);
    FailureOr<Value> isBelow = bin(BinaryKind::less, *v, k(lo)),
                     isAbove = bin(BinaryKind::greater, *v, k(hi));
    if (failed(fromLo) || failed(fromHi) || failed(isBelow) || failed(isAbove))
      return failure();
    FailureOr<Value> r = where(*isAbove, *fromHi, *v);
    if (failed(r))
      return failure();
    return where(*isBelow, *fromLo, *r);
  };
  FailureOr<Value> cx = coordinate(*gx, w), cy = coordinate(*gy, h);
  if (failed(cx) || failed(cy))
    return failure();
  Type i64 = IntegerType::get(ctx.getContext(), 64);
  // One tap at integer pixel (ix, iy) (float values): the pixels it reads
  // [N, C, Ho*Wo], zero outside the image for zeros padding.
  auto tap = [&](Value ix, Value iy) -> FailureOr<Value> {
    Value inside;
    if (*padName == "zeros") {
      FailureOr<Value> a = bin(BinaryKind::greater_equal, ix, k(0.0)),
                       b = bin(BinaryKind::less_equal, ix, k(w - 1.0)),
                       cc = bin(BinaryKind::greater_equal, iy, k(0.0)),
                       d = bin(BinaryKind::less_equal, iy, k(h - 1.0));
      if (failed(a) || failed(b) || failed(cc) || failed(d) ||
          failed(a = bin(BinaryKind::and_, *a, *b)) || failed(cc = bin(BinaryKind::and_, *cc, *d)) ||
          failed(a = bin(BinaryKind::and_, *a, *cc)))
        return failure();
      inside = *a;
    }
    // Read inside the image: the tap clamped (for reflection the
    // reflected coordinate's taps stay within one pixel of the edge).
    FailureOr<Value> px = ctx.unary(UnaryKind::clip, ix, 0.0f, float(w - 1)),
                     py = ctx.unary(UnaryKind::clip, iy, 0.0f, float(h - 1));
    if (failed(px) || failed(py) || failed(py = bin(BinaryKind::mul, *py, k(double(w)))) ||
        failed(px = bin(BinaryKind::add, *px, *py)) || failed(px = ctx.cast(*px, i64)) ||
        failed(px = ctx.expand(*px, {n, c, ho * wo})))
      return failure();
    FailureOr<Value> v = ctx.finish1(GatherElementsOp::create(
        ctx.builder(), ctx.loc(), typeOf(*flat).clone(ArrayRef<int64_t>{n, c, ho * wo}), *flat,
        *px, 2));
    if (failed(v) || !inside)
      return v;
    return where(inside, *v, k(0.0));
  };
  FailureOr<Value> y = failure();
  bool first = true;
  // y += the tap at (ix, iy) times weight wx * wy.
  auto accumulate = [&](Value ix, Value iy, Value wx, Value wy) -> LogicalResult {
    FailureOr<Value> v = tap(ix, iy);
    FailureOr<Value> wgt = bin(BinaryKind::mul, wx, wy);
    if (failed(v) || failed(wgt) || failed(v = bin(BinaryKind::mul, *v, *wgt)))
      return failure();
    y = first ? v : bin(BinaryKind::add, *y, *v);
    first = false;
    return success(succeeded(y));
  };
  if (cubic) {
    // 4 x 4 taps from floor - 1 to floor + 2, weighted by the cubic
    // convolution kernel with A = -0.75 (ONNX's reference).
    FailureOr<Value> x0 = ctx.unary(UnaryKind::floor, *cx), y0 = ctx.unary(UnaryKind::floor, *cy);
    if (failed(x0) || failed(y0))
      return failure();
    FailureOr<Value> fx = bin(BinaryKind::sub, *cx, *x0), fy = bin(BinaryKind::sub, *cy, *y0);
    if (failed(fx) || failed(fy))
      return failure();
    const double a = -0.75;
    // The weight of the tap at distance d = t + 1, t, 1 - t, 2 - t.
    auto weights = [&](Value t) -> FailureOr<SmallVector<Value, 4>> {
      auto poly = [&](Value d, bool far) -> FailureOr<Value> {
        // far (1 < d < 2): ((a d - 5a) d + 8a) d - 4a; near (d <= 1):
        // ((a + 2) d - (a + 3)) d d + 1.
        FailureOr<Value> v = bin(BinaryKind::mul, d, k(far ? a : a + 2));
        if (failed(v) || failed(v = bin(BinaryKind::sub, *v, k(far ? 5 * a : a + 3))) ||
            failed(v = bin(BinaryKind::mul, *v, d)))
          return failure();
        if (far) {
          if (failed(v = bin(BinaryKind::add, *v, k(8 * a))) ||
              failed(v = bin(BinaryKind::mul, *v, d)))
            return failure();
          return bin(BinaryKind::sub, *v, k(4 * a));
        }
        if (failed(v = bin(BinaryKind::mul, *v, d)))
          return failure();
        return bin(BinaryKind::add, *v, k(1.0));
      };
      FailureOr<Value> d0 = bin(BinaryKind::add, t, k(1.0)), d2 = bin(BinaryKind::sub, k(1.0), t),
                       d3 = bin(BinaryKind::sub, k(2.0), t);
      if (failed(d0) || failed(d2) || failed(d3))
        return failure();
      FailureOr<Value> w0 = poly(*d0, true), w1 = poly(t, false), w2 = poly(*d2, false),
                       w3 = poly(*d3, true);
      if (failed(w0) || failed(w1) || failed(w2) || failed(w3))
        return failure();
      return SmallVector<Value, 4>{*w0, *w1, *w2, *w3};
    };
    FailureOr<SmallVector<Value, 4>> wx = weights(*fx), wy = weights(*fy);
    if (failed(wx) || failed(wy))
      return failure();
    for (int j = 0; j < 4; ++j) {
      FailureOr<Value> iy = bin(BinaryKind::add, *y0, k(j - 1.0));
      if (failed(iy))
        return failure();
      for (int i = 0; i < 4; ++i) {
        FailureOr<Value> ix = bin(BinaryKind::add, *x0, k(i - 1.0));
        if (failed(ix) || failed(accumulate(*ix, *iy, (*wx)[i], (*wy)[j])))
          return failure();
      }
    }
  } else if (!linear) {
    FailureOr<Value> ix = ctx.unary(UnaryKind::round, *cx), iy = ctx.unary(UnaryKind::round, *cy);
    if (failed(ix) || failed(iy))
      return failure();
    y = tap(*ix, *iy);
  } else {
    FailureOr<Value> x0 = ctx.unary(UnaryKind::floor, *cx), y0 = ctx.unary(UnaryKind::floor, *cy);
    if (failed(x0) || failed(y0))
      return failure();
    FailureOr<Value> x1 = bin(BinaryKind::add, *x0, k(1.0)), y1 = bin(BinaryKind::add, *y0, k(1.0));
    FailureOr<Value> fx = bin(BinaryKind::sub, *cx, *x0), fy = bin(BinaryKind::sub, *cy, *y0);
    if (failed(x1) || failed(y1) || failed(fx) || failed(fy))
      return failure();
    FailureOr<Value> gx0 = bin(BinaryKind::sub, k(1.0), *fx), gy0 = bin(BinaryKind::sub, k(1.0), *fy);
    if (failed(gx0) || failed(gy0))
      return failure();
    Value xs[2] = {*x0, *x1}, ys[2] = {*y0, *y1}, wx[2] = {*gx0, *fx}, wy[2] = {*gy0, *fy};
    for (int j = 0; j < 2; ++j)
      for (int i = 0; i < 2; ++i)
        if (failed(accumulate(xs[i], ys[j], wx[i], wy[j])))
          return failure();
  }
  if (failed(y))
    return failure();
  FailureOr<Value> out = ctx.reshape(*y, {n, c, ho, wo});
  if (failed(out))
    return failure();
  ctx.setOutput(0, *out);
  return success();
}
/// Det of [..., n, n] matrices for n up to 3, by cofactor expansion of
/// their elements (slices of the last two axes); larger ones are refused
/// (an exact elimination needs pivoting on the values).
LogicalResult importDet(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  if (failed(x))
    return failure();
  RankedTensorType t = typeOf(*x);
  int64_t rank = t.getRank();
  if (rank < 2 || !t.hasStaticShape() || t.getDimSize(rank - 1) != t.getDimSize(rank - 2) ||
      !llvm::isa<FloatType>(t.getElementType()))
    return ctx.emitError() << "expects static float [..., n, n] matrices";
  int64_t n = t.getDimSize(rank - 1);
  if (n > 3)
    return ctx.unsupported("Det of " + std::to_string(n) + "x" + std::to_string(n) +
                           " matrices (up to 3x3)");
  SmallVector<int64_t> batch(t.getShape().drop_back(2));
  // Element (i, j) as a [...] tensor.
  auto at = [&](int64_t i, int64_t j) -> FailureOr<Value> {
    FailureOr<Value> r = ctx.sliceAxis(*x, rank - 2, i, i + 1, 1);
    if (failed(r) || failed(r = ctx.sliceAxis(*r, rank - 1, j, j + 1, 1)))
      return failure();
    return ctx.reshape(*r, batch);
  };
  auto mul = [&](Value a, Value b) { return ctx.binary(BinaryKind::mul, a, b); };
  // The 2x2 minor of rows r0, r1 and columns c0, c1.
  auto minor = [&](int64_t r0, int64_t r1, int64_t c0, int64_t c1) -> FailureOr<Value> {
    FailureOr<Value> a = at(r0, c0), b = at(r0, c1), c = at(r1, c0), d = at(r1, c1);
    if (failed(a) || failed(b) || failed(c) || failed(d) || failed(a = mul(*a, *d)) ||
        failed(b = mul(*b, *c)))
      return failure();
    return ctx.binary(BinaryKind::sub, *a, *b);
  };
  FailureOr<Value> det = failure();
  if (n == 1) {
    det = at(0, 0);
  } else if (n == 2) {
    det = minor(0, 1, 0, 1);
  } else {
    FailureOr<Value> a = at(0, 0), b = at(0, 1), c = at(0, 2);
    FailureOr<Value> m0 = minor(1, 2, 1, 2), m1 = minor(1, 2, 0, 2), m2 = minor(1, 2, 0, 1);
    if (failed(a) || failed(b) || failed(c) || failed(m0) || failed(m1) || failed(m2) ||
        failed(a = mul(*a, *m0)) || failed(b = mul(*b, *m1)) || failed(c = mul(*c, *m2)) ||
        failed(a = ctx.binary(BinaryKind::sub, *a, *b)))
      return failure();
    det = ctx.binary(BinaryKind::add, *a, *c);
  }
  if (failed(det))
    return failure();
  ctx.setOutput(0, *det);
  return success();
}
} // namespace

void mlir::infer::frontend::registerCompositeImporters(ImporterMap &m) {
  m["Det"] = importDet;
  m["GridSample"] = importGridSample;
  m["AffineGrid"] = importAffineGrid;
  m["HannWindow"] = importWindow<0>;
  m["HammingWindow"] = importWindow<1>;
  m["BlackmanWindow"] = importWindow<2>;
  m["RMSNormalization"] = importRMSNorm;
  m["LpNormalization"] = importLpNorm;
  m["GroupNormalization"] = importGroupNorm;
  m["Einsum"] = importEinsum;
  m["NegativeLogLikelihoodLoss"] = importNLL;
  m["SoftmaxCrossEntropyLoss"] = importSoftmaxCrossEntropy;
  m["Hardmax"] = importHardmax;
  m["OneHot"] = importOneHot;
  m["EyeLike"] = importEyeLike;
  m["MeanVarianceNormalization"] = importMVN;
}
