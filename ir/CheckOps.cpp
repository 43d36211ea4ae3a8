//===- CheckOps.cpp - Verifier of infer.check -----------------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "ir/InferOps.h"
#include "ir/VerifyUtils.h"

using namespace mlir;
using namespace mlir::infer;

LogicalResult CheckOp::verify() {
  Type et = getInput().getType().getElementType();
  if (!llvm::isa<IntegerType>(et) || et.isInteger(1))
    return emitOpError() << "expects an integer input, got " << et;
  if (getKind() == CheckKind::index && getBound() < 0)
    return emitOpError() << "expects a bound of at least 0, got "
                         << getBound();
  if (getKind() == CheckKind::nonzero && getBound() != 0)
    return emitOpError() << "takes no bound for a nonzero check";
  return success();
}

std::string CheckOp::describeFailure() {
  if (getKind() == CheckKind::nonzero)
    return "integer division by zero";
  return "index out of range [" + std::to_string(-getBound()) + ", " +
         std::to_string(getBound() - 1) + "]";
}
