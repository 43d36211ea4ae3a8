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
#include "codegen/core/Passes.h"
#include "codegen/core/SerializePlan.h"
#include "codegen/core/TargetBackend.h"
#include "codegen/core/TemplateKernel.h"

#include "ir/ConstantView.h"
#include "ir/InferOps.h"
#include "ir/Provenance.h"
#include "ir/ShapeInference.h"
#include "ir/SparsityLog.h"
#include "transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Pass/PassManager.h"
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include "llvm/Config/llvm-config.h"

using namespace mlir;
using namespace mlir::infer;

std::string mlir::infer::compilerVersion() { return compilerVersionString(); }

namespace {
/// Copies the module's sparsity log into the result.
void collectSparsity(ModuleOp module, CompileResult &result) {
  ArrayRef<Attribute> log = sparsityLog(module);
  for (Attribute a : log) {
    auto entry = llvm::dyn_cast<DictionaryAttr>(a);
    if (!entry)
      continue;
    auto str = [&](StringRef k) {
      auto s = entry.getAs<StringAttr>(k);
      return s ? s.str() : std::string();
    };
    auto num = [&](StringRef k) -> int64_t {
      auto i = entry.getAs<IntegerAttr>(k);
      return i ? i.getInt() : 0;
    };
    SparsityNote n;
    n.node = str("node");
    n.op = str("op");
    n.kind = str("kind");
    n.description = describeSparsityEntry(entry);
    n.unusedZeroShare = unstructuredZeroShare(entry);
    n.removedOutputs = num("removed_outputs");
    n.removedInputs = num("removed_inputs");
    n.flopsSaved = num("flops_saved");
    result.sparsity.push_back(std::move(n));
  }
  if (!log.empty()) {
    llvm::raw_string_ostream os(result.sparsityTable);
    printSparsityTable(log, os);
  }
}

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
  error = diagnostic.empty() ? "compilation failed" : diagnostic;
  return failure();
}

/// Calls `fn`; on failure `error` holds the first diagnostic it emitted,
/// with the ONNX nodes of its location.
LogicalResult withNodeErrors(MLIRContext *ctx, std::string &error,
                             function_ref<LogicalResult()> fn) {
  std::string diagnostic;
  ScopedDiagnosticHandler handler(ctx, [&](Diagnostic &d) {
    if (d.getSeverity() == DiagnosticSeverity::Error && diagnostic.empty()) {
      std::string where = describeNodes(d.getLocation());
      diagnostic = (where.empty() ? "" : where + ": ") + d.str();
    }
    return success();
  });
  if (succeeded(fn()))
    return success();
  if (error.empty())
    error = diagnostic.empty() ? "compilation failed" : diagnostic;
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

/// The graph passes shaped for `backend`, then the tile configurations (a
/// tuning cache's, then the heuristic's) when templates are on.
static void addGraphAndConfigPasses(PassManager &pm, ModuleOp module,
                                    const TargetBackend &backend,
                                    const CompileOptions &options) {
  GraphShaping shaping = backend.graphShaping(options.precision);
  // fp32 products may run as TF32 where the target has it (the module says
  // so, for every pass and template after); fp32-strict never.
  if (shaping.tf32 && options.kernelTemplates)
    module->setAttr(InferDialect::getTf32AttrName(), UnitAttr::get(module.getContext()));
  GraphPipelineOptions graph;
  graph.level = options.optLevel;
  graph.gpu = shaping.gpu;
  graph.precision =
      options.precision == "fp32-strict" ? std::string("fp32") : options.precision;
  graph.calibrationCache = options.calibrationCache;
  graph.keepPrecision = options.keepPrecision;
  graph.maxQuantError = options.maxQuantError;
  graph.convToGemm = shaping.convToGemm && options.kernelTemplates;
  graph.sparsity = options.sparsity;
  graph.sparseDecline = shaping.sparseDecline;
  if (options.kernelTemplates) {
    const TargetBackend *b = &backend;
    graph.epilogue = [b](Operation *anchor, Operation *op) {
      return b->fusesIntoEpilogue(anchor, op);
    };
  }
  buildGraphPipeline(pm, graph);
  if (options.kernelTemplates) {
    if (!options.tileConfigs.empty())
      pm.addPass(createApplyTuningCachePass(backend, options.tileConfigs, options.tuningUse));
    backend.addConfigPasses(pm);
  }
}

FailureOr<CompileResult> mlir::infer::compileModule(ModuleOp module,
                                                    const CompileOptions &options,
                                                    std::string &error) {
  MLIRContext *ctx = module.getContext();
  // The target and the precision are checked before any work.
  std::unique_ptr<TargetBackend> backend =
      createTargetBackend(options.target, error);
  if (!backend)
    return failure();
  if (options.precision != "fp32" && options.precision != "fp32-strict" &&
      options.precision != "fp16" && options.precision != "bf16" &&
      options.precision != "int8" && options.precision != "fp8") {
    error = "unknown precision '" + options.precision +
            "' (supported: fp32, fp32-strict, fp16, bf16, int8, fp8)";
    return failure();
  }
  if (options.precision == "fp8") {
    std::string why = backend->graphShaping(options.precision).fp8Unsupported;
    if (!why.empty()) {
      error = "--precision=fp8: " + why;
      return failure();
    }
  }
  auto funcs = module.getOps<func::FuncOp>();
  if (funcs.empty()) {
    error = "the module has no function";
    return failure();
  }
  func::FuncOp fn = *funcs.begin();
  if (failed(checkStatic(fn, error)))
    return failure();

  // The graph, shaped for the target, then the codegen stages: tile
  // configurations, kernels, buffers, the backend's lowering.
  PassManager pm(ctx, ModuleOp::getOperationName());
  if (options.configurePassManager)
    options.configurePassManager(pm);
  if (options.codegen.dumpStages) {
    // --dump-kernels: the kernel module after every stage that touches it.
    ctx->disableMultithreading();
    pm.enableIRPrinting([](Pass *, Operation *) { return false; },
                        [](Pass *, Operation *op) {
                          return op->hasAttr(DispatchOp::getKernelsAttrName());
                        });
  }
  addGraphAndConfigPasses(pm, module, *backend, options);
  pm.addPass(createOutlineKernelsPass(*backend, options.kernelTemplates));
  pm.addPass(createInferPlanBuffers());
  backend->addLoweringPasses(pm, options.codegen);
  if (failed(runWithNodeErrors(pm, module, error)))
    return failure();

  CompileResult result;
  collectSparsity(module, result);
  result.target = backend->artifactTarget();
  result.machine = backend->machineName();
  ArtifactPlan plan;
  plan.compiler = compilerVersion();
  plan.target = backend->artifactTarget();
  if (auto src = module->getAttrOfType<StringAttr>("infer.source"))
    plan.source = src.str();
  if (failed(withNodeErrors(ctx, error,
                            [&] { return describeInterface(fn, plan); })))
    return failure();

  // Machine code; the kernels' IR goes once compiled.
  if (ModuleOp kernels = KernelModule::find(module)) {
    if (!kernels.getBody()->empty()) {
      // A backend refusing a kernel reports at the kernel's location: the
      // message names its ONNX nodes.
      FailureOr<BackendOutput> out = failure();
      if (failed(withNodeErrors(ctx, error, [&] {
            out = backend->emitBinaries(kernels, options.codegen, error);
            return LogicalResult(out);
          })))
        return failure();
      plan.binaries = std::move(out->binaries);
      result.listings = std::move(out->listings);
      result.note = std::move(out->note);
    }
    kernels.erase();
  }
  // The plan, read off the graph; each weight moves into it.
  if (failed(withNodeErrors(ctx, error, [&] {
        return serializePlan(fn, plan, result.kernels);
      })))
    return failure();
  result.arenaBytes = plan.arenaSize;
  result.weightBytes = plan.constants.size();
  releaseAllWeights(ctx);
#ifdef __GLIBC__
  // Give the freed weights back to the system: glibc keeps freed heap
  // memory otherwise, and the artifact is about to take as much again.
  malloc_trim(0);
#endif
  if (options.keepPlan)
    result.plan = std::move(plan);
  else
    result.artifact = writeArtifact(std::move(plan));
  return result;
}

FailureOr<std::string> mlir::infer::tuningArchOf(const std::string &target,
                                                 std::string &error) {
  std::unique_ptr<TargetBackend> backend = createTargetBackend(target, error);
  if (!backend)
    return failure();
  return backend->tuningArch();
}

/// A module computing `op` alone: its constant operands as splat
/// constants of their types, the others as arguments.
static std::string tuningModuleOf(Operation *op) {
  MLIRContext *ctx = op->getContext();
  OpBuilder b(ctx);
  OwningOpRef<ModuleOp> m = ModuleOp::create(op->getLoc());
  b.setInsertionPointToEnd(m->getBody());
  SmallVector<Type> args;
  // Inside a fusion group an operand is a block argument of the group:
  // whether it is a constant is known outside.
  auto isConst = [](Value v) { return outerValue(v).getDefiningOp<ConstantOp>() != nullptr; };
  for (Value v : op->getOperands())
    if (!isConst(v))
      args.push_back(v.getType());
  auto fn = func::FuncOp::create(b, op->getLoc(), "main",
                                 b.getFunctionType(args, op->getResultTypes()));
  Block *entry = fn.addEntryBlock();
  b.setInsertionPointToStart(entry);
  IRMapping map;
  unsigned next = 0;
  for (Value v : op->getOperands()) {
    if (!isConst(v)) {
      fn.setArgAttr(next, "infer.name", b.getStringAttr("in" + std::to_string(next)));
      map.map(v, entry->getArgument(next++));
      continue;
    }
    auto t = llvm::cast<RankedTensorType>(v.getType());
    Type et = t.getElementType();
    ElementsAttr value;
    if (llvm::isa<FloatType>(et)) {
      value = DenseElementsAttr::get(t, Attribute(FloatAttr::get(et, 0.01)));
    } else if (llvm::isa<IntegerType>(et)) {
      value = DenseElementsAttr::get(t, Attribute(IntegerAttr::get(et, 1)));
    } else if (llvm::isa<quant::QuantizedType>(et)) {
      // Quantized weights (int8) have no dense splat form: ones in their
      // storage.
      ConstantBuilder ones(t);
      for (int64_t i = 0; i < ones.size(); ++i)
        ones.setInt(i, 1);
      value = ones.finish("tuning_weight");
    } else {
      // Any other element type: the weight itself.
      value = outerValue(v).getDefiningOp<ConstantOp>().getValue();
    }
    map.map(v, ConstantOp::create(b, op->getLoc(), value));
  }
  Operation *clone = b.clone(*op, map);
  func::ReturnOp::create(b, op->getLoc(), clone->getResults());
  for (unsigned i = 0; i < clone->getNumResults(); ++i)
    fn.setResultAttr(i, "infer.name", b.getStringAttr("out" + std::to_string(i)));
  std::string text;
  llvm::raw_string_ostream os(text);
  m->print(os);
  return text;
}

FailureOr<std::vector<TunableKernel>>
mlir::infer::collectTunableKernels(ModuleOp module, const CompileOptions &options,
                                   std::string &error) {
  MLIRContext *ctx = module.getContext();
  std::unique_ptr<TargetBackend> backend = createTargetBackend(options.target, error);
  if (!backend)
    return failure();
  auto funcs = module.getOps<func::FuncOp>();
  if (funcs.empty()) {
    error = "the module has no function";
    return failure();
  }
  if (failed(checkStatic(*funcs.begin(), error)))
    return failure();
  PassManager pm(ctx, ModuleOp::getOperationName());
  CompileOptions withTemplates = options;
  withTemplates.kernelTemplates = true;
  addGraphAndConfigPasses(pm, module, *backend, withTemplates);
  if (failed(runWithNodeErrors(pm, module, error)))
    return failure();
  std::vector<TunableKernel> kernels;
  std::map<std::string, size_t> bySignature;
  module.walk([&](Operation *op) {
    if (!op->hasAttr(InferDialect::getTileAttrName()))
      return;
    std::vector<Attribute> candidates = backend->tileCandidates(op);
    if (candidates.size() < 2)
      return;
    std::string signature = kernelSignature(op);
    std::string nodes = describeNodes(op->getLoc());
    std::vector<std::string> names = nodeNames(op->getLoc());
    auto [it, fresh] = bySignature.emplace(signature, kernels.size());
    if (!fresh) {
      kernels[it->second].nodes += ", " + nodes;
      llvm::append_range(kernels[it->second].nodeNames, names);
      return;
    }
    TunableKernel k;
    k.signature = signature;
    k.nodes = nodes;
    k.nodeNames = std::move(names);
    for (Attribute a : candidates) {
      std::string text;
      llvm::raw_string_ostream os(text);
      os << a;
      k.candidates.push_back(text);
    }
    k.module = tuningModuleOf(op);
    kernels.push_back(std::move(k));
  });
  return kernels;
}
