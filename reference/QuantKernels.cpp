//===- QuantKernels.cpp - Reference quantize and dequantize ---------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "reference/Kernels.h"

#include "ir/QuantUtils.h"

#include <cmath>

using namespace mlir;
using namespace mlir::infer;
using namespace mlir::infer::reference;

namespace {
/// Scale and zero point of element `i` of a tensor of `shape` and type `q`.
std::pair<double, int64_t> paramsAt(quant::QuantizedType q,
                                    ArrayRef<int64_t> shape, int64_t i) {
  if (auto u = llvm::dyn_cast<quant::UniformQuantizedType>(q))
    return {u.getScale(), u.getZeroPoint()};
  auto p = llvm::cast<quant::UniformQuantizedPerAxisType>(q);
  int64_t axis = p.getQuantizedDimension(), inner = 1;
  for (size_t d = axis + 1; d < shape.size(); ++d)
    inner *= shape[d];
  int64_t c = (i / inner) % shape[axis];
  return {p.getScales()[c], p.getZeroPoints()[c]};
}
} // namespace

LogicalResult mlir::infer::reference::runQuantize(QuantizeOp op, Inputs in,
                                                  Outputs &out,
                                                  std::string &err) {
  const Tensor &x = *in[0];
  if (FloatAttr s = op.getScaleAttr()) {
    // f8E4M3FN: x / scale saturated to the largest finite value, rounded
    // to nearest even by the tensor (NaN stays NaN).
    Tensor y(op.getOutput().getType().getElementType(), x.getShape());
    double scale = s.getValueAsDouble();
    for (int64_t i = 0; i < x.size(); ++i) {
      double v = x.floats()[i] / scale;
      if (!std::isnan(v))
        v = std::min(std::max(v, -kFp8E4M3Max), kFp8E4M3Max);
      y.setDouble(i, v);
    }
    out.push_back(std::move(y));
    return success();
  }
  auto q = llvm::cast<quant::QuantizedType>(
      op.getOutput().getType().getElementType());
  Tensor y(q, x.getShape());
  int64_t lo = q.getStorageTypeMin(), hi = q.getStorageTypeMax();
  for (int64_t i = 0; i < x.size(); ++i) {
    auto [scale, zp] = paramsAt(q, x.getShape(), i);
    double v = std::nearbyint(x.floats()[i] / scale) + zp;
    // NaN quantizes to the zero point; the rest saturates.
    v = std::isnan(v) ? zp : std::min<double>(std::max<double>(v, lo), hi);
    y.setInt(i, static_cast<int64_t>(v));
  }
  out.push_back(std::move(y));
  return success();
}

LogicalResult mlir::infer::reference::runDequantize(DequantizeOp op, Inputs in,
                                                    Outputs &out,
                                                    std::string &err) {
  const Tensor &x = *in[0];
  if (FloatAttr s = op.getScaleAttr()) {
    Tensor y(op.getOutput().getType().getElementType(), x.getShape());
    for (int64_t i = 0; i < x.size(); ++i)
      y.setDouble(i, x.floats()[i] * s.getValueAsDouble());
    out.push_back(std::move(y));
    return success();
  }
  auto q = llvm::cast<quant::QuantizedType>(x.getElementType());
  Tensor y(op.getOutput().getType().getElementType(), x.getShape());
  for (int64_t i = 0; i < x.size(); ++i) {
    auto [scale, zp] = paramsAt(q, x.getShape(), i);
    y.setDouble(i, static_cast<double>(x.ints()[i] - zp) * scale);
  }
  out.push_back(std::move(y));
  return success();
}
