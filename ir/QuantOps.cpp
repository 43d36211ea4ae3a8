//===- QuantOps.cpp - Verifiers of quantize and dequantize ----------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The float side and the quantized side must agree on shape and on the
// expressed type; per-axis types must name a dimension with one scale per
// element. An f8E4M3FN side takes its scale from the op's `scale`
// attribute (positive and finite), which a quantized type must not have.
//
//===----------------------------------------------------------------------===//

#include "ir/InferOps.h"
#include "ir/VerifyUtils.h"

#include <cmath>

using namespace mlir;
using namespace mlir::infer;
using namespace mlir::infer::detail;

/// Checks a float tensor against a quantized tensor of the same shape.
static LogicalResult verifyQuantPair(Operation *op, Value floatValue,
                                     Value quantValue, FloatAttr scale) {
  auto qtype = llvm::dyn_cast<quant::QuantizedType>(elementOf(quantValue));
  if (!qtype) {
    // f8E4M3FN, scaled by the attribute.
    if (!scale || !(scale.getValueAsDouble() > 0) || !std::isfinite(scale.getValueAsDouble()))
      return op->emitOpError() << "of f8E4M3FN needs a positive finite `scale`";
    return verifyShapeMatches(shapeOf(floatValue), shapeOf(quantValue), "quantized",
                              [&] { return op->emitOpError(); });
  }
  if (scale)
    return op->emitOpError() << "takes the scale of its quantized type: `scale` is "
                                "for f8E4M3FN only";
  Type ftype = elementOf(floatValue);
  if (qtype.getExpressedType() != ftype)
    return op->emitOpError() << "expects the quantized type to express "
                             << ftype << ", got " << qtype.getExpressedType();
  ArrayRef<int64_t> shape = shapeOf(floatValue);
  if (auto perAxis =
          llvm::dyn_cast<quant::UniformQuantizedPerAxisType>(qtype)) {
    int64_t axis = perAxis.getQuantizedDimension();
    if (axis >= static_cast<int64_t>(shape.size()))
      return op->emitOpError() << "quantized dimension " << axis
                               << " is out of range for rank " << shape.size();
    int64_t n = perAxis.getScales().size();
    if (!ShapedType::isDynamic(shape[axis]) && shape[axis] != n)
      return op->emitOpError()
             << "expects " << shape[axis] << " scales for dimension " << axis
             << ", got " << n;
  }
  return verifyShapeMatches(shape, shapeOf(quantValue), "quantized",
                            [&] { return op->emitOpError(); });
}

LogicalResult QuantizeOp::verify() {
  return verifyQuantPair(*this, getInput(), getOutput(), getScaleAttr());
}

LogicalResult DequantizeOp::verify() {
  return verifyQuantPair(*this, getOutput(), getInput(), getScaleAttr());
}
