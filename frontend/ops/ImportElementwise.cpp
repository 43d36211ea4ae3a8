//===- ImportElementwise.cpp - ONNX elementwise ops -----------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Unary activations and math, binary arithmetic, comparison and logic,
// variadic Sum/Mean/Max/Min, Where, Cast, Clip, Identity and Dropout.
// Integer arithmetic on shapes with dynamic dimensions stays symbolic.
//
//===----------------------------------------------------------------------===//

#include "frontend/ImportContext.h"
#include "ir/SmallTypes.h"
#include "frontend/OnnxTensor.h"

#include <onnx/onnx_pb.h>

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::infer;
using namespace mlir::infer::frontend;

namespace {
/// Imports an ONNX op that maps to one unary kind without parameters.
template <UnaryKind Kind>
LogicalResult importUnary(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  if (failed(x))
    return failure();
  FailureOr<Value> y = ctx.unary(Kind, *x);
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}

LogicalResult importWithAlpha(ImportContext &ctx, UnaryKind kind,
                              StringRef name, float dflt) {
  FailureOr<Value> x = ctx.input(0);
  FailureOr<float> a = ctx.floatAttr(name, dflt);
  if (failed(x) || failed(a))
    return failure();
  FailureOr<Value> y = ctx.unary(kind, *x, *a);
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}

LogicalResult importWithAlphaBeta(ImportContext &ctx, UnaryKind kind,
                                  StringRef aName, float aDflt, StringRef bName,
                                  float bDflt) {
  FailureOr<Value> x = ctx.input(0);
  FailureOr<float> a = ctx.floatAttr(aName, aDflt);
  FailureOr<float> b = ctx.floatAttr(bName, bDflt);
  if (failed(x) || failed(a) || failed(b))
    return failure();
  FailureOr<Value> y = ctx.unary(kind, *x, *a, *b);
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}

LogicalResult importLeakyRelu(ImportContext &ctx) {
  return importWithAlpha(ctx, UnaryKind::leaky_relu, "alpha", 0.01f);
}
LogicalResult importElu(ImportContext &ctx) {
  return importWithAlpha(ctx, UnaryKind::elu, "alpha", 1.0f);
}
LogicalResult importCelu(ImportContext &ctx) {
  return importWithAlpha(ctx, UnaryKind::celu, "alpha", 1.0f);
}
LogicalResult importThresholdedRelu(ImportContext &ctx) {
  return importWithAlpha(ctx, UnaryKind::thresholded_relu, "alpha", 1.0f);
}
LogicalResult importSelu(ImportContext &ctx) {
  return importWithAlphaBeta(ctx, UnaryKind::selu, "alpha",
                             1.67326319217681884765625f, "gamma",
                             1.05070102214813232421875f);
}
LogicalResult importHardSigmoid(ImportContext &ctx) {
  return importWithAlphaBeta(ctx, UnaryKind::hard_sigmoid, "alpha", 0.2f,
                             "beta", 0.5f);
}
LogicalResult importShrink(ImportContext &ctx) {
  return importWithAlphaBeta(ctx, UnaryKind::shrink, "lambd", 0.5f, "bias",
                             0.0f);
}

/// Swish (opset 24): x * sigmoid(alpha * x).
LogicalResult importSwish(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  FailureOr<float> alpha = ctx.floatAttr("alpha", 1.0f);
  if (failed(x) || failed(alpha))
    return failure();
  Value ax = *x;
  if (*alpha != 1.0f) {
    FailureOr<Value> s = ctx.binary(BinaryKind::mul, *x,
                                    ctx.scalar(llvm::cast<RankedTensorType>(x->getType()).getElementType(), *alpha));
    if (failed(s))
      return failure();
    ax = *s;
  }
  FailureOr<Value> sig = ctx.unary(UnaryKind::sigmoid, ax);
  FailureOr<Value> y = failed(sig) ? sig : ctx.binary(BinaryKind::mul, *x, *sig);
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}

LogicalResult importIsInf(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  FailureOr<int64_t> neg = ctx.intAttr("detect_negative", 1);
  FailureOr<int64_t> pos = ctx.intAttr("detect_positive", 1);
  if (failed(x) || failed(neg) || failed(pos))
    return failure();
  FailureOr<Value> y = ctx.unary(UnaryKind::is_inf, *x, float(*neg != 0),
                                 float(*pos != 0));
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}

LogicalResult importGelu(ImportContext &ctx) {
  FailureOr<std::string> approx = ctx.stringAttr("approximate", "none");
  if (failed(approx))
    return failure();
  if (*approx == "none")
    return importUnary<UnaryKind::gelu>(ctx);
  if (*approx == "tanh")
    return importUnary<UnaryKind::gelu_tanh>(ctx);
  return ctx.emitError() << "approximate='" << *approx
                         << "' is not 'none' or 'tanh'";
}

LogicalResult importIdentity(ImportContext &ctx) {
  // Sequences and optionals pass through as they are.
  if (const GraphValue *gv = ctx.graphValue(0); gv && (gv->sequence || gv->none)) {
    ctx.setGraphValue(0, *gv);
    return success();
  }
  if (std::optional<SymInts> sym = ctx.symbolicInts(0)) {
    ctx.setSymbolic(0, *sym, ctx.constantInput(0)
                                 ? ctx.constantInput(0)->getRank()
                                 : 1);
    return success();
  }
  FailureOr<Value> x = ctx.input(0);
  if (failed(x))
    return failure();
  ctx.setOutput(0, *x);
  return success();
}

LogicalResult importDropout(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  if (failed(x))
    return failure();
  // Opset 12 moved the training switch to input #2.
  if (ctx.hasInput(2)) {
    FailureOr<SmallVector<int64_t>> training =
        ctx.constantInts(2, "training_mode");
    if (failed(training))
      return failure();
    if (!training->empty() && training->front() != 0)
      return ctx.unsupported("training-mode Dropout");
  }
  ctx.setOutput(0, *x);
  if (ctx.hasOutput(1)) {
    auto type = llvm::cast<RankedTensorType>(x->getType());
    if (!type.hasStaticShape())
      return ctx.unsupported("the mask output of Dropout on a dynamic shape");
    ctx.setOutput(1, ctx.splat(type.clone(ctx.builder().getI1Type()), 1));
  }
  return success();
}

LogicalResult importClip(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  if (failed(x))
    return failure();
  Type et = llvm::cast<RankedTensorType>(x->getType()).getElementType();
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  if (ctx.opset() < 11) {
    FailureOr<float> mn = ctx.floatAttr("min", -3.402823e+38f);
    FailureOr<float> mx = ctx.floatAttr("max", 3.402823e+38f);
    if (failed(mn) || failed(mx))
      return failure();
    lo = *mn;
    hi = *mx;
  } else {
    // Non-constant bounds become max/min with the bound tensors.
    Value v = *x;
    for (unsigned i : {1u, 2u}) {
      if (!ctx.hasInput(i))
        continue;
      if (const reference::Tensor *c = ctx.constantInput(i)) {
        if (c->size() != 1)
          return ctx.emitError() << "expects a scalar "
                                 << (i == 1 ? "min" : "max");
        (i == 1 ? lo : hi) = c->getDouble(0);
        continue;
      }
      FailureOr<Value> bound = ctx.input(i);
      if (failed(bound))
        return failure();
      FailureOr<Value> r = ctx.binary(
          i == 1 ? BinaryKind::max : BinaryKind::min, v, *bound);
      if (failed(r))
        return failure();
      v = *r;
    }
    *x = v;
  }
  if (llvm::isa<IntegerType>(et)) {
    auto it = llvm::cast<IntegerType>(et);
    double tmin = it.isUnsigned() ? 0 : -std::ldexp(1.0, it.getWidth() - 1);
    double tmax = it.isUnsigned() ? std::ldexp(1.0, it.getWidth()) - 1
                                  : std::ldexp(1.0, it.getWidth() - 1) - 1;
    lo = std::max(lo, tmin);
    hi = std::min(hi, tmax);
  } else {
    lo = std::max(lo, -static_cast<double>(std::numeric_limits<float>::max()));
    hi = std::min(hi, static_cast<double>(std::numeric_limits<float>::max()));
  }
  FailureOr<Value> y =
      ctx.unary(UnaryKind::clip, *x, static_cast<float>(lo),
                static_cast<float>(hi));
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}

/// Binary arithmetic on symbolic shape values (rank <= 1, int64). Returns
/// true when it handled the node.
bool trySymbolicBinary(ImportContext &ctx, BinaryKind kind) {
  std::optional<SymInts> a = ctx.symbolicInts(0), b = ctx.symbolicInts(1);
  if (!a || !b)
    return false;
  auto known = [](const SymInts &v) {
    return llvm::all_of(v, [](const SymInt &s) { return s.known; });
  };
  if (known(*a) && known(*b))
    return false; // plain constants: the folder handles them
  size_t n = std::max(a->size(), b->size());
  if ((a->size() != n && a->size() != 1) || (b->size() != n && b->size() != 1))
    return false;
  SymInts out;
  for (size_t i = 0; i < n; ++i) {
    SymInt x = (*a)[a->size() == 1 ? 0 : i], y = (*b)[b->size() == 1 ? 0 : i];
    if (!x.known || !y.known) {
      // A multiple of the batch stays one under * and exact / by constants.
      int64_t coef = 0;
      if (kind == BinaryKind::mul && x.known != y.known)
        coef = (x.known ? y.coef : x.coef) * (x.known ? x.value : y.value);
      else if (kind == BinaryKind::div && !x.known && y.known && y.value &&
               x.coef % y.value == 0)
        coef = x.coef / y.value;
      out.push_back(SymInt::unknown(coef));
      continue;
    }
    int64_t v = 0;
    switch (kind) {
    case BinaryKind::add: v = x.value + y.value; break;
    case BinaryKind::sub: v = x.value - y.value; break;
    case BinaryKind::mul: v = x.value * y.value; break;
    case BinaryKind::div: v = y.value ? x.value / y.value : 0; break;
    case BinaryKind::equal: v = x.value == y.value; break;
    default: return false;
    }
    out.push_back({v, true, 0});
  }
  const reference::Tensor *ca = ctx.constantInput(0);
  int64_t rank = (a->size() == 1 && b->size() == 1 && ca && ca->getRank() == 0)
                     ? 0
                     : 1;
  ctx.setSymbolic(0, out, rank);
  return true;
}

/// Opsets before 7 broadcast only with broadcast=1, aligning the second
/// operand at `axis` (or at the end); reshape it so numpy rules agree.
FailureOr<Value> legacyBroadcast(ImportContext &ctx, Value a, Value b) {
  if (ctx.opset() >= 7 || !ctx.hasAttr("axis"))
    return b;
  FailureOr<int64_t> axis = ctx.intAttr("axis", 0);
  if (failed(axis))
    return failure();
  auto at = llvm::cast<RankedTensorType>(a.getType());
  auto bt = llvm::cast<RankedTensorType>(b.getType());
  int64_t start = *axis < 0 ? *axis + at.getRank() : *axis;
  int64_t trailing = at.getRank() - start - bt.getRank();
  if (start < 0 || trailing < 0)
    return ctx.emitError() << "broadcast axis " << *axis
                           << " does not fit the operands";
  Shape shape(bt.getShape());
  shape.append(trailing, 1);
  return ctx.reshape(b, shape);
}

template <BinaryKind Kind>
LogicalResult importBinary(ImportContext &ctx) {
  if (trySymbolicBinary(ctx, Kind))
    return success();
  FailureOr<Value> a = ctx.input(0), b = ctx.input(1);
  if (failed(a) || failed(b))
    return failure();
  b = legacyBroadcast(ctx, *a, *b);
  if (failed(b))
    return failure();
  FailureOr<Value> y = ctx.binary(Kind, *a, *b);
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}

LogicalResult importMod(ImportContext &ctx) {
  FailureOr<int64_t> fmod = ctx.intAttr("fmod", 0);
  if (failed(fmod))
    return failure();
  return *fmod ? importBinary<BinaryKind::fmod>(ctx)
               : importBinary<BinaryKind::mod>(ctx);
}

LogicalResult importBitShift(ImportContext &ctx) {
  FailureOr<std::string> dir = ctx.stringAttr("direction", std::nullopt);
  if (failed(dir))
    return failure();
  if (*dir == "LEFT")
    return importBinary<BinaryKind::shift_left>(ctx);
  if (*dir == "RIGHT")
    return importBinary<BinaryKind::shift_right>(ctx);
  return ctx.emitError() << "direction '" << *dir
                         << "' is not LEFT or RIGHT";
}

/// Sum, Mean, Max, Min over any number of inputs.
template <BinaryKind Kind, bool Mean = false>
LogicalResult importVariadic(ImportContext &ctx) {
  if (ctx.numInputs() == 0)
    return ctx.emitError() << "expects at least one input";
  FailureOr<Value> acc = ctx.input(0);
  if (failed(acc))
    return failure();
  for (unsigned i = 1; i < ctx.numInputs(); ++i) {
    FailureOr<Value> v = ctx.input(i);
    if (failed(v))
      return failure();
    acc = ctx.binary(Kind, *acc, *v);
    if (failed(acc))
      return failure();
  }
  if (Mean && ctx.numInputs() > 1) {
    Type et = llvm::cast<RankedTensorType>(acc->getType()).getElementType();
    acc = ctx.binary(BinaryKind::div, *acc,
                     ctx.scalar(et, static_cast<double>(ctx.numInputs())));
    if (failed(acc))
      return failure();
  }
  ctx.setOutput(0, *acc);
  return success();
}

LogicalResult importWhere(ImportContext &ctx) {
  // Where on shape values (PyTorch's reshape patterns).
  std::optional<SymInts> c = ctx.symbolicInts(0), x = ctx.symbolicInts(1),
                         y = ctx.symbolicInts(2);
  // A constant boolean condition (symbolicInts tracks i64 values only).
  if (const reference::Tensor *t = ctx.constantInput(0);
      !c && t && t->getElementType().isInteger(1) && t->getRank() <= 1 && t->size() <= 64) {
    c.emplace();
    for (int64_t k = 0; k < t->size(); ++k)
      c->push_back({t->getInt(k), true, 0});
  }
  if (c && x && y && c->size() == x->size() && x->size() == y->size() &&
      llvm::all_of(*c, [](const SymInt &s) { return s.known; }) &&
      !ctx.constantInput(1)) {
    SymInts out;
    for (size_t i = 0; i < c->size(); ++i)
      out.push_back((*c)[i].value ? (*x)[i] : (*y)[i]);
    ctx.setSymbolic(0, out, 1);
    return success();
  }
  FailureOr<Value> cond = ctx.input(0), a = ctx.input(1), b = ctx.input(2);
  if (failed(cond) || failed(a) || failed(b))
    return failure();
  FailureOr<Value> r = ctx.where(*cond, *a, *b);
  if (failed(r))
    return failure();
  ctx.setOutput(0, *r);
  return success();
}

LogicalResult castTo(ImportContext &ctx, Type to) {
  if (std::optional<SymInts> sym = ctx.symbolicInts(0)) {
    if (llvm::isa<IntegerType>(to) && !to.isInteger(1) &&
        !ctx.constantInput(0)) {
      ctx.setSymbolic(0, *sym, 1);
      return success();
    }
  }
  FailureOr<Value> x = ctx.input(0);
  FailureOr<int64_t> saturate = ctx.intAttr("saturate", 1);
  if (failed(x) || failed(saturate))
    return failure();
  if (ctx.hasAttr("round_mode"))
    return ctx.unsupported("round_mode (float8 e8m0 casts)");
  // `saturate` applies to float8 targets only.
  FailureOr<Value> y = ctx.cast(*x, to, *saturate && smallFloatOf(to).has_value());
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}

Type onnxElementType(ImportContext &ctx, int64_t t, std::string &error) {
  FailureOr<Type> type = elementTypeFromOnnx(ctx.getContext(),
                                             static_cast<int32_t>(t), error);
  return succeeded(type) ? *type : Type();
}

LogicalResult importCast(ImportContext &ctx) {
  FailureOr<int64_t> to = ctx.intAttr("to", std::nullopt);
  if (failed(to))
    return failure();
  std::string error;
  Type t = onnxElementType(ctx, *to, error);
  if (!t)
    return ctx.emitError() << "cast to " << error;
  return castTo(ctx, t);
}

LogicalResult importCastLike(ImportContext &ctx) {
  FailureOr<Value> like = ctx.input(1);
  if (failed(like))
    return failure();
  return castTo(ctx,
                llvm::cast<RankedTensorType>(like->getType()).getElementType());
}
} // namespace

void mlir::infer::frontend::registerElementwiseImporters(ImporterMap &m) {
  m["Abs"] = importUnary<UnaryKind::abs>;
  m["Neg"] = importUnary<UnaryKind::neg>;
  m["Exp"] = importUnary<UnaryKind::exp>;
  m["Log"] = importUnary<UnaryKind::log>;
  m["Sqrt"] = importUnary<UnaryKind::sqrt>;
  m["Reciprocal"] = importUnary<UnaryKind::reciprocal>;
  m["Sin"] = importUnary<UnaryKind::sin>;
  m["Cos"] = importUnary<UnaryKind::cos>;
  m["Tan"] = importUnary<UnaryKind::tan>;
  m["Asin"] = importUnary<UnaryKind::asin>;
  m["Acos"] = importUnary<UnaryKind::acos>;
  m["Atan"] = importUnary<UnaryKind::atan>;
  m["Sinh"] = importUnary<UnaryKind::sinh>;
  m["Cosh"] = importUnary<UnaryKind::cosh>;
  m["Tanh"] = importUnary<UnaryKind::tanh>;
  m["Asinh"] = importUnary<UnaryKind::asinh>;
  m["Acosh"] = importUnary<UnaryKind::acosh>;
  m["Atanh"] = importUnary<UnaryKind::atanh>;
  m["Erf"] = importUnary<UnaryKind::erf>;
  m["Floor"] = importUnary<UnaryKind::floor>;
  m["Ceil"] = importUnary<UnaryKind::ceil>;
  m["Round"] = importUnary<UnaryKind::round>;
  m["Sign"] = importUnary<UnaryKind::sign>;
  m["Not"] = importUnary<UnaryKind::not_>;
  m["BitwiseNot"] = importUnary<UnaryKind::bitwise_not>;
  m["Sigmoid"] = importUnary<UnaryKind::sigmoid>;
  m["Relu"] = importUnary<UnaryKind::relu>;
  m["HardSwish"] = importUnary<UnaryKind::hard_swish>;
  m["Softplus"] = importUnary<UnaryKind::softplus>;
  m["Softsign"] = importUnary<UnaryKind::softsign>;
  m["Mish"] = importUnary<UnaryKind::mish>;
  m["IsNaN"] = importUnary<UnaryKind::is_nan>;
  m["IsInf"] = importIsInf;
  m["LeakyRelu"] = importLeakyRelu;
  m["Elu"] = importElu;
  m["Celu"] = importCelu;
  m["Selu"] = importSelu;
  m["HardSigmoid"] = importHardSigmoid;
  m["Swish"] = importSwish;
  m["ThresholdedRelu"] = importThresholdedRelu;
  m["Shrink"] = importShrink;
  m["Gelu"] = importGelu;
  m["Clip"] = importClip;
  m["Identity"] = importIdentity;
  m["Dropout"] = importDropout;
  m["Add"] = importBinary<BinaryKind::add>;
  m["Sub"] = importBinary<BinaryKind::sub>;
  m["Mul"] = importBinary<BinaryKind::mul>;
  m["Div"] = importBinary<BinaryKind::div>;
  m["Pow"] = importBinary<BinaryKind::pow>;
  m["PRelu"] = importBinary<BinaryKind::prelu>;
  m["And"] = importBinary<BinaryKind::and_>;
  m["Or"] = importBinary<BinaryKind::or_>;
  m["Xor"] = importBinary<BinaryKind::xor_>;
  m["Equal"] = importBinary<BinaryKind::equal>;
  m["Greater"] = importBinary<BinaryKind::greater>;
  m["GreaterOrEqual"] = importBinary<BinaryKind::greater_equal>;
  m["Less"] = importBinary<BinaryKind::less>;
  m["LessOrEqual"] = importBinary<BinaryKind::less_equal>;
  m["BitwiseAnd"] = importBinary<BinaryKind::bitwise_and>;
  m["BitwiseOr"] = importBinary<BinaryKind::bitwise_or>;
  m["BitwiseXor"] = importBinary<BinaryKind::bitwise_xor>;
  m["BitShift"] = importBitShift;
  m["Mod"] = importMod;
  m["Sum"] = importVariadic<BinaryKind::add>;
  m["Mean"] = importVariadic<BinaryKind::add, true>;
  m["Max"] = importVariadic<BinaryKind::max>;
  m["Min"] = importVariadic<BinaryKind::min>;
  m["Where"] = importWhere;
  m["Cast"] = importCast;
  m["CastLike"] = importCastLike;
}
