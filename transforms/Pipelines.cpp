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
  // int8 (fp8) quantizes the products it has ranges for; the rest stays
  // fp32.
  bool int8 = options.precision == "int8" || options.precision == "fp8";
  bool lowPrecision = options.precision != "fp32" && !int8;
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
  // Calibrated ranges become Q/DQ pairs while the ops still carry their
  // ONNX tensor names.
  if (int8) {
    InferQuantizeOptions quantize;
    quantize.precision = options.precision;
    quantize.calibrationCache = options.calibrationCache;
    quantize.keep.assign(options.keepPrecision.begin(),
                         options.keepPrecision.end());
    quantize.maxError = options.maxQuantError;
    pm.addPass(createInferQuantize(quantize));
  }
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
    // GPU kernels read rows of whole 32-byte sectors (16 16-bit values or
    // 8 fp32 ones): the GEMMs' last K tile and the tile's columns end in
    // zeros TMA fills, not in bytes read. Rows of 16-byte multiples would
    // do for the kernels, but TMA reads rows that start inside a sector at
    // about two-thirds of the speed. An image a convolution with a window
    // reads through TMA's im2col mode keeps whole 128-byte channel blocks:
    // a copy costs about the same per pixel whether the block is full or
    // ends in zeros, and pixels of 128-byte multiples read fastest (H200,
    // a 3x3 convolution of 100352 pixels to as many channels: 32 channels
    // 0.027 ms, 40 0.060, 48 0.037, 64 0.034).
    if (options.gpu) {
      zeroChannels.channelMultiple = zeroChannels.preferredChannelMultiple =
          lowPrecision ? 16 : 8;
      zeroChannels.convChannelMultiple = lowPrecision ? 64 : 32;
    }
    pm.addPass(createInferEliminateZeroChannels(zeroChannels));
    pm.addPass(createInferReleaseWeights());
  }
  // 1-D convolutions as 2-D ones (their weights folded by the cleanup).
  pm.addPass(createInferLiftConv1d());
  // Transposed convolutions as convolutions on the CPU, whose templates
  // take those (the GPU keeps its generic kernel: unmeasured there).
  if (!options.gpu)
    pm.addPass(createInferConvTransposeToConv());
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
  // Int8 products from Q/DQ pairs (calibrated or in the model), on the
  // products' final weights and layouts.
  pm.addPass(createInferFoldQdq());
  cleanup();
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

namespace {
/// `infer-opt --quantize="int8 calibration-cache=FILE [keep=NODE,...]"`,
/// or "fp8 ..." for f8E4M3FN.
struct QuantizePipelineOptions : PassPipelineOptions<QuantizePipelineOptions> {
  Option<bool> int8{*this, "int8", llvm::cl::desc("Quantize to int8 (the default)"),
                    llvm::cl::init(true)};
  Option<bool> fp8{*this, "fp8", llvm::cl::desc("Quantize to f8E4M3FN instead"),
                   llvm::cl::init(false)};
  Option<std::string> calibrationCache{
      *this, "calibration-cache",
      llvm::cl::desc("The calibration cache (infer-run --calibrate)")};
  ListOption<std::string> keep{*this, "keep",
                               llvm::cl::desc("ONNX nodes whose products stay float")};
};
} // namespace

void mlir::infer::registerGraphPipelines() {
  PassPipelineRegistration<QuantizePipelineOptions>(
      "quantize",
      "Post-training int8 or fp8: infer-quantize (calibrated Q/DQ pairs) then "
      "infer-fold-qdq (int8 / fp8 products); --quantize=\"int8 calibration-cache=F\" "
      "or --quantize=\"fp8 calibration-cache=F\"",
      [](OpPassManager &pm, const QuantizePipelineOptions &o) {
        InferQuantizeOptions quantize;
        quantize.calibrationCache = o.calibrationCache;
        quantize.precision = o.fp8 ? "fp8" : o.int8 ? "int8" : "none";
        quantize.keep.assign(o.keep.begin(), o.keep.end());
        pm.addPass(createInferQuantize(quantize));
        pm.addPass(createInferFoldQdq());
      });
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
