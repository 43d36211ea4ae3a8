//===- infer-compile.cpp - ONNX model to .infer artifact ------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// infer-compile MODEL.onnx -o OUT.infer [--target=cpu[:<cpu>]] [-O0|-O1|-O2]
//               [--report=FILE.json|-] [--input-shape NAME=DIMS]...
//               [--profile NAME:min=DIMS,opt=DIMS,max=DIMS]...
//
// Imports the model (ONNX binary or text, or infer IR in .mlir), optimizes
// the graph, generates the kernels and writes the artifact atomically: on
// any error nothing is written and the exit code is 1. MLIR's pass manager
// options (--mlir-print-ir-after-all, --mlir-timing, ...) apply to the
// graph passes.
//
//===----------------------------------------------------------------------===//

#include "codegen/Driver.h"
#include "codegen/InitAllBackends.h"
#include "codegen/core/Passes.h"
#include "tools/infer-compile/Tune.h"
#include "frontend/OnnxImporter.h"
#include "tools/infer-compile/BindInput.h"
#include "tools/infer-compile/Profiles.h"
#include "transforms/PadAnalysis.h"

#include "ir/InferOps.h"
#include "transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <chrono>
#include <map>
#include <optional>
#include <functional>
#include <cstdio>

using namespace mlir;
namespace cl = llvm::cl;

static cl::OptionCategory category("infer-compile options");
static cl::opt<std::string> modelPath(cl::Positional, cl::Required,
                                      cl::desc("<model.onnx | model.mlir>"),
                                      cl::cat(category));
static cl::opt<std::string> outputPath("o", cl::Required,
                                       cl::desc("Output artifact (.infer)"),
                                       cl::value_desc("file"), cl::cat(category));
static cl::opt<std::string>
    target("target", cl::init("cpu"),
           cl::desc("cpu (this machine), cpu:<name> (skylake-avx512, "
                    "znver4, x86-64-v3, ...), cuda (sm_90a), cuda:<sm_XX> "
                    "(sm_80, sm_86, sm_89, sm_90, sm_90a), vulkan or "
                    "vulkan:<features> (-fp16, -fp64, -int8, -int16, -int64)"),
           cl::cat(category));
static cl::opt<std::string>
    precision("precision", cl::init("fp32"),
              cl::desc("Arithmetic precision: fp32 (matrix products as TF32 "
                       "on tensor cores where the target has them, as "
                       "TensorRT does), fp32-strict (never TF32), fp16 or "
                       "bf16 (float ops in that type, fp32 accumulation, "
                       "fp32 inputs and outputs), int8 (convolutions and "
                       "matrix products in int8 with the ranges of "
                       "--calibration-cache, the rest fp32), fp8 (the same "
                       "in f8E4M3FN with fp32 sums; cuda:sm_90a)"),
              cl::cat(category));
static cl::opt<std::string> calibrationCache(
    "calibration-cache",
    cl::desc("--precision=int8 or fp8: the activation ranges, as infer-run "
             "--calibrate writes them; with --calibration-data, where the "
             "calibration writes them (a cache that exists is used as it is)"),
    cl::value_desc("file"), cl::cat(category));
static cl::opt<std::string> calibrationData(
    "calibration-data",
    cl::desc("--precision=int8 or fp8: calibrate first on the samples in this "
             "directory (one subdirectory per sample, NAME.npy or NAME.pb per "
             "input), running the fp32 engine for this CPU with every tensor "
             "returned (infer-run --calibrate)"),
    cl::value_desc("dir"), cl::cat(category));
static cl::opt<std::string> calibrator(
    "calibrator", cl::init("entropy"),
    cl::desc("--calibration-data: minmax, entropy (TensorRT's KL method), "
             "percentile[=99.99] or mse"),
    cl::cat(category));
static cl::opt<double> maxQuantError(
    "max-quant-error", cl::init(0.0),
    cl::desc("--precision=int8: products whose input int8 would cost a larger "
             "relative L2 error (measured by the calibration, the cache's "
             "error column) stay fp32; 0: no limit"),
    cl::cat(category));
static cl::list<std::string> keepPrecision(
    "keep-precision", cl::CommaSeparated,
    cl::desc("--precision=int8 or fp8: ONNX nodes whose products stay fp32"),
    cl::value_desc("nodes"), cl::cat(category));
static cl::opt<std::string> sparsity(
    "sparsity", cl::init("enable"),
    cl::desc("2:4 structured sparsity and pruned channels: enable (use 2:4 "
             "weights where the target has sparse kernels, remove all-zero "
             "channels), force (also prune eligible weights to 2:4 by "
             "magnitude: changes the results) or disable"),
    cl::cat(category));
static cl::opt<std::string>
    ptxPath("emit-ptx", cl::desc("CUDA targets: also write the PTX here"),
            cl::value_desc("file"), cl::cat(category));
static cl::opt<std::string>
    spirvPath("emit-spirv",
              cl::desc("Vulkan targets: also write the SPIR-V binary here"),
              cl::value_desc("file"), cl::cat(category));
static cl::opt<std::string>
    llvmIRPath("emit-llvmir",
               cl::desc("Also write the kernels' optimized LLVM IR here"),
               cl::value_desc("file"), cl::cat(category));
static cl::opt<unsigned> optLevel("O", cl::Prefix, cl::init(2),
                                  cl::desc("Graph optimization level (0-2)"),
                                  cl::cat(category));
static cl::opt<std::string>
    reportPath("report",
               cl::desc("Write a JSON report of the kernels, or '-' for a "
                        "summary on stdout"),
               cl::value_desc("file"), cl::cat(category));
static cl::list<std::string>
    inputShapes("input-shape", cl::desc("Pin an input's shape: NAME=D0xD1x..."),
                cl::cat(category));
static cl::list<std::string> sequenceLengths(
    "sequence-length",
    cl::desc("Number of elements of a sequence input: NAME=N (element i is the "
             "input NAME[i]; pin its shape with --input-shape 'NAME[i]=...')"),
    cl::cat(category));
static cl::list<std::string>
    absentInputs("absent-input", cl::desc("An optional input compiled as given no value"),
                 cl::value_desc("name"), cl::cat(category));
static cl::list<std::string> bindInputs(
    "bind-input",
    cl::desc("Compile a graph input as a constant: NAME=FILE (.npy or TensorProto .pb); "
             "for inputs that choose a branch or a size (a sample rate, a trip count), "
             "which infer specializes on"),
    cl::value_desc("name=file"), cl::cat(category));
static cl::opt<int64_t>
    dynamicDim("dynamic-dim", cl::init(1),
               cl::desc("Value of every dynamic input dimension not pinned by "
                        "--input-shape (default 1)"),
               cl::cat(category));
static cl::list<std::string> markOutputs(
    "mark-outputs", cl::CommaSeparated,
    cl::desc("Also return these tensors of the ONNX graph (names, comma "
             "separated), or 'all': every node output computed at run time, "
             "to compare layer by layer with another runtime (fusion stops "
             "at each marked tensor)"),
    cl::value_desc("names|all"), cl::cat(category));
static cl::opt<bool> dumpKernels("dump-kernels",
                                 cl::desc("Print the kernel module after "
                                          "each code generation stage"),
                                 cl::cat(category));
static cl::opt<std::string>
    keepTemps("keep-temps", cl::desc("Keep the object and shared object here"),
              cl::value_desc("dir"), cl::cat(category));

static cl::list<std::string> profiles(
    "profile",
    cl::desc("A dynamic input's shape range: NAME:min=DIMS,opt=DIMS,max=DIMS (as trtexec's "
             "--minShapes/--optShapes/--maxShapes), once per dynamic input; the artifact "
             "runs any shape in the range (infer-run --shape, infer_context_set_input_shape)"),
    cl::value_desc("name:min=..,opt=..,max=.."), cl::cat(category));
static cl::opt<unsigned> maxSpecializations(
    "max-specializations", cl::init(32),
    cl::desc("--profile: the most plans the artifact may hold (one per specialization of "
             "the dynamic dimensions)"),
    cl::cat(category));

static cl::opt<bool>
    tune("tune", cl::desc("Measure every contraction's tile candidates on this machine "
                          "(CPU target) and compile with the fastest; with "
                          "--tuning-cache, kernels it holds are not measured again and "
                          "the new measurements are added to it"),
         cl::cat(category));
static cl::opt<std::string>
    tuningCachePath("tuning-cache",
                    cl::desc("Tile configurations measured before (JSON lines, written by "
                             "--tune, merged by infer-tune): used instead of the heuristic's "
                             "for the kernels it holds"),
                    cl::value_desc("file"), cl::cat(category));
static cl::opt<std::string> tuningDevice(
    "tuning-device",
    cl::desc("--tuning-cache: use the entries measured on this device (a GPU's name as "
             "infer-run --tune records it, e.g. 'NVIDIA H200 (sm_90)'); default: any, the "
             "fastest of each kernel"),
    cl::value_desc("name"), cl::cat(category));
static cl::opt<bool> tuneCandidates(
    "tune-candidates",
    cl::desc("Write to -o, instead of the model, every distinct contraction's tile candidates, "
             "each compiled alone, for infer-run CANDIDATES --tune --tuning-cache=F to time on "
             "the target machine (no compiler needed there); then compile with --tuning-cache=F"),
    cl::cat(category));
static cl::opt<int> tuneThreads("tune-threads", cl::init(0),
                                cl::desc("--tune: threads the candidates run on (default: "
                                         "all cores; use the count the engine will run with)"),
                                cl::cat(category));
static cl::opt<double> tuneModelGain(
    "tune-model-gain", cl::init(2.0),
    cl::desc("--tune: a tile that beat the heuristic's alone is kept only if its kernels are "
             "at least this many percent faster in the whole model, both compiled and run "
             "alternately, and the tiles kept only if together they make the whole model "
             "this much faster (default 2; 0 keeps any gain, 100 keeps every heuristic tile; "
             "a negative value skips the check)"),
    cl::value_desc("percent"), cl::cat(category));

static int fail(const std::string &message) {
  llvm::errs() << "infer-compile: error: " << message << "\n";
  return 1;
}

/// --profile's dimensions, when given, and the error of compiling them.
static std::optional<infer::DynamicDims> dynamicDims;
static std::string profileError;

/// The import options the shape flags give (--dynamic-dim, --input-shape,
/// --profile's opt shapes).
static LogicalResult shapeOptions(infer::OnnxImportOptions &options,
                                  std::string &error) {
  options.dynamicDimValue = dynamicDim;
  for (const std::string &spec : inputShapes)
    if (failed(infer::parseInputShape(spec, options, error)))
      return failure();
  if (dynamicDims)
    for (const auto &[name, shape] : dynamicDims->optShapes) {
      if (options.inputShapes.count(name)) {
        error = "input '" + name + "' has both --input-shape and --profile";
        return failure();
      }
      options.inputShapes[name] = shape;
    }
  for (const std::string &spec : sequenceLengths)
    if (failed(infer::parseSequenceLength(spec, options, error)))
      return failure();
  options.absentInputs.insert(absentInputs.begin(), absentInputs.end());
  return success();
}

/// --bind-input's tensors, in `ctx` (the import's context).
static LogicalResult bindOptions(MLIRContext &ctx, infer::OnnxImportOptions &options,
                                 std::string &error) {
  for (const std::string &spec : bindInputs) {
    size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0) {
      error = "--bind-input '" + spec + "' is not NAME=FILE";
      return failure();
    }
    std::string name = spec.substr(0, eq), file = spec.substr(eq + 1);
    FailureOr<mlir::infer::reference::Tensor> t = readBoundTensor(ctx, file, error);
    if (failed(t)) {
      error = "--bind-input " + name + ": " + error;
      return failure();
    }
    options.boundInputs.emplace(name, std::move(*t));
  }
  return success();
}

/// --calibration-data: compiles the model in fp32 for this CPU with every
/// tensor marked as an output into a temporary artifact, then runs
/// `infer-run --calibrate` (installed next to infer-compile) on it, which
/// writes the cache at `cache`. Empty on success, else the error.
static std::string calibrate(const char *argv0, const std::string &cache) {
  MLIRContext context;
  DialectRegistry registry;
  infer::registerImportDialects(registry);
  context.appendDialectRegistry(registry);
  context.loadAllAvailableDialects();
  infer::OnnxImportOptions importOptions;
  importOptions.markAllOutputs = true;
  std::string error;
  if (failed(shapeOptions(importOptions, error)) ||
      failed(bindOptions(context, importOptions, error)))
    return error;
  OwningOpRef<ModuleOp> module =
      infer::importOnnxFile(context, modelPath, importOptions, error);
  if (!module)
    return error;
  llvm::SmallString<256> abs(modelPath);
  llvm::sys::fs::make_absolute(abs);
  (*module)->setAttr("infer.source", StringAttr::get(&context, abs));
  infer::CompileOptions options;
  options.target = "cpu";
  FailureOr<infer::CompileResult> result =
      infer::compileModule(*module, options, error);
  if (failed(result))
    return "the fp32 engine for calibration: " + error;
  llvm::SmallString<128> artifact;
  int fd = -1;
  if (llvm::sys::fs::createTemporaryFile("infer-calibration", "infer", fd, artifact))
    return "cannot create a temporary file for the calibration engine";
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    result->artifact.forEachPart(
        [&](const uint8_t *p, size_t n) { os.write(reinterpret_cast<const char *>(p), n); });
    if (os.has_error()) {
      llvm::sys::fs::remove(artifact);
      return "cannot write the calibration engine to '" + artifact.str().str() + "'";
    }
  }
  std::string self = llvm::sys::fs::getMainExecutable(
      argv0, reinterpret_cast<void *>(&calibrate));
  llvm::SmallString<256> runner(llvm::sys::path::parent_path(self));
  llvm::sys::path::append(runner, "infer-run");
  if (!llvm::sys::fs::can_execute(runner)) {
    llvm::sys::fs::remove(artifact);
    return "--calibration-data runs infer-run, which is not next to infer-compile ('" +
           runner.str().str() + "')";
  }
  llvm::SmallVector<StringRef> args{runner, artifact, "--calibrate", calibrationData,
                                    "--calibrator", calibrator, "--calibration-cache", cache};
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(runner, args, std::nullopt, {}, 0, 0, &message);
  llvm::sys::fs::remove(artifact);
  if (rc != 0)
    return "calibration on '" + calibrationData + "' failed (infer-run's error above" +
           (message.empty() ? "" : ": " + message) + ")";
  return "";
}

static void printSummary(const infer::CompileResult &r, double seconds) {
  std::printf("%-18s %-22s %-5s %10s %10s %6s  %s\n", "kernel", "kind", "prec",
              "MFLOP", "KiB", "grid", "ONNX nodes");
  double flops = 0;
  int underfilled = 0, cached = 0;
  for (const infer::KernelSummary &k : r.kernels) {
    std::string nodes;
    for (const std::string &n : k.nodes)
      nodes += (nodes.empty() ? "" : ", ") + n;
    bool under = infer::underfillsGpu(k);
    underfilled += under;
    // A tile from the tuning cache is marked in the kind column.
    std::string kind = k.configSource == "cache" ? k.kind + " [cache]" : k.kind;
    cached += k.configSource == "cache";
    std::printf("%-18s %-22s %-5s %10.2f %10.1f %6lld%s %s\n", k.symbol.c_str(),
                kind.c_str(), k.precision.c_str(), k.flops / 1e6, k.bytes / 1024.0,
                static_cast<long long>(k.grid), under ? "!" : " ",
                nodes.c_str());
    flops += k.flops;
  }
  if (cached)
    std::printf("%d kernels marked [cache] run the tile configuration of the tuning cache\n",
                cached);
  if (underfilled)
    std::printf("%d kernels marked ! run on fewer GPU threads than their "
                "output has points and a GPU needs (%lld)\n",
                underfilled, static_cast<long long>(infer::kGpuFillThreads));
  // The sparsity table when a weight was sparse, pruned or a candidate
  // (products of two activations, as attention's, are no news).
  if (llvm::any_of(r.sparsity, [](const infer::SparsityNote &n) {
        return n.kind != "dense" &&
               !llvm::StringRef(n.description).contains("activation operand");
      }))
    std::printf("%s", r.sparsityTable.c_str());
  std::printf("%zu kernels, %.1f GFLOP, arena %.1f MiB, weights %.1f MiB, "
              "target %s (%s), compiled in %.2f s\n",
              r.kernels.size(), flops / 1e9, r.arenaBytes / 1048576.0,
              r.weightBytes / 1048576.0, r.target.c_str(), r.machine.c_str(),
              seconds);
}

/// The --report JSON.
static std::string jsonReport(const infer::CompileResult &r, double seconds,
                              std::optional<double> forcedError) {
  nlohmann::json report;
  report["model"] = modelPath;
  report["artifact"] = outputPath;
  report["compiler"] = infer::compilerVersion();
  report["target"] = r.target;
  report["cpu"] = r.machine;
  report["opt_level"] = optLevel.getValue();
  report["compile_seconds"] = seconds;
  report["arena_bytes"] = r.arenaBytes;
  report["weight_bytes"] = r.weightBytes;
  // Sparsity by ONNX node: what each kernel's contractions got.
  std::map<std::string, std::vector<std::string>> sparsityOf;
  nlohmann::json sparsity = nlohmann::json::array();
  for (const infer::SparsityNote &n : r.sparsity) {
    nlohmann::json e = {{"onnx_node", n.node},
                        {"op", n.op},
                        {"kind", n.kind},
                        {"sparsity", n.description}};
    if (n.unusedZeroShare >= 0)
      e["unused_zero_share"] = n.unusedZeroShare;
    if (n.kind == "channels") {
      e["removed_outputs"] = n.removedOutputs;
      e["removed_inputs"] = n.removedInputs;
      e["flops_saved"] = n.flopsSaved;
    }
    sparsity.push_back(e);
    for (llvm::StringRef node : llvm::split(n.node, ", "))
      sparsityOf[node.str()].push_back(n.description);
  }
  report["sparsity"] = sparsity;
  if (forcedError)
    report["sparsity_force_rel_l2"] = *forcedError;
  nlohmann::json kernels = nlohmann::json::array();
  int64_t flops = 0;
  for (const infer::KernelSummary &k : r.kernels) {
    kernels.push_back({{"symbol", k.symbol},
                       {"kind", k.kind},
                       {"pattern", k.pattern},
                       {"precision", k.precision},
                       {"onnx_nodes", k.nodes},
                       {"flops", k.flops},
                       {"bytes", k.bytes},
                       {"grid", k.grid}});
    if (!k.config.empty()) {
      kernels.back()["config"] = k.config;
      kernels.back()["config_source"] = k.configSource;
    }
    std::vector<std::string> notes;
    for (const std::string &node : k.nodes) {
      auto it = sparsityOf.find(node);
      if (it != sparsityOf.end())
        for (const std::string &n : it->second)
          if (std::find(notes.begin(), notes.end(), n) == notes.end())
            notes.push_back(n);
    }
    if (!notes.empty())
      kernels.back()["sparsity"] = notes;
    if (k.threads > 0) {
      kernels.back()["threads"] = k.threads;
      kernels.back()["fills_gpu"] = !infer::underfillsGpu(k);
    }
    flops += k.flops;
  }
  report["kernels"] = kernels;
  report["kernel_count"] = r.kernels.size();
  report["flops"] = flops;
  return report.dump(2) + "\n";
}

/// An output file and what writes its bytes.
struct Output {
  std::string path;
  std::function<void(llvm::raw_ostream &)> write;
};

/// Writes each output to a temporary file next to it (removed on SIGINT /
/// SIGTERM), then renames them all into place; on any failure none is
/// left.
static LogicalResult writeAll(const std::vector<Output> &outputs,
                              std::string &error) {
  std::vector<llvm::sys::fs::TempFile> temps;
  auto discardAll = [&] {
    for (llvm::sys::fs::TempFile &t : temps)
      llvm::consumeError(t.discard());
    return failure();
  };
  for (const auto &[path, write] : outputs) {
    llvm::Expected<llvm::sys::fs::TempFile> temp =
        llvm::sys::fs::TempFile::create(path + "-%%%%%%.tmp");
    if (!temp) {
      error = "cannot write '" + path + "': " +
              llvm::toString(temp.takeError());
      return discardAll();
    }
    temps.push_back(std::move(*temp));
    llvm::raw_fd_ostream out(temps.back().FD, /*shouldClose=*/false);
    write(out);
    out.flush();
    if (out.has_error()) {
      error = "cannot write '" + path + "': " + out.error().message();
      out.clear_error();
      return discardAll();
    }
  }
  for (size_t i = 0; i < temps.size(); ++i)
    if (llvm::Error e = temps[i].keep(outputs[i].path)) {
      error = "cannot write '" + outputs[i].path + "': " +
              llvm::toString(std::move(e));
      for (size_t j = i + 1; j < temps.size(); ++j)
        llvm::consumeError(temps[j].discard());
      return failure();
    }
  return success();
}

using ImportAt = std::function<OwningOpRef<ModuleOp>(
    MLIRContext &, const std::map<std::string, std::vector<int64_t>> &)>;

/// --profile: proves which dimensions may run padded, compiles one plan
/// per specialization (the opt one from `optModule`), and merges them into
/// one artifact. Returns the opt plan's result with the merged artifact.
static FailureOr<infer::CompileResult>
compileProfiles(ModuleOp optModule, infer::CompileOptions options,
                const DialectRegistry &registry, const ImportAt &importAt) {
  std::string &error = profileError;
  const infer::DynamicDims &dd = *dynamicDims;
  size_t numDims = dd.dims.size();
  auto t0 = std::chrono::steady_clock::now();
  // The analysis: the model at every dimension's max, and with one
  // dimension moved below it.
  std::vector<std::string> why(numDims);
  std::vector<std::vector<int>> outputSymbols;
  {
    MLIRContext ctx(registry);
    ctx.loadAllAvailableDialects();
    std::vector<int64_t> valuesA, valuesB;
    for (const infer::ArtifactDim &d : dd.dims) {
      valuesA.push_back(d.max);
      int64_t below = d.max - 1 >= std::max<int64_t>(d.min, 2) ? d.max - 1 : d.min;
      valuesB.push_back(below);
    }
    OwningOpRef<ModuleOp> a = importAt(ctx, dd.shapesAt(valuesA));
    if (!a)
      return failure();
    std::vector<OwningOpRef<ModuleOp>> bs;
    infer::PadAnalysisInput in;
    in.a = *a;
    in.valuesA = valuesA;
    in.valuesB = valuesB;
    for (size_t k = 0; k < numDims; ++k) {
      std::vector<int64_t> v = valuesA;
      v[k] = valuesB[k];
      bs.push_back(importAt(ctx, dd.shapesAt(v)));
      if (!bs.back())
        return failure();
      in.b.push_back(*bs.back());
    }
    auto fn = *a->getOps<func::FuncOp>().begin();
    for (unsigned i = 0; i < fn.getNumArguments(); ++i) {
      auto name = fn.getArgAttrOfType<StringAttr>(i, "infer.name");
      auto it = name ? dd.axes.find(name.str()) : dd.axes.end();
      in.argSymbols.push_back(it == dd.axes.end()
                                  ? std::vector<int>()
                                  : std::vector<int>(it->second.begin(), it->second.end()));
    }
    infer::PadAnalysisResult r = infer::analyzePadding(in);
    why = r.unpaddable;
    outputSymbols = r.outputSymbols;
  }
  for (size_t k = 0; k < numDims; ++k)
    if (!why[k].empty())
      llvm::errs() << "infer-compile: note: dimension '" << dd.dims[k].name
                   << "' is compiled for each of its values, not padded: " << why[k] << "\n";
  FailureOr<std::vector<std::vector<int64_t>>> specs =
      infer::specializations(dd, why, maxSpecializations, error);
  if (failed(specs))
    return failure();
  options.keepPlan = true;
  std::vector<infer::ArtifactPlan> plans;
  FailureOr<infer::CompileResult> optResult = failure();
  for (size_t i = 0; i < specs->size(); ++i) {
    const std::vector<int64_t> &values = (*specs)[i];
    std::string label;
    for (size_t k = 0; k < numDims; ++k)
      label += (k ? ", " : "") + dd.dims[k].name + "=" + std::to_string(values[k]);
    FailureOr<infer::CompileResult> r = failure();
    if (i == 0) {
      r = infer::compileModule(optModule, options, error);
    } else {
      MLIRContext ctx(registry);
      ctx.loadAllAvailableDialects();
      OwningOpRef<ModuleOp> m = importAt(ctx, dd.shapesAt(values));
      if (!m)
        return failure();
      r = infer::compileModule(*m, options, error);
    }
    if (failed(r)) {
      error = "specialization " + label + ": " + error;
      return failure();
    }
    infer::ArtifactPlan plan = std::move(r->plan);
    plan.dimValues = values;
    if (i == 0)
      optResult = std::move(r);
    plans.push_back(std::move(plan));
  }
  infer::ArtifactPlan merged = infer::mergeSpecializations(std::move(plans), 0);
  merged.dims = dd.dims;
  for (size_t k = 0; k < numDims; ++k)
    merged.dims[k].paddable = why[k].empty();
  for (const infer::ArtifactTensor &t : merged.inputs) {
    auto it = dd.axes.find(t.name);
    merged.inputDims.push_back(it == dd.axes.end()
                                   ? std::vector<int32_t>(t.shape.size(), -1)
                                   : it->second);
  }
  for (size_t o = 0; o < merged.outputs.size(); ++o) {
    std::vector<int32_t> axes(merged.outputs[o].shape.size(), -1);
    if (o < outputSymbols.size() && outputSymbols[o].size() == axes.size())
      for (size_t i = 0; i < axes.size(); ++i)
        axes[i] = outputSymbols[o][i];
    merged.outputDims.push_back(axes);
  }
  optResult->weightBytes = merged.constants.size();
  size_t count = 1 + merged.variants.size();
  optResult->artifact = infer::writeArtifact(std::move(merged));
  llvm::errs() << llvm::formatv(
      "infer-compile: {0} specializations of {1} dynamic dimension{2} in {3:F1} s\n", count,
      numDims, numDims == 1 ? "" : "s",
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  return optResult;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  infer::registerAllTargetBackends();
  // Every pass by name, for --mlir-print-ir-after=<pass> and friends.
  infer::registerInferPasses();
  infer::registerInferCodegenPasses();
  infer::registerAllBackendPasses();
  registerPassManagerCLOptions();
  registerDefaultTimingManagerCLOptions();
  registerMLIRContextCLOptions();
  registerAsmPrinterCLOptions();
  // Show infer-compile's options and MLIR's IR printing and timing ones;
  // hide the thousands of LLVM backend flags.
  static cl::OptionCategory mlirCategory("MLIR debugging options");
  cl::HideUnrelatedOptions(category);
  for (auto &entry : cl::getRegisteredOptions()) {
    StringRef name = entry.first;
    if (name.starts_with("mlir-print-ir") || name.starts_with("mlir-timing") ||
        name == "mlir-pass-statistics" || name == "mlir-print-debuginfo" ||
        name == "mlir-elide-elementsattrs-if-larger") {
      entry.second->setHiddenFlag(cl::NotHidden);
      entry.second->addCategory(mlirCategory);
    }
  }
  cl::ParseCommandLineOptions(
      argc, argv,
      "infer-compile: compiles an ONNX model into a .infer artifact\n\n"
      "  infer-compile resnet50.onnx -o resnet50.infer --report=-\n");
  auto start = std::chrono::steady_clock::now();
  if (sparsity != "enable" && sparsity != "force" && sparsity != "disable")
    return fail("--sparsity=" + sparsity +
                " is not a sparsity mode (enable, force, disable)");
  if (sparsity == "force" && optLevel < 2)
    return fail("--sparsity=force prunes in the -O2 pipeline; -O" +
                std::to_string(optLevel) + " runs no sparsity pass");
  if (optLevel > 2)
    return fail("-O" + std::to_string(optLevel) + " is not a level (0, 1, 2)");
  if (!llvm::sys::fs::exists(modelPath))
    return fail("'" + modelPath + "' does not exist");
  if (!llvm::sys::fs::is_regular_file(modelPath))
    return fail("'" + modelPath + "' is not a regular file");

  MLIRContext context;
  DialectRegistry registry;
  infer::registerImportDialects(registry);
  context.appendDialectRegistry(registry);
  context.loadAllAvailableDialects();
  std::string error;
  // The model as a module of `ctx` (twice with --tune: the measurements
  // compile in a context of their own).
  // --profile: the dynamic dimensions, before any import pins them.
  if (!profiles.empty()) {
    if (llvm::StringRef(modelPath).ends_with(".mlir"))
      return fail("--profile names inputs of an ONNX model; '" + modelPath + "' is MLIR");
    std::vector<infer::ProfileSpec> specs;
    for (const std::string &p : profiles) {
      infer::ProfileSpec spec;
      if (failed(infer::parseProfile(p, spec, error)))
        return fail(error);
      specs.push_back(spec);
    }
    FailureOr<infer::OnnxSignature> sig = infer::readOnnxSignature(modelPath, error);
    if (failed(sig))
      return fail(error);
    FailureOr<infer::DynamicDims> dd = infer::resolveProfiles(specs, *sig, error);
    if (failed(dd))
      return fail(error);
    dynamicDims = std::move(*dd);
    if (tune)
      return fail("--tune with --profile: tune a compile at the opt shape first "
                  "(--tune --tuning-cache=F), then compile the profiles with --tuning-cache=F");
  }
  // The model as a module of `ctx`, its profiled inputs at `shapes` when
  // given (else at the opt shapes).
  auto importModel = [&](MLIRContext &ctx, bool notes,
                         const std::map<std::string, std::vector<int64_t>> *shapes =
                             nullptr) -> OwningOpRef<ModuleOp> {
    OwningOpRef<ModuleOp> module;
    if (llvm::StringRef(modelPath).ends_with(".mlir")) {
      if (!markOutputs.empty()) {
        error = "--mark-outputs names tensors of an ONNX graph; '" + modelPath + "' is MLIR";
        return nullptr;
      }
      module = parseSourceFile<ModuleOp>(modelPath, &ctx);
      if (!module)
        error = "cannot parse '" + modelPath + "'";
      return module;
    }
    infer::OnnxImportOptions options;
    if (failed(shapeOptions(options, error)) || failed(bindOptions(ctx, options, error)))
      return nullptr;
    if (shapes)
      for (const auto &[name, shape] : *shapes)
        options.inputShapes[name] = shape;
    // The calibration cache names ONNX tensors.
    options.keepTensorNames = precision == "int8" || precision == "fp8";
    for (const std::string &name : markOutputs) {
      if (name == "all")
        options.markAllOutputs = true;
      else
        options.markOutputs.push_back(name);
    }
    std::vector<std::string> defaulted;
    options.defaultedDims = &defaulted;
    module = infer::importOnnxFile(ctx, modelPath, options, error);
    if (!module)
      return nullptr;
    // A dynamic dimension compiled as --dynamic-dim's default is said, so
    // that a shape error further on can be traced to it.
    if (notes && dynamicDim.getNumOccurrences() == 0)
      for (const std::string &d : defaulted)
        llvm::errs() << "infer-compile: note: input " << d << " is dynamic: "
                     << "compiled as " << dynamicDim
                     << " (pin it with --input-shape, or --dynamic-dim)\n";
    llvm::SmallString<256> abs(modelPath);
    llvm::sys::fs::make_absolute(abs);
    (*module)->setAttr("infer.source", StringAttr::get(&ctx, abs));
    return module;
  };
  OwningOpRef<ModuleOp> module = importModel(context, true);
  if (!module)
    return fail(error);

  if (!ptxPath.empty() && !StringRef(target.getValue()).starts_with("cuda"))
    return fail("--emit-ptx needs a cuda target (got --target=" + target + ")");
  if (!spirvPath.empty() && !StringRef(target.getValue()).starts_with("vulkan"))
    return fail("--emit-spirv needs a vulkan target (got --target=" + target + ")");
  if (precision != "fp32" && precision != "fp32-strict" && precision != "fp16" &&
      precision != "bf16" && precision != "int8" && precision != "fp8")
    return fail("--precision=" + precision +
                " is not a precision (fp32, fp32-strict, fp16, bf16, int8, fp8)");
  bool quantized = precision == "int8" || precision == "fp8";
  if (quantized && calibrationCache.empty() && calibrationData.empty())
    return fail("--precision=" + precision + " needs --calibration-data=DIR (samples to "
                "calibrate on) or --calibration-cache=FILE (ranges written "
                "before: infer-run MODEL.infer --calibrate DIR "
                "--calibration-cache FILE)");
  if (!quantized && (!calibrationCache.empty() || !keepPrecision.empty() ||
                     !calibrationData.empty()))
    return fail(std::string(!calibrationData.empty()    ? "--calibration-data"
                            : !calibrationCache.empty() ? "--calibration-cache"
                                                        : "--keep-precision") +
                " needs --precision=int8 or fp8");
  if (calibrator.getNumOccurrences() && calibrationData.empty())
    return fail("--calibrator needs --calibration-data");
  if (!tune && (tuneThreads.getNumOccurrences() || tuneModelGain.getNumOccurrences()))
    return fail(std::string(tuneThreads.getNumOccurrences() ? "--tune-threads"
                                                            : "--tune-model-gain") +
                " needs --tune");
  if (!(tuneModelGain <= 100) || !std::isfinite(tuneModelGain))
    return fail("--tune-model-gain must be at most 100 (percent)");
  if (maxQuantError.getNumOccurrences() &&
      (precision != "int8" || !(maxQuantError >= 0) || !std::isfinite(maxQuantError)))
    return fail("--max-quant-error needs --precision=int8 and a finite error of 0 or more");
  if (!calibrationData.empty() && llvm::StringRef(modelPath).ends_with(".mlir"))
    return fail("--calibration-data calibrates an ONNX model; '" + modelPath + "' is MLIR");
  if (!calibrationData.empty() && !llvm::sys::fs::is_directory(calibrationData))
    return fail("--calibration-data '" + calibrationData + "' is not a directory");
  // --sparsity=force changes the results: say by how much, measured on
  // the reference interpreter before the model is pruned.
  std::optional<double> forcedError;
  if (sparsity == "force") {
    auto t0 = std::chrono::steady_clock::now();
    std::string why;
    FailureOr<double> e = infer::measureForcedSparsityError(*module, why);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
                   .count();
    if (succeeded(e)) {
      forcedError = *e;
      llvm::errs() << llvm::formatv(
          "infer-compile: note: --sparsity=force: pruning every eligible weight "
          "to 2:4 changes the outputs by {0:e2} relative L2 (reference "
          "interpreter, seeded random inputs, {1:F1} s)\n",
          *e, s);
    } else {
      llvm::errs() << "infer-compile: note: --sparsity=force: the accuracy "
                      "change could not be measured: "
                   << why << "\n";
    }
  }
  // Calibration first (unless the cache it would write exists): the fp32
  // engine for this CPU, every tensor returned, run on the samples.
  std::string cachePath = calibrationCache;
  std::optional<llvm::FileRemover> tempCache;
  if (!calibrationData.empty()) {
    if (!cachePath.empty() && llvm::sys::fs::exists(cachePath)) {
      llvm::errs() << "infer-compile: note: using the calibration cache '" << cachePath
                   << "' as it is (remove it to calibrate on '" << calibrationData
                   << "' again)\n";
    } else {
      if (cachePath.empty()) {
        llvm::SmallString<128> tmp;
        if (llvm::sys::fs::createTemporaryFile("infer-calibration", "txt", tmp))
          return fail("cannot create a temporary calibration cache");
        cachePath = tmp.str().str();
        tempCache.emplace(cachePath);
      }
      std::string why = calibrate(argv[0], cachePath);
      if (!why.empty())
        return fail(modelPath + ": " + why);
    }
  }
  infer::CompileOptions options;
  options.target = target;
  options.optLevel = optLevel;
  options.precision = precision;
  options.calibrationCache = cachePath;
  options.keepPrecision = keepPrecision;
  options.maxQuantError = maxQuantError;
  options.sparsity = sparsity;
  options.codegen.dumpStages = dumpKernels;
  options.codegen.keepDir = keepTemps;
  options.codegen.keepLLVMIR = !llvmIRPath.empty();
  // --mlir-timing reports the graph passes.
  options.configurePassManager = [](PassManager &pm) {
    (void)applyPassManagerCLOptions(pm);
    auto timing = std::make_unique<DefaultTimingManager>();
    applyDefaultTimingManagerCLOptions(*timing);
    if (timing->isEnabled())
      pm.enableTiming(std::move(timing));
  };
  if (tuneCandidates) {
    if (tune || dynamicDims)
      return fail(std::string("--tune-candidates does not go with ") +
                  (tune ? "--tune" : "--profile"));
    infer::TuneStats stats;
    FailureOr<infer::ArtifactBytes> bytes =
        infer::buildTuningCandidates(*module, options, registry, stats, error);
    if (failed(bytes))
      return fail(modelPath + ": " + error);
    std::vector<Output> outs{{outputPath, [&](llvm::raw_ostream &os) {
                                bytes->forEachPart([&](const uint8_t *p, size_t n) {
                                  os.write(reinterpret_cast<const char *>(p), n);
                                });
                              }}};
    if (failed(writeAll(outs, error)))
      return fail(error);
    llvm::errs() << llvm::formatv(
        "infer-compile: {0} candidates of {1} kernels ({2} failed to build) in {3:F1} s; "
        "time them with infer-run {4} --tune --tuning-cache=FILE\n",
        stats.measured - stats.failed, stats.kernels, stats.failed, stats.seconds, outputPath);
    return 0;
  }
  // Tuning: the cache read (and extended by --tune's measurements), then
  // its entries for this architecture and compiler applied.
  infer::TuningUse tuningUse;
  if (tune || !tuningCachePath.empty()) {
    std::vector<std::string> warnings;
    FailureOr<infer::TuningCache> cache = infer::TuningCache::read(
        tuningCachePath, /*missingOk=*/tune.getValue(), warnings, error);
    if (failed(cache))
      return fail(error);
    for (const std::string &w : warnings)
      llvm::errs() << "infer-compile: warning: " << w << "\n";
    FailureOr<std::string> arch = infer::tuningArchOf(target, error);
    if (failed(arch))
      return fail(error);
    if (tune) {
      if (tuneThreads < 0)
        return fail("--tune-threads must be 0 (all cores) or more");
      MLIRContext tuningContext(registry);
      tuningContext.loadAllAvailableDialects();
      OwningOpRef<ModuleOp> copy = importModel(tuningContext, false);
      if (!copy)
        return fail(error);
      infer::TuneStats stats;
      std::function<OwningOpRef<ModuleOp>(MLIRContext &)> importAgain;
      if (tuneModelGain >= 0)
        importAgain = [&](MLIRContext &ctx) { return importModel(ctx, false); };
      if (failed(infer::tuneModule(*copy, options, registry, tuneThreads, *cache, stats, error,
                                   importAgain, tuneModelGain / 100.0)))
        return fail(modelPath + ": " + error);
      llvm::errs() << llvm::formatv(
          "infer-compile: tuned {0} of {1} kernels in {2:F1} s ({3} candidates measured, {4} "
          "failed to build or run or disagreed; {5} from the cache): {6} faster than the "
          "heuristic, {7:F3} -> "
          "{8:F3} ms summed over the tuned kernels alone; {9} of {10} tiles that won alone "
          "lost in the model and kept the heuristic's\n",
          stats.tuned, stats.kernels, stats.seconds, stats.measured, stats.failed, stats.cached,
          stats.improved, stats.heuristicMs, stats.tunedMs, stats.reverted, stats.checked);
      if (!tuningCachePath.empty() && failed(cache->write(tuningCachePath, error)))
        return fail(error);
    }
    std::vector<std::string> selectWarnings;
    options.tileConfigs =
        cache->select(*arch, infer::compilerVersion(), tuningCachePath, &selectWarnings,
                      tuningDevice);
    options.tuningUse = &tuningUse;
    for (const std::string &w : selectWarnings)
      llvm::errs() << "infer-compile: warning: " << w << "\n";
  }
  FailureOr<infer::CompileResult> result =
      dynamicDims ? compileProfiles(*module, options, registry,
                                    [&](MLIRContext &ctx, const auto &shapes) {
                                      return importModel(ctx, false, &shapes);
                                    })
                  : infer::compileModule(*module, options, error);
  if (failed(result))
    return fail(modelPath + ": " + (dynamicDims ? profileError.empty() ? error : profileError
                                                : error));
  for (const std::string &why : tuningUse.refused)
    llvm::errs() << "infer-compile: warning: " << why << "\n";
  double seconds = std::chrono::duration<double>(
                       std::chrono::steady_clock::now() - start)
                       .count();

  // Every output (artifact, PTX, report) is written to a temporary file
  // first and renamed into place only once all are written: a failure or
  // an interrupt leaves no output, half-written or alone.
  // The artifact streams out in pieces: its weights are never copied into
  // one buffer with the rest.
  std::vector<Output> outputs;
  outputs.push_back({outputPath, [&](llvm::raw_ostream &os) {
                       result->artifact.forEachPart(
                           [&](const uint8_t *p, size_t n) {
                             os.write(reinterpret_cast<const char *>(p), n);
                           });
                     }});
  for (auto &[name, text] : result->listings) {
    const std::string &path = name == "ptx"            ? ptxPath.getValue()
                              : name == "llvmir"       ? llvmIRPath.getValue()
                              : name == "spirv-binary" ? spirvPath.getValue()
                                                       : std::string();
    if (!path.empty())
      outputs.push_back({path, [&text](llvm::raw_ostream &os) { os << text; }});
  }
  std::string report;
  if (!reportPath.empty() && reportPath != "-") {
    report = jsonReport(*result, seconds, forcedError);
    outputs.push_back({reportPath, [&](llvm::raw_ostream &os) { os << report; }});
  }
  if (failed(writeAll(outputs, error)))
    return fail(error);
  if (!result->note.empty())
    llvm::errs() << "infer-compile: note: " << result->note << "\n";
  if (sparsity == "force" &&
      llvm::none_of(result->sparsity, [](const infer::SparsityNote &n) {
        return n.kind == "2:4" ||
               llvm::StringRef(n.description).contains("pruned by force");
      }))
    llvm::errs() << "infer-compile: warning: --sparsity=force found no weight "
                    "to prune to 2:4 (none has K a multiple of 4 and groups "
                    "with more than two non-zeros)\n";
  if (reportPath == "-")
    printSummary(*result, seconds);
  return 0;
}
