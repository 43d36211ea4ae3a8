//===- QuantOps.cpp - Verifiers of quantize and dequantize ----------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The float side and the quantized side must agree on shape and on the
// expressed type; per-axis types must name a dimension with one scale per
// element.
//
//===----------------------------------------------------------------------===//

#include "ir/InferOps.h"
#include "ir/VerifyUtils.h"

using namespace mlir;
using namespace mlir::infer;
using namespace mlir::infer::detail;

/// Checks a float tensor against a quantized tensor of the same shape.
static LogicalResult verifyQuantPair(Operation *op, Value floatValue,
                                     Value quantValue) {
  auto qtype = llvm::cast<quant::QuantizedType>(elementOf(quantValue));
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
  return verifyQuantPair(*this, getInput(), getOutput());
}

LogicalResult DequantizeOp::verify() {
  return verifyQuantPair(*this, getOutput(), getInput());
}
