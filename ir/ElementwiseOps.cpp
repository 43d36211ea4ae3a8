//===- ElementwiseOps.cpp - Verifiers of elementwise ops ------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Verifiers of unary, binary, where and cast, and the classification of
// their kinds (which take parameters, which need floats, which return i1).
//
//===----------------------------------------------------------------------===//

#include "ir/InferOps.h"
#include "ir/VerifyUtils.h"

using namespace mlir;
using namespace mlir::infer;
using namespace mlir::infer::detail;

namespace {
/// Which of alpha and beta a unary kind takes.
struct UnaryParams {
  bool alpha = false;
  bool beta = false;
};

UnaryParams paramsOf(UnaryKind kind) {
  switch (kind) {
  case UnaryKind::leaky_relu:
  case UnaryKind::elu:
  case UnaryKind::celu:
  case UnaryKind::thresholded_relu:
    return {true, false};
  case UnaryKind::selu:
  case UnaryKind::hard_sigmoid:
  case UnaryKind::clip:
  case UnaryKind::shrink:
  case UnaryKind::is_inf:
    return {true, true};
  default:
    return {false, false};
  }
}

/// Kinds defined on integers as well as floats.
bool acceptsIntegers(UnaryKind kind) {
  switch (kind) {
  case UnaryKind::abs:
  case UnaryKind::neg:
  case UnaryKind::sign:
  case UnaryKind::relu:
  case UnaryKind::clip:
  case UnaryKind::identity:
  case UnaryKind::bitwise_not:
  case UnaryKind::not_:
  case UnaryKind::shrink:
    return true;
  default:
    return false;
  }
}

bool isComparison(BinaryKind kind) {
  switch (kind) {
  case BinaryKind::equal:
  case BinaryKind::greater:
  case BinaryKind::greater_equal:
  case BinaryKind::less:
  case BinaryKind::less_equal:
    return true;
  default:
    return false;
  }
}

bool isLogical(BinaryKind kind) {
  return kind == BinaryKind::and_ || kind == BinaryKind::or_ ||
         kind == BinaryKind::xor_;
}

bool isBitwise(BinaryKind kind) {
  switch (kind) {
  case BinaryKind::bitwise_and:
  case BinaryKind::bitwise_or:
  case BinaryKind::bitwise_xor:
  case BinaryKind::shift_left:
  case BinaryKind::shift_right:
    return true;
  default:
    return false;
  }
}

bool isI1(Type t) { return t.isInteger(1); }
bool isInteger(Type t) { return llvm::isa<IntegerType>(t) && !t.isInteger(1); }
} // namespace

LogicalResult UnaryOp::verify() {
  UnaryKind kind = getKind();
  StringRef name = stringifyUnaryKind(kind);
  UnaryParams params = paramsOf(kind);
  if (params.alpha != getAlpha().has_value())
    return emitOpError() << "kind '" << name << "' "
                         << (params.alpha ? "requires" : "takes no")
                         << " alpha";
  if (params.beta != getBeta().has_value())
    return emitOpError() << "kind '" << name << "' "
                         << (params.beta ? "requires" : "takes no") << " beta";
  Type in = elementOf(getInput()), out = elementOf(getOutput());
  if (kind == UnaryKind::not_) {
    if (!isI1(in))
      return emitOpError() << "kind 'not' expects i1 elements, got " << in;
  } else if (kind == UnaryKind::bitwise_not) {
    if (!isInteger(in))
      return emitOpError() << "kind 'bitwise_not' expects integer elements, got "
                           << in;
  } else if (!llvm::isa<FloatType>(in) &&
             !(acceptsIntegers(kind) && isInteger(in))) {
    return emitOpError() << "kind '" << name << "' expects "
                         << (acceptsIntegers(kind) ? "numeric" : "float")
                         << " elements, got " << in;
  }
  bool boolResult = kind == UnaryKind::not_ || kind == UnaryKind::is_nan ||
                    kind == UnaryKind::is_inf;
  Type expected = boolResult ? IntegerType::get(getContext(), 1) : in;
  if (out != expected)
    return emitOpError() << "expects result element type " << expected
                         << ", got " << out;
  return verifyResultShape(*this, shapeOf(getInput()), getOutput());
}

LogicalResult BinaryOp::verify() {
  BinaryKind kind = getKind();
  StringRef name = stringifyBinaryKind(kind);
  Type lhs = elementOf(getLhs()), rhs = elementOf(getRhs()),
       out = elementOf(getOutput());
  if (kind != BinaryKind::pow && lhs != rhs)
    return emitOpError() << "expects operands of one element type, got " << lhs
                         << " and " << rhs;
  if (isLogical(kind) && !isI1(lhs))
    return emitOpError() << "kind '" << name << "' expects i1 elements, got "
                         << lhs;
  if (isBitwise(kind) && !isInteger(lhs))
    return emitOpError() << "kind '" << name
                         << "' expects integer elements, got " << lhs;
  if ((kind == BinaryKind::fmod || kind == BinaryKind::prelu ||
       kind == BinaryKind::pow) &&
      !llvm::isa<FloatType>(lhs) && !isInteger(lhs))
    return emitOpError() << "kind '" << name << "' expects numeric elements, got "
                         << lhs;
  Type expected = (isComparison(kind) || isLogical(kind))
                      ? IntegerType::get(getContext(), 1)
                      : lhs;
  if (out != expected)
    return emitOpError() << "expects result element type " << expected
                         << ", got " << out;
  FailureOr<Shape> shape = broadcastShapes(
      shapeOf(getLhs()), shapeOf(getRhs()), [&] { return emitOpError(); });
  if (failed(shape))
    return failure();
  return verifyResultShape(*this, *shape, getOutput());
}

LogicalResult WhereOp::verify() {
  if (failed(verifySameElementTypes(
          *this, {getTrueValue(), getFalseValue(), getOutput()},
          {"true value", "false value", "result"})))
    return failure();
  auto emit = [&] { return emitOpError(); };
  FailureOr<Shape> shape =
      broadcastShapes(shapeOf(getCondition()), shapeOf(getTrueValue()), emit);
  if (failed(shape))
    return failure();
  shape = broadcastShapes(*shape, shapeOf(getFalseValue()), emit);
  if (failed(shape))
    return failure();
  return verifyResultShape(*this, *shape, getOutput());
}

LogicalResult CastOp::verify() {
  Type in = elementOf(getInput()), out = elementOf(getOutput());
  // A quantized type converts only to or from an integer of its storage
  // width: the stored integers are reinterpreted (ONNX carries quantized
  // tensors as plain int8/uint8 between QuantizeLinear and its users).
  auto qin = llvm::dyn_cast<quant::QuantizedType>(in);
  auto qout = llvm::dyn_cast<quant::QuantizedType>(out);
  if (qin || qout) {
    Type other = qin ? out : in;
    auto q = qin ? qin : qout;
    auto it = llvm::dyn_cast<IntegerType>(other);
    if (!it || it.getWidth() != q.getStorageTypeIntegralWidth())
      return emitOpError() << "casts a quantized type only to or from an "
                              "integer of its storage width, got "
                           << in << " to " << out;
  }
  return verifyResultShape(*this, shapeOf(getInput()), getOutput());
}
