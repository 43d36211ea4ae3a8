//===- ImportQuant.cpp - ONNX QuantizeLinear and DequantizeLinear ---------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Scale and zero point become a `!quant.uniform` type (per tensor, or per
// axis for 1-D scales), so they must be constants. Integer tensors cross
// into and out of quantized types by infer.cast, which reinterprets the
// stored integers.
//
//===----------------------------------------------------------------------===//

#include "frontend/ImportContext.h"

#include <onnx/onnx_pb.h>

using namespace mlir;
using namespace mlir::infer;
using namespace mlir::infer::frontend;
using reference::Tensor;

namespace {
RankedTensorType typeOf(Value v) {
  return llvm::cast<RankedTensorType>(v.getType());
}

/// Builds the quantized element type of a tensor of `shape` from scale and
/// zero point inputs `scaleIdx` / `zpIdx`.
FailureOr<quant::QuantizedType> quantType(ImportContext &ctx,
                                          ArrayRef<int64_t> shape,
                                          Type expressed, unsigned scaleIdx,
                                          unsigned zpIdx, Type storageHint) {
  const Tensor *scale = ctx.constantInput(scaleIdx);
  if (!scale)
    return ctx.unsupported("a scale known only at run time");
  const Tensor *zp = ctx.hasInput(zpIdx) ? ctx.constantInput(zpIdx) : nullptr;
  if (ctx.hasInput(zpIdx) && !zp)
    return ctx.unsupported("a zero point known only at run time");
  if (zp && zp->size() != scale->size())
    return ctx.emitError() << "scale and zero point have " << scale->size()
                           << " and " << zp->size() << " elements";
  FailureOr<int64_t> axisAttr = ctx.intAttr("axis", 1);
  FailureOr<int64_t> block = ctx.intAttr("block_size", 0);
  if (failed(axisAttr) || failed(block))
    return failure();
  if (*block != 0)
    return ctx.unsupported("blocked quantization (block_size)");
  // The storage type: the zero point's type, else the hint, else uint8.
  Type storage = zp ? zp->getElementType() : storageHint;
  if (!storage)
    storage = IntegerType::get(ctx.getContext(), 8, IntegerType::Unsigned);
  auto it = llvm::dyn_cast<IntegerType>(storage);
  if (!it || it.getWidth() == 1 || it.getWidth() > 32)
    return ctx.unsupported("quantization to " + std::string("a non-integer or "
                                                            "wide type"));
  bool isSigned = !it.isUnsigned();
  unsigned width = it.getWidth();
  Type signless = IntegerType::get(ctx.getContext(), width);
  int64_t lo = isSigned ? -(int64_t(1) << (width - 1)) : 0;
  int64_t hi = isSigned ? (int64_t(1) << (width - 1)) - 1
                        : (int64_t(1) << width) - 1;
  unsigned flags = isSigned ? quant::QuantizationFlags::Signed : 0;
  auto emit = [&] { return ctx.emitError(); };
  if (scale->size() == 1 && scale->getRank() <= 1) {
    double s = scale->getDouble(0);
    if (!(s > 0))
      return ctx.emitError() << "expects a positive scale, got " << s;
    auto q = quant::UniformQuantizedType::getChecked(
        emit, flags, signless, expressed, s, zp ? zp->getInt(0) : 0, lo, hi);
    if (!q)
      return failure();
    return quant::QuantizedType(q);
  }
  if (scale->getRank() != 1)
    return ctx.emitError() << "expects a scalar or 1-D scale";
  FailureOr<int64_t> axis = ctx.normalizeAxis(*axisAttr, shape.size());
  if (failed(axis))
    return failure();
  SmallVector<double> scales;
  SmallVector<int64_t> zps;
  for (int64_t i = 0; i < scale->size(); ++i) {
    scales.push_back(scale->getDouble(i));
    zps.push_back(zp ? zp->getInt(i) : 0);
    if (!(scales.back() > 0))
      return ctx.emitError() << "expects positive scales, got "
                             << scales.back();
  }
  auto q = quant::UniformQuantizedPerAxisType::getChecked(
      emit, flags, signless, expressed, scales, zps, *axis, lo, hi);
  if (!q)
    return failure();
  return quant::QuantizedType(q);
}

LogicalResult importQuantizeLinear(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  if (failed(x))
    return failure();
  RankedTensorType t = typeOf(*x);
  if (!llvm::isa<FloatType>(t.getElementType()))
    return ctx.emitError() << "expects a float input, got "
                           << t.getElementType();
  FailureOr<quant::QuantizedType> q =
      quantType(ctx, t.getShape(), t.getElementType(), 1, 2, Type());
  if (failed(q))
    return failure();
  FailureOr<Value> y = ctx.finish1(
      QuantizeOp::create(ctx.builder(), ctx.loc(), t.clone(*q), *x));
  if (failed(y))
    return failure();
  // Users see ONNX's plain integer tensor.
  Type storage = IntegerType::get(ctx.getContext(),
                                  q->getStorageTypeIntegralWidth(),
                                  q->isSigned() ? IntegerType::Signless
                                                : IntegerType::Unsigned);
  FailureOr<Value> out = ctx.cast(*y, storage);
  if (failed(out))
    return failure();
  ctx.setOutput(0, *out);
  return success();
}

LogicalResult importDequantizeLinear(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  if (failed(x))
    return failure();
  RankedTensorType t = typeOf(*x);
  if (!llvm::isa<IntegerType>(t.getElementType()))
    return ctx.emitError() << "expects an integer input, got "
                           << t.getElementType();
  const Tensor *scale = ctx.constantInput(1);
  Type expressed = scale ? scale->getElementType()
                         : Type(ctx.builder().getF32Type());
  FailureOr<quant::QuantizedType> q = quantType(
      ctx, t.getShape(), expressed, 1, 2, t.getElementType());
  if (failed(q))
    return failure();
  if (q->getStorageTypeIntegralWidth() !=
      llvm::cast<IntegerType>(t.getElementType()).getWidth())
    return ctx.emitError() << "the zero point's type differs from the input's";
  FailureOr<Value> qx = ctx.cast(*x, *q);
  if (failed(qx))
    return failure();
  FailureOr<Value> y = ctx.finish1(
      DequantizeOp::create(ctx.builder(), ctx.loc(), t.clone(expressed), *qx));
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}
} // namespace

void mlir::infer::frontend::registerQuantImporters(ImporterMap &m) {
  m["QuantizeLinear"] = importQuantizeLinear;
  m["DequantizeLinear"] = importDequantizeLinear;
}
