//===- Fusion.cpp - Which ops anchor and end a fusion group ---------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "ir/Fusion.h"
#include "ir/InferOps.h"

using namespace mlir;
using namespace mlir::infer;

bool mlir::infer::isFusionAnchor(Operation *op) {
  return llvm::isa<ConvOp, ConvTransposeOp, GemmOp, MatMulOp, AttentionOp,
                   SoftmaxOp, LogSoftmaxOp, LayerNormOp>(op);
}

bool mlir::infer::isRoundTripOf(Operation *anchor, Operation *dq) {
  auto d = llvm::dyn_cast<DequantizeOp>(dq);
  auto q = d ? d.getInput().getDefiningOp<QuantizeOp>() : QuantizeOp();
  if (!q)
    return false;
  // Up the epilogue chain (a few elementwise ops) to the anchor.
  SmallVector<std::pair<Value, int>> work{{q.getInput(), 0}};
  while (!work.empty()) {
    auto [v, depth] = work.pop_back_val();
    Operation *def = v.getDefiningOp();
    if (def == anchor)
      return true;
    if (!def || depth >= 8 || def->getBlock() != anchor->getBlock() ||
        !isEpilogueOp(def))
      continue;
    for (Value operand : def->getOperands())
      work.push_back({operand, depth + 1});
  }
  return false;
}

bool mlir::infer::isEpilogueOp(Operation *op) {
  auto floatOf = [](Value v) {
    return llvm::isa<FloatType>(
        llvm::cast<RankedTensorType>(v.getType()).getElementType());
  };
  if (auto u = llvm::dyn_cast<UnaryOp>(op)) {
    if (!floatOf(u.getInput()) || u.getInput().getType() != u.getOutput().getType())
      return false;
    switch (u.getKind()) {
    case UnaryKind::relu: case UnaryKind::leaky_relu: case UnaryKind::clip:
    case UnaryKind::sigmoid: case UnaryKind::hard_sigmoid:
    case UnaryKind::hard_swish: case UnaryKind::silu: case UnaryKind::gelu:
    case UnaryKind::gelu_tanh: case UnaryKind::tanh: case UnaryKind::elu:
    case UnaryKind::selu: case UnaryKind::celu: case UnaryKind::softplus:
    case UnaryKind::softsign: case UnaryKind::mish: case UnaryKind::abs:
    case UnaryKind::neg: case UnaryKind::exp: case UnaryKind::erf:
    case UnaryKind::sqrt: case UnaryKind::reciprocal:
    case UnaryKind::thresholded_relu: case UnaryKind::identity:
      return true;
    default:
      return false;
    }
  }
  // Requantization for the next int8 layer: the group's last op.
  if (auto q = llvm::dyn_cast<QuantizeOp>(op))
    return floatOf(q.getInput());
  if (auto b = llvm::dyn_cast<BinaryOp>(op)) {
    if (!floatOf(b.getOutput()) || !floatOf(b.getLhs()) || !floatOf(b.getRhs()))
      return false;
    switch (b.getKind()) {
    case BinaryKind::add: case BinaryKind::sub: case BinaryKind::mul:
    case BinaryKind::div: case BinaryKind::max: case BinaryKind::min:
    case BinaryKind::prelu:
      return true;
    default:
      return false;
    }
  }
  return false;
}

