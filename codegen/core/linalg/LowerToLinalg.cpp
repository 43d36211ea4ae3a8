//===- LowerToLinalg.cpp - infer ops to linalg, tensor and arith ----------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/core/linalg/LowerToLinalg.h"
#include "codegen/core/ScalarOps.h"

#include "ir/InferOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::infer;

StorageTypeConverter::StorageTypeConverter() {
  addConversion([](Type t) { return t; });
  addConversion([](RankedTensorType t) -> Type { return storageTensorType(t); });
  // Casts between storage and infer-level types keep the same bits.
  auto materialize = [](OpBuilder &b, Type type, ValueRange inputs,
                        Location loc) -> Value {
    return UnrealizedConversionCastOp::create(b, loc, type, inputs).getResult(0);
  };
  addSourceMaterialization(materialize);
  addTargetMaterialization(materialize);
}

void mlir::infer::populateInferToLinalgPatterns(const TypeConverter &converter,
                                                RewritePatternSet &patterns) {
  populateLowerElementwisePatterns(converter, patterns);
  populateLowerReductionPatterns(converter, patterns);
  populateLowerNNPatterns(converter, patterns);
  populateLowerDataMovementPatterns(converter, patterns);
}

LogicalResult mlir::infer::lowerInferToLinalg(Operation *root) {
  MLIRContext *ctx = root->getContext();
  StorageTypeConverter converter;
  RewritePatternSet patterns(ctx);
  populateInferToLinalgPatterns(converter, patterns);
  populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                 converter);
  populateReturnOpTypeConversionPattern(patterns, converter);
  ConversionTarget target(*ctx);
  target.addIllegalDialect<InferDialect>();
  target.addLegalDialect<linalg::LinalgDialect, tensor::TensorDialect,
                         arith::ArithDialect, math::MathDialect>();
  target.addLegalOp<UnrealizedConversionCastOp>();
  target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp op) {
    return converter.isSignatureLegal(op.getFunctionType());
  });
  target.addDynamicallyLegalOp<func::ReturnOp>(
      [&](func::ReturnOp op) { return converter.isLegal(op.getOperandTypes()); });
  return applyPartialConversion(root, target, std::move(patterns));
}
