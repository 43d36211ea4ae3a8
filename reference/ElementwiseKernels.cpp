//===- ElementwiseKernels.cpp - Reference unary, binary, where, cast ------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The math of every UnaryKind and BinaryKind, in double for floats and in
// int64 for integers, following the ONNX operator definitions.
//
//===----------------------------------------------------------------------===//

#include "reference/Kernels.h"
#include "ir/SmallTypes.h"

#include "ir/ConstantView.h"
#include "ir/ShapeInference.h"
#include "llvm/Support/Parallel.h"

#include <cmath>

using namespace mlir;
using namespace mlir::infer;
using namespace mlir::infer::reference;

void mlir::infer::reference::forEachBroadcast(
    ArrayRef<int64_t> outShape, ArrayRef<ArrayRef<int64_t>> inShapes,
    llvm::function_ref<void(int64_t, ArrayRef<int64_t>)> fn) {
  size_t rank = outShape.size(), n = inShapes.size();
  // strides[k][d]: step of input k's offset when output dimension d grows.
  SmallVector<SmallVector<int64_t, 6>> strides(n,
                                               SmallVector<int64_t, 6>(rank, 0));
  for (size_t k = 0; k < n; ++k) {
    ArrayRef<int64_t> s = inShapes[k];
    SmallVector<int64_t, 4> own = stridesOf(s);
    size_t off = rank - s.size();
    for (size_t d = 0; d < s.size(); ++d)
      strides[k][d + off] = s[d] == 1 ? 0 : own[d];
  }
  int64_t total = 1;
  for (int64_t d : outShape)
    total *= d;
  if (total == 0)
    return;
  SmallVector<int64_t, 6> index(rank, 0);
  SmallVector<int64_t, 4> offsets(n, 0);
  for (int64_t i = 0; i < total; ++i) {
    fn(i, offsets);
    for (int64_t d = static_cast<int64_t>(rank) - 1; d >= 0; --d) {
      if (++index[d] < outShape[d]) {
        for (size_t k = 0; k < n; ++k)
          offsets[k] += strides[k][d];
        break;
      }
      for (size_t k = 0; k < n; ++k)
        offsets[k] -= strides[k][d] * (outShape[d] - 1);
      index[d] = 0;
    }
  }
}

void mlir::infer::reference::parallelFor(int64_t n,
                                         llvm::function_ref<void(int64_t)> fn) {
  if (n < 2) {
    for (int64_t i = 0; i < n; ++i)
      fn(i);
    return;
  }
  llvm::parallelFor(0, n, [&](size_t i) { fn(static_cast<int64_t>(i)); });
}

namespace {
double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
double softplus(double x) {
  return x > 30 ? x : std::log1p(std::exp(x));
}

double unaryFloat(UnaryKind kind, double x, double a, double b) {
  switch (kind) {
  case UnaryKind::abs: return std::fabs(x);
  case UnaryKind::neg: return -x;
  case UnaryKind::exp: return std::exp(x);
  case UnaryKind::log: return std::log(x);
  case UnaryKind::sqrt: return std::sqrt(x);
  case UnaryKind::reciprocal: return 1.0 / x;
  case UnaryKind::sin: return std::sin(x);
  case UnaryKind::cos: return std::cos(x);
  case UnaryKind::tan: return std::tan(x);
  case UnaryKind::asin: return std::asin(x);
  case UnaryKind::acos: return std::acos(x);
  case UnaryKind::atan: return std::atan(x);
  case UnaryKind::sinh: return std::sinh(x);
  case UnaryKind::cosh: return std::cosh(x);
  case UnaryKind::tanh: return std::tanh(x);
  case UnaryKind::asinh: return std::asinh(x);
  case UnaryKind::acosh: return std::acosh(x);
  case UnaryKind::atanh: return std::atanh(x);
  case UnaryKind::erf: return std::erf(x);
  case UnaryKind::floor: return std::floor(x);
  case UnaryKind::ceil: return std::ceil(x);
  case UnaryKind::round: return std::nearbyint(x); // ties to even
  case UnaryKind::sign: return x > 0 ? 1.0 : (x < 0 ? -1.0 : 0.0);
  case UnaryKind::sigmoid: return sigmoid(x);
  case UnaryKind::relu: return maxPropagateNaN(x, 0.0);
  case UnaryKind::leaky_relu: return x < 0 ? a * x : x;
  case UnaryKind::elu: return x < 0 ? a * (std::exp(x) - 1) : x;
  case UnaryKind::selu: return x <= 0 ? b * a * (std::exp(x) - 1) : b * x;
  case UnaryKind::celu:
    return maxPropagateNaN(0.0, x) +
           minPropagateNaN(0.0, a * (std::exp(x / a) - 1));
  case UnaryKind::hard_sigmoid:
    return maxPropagateNaN(0.0, minPropagateNaN(1.0, a * x + b));
  case UnaryKind::hard_swish:
    return x * maxPropagateNaN(0.0, minPropagateNaN(1.0, x / 6.0 + 0.5));
  case UnaryKind::softplus: return softplus(x);
  case UnaryKind::softsign: return x / (1 + std::fabs(x));
  case UnaryKind::mish: return x * std::tanh(softplus(x));
  case UnaryKind::silu: return x * sigmoid(x);
  case UnaryKind::gelu: return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0)));
  case UnaryKind::gelu_tanh:
    return 0.5 * x *
           (1 + std::tanh(std::sqrt(2.0 / M_PI) * (x + 0.044715 * x * x * x)));
  case UnaryKind::clip: return minPropagateNaN(maxPropagateNaN(x, a), b);
  case UnaryKind::thresholded_relu: return x > a ? x : 0.0;
  case UnaryKind::shrink: return x < -a ? x + b : (x > a ? x - b : 0.0);
  case UnaryKind::is_nan: return std::isnan(x) ? 1 : 0;
  case UnaryKind::is_inf:
    return (std::isinf(x) && ((x < 0 && a != 0) || (x > 0 && b != 0))) ? 1 : 0;
  case UnaryKind::identity: return x;
  case UnaryKind::not_:
  case UnaryKind::bitwise_not: break;
  }
  return x;
}

int64_t wrapNeg(int64_t x) {
  return static_cast<int64_t>(0 - static_cast<uint64_t>(x));
}

/// x^y in two's complement (wrapping), by squaring: 64 steps at most for
/// any exponent. A negative exponent truncates 1/x^-y towards zero.
int64_t powInt(int64_t x, int64_t y) {
  if (y < 0)
    return x == 1 ? 1 : x == -1 ? ((y & 1) ? -1 : 1) : 0;
  uint64_t r = 1, base = static_cast<uint64_t>(x);
  for (uint64_t e = static_cast<uint64_t>(y); e; e >>= 1) {
    if (e & 1)
      r *= base;
    base *= base;
  }
  return static_cast<int64_t>(r);
}

int64_t unaryInt(UnaryKind kind, int64_t x, double a, double b) {
  switch (kind) {
  // Two's complement wraps: |INT64_MIN| and -INT64_MIN are INT64_MIN.
  case UnaryKind::abs: return x < 0 ? wrapNeg(x) : x;
  case UnaryKind::neg: return wrapNeg(x);
  case UnaryKind::sign: return x > 0 ? 1 : (x < 0 ? -1 : 0);
  case UnaryKind::relu: return x > 0 ? x : 0;
  case UnaryKind::clip:
    return std::min<int64_t>(std::max<int64_t>(x, saturatingInt64(a)),
                             saturatingInt64(b));
  case UnaryKind::not_: return x ? 0 : 1;
  case UnaryKind::bitwise_not: return ~x;
  case UnaryKind::shrink:
    return x < -a ? saturatingInt64(x + b)
                  : (x > a ? saturatingInt64(x - b) : 0);
  default: return x;
  }
}

/// Python-style modulo (result has the sign of the divisor); b is neither 0
/// nor -1.
int64_t pyMod(int64_t a, int64_t b) {
  int64_t r = a % b;
  if (r != 0 && ((r < 0) != (b < 0)))
    r += b;
  return r;
}

double binaryFloat(BinaryKind kind, double x, double y) {
  switch (kind) {
  case BinaryKind::add: return x + y;
  case BinaryKind::sub: return x - y;
  case BinaryKind::mul: return x * y;
  case BinaryKind::div: return x / y;
  case BinaryKind::pow: return std::pow(x, y);
  case BinaryKind::max:
    return (std::isnan(x) || std::isnan(y)) ? NAN : std::max(x, y);
  case BinaryKind::min:
    return (std::isnan(x) || std::isnan(y)) ? NAN : std::min(x, y);
  case BinaryKind::mod: {
    double r = std::fmod(x, y);
    if (r != 0 && ((r < 0) != (y < 0)))
      r += y;
    return r;
  }
  case BinaryKind::fmod: return std::fmod(x, y);
  case BinaryKind::prelu: return x < 0 ? x * y : x;
  case BinaryKind::equal: return x == y;
  case BinaryKind::greater: return x > y;
  case BinaryKind::greater_equal: return x >= y;
  case BinaryKind::less: return x < y;
  case BinaryKind::less_equal: return x <= y;
  default: return 0;
  }
}

/// Integer arithmetic as the compiled kernels do it: wrapping (two's
/// complement) add, sub, mul and pow; INT_MIN / -1 is INT_MIN and
/// INT_MIN % -1 is 0; division by zero is an error (`divByZero`); shifts by
/// the bit width or more give 0.
int64_t binaryInt(BinaryKind kind, int64_t x, int64_t y, bool isUnsigned,
                  bool &divByZero) {
  auto ux = static_cast<uint64_t>(x), uy = static_cast<uint64_t>(y);
  auto wrap = [](uint64_t v) { return static_cast<int64_t>(v); };
  switch (kind) {
  case BinaryKind::add: return wrap(ux + uy);
  case BinaryKind::sub: return wrap(ux - uy);
  case BinaryKind::mul: return wrap(ux * uy);
  case BinaryKind::div:
    if (y == 0) {
      divByZero = true;
      return 0;
    }
    if (isUnsigned)
      return wrap(ux / uy);
    return y == -1 ? wrapNeg(x) : x / y;
  case BinaryKind::pow: return powInt(x, y);
  case BinaryKind::max: return isUnsigned ? (ux > uy ? x : y) : std::max(x, y);
  case BinaryKind::min: return isUnsigned ? (ux < uy ? x : y) : std::min(x, y);
  case BinaryKind::mod:
  case BinaryKind::fmod:
    if (y == 0) {
      divByZero = true;
      return 0;
    }
    if (isUnsigned)
      return wrap(ux % uy);
    if (y == -1)
      return 0;
    return kind == BinaryKind::mod ? pyMod(x, y) : x % y;
  case BinaryKind::prelu: return x < 0 ? wrap(ux * uy) : x;
  case BinaryKind::and_: return x && y;
  case BinaryKind::or_: return x || y;
  case BinaryKind::xor_: return (x != 0) != (y != 0);
  case BinaryKind::equal: return x == y;
  case BinaryKind::greater: return isUnsigned ? ux > uy : x > y;
  case BinaryKind::greater_equal: return isUnsigned ? ux >= uy : x >= y;
  case BinaryKind::less: return isUnsigned ? ux < uy : x < y;
  case BinaryKind::less_equal: return isUnsigned ? ux <= uy : x <= y;
  case BinaryKind::bitwise_and: return x & y;
  case BinaryKind::bitwise_or: return x | y;
  case BinaryKind::bitwise_xor: return x ^ y;
  case BinaryKind::shift_left: return uy >= 64 ? 0 : wrap(ux << uy);
  case BinaryKind::shift_right: return uy >= 64 ? 0 : wrap(ux >> uy);
  }
  return 0;
}

bool isUnsignedInt(Type t) {
  auto i = llvm::dyn_cast<IntegerType>(t);
  return i && i.isUnsigned();
}

/// The actual broadcast shape of the inputs of an elementwise op.
FailureOr<Shape> broadcastAll(ArrayRef<const Tensor *> in, std::string &err) {
  Shape shape(in[0]->getShape().begin(), in[0]->getShape().end());
  for (size_t i = 1; i < in.size(); ++i) {
    FailureOr<Shape> s = broadcastShapes(shape, in[i]->getShape(), nullptr);
    if (failed(s)) {
      err = "shapes " + formatShape(shape) + " and " +
            formatShape(in[i]->getShape()) + " do not broadcast";
      return failure();
    }
    shape = *s;
  }
  return shape;
}
} // namespace

LogicalResult mlir::infer::reference::runUnary(UnaryOp op, Inputs in,
                                               Outputs &out, std::string &err) {
  const Tensor &x = *in[0];
  Type resultType = op.getOutput().getType().getElementType();
  Tensor y(resultType, x.getShape());
  double a = op.getAlpha() ? op.getAlpha()->convertToDouble() : 0.0;
  double b = op.getBeta() ? op.getBeta()->convertToDouble() : 0.0;
  UnaryKind kind = op.getKind();
  if (x.isFloat()) {
    for (int64_t i = 0; i < x.size(); ++i)
      y.setDouble(i, unaryFloat(kind, x.floats()[i], a, b));
  } else {
    for (int64_t i = 0; i < x.size(); ++i)
      y.setInt(i, unaryInt(kind, x.ints()[i], a, b));
  }
  out.push_back(std::move(y));
  return success();
}

LogicalResult mlir::infer::reference::runBinary(BinaryOp op, Inputs in,
                                                Outputs &out,
                                                std::string &err) {
  FailureOr<Shape> shape = broadcastAll(in, err);
  if (failed(shape))
    return failure();
  const Tensor &x = *in[0], &y = *in[1];
  Type resultType = op.getOutput().getType().getElementType();
  Tensor z(resultType, *shape);
  BinaryKind kind = op.getKind();
  bool floatMath = x.isFloat() || y.isFloat();
  bool isUnsigned = isUnsignedInt(x.getElementType());
  bool divByZero = false;
  forEachBroadcast(*shape, {x.getShape(), y.getShape()},
                   [&](int64_t i, ArrayRef<int64_t> o) {
                     if (floatMath)
                       z.setDouble(i, binaryFloat(kind, x.getDouble(o[0]),
                                                  y.getDouble(o[1])));
                     else
                       z.setInt(i, binaryInt(kind, x.ints()[o[0]],
                                             y.ints()[o[1]], isUnsigned,
                                             divByZero));
                   });
  if (divByZero) {
    err = "integer division by zero";
    return failure();
  }
  out.push_back(std::move(z));
  return success();
}

LogicalResult mlir::infer::reference::runWhere(WhereOp op, Inputs in,
                                               Outputs &out, std::string &err) {
  FailureOr<Shape> shape = broadcastAll(in, err);
  if (failed(shape))
    return failure();
  const Tensor &c = *in[0], &x = *in[1], &y = *in[2];
  Tensor z(x.getElementType(), *shape);
  forEachBroadcast(*shape, {c.getShape(), x.getShape(), y.getShape()},
                   [&](int64_t i, ArrayRef<int64_t> o) {
                     const Tensor &src = c.ints()[o[0]] ? x : y;
                     int64_t off = c.ints()[o[0]] ? o[1] : o[2];
                     if (z.isFloat())
                       z.floats()[i] = src.floats()[off];
                     else
                       z.ints()[i] = src.ints()[off];
                   });
  out.push_back(std::move(z));
  return success();
}

LogicalResult mlir::infer::reference::runCast(CastOp op, Inputs in,
                                              Outputs &out, std::string &err) {
  const Tensor &x = *in[0];
  Type to = op.getOutput().getType().getElementType();
  Tensor y(to, x.getShape());
  bool toBool = to.isInteger(1);
  bool saturate = op.getSaturate();
  for (int64_t i = 0; i < x.size(); ++i) {
    if (toBool) {
      y.setInt(i, x.getDouble(i) != 0);
    } else if (x.isFloat() && !y.isFloat()) {
      double v = x.floats()[i];
      if (std::isnan(v)) {
        y.setInt(i, 0);
        continue;
      }
      auto it = llvm::cast<IntegerType>(to);
      if (it.getWidth() == 4) {
        // 4-bit targets wrap, as ONNX's reference packs them.
        y.setDouble(i, std::trunc(v));
        continue;
      }
      if (saturate || it.getWidth() < 64) {
        // ONNX leaves out-of-range conversions undefined; saturate.
        double lo = it.isUnsigned() ? 0.0
                                    : -std::ldexp(1.0, it.getWidth() - 1);
        double hi = it.isUnsigned() ? std::ldexp(1.0, it.getWidth()) - 1
                                    : std::ldexp(1.0, it.getWidth() - 1) - 1;
        v = std::min(std::max(v, lo), hi);
      }
      // setDouble saturates what is past int64 (never undefined).
      y.setDouble(i, v);
    } else if (!x.isFloat() && y.isFloat()) {
      bool srcUnsigned = isUnsignedInt(x.getElementType());
      int64_t v = x.ints()[i];
      y.setDouble(i, srcUnsigned ? static_cast<double>(static_cast<uint64_t>(v))
                                 : static_cast<double>(v));
    } else if (x.isFloat()) {
      double v = x.floats()[i];
      // Saturating casts to float8 clamp to the largest finite value
      // (infinities too); float4 always saturates.
      if (std::optional<::infer::SmallFloat> f = smallFloatOf(to);
          f && (saturate || *f == ::infer::SmallFloat::E2M1) && !std::isnan(v)) {
        ::infer::SmallFloatLayout l = ::infer::layoutOf(*f);
        double max = ::infer::decodeSmallFloat(*f, l.maxCode());
        v = std::min(std::max(v, -max), max);
      }
      y.setDouble(i, v);
    } else {
      y.setInt(i, x.ints()[i]);
    }
  }
  out.push_back(std::move(y));
  return success();
}
