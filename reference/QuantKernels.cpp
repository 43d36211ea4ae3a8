//===- QuantKernels.cpp - Reference quantize and dequantize ---------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "reference/Kernels.h"

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
  auto q = llvm::cast<quant::QuantizedType>(x.getElementType());
  Tensor y(op.getOutput().getType().getElementType(), x.getShape());
  for (int64_t i = 0; i < x.size(); ++i) {
    auto [scale, zp] = paramsAt(q, x.getShape(), i);
    y.setDouble(i, static_cast<double>(x.ints()[i] - zp) * scale);
  }
  out.push_back(std::move(y));
  return success();
}
