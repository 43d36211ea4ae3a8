//===- Kernels.h - Reference kernels of the infer ops -----------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// One plain-loop kernel per infer op, grouped by family in the .cpp files of
// this directory. Kernels compute in double (floats) or int64 (integers),
// take actual shapes from their inputs (so dynamic dimensions work), and
// report run-time errors (an index out of range) through `error`.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_REFERENCE_KERNELS_H
#define INFER_REFERENCE_KERNELS_H

#include "ir/InferOps.h"
#include "reference/Tensor.h"

#include <string>

namespace mlir::infer::reference {

/// Operands of a kernel, null for an absent optional operand.
using Inputs = ArrayRef<const Tensor *>;
/// Results of a kernel.
using Outputs = SmallVectorImpl<Tensor>;

/// Calls `fn(outIndex, offsets)` for every element of `outShape`, where
/// `offsets[k]` is the element of input `k` that broadcasts to it.
void forEachBroadcast(ArrayRef<int64_t> outShape,
                      ArrayRef<ArrayRef<int64_t>> inShapes,
                      llvm::function_ref<void(int64_t, ArrayRef<int64_t>)> fn);

/// Runs `fn(i)` for i in [0, n), in parallel when n is large enough.
void parallelFor(int64_t n, llvm::function_ref<void(int64_t)> fn);

/// max and min that propagate NaN, as onnxruntime and PyTorch do
/// (std::max drops a NaN in its second operand).
inline double maxPropagateNaN(double a, double b) {
  return (a != a || b != b) ? a + b : (a < b ? b : a);
}
inline double minPropagateNaN(double a, double b) {
  return (a != a || b != b) ? a + b : (b < a ? b : a);
}

// Elementwise.
LogicalResult runUnary(UnaryOp op, Inputs in, Outputs &out, std::string &err);
LogicalResult runBinary(BinaryOp op, Inputs in, Outputs &out, std::string &err);
LogicalResult runWhere(WhereOp op, Inputs in, Outputs &out, std::string &err);
LogicalResult runCast(CastOp op, Inputs in, Outputs &out, std::string &err);

// Convolution, matmul, pooling, normalization.
LogicalResult runConv(ConvOp op, Inputs in, Outputs &out, std::string &err);
LogicalResult runConvTranspose(ConvTransposeOp op, Inputs in, Outputs &out,
                               std::string &err);
LogicalResult runMatMul(MatMulOp op, Inputs in, Outputs &out, std::string &err);
LogicalResult runGemm(GemmOp op, Inputs in, Outputs &out, std::string &err);
LogicalResult runPool(PoolOp op, Inputs in, Outputs &out, std::string &err);
LogicalResult runGlobalPool(GlobalPoolOp op, Inputs in, Outputs &out,
                            std::string &err);
LogicalResult runSoftmax(Operation *op, int64_t axis, bool log, Inputs in,
                         Outputs &out, std::string &err);
LogicalResult runLayerNorm(LayerNormOp op, Inputs in, Outputs &out,
                           std::string &err);
LogicalResult runAttention(AttentionOp op, Inputs in, Outputs &out,
                           std::string &err);
LogicalResult runBatchNorm(BatchNormOp op, Inputs in, Outputs &out,
                           std::string &err);

// Reductions and scans.
LogicalResult runReduce(ReduceOp op, Inputs in, Outputs &out, std::string &err);
LogicalResult runArgReduce(ArgReduceOp op, Inputs in, Outputs &out,
                           std::string &err);
LogicalResult runTopK(TopKOp op, Inputs in, Outputs &out, std::string &err);
LogicalResult runCumSum(CumSumOp op, Inputs in, Outputs &out, std::string &err);

// Data movement.
LogicalResult runReshape(ReshapeOp op, Inputs in, Outputs &out,
                         std::string &err);
LogicalResult runTranspose(TransposeOp op, Inputs in, Outputs &out,
                           std::string &err);
LogicalResult runConcat(ConcatOp op, Inputs in, Outputs &out, std::string &err);
LogicalResult runSplit(SplitOp op, Inputs in, Outputs &out, std::string &err);
LogicalResult runSlice(SliceOp op, Inputs in, Outputs &out, std::string &err);
LogicalResult runGather(GatherOp op, Inputs in, Outputs &out, std::string &err);
LogicalResult runGatherElements(GatherElementsOp op, Inputs in, Outputs &out,
                                std::string &err);
LogicalResult runPad(PadOp op, Inputs in, Outputs &out, std::string &err);
LogicalResult runIm2Col(Im2ColOp op, Inputs in, Outputs &out, std::string &err);
LogicalResult runSparse24(Sparse24Op op, Inputs in, Outputs &out,
                          std::string &err);

// Run-time checks: fail with the check's message when a value breaks it.
LogicalResult runCheck(CheckOp op, Inputs in, Outputs &out, std::string &err);
LogicalResult runResize(ResizeOp op, Inputs in, Outputs &out, std::string &err);
LogicalResult runExpand(ExpandOp op, Inputs in, Outputs &out, std::string &err);

// Quantization.
LogicalResult runQuantize(QuantizeOp op, Inputs in, Outputs &out,
                          std::string &err);
LogicalResult runDequantize(DequantizeOp op, Inputs in, Outputs &out,
                            std::string &err);

} // namespace mlir::infer::reference

#endif // INFER_REFERENCE_KERNELS_H
