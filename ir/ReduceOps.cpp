//===- ReduceOps.cpp - Verifiers of reductions ----------------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "ir/InferOps.h"
#include "ir/VerifyUtils.h"

using namespace mlir;
using namespace mlir::infer;
using namespace mlir::infer::detail;

LogicalResult ReduceOp::verify() {
  if (failed(verifySameElementTypes(*this, {getInput(), getOutput()},
                                    {"input", "result"})))
    return failure();
  FailureOr<Shape> shape =
      inferReduceShape(shapeOf(getInput()), getAxes(), getKeepDims(),
                       [&] { return emitOpError(); });
  if (failed(shape))
    return failure();
  return verifyResultShape(*this, *shape, getOutput());
}

LogicalResult ArgReduceOp::verify() {
  int64_t rank = shapeOf(getInput()).size();
  if (getAxis() < 0 || getAxis() >= rank)
    return emitOpError() << "axis " << getAxis() << " is out of range for rank "
                         << rank;
  FailureOr<Shape> shape =
      inferReduceShape(shapeOf(getInput()), {getAxis()}, getKeepDims(),
                       [&] { return emitOpError(); });
  if (failed(shape))
    return failure();
  // An empty axis has no position of the extreme to return (unless there
  // are no results to compute either).
  bool noResults = llvm::any_of(*shape, [](int64_t d) { return d == 0; });
  if (shapeOf(getInput())[getAxis()] == 0 && !noResults)
    return emitOpError() << "cannot find the " << stringifyArgKind(getKind())
                         << " of axis " << getAxis() << ", which is empty";
  return verifyResultShape(*this, *shape, getOutput());
}

LogicalResult TopKOp::verify() {
  ArrayRef<int64_t> in = shapeOf(getInput());
  int64_t rank = in.size();
  if (getAxis() < 0 || getAxis() >= rank)
    return emitOpError() << "axis " << getAxis() << " is out of range for rank "
                         << rank;
  if (getK() < 0 ||
      (!ShapedType::isDynamic(in[getAxis()]) && getK() > in[getAxis()]))
    return emitOpError() << "k = " << getK() << " is out of range for axis "
                         << "size " << in[getAxis()];
  if (failed(verifySameElementTypes(*this, {getInput(), getValues()},
                                    {"input", "values"})))
    return failure();
  Shape shape(in.begin(), in.end());
  shape[getAxis()] = getK();
  if (failed(verifyResultShape(*this, shape, getValues())))
    return failure();
  return verifyResultShape(*this, shape, getIndices());
}

LogicalResult CumSumOp::verify() {
  int64_t rank = shapeOf(getInput()).size();
  if (getAxis() < 0 || getAxis() >= rank)
    return emitOpError() << "axis " << getAxis() << " is out of range for rank "
                         << rank;
  if (failed(verifySameElementTypes(*this, {getInput(), getOutput()},
                                    {"input", "result"})))
    return failure();
  return verifyResultShape(*this, shapeOf(getInput()), getOutput());
}
