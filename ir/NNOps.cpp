//===- NNOps.cpp - Verifiers of convolution, matmul, pooling, norms -------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Verifiers of the ops in InferNNOps.td. Shape rules come from
// ShapeInference.h so the importer reports the same errors.
//
//===----------------------------------------------------------------------===//

#include "ir/InferOps.h"
#include "ir/VerifyUtils.h"

using namespace mlir;
using namespace mlir::infer;
using namespace mlir::infer::detail;

/// Checks the element types of an anchor op: all float and equal, or a
/// quantized input and weight (the bias may then be i32 or float).
static LogicalResult verifyAnchorTypes(Operation *op, Value input,
                                       Value weight, Value bias,
                                       Value result) {
  Type in = elementOf(input), w = elementOf(weight);
  // fp8 products: f8E4M3FN input and weight, an f32 result (the sum of
  // the products, unscaled: the scales are ops of their own after it).
  if (llvm::isa<Float8E4M3FNType>(in) || llvm::isa<Float8E4M3FNType>(w)) {
    if (in != w || !elementOf(result).isF32() || (bias && !elementOf(bias).isF32()))
      return op->emitOpError() << "of f8E4M3FN takes an f8E4M3FN input and weight "
                                  "and gives f32, got "
                               << in << ", " << w << " and " << elementOf(result);
    return success();
  }
  bool quant = llvm::isa<quant::QuantizedType>(in);
  if (quant != llvm::isa<quant::QuantizedType>(w))
    return op->emitOpError() << "expects input and weight both float or both "
                                "quantized, got "
                             << in << " and " << w;
  if (quant)
    return success();
  if (!llvm::isa<FloatType>(in))
    return op->emitOpError() << "expects a float or quantized input, got "
                             << in;
  return verifySameElementTypes(op, {input, weight, bias, result},
                                {"input", "weight", "bias", "result"});
}

/// Checks that a per-output-channel bias is 1-D with `channels` elements.
static LogicalResult verifyBias(Operation *op, Value bias, int64_t channels) {
  if (!bias)
    return success();
  ArrayRef<int64_t> b = shapeOf(bias);
  if (b.size() != 1 ||
      (!ShapedType::isDynamic(channels) && !ShapedType::isDynamic(b[0]) &&
       b[0] != channels))
    return op->emitOpError()
           << "expects a bias of shape [" << channels << "], got "
           << formatShape(b);
  return success();
}

LogicalResult ConvOp::verify() {
  auto emit = [&] { return emitOpError(); };
  if (failed(verifyAnchorTypes(*this, getInput(), getWeight(), getBias(),
                               getOutput())))
    return failure();
  bool last = getChannelsLast();
  Shape input = last ? toChannelsFirst(shapeOf(getInput())) : Shape(shapeOf(getInput()));
  FailureOr<Shape> shape =
      inferConvShape(input, shapeOf(getWeight()), getStrides(), getPads(),
                     getDilations(), getGroup(), emit);
  if (failed(shape) || failed(verifyBias(*this, getBias(),
                                         shapeOf(getWeight())[0])))
    return failure();
  return verifyResultShape(*this, last ? toChannelsLast(*shape) : *shape,
                           getOutput());
}

int64_t Im2ColOp::getOutputSize(unsigned dim) {
  int64_t in = llvm::cast<RankedTensorType>(getInput().getType()).getDimSize(1 + dim);
  return (in + getPads()[dim] + getPads()[dim + 2] -
          getDilations()[dim] * (getKernel()[dim] - 1) - 1) /
             getStrides()[dim] +
         1;
}

LogicalResult Im2ColOp::verify() {
  if (failed(verifySameElementTypes(*this, {getInput(), getOutput()},
                                    {"input", "result"})))
    return failure();
  WindowGeometry window{getKernel(), getStrides(), getPads(), getDilations()};
  FailureOr<Shape> shape = inferIm2ColShape(shapeOf(getInput()), window,
                                            [&] { return emitOpError(); });
  if (failed(shape))
    return failure();
  return verifyResultShape(*this, *shape, getOutput());
}

LogicalResult ConvTransposeOp::verify() {
  auto emit = [&] { return emitOpError(); };
  if (failed(verifyAnchorTypes(*this, getInput(), getWeight(), getBias(),
                               getOutput())))
    return failure();
  FailureOr<Shape> shape = inferConvTransposeShape(
      shapeOf(getInput()), shapeOf(getWeight()), getStrides(), getPads(),
      getDilations(), getOutputPadding(), getGroup(), emit);
  if (failed(shape) || failed(verifyBias(*this, getBias(), (*shape)[1])))
    return failure();
  return verifyResultShape(*this, *shape, getOutput());
}

LogicalResult MatMulOp::verify() {
  auto emit = [&] { return emitOpError(); };
  bool fp8 = llvm::isa<Float8E4M3FNType>(elementOf(getLhs()));
  if (fp8 && (elementOf(getRhs()) != elementOf(getLhs()) || !elementOf(getOutput()).isF32()))
    return emitOpError() << "of f8E4M3FN takes f8E4M3FN operands and gives f32";
  if (!fp8 && !llvm::isa<quant::QuantizedType>(elementOf(getLhs())) &&
      failed(verifySameElementTypes(*this, {getLhs(), getRhs(), getOutput()},
                                    {"lhs", "rhs", "result"})))
    return failure();
  FailureOr<Shape> shape =
      inferMatMulShape(shapeOf(getLhs()), shapeOf(getRhs()), emit);
  if (failed(shape))
    return failure();
  return verifyResultShape(*this, *shape, getOutput());
}

LogicalResult GemmOp::verify() {
  auto emit = [&] { return emitOpError(); };
  if (failed(verifyAnchorTypes(*this, getA(), getB(), getC(), getOutput())))
    return failure();
  FailureOr<Shape> shape = inferGemmShape(shapeOf(getA()), shapeOf(getB()),
                                          getTransA(), getTransB(), emit);
  if (failed(shape))
    return failure();
  if (getC() && !isBroadcastableTo(shapeOf(getC()), *shape))
    return emitOpError() << "expects c of shape " << formatShape(shapeOf(getC()))
                         << " to broadcast to " << formatShape(*shape);
  return verifyResultShape(*this, *shape, getOutput());
}

LogicalResult PoolOp::verify() {
  auto emit = [&] { return emitOpError(); };
  if (failed(verifySameElementTypes(*this, {getInput(), getOutput()},
                                    {"input", "result"})))
    return failure();
  if (getCountIncludePad() && getKind() != PoolKind::avg)
    return emitOpError() << "count_include_pad only applies to avg pooling";
  if (getKind() == PoolKind::lp && getP() < 1)
    return emitOpError() << "expects p >= 1 for lp pooling, got " << getP();
  WindowGeometry window{getKernel(), getStrides(), getPads(), getDilations()};
  bool last = getChannelsLast();
  Shape input = last ? toChannelsFirst(shapeOf(getInput())) : Shape(shapeOf(getInput()));
  FailureOr<Shape> shape = inferPoolShape(input, window, getCeilMode(), emit);
  if (failed(shape))
    return failure();
  return verifyResultShape(*this, last ? toChannelsLast(*shape) : *shape, getOutput());
}

LogicalResult GlobalPoolOp::verify() {
  if (failed(verifySameElementTypes(*this, {getInput(), getOutput()},
                                    {"input", "result"})))
    return failure();
  ArrayRef<int64_t> in = shapeOf(getInput());
  if (in.size() < 3)
    return emitOpError() << "expects an input of rank at least 3, got rank "
                         << in.size();
  if (getKind() == PoolKind::lp && getP() < 1)
    return emitOpError() << "expects p >= 1 for lp pooling, got " << getP();
  Shape shape{in[0], in[1]};
  shape.append(in.size() - 2, 1);
  return verifyResultShape(*this, shape, getOutput());
}

template <typename SoftmaxOp>
static LogicalResult verifySoftmax(SoftmaxOp op) {
  int64_t rank = shapeOf(op.getInput()).size();
  if (op.getAxis() < 0 || op.getAxis() >= rank)
    return op.emitOpError() << "axis " << op.getAxis()
                            << " is out of range for rank " << rank;
  return success();
}

LogicalResult SoftmaxOp::verify() { return verifySoftmax(*this); }
LogicalResult LogSoftmaxOp::verify() { return verifySoftmax(*this); }

LogicalResult LayerNormOp::verify() {
  ArrayRef<int64_t> in = shapeOf(getInput());
  int64_t rank = in.size();
  if (getAxis() < 0 || getAxis() >= rank)
    return emitOpError() << "axis " << getAxis() << " is out of range for rank "
                         << rank;
  if (failed(verifySameElementTypes(
          *this, {getInput(), getScale(), getBias(), getOutput()},
          {"input", "scale", "bias", "result"})))
    return failure();
  ArrayRef<int64_t> normalized = in.drop_front(getAxis());
  for (auto [name, v] : {std::pair<StringRef, Value>{"scale", getScale()},
                         std::pair<StringRef, Value>{"bias", getBias()}}) {
    if (v && !isBroadcastableTo(shapeOf(v), normalized))
      return emitOpError() << "expects " << name << " of shape "
                           << formatShape(shapeOf(v))
                           << " to broadcast to the normalized shape "
                           << formatShape(normalized);
  }
  if (getEpsilon().convertToFloat() < 0)
    return emitOpError() << "expects a non-negative epsilon";
  return verifyResultShape(*this, in, getOutput());
}

LogicalResult BatchNormOp::verify() {
  ArrayRef<int64_t> in = shapeOf(getInput());
  if (in.size() < 2)
    return emitOpError() << "expects an input of rank at least 2, got rank "
                         << in.size();
  if (failed(verifySameElementTypes(
          *this,
          {getInput(), getScale(), getBias(), getMean(), getVariance(),
           getOutput()},
          {"input", "scale", "bias", "mean", "variance", "result"})))
    return failure();
  for (auto [name, v] : {std::pair<StringRef, Value>{"scale", getScale()},
                         {"bias", getBias()},
                         {"mean", getMean()},
                         {"variance", getVariance()}}) {
    ArrayRef<int64_t> s = shapeOf(v);
    if (s.size() != 1 || (!ShapedType::isDynamic(in[1]) &&
                          !ShapedType::isDynamic(s[0]) && s[0] != in[1]))
      return emitOpError() << "expects " << name << " of shape [" << in[1]
                           << "], got " << formatShape(s);
  }
  return verifyResultShape(*this, in, getOutput());
}
