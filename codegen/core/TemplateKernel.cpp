//===- TemplateKernel.cpp - A kernel template's launches ------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/core/TemplateKernel.h"

#include "ir/InferOps.h"

using namespace mlir;
using namespace mlir::infer;

Value KernelGroup::toOuter(Value v) const {
  if (auto arg = llvm::dyn_cast<BlockArgument>(v))
    if (arg.getOwner()->getParentOp() == root)
      return root->getOperand(arg.getArgNumber());
  return v;
}

Value mlir::infer::outerValue(Value v) {
  if (auto arg = llvm::dyn_cast_or_null<BlockArgument>(v))
    if (auto fused = llvm::dyn_cast_or_null<FusedOp>(arg.getOwner()->getParentOp()))
      return fused.getOperand(arg.getArgNumber());
  return v;
}

bool mlir::infer::isConstantValue(Value v) {
  return v && outerValue(v).getDefiningOp<ConstantOp>();
}

TemplateKernel mlir::infer::singleStageTemplate(std::vector<TemplateArg> inputs,
                                                KernelInfo info) {
  TemplateKernel tk;
  tk.inputs = std::move(inputs);
  TemplateStage stage;
  stage.info = std::move(info);
  for (size_t i = 0; i <= tk.inputs.size(); ++i)
    stage.args.push_back(static_cast<int>(i));
  tk.stages.push_back(std::move(stage));
  return tk;
}
