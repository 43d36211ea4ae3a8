//===- Driver.cpp - ONNX-imported modules to .infer artifacts -------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Every step asks the target's backend; nothing here knows a target.
//
//===----------------------------------------------------------------------===//

#include "codegen/Driver.h"
#include "codegen/core/ArtifactWriter.h"
#include "codegen/core/TargetBackend.h"

#include "ir/ConstantView.h"
#include "ir/InferOps.h"
#include "ir/Provenance.h"
#include "ir/ShapeInference.h"
#include "transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassManager.h"
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include "llvm/Config/llvm-config.h"

using namespace mlir;
using namespace mlir::infer;

std::string mlir::infer::compilerVersion() {
  return "infer 0.1.0 (LLVM " LLVM_VERSION_STRING ")";
}

namespace {
RankedTensorType tensorType(Value v) {
  return llvm::cast<RankedTensorType>(v.getType());
}

/// Runs `pm` on `module`; on failure `error` holds the first error with the
/// ONNX nodes of its location.
LogicalResult runWithNodeErrors(PassManager &pm, ModuleOp module,
                                std::string &error) {
  std::string diagnostic;
  ScopedDiagnosticHandler handler(module.getContext(), [&](Diagnostic &d) {
    if (d.getSeverity() == DiagnosticSeverity::Error && diagnostic.empty()) {
      std::string where = describeNodes(d.getLocation());
      diagnostic = (where.empty() ? "" : where + ": ") + d.str();
    }
    return success();
  });
  if (succeeded(pm.run(module)))
    return success();
  error = diagnostic.empty() ? "graph optimization failed" : diagnostic;
  return failure();
}

/// Fails for a value whose shape is still dynamic after shape inference.
LogicalResult checkStatic(func::FuncOp fn, std::string &error) {
  for (auto [i, arg] : llvm::enumerate(fn.getArguments()))
    if (!tensorType(arg).hasStaticShape()) {
      auto name = fn.getArgAttrOfType<StringAttr>(i, "infer.name");
      error = "input '" + (name ? name.str() : std::to_string(i)) +
              "' has dynamic dimensions " +
              formatShape(tensorType(arg).getShape()) +
              "; compile for static shapes with --input-shape (or "
              "--dynamic-dim)";
      return failure();
    }
  return success();
}
} // namespace

FailureOr<CompileResult> mlir::infer::compileModule(ModuleOp module,
                                                    const CompileOptions &options,
                                                    std::string &error) {
  MLIRContext *ctx = module.getContext();
  // The target and the precision are checked before any work.
  std::unique_ptr<TargetBackend> backend =
      createTargetBackend(options.target, error);
  if (!backend)
    return failure();
  if (options.precision != "fp32" && options.precision != "fp16" &&
      options.precision != "bf16") {
    error = "unknown precision '" + options.precision +
            "' (supported: fp32, fp16, bf16)";
    return failure();
  }
  auto funcs = module.getOps<func::FuncOp>();
  if (funcs.empty()) {
    error = "the module has no function";
    return failure();
  }
  func::FuncOp fn = *funcs.begin();
  if (failed(checkStatic(fn, error)))
    return failure();

  // The graph, shaped for the target.
  PassManager pm(ctx, ModuleOp::getOperationName());
  if (options.configurePassManager)
    options.configurePassManager(pm);
  GraphShaping shaping = backend->graphShaping(options.precision);
  GraphPipelineOptions graph;
  graph.level = options.optLevel;
  graph.gpu = shaping.gpu;
  graph.precision = options.precision;
  graph.convToGemm = shaping.convToGemm && options.kernelTemplates;
  if (options.kernelTemplates)
    graph.epilogue = [&](Operation *anchor, Operation *op) {
      return backend->fusesIntoEpilogue(anchor, op);
    };
  buildGraphPipeline(pm, graph);
  if (failed(runWithNodeErrors(pm, module, error)))
    return failure();
  std::string dynamicError;
  fn.walk([&](Operation *op) {
    for (Value v : op->getResults())
      if (auto t = llvm::dyn_cast<RankedTensorType>(v.getType()))
        if (!t.hasStaticShape() && dynamicError.empty())
          dynamicError = "a value of shape " + formatShape(t.getShape()) +
                         " is still dynamic after shape inference";
  });
  if (!dynamicError.empty()) {
    error = dynamicError;
    return failure();
  }

  CompileResult result;
  result.target = backend->artifactTarget();
  result.machine = backend->machineName();
  ArtifactPlan plan;
  plan.compiler = compilerVersion();
  plan.target = backend->artifactTarget();
  if (auto src = module->getAttrOfType<StringAttr>("infer.source"))
    plan.source = src.str();
  if (failed(describeInterface(fn, plan, error)))
    return failure();

  // Tile configurations (kept as attributes), kernels and the plan.
  if (options.kernelTemplates)
    backend->selectConfigs(fn);
  auto kernels = std::make_unique<KernelModule>(ctx, *backend);
  if (failed(buildPlan(fn, options.kernelTemplates ? backend.get() : nullptr,
                       *kernels, plan, result.kernels, error)))
    return failure();
  if (kernels->size() > 0) {
    FailureOr<BackendOutput> out =
        backend->emitBinaries(*kernels, options.codegen, error);
    if (failed(out))
      return failure();
    plan.binaries = std::move(out->binaries);
    result.listings = std::move(out->listings);
    result.note = std::move(out->note);
  }
  result.arenaBytes = plan.arenaSize;
  result.weightBytes = plan.constants.size();
  // The kernels are binaries and the weights are in the plan now: the IR's
  // copies go before the artifact takes its own.
  kernels.reset();
  releaseAllWeights(ctx);
#ifdef __GLIBC__
  // Give the freed weights back to the system: glibc keeps freed heap
  // memory otherwise, and the artifact is about to take as much again.
  malloc_trim(0);
#endif
  result.artifact = writeArtifact(std::move(plan));
  return result;
}
