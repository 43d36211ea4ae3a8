//===- ImportQuant.cpp - ONNX QuantizeLinear and DequantizeLinear ---------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Scale and zero point become a `!quant.uniform` type (per tensor, or per
// axis for 1-D scales), so they must be constants. Integer tensors cross
// into and out of quantized types by infer.cast, which reinterprets the
// stored integers. Quantization to float8 or float4 (opset 19 / 23) has no
// integer storage: it is elementwise arithmetic around a saturating
// infer.cast to the small float type.
//
//===----------------------------------------------------------------------===//

#include "frontend/ImportContext.h"
#include "frontend/OnnxTensor.h"
#include "ir/SmallTypes.h"

#include <onnx/onnx_pb.h>

#include <cmath>

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
                                          unsigned zpIdx, Type storageHint,
                                          std::optional<int64_t> axisOverride = std::nullopt) {
  const Tensor *scale = ctx.constantInput(scaleIdx);
  if (!scale)
    return ctx.unsupported("a scale known only at run time");
  const Tensor *zp = ctx.hasInput(zpIdx) ? ctx.constantInput(zpIdx) : nullptr;
  if (ctx.hasInput(zpIdx) && !zp)
    return ctx.unsupported("a zero point known only at run time");
  if (zp && zp->size() != scale->size())
    return ctx.emitError() << "scale and zero point have " << scale->size()
                           << " and " << zp->size() << " elements";
  FailureOr<int64_t> axisAttr =
      axisOverride ? FailureOr<int64_t>(*axisOverride) : ctx.intAttr("axis", 1);
  FailureOr<int64_t> block =
      axisOverride ? FailureOr<int64_t>(0) : ctx.intAttr("block_size", 0);
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

/// The storage type of a quantization whose zero point `zi` (if any) is
/// known only at run time: the zero point's element type, else uint8.
Type runtimeStorage(ImportContext &ctx, unsigned zi) {
  if (ctx.hasInput(zi))
    if (FailureOr<Value> z = ctx.input(zi); succeeded(z))
      return typeOf(*z).getElementType();
  return IntegerType::get(ctx.getContext(), 8, IntegerType::Unsigned);
}

/// Whether the scale `si` or zero point `zi` is known only at run time
/// (DynamicQuantizeLinear's expanded form): quantization as elementwise
/// arithmetic on one scale.
bool quantizedAtRunTime(ImportContext &ctx, unsigned si, unsigned zi) {
  return !ctx.constantInput(si) || (ctx.hasInput(zi) && !ctx.constantInput(zi));
}

/// A scale and zero point known at run time, of one element each, as
/// values broadcasting against any tensor (the zero point in `et`).
FailureOr<std::pair<Value, Value>> runtimeScale(ImportContext &ctx, unsigned si, unsigned zi,
                                                Type et) {
  FailureOr<Value> s = ctx.input(si);
  if (failed(s))
    return failure();
  if (typeOf(*s).getNumElements() != 1)
    return ctx.unsupported("a per-axis scale known only at run time");
  FailureOr<Value> sr = ctx.reshape(*s, {});
  if (failed(sr) || failed(sr = ctx.cast(*sr, et)))
    return failure();
  Value zero = ctx.scalar(et, 0.0);
  if (ctx.hasInput(zi)) {
    FailureOr<Value> z = ctx.input(zi);
    if (failed(z) || typeOf(*z).getNumElements() != 1)
      return failed(z) ? failure() : ctx.emitError() << "expects a zero point of one element";
    FailureOr<Value> zr = ctx.reshape(*z, {});
    if (failed(zr) || failed(zr = ctx.cast(*zr, et)))
      return failure();
    zero = *zr;
  }
  return std::make_pair(*sr, zero);
}

/// The scale input `si` (scalar or 1-D) as a value broadcasting against a
/// tensor of rank `rank` along `axis`.
FailureOr<Value> scaleAlongAxis(ImportContext &ctx, Value s, int64_t rank,
                                std::optional<int64_t> axisOverride) {
  RankedTensorType st = typeOf(s);
  if (st.getNumElements() == 1 && st.getRank() <= 1)
    return ctx.reshape(s, {});
  if (st.getRank() != 1)
    return ctx.unsupported("a scale of rank " + std::to_string(st.getRank()) +
                           " for float8 / float4 quantization");
  FailureOr<int64_t> axisAttr =
      axisOverride ? FailureOr<int64_t>(*axisOverride) : ctx.intAttr("axis", 1);
  if (failed(axisAttr))
    return failure();
  FailureOr<int64_t> axis = ctx.normalizeAxis(*axisAttr, rank);
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape(rank, 1);
  shape[*axis] = st.getDimSize(0);
  return ctx.reshape(s, shape);
}

/// The node's block_size (0: not blocked) when `axis` is not given by the
/// caller (the QLinear ops have none).
FailureOr<int64_t> blockSize(ImportContext &ctx, std::optional<int64_t> axis) {
  return axis ? FailureOr<int64_t>(0) : ctx.intAttr("block_size", 0);
}

/// A blocked scale or zero point (the input's rank, ceil(C / block) along
/// `axis`) with each element repeated `block` times along it, cut to the
/// input's C.
FailureOr<Value> expandBlocks(ImportContext &ctx, Value s, ArrayRef<int64_t> xShape,
                              int64_t block) {
  FailureOr<int64_t> axisAttr = ctx.intAttr("axis", 1);
  if (failed(axisAttr))
    return failure();
  int64_t rank = xShape.size();
  FailureOr<int64_t> axis = ctx.normalizeAxis(*axisAttr, rank);
  if (failed(axis))
    return failure();
  ArrayRef<int64_t> ss = typeOf(s).getShape();
  int64_t c = xShape[*axis];
  if (block < 0 || int64_t(ss.size()) != rank || ShapedType::isDynamic(c) ||
      ss[*axis] != (c + block - 1) / block)
    return ctx.emitError() << "expects a blocked scale and zero point of the input's rank with "
                           << (ShapedType::isDynamic(c) ? 0 : (c + block - 1) / block)
                           << " blocks along axis " << *axis << "; one is " << typeOf(s);
  SmallVector<int64_t> split(ss), expanded(ss), merged(ss);
  split.insert(split.begin() + *axis + 1, 1);
  expanded.insert(expanded.begin() + *axis + 1, block);
  merged[*axis] = ss[*axis] * block;
  FailureOr<Value> v = ctx.reshape(s, split);
  if (failed(v) || failed(v = ctx.expand(*v, expanded)) || failed(v = ctx.reshape(*v, merged)))
    return failure();
  return merged[*axis] == c ? v : ctx.sliceAxis(*v, *axis, 0, c, 1);
}

/// Blocked DequantizeLinear: (x - zero point) * scale with both repeated
/// over their blocks, in the scale's float type.
FailureOr<Value> dequantizeBlocked(ImportContext &ctx, Value x, unsigned si, unsigned zi,
                                   int64_t block) {
  FailureOr<Value> s = ctx.input(si);
  if (failed(s))
    return failure();
  ArrayRef<int64_t> shape = typeOf(x).getShape();
  Type et = typeOf(*s).getElementType();
  FailureOr<Value> sb = expandBlocks(ctx, *s, shape, block);
  FailureOr<Value> xf = ctx.cast(x, et);
  if (failed(sb) || failed(xf))
    return failure();
  if (ctx.hasInput(zi)) {
    FailureOr<Value> z = ctx.input(zi);
    if (failed(z))
      return failure();
    FailureOr<Value> zb = expandBlocks(ctx, *z, shape, block);
    if (failed(zb) || failed(zb = ctx.cast(*zb, et)) ||
        failed(xf = ctx.binary(BinaryKind::sub, *xf, *zb)))
      return failure();
  }
  return ctx.binary(BinaryKind::mul, *xf, *sb);
}

/// Blocked QuantizeLinear: saturate(round_half_even(y / scale) + zero
/// point) into the zero point's type (else output_dtype, else uint8).
FailureOr<Value> quantizeBlocked(ImportContext &ctx, Value y, unsigned si, unsigned zi,
                                 int64_t block) {
  FailureOr<Value> s = ctx.input(si);
  FailureOr<int64_t> outType = ctx.intAttr("output_dtype", 0);
  if (failed(s) || failed(outType))
    return failure();
  ArrayRef<int64_t> shape = typeOf(y).getShape();
  Type et = typeOf(y).getElementType();
  Type storage = IntegerType::get(ctx.getContext(), 8, IntegerType::Unsigned);
  FailureOr<Value> zb = Value();
  if (ctx.hasInput(zi)) {
    FailureOr<Value> z = ctx.input(zi);
    if (failed(z))
      return failure();
    storage = typeOf(*z).getElementType();
    zb = expandBlocks(ctx, *z, shape, block);
    if (failed(zb) || failed(zb = ctx.cast(*zb, et)))
      return failure();
  } else if (*outType) {
    std::string error;
    FailureOr<Type> t = elementTypeFromOnnx(ctx.getContext(), static_cast<int32_t>(*outType), error);
    if (failed(t))
      return ctx.emitError() << "output_dtype: " << error;
    storage = *t;
  }
  auto it = llvm::dyn_cast<IntegerType>(storage);
  if (!it || it.getWidth() == 1 || it.getWidth() > 32)
    return ctx.unsupported("blocked quantization to " + std::string("other than an integer type"));
  unsigned w = it.getWidth();
  double lo = it.isUnsigned() ? 0.0 : -std::ldexp(1.0, w - 1);
  double hi = it.isUnsigned() ? std::ldexp(1.0, w) - 1 : std::ldexp(1.0, w - 1) - 1;
  FailureOr<Value> sb = expandBlocks(ctx, *s, shape, block);
  if (failed(sb) || failed(sb = ctx.cast(*sb, et)))
    return failure();
  FailureOr<Value> v = ctx.binary(BinaryKind::div, y, *sb);
  if (failed(v) || failed(v = ctx.unary(UnaryKind::round, *v)))
    return failure();
  if (*zb && failed(v = ctx.binary(BinaryKind::add, *v, *zb)))
    return failure();
  if (failed(v = ctx.binary(BinaryKind::max, *v, ctx.scalar(et, lo))) ||
      failed(v = ctx.binary(BinaryKind::min, *v, ctx.scalar(et, hi))))
    return failure();
  return ctx.cast(*v, storage);
}

/// Whether quantization by scale `si` / zero point `zi` stores float8 or
/// float4 (the zero point's type, or `output_dtype`).
FailureOr<Type> smallFloatStorage(ImportContext &ctx, unsigned zi) {
  if (ctx.hasInput(zi)) {
    FailureOr<Value> z = ctx.input(zi);
    if (failed(z))
      return failure();
    Type et = typeOf(*z).getElementType();
    return smallFloatOf(et) ? et : Type();
  }
  return Type();
}

/// Input `xi` (integers) dequantized with the scale and zero point inputs
/// `si` and `zi` to the scale's float type; a 1-D scale applies along
/// `axis` (the node's `axis` attribute when none).
FailureOr<Value> dequantizeInput(ImportContext &ctx, unsigned xi, unsigned si,
                                 unsigned zi, std::optional<int64_t> axis) {
  FailureOr<Value> x = ctx.input(xi);
  if (failed(x))
    return failure();
  RankedTensorType t = typeOf(*x);
  FailureOr<int64_t> block = blockSize(ctx, axis);
  if (failed(block))
    return failure();
  if (*block)
    return dequantizeBlocked(ctx, *x, si, zi, *block);
  if (smallFloatOf(t.getElementType())) {
    // (x - zero point) * scale, decoded to the scale's float type.
    FailureOr<Value> s = ctx.input(si);
    if (failed(s))
      return failure();
    Type et = typeOf(*s).getElementType();
    FailureOr<Value> sb = scaleAlongAxis(ctx, *s, t.getRank(), axis);
    FailureOr<Value> xf = ctx.cast(*x, et);
    if (failed(sb) || failed(xf))
      return failure();
    if (ctx.hasInput(zi)) {
      FailureOr<Value> z = ctx.input(zi);
      if (failed(z) || typeOf(*z).getElementType() != t.getElementType())
        return failed(z) ? failure()
                         : ctx.emitError() << "the zero point's type differs from the input's";
      FailureOr<Value> zb = scaleAlongAxis(ctx, *z, t.getRank(), axis);
      if (failed(zb) || failed(zb = ctx.cast(*zb, et)) ||
          failed(xf = ctx.binary(BinaryKind::sub, *xf, *zb)))
        return failure();
    }
    return ctx.binary(BinaryKind::mul, *xf, *sb);
  }
  if (!llvm::isa<IntegerType>(t.getElementType()))
    return ctx.emitError() << "expects an integer input, got "
                           << t.getElementType();
  if (quantizedAtRunTime(ctx, si, zi)) {
    // (x - zero point) * scale in the scale's float type.
    FailureOr<Value> s = ctx.input(si);
    if (failed(s))
      return failure();
    Type et = typeOf(*s).getElementType();
    FailureOr<std::pair<Value, Value>> sz = runtimeScale(ctx, si, zi, et);
    FailureOr<Value> xf = ctx.cast(*x, et);
    if (failed(sz) || failed(xf) ||
        failed(xf = ctx.binary(BinaryKind::sub, *xf, sz->second)))
      return failure();
    return ctx.binary(BinaryKind::mul, *xf, sz->first);
  }
  const Tensor *scale = ctx.constantInput(si);
  Type expressed = scale ? scale->getElementType()
                         : Type(ctx.builder().getF32Type());
  FailureOr<quant::QuantizedType> q =
      quantType(ctx, t.getShape(), expressed, si, zi, t.getElementType(), axis);
  if (failed(q))
    return failure();
  if (q->getStorageTypeIntegralWidth() !=
      llvm::cast<IntegerType>(t.getElementType()).getWidth())
    return ctx.emitError() << "the zero point's type differs from the input's";
  FailureOr<Value> qx = ctx.cast(*x, *q);
  if (failed(qx))
    return failure();
  return ctx.finish1(
      DequantizeOp::create(ctx.builder(), ctx.loc(), t.clone(expressed), *qx));
}

/// `y` quantized with the scale and zero point inputs `si` and `zi` (a 1-D
/// scale along `axis`, the node's attribute when none), as ONNX's plain
/// integers.
FailureOr<Value> quantizeValue(ImportContext &ctx, Value y, unsigned si, unsigned zi,
                               std::optional<int64_t> axis) {
  RankedTensorType t = typeOf(y);
  if (!llvm::isa<FloatType>(t.getElementType()))
    return ctx.emitError() << "expects a float input, got "
                           << t.getElementType();
  FailureOr<int64_t> block = blockSize(ctx, axis);
  if (failed(block))
    return failure();
  if (*block)
    return quantizeBlocked(ctx, y, si, zi, *block);
  FailureOr<Type> small = smallFloatStorage(ctx, zi);
  if (failed(small))
    return failure();
  if (*small) {
    // y / scale + zero point, rounded to the small float (saturating unless
    // the node says otherwise).
    FailureOr<int64_t> saturate = ctx.intAttr("saturate", 1);
    FailureOr<Value> s = ctx.input(si), z = ctx.input(zi);
    if (failed(saturate) || failed(s) || failed(z))
      return failure();
    Type et = t.getElementType();
    FailureOr<Value> sb = scaleAlongAxis(ctx, *s, t.getRank(), axis);
    FailureOr<Value> zb = scaleAlongAxis(ctx, *z, t.getRank(), axis);
    if (failed(sb) || failed(zb) || failed(sb = ctx.cast(*sb, et)) ||
        failed(zb = ctx.cast(*zb, et)))
      return failure();
    FailureOr<Value> v = ctx.binary(BinaryKind::div, y, *sb);
    if (failed(v) || failed(v = ctx.binary(BinaryKind::add, *v, *zb)))
      return failure();
    return ctx.cast(*v, *small, *saturate != 0);
  }
  if (quantizedAtRunTime(ctx, si, zi)) {
    // saturate(round_half_even(y / scale) + zero point) in y's float type.
    Type et = t.getElementType();
    auto storage = llvm::dyn_cast<IntegerType>(runtimeStorage(ctx, zi));
    if (!storage || storage.getWidth() != 8)
      return ctx.unsupported("run-time quantization to other than int8 or uint8");
    bool isSigned = !storage.isUnsigned();
    FailureOr<std::pair<Value, Value>> sz = runtimeScale(ctx, si, zi, et);
    if (failed(sz))
      return failure();
    FailureOr<Value> v = ctx.binary(BinaryKind::div, y, sz->first);
    if (failed(v) || failed(v = ctx.unary(UnaryKind::round, *v)) ||
        failed(v = ctx.binary(BinaryKind::add, *v, sz->second)) ||
        failed(v = ctx.binary(BinaryKind::max, *v, ctx.scalar(et, isSigned ? -128.0 : 0.0))) ||
        failed(v = ctx.binary(BinaryKind::min, *v, ctx.scalar(et, isSigned ? 127.0 : 255.0))))
      return failure();
    return ctx.cast(*v, storage);
  }
  FailureOr<quant::QuantizedType> q =
      quantType(ctx, t.getShape(), t.getElementType(), si, zi, Type(), axis);
  if (failed(q))
    return failure();
  FailureOr<Value> qy =
      ctx.finish1(QuantizeOp::create(ctx.builder(), ctx.loc(), t.clone(*q), y));
  if (failed(qy))
    return failure();
  // Users see ONNX's plain integer tensor.
  Type storage = IntegerType::get(ctx.getContext(), q->getStorageTypeIntegralWidth(),
                                  q->isSigned() ? IntegerType::Signless
                                                : IntegerType::Unsigned);
  return ctx.cast(*qy, storage);
}

/// Sets output 0 to `v` when it was built.
LogicalResult setResult(ImportContext &ctx, FailureOr<Value> v) {
  if (failed(v))
    return failure();
  ctx.setOutput(0, *v);
  return success();
}

LogicalResult importQuantizeLinear(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  if (failed(x))
    return failure();
  return setResult(ctx, quantizeValue(ctx, *x, 1, 2, std::nullopt));
}

LogicalResult importDequantizeLinear(ImportContext &ctx) {
  return setResult(ctx, dequantizeInput(ctx, 0, 1, 2, std::nullopt));
}

/// QLinearConv: the convolution of dequantized x and w (w per output
/// channel) plus the int32 bias at scale x_scale * w_scale, quantized.
LogicalResult importQLinearConv(ImportContext &ctx) {
  FailureOr<Value> x = dequantizeInput(ctx, 0, 1, 2, 1);
  FailureOr<Value> w = dequantizeInput(ctx, 3, 4, 5, 0);
  if (failed(x) || failed(w))
    return failure();
  Value bias;
  if (ctx.hasInput(8)) {
    const Tensor *b = ctx.constantInput(8);
    const Tensor *xs = ctx.constantInput(1), *ws = ctx.constantInput(4);
    if (!b || !xs || !ws)
      return ctx.unsupported("a bias or scale known only at run time");
    int64_t m = typeOf(*w).getDimSize(0);
    if (b->getRank() != 1 || b->size() != m || (ws->size() != 1 && ws->size() != m))
      return ctx.emitError() << "expects a bias and weight scales of " << m << " elements";
    SmallVector<double> scales;
    SmallVector<int64_t> zeros(m, 0);
    for (int64_t c = 0; c < m; ++c)
      scales.push_back(xs->getDouble(0) * ws->getDouble(ws->size() == 1 ? 0 : c));
    Type i32 = IntegerType::get(ctx.getContext(), 32);
    auto q = quant::UniformQuantizedPerAxisType::get(
        quant::QuantizationFlags::Signed, i32, ctx.builder().getF32Type(), scales, zeros, 0,
        std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max());
    FailureOr<Value> bi = ctx.input(8);
    if (failed(bi))
      return failure();
    FailureOr<Value> qb = ctx.cast(*bi, q);
    if (failed(qb))
      return failure();
    FailureOr<Value> bf = ctx.finish1(DequantizeOp::create(
        ctx.builder(), ctx.loc(), typeOf(*bi).clone(ctx.builder().getF32Type()), *qb));
    if (failed(bf))
      return failure();
    bias = *bf;
  }
  FailureOr<Value> y = buildConv(ctx, *x, *w, bias);
  if (failed(y))
    return failure();
  return setResult(ctx, quantizeValue(ctx, *y, 6, 7, 1));
}

/// QLinearMatMul: the product of dequantized a (per row) and b (per
/// column), quantized.
LogicalResult importQLinearMatMul(ImportContext &ctx) {
  FailureOr<Value> a0 = ctx.input(0), b0 = ctx.input(3);
  if (failed(a0) || failed(b0))
    return failure();
  int64_t ra = typeOf(*a0).getRank(), rb = typeOf(*b0).getRank();
  if (ra < 2 || rb < 2)
    return ctx.unsupported("QLinearMatMul of 1-D operands");
  FailureOr<Value> a = dequantizeInput(ctx, 0, 1, 2, ra - 2);
  FailureOr<Value> b = dequantizeInput(ctx, 3, 4, 5, rb - 1);
  if (failed(a) || failed(b))
    return failure();
  FailureOr<Value> y = ctx.matmul(*a, *b);
  if (failed(y))
    return failure();
  return setResult(ctx, quantizeValue(ctx, *y, 6, 7, 1));
}

/// Integer input `xi` minus its zero point `zi` (when given) in int32. A
/// zero point of several elements lies along dimension `zpAxis` of the
/// input's `rank` dimensions (A's rows of MatMulInteger, W's output
/// channels of ConvInteger); otherwise it has one element.
FailureOr<Value> minusZeroPoint(ImportContext &ctx, unsigned xi, unsigned zi, int64_t zpAxis,
                                int64_t rank) {
  Type i32 = IntegerType::get(ctx.getContext(), 32);
  FailureOr<Value> x = ctx.input(xi);
  if (failed(x))
    return failure();
  // (The schema check admits int8 and uint8 only.)
  FailureOr<Value> wide = ctx.cast(*x, i32);
  if (failed(wide) || !ctx.hasInput(zi))
    return wide;
  FailureOr<Value> zp = ctx.input(zi);
  if (failed(zp))
    return failure();
  FailureOr<Value> z = ctx.cast(*zp, i32);
  if (failed(z))
    return failure();
  RankedTensorType zt = typeOf(*z);
  if (zt.getNumElements() > 1) {
    if (zpAxis < 0 || zt.getRank() != 1)
      return ctx.emitError() << "expects a zero point of one element for input #" << xi;
    SmallVector<int64_t> shape(rank - zpAxis, 1);
    shape[0] = zt.getNumElements();
    if (failed(z = ctx.reshape(*z, shape)))
      return failure();
  }
  return ctx.binary(BinaryKind::sub, *wide, *z);
}

/// MatMulInteger: (A - a_zero_point) x (B - b_zero_point) in int32, exact.
LogicalResult importMatMulInteger(ImportContext &ctx) {
  FailureOr<Value> a0 = ctx.input(0), b0 = ctx.input(1);
  if (failed(a0) || failed(b0))
    return failure();
  // A's zero point per row broadcasts along its columns (the last
  // dimension); B's has one element per column, broadcasting as it is.
  int64_t ra = typeOf(*a0).getRank();
  FailureOr<Value> a = minusZeroPoint(ctx, 0, 2, ra - 2, ra);
  FailureOr<Value> b = minusZeroPoint(ctx, 1, 3, typeOf(*b0).getRank() - 1,
                                      typeOf(*b0).getRank());
  if (failed(a) || failed(b))
    return failure();
  return setResult(ctx, ctx.matmul(*a, *b));
}

/// ConvInteger: the convolution of (x - x_zero_point) and (w -
/// w_zero_point, per output channel or one), computed on f64 values (the
/// convolution is a float op; every int32 sum is exact there) and
/// returned as int32.
LogicalResult importConvInteger(ImportContext &ctx) {
  Type i32 = IntegerType::get(ctx.getContext(), 32);
  FailureOr<Value> w0 = ctx.input(1);
  if (failed(w0))
    return failure();
  int64_t rank = typeOf(*w0).getRank();
  FailureOr<Value> x = minusZeroPoint(ctx, 0, 2, -1, rank),
                   w = minusZeroPoint(ctx, 1, 3, 0, rank);
  if (failed(x) || failed(w))
    return failure();
  Type f64 = ctx.builder().getF64Type();
  x = ctx.cast(*x, f64);
  w = ctx.cast(*w, f64);
  if (failed(x) || failed(w))
    return failure();
  FailureOr<Value> y = buildConv(ctx, *x, *w, Value());
  if (failed(y))
    return failure();
  return setResult(ctx, ctx.cast(*y, i32));
}

/// DynamicQuantizeLinear: uint8 with a scale and zero point from the
/// input's range (0 included): scale = (max - min) / 255, zero point =
/// round(-min / scale) saturated, y = saturate(round(x / scale) + zp).
LogicalResult importDynamicQuantizeLinear(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  if (failed(x))
    return failure();
  // (The schema check admits f32 only.)
  RankedTensorType t = typeOf(*x);
  Type f32 = t.getElementType();
  SmallVector<int64_t> axes;
  for (int64_t i = 0; i < t.getRank(); ++i)
    axes.push_back(i);
  auto zero = [&] { return ctx.scalar(f32, 0.0); };
  FailureOr<Value> hi = ctx.reduce(ReduceKind::max, *x, axes, false);
  FailureOr<Value> lo = ctx.reduce(ReduceKind::min, *x, axes, false);
  if (failed(hi) || failed(lo))
    return failure();
  hi = ctx.binary(BinaryKind::max, *hi, zero());
  lo = ctx.binary(BinaryKind::min, *lo, zero());
  if (failed(hi) || failed(lo))
    return failure();
  FailureOr<Value> range = ctx.binary(BinaryKind::sub, *hi, *lo);
  if (failed(range))
    return failure();
  FailureOr<Value> scale = ctx.binary(BinaryKind::div, *range, ctx.scalar(f32, 255.0));
  if (failed(scale))
    return failure();
  auto clamp = [&](Value v) -> FailureOr<Value> {
    FailureOr<Value> r = ctx.unary(UnaryKind::round, v);
    if (failed(r))
      return failure();
    r = ctx.binary(BinaryKind::max, *r, ctx.scalar(f32, 0.0));
    if (failed(r))
      return failure();
    return ctx.binary(BinaryKind::min, *r, ctx.scalar(f32, 255.0));
  };
  // An all-zero input has scale 0: ONNX Runtime divides by it; the zero
  // point and values are then 0 (NaN becomes 0 through the clamp's max).
  FailureOr<Value> negLo = ctx.binary(BinaryKind::sub, zero(), *lo);
  if (failed(negLo))
    return failure();
  FailureOr<Value> zpf = ctx.binary(BinaryKind::div, *negLo, *scale);
  if (failed(zpf))
    return failure();
  zpf = clamp(*zpf);
  if (failed(zpf))
    return failure();
  FailureOr<Value> xs = ctx.binary(BinaryKind::div, *x, *scale);
  if (failed(xs))
    return failure();
  FailureOr<Value> xr = ctx.unary(UnaryKind::round, *xs);
  if (failed(xr))
    return failure();
  FailureOr<Value> shifted = ctx.binary(BinaryKind::add, *xr, *zpf);
  if (failed(shifted))
    return failure();
  FailureOr<Value> yf = ctx.binary(BinaryKind::max, *shifted, ctx.scalar(f32, 0.0));
  if (failed(yf))
    return failure();
  yf = ctx.binary(BinaryKind::min, *yf, ctx.scalar(f32, 255.0));
  if (failed(yf))
    return failure();
  Type u8 = IntegerType::get(ctx.getContext(), 8, IntegerType::Unsigned);
  FailureOr<Value> y = ctx.cast(*yf, u8), zp = ctx.cast(*zpf, u8);
  if (failed(y) || failed(zp))
    return failure();
  ctx.setOutput(0, *y);
  ctx.setOutput(1, *scale);
  ctx.setOutput(2, *zp);
  return success();
}
} // namespace

void mlir::infer::frontend::registerQuantImporters(ImporterMap &m) {
  m["QuantizeLinear"] = importQuantizeLinear;
  m["DequantizeLinear"] = importDequantizeLinear;
  m["QLinearConv"] = importQLinearConv;
  m["QLinearMatMul"] = importQLinearMatMul;
  m["ConvInteger"] = importConvInteger;
  m["MatMulInteger"] = importMatMulInteger;
  m["DynamicQuantizeLinear"] = importDynamicQuantizeLinear;
}
