//===- LowerDataMovement.cpp - Data-movement infer ops to linalg/tensor ---===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// constant, reshape, transpose, concat, split, slice, gather,
// gather_elements, pad, resize and expand. Slices are generics with
// (possibly negative) strided maps; gathers, non-constant pads and resize
// read their source with tensor.extract at computed indices. Resize's taps
// are computed here, from static shapes, into constant tables.
//
//===----------------------------------------------------------------------===//

#include "codegen/core/linalg/LinalgUtils.h"
#include "codegen/core/linalg/LowerToLinalg.h"
#include "codegen/core/ScalarOps.h"

#include "ir/ConstantView.h"
#include "ir/InferOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>

using namespace mlir;
using namespace mlir::infer;

namespace {
RankedTensorType resultType(Value v) {
  return storageTensorType(llvm::cast<RankedTensorType>(v.getType()));
}

Type elementOf(Value v) {
  return llvm::cast<RankedTensorType>(v.getType()).getElementType();
}

struct LowerConstant : OpConversionPattern<ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConstantOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = llvm::cast<RankedTensorType>(op.getType());
    RankedTensorType storage = storageTensorType(type);
    ElementsAttr value = op.getValue();
    if (storage != type) {
      // The same bytes under the storage element type.
      std::optional<ConstantView> view = ConstantView::get(value);
      if (!view)
        return rewriter.notifyMatchFailure(op, "unreadable constant");
      std::vector<char> bytes;
      view->appendBytes(bytes);
      ConstantBuilder retyped(storage);
      if (bytes.size() != retyped.bytes().size())
        return rewriter.notifyMatchFailure(op, "storage size differs");
      std::copy(bytes.begin(), bytes.end(), retyped.bytes().begin());
      value = retyped.finish("const");
    }
    if (storage.getElementType().isInteger(1)) {
      // LLVM cannot hold i1 arrays as data: keep bytes, compare at use.
      std::optional<ConstantView> view = ConstantView::get(value);
      if (!view)
        return rewriter.notifyMatchFailure(op, "unreadable constant");
      SmallVector<double> bytes;
      for (int64_t i = 0; i < view->size(); ++i)
        bytes.push_back(view->getInt(i));
      Value b8 = constantTensor(rewriter, op.getLoc(),
                                storage.clone(rewriter.getI8Type()), bytes);
      rewriter.replaceOp(op, buildElementwise(
                                 rewriter, op.getLoc(), storage, {b8},
                                 [](OpBuilder &b, Location l, ValueRange a) -> Value {
                                   return arith::TruncIOp::create(b, l, b.getI1Type(), a[0]);
                                 }));
      return success();
    }
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, storage,
                                                   llvm::cast<TypedAttr>(value));
    return success();
  }
};

struct LowerReshape : OpConversionPattern<ReshapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = resultType(op.getOutput());
    if (!type.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shape");
    Location loc = op.getLoc();
    SmallVector<double> dims(type.getShape().begin(), type.getShape().end());
    Value shape = constantTensor(
        rewriter, loc,
        RankedTensorType::get({type.getRank()}, rewriter.getI64Type()), dims);
    rewriter.replaceOpWithNewOp<tensor::ReshapeOp>(op, type, adaptor.getInput(),
                                                   shape);
    return success();
  }
};

struct LowerTranspose : OpConversionPattern<TransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = resultType(op.getOutput());
    Value init = emptyTensor(rewriter, op.getLoc(), type);
    auto t = linalg::TransposeOp::create(rewriter, op.getLoc(),
                                         adaptor.getInput(), init, op.getPerm());
    rewriter.replaceOp(op, t.getResult());
    return success();
  }
};

struct LowerConcat : OpConversionPattern<ConcatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    // Operands of no elements add nothing (and a slice of the result at
    // its end would be out of bounds for the verifiers).
    SmallVector<Value> inputs;
    for (Value v : adaptor.getInputs())
      if (auto t = llvm::dyn_cast<RankedTensorType>(v.getType());
          !t || !t.hasStaticShape() || t.getNumElements() != 0)
        inputs.push_back(v);
    if (inputs.empty())
      inputs.push_back(adaptor.getInputs().front());
    if (inputs.size() == 1 && inputs.front().getType() == resultType(op.getOutput())) {
      rewriter.replaceOp(op, inputs.front());
      return success();
    }
    rewriter.replaceOpWithNewOp<tensor::ConcatOp>(
        op, resultType(op.getOutput()), rewriter.getI64IntegerAttr(op.getAxis()), inputs);
    return success();
  }
};

struct LowerSplit : OpConversionPattern<SplitOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SplitOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    int64_t axis = op.getAxis(), offset = 0;
    ArrayRef<int64_t> in = shapeOf(adaptor.getInput());
    SmallVector<Value> results;
    for (Value r : op.getOutputs()) {
      RankedTensorType t = resultType(r);
      SmallVector<OpFoldResult> o, s, st;
      for (int64_t i = 0; i < static_cast<int64_t>(in.size()); ++i) {
        o.push_back(rewriter.getIndexAttr(i == axis ? offset : 0));
        s.push_back(rewriter.getIndexAttr(t.getDimSize(i)));
        st.push_back(rewriter.getIndexAttr(1));
      }
      results.push_back(tensor::ExtractSliceOp::create(
          rewriter, loc, t, adaptor.getInput(), o, s, st));
      offset += t.getDimSize(axis);
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

struct LowerSlice : OpConversionPattern<SliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = resultType(op.getOutput());
    if (!type.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shape");
    Location loc = op.getLoc();
    ArrayRef<int64_t> starts = op.getStarts(), steps = op.getSteps();
    if (llvm::all_of(steps, [](int64_t s) { return s > 0; })) {
      SmallVector<OpFoldResult> o, sz, st;
      for (int64_t i = 0; i < type.getRank(); ++i) {
        o.push_back(rewriter.getIndexAttr(starts[i]));
        sz.push_back(rewriter.getIndexAttr(type.getDimSize(i)));
        st.push_back(rewriter.getIndexAttr(steps[i]));
      }
      rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(op, type,
                                                          adaptor.getInput(),
                                                          o, sz, st);
      return success();
    }
    // Negative steps: read each element at start + step * index.
    Value input = adaptor.getInput();
    Value r = buildElementwise(
        rewriter, loc, type, {}, [&](OpBuilder &b, Location l, ValueRange) -> Value {
          SmallVector<Value> coords;
          for (int64_t i = 0; i < type.getRank(); ++i) {
            Value idx = linalg::IndexOp::create(b, l, i);
            Value scaled = arith::MulIOp::create(
                b, l, idx, arith::ConstantIndexOp::create(b, l, steps[i]));
            coords.push_back(arith::AddIOp::create(
                b, l, scaled, arith::ConstantIndexOp::create(b, l, starts[i])));
          }
          return tensor::ExtractOp::create(b, l, input, coords);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// An index value clamped into [0, n) after wrapping negatives by n.
Value normalizeIndex(OpBuilder &b, Location loc, Value idx, int64_t n) {
  Value v = arith::IndexCastOp::create(b, loc, b.getIndexType(), idx);
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value size = arith::ConstantIndexOp::create(b, loc, n);
  Value neg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, v, zero);
  v = arith::SelectOp::create(b, loc, neg, arith::AddIOp::create(b, loc, v, size), v);
  v = arith::MaxSIOp::create(b, loc, v, zero);
  return arith::MinSIOp::create(b, loc, v,
                                arith::ConstantIndexOp::create(b, loc, n - 1));
}

struct LowerGather : OpConversionPattern<GatherOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GatherOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    RankedTensorType type = resultType(op.getOutput());
    Value data = adaptor.getInput();
    ArrayRef<int64_t> ds = shapeOf(data);
    int64_t axis = op.getAxis(), rank = type.getRank();
    int64_t ni = shapeOf(adaptor.getIndices()).size();
    SmallVector<AffineExpr> ie;
    for (int64_t i = 0; i < ni; ++i)
      ie.push_back(getAffineDimExpr(axis + i, ctx));
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{adaptor.getIndices()},
        ValueRange{emptyTensor(rewriter, loc, type)},
        {AffineMap::get(rank, 0, ie, ctx), AffineMap::getMultiDimIdentityMap(rank, ctx)},
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange a) {
          SmallVector<Value> coords;
          for (int64_t i = 0; i < axis; ++i)
            coords.push_back(linalg::IndexOp::create(b, l, i));
          coords.push_back(normalizeIndex(b, l, a[0], ds[axis]));
          for (int64_t i = axis + 1; i < static_cast<int64_t>(ds.size()); ++i)
            coords.push_back(linalg::IndexOp::create(b, l, i - 1 + ni));
          linalg::YieldOp::create(b, l,
                                  ValueRange{tensor::ExtractOp::create(b, l, data, coords)});
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// Row (n, y, x), column (r, s, c) of the im2col matrix reads
/// input[n, y*sh + r*dh - top, x*sw + s*dw - left, c], 0 in the padding
/// (the read itself is clamped into the image).
struct LowerIm2Col : OpConversionPattern<Im2ColOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(Im2ColOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = resultType(op.getOutput());
    Value data = adaptor.getInput();
    ArrayRef<int64_t> ds = shapeOf(data);
    if (!type.hasStaticShape() || ShapedType::isDynamicShape(ds))
      return rewriter.notifyMatchFailure(op, "dynamic shape");
    int64_t h = ds[1], w = ds[2], c = ds[3];
    int64_t kw = op.getKernel()[1];
    ArrayRef<int64_t> st = op.getStrides(), pads = op.getPads(), dil = op.getDilations();
    int64_t ho = op.getOutputSize(0), wo = op.getOutputSize(1);
    Value r = buildElementwise(
        rewriter, loc, type, {},
        [&](OpBuilder &b, Location l, ValueRange) -> Value {
          auto cst = [&](int64_t v) -> Value {
            return arith::ConstantIndexOp::create(b, l, v);
          };
          auto div = [&](Value x, int64_t v) -> Value {
            return arith::DivUIOp::create(b, l, x, cst(v));
          };
          auto rem = [&](Value x, int64_t v) -> Value {
            return arith::RemUIOp::create(b, l, x, cst(v));
          };
          Value row = linalg::IndexOp::create(b, l, 0);
          Value col = linalg::IndexOp::create(b, l, 1);
          Value n = div(row, ho * wo), oy = rem(div(row, wo), ho), ox = rem(row, wo);
          Value ch = rem(col, c), tap = div(col, c);
          Value tr = div(tap, kw), ts = rem(tap, kw);
          auto coord = [&](Value o, Value t, int64_t stride, int64_t d, int64_t pad) {
            Value v = arith::AddIOp::create(
                b, l, arith::MulIOp::create(b, l, o, cst(stride)),
                arith::MulIOp::create(b, l, t, cst(d)));
            return arith::SubIOp::create(b, l, v, cst(pad)).getResult();
          };
          Value iy = coord(oy, tr, st[0], dil[0], pads[0]);
          Value ix = coord(ox, ts, st[1], dil[1], pads[1]);
          auto within = [&](Value v, int64_t size) -> Value {
            return arith::AndIOp::create(
                b, l, arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge, v, cst(0)),
                arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, v, cst(size)));
          };
          Value inside = arith::AndIOp::create(b, l, within(iy, h), within(ix, w));
          auto clamp = [&](Value v, int64_t size) -> Value {
            return arith::MinSIOp::create(b, l, arith::MaxSIOp::create(b, l, v, cst(0)),
                                          cst(size - 1));
          };
          Value x = tensor::ExtractOp::create(
              b, l, data, ValueRange{n, clamp(iy, h), clamp(ix, w), ch});
          Type et = type.getElementType();
          Value zero = arith::ConstantOp::create(b, l, b.getZeroAttr(et));
          return arith::SelectOp::create(b, l, inside, x, zero);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct LowerGatherElements : OpConversionPattern<GatherElementsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GatherElementsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = resultType(op.getOutput());
    Value data = adaptor.getInput();
    int64_t axis = op.getAxis(), n = shapeOf(data)[axis];
    Value r = buildElementwise(
        rewriter, loc, type, {adaptor.getIndices()},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          SmallVector<Value> coords;
          for (int64_t i = 0; i < type.getRank(); ++i)
            coords.push_back(i == axis ? normalizeIndex(b, l, a[0], n)
                                       : linalg::IndexOp::create(b, l, i).getResult());
          return tensor::ExtractOp::create(b, l, data, coords);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct LowerPad : OpConversionPattern<PadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(PadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = resultType(op.getOutput());
    Value x = adaptor.getInput();
    ArrayRef<int64_t> in = shapeOf(x), pads = op.getPads();
    int64_t rank = in.size();
    Type et = type.getElementType();
    Value value = emitConstant(rewriter, loc, et, op.getValue().convertToDouble());
    PadMode mode = op.getMode();
    bool emptyInput = llvm::is_contained(in, 0);
    Value r = buildElementwise(
        rewriter, loc, type, {}, [&](OpBuilder &b, Location l, ValueRange) -> Value {
          SmallVector<Value> coords;
          Value inside = arith::ConstantOp::create(b, l, b.getBoolAttr(!emptyInput));
          for (int64_t d = 0; d < rank; ++d) {
            Value o = linalg::IndexOp::create(b, l, d);
            Value j = arith::SubIOp::create(b, l, o,
                                            arith::ConstantIndexOp::create(b, l, pads[d]));
            int64_t n = std::max<int64_t>(in[d], 1);
            Value zero = arith::ConstantIndexOp::create(b, l, 0);
            Value size = arith::ConstantIndexOp::create(b, l, n);
            Value lt = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, j, zero);
            Value ge = arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge, j, size);
            Value out = arith::OrIOp::create(b, l, lt, ge);
            Value k = j;
            if (mode == PadMode::constant) {
              inside = arith::AndIOp::create(
                  b, l, inside, arith::XOrIOp::create(b, l, out, arith::ConstantOp::create(b, l, b.getBoolAttr(true))));
              k = arith::MinSIOp::create(b, l, arith::MaxSIOp::create(b, l, j, zero),
                                         arith::ConstantIndexOp::create(b, l, n - 1));
            } else if (mode == PadMode::edge) {
              k = arith::MinSIOp::create(b, l, arith::MaxSIOp::create(b, l, j, zero),
                                         arith::ConstantIndexOp::create(b, l, n - 1));
            } else if (mode == PadMode::wrap) {
              Value rem = arith::RemSIOp::create(b, l, j, size);
              Value neg = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, rem, zero);
              k = arith::SelectOp::create(b, l, neg, arith::AddIOp::create(b, l, rem, size), rem);
            } else { // reflect with period 2(n-1)
              int64_t period = std::max<int64_t>(2 * (n - 1), 1);
              Value per = arith::ConstantIndexOp::create(b, l, period);
              Value rem = arith::RemSIOp::create(b, l, j, per);
              Value neg = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, rem, zero);
              rem = arith::SelectOp::create(b, l, neg, arith::AddIOp::create(b, l, rem, per), rem);
              Value high = arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge, rem, size);
              k = arith::SelectOp::create(b, l, high, arith::SubIOp::create(b, l, per, rem), rem);
              if (n == 1)
                k = zero;
            }
            coords.push_back(k);
          }
          if (emptyInput)
            return value;
          Value v = tensor::ExtractOp::create(b, l, x, coords);
          return arith::SelectOp::create(b, l, inside, v, value);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// Resize taps of one dimension: for each output coordinate, `n` input
/// indices and weights, as the reference interpreter computes them.
struct DimTaps {
  int64_t n = 0;
  SmallVector<double> index, weight; // [out][n]
  bool trivial = true;               // one tap of weight 1 at the output index
};

DimTaps computeTaps(ResizeOp op, int64_t inLen, int64_t outLen, double scale) {
  DimTaps t;
  t.n = op.getMode() == ResizeMode::cubic ? 4 : 2;
  double outF = scale * static_cast<double>(inLen);
  for (int64_t x = 0; x < outLen; ++x) {
    double xo = 0;
    switch (op.getCoordinateMode()) {
    case CoordinateMode::half_pixel: xo = (x + 0.5) / scale - 0.5; break;
    case CoordinateMode::pytorch_half_pixel:
      xo = outF == 1 ? -0.5 : (x + 0.5) / scale - 0.5;
      break;
    case CoordinateMode::align_corners:
      xo = outF == 1 ? 0 : x * (inLen - 1) / (outF - 1);
      break;
    case CoordinateMode::asymmetric: xo = x / scale; break;
    case CoordinateMode::half_pixel_symmetric: {
      // The output's whole length over its exact one (ONNX's reference).
      double adj = static_cast<double>(outLen) / (scale * inLen), center = inLen / 2.0;
      xo = center * (1 - adj) + (x + 0.5) / scale - 0.5;
      break;
    }
    case CoordinateMode::tf_half_pixel_for_nn: xo = (x + 0.5) / scale; break;
    case CoordinateMode::tf_crop_and_resize: xo = x / scale; break;
    }
    double fl = std::floor(xo);
    bool integral = xo == fl;
    double r = integral ? 1.0 : xo - fl;
    SmallVector<double, 4> c;
    if (op.getMode() == ResizeMode::nearest) {
      double lo = 0, hi = 1;
      if (!integral) {
        switch (op.getNearestMode()) {
        case NearestMode::round_prefer_floor: lo = r <= 0.5; hi = r > 0.5; break;
        case NearestMode::round_prefer_ceil: lo = r < 0.5; hi = r >= 0.5; break;
        case NearestMode::floor: lo = 1; hi = 0; break;
        case NearestMode::ceil: lo = 0; hi = 1; break;
        }
      }
      c = {lo, hi};
    } else if (op.getMode() == ResizeMode::linear) {
      c = {1 - r, r};
    } else {
      double A = op.getCubicCoeffA().convertToDouble(), q = 1 - r;
      c = {((A * (r + 1) - 5 * A) * (r + 1) + 8 * A) * (r + 1) - 4 * A,
           ((A + 2) * r - (A + 3)) * r * r + 1,
           ((A + 2) * q - (A + 3)) * q * q + 1,
           ((A * (q + 1) - 5 * A) * (q + 1) + 8 * A) * (q + 1) - 4 * A};
    }
    int64_t first = t.n == 2 ? (integral ? int64_t(fl) - 1 : int64_t(fl))
                             : (integral ? int64_t(fl) - 2 : int64_t(fl) - 1);
    double total = 0;
    SmallVector<double, 4> w(c);
    for (int64_t k = 0; k < t.n; ++k) {
      int64_t idx = first + k;
      if (op.getExcludeOutside() && (idx < 0 || idx >= inLen))
        w[k] = 0;
      total += w[k];
    }
    for (int64_t k = 0; k < t.n; ++k) {
      int64_t idx = std::min<int64_t>(std::max<int64_t>(first + k, 0), inLen - 1);
      double wk = op.getExcludeOutside() && total != 0 ? w[k] / total : w[k];
      t.index.push_back(idx);
      t.weight.push_back(wk);
      bool expected = (wk == 0) || (wk == 1 && idx == x);
      t.trivial &= expected;
    }
  }
  return t;
}

struct LowerResize : OpConversionPattern<ResizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ResizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = resultType(op.getOutput());
    if (!type.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shape");
    Value x = adaptor.getInput();
    ArrayRef<int64_t> in = shapeOf(x);
    int64_t rank = in.size();
    Type et = type.getElementType();
    bool isFloat = llvm::isa<FloatType>(et);
    Type acc = isFloat ? (et.isF64() ? et : Type(rewriter.getF32Type())) : et;
    SmallVector<DimTaps> taps;
    SmallVector<Value> idxTables, wTables;
    for (int64_t d = 0; d < rank; ++d) {
      taps.push_back(computeTaps(op, in[d], type.getDimSize(d), op.getScales()[d]));
      DimTaps &t = taps.back();
      if (t.trivial) {
        idxTables.push_back(Value());
        wTables.push_back(Value());
        continue;
      }
      auto shape = RankedTensorType::get({type.getDimSize(d), t.n}, rewriter.getIndexType());
      idxTables.push_back(constantTensor(rewriter, loc, shape.clone(rewriter.getI64Type()), t.index));
      wTables.push_back(constantTensor(rewriter, loc, shape.clone(acc), t.weight));
    }
    Value r = buildElementwise(
        rewriter, loc, type, {}, [&](OpBuilder &b, Location l, ValueRange) -> Value {
          // Sum over every combination of the non-trivial dimensions' taps.
          SmallVector<int64_t> active;
          for (int64_t d = 0; d < rank; ++d)
            if (!taps[d].trivial)
              active.push_back(d);
          SmallVector<Value> outIdx;
          for (int64_t d = 0; d < rank; ++d)
            outIdx.push_back(linalg::IndexOp::create(b, l, d));
          Value sum = emitConstant(b, l, acc, 0);
          int64_t combos = 1;
          for (int64_t d : active)
            combos *= taps[d].n;
          for (int64_t c = 0; c < combos; ++c) {
            SmallVector<Value> coords(outIdx);
            Value w = emitConstant(b, l, acc, 1);
            int64_t rem = c;
            for (int64_t d : active) {
              int64_t k = rem % taps[d].n;
              rem /= taps[d].n;
              Value kk = arith::ConstantIndexOp::create(b, l, k);
              Value idx = tensor::ExtractOp::create(b, l, idxTables[d],
                                                    ValueRange{outIdx[d], kk});
              coords[d] = arith::IndexCastOp::create(b, l, b.getIndexType(), idx);
              Value wd = tensor::ExtractOp::create(b, l, wTables[d],
                                                   ValueRange{outIdx[d], kk});
              w = isFloat ? arith::MulFOp::create(b, l, w, wd).getResult()
                          : arith::MulIOp::create(b, l, w, wd).getResult();
            }
            Value v = tensor::ExtractOp::create(b, l, x, coords);
            if (!isFloat) {
              // Nearest on integers: exactly one tap has weight 1.
              Value one = arith::CmpIOp::create(b, l, arith::CmpIPredicate::ne, w,
                                                emitConstant(b, l, acc, 0));
              sum = active.empty() ? v : arith::SelectOp::create(b, l, one, v, sum).getResult();
              continue;
            }
            if (v.getType() != acc)
              v = arith::ExtFOp::create(b, l, acc, v);
            sum = arith::AddFOp::create(b, l, sum, arith::MulFOp::create(b, l, w, v));
          }
          if (isFloat && acc != et)
            sum = arith::TruncFOp::create(b, l, et, sum);
          return sum;
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct LowerExpand : OpConversionPattern<ExpandOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ExpandOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = resultType(op.getOutput());
    if (!type.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shape");
    rewriter.replaceOp(op, buildElementwise(rewriter, op.getLoc(), type,
                                            {adaptor.getInput()},
                                            [](OpBuilder &, Location, ValueRange a) {
                                              return a[0];
                                            }));
    return success();
  }
};
/// A reduction over every element to one flag: whether any breaks the
/// check's rule.
struct LowerCheck : OpConversionPattern<CheckOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(CheckOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    Type et = llvm::cast<RankedTensorType>(x.getType()).getElementType();
    bool isUnsigned = isUnsignedElement(op.getInput().getType().getElementType());
    bool nonzero = op.getKind() == CheckKind::nonzero;
    int64_t bound = op.getBound();
    Value init = arith::ConstantOp::create(rewriter, loc, rewriter.getBoolAttr(false));
    Value r = buildReduction(
        rewriter, loc, x, /*axes=*/{}, /*keepDims=*/false, rewriter.getI1Type(),
        init, [&](OpBuilder &b, Location l, Value acc, Value v) -> Value {
          auto c = [&](int64_t n) {
            return arith::ConstantOp::create(b, l, b.getIntegerAttr(et, n));
          };
          auto cmp = [&](arith::CmpIPredicate p, Value a, Value b2) {
            return arith::CmpIOp::create(b, l, p, a, b2).getResult();
          };
          Value bad;
          if (nonzero)
            bad = cmp(arith::CmpIPredicate::eq, v, c(0));
          else if (isUnsigned)
            bad = cmp(arith::CmpIPredicate::uge, v, c(bound));
          else
            bad = arith::OrIOp::create(b, l, cmp(arith::CmpIPredicate::slt, v, c(-bound)),
                                       cmp(arith::CmpIPredicate::sge, v, c(bound)));
          return arith::OrIOp::create(b, l, acc, bad);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};
} // namespace

void mlir::infer::populateLowerDataMovementPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<LowerConstant, LowerReshape, LowerTranspose, LowerConcat,
               LowerSplit, LowerSlice, LowerGather, LowerGatherElements, LowerIm2Col,
               LowerPad, LowerResize, LowerExpand, LowerCheck>(converter,
                                                   patterns.getContext());
}
