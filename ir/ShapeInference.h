//===- ShapeInference.h - Result shapes of infer ops ------------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// One helper per op family computes the result shape from operand shapes
// and attributes. Verifiers call them to check result types and the ONNX
// importer calls them to build result types, so both report the same error.
// Dynamic dimensions are ShapedType::kDynamic.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_IR_SHAPEINFERENCE_H
#define INFER_IR_SHAPEINFERENCE_H

#include "mlir/IR/Diagnostics.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"
#include <string>

namespace mlir::infer {

/// Produces an error diagnostic at the right place, or is null when the
/// caller only wants to know whether shapes are valid.
using EmitErrorFn = llvm::function_ref<InFlightDiagnostic()>;

/// A shape with dynamic dimensions as ShapedType::kDynamic.
using Shape = SmallVector<int64_t, 4>;

/// Formats a shape as `[1, 3, ?, 4]` for diagnostics.
std::string formatShape(ArrayRef<int64_t> shape);

/// A channels-last shape [N, S..., C] as [N, C, S...], and back.
Shape toChannelsFirst(ArrayRef<int64_t> shape);
Shape toChannelsLast(ArrayRef<int64_t> shape);
/// The transpose permutations (result dimension i is input dimension
/// perm[i]) from channels-last to channels-first, [0, r-1, 1, ..., r-2],
/// and back, [0, 2, ..., r-1, 1].
Shape channelsFirstPerm(int64_t rank);
Shape channelsLastPerm(int64_t rank);

/// Broadcasts two shapes with numpy rules; a dynamic dimension broadcasts
/// with 1 or with an equal dimension.
FailureOr<Shape> broadcastShapes(ArrayRef<int64_t> lhs, ArrayRef<int64_t> rhs,
                                 EmitErrorFn emitError);

/// Whether `from` broadcasts to exactly `to` (unidirectional, as ONNX Expand
/// and Gemm's C need).
bool isBroadcastableTo(ArrayRef<int64_t> from, ArrayRef<int64_t> to);

/// The largest kernel size, stride, dilation or pad accepted: larger values
/// are certainly errors, and would overflow shape arithmetic.
constexpr int64_t kMaxWindowValue = int64_t(1) << 30;

/// Window geometry of convolution and pooling: one entry per spatial
/// dimension, `pads` has two (begins then ends).
struct WindowGeometry {
  ArrayRef<int64_t> kernel;
  ArrayRef<int64_t> strides;
  ArrayRef<int64_t> pads;
  ArrayRef<int64_t> dilations;
};

/// Checks the lengths and ranges of a window geometry against `spatialRank`.
LogicalResult verifyWindow(const WindowGeometry &window, size_t spatialRank,
                           EmitErrorFn emitError);

/// The result shape of infer.conv (NCHW input, MCkk weight).
FailureOr<Shape> inferConvShape(ArrayRef<int64_t> input,
                                ArrayRef<int64_t> weight,
                                ArrayRef<int64_t> strides,
                                ArrayRef<int64_t> pads,
                                ArrayRef<int64_t> dilations, int64_t group,
                                EmitErrorFn emitError);

/// The result shape of infer.im2col (NHWC input): [N*Ho*Wo, kh*kw*C].
FailureOr<Shape> inferIm2ColShape(ArrayRef<int64_t> input,
                                  const WindowGeometry &window,
                                  EmitErrorFn emitError);

/// The result shape of infer.conv_transpose (NCHW input, CMkk weight).
FailureOr<Shape> inferConvTransposeShape(
    ArrayRef<int64_t> input, ArrayRef<int64_t> weight,
    ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
    ArrayRef<int64_t> dilations, ArrayRef<int64_t> outputPadding,
    int64_t group, EmitErrorFn emitError);

/// The result shape of infer.pool.
FailureOr<Shape> inferPoolShape(ArrayRef<int64_t> input,
                                const WindowGeometry &window, bool ceilMode,
                                EmitErrorFn emitError);

/// The result shape of infer.matmul (numpy matmul).
FailureOr<Shape> inferMatMulShape(ArrayRef<int64_t> lhs, ArrayRef<int64_t> rhs,
                                  EmitErrorFn emitError);

/// The result shape of infer.gemm.
FailureOr<Shape> inferGemmShape(ArrayRef<int64_t> a, ArrayRef<int64_t> b,
                                bool transA, bool transB,
                                EmitErrorFn emitError);

/// The result shape of infer.reduce; `axes` empty means all dimensions.
FailureOr<Shape> inferReduceShape(ArrayRef<int64_t> input,
                                  ArrayRef<int64_t> axes, bool keepDims,
                                  EmitErrorFn emitError);

/// The result shape of infer.transpose.
FailureOr<Shape> inferTransposeShape(ArrayRef<int64_t> input,
                                     ArrayRef<int64_t> perm,
                                     EmitErrorFn emitError);

/// The result shape of infer.concat.
FailureOr<Shape> inferConcatShape(ArrayRef<ArrayRef<int64_t>> inputs,
                                  int64_t axis, EmitErrorFn emitError);

/// The result shape of infer.slice with normalized bounds.
FailureOr<Shape> inferSliceShape(ArrayRef<int64_t> input,
                                 ArrayRef<int64_t> starts,
                                 ArrayRef<int64_t> ends,
                                 ArrayRef<int64_t> steps,
                                 EmitErrorFn emitError);

/// The result shape of infer.pad.
FailureOr<Shape> inferPadShape(ArrayRef<int64_t> input, ArrayRef<int64_t> pads,
                               EmitErrorFn emitError);

/// The result shape of infer.gather.
FailureOr<Shape> inferGatherShape(ArrayRef<int64_t> input,
                                  ArrayRef<int64_t> indices, int64_t axis,
                                  EmitErrorFn emitError);

/// Checks that `actual` (a result type's shape) agrees with `expected` (the
/// inferred one): equal ranks, and equal sizes wherever both are static.
LogicalResult verifyShapeMatches(ArrayRef<int64_t> expected,
                                 ArrayRef<int64_t> actual, StringRef what,
                                 EmitErrorFn emitError);

/// Normalizes an ONNX axis in [-rank, rank) to [0, rank).
FailureOr<int64_t> normalizeAxis(int64_t axis, int64_t rank,
                                 EmitErrorFn emitError);

/// The number of elements, or kDynamic if any dimension is dynamic.
int64_t numElements(ArrayRef<int64_t> shape);

} // namespace mlir::infer

#endif // INFER_IR_SHAPEINFERENCE_H
