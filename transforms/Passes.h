//===- Passes.h - Graph passes of infer -------------------------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Declares the passes of Passes.td, their registration and the public
// pattern sets they apply.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_TRANSFORMS_PASSES_H
#define INFER_TRANSFORMS_PASSES_H

#include "ir/Fusion.h"
#include "ir/InferOps.h"
#include "mlir/Pass/Pass.h"

#include <functional>
#include <memory>

namespace mlir {
class OpPassManager;
class RewritePatternSet;
namespace func {
class FuncOp;
} // namespace func
namespace infer {

#define GEN_PASS_DECL
#include "transforms/Passes.h.inc"

/// Adds an infer.check before every gather (its indices) and integer
/// division (its divisor); constant operands are checked at once, and one
/// that breaks the rule gets an error and sets `*failedOnInvalid`.
void populateInsertChecksPatterns(
    RewritePatternSet &patterns, std::shared_ptr<bool> failedOnInvalid = nullptr);

/// Patterns that replace no-op ops (identity, same-type cast, reshape and
/// expand, identity transpose, full slice, zero pad) by their input.
void populateRemoveIdentityPatterns(RewritePatternSet &patterns);

/// Evaluates ops whose operands are all constants (results up to
/// `maxElements` elements). An op whose constants are invalid for it (an
/// index out of range, a zero divisor) gets an error and sets
/// `*failedOnInvalid`, which the caller turns into a failure.
void populateFoldConstantsPatterns(
    RewritePatternSet &patterns, int64_t maxElements,
    std::shared_ptr<bool> failedOnInvalid = nullptr);

/// Folds batch_norm and per-channel mul / add / sub / div into the weights
/// and bias of the conv, conv_transpose, gemm or matmul before them.
void populateFoldIntoWeightsPatterns(RewritePatternSet &patterns);

/// Rewrites decomposed SiLU, GELU (erf and tanh forms) and HardSwish into
/// one infer.unary.
void populateRecognizeActivationsPatterns(RewritePatternSet &patterns);

/// Rewrites the decomposed layer normalization into infer.layer_norm.
void populateRecognizeLayerNormPatterns(RewritePatternSet &patterns);

/// Rewrites matmul / scale / mask / softmax / matmul into infer.attention.
void populateRecognizeAttentionPatterns(RewritePatternSet &patterns);

/// Composes transposes and reshapes; unit-dimension transposes become
/// reshapes.
void populateSimplifyLayoutPatterns(RewritePatternSet &patterns);

/// infer-simplify-layout's moves toward product epilogues (scalar scalings
/// below layout changes and products, unit reshapes above products and
/// biases, below residual adds). Not for infer-sink-layout, whose sinking
/// of layout changes below elementwise ops they would undo forever.
void populateEpilogueLayoutPatterns(RewritePatternSet &patterns);

/// Marks concatenations whose operands can be written in place.
void populateConcatInPlacePatterns(RewritePatternSet &patterns);

/// The attribute that marks an in-place concatenation.
inline constexpr llvm::StringLiteral kInPlaceAttr = "in_place";

/// Whether the operands of `op` can be written straight into its result;
/// otherwise `why` says what prevents it.
LogicalResult canConcatInPlace(ConcatOp op, std::string &why);

/// Decides whether `op` may join the epilogue of `anchor`'s group.
using EpilogueFilter = std::function<bool(Operation *anchor, Operation *op)>;

/// Groups the ops of `fn` into infer.fused regions (see InferFuse);
/// `views` clones layout changes into the groups that read them; a group
/// holds at most `maxGroupOps` ops; `epilogue` (default: isEpilogueOp)
/// says what a target's templates fuse after an anchor.
void fuseFunction(func::FuncOp fn, bool views = true, int64_t maxGroupOps = 64,
                  EpilogueFilter epilogue = nullptr);

/// The fusion pass with a target's epilogue filter (the driver's; the
/// registered --infer-fuse uses the default).
std::unique_ptr<Pass> createInferFuse(const InferFuseOptions &options,
                                      EpilogueFilter epilogue);

/// Runs the float ops of a function in `low` (f16 or bf16): casts around
/// them, cast pairs that cancel removed (see InferConvertPrecision).
void populateConvertPrecisionPatterns(RewritePatternSet &patterns, Type low);

/// Int8 products from the Q/DQ form: dequantizes sunk below ops that move
/// values, products of dequantized activations and float constant weights
/// computed on int8 with per-channel weights (see InferFoldQdq).
void populateFoldQdqPatterns(RewritePatternSet &patterns);

/// Rewrites 2-D convolutions on 16-bit floats into an NHWC matrix product:
/// transposes, padding, an im2col gather and a matmul against the
/// reordered weight (see InferConvToGemm).
void populateConvToGemmPatterns(RewritePatternSet &patterns);

/// Moves transposes and reshapes below the elementwise ops that use them,
/// so that inverse layout changes meet and cancel (see InferSinkLayout).
void populateSinkLayoutPatterns(RewritePatternSet &patterns);

/// Options of the graph optimization pipeline.
struct GraphPipelineOptions {
  /// 0: nothing; 1: cleanup (identity removal, constant folding,
  /// canonicalization, CSE); 2: also folding into weights, pattern
  /// recognition, layout simplification and fusion.
  int level = 2;
  /// The graph is for a GPU: attention stays matmul / softmax / matmul and
  /// layout changes are kernels of their own (every kernel splits into
  /// threads).
  bool gpu = false;
  /// "fp32", or "fp16" / "bf16": float ops run in that type, model inputs
  /// and outputs stay fp32; "int8": products whose inputs have a
  /// calibrated range run in int8 (infer-quantize), the rest in fp32.
  std::string precision = "fp32";
  /// int8: the calibration cache infer-quantize reads, and the ONNX nodes
  /// whose products stay float.
  std::string calibrationCache;
  std::vector<std::string> keepPrecision;
  /// int8: products whose input int8 costs a larger relative L2 error
  /// stay float (0: no limit).
  double maxQuantError = 0;
  /// Convolutions on 16-bit floats become NHWC matrix products (targets
  /// whose fastest kernel is a GEMM: CUDA sm_90a).
  bool convToGemm = false;
  /// What the target's templates fuse after an anchor (null: isEpilogueOp).
  EpilogueFilter epilogue;
  /// Remove channels pruning left all zero (infer-eliminate-zero-channels).
  bool eliminateZeroChannels = true;
  /// infer-sparse24: "enable" (use 2:4 weights), "force" (prune eligible
  /// weights to 2:4 first) or "disable" (neither 2:4 nor channel removal).
  std::string sparsity = "enable";
  /// Why the target leaves 2:4 weights dense (empty: it runs them sparse).
  std::string sparseDecline = "no 2:4 kernel for this target";
};

/// Prunes a copy of `module` as infer-sparse24 mode=force does and runs the
/// module and the copy on the reference interpreter with the same seeded
/// inputs (normal floats, zero integers); returns the largest relative L2
/// difference over the outputs.
FailureOr<double> measureForcedSparsityError(ModuleOp module, std::string &error);

/// Adds the graph optimization pipeline of `options.level` to `pm` (a
/// module pass manager).
void buildGraphPipeline(OpPassManager &pm, const GraphPipelineOptions &options);

/// Registers the `fuse` pass pipeline: `infer-opt --fuse` runs what
/// infer-compile -O2 runs on the graph.
void registerGraphPipelines();

#define GEN_PASS_REGISTRATION
#include "transforms/Passes.h.inc"

} // namespace infer
} // namespace mlir

#endif // INFER_TRANSFORMS_PASSES_H
