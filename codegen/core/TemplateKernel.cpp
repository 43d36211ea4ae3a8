//===- TemplateKernel.cpp - A kernel template's launches ------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/core/TemplateKernel.h"

#include "ir/InferOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/IRMapping.h"

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

FusedOp mlir::infer::pullIntoGroup(Operation *producer, OpOperand &use, StringRef name) {
  MLIRContext *ctx = producer->getContext();
  Operation *reader = use.getOwner();
  auto f = llvm::dyn_cast<FusedOp>(reader);
  if (!f) {
    // A lone reader: a group of the two, over the operands of both.
    OpBuilder b(reader);
    SmallVector<Value> inputs;
    for (Value v : producer->getOperands())
      if (!llvm::is_contained(inputs, v))
        inputs.push_back(v);
    for (OpOperand &o : reader->getOpOperands())
      if (&o != &use && !llvm::is_contained(inputs, o.get()))
        inputs.push_back(o.get());
    std::string pattern = (name + "+" + reader->getName().stripDialect()).str();
    auto fused = FusedOp::create(b, FusedLoc::get(ctx, {producer->getLoc(), reader->getLoc()}),
                                 pattern, reader->getResultTypes(), inputs);
    Block &body = fused.getBody().front();
    IRMapping map;
    for (auto [v, arg] : llvm::zip(inputs, body.getArguments()))
      map.map(v, arg);
    OpBuilder inner = OpBuilder::atBlockEnd(&body);
    inner.clone(*producer, map);
    Operation *r = inner.clone(*reader, map);
    YieldOp::create(inner, reader->getLoc(), r->getResults());
    reader->replaceAllUsesWith(fused.getResults());
    reader->erase();
    producer->erase();
    return fused;
  }
  Block &body = f.getBody().front();
  unsigned idx = use.getOperandNumber();
  BlockArgument arg = body.getArgument(idx);
  OpBuilder b = OpBuilder::atBlockBegin(&body);
  IRMapping mapping;
  for (Value v : producer->getOperands()) {
    f->insertOperands(f->getNumOperands(), ValueRange{v});
    mapping.map(v, body.addArgument(v.getType(), producer->getLoc()));
  }
  Operation *inner = b.clone(*producer, mapping);
  arg.replaceAllUsesWith(inner->getResult(0));
  body.eraseArgument(idx);
  f->eraseOperand(idx);
  f->setLoc(FusedLoc::get(ctx, {producer->getLoc(), f.getLoc()}));
  f.setPattern((name + "+" + f.getPattern()).str());
  producer->erase();
  return f;
}

void mlir::infer::forEachIm2colReadAsRows(
    func::FuncOp fn,
    function_ref<void(Operation *im2col, OpOperand &use, Operation *product)> f) {
  SmallVector<Im2ColOp> ops;
  fn.walk([&](Im2ColOp i) {
    if (!i->getParentOfType<FusedOp>())
      ops.push_back(i);
  });
  for (Im2ColOp i : ops) {
    if (!i.getOutput().hasOneUse())
      continue;
    OpOperand &use = *i.getOutput().getUses().begin();
    Operation *product = use.getOwner();
    if (auto fused = llvm::dyn_cast<FusedOp>(product)) {
      // The group's product must read the rows as its left operand.
      BlockArgument arg = fused.getBody().front().getArgument(use.getOperandNumber());
      if (!arg.hasOneUse())
        continue;
      product = *arg.getUsers().begin();
      if (!llvm::isa<MatMulOp, GemmOp>(product) || product->getOperand(0) != arg)
        continue;
    } else if (!llvm::isa<MatMulOp, GemmOp>(product) || use.getOperandNumber() != 0) {
      continue;
    }
    f(i, use, product);
  }
}

TemplateKernel mlir::infer::splitKTemplate(std::vector<TemplateArg> inputs, KernelInfo gemm,
                                           KernelInfo reduce, uint64_t scratchBytes,
                                           int firstReduceInput) {
  TemplateKernel tk;
  tk.inputs = std::move(inputs);
  int scratch = static_cast<int>(tk.inputs.size()), out = scratch + 1;
  tk.scratchBytes.push_back(scratchBytes);
  TemplateStage first, second;
  first.info = std::move(gemm);
  first.args = {0, 1, scratch};
  second.info = std::move(reduce);
  for (int i = firstReduceInput; i < scratch; ++i)
    second.args.push_back(i);
  second.args.push_back(out);
  second.args.push_back(scratch);
  tk.stages.push_back(std::move(first));
  tk.stages.push_back(std::move(second));
  return tk;
}
