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
  auto cleanup = [&] {
    pm.addPass(createInferRemoveIdentity());
    pm.addPass(createInferFoldConstants());
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createCSEPass());
    pm.addPass(createInferReleaseWeights());
  };
  // The precision is what the user asked for: applied at every level.
  bool lowPrecision = options.precision != "fp32";
  auto convertPrecision = [&] {
    if (!lowPrecision)
      return;
    pm.addPass(createInferConvertPrecision({options.precision}));
    pm.addPass(createInferRemoveIdentity());
    pm.addPass(createInferFoldConstants());
    pm.addPass(createInferReleaseWeights());
  };
  // Every level: compiled code must never read out of bounds or trap.
  pm.addPass(createInferInsertChecks());
  if (options.level < 2) {
    if (options.level == 1)
      cleanup();
    convertPrecision();
    return;
  }
  cleanup();
  // Folding into weights happens in f32, before any conversion.
  pm.addPass(createInferFoldIntoWeights());
  pm.addPass(createInferReleaseWeights());
  // After folding: a masked channel's batch norm has become a zero bias.
  if (options.eliminateZeroChannels && options.sparsity != "disable") {
    InferEliminateZeroChannelsOptions zeroChannels;
    // GPU kernels move rows of channels in 128-byte runs (64 16-bit values
    // or 32 fp32 ones; the implicit GEMM's K tile): a narrower row costs
    // about as much as a whole one, and rows that are not whole runs cost
    // more (ResNet-50 with 40% of its channels pruned, H200, batch 32:
    // 1.359 ms with 128-byte runs, 1.427 ms with 16-byte ones). Counts
    // that are not whole runs keep 16-byte rows (8 channels), which every
    // tensor-core kernel needs.
    if (options.gpu) {
      zeroChannels.channelMultiple = 8;
      zeroChannels.preferredChannelMultiple = zeroChannels.convChannelMultiple =
          lowPrecision ? 64 : 32;
    }
    pm.addPass(createInferEliminateZeroChannels(zeroChannels));
    pm.addPass(createInferReleaseWeights());
  }
  pm.addPass(createInferRecognizeActivations());
  pm.addPass(createInferRecognizeLayerNorm());
  pm.addPass(createInferSimplifyLayout());
  // On GPUs attention stays matmul / softmax / matmul, which all split
  // into threads (the fused op has no GPU kernel yet).
  if (!options.gpu)
    pm.addPass(createInferRecognizeAttention());
  pm.addPass(createInferSimplifyLayout());
  cleanup();
  convertPrecision();
  if (options.convToGemm) {
    pm.addPass(createInferConvToGemm());
    pm.addPass(createInferSinkLayout());
    // Scales that only met their product once the layout changes between
    // them cancelled (ConvNeXt's layer scale after its permute) fold now,
    // in the weights' precision.
    pm.addPass(createInferFoldIntoWeights());
    cleanup();
  }
  // 2:4 weights, on the products' final weights (after the convolutions
  // became GEMMs and the precision conversion).
  if (options.sparsity != "disable") {
    InferSparse24Options sparse;
    sparse.mode = options.sparsity;
    sparse.decline = options.sparseDecline;
    pm.addPass(createInferSparse24(sparse));
    pm.addPass(createInferReleaseWeights());
  }
  InferFuseOptions fuse;
  fuse.views = !options.gpu;
  pm.addPass(createInferFuse(fuse, options.epilogue));
  pm.addPass(createInferConcatInPlace());
}

void mlir::infer::registerGraphPipelines() {
  PassPipelineRegistration<>(
      "fuse",
      "The graph optimization pipeline of infer-compile -O2: cleanup, folding "
      "into weights, pattern recognition, layout simplification, fusion",
      [](OpPassManager &pm) { buildGraphPipeline(pm, {}); });
  PassPipelineRegistration<>(
      "sparse24",
      "infer-sparse24: rewrite 2:4 sparse weights into infer.sparse24",
      [](OpPassManager &pm) { pm.addPass(createInferSparse24()); });
  PassPipelineRegistration<>(
      "sparsity-report",
      "infer-sparsity-report: print what the sparsity passes did",
      [](OpPassManager &pm) { pm.addPass(createInferSparsityReport()); });
}
