//===- LinalgUtils.cpp - Helpers of the infer-to-linalg lowering ----------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/core/linalg/LinalgUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;
using namespace mlir::infer;

ArrayRef<int64_t> mlir::infer::shapeOf(Value v) {
  return llvm::cast<RankedTensorType>(v.getType()).getShape();
}

AffineMap mlir::infer::broadcastMap(MLIRContext *ctx, ArrayRef<int64_t> out,
                                    ArrayRef<int64_t> in) {
  SmallVector<AffineExpr> exprs;
  size_t off = out.size() - in.size();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == 1 && out[i + off] != 1)
      exprs.push_back(getAffineConstantExpr(0, ctx));
    else
      exprs.push_back(getAffineDimExpr(i + off, ctx));
  }
  return AffineMap::get(out.size(), 0, exprs, ctx);
}

Value mlir::infer::emptyTensor(OpBuilder &b, Location loc,
                               RankedTensorType type) {
  return tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType());
}

Value mlir::infer::filledTensor(OpBuilder &b, Location loc,
                                RankedTensorType type, Value value) {
  return linalg::FillOp::create(b, loc, value, emptyTensor(b, loc, type))
      .getResult(0);
}

Value mlir::infer::buildElementwise(
    OpBuilder &b, Location loc, RankedTensorType outType, ValueRange inputs,
    function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps;
  for (Value in : inputs)
    maps.push_back(broadcastMap(ctx, outType.getShape(), shapeOf(in)));
  maps.push_back(AffineMap::getMultiDimIdentityMap(outType.getRank(), ctx));
  SmallVector<utils::IteratorType> iters(outType.getRank(),
                                         utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{outType}, inputs, ValueRange{emptyTensor(b, loc, outType)},
      maps, iters, [&](OpBuilder &nb, Location nl, ValueRange args) {
        Value r = body(nb, nl, args.drop_back());
        linalg::YieldOp::create(nb, nl, r);
      });
  return generic.getResult(0);
}

Value mlir::infer::buildReduction(
    OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> axes,
    bool keepDims, Type accType, Value init,
    function_ref<Value(OpBuilder &, Location, Value, Value)> step) {
  MLIRContext *ctx = b.getContext();
  ArrayRef<int64_t> in = shapeOf(input);
  int64_t rank = in.size();
  SmallVector<bool> reduced(rank, axes.empty());
  for (int64_t a : axes)
    reduced[a] = true;
  // A kept (size-1) dimension of the result gets a loop of its own, of
  // extent 1, so that every indexing map is a projected permutation: the
  // reduction then tiles and fuses like any op (GPU thread splits).
  SmallVector<int64_t> outShape;
  SmallVector<AffineExpr> outExprs;
  SmallVector<utils::IteratorType> iters;
  int64_t loops = rank;
  for (int64_t i = 0; i < rank; ++i) {
    iters.push_back(reduced[i] ? utils::IteratorType::reduction
                               : utils::IteratorType::parallel);
    if (!reduced[i]) {
      outShape.push_back(in[i]);
      outExprs.push_back(getAffineDimExpr(i, ctx));
    } else if (keepDims) {
      outShape.push_back(1);
      outExprs.push_back(getAffineDimExpr(loops++, ctx));
    }
  }
  iters.resize(loops, utils::IteratorType::parallel);
  auto outType = RankedTensorType::get(outShape, accType);
  Value acc = filledTensor(b, loc, outType, init);
  SmallVector<AffineExpr> inExprs;
  for (int64_t i = 0; i < rank; ++i)
    inExprs.push_back(getAffineDimExpr(i, ctx));
  SmallVector<AffineMap> maps{AffineMap::get(loops, 0, inExprs, ctx),
                              AffineMap::get(loops, 0, outExprs, ctx)};
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{outType}, ValueRange{input}, ValueRange{acc}, maps,
      iters, [&](OpBuilder &nb, Location nl, ValueRange args) {
        linalg::YieldOp::create(nb, nl, step(nb, nl, args[1], args[0]));
      });
  return generic.getResult(0);
}

Value mlir::infer::constantTensor(OpBuilder &b, Location loc,
                                  RankedTensorType type,
                                  ArrayRef<double> values) {
  Type et = type.getElementType();
  if (auto ft = llvm::dyn_cast<FloatType>(et)) {
    SmallVector<APFloat> vals;
    for (double v : values) {
      APFloat f(v);
      bool lost;
      f.convert(ft.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
      vals.push_back(f);
    }
    return arith::ConstantOp::create(b, loc, type,
                                     DenseElementsAttr::get(type, vals));
  }
  SmallVector<APInt> vals;
  for (double v : values)
    vals.push_back(APInt(et.getIntOrFloatBitWidth(), static_cast<int64_t>(v),
                         /*isSigned=*/true, /*implicitTrunc=*/true));
  return arith::ConstantOp::create(b, loc, type,
                                   DenseElementsAttr::get(type, vals));
}
