//===- FusionOps.cpp - Fusion groups and attention -------------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The custom syntax and verifiers of the ops in InferFusionOps.td.
//
//===----------------------------------------------------------------------===//

#include "ir/InferOps.h"
#include "ir/VerifyUtils.h"

using namespace mlir;
using namespace mlir::infer;
using namespace mlir::infer::detail;

//===----------------------------------------------------------------------===//
// FusedOp
//===----------------------------------------------------------------------===//

void FusedOp::build(OpBuilder &builder, OperationState &state,
                    StringRef pattern, TypeRange results, ValueRange inputs) {
  state.addOperands(inputs);
  state.addTypes(results);
  state.getOrAddProperties<Properties>().pattern = builder.getStringAttr(pattern);
  Region *body = state.addRegion();
  Block *block = new Block();
  body->push_back(block);
  for (Value v : inputs)
    block->addArgument(v.getType(), v.getLoc());
}

YieldOp FusedOp::getYield() {
  return llvm::cast<YieldOp>(getBody().front().getTerminator());
}

/// infer.fused "pattern" (%a, %b) : (A, B) -> (R) { ^bb0(...): ... }
ParseResult FusedOp::parse(OpAsmParser &parser, OperationState &result) {
  StringAttr pattern;
  SmallVector<OpAsmParser::UnresolvedOperand> operands;
  FunctionType type;
  if (parser.parseAttribute(pattern) ||
      parser.parseOperandList(operands, OpAsmParser::Delimiter::Paren) ||
      parser.parseColonType(type))
    return failure();
  result.getOrAddProperties<Properties>().pattern = pattern;
  llvm::SMLoc loc = parser.getCurrentLocation();
  if (parser.resolveOperands(operands, type.getInputs(), loc, result.operands))
    return failure();
  result.addTypes(type.getResults());
  Region *body = result.addRegion();
  if (parser.parseRegion(*body) ||
      parser.parseOptionalAttrDictWithKeyword(result.attributes))
    return failure();
  return success();
}

void FusedOp::print(OpAsmPrinter &p) {
  p << " ";
  p.printAttributeWithoutType(getPatternAttr());
  p << " (";
  p << getInputs();
  p << ") : ";
  p.printFunctionalType(getInputs().getTypes(), getResultTypes());
  p << " ";
  p.printRegion(getBody(), /*printEntryBlockArgs=*/true,
                /*printBlockTerminators=*/true);
  p.printOptionalAttrDictWithKeyword((*this)->getAttrs(), {"pattern"});
}

LogicalResult FusedOp::verify() {
  if (getPattern().empty())
    return emitOpError() << "expects a non-empty pattern name";
  return success();
}

LogicalResult FusedOp::verifyRegions() {
  Block &block = getBody().front();
  if (block.getNumArguments() != getInputs().size())
    return emitOpError() << "expects " << getInputs().size()
                         << " region arguments (one per input), got "
                         << block.getNumArguments();
  for (auto [i, pair] : llvm::enumerate(
           llvm::zip(block.getArgumentTypes(), getInputs().getTypes())))
    if (std::get<0>(pair) != std::get<1>(pair))
      return emitOpError() << "expects region argument " << i << " of type "
                           << std::get<1>(pair) << ", got " << std::get<0>(pair);
  YieldOp yield = getYield();
  if (yield.getValues().getTypes() != getResultTypes())
    return emitOpError() << "expects the yielded types to match the results";
  return success();
}

//===----------------------------------------------------------------------===//
// AttentionOp
//===----------------------------------------------------------------------===//

LogicalResult AttentionOp::verify() {
  if (failed(verifySameElementTypes(*this, {getQ(), getK(), getV(), getMask(),
                                            getOutput()},
                                    {"q", "k", "v", "mask", "result"})))
    return failure();
  ArrayRef<int64_t> q = shapeOf(getQ()), k = shapeOf(getK()), v = shapeOf(getV());
  if (q.size() < 2 || k.size() != q.size() || v.size() != q.size())
    return emitOpError() << "expects q, k and v of one rank of at least 2, got "
                         << formatShape(q) << ", " << formatShape(k) << " and "
                         << formatShape(v);
  size_t r = q.size();
  auto mismatch = [](int64_t a, int64_t b) {
    return !ShapedType::isDynamic(a) && !ShapedType::isDynamic(b) && a != b;
  };
  for (size_t i = 0; i + 2 < r; ++i)
    if (mismatch(q[i], k[i]) || mismatch(q[i], v[i]))
      return emitOpError() << "expects equal batch dimensions, got "
                           << formatShape(q) << ", " << formatShape(k) << " and "
                           << formatShape(v);
  if (mismatch(q[r - 1], k[r - 1]))
    return emitOpError() << "expects q and k with one depth, got "
                         << formatShape(q) << " and " << formatShape(k);
  if (mismatch(k[r - 2], v[r - 2]))
    return emitOpError() << "expects k and v with one length, got "
                         << formatShape(k) << " and " << formatShape(v);
  SmallVector<int64_t> scores(q.begin(), q.end());
  scores[r - 1] = k[r - 2];
  if (getMask() && !isBroadcastableTo(shapeOf(getMask()), scores))
    return emitOpError() << "expects a mask that broadcasts to the scores "
                         << formatShape(scores) << ", got "
                         << formatShape(shapeOf(getMask()));
  SmallVector<int64_t> out(q.begin(), q.end());
  out[r - 1] = v[r - 1];
  return verifyResultShape(*this, out, getOutput());
}
