//===- Driver.h - ONNX-imported modules to .infer artifacts -----*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The compile pipeline behind infer-compile, infer-translate --emit-ptx and
// the conformance and fuzz harnesses: the target's backend, the graph
// passes at the chosen level shaped for it, tile configurations, one kernel
// per fusion group, a memory plan from liveness, the backend's machine code
// and the artifact that packs it all.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_DRIVER_H
#define INFER_CODEGEN_DRIVER_H

#include "codegen/core/KernelModule.h"
#include "codegen/core/SerializePlan.h"
#include "codegen/core/TuningCache.h"

#include "mlir/IR/BuiltinOps.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace mlir {
class PassManager;
} // namespace mlir

namespace mlir::infer {

/// One decision of the sparsity passes about a contraction.
struct SparsityNote {
  /// ONNX node names and op types (comma-separated).
  std::string node, op;
  /// "2:4", "declined", "dense" or "channels".
  std::string kind;
  /// The decision in words ("declined: K (27) is not a multiple of 4").
  std::string description;
  /// Share of the weights that are zero and unexploited (-1: not counted).
  double unusedZeroShare = -1;
  int64_t removedOutputs = 0, removedInputs = 0, flopsSaved = 0;
};

struct CompileOptions {
  /// "cpu" (the host), "cpu:<name>", "cuda" (sm_90a) or "cuda:<sm_XX>"; any
  /// registered backend.
  std::string target = "cpu";
  /// 0: no graph optimization; 1: cleanups; 2: everything (fusion).
  int optLevel = 2;
  /// "fp32", "fp16" or "bf16": the type float ops compute in (inputs and
  /// outputs stay fp32; accumulation is fp32).
  std::string precision = "fp32";
  /// int8: the calibration cache (activation ranges by ONNX tensor name)
  /// and the ONNX nodes whose products stay fp32.
  std::string calibrationCache;
  std::vector<std::string> keepPrecision;
  /// int8: products whose input int8 costs a larger relative L2 error stay
  /// fp32 (0: no limit).
  double maxQuantError = 0;
  CodegenOptions codegen;
  /// 2:4 sparsity and channel removal: "enable", "force" or "disable".
  std::string sparsity = "enable";
  /// Use the kernel templates (off: the generic linalg path for every op,
  /// for debugging).
  bool kernelTemplates = true;
  /// Called on the graph pass manager before it runs (IR printing options).
  std::function<void(PassManager &)> configurePassManager;
  /// Tile configurations measured before (a tuning cache's entries for
  /// this target's architecture and this compiler: kernel signature →
  /// tile), set before the heuristic's (infer-apply-tuning-cache);
  /// `tuningUse` counts what applied and what the target refused.
  std::map<std::string, std::string> tileConfigs;
  TuningUse *tuningUse = nullptr;
  /// Leave the plan in CompileResult::plan instead of writing the
  /// artifact (the specializations of a dynamic model are merged first).
  bool keepPlan = false;
};

/// A contraction worth tuning: its kernel signature, the ONNX nodes it
/// computes, its tile candidates (the heuristic's first, as attribute
/// text) and a module of it alone to measure them with (text: its weights
/// are splat constants, so it parses into any context).
struct TunableKernel {
  std::string signature, nodes;
  /// The ONNX node names of every instance of the signature in the model
  /// (a launch computing any of them runs this kernel).
  std::vector<std::string> nodeNames;
  std::vector<std::string> candidates;
  std::string module;
};

/// The tuning cache key of `target` on this machine ("" when the target
/// has nothing to tune); fails for an unknown target.
FailureOr<std::string> tuningArchOf(const std::string &target, std::string &error);

/// Runs the graph pipeline and the select-config pass of `options` on
/// `module` (consumed) and returns its distinct tunable contractions.
FailureOr<std::vector<TunableKernel>> collectTunableKernels(ModuleOp module,
                                                            const CompileOptions &options,
                                                            std::string &error);

struct CompileResult {
  ArtifactBytes artifact;
  /// With CompileOptions::keepPlan: the plan, not yet written.
  ArtifactPlan plan;
  std::vector<KernelSummary> kernels;
  uint64_t arenaBytes = 0;
  uint64_t weightBytes = 0;
  /// The target the artifact records ("cpu", "cuda:sm_90a").
  std::string target;
  /// The machine the code is for ("znver5", "sm_90a").
  std::string machine;
  /// Text listings of the code by name ("ptx").
  std::vector<std::pair<std::string, std::string>> listings;
  /// What the backend wants the user to know (no ptxas: PTX only).
  std::string note;
  /// What the sparsity passes did, one entry per decision (the module's
  /// `infer.sparsity` log, see ir/SparsityLog.h).
  std::vector<SparsityNote> sparsity;
  /// The same as a table for people.
  std::string sparsityTable;
};

/// Compiles the module's first function. Returns failure with `error`. The
/// module is consumed: its graph is rewritten, and the memory of its
/// weights is released once they are packed into the artifact.
FailureOr<CompileResult> compileModule(ModuleOp module,
                                       const CompileOptions &options,
                                       std::string &error);

/// "infer <version> (LLVM <version>)".
std::string compilerVersion();

} // namespace mlir::infer

#endif // INFER_CODEGEN_DRIVER_H
