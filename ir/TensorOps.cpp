//===- TensorOps.cpp - Verifiers of data-movement ops ---------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Verifiers of reshape, transpose, concat, split, slice, gather, pad,
// resize and expand.
//
//===----------------------------------------------------------------------===//

#include "ir/InferOps.h"
#include "ir/VerifyUtils.h"

using namespace mlir;
using namespace mlir::infer;
using namespace mlir::infer::detail;

LogicalResult ReshapeOp::verify() {
  if (failed(verifySameElementTypes(*this, {getInput(), getOutput()},
                                    {"input", "result"})))
    return failure();
  ArrayRef<int64_t> in = shapeOf(getInput()), out = shapeOf(getOutput());
  if (llvm::count_if(out, ShapedType::isDynamic) > 1)
    return emitOpError() << "expects at most one dynamic result dimension, got "
                         << formatShape(out);
  int64_t nIn = numElements(in), nOut = numElements(out);
  if (!ShapedType::isDynamic(nIn) && !ShapedType::isDynamic(nOut) &&
      nIn != nOut)
    return emitOpError() << "cannot reshape " << formatShape(in) << " ("
                         << nIn << " elements) to " << formatShape(out) << " ("
                         << nOut << " elements)";
  return success();
}

LogicalResult Sparse24Op::verify() {
  if (failed(verifySameElementTypes(*this, {getValues(), getOutput()},
                                    {"values", "result"})))
    return failure();
  ArrayRef<int64_t> values = shapeOf(getValues()), meta = shapeOf(getMeta()),
                    out = shapeOf(getOutput());
  if (values.size() != 2 || meta.size() != 2 || out.size() != 2)
    return emitOpError() << "expects rank-2 values, metadata and result, got "
                         << formatShape(values) << ", " << formatShape(meta)
                         << " and " << formatShape(out);
  if (llvm::any_of(llvm::concat<const int64_t>(values, meta, out),
                   ShapedType::isDynamic))
    return emitOpError() << "expects static shapes";
  int64_t m = out[0], k = out[1];
  if (k % 16 != 0)
    return emitOpError() << "expects a result with a multiple of 16 columns, got "
                         << k;
  if (values[0] != m || values[1] != k / 2)
    return emitOpError() << "expects " << m << "x" << k / 2
                         << " values for a " << m << "x" << k
                         << " result, got " << formatShape(values);
  if (meta[0] != m || meta[1] != k / 16)
    return emitOpError() << "expects " << m << "x" << k / 16
                         << " metadata words for a " << m << "x" << k
                         << " result, got " << formatShape(meta);
  return success();
}

LogicalResult TransposeOp::verify() {
  if (failed(verifySameElementTypes(*this, {getInput(), getOutput()},
                                    {"input", "result"})))
    return failure();
  FailureOr<Shape> shape = inferTransposeShape(
      shapeOf(getInput()), getPerm(), [&] { return emitOpError(); });
  if (failed(shape))
    return failure();
  return verifyResultShape(*this, *shape, getOutput());
}

LogicalResult ConcatOp::verify() {
  SmallVector<ArrayRef<int64_t>> shapes;
  for (Value v : getInputs())
    shapes.push_back(shapeOf(v));
  FailureOr<Shape> shape =
      inferConcatShape(shapes, getAxis(), [&] { return emitOpError(); });
  if (failed(shape))
    return failure();
  SmallVector<Value> values(getInputs());
  SmallVector<StringRef> names(values.size(), "input");
  values.push_back(getOutput());
  names.push_back("result");
  if (failed(verifySameElementTypes(*this, values, names)))
    return failure();
  return verifyResultShape(*this, *shape, getOutput());
}

LogicalResult SplitOp::verify() {
  if (getOutputs().empty())
    return emitOpError() << "expects at least one result";
  ArrayRef<int64_t> in = shapeOf(getInput());
  int64_t rank = in.size(), axis = getAxis();
  if (axis < 0 || axis >= rank)
    return emitOpError() << "axis " << axis << " is out of range for rank "
                         << rank;
  int64_t total = 0;
  bool dynamic = false;
  for (auto [i, result] : llvm::enumerate(getOutputs())) {
    if (elementOf(result) != elementOf(getInput()))
      return emitOpError() << "expects result " << i << " element type "
                           << elementOf(getInput()) << ", got "
                           << elementOf(result);
    ArrayRef<int64_t> out = shapeOf(result);
    Shape expected(in.begin(), in.end());
    expected[axis] = out.size() == in.size() ? out[axis] : 0;
    if (failed(verifyShapeMatches(expected, out, "result",
                                  [&] { return emitOpError(); })))
      return failure();
    if (ShapedType::isDynamic(out[axis]))
      dynamic = true;
    else
      total += out[axis];
  }
  if (!dynamic && !ShapedType::isDynamic(in[axis]) && total != in[axis])
    return emitOpError() << "result sizes along axis " << axis << " add up to "
                         << total << ", not to the input's " << in[axis];
  return success();
}

LogicalResult SliceOp::verify() {
  if (failed(verifySameElementTypes(*this, {getInput(), getOutput()},
                                    {"input", "result"})))
    return failure();
  FailureOr<Shape> shape =
      inferSliceShape(shapeOf(getInput()), getStarts(), getEnds(), getSteps(),
                      [&] { return emitOpError(); });
  if (failed(shape))
    return failure();
  return verifyResultShape(*this, *shape, getOutput());
}

LogicalResult GatherOp::verify() {
  if (failed(verifySameElementTypes(*this, {getInput(), getOutput()},
                                    {"input", "result"})))
    return failure();
  FailureOr<Shape> shape =
      inferGatherShape(shapeOf(getInput()), shapeOf(getIndices()), getAxis(),
                       [&] { return emitOpError(); });
  if (failed(shape))
    return failure();
  return verifyResultShape(*this, *shape, getOutput());
}

LogicalResult PadOp::verify() {
  if (failed(verifySameElementTypes(*this, {getInput(), getOutput()},
                                    {"input", "result"})))
    return failure();
  ArrayRef<int64_t> in = shapeOf(getInput());
  FailureOr<Shape> shape =
      inferPadShape(in, getPads(), [&] { return emitOpError(); });
  if (failed(shape))
    return failure();
  if (getMode() == PadMode::reflect) {
    for (size_t i = 0; i < in.size(); ++i) {
      int64_t p = std::max(getPads()[i], getPads()[i + in.size()]);
      if (!ShapedType::isDynamic(in[i]) && p > in[i] - 1)
        return emitOpError() << "reflect padding " << p << " of dimension "
                             << i << " exceeds its size minus one ("
                             << in[i] - 1 << ")";
    }
  }
  return verifyResultShape(*this, *shape, getOutput());
}

LogicalResult ResizeOp::verify() {
  if (failed(verifySameElementTypes(*this, {getInput(), getOutput()},
                                    {"input", "result"})))
    return failure();
  ArrayRef<int64_t> in = shapeOf(getInput()), out = shapeOf(getOutput());
  if (in.size() != out.size())
    return emitOpError() << "expects a result of rank " << in.size()
                         << ", got rank " << out.size();
  if (getScales().size() != in.size())
    return emitOpError() << "expects " << in.size() << " scales, got "
                         << getScales().size();
  for (float s : getScales())
    if (!(s > 0))
      return emitOpError() << "expects positive scales, got " << s;
  if (getMode() != ResizeMode::nearest &&
      !llvm::isa<FloatType>(elementOf(getInput())))
    return emitOpError() << "linear and cubic resize expect float elements";
  return success();
}

LogicalResult ExpandOp::verify() {
  if (failed(verifySameElementTypes(*this, {getInput(), getOutput()},
                                    {"input", "result"})))
    return failure();
  ArrayRef<int64_t> in = shapeOf(getInput()), out = shapeOf(getOutput());
  FailureOr<Shape> shape =
      broadcastShapes(in, out, [&] { return emitOpError(); });
  if (failed(shape))
    return failure();
  return verifyResultShape(*this, *shape, getOutput());
}

LogicalResult GatherElementsOp::verify() {
  ArrayRef<int64_t> in = shapeOf(getInput()), idx = shapeOf(getIndices());
  int64_t rank = in.size();
  if (static_cast<int64_t>(idx.size()) != rank)
    return emitOpError() << "expects indices of rank " << rank << ", got rank "
                         << idx.size();
  if (getAxis() < 0 || getAxis() >= rank)
    return emitOpError() << "axis " << getAxis() << " is out of range for rank "
                         << rank;
  // Off the axis an index is its own position: it must lie inside the input.
  for (int64_t d = 0; d < rank; ++d)
    if (d != getAxis() && !ShapedType::isDynamic(idx[d]) &&
        !ShapedType::isDynamic(in[d]) && idx[d] > in[d])
      return emitOpError() << "expects indices no larger than the input off "
                              "the axis, got dimension "
                           << d << " of " << idx[d] << " for an input of "
                           << in[d];
  if (failed(verifySameElementTypes(*this, {getInput(), getOutput()},
                                    {"input", "result"})))
    return failure();
  return verifyResultShape(*this, idx, getOutput());
}
