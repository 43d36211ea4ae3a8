//===- Pipelines.cpp - The graph optimization pipeline ---------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The order of the graph passes, shared by infer-compile (-O1, -O2) and
// infer-opt (--fuse).
//
//===----------------------------------------------------------------------===//

#include "transforms/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::infer;

void mlir::infer::buildGraphPipeline(OpPassManager &pm,
                                     const GraphPipelineOptions &options) {
  if (options.level <= 0)
    return;
  auto cleanup = [&] {
    pm.addPass(createInferRemoveIdentity());
    pm.addPass(createInferFoldConstants());
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createCSEPass());
  };
  cleanup();
  if (options.level < 2)
    return;
  pm.addPass(createInferFoldIntoWeights());
  pm.addPass(createInferRecognizeActivations());
  pm.addPass(createInferRecognizeLayerNorm());
  pm.addPass(createInferSimplifyLayout());
  pm.addPass(createInferRecognizeAttention());
  pm.addPass(createInferSimplifyLayout());
  cleanup();
  pm.addPass(createInferFuse());
  pm.addPass(createInferConcatInPlace());
}

void mlir::infer::registerGraphPipelines() {
  PassPipelineRegistration<>(
      "fuse",
      "The graph optimization pipeline of infer-compile -O2: cleanup, folding "
      "into weights, pattern recognition, layout simplification, fusion",
      [](OpPassManager &pm) { buildGraphPipeline(pm, {}); });
}
