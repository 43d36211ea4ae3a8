//===- Sparse24Accuracy.cpp - What forced 2:4 pruning costs ---------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// `infer-compile --sparsity=force` changes the model: every eligible weight
// loses the two smallest of every four values. Before it does, the model
// and a pruned copy run on the reference interpreter with the same seeded
// random inputs, and the user is told how far the outputs moved.
//
//===----------------------------------------------------------------------===//

#include "transforms/Passes.h"

#include "reference/Interpreter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"

#include <cmath>
#include <random>

using namespace mlir;
using namespace mlir::infer;

namespace {
/// The outputs of the module's first function on `inputs`.
FailureOr<SmallVector<reference::Tensor>>
run(ModuleOp module, ArrayRef<reference::Tensor> inputs, std::string &error) {
  auto funcs = module.getOps<func::FuncOp>();
  if (funcs.empty()) {
    error = "the module has no function";
    return failure();
  }
  return reference::runFunction(*funcs.begin(), inputs, error);
}
} // namespace

FailureOr<double> mlir::infer::measureForcedSparsityError(ModuleOp module,
                                                          std::string &error) {
  auto funcs = module.getOps<func::FuncOp>();
  if (funcs.empty()) {
    error = "the module has no function";
    return failure();
  }
  // Seeded inputs: normal floats, zero integers (indices stay in range).
  func::FuncOp fn = *funcs.begin();
  std::mt19937 gen(0);
  std::normal_distribution<double> normal;
  SmallVector<reference::Tensor> inputs;
  for (BlockArgument arg : fn.getArguments()) {
    auto type = llvm::dyn_cast<RankedTensorType>(arg.getType());
    if (!type || !type.hasStaticShape()) {
      error = "an input without a static shape";
      return failure();
    }
    reference::Tensor t(type.getElementType(), type.getShape());
    bool isFloat = llvm::isa<FloatType>(type.getElementType());
    for (int64_t i = 0; i < t.size(); ++i)
      t.setDouble(i, isFloat ? normal(gen) : 0.0);
    inputs.push_back(std::move(t));
  }
  OwningOpRef<ModuleOp> pruned = module.clone();
  PassManager pm(module.getContext(), ModuleOp::getOperationName());
  InferSparse24Options options;
  options.mode = "force";
  options.decline = "measuring what pruning changes";
  pm.addPass(createInferSparse24(options));
  if (failed(pm.run(*pruned))) {
    error = "the pruning pass failed";
    return failure();
  }
  FailureOr<SmallVector<reference::Tensor>> dense = run(module, inputs, error);
  if (failed(dense))
    return failure();
  FailureOr<SmallVector<reference::Tensor>> sparse = run(*pruned, inputs, error);
  if (failed(sparse))
    return failure();
  double worst = 0;
  for (auto [d, s] : llvm::zip(*dense, *sparse)) {
    if (!d.isFloat() || d.size() != s.size())
      continue;
    double diff = 0, norm = 0;
    for (int64_t i = 0; i < d.size(); ++i) {
      double a = d.getDouble(i), b = s.getDouble(i);
      diff += (a - b) * (a - b);
      norm += a * a;
    }
    double e = norm > 0 ? std::sqrt(diff / norm) : std::sqrt(diff);
    // A NaN (an output pruning broke) is the worst there is.
    if (std::isnan(e) || e > worst)
      worst = e;
    if (std::isnan(worst))
      break;
  }
  return worst;
}
