//===- LowerNN.cpp - Convolution, pooling and matmul to linalg ------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The generic (correctness) lowering of the anchor ops: one linalg.generic
// per op over padded inputs, for any rank, group count, stride and
// dilation. conv_transpose becomes a convolution over the stride-dilated
// input with flipped weights. Targets replace the common cases with their
// own kernel templates.
//
//===----------------------------------------------------------------------===//

#include "codegen/core/linalg/LinalgUtils.h"
#include "codegen/core/linalg/LowerToLinalg.h"
#include "codegen/core/ScalarOps.h"

#include "ir/InferOps.h"
#include "ir/ShapeInference.h"
#include "ir/SmallTypes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::infer;

namespace {
Type elementOf(Value v) {
  return llvm::cast<RankedTensorType>(v.getType()).getElementType();
}

Type accumulatorOf(Type t) {
  if (t.isF16() || t.isBF16())
    return Float32Type::get(t.getContext());
  return t;
}

/// Pads the spatial dimensions (`first`.. in order) of `x` with `value`;
/// negative pads crop. NC[D]HW has them from 2, N[D]HWC from 1.
Value padSpatial(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> low,
                 ArrayRef<int64_t> high, Value value, int64_t first = 2) {
  auto t = llvm::cast<RankedTensorType>(x.getType());
  int64_t rank = t.getRank();
  // Crop first where a pad is negative.
  SmallVector<int64_t> offsets(rank, 0), sizes(t.getShape());
  bool crop = false;
  for (size_t i = 0; i < low.size(); ++i) {
    if (low[i] < 0) {
      offsets[i + first] = -low[i];
      sizes[i + first] += low[i];
      crop = true;
    }
    if (high[i] < 0) {
      sizes[i + first] += high[i];
      crop = true;
    }
  }
  if (crop) {
    SmallVector<OpFoldResult> o, s, st;
    for (int64_t i = 0; i < rank; ++i) {
      o.push_back(b.getIndexAttr(offsets[i]));
      s.push_back(b.getIndexAttr(sizes[i]));
      st.push_back(b.getIndexAttr(1));
    }
    x = tensor::ExtractSliceOp::create(b, loc, x, o, s, st);
  }
  SmallVector<int64_t> lo(rank, 0), hi(rank, 0), shape(sizes);
  bool any = false;
  for (size_t i = 0; i < low.size(); ++i) {
    lo[i + first] = std::max<int64_t>(low[i], 0);
    hi[i + first] = std::max<int64_t>(high[i], 0);
    shape[i + first] += lo[i + first] + hi[i + first];
    any |= lo[i + first] || hi[i + first];
  }
  if (!any)
    return x;
  auto padded = RankedTensorType::get(shape, t.getElementType());
  SmallVector<OpFoldResult> l, h;
  for (int64_t i = 0; i < rank; ++i) {
    l.push_back(b.getIndexAttr(lo[i]));
    h.push_back(b.getIndexAttr(hi[i]));
  }
  return tensor::PadOp::create(b, loc, padded, x, l, h, value);
}

/// Reassociation that splits dimension `dim` of a rank-`rank` tensor in two.
SmallVector<ReassociationIndices> splitDim(int64_t rank, int64_t dim) {
  SmallVector<ReassociationIndices> r;
  for (int64_t i = 0, o = 0; i < rank; ++i) {
    if (i == dim) {
      r.push_back({o, o + 1});
      o += 2;
    } else {
      r.push_back({o++});
    }
  }
  return r;
}

/// The grouped convolution of `x` [N, C, S...] (already padded; [N, S...,
/// C] when `channelsLast`) and `w` [M, C/G, K...]: returns [N, M, O...]
/// ([N, O..., M]) in `acc`, starting from `init` (same shape and element
/// type as the result) when given.
Value convolve(OpBuilder &b, Location loc, Value x, Value w,
               ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations,
               int64_t group, ArrayRef<int64_t> outSpatial, Value init,
               Type acc, bool channelsLast = false) {
  MLIRContext *ctx = b.getContext();
  auto xt = llvm::cast<RankedTensorType>(x.getType());
  auto wt = llvm::cast<RankedTensorType>(w.getType());
  int64_t ns = xt.getRank() - 2, n = xt.getDimSize(0),
          c = xt.getDimSize(channelsLast ? ns + 1 : 1);
  int64_t m = wt.getDimSize(0), cg = c / group, mg = m / group;
  auto body = [&](OpBuilder &nb, Location l, ValueRange a) {
    Value xv = a[0], wv = a[1];
    if (xv.getType() != acc) {
      xv = arith::ExtFOp::create(nb, l, acc, xv);
      wv = arith::ExtFOp::create(nb, l, acc, wv);
    }
    Value r = llvm::isa<FloatType>(acc)
                  ? arith::AddFOp::create(nb, l, a[2],
                                          arith::MulFOp::create(nb, l, xv, wv))
                        .getResult()
                  : arith::AddIOp::create(nb, l, a[2],
                                          arith::MulIOp::create(nb, l, xv, wv))
                        .getResult();
    linalg::YieldOp::create(nb, l, r);
  };
  // No group dimension, hence no reshapes between the convolution and its
  // producers and consumers (they tile and fuse through it, a GPU thread
  // per output point). Loops: n, m, o... (n, o..., m when channels-last,
  // so that neighbouring threads take neighbouring channels), then the
  // input channel of the group cg (not for depthwise: channel m reads
  // channel m), k...; output channel m reads input channel
  // (m floordiv Mg) * Cg + cg and weight [m, cg, k...].
  bool depthwise = group == c && group == m;
  SmallVector<int64_t> os{n};
  if (!channelsLast)
    os.push_back(m);
  os.append(outSpatial.begin(), outSpatial.end());
  if (channelsLast)
    os.push_back(m);
  auto outType = RankedTensorType::get(os, acc);
  Value out = init ? init : filledTensor(b, loc, outType, emitConstant(b, loc, acc, 0));
  int64_t red = depthwise ? 0 : 1, k0 = 2 + ns + red;
  int64_t loops = k0 + ns;
  auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  AffineExpr dm = d(channelsLast ? 1 + ns : 1);
  auto spatial = [&](int64_t i) { return d(channelsLast ? 1 + i : 2 + i); };
  AffineExpr channel = depthwise  ? dm
                       : group == 1 ? d(2 + ns)
                                    : dm.floorDiv(mg) * cg + d(2 + ns);
  AffineExpr wChannel = depthwise ? b.getAffineConstantExpr(0) : d(2 + ns);
  SmallVector<AffineExpr> xe{d(0)}, we{dm, wChannel}, oe{d(0)};
  if (!channelsLast) {
    xe.push_back(channel);
    oe.push_back(dm);
  }
  for (int64_t i = 0; i < ns; ++i) {
    xe.push_back(spatial(i) * strides[i] + d(k0 + i) * dilations[i]);
    we.push_back(d(k0 + i));
    oe.push_back(spatial(i));
  }
  if (channelsLast) {
    xe.push_back(channel);
    oe.push_back(dm);
  }
  SmallVector<utils::IteratorType> iters(loops, utils::IteratorType::parallel);
  for (int64_t i = 2 + ns; i < loops; ++i)
    iters[i] = utils::IteratorType::reduction;
  return linalg::GenericOp::create(
             b, loc, TypeRange{outType}, ValueRange{x, w}, ValueRange{out},
             {AffineMap::get(loops, 0, xe, ctx), AffineMap::get(loops, 0, we, ctx),
              AffineMap::get(loops, 0, oe, ctx)},
             iters, body)
      .getResult(0);
}

/// A [N, M, O...] tensor holding the bias per channel (or zeros); the
/// channels are dimension `axis`.
Value biasInit(OpBuilder &b, Location loc, Value bias, ArrayRef<int64_t> shape,
               Type acc, Type biasType, int64_t axis = 1) {
  auto t = RankedTensorType::get(shape, acc);
  if (!bias)
    return filledTensor(b, loc, t, emitConstant(b, loc, acc, 0));
  SmallVector<int64_t> bshape(shape.size(), 1);
  bshape[axis] = shape[axis];
  SmallVector<ReassociationIndices> r(1);
  for (size_t i = 0; i < shape.size(); ++i)
    r[0].push_back(i);
  auto bt = llvm::cast<RankedTensorType>(bias.getType());
  Value b4 = tensor::ExpandShapeOp::create(b, loc, bt.clone(bshape), bias, r);
  return buildElementwise(b, loc, t, {b4}, [&](OpBuilder &nb, Location l, ValueRange a) {
    return emitCast(nb, l, a[0], biasType, acc, false);
  });
}

Value finalCast(OpBuilder &b, Location loc, Value v, Type from, Type to) {
  if (from == to)
    return v;
  auto t = llvm::cast<RankedTensorType>(v.getType()).clone(to);
  return buildElementwise(b, loc, t, {v}, [&](OpBuilder &nb, Location l, ValueRange a) {
    return emitCast(nb, l, a[0], from, to, false);
  });
}

/// `v` (of logical element type `logical`) decoded to f32 when that is a
/// float8 / float4 type (an fp8 product or max pool the templates did not
/// take computes in f32 from the decoded values: exact); else `v`.
Value decodeSmallFloat(OpBuilder &b, Location loc, Value v, Type logical) {
  if (!smallFloatOf(logical))
    return v;
  return finalCast(b, loc, v, logical, b.getF32Type());
}

struct LowerConv : OpConversionPattern<ConvOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConvOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type logical = elementOf(op.getInput());
    bool small = smallFloatOf(logical).has_value();
    Type et = small ? rewriter.getF32Type() : storageType(logical);
    if (!llvm::isa<FloatType>(et))
      return rewriter.notifyMatchFailure(op, "quantized convolution");
    Type acc = accumulatorOf(et);
    Value input = decodeSmallFloat(rewriter, loc, adaptor.getInput(), logical);
    Value weight = decodeSmallFloat(rewriter, loc, adaptor.getWeight(), elementOf(op.getWeight()));
    ArrayRef<int64_t> pads = op.getPads();
    size_t ns = op.getStrides().size();
    Value zero = emitConstant(rewriter, loc, et, 0);
    bool last = op.getChannelsLast();
    Value x = padSpatial(rewriter, loc, input, pads.take_front(ns),
                         pads.drop_front(ns), zero, last ? 1 : 2);
    ArrayRef<int64_t> out = shapeOf(op.getOutput());
    Value init = biasInit(rewriter, loc, adaptor.getBias(), out, acc,
                          adaptor.getBias() ? elementOf(op.getBias()) : et,
                          op.getChannelAxis());
    ArrayRef<int64_t> outSpatial =
        last ? out.drop_front(1).drop_back(1) : out.drop_front(2);
    Value r = convolve(rewriter, loc, x, weight, op.getStrides(),
                       op.getDilations(), op.getGroup(), outSpatial, init, acc,
                       last);
    rewriter.replaceOp(op, finalCast(rewriter, loc, r, acc, et));
    return success();
  }
};

struct LowerConvTranspose : OpConversionPattern<ConvTransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConvTransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Type et = storageType(elementOf(op.getInput()));
    if (!llvm::isa<FloatType>(et))
      return rewriter.notifyMatchFailure(op, "quantized convolution");
    Type acc = accumulatorOf(et);
    Value x = adaptor.getInput(), w = adaptor.getWeight();
    auto xt = llvm::cast<RankedTensorType>(x.getType());
    auto wt = llvm::cast<RankedTensorType>(w.getType());
    int64_t ns = xt.getRank() - 2, group = op.getGroup();
    int64_t c = xt.getDimSize(1), cg = c / group, mg = wt.getDimSize(1);
    ArrayRef<int64_t> strides = op.getStrides(), dil = op.getDilations(),
                      pads = op.getPads(), outPad = op.getOutputPadding();
    // Insert stride - 1 zeros between input elements.
    SmallVector<int64_t> dshape(xt.getShape());
    bool strided = false;
    for (int64_t i = 0; i < ns; ++i) {
      dshape[i + 2] = (xt.getDimSize(i + 2) - 1) * strides[i] + 1;
      strided |= strides[i] != 1;
    }
    Value zero = emitConstant(rewriter, loc, et, 0);
    if (strided) {
      Value z = filledTensor(rewriter, loc, xt.clone(dshape), zero);
      SmallVector<OpFoldResult> o, s, st;
      for (int64_t i = 0; i < xt.getRank(); ++i) {
        o.push_back(rewriter.getIndexAttr(0));
        s.push_back(rewriter.getIndexAttr(xt.getDimSize(i)));
        st.push_back(rewriter.getIndexAttr(i >= 2 ? strides[i - 2] : 1));
      }
      x = tensor::InsertSliceOp::create(rewriter, loc, x, z, o, s, st);
    }
    SmallVector<int64_t> lo, hi;
    for (int64_t i = 0; i < ns; ++i) {
      int64_t span = dil[i] * (wt.getDimSize(i + 2) - 1);
      lo.push_back(span - pads[i]);
      hi.push_back(span - pads[i + ns] + outPad[i]);
    }
    x = padSpatial(rewriter, loc, x, lo, hi, zero);
    // w [C, Mg, K...] -> [M, Cg, K...] with flipped kernels:
    // w'[g*Mg + mg, cg, k] = w[g*Cg + cg, mg, K-1-k].
    SmallVector<int64_t> wshape{group * mg, cg};
    for (int64_t i = 0; i < ns; ++i)
      wshape.push_back(wt.getDimSize(i + 2));
    SmallVector<int64_t> wexp{group, cg, mg};
    wexp.append(wt.getShape().begin() + 2, wt.getShape().end());
    Value wg = tensor::ExpandShapeOp::create(rewriter, loc, wt.clone(wexp), w,
                                             splitDim(wt.getRank(), 0));
    SmallVector<int64_t> flipShape{group, mg, cg};
    flipShape.append(wt.getShape().begin() + 2, wt.getShape().end());
    auto flipType = wt.clone(flipShape);
    int64_t loops = 3 + ns;
    auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
    SmallVector<AffineExpr> in{d(0), d(2), d(1)};
    for (int64_t i = 0; i < ns; ++i)
      in.push_back(wt.getDimSize(i + 2) - 1 - d(3 + i));
    auto flip = linalg::GenericOp::create(
        rewriter, loc, TypeRange{flipType}, ValueRange{wg},
        ValueRange{emptyTensor(rewriter, loc, flipType)},
        {AffineMap::get(loops, 0, in, ctx),
         AffineMap::getMultiDimIdentityMap(loops, ctx)},
        SmallVector<utils::IteratorType>(loops, utils::IteratorType::parallel),
        [](OpBuilder &nb, Location l, ValueRange a) {
          linalg::YieldOp::create(nb, l, a[0]);
        });
    Value wf = tensor::CollapseShapeOp::create(
        rewriter, loc, wt.clone(wshape), flip.getResult(0), splitDim(2 + ns, 0));
    ArrayRef<int64_t> out = shapeOf(op.getOutput());
    Value init = biasInit(rewriter, loc, adaptor.getBias(), out, acc,
                          adaptor.getBias() ? elementOf(op.getBias()) : et);
    SmallVector<int64_t> ones(ns, 1);
    Value r = convolve(rewriter, loc, x, wf, ones, dil, group, out.drop_front(2),
                       init, acc);
    rewriter.replaceOp(op, finalCast(rewriter, loc, r, acc, et));
    return success();
  }
};

struct LowerPool : OpConversionPattern<PoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(PoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    // A float8 max pool (an fp8 one the template did not take) pools the
    // decoded values: their stored codes are sign and magnitude, which an
    // integer maximum would misorder.
    Type logical = elementOf(op.getInput());
    bool small = smallFloatOf(logical).has_value();
    Type et = small ? rewriter.getF32Type() : storageType(logical);
    Type acc = llvm::isa<FloatType>(et) ? accumulatorOf(et) : et;
    bool isFloat = llvm::isa<FloatType>(et);
    // The window arithmetic reads NC[D]HW shapes; a channels-last pool
    // only indexes differently (channels innermost, so that neighbouring
    // GPU threads take neighbouring channels).
    bool last = op.getChannelsLast();
    ArrayRef<int64_t> outShape = shapeOf(op.getOutput());
    Shape inF = last ? toChannelsFirst(shapeOf(op.getInput())) : Shape(shapeOf(op.getInput()));
    Shape outF = last ? toChannelsFirst(outShape) : Shape(outShape);
    ArrayRef<int64_t> in = inF, out = outF;
    ArrayRef<int64_t> k = op.getKernel(), s = op.getStrides(),
                      dl = op.getDilations(), pads = op.getPads();
    int64_t ns = k.size();
    PoolKind kind = op.getKind();
    // Pad so that every window of the output fits; positions past the
    // declared end padding (ceil mode) never count.
    SmallVector<int64_t> lo, hi;
    for (int64_t i = 0; i < ns; ++i) {
      int64_t need = (out[i + 2] - 1) * s[i] + (k[i] - 1) * dl[i] + 1;
      lo.push_back(pads[i]);
      hi.push_back(std::max<int64_t>(need - in[i + 2] - pads[i], pads[i + ns]));
    }
    Value padValue = kind == PoolKind::max
                         ? emitReduceInit(rewriter, loc, ReduceKind::max, et,
                                          isUnsignedElement(elementOf(op.getInput())))
                         : emitConstant(rewriter, loc, et, 0);
    Value x = padSpatial(rewriter, loc, decodeSmallFloat(rewriter, loc, adaptor.getInput(), logical),
                         lo, hi, padValue,
                         last ? 1 : 2);
    auto outType = RankedTensorType::get(outShape, acc);
    Value init = filledTensor(
        rewriter, loc, outType,
        kind == PoolKind::max
            ? emitReduceInit(rewriter, loc, ReduceKind::max, acc,
                             isUnsignedElement(elementOf(op.getInput())))
            : emitConstant(rewriter, loc, acc, 0));
    Value window = tensor::EmptyOp::create(rewriter, loc, k, rewriter.getI1Type());
    int64_t loops = 2 + 2 * ns;
    auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
    // Loops n, c, o... (n, o..., c when channels-last), then the window.
    AffineExpr dc = d(last ? 1 + ns : 1);
    auto dout = [&](int64_t i) { return d(last ? 1 + i : 2 + i); };
    SmallVector<AffineExpr> xe{d(0)}, ke, oe{d(0)};
    if (!last) {
      xe.push_back(dc);
      oe.push_back(dc);
    }
    for (int64_t i = 0; i < ns; ++i) {
      xe.push_back(dout(i) * s[i] + d(2 + ns + i) * dl[i]);
      ke.push_back(d(2 + ns + i));
      oe.push_back(dout(i));
    }
    if (last) {
      xe.push_back(dc);
      oe.push_back(dc);
    }
    SmallVector<utils::IteratorType> iters(loops, utils::IteratorType::parallel);
    for (int64_t i = 2 + ns; i < loops; ++i)
      iters[i] = utils::IteratorType::reduction;
    double p = static_cast<double>(op.getP());
    bool isUnsigned = isUnsignedElement(elementOf(op.getInput()));
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{outType}, ValueRange{x, window}, ValueRange{init},
        {AffineMap::get(loops, 0, xe, ctx), AffineMap::get(loops, 0, ke, ctx),
         AffineMap::get(loops, 0, oe, ctx)},
        iters, [&](OpBuilder &b, Location l, ValueRange a) {
          Value v = a[0];
          if (v.getType() != acc)
            v = arith::ExtFOp::create(b, l, acc, v);
          Value r;
          if (kind == PoolKind::max)
            r = emitReduceStep(b, l, ReduceKind::max, a[2], v, isUnsigned);
          else if (kind == PoolKind::avg)
            r = isFloat ? arith::AddFOp::create(b, l, a[2], v).getResult()
                        : arith::AddIOp::create(b, l, a[2], v).getResult();
          else
            r = arith::AddFOp::create(
                b, l, a[2],
                math::PowFOp::create(b, l, math::AbsFOp::create(b, l, v),
                                     emitConstant(b, l, acc, p)));
          linalg::YieldOp::create(b, l, r);
        });
    Value r = generic.getResult(0);
    if (kind == PoolKind::avg) {
      // The divisor of every output position, computed here since shapes are
      // static: window positions inside the input, or inside the declared
      // padding with count_include_pad.
      bool includePad = op.getCountIncludePad();
      SmallVector<int64_t> spatial(out.begin() + 2, out.end());
      int64_t total = 1;
      for (int64_t v : spatial)
        total *= v;
      SmallVector<double> counts(total, 0);
      for (int64_t flat = 0; flat < total; ++flat) {
        int64_t rem = flat, count = 1;
        for (int64_t i = ns - 1; i >= 0; --i) {
          int64_t o = rem % spatial[i];
          rem /= spatial[i];
          int64_t lower = includePad ? -pads[i] : 0;
          int64_t upper = includePad ? in[i + 2] + pads[i + ns] : in[i + 2];
          int64_t c = 0;
          for (int64_t kk = 0; kk < k[i]; ++kk) {
            int64_t pos = o * s[i] - pads[i] + kk * dl[i];
            c += pos >= lower && pos < upper;
          }
          count *= c;
        }
        counts[flat] = std::max<int64_t>(count, 1);
      }
      SmallVector<int64_t> cshape(last ? 1 : 2, 1);
      cshape.append(spatial);
      if (last)
        cshape.push_back(1);
      Value divisor = constantTensor(rewriter, loc,
                                     RankedTensorType::get(cshape, acc), counts);
      r = buildElementwise(rewriter, loc, outType, {r, divisor},
                           [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                             if (isFloat)
                               return arith::DivFOp::create(b, l, a[0], a[1]);
                             return arith::DivSIOp::create(b, l, a[0], a[1]);
                           });
    } else if (kind == PoolKind::lp) {
      r = buildElementwise(rewriter, loc, outType, {r},
                           [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                             return math::PowFOp::create(
                                 b, l, a[0], emitConstant(b, l, acc, 1.0 / p));
                           });
    }
    if (small) {
      // Back to the float8 codes (exact: the maximum is one of them).
      auto t = llvm::cast<RankedTensorType>(r.getType()).clone(storageType(logical));
      r = buildElementwise(rewriter, loc, t, {r}, [&](OpBuilder &b, Location l, ValueRange a) {
        return emitCast(b, l, a[0], acc, logical, false);
      });
      rewriter.replaceOp(op, r);
      return success();
    }
    rewriter.replaceOp(op, finalCast(rewriter, loc, r, acc, et));
    return success();
  }
};

/// Batched matmul with broadcasting over [batch..., M, K] x [batch..., K, N].
Value batchMatmul(OpBuilder &b, Location loc, Value lhs, Value rhs,
                  ArrayRef<int64_t> outShape, Type acc, Value init) {
  MLIRContext *ctx = b.getContext();
  ArrayRef<int64_t> ls = shapeOf(lhs), rs = shapeOf(rhs);
  int64_t rank = outShape.size(), batch = rank - 2, loops = rank + 1;
  auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  auto batchExprs = [&](ArrayRef<int64_t> s) {
    SmallVector<AffineExpr> e;
    int64_t sb = s.size() - 2, off = batch - sb;
    for (int64_t i = 0; i < sb; ++i)
      e.push_back(s[i] == 1 && outShape[i + off] != 1
                      ? getAffineConstantExpr(0, ctx)
                      : d(i + off));
    return e;
  };
  SmallVector<AffineExpr> le = batchExprs(ls), re = batchExprs(rs), oe;
  le.append({d(batch), d(batch + 2)});
  re.append({d(batch + 2), d(batch + 1)});
  for (int64_t i = 0; i < rank; ++i)
    oe.push_back(d(i));
  SmallVector<utils::IteratorType> iters(loops, utils::IteratorType::parallel);
  iters[batch + 2] = utils::IteratorType::reduction;
  auto outType = RankedTensorType::get(outShape, acc);
  if (!init)
    init = filledTensor(b, loc, outType, emitConstant(b, loc, acc, 0));
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{outType}, ValueRange{lhs, rhs}, ValueRange{init},
      {AffineMap::get(loops, 0, le, ctx), AffineMap::get(loops, 0, re, ctx),
       AffineMap::get(loops, 0, oe, ctx)},
      iters, [&](OpBuilder &nb, Location l, ValueRange a) {
        Value x = a[0], y = a[1];
        if (x.getType() != acc && llvm::isa<FloatType>(acc)) {
          x = arith::ExtFOp::create(nb, l, acc, x);
          y = arith::ExtFOp::create(nb, l, acc, y);
        }
        Value r = llvm::isa<FloatType>(acc)
                      ? arith::AddFOp::create(nb, l, a[2], arith::MulFOp::create(nb, l, x, y)).getResult()
                      : arith::AddIOp::create(nb, l, a[2], arith::MulIOp::create(nb, l, x, y)).getResult();
        linalg::YieldOp::create(nb, l, r);
      });
  return generic.getResult(0);
}

struct LowerMatMul : OpConversionPattern<MatMulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type logical = elementOf(op.getLhs());
    Type et = smallFloatOf(logical) ? rewriter.getF32Type() : storageType(logical);
    if (llvm::isa<quant::QuantizedType>(elementOf(op.getLhs())))
      return rewriter.notifyMatchFailure(op, "quantized matmul");
    Type acc = llvm::isa<FloatType>(et) ? accumulatorOf(et) : et;
    Value a = decodeSmallFloat(rewriter, loc, adaptor.getLhs(), logical),
          b = decodeSmallFloat(rewriter, loc, adaptor.getRhs(), elementOf(op.getRhs()));
    auto at = llvm::cast<RankedTensorType>(a.getType());
    auto bt = llvm::cast<RankedTensorType>(b.getType());
    bool vecA = at.getRank() == 1, vecB = bt.getRank() == 1;
    if (vecA)
      a = tensor::ExpandShapeOp::create(rewriter, loc,
                                        at.clone({1, at.getDimSize(0)}), a,
                                        SmallVector<ReassociationIndices>{{0, 1}});
    if (vecB)
      b = tensor::ExpandShapeOp::create(rewriter, loc,
                                        bt.clone({bt.getDimSize(0), 1}), b,
                                        SmallVector<ReassociationIndices>{{0, 1}});
    ArrayRef<int64_t> as = shapeOf(a), bs = shapeOf(b);
    Shape batch = *broadcastShapes(as.drop_back(2), bs.drop_back(2), nullptr);
    SmallVector<int64_t> full(batch.begin(), batch.end());
    full.push_back(as[as.size() - 2]);
    full.push_back(bs.back());
    Value r = batchMatmul(rewriter, loc, a, b, full, acc, Value());
    ArrayRef<int64_t> out = shapeOf(op.getOutput());
    if (vecA || vecB) {
      SmallVector<ReassociationIndices> reassoc;
      int64_t rank = full.size();
      for (int64_t i = 0; i < rank - 2; ++i)
        reassoc.push_back({i});
      if (vecA && vecB) {
        reassoc.clear();
        if (rank == 2)
          reassoc = {};
        else {
          for (int64_t i = 0; i < rank - 3; ++i)
            reassoc.push_back({i});
          reassoc.push_back({rank - 3, rank - 2, rank - 1});
        }
      } else {
        reassoc.push_back({rank - 2, rank - 1});
      }
      r = tensor::CollapseShapeOp::create(
          rewriter, loc, RankedTensorType::get(out, acc), r, reassoc);
    }
    rewriter.replaceOp(op, finalCast(rewriter, loc, r, acc, et));
    return success();
  }
};

struct LowerGemm : OpConversionPattern<GemmOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GemmOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Type logical = elementOf(op.getA());
    Type et = smallFloatOf(logical) ? rewriter.getF32Type() : storageType(logical);
    if (!llvm::isa<FloatType>(et))
      return rewriter.notifyMatchFailure(op, "quantized gemm");
    Value a = decodeSmallFloat(rewriter, loc, adaptor.getA(), logical),
          bv = decodeSmallFloat(rewriter, loc, adaptor.getB(), elementOf(op.getB()));
    Type acc = accumulatorOf(et);
    ArrayRef<int64_t> out = shapeOf(op.getOutput());
    auto outType = RankedTensorType::get(out, acc);
    double alpha = op.getAlpha().convertToDouble();
    double beta = op.getBeta().convertToDouble();
    Value init;
    if (adaptor.getC() && beta != 0) {
      Type ct = elementOf(op.getC());
      init = buildElementwise(rewriter, loc, outType, {adaptor.getC()},
                              [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                                Value c = emitCast(b, l, a[0], ct, acc, false);
                                return arith::MulFOp::create(
                                    b, l, c, emitConstant(b, l, acc, beta));
                              });
    } else {
      init = filledTensor(rewriter, loc, outType, emitConstant(rewriter, loc, acc, 0));
    }
    auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
    AffineMap am = AffineMap::get(3, 0, op.getTransA() ? SmallVector<AffineExpr>{d(2), d(0)}
                                                       : SmallVector<AffineExpr>{d(0), d(2)}, ctx);
    AffineMap bm = AffineMap::get(3, 0, op.getTransB() ? SmallVector<AffineExpr>{d(1), d(2)}
                                                       : SmallVector<AffineExpr>{d(2), d(1)}, ctx);
    AffineMap om = AffineMap::get(3, 0, {d(0), d(1)}, ctx);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{outType},
        ValueRange{a, bv}, ValueRange{init},
        {am, bm, om},
        {utils::IteratorType::parallel, utils::IteratorType::parallel,
         utils::IteratorType::reduction},
        [&](OpBuilder &b, Location l, ValueRange a) {
          Value x = a[0], y = a[1];
          if (x.getType() != acc) {
            x = arith::ExtFOp::create(b, l, acc, x);
            y = arith::ExtFOp::create(b, l, acc, y);
          }
          Value prod = arith::MulFOp::create(b, l, x, y);
          if (alpha != 1)
            prod = arith::MulFOp::create(b, l, prod, emitConstant(b, l, acc, alpha));
          linalg::YieldOp::create(b, l, ValueRange{arith::AddFOp::create(b, l, a[2], prod)});
        });
    rewriter.replaceOp(op, finalCast(rewriter, loc, generic.getResult(0), acc, et));
    return success();
  }
};
/// Attention expands into the infer ops it was recognized from (transpose,
/// matmul, scale, mask, softmax, matmul), which lower in turn. Kernel
/// templates compute it without materializing the scores instead.
struct ExpandAttention : OpConversionPattern<AttentionOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(AttentionOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto kt = llvm::cast<RankedTensorType>(op.getK().getType());
    auto qt = llvm::cast<RankedTensorType>(op.getQ().getType());
    int64_t r = kt.getRank();
    SmallVector<int64_t> perm, tshape(kt.getShape());
    for (int64_t i = 0; i < r; ++i)
      perm.push_back(i);
    std::swap(perm[r - 1], perm[r - 2]);
    std::swap(tshape[r - 1], tshape[r - 2]);
    Value kT = TransposeOp::create(rewriter, loc, kt.clone(tshape), op.getK(), perm);
    SmallVector<int64_t> sshape(qt.getShape());
    sshape[r - 1] = kt.getDimSize(r - 2);
    auto st = qt.clone(sshape);
    Value s = MatMulOp::create(rewriter, loc, st, op.getQ(), kT);
    auto scalarType = RankedTensorType::get({}, qt.getElementType());
    Value scale = ConstantOp::create(
        rewriter, loc,
        DenseElementsAttr::get(scalarType, rewriter.getFloatAttr(
                                               qt.getElementType(),
                                               op.getScale().convertToDouble())));
    s = BinaryOp::create(rewriter, loc, st, BinaryKind::mul, s, scale);
    if (op.getMask())
      s = BinaryOp::create(rewriter, loc, st, BinaryKind::add, s, op.getMask());
    Value p = SoftmaxOp::create(rewriter, loc, st, s, r - 1);
    rewriter.replaceOpWithNewOp<MatMulOp>(op, op.getOutput().getType(), p, op.getV());
    return success();
  }
};

/// A fusion group's ops take its place (the generic path lowers them
/// together).
struct InlineFused : OpConversionPattern<FusedOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(FusedOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Block &body = op.getBody().front();
    YieldOp yield = op.getYield();
    SmallVector<Value> results(yield.getValues());
    rewriter.inlineBlockBefore(&body, op, op.getInputs());
    rewriter.replaceOp(op, results);
    rewriter.eraseOp(yield);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Int8 products: integer sums of the stored values minus their zero
// points (i32), then one float multiply by the input's and the weight's
// scales (per output channel) and the bias.
//===----------------------------------------------------------------------===//

/// Scale(s) and zero point of a quantized operand: per tensor, or per slice
/// of `axis` (zero points 0).
struct OperandQuant {
  SmallVector<double> scales;
  int64_t zeroPoint = 0;
  int64_t axis = -1;
  bool isSigned = true;
};

std::optional<OperandQuant> operandQuant(Value v) {
  Type t = elementOf(v);
  OperandQuant q;
  if (auto u = llvm::dyn_cast<quant::UniformQuantizedType>(t)) {
    q.scales = {u.getScale()};
    q.zeroPoint = u.getZeroPoint();
    q.isSigned = u.isSigned();
    return q;
  }
  auto a = llvm::dyn_cast<quant::UniformQuantizedPerAxisType>(t);
  if (!a || llvm::any_of(a.getZeroPoints(), [](int64_t z) { return z != 0; }))
    return std::nullopt;
  q.scales.assign(a.getScales().begin(), a.getScales().end());
  q.axis = a.getQuantizedDimension();
  q.isSigned = a.isSigned();
  return q;
}

/// The stored integers of `v` minus the zero point, as i32.
Value widenQuantized(OpBuilder &b, Location loc, Value v, const OperandQuant &q) {
  auto t = llvm::cast<RankedTensorType>(v.getType());
  Type i32 = b.getI32Type();
  return buildElementwise(b, loc, t.clone(i32), {v},
                          [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                            Value x = q.isSigned
                                          ? arith::ExtSIOp::create(nb, l, i32, a[0]).getResult()
                                          : arith::ExtUIOp::create(nb, l, i32, a[0]).getResult();
                            if (q.zeroPoint != 0)
                              x = arith::SubIOp::create(
                                  nb, l, x,
                                  arith::ConstantIntOp::create(nb, l, q.zeroPoint, 32));
                            return x;
                          });
}

/// `acc` (i32 sums) as f32 times the product of the input's scale and the
/// weight's scale of each slice of dimension `axis` of the result (`wq`
/// per tensor: one scale), times `alpha`, plus `addends` (f32 tensors
/// broadcasting to the result).
Value rescale(OpBuilder &b, Location loc, Value acc, const OperandQuant &xq,
              const OperandQuant &wq, int64_t axis, double alpha,
              ValueRange addends) {
  auto t = llvm::cast<RankedTensorType>(acc.getType());
  Type f32 = b.getF32Type();
  SmallVector<int64_t> sshape(t.getRank(), 1);
  SmallVector<double> scales;
  for (double s : wq.scales)
    scales.push_back(s * xq.scales.front() * alpha);
  if (scales.size() > 1)
    sshape[axis] = scales.size();
  Value s = constantTensor(b, loc, RankedTensorType::get(sshape, f32), scales);
  SmallVector<Value> inputs{acc, s};
  inputs.append(addends.begin(), addends.end());
  return buildElementwise(b, loc, t.clone(f32), inputs,
                          [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
                            Value r = arith::MulFOp::create(
                                nb, l, arith::SIToFPOp::create(nb, l, f32, a[0]), a[1]);
                            for (Value add : a.drop_front(2))
                              r = arith::AddFOp::create(nb, l, r, add);
                            return r;
                          });
}

/// A 1-D per-channel `bias` reshaped to broadcast along dimension `axis` of
/// a rank-`rank` result (f32).
Value channelBias(OpBuilder &b, Location loc, Value bias, int64_t rank,
                  int64_t axis) {
  auto bt = llvm::cast<RankedTensorType>(bias.getType());
  SmallVector<int64_t> shape(rank, 1);
  shape[axis] = bt.getDimSize(0);
  SmallVector<ReassociationIndices> r(1);
  for (int64_t i = 0; i < rank; ++i)
    r[0].push_back(i);
  return tensor::ExpandShapeOp::create(b, loc, bt.clone(shape), bias, r);
}

bool floatResult(Operation *op) {
  return elementOf(op->getResult(0)).isF32();
}

struct LowerQuantizedConv : OpConversionPattern<ConvOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConvOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    std::optional<OperandQuant> xq = operandQuant(op.getInput()),
                                wq = operandQuant(op.getWeight());
    if (!xq || !wq || xq->axis != -1 || (wq->axis != -1 && wq->axis != 0) ||
        !floatResult(op) || (op.getBias() && !elementOf(op.getBias()).isF32()))
      return rewriter.notifyMatchFailure(op, "not a per-channel int8 convolution");
    Location loc = op.getLoc();
    Type i32 = rewriter.getI32Type();
    ArrayRef<int64_t> pads = op.getPads();
    size_t ns = op.getStrides().size();
    bool last = op.getChannelsLast();
    // Zero points are subtracted before padding: the padding is a real 0.
    Value x = widenQuantized(rewriter, loc, adaptor.getInput(), *xq);
    x = padSpatial(rewriter, loc, x, pads.take_front(ns), pads.drop_front(ns),
                   emitConstant(rewriter, loc, i32, 0), last ? 1 : 2);
    Value w = widenQuantized(rewriter, loc, adaptor.getWeight(), *wq);
    ArrayRef<int64_t> out = shapeOf(op.getOutput());
    ArrayRef<int64_t> outSpatial =
        last ? out.drop_front(1).drop_back(1) : out.drop_front(2);
    Value init = filledTensor(rewriter, loc, RankedTensorType::get(out, i32),
                              emitConstant(rewriter, loc, i32, 0));
    Value acc = convolve(rewriter, loc, x, w, op.getStrides(), op.getDilations(),
                         op.getGroup(), outSpatial, init, i32, last);
    int64_t axis = op.getChannelAxis();
    SmallVector<Value> addends;
    if (adaptor.getBias())
      addends.push_back(channelBias(rewriter, loc, adaptor.getBias(), out.size(), axis));
    rewriter.replaceOp(op, rescale(rewriter, loc, acc, *xq, *wq, axis, 1.0, addends));
    return success();
  }
};

struct LowerQuantizedMatMul : OpConversionPattern<MatMulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    std::optional<OperandQuant> xq = operandQuant(op.getLhs()),
                                wq = operandQuant(op.getRhs());
    int64_t lr = shapeOf(op.getLhs()).size(), rr = shapeOf(op.getRhs()).size();
    if (!xq || !wq || xq->axis != -1 || lr < 2 || rr < 2 ||
        (wq->axis != -1 && wq->axis != rr - 1) || !floatResult(op))
      return rewriter.notifyMatchFailure(op, "not a per-column int8 matmul");
    Location loc = op.getLoc();
    Value a = widenQuantized(rewriter, loc, adaptor.getLhs(), *xq);
    Value b = widenQuantized(rewriter, loc, adaptor.getRhs(), *wq);
    ArrayRef<int64_t> out = shapeOf(op.getOutput());
    Value acc = batchMatmul(rewriter, loc, a, b, out, rewriter.getI32Type(), Value());
    rewriter.replaceOp(op, rescale(rewriter, loc, acc, *xq, *wq, out.size() - 1, 1.0, {}));
    return success();
  }
};

struct LowerQuantizedGemm : OpConversionPattern<GemmOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GemmOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    std::optional<OperandQuant> xq = operandQuant(op.getA()),
                                wq = operandQuant(op.getB());
    int64_t nAxis = op.getTransB() ? 0 : 1;
    if (!xq || !wq || xq->axis != -1 || op.getTransA() ||
        (wq->axis != -1 && wq->axis != nAxis) || !floatResult(op) ||
        (op.getC() && !elementOf(op.getC()).isF32()))
      return rewriter.notifyMatchFailure(op, "not a per-column int8 gemm");
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Type i32 = rewriter.getI32Type();
    Value a = widenQuantized(rewriter, loc, adaptor.getA(), *xq);
    Value b = widenQuantized(rewriter, loc, adaptor.getB(), *wq);
    ArrayRef<int64_t> out = shapeOf(op.getOutput());
    auto accType = RankedTensorType::get(out, i32);
    auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
    AffineMap am = AffineMap::get(3, 0, {d(0), d(2)}, ctx);
    AffineMap bm = AffineMap::get(3, 0, op.getTransB() ? SmallVector<AffineExpr>{d(1), d(2)}
                                                       : SmallVector<AffineExpr>{d(2), d(1)}, ctx);
    AffineMap om = AffineMap::get(3, 0, {d(0), d(1)}, ctx);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{accType}, ValueRange{a, b},
        ValueRange{filledTensor(rewriter, loc, accType, emitConstant(rewriter, loc, i32, 0))},
        {am, bm, om},
        {utils::IteratorType::parallel, utils::IteratorType::parallel,
         utils::IteratorType::reduction},
        [&](OpBuilder &nb, Location l, ValueRange v) {
          linalg::YieldOp::create(
              nb, l, ValueRange{arith::AddIOp::create(
                         nb, l, v[2], arith::MulIOp::create(nb, l, v[0], v[1]))});
        });
    SmallVector<Value> addends;
    double beta = op.getBeta().convertToDouble();
    if (adaptor.getC() && beta != 0) {
      Value c = adaptor.getC();
      auto ct = llvm::cast<RankedTensorType>(c.getType());
      if (beta != 1)
        c = buildElementwise(rewriter, loc, ct, {c},
                             [&](OpBuilder &nb, Location l, ValueRange v) -> Value {
                               return arith::MulFOp::create(
                                   nb, l, v[0], emitConstant(nb, l, nb.getF32Type(), beta));
                             });
      addends.push_back(c);
    }
    rewriter.replaceOp(op, rescale(rewriter, loc, generic.getResult(0), *xq, *wq, 1,
                                   op.getAlpha().convertToDouble(), addends));
    return success();
  }
};
} // namespace

void mlir::infer::populateLowerNNPatterns(const TypeConverter &converter,
                                          RewritePatternSet &patterns) {
  patterns.add<LowerConv, LowerConvTranspose, LowerPool, LowerMatMul, LowerGemm,
               ExpandAttention, InlineFused, LowerQuantizedConv,
               LowerQuantizedMatMul, LowerQuantizedGemm>(converter,
                                                         patterns.getContext());
}
