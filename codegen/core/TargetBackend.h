//===- TargetBackend.h - What every code generation target provides -*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// A target backend (cpu, cuda, and next to them vulkan) is a sibling
// library over codegen/core. It says what it can do (which ops its
// templates anchor, which epilogues they fuse), how the graph pipeline
// should shape the graph for it, which tile configurations its templates
// take, how its kernels are called and split (KernelConvention), and how
// its kernel module becomes machine code. The driver and the plan ask the
// backend; no code outside a backend asks "is this CUDA?".
// docs/Backends.md says how to add one.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CORE_TARGETBACKEND_H
#define INFER_CODEGEN_CORE_TARGETBACKEND_H

#include "codegen/core/KernelModule.h"
#include "codegen/core/TemplateKernel.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace mlir::infer {

/// How the graph pipeline shapes the graph for a target.
struct GraphShaping {
  /// Keep layout changes as kernels of their own and attention as matmul /
  /// softmax / matmul (every GPU kernel must split into threads).
  bool gpu = false;
  /// Convolutions become NHWC GEMMs (where GEMMs run on matrix units).
  bool convToGemm = false;
  /// f32 matrix products may run as TF32 on matrix units (the module gets
  /// `infer.tf32`, f32 convolutions become GEMMs when convToGemm).
  bool tf32 = false;
  /// Why 2:4 sparse weights stay dense on this target (empty: the target
  /// runs infer.sparse24 products on sparse kernels).
  std::string sparseDecline;
  /// Why --precision=fp8 cannot compile for this target (empty: its
  /// kernels take f8E4M3FN products).
  std::string fp8Unsupported = "the target has no fp8 kernels";
};

/// The machine code of a compiled kernel module, and what the user should
/// know about it.
struct BackendOutput {
  std::vector<ArtifactBinary> binaries;
  /// Text the tools can write out (CUDA: "ptx").
  std::vector<std::pair<std::string, std::string>> listings;
  /// A note for the user (ptxas missing: PTX only).
  std::string note;
};

class TargetBackend : public KernelConvention {
public:
  /// The target string the artifact records ("cpu", "cuda:sm_90a").
  virtual std::string artifactTarget() const = 0;
  /// The machine the code is for, for reports ("znver5", "sm_90a").
  virtual std::string machineName() const = 0;
  /// How the graph pipeline shapes the graph for this target, at
  /// `precision` ("fp32", "fp16", "bf16").
  virtual GraphShaping graphShaping(StringRef precision) const = 0;
  /// Whether `op` may join the epilogue of `anchor`'s fusion group on this
  /// target (what the fusion pass asks): what its templates apply in
  /// registers. The default is everything ir/Fusion.h allows.
  virtual bool fusesIntoEpilogue(Operation *anchor, Operation *op) const;
  /// Writes the tile configurations of the ops of `fn` its templates take
  /// (typed `infer.tile` attributes); the select-config pass of the
  /// backend runs this.
  virtual void selectConfigs(func::FuncOp fn) const = 0;
  /// Adds the backend's select-config pass (on functions) to `pm`.
  virtual void addConfigPasses(OpPassManager &pm) const = 0;
  /// Adds the passes lowering the kernel module (after
  /// infer-outline-kernels) to what emitBinaries takes: the LLVM dialect
  /// with the backend's entry points.
  virtual void addLoweringPasses(OpPassManager &pm,
                                 const CodegenOptions &options) const = 0;
  /// A template kernel for `group`, or none when no template applies (the
  /// group then becomes a generic kernel); failure is an error in a
  /// template that applied.
  virtual FailureOr<std::optional<TemplateKernel>>
  buildTemplate(const KernelGroup &group, KernelModule &kernels,
                std::string &error) const = 0;
  /// The architecture key of tuning cache entries ("cpu:znver3:avx2"); empty
  /// when this target has nothing to tune.
  virtual std::string tuningArch() const { return ""; }
  /// The tile configurations of `op` worth measuring, the heuristic's
  /// (the op's `infer.tile`, which select-config set) first; empty when
  /// `op` is not tunable.
  virtual std::vector<Attribute> tileCandidates(Operation *op) const { return {}; }
  /// Why `tile` cannot configure `op` on this target ("" when it can).
  virtual std::string checkTile(Operation *op, Attribute tile) const {
    return "this target takes no tile configurations";
  }
  /// Machine code of `kernels`, a kernel module its lowering passes
  /// lowered.
  virtual FailureOr<BackendOutput> emitBinaries(ModuleOp kernels,
                                                const CodegenOptions &options,
                                                std::string &error) const = 0;
};

/// Creates the backend for `arch` (after the target's "name:"; "" for the
/// default), or null with `error`.
using TargetBackendFactory = std::function<std::unique_ptr<TargetBackend>(
    StringRef arch, std::string &error)>;

/// Makes `--target=<name>[:<arch>]` create backends with `factory`; `help`
/// describes the accepted architectures.
void registerTargetBackend(StringRef name, StringRef help,
                           TargetBackendFactory factory);

/// The backend for a `--target` value ("cpu", "cpu:znver4", "cuda",
/// "cuda:sm_80"), or null with `error` naming the registered targets.
std::unique_ptr<TargetBackend> createTargetBackend(StringRef target,
                                                   std::string &error);

/// "cpu, cpu:<cpu-name>, cuda, cuda:<sm_XX>" for the registered targets.
std::string describeTargetBackends();

} // namespace mlir::infer

#endif // INFER_CODEGEN_CORE_TARGETBACKEND_H
