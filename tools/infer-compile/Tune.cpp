//===- Tune.cpp - infer-compile --tune: measure tile candidates ------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// For every distinct contraction of the model (codegen's
// collectTunableKernels), each tile candidate is compiled into an artifact
// of that kernel alone, in a context of its own, loaded into the runtime on
// this machine and timed; the fastest goes into the tuning cache. Kernels
// the cache already holds for this architecture and compiler are not
// measured again.
//
//===----------------------------------------------------------------------===//

#include "tools/infer-compile/Tune.h"

#include "codegen/Driver.h"
#include "runtime/include/infer_runtime.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/AsmParser/AsmParser.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <random>

using namespace mlir;

namespace {
using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

/// The median time in ms of runs of `bytes` (an artifact of one kernel),
/// or a negative value with `error`.
double timeArtifact(const std::vector<uint8_t> &bytes, int threads, std::string &error) {
  infer_engine *engine = nullptr;
  if (infer_engine_load_memory(bytes.data(), bytes.size(), &engine) != INFER_OK) {
    error = std::string("load: ") + infer_last_error();
    return -1;
  }
  infer_context *ctx = nullptr;
  if (infer_context_create(engine, threads, &ctx) != INFER_OK) {
    error = std::string("context: ") + infer_last_error();
    infer_engine_destroy(engine);
    return -1;
  }
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (int32_t i = 0; i < infer_engine_num_inputs(engine); ++i) {
    infer_tensor_info info;
    infer_engine_input_info(engine, i, &info);
    std::vector<uint8_t> data(info.size);
    if (info.dtype == INFER_F32)
      for (size_t k = 0; k + 4 <= data.size(); k += 4) {
        float f = dist(rng);
        std::memcpy(&data[k], &f, 4);
      }
    infer_context_set_input(ctx, i, data.data(), data.size());
  }
  std::vector<double> ms;
  bool ok = true;
  for (int k = 0; ok && k < 3; ++k)
    ok = infer_context_run(ctx) == INFER_OK;
  Clock::time_point start = Clock::now();
  while (ok && (ms.size() < 5 || (ms.size() < 40 && seconds(start) < 0.25))) {
    Clock::time_point t0 = Clock::now();
    ok = infer_context_run(ctx) == INFER_OK;
    ms.push_back(seconds(t0) * 1e3);
  }
  if (!ok)
    error = std::string("run: ") + infer_last_error();
  infer_context_destroy(ctx);
  infer_engine_destroy(engine);
  if (!ok)
    return -1;
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

/// Compiles `kernel`'s module with `candidate` as its tile, in a context of
/// its own (compiling releases the context's weights); with `keepPlan`, the
/// result holds the plan instead of the artifact.
FailureOr<infer::CompileResult> compileCandidate(const infer::TunableKernel &kernel,
                                                 const std::string &candidate,
                                                 const infer::CompileOptions &base,
                                                 const DialectRegistry &registry, bool keepPlan,
                                                 std::string &error) {
  MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(kernel.module, &ctx);
  if (!module) {
    error = "the kernel's module does not parse";
    return failure();
  }
  Attribute tile = parseAttribute(candidate, &ctx);
  if (!tile) {
    error = "'" + candidate + "' does not parse";
    return failure();
  }
  module->walk([&](Operation *op) {
    if (op->hasAttr("infer.tile"))
      op->setAttr("infer.tile", tile);
  });
  infer::CompileOptions options;
  options.target = base.target;
  options.precision = base.precision;
  options.optLevel = 0;
  options.sparsity = "disable";
  options.keepPlan = keepPlan;
  return infer::compileModule(*module, options, error);
}

/// Compiles and times one candidate on this machine.
double measure(const infer::TunableKernel &kernel, const std::string &candidate,
               const infer::CompileOptions &base, const DialectRegistry &registry, int threads,
               std::string &error) {
  FailureOr<infer::CompileResult> r =
      compileCandidate(kernel, candidate, base, registry, /*keepPlan=*/false, error);
  if (failed(r))
    return -1;
  std::vector<uint8_t> bytes;
  r->artifact.forEachPart(
      [&](const uint8_t *p, size_t n) { bytes.insert(bytes.end(), p, p + n); });
  return timeArtifact(bytes, threads, error);
}

std::string shortSignature(const std::string &signature) {
  // "infer.conv(tensor<1x64x56x56xf32>, ..." -> op and first operand.
  size_t comma = signature.find(", ");
  std::string s = signature.substr(0, comma == std::string::npos ? 60 : comma);
  return s.size() > 60 ? s.substr(0, 57) + "..." : s + (comma != std::string::npos ? ", ...)" : "");
}
} // namespace

LogicalResult infer::tuneModule(ModuleOp module, const CompileOptions &options,
                                const DialectRegistry &registry, int threads,
                                TuningCache &cache, TuneStats &stats, std::string &error) {
  FailureOr<std::string> arch = tuningArchOf(options.target, error);
  if (failed(arch))
    return failure();
  if (arch->empty()) {
    error = "--tune: target '" + options.target + "' has no tunable kernels";
    return failure();
  }
  if (!StringRef(options.target).starts_with("cpu")) {
    error = "--tune measures on this machine, for CPU targets; for '" + options.target +
            "' write the candidates with --tune-candidates and time them on the target "
            "machine with infer-run --tune";
    return failure();
  }
  Clock::time_point start = Clock::now();
  FailureOr<std::vector<TunableKernel>> kernels =
      collectTunableKernels(module, options, error);
  if (failed(kernels))
    return failure();
  std::string compiler = compilerVersion();
  std::map<std::string, std::string> known = cache.select(*arch, compiler);
  size_t total = 0, done = 0;
  for (const TunableKernel &k : *kernels)
    if (!known.count(k.signature))
      total += k.candidates.size();
  stats.kernels = kernels->size();
  for (const TunableKernel &k : *kernels) {
    if (known.count(k.signature)) {
      ++stats.cached;
      continue;
    }
    double best = -1, heuristic = -1;
    std::string bestConfig;
    for (const std::string &candidate : k.candidates) {
      std::string why;
      double ms = measure(k, candidate, options, registry, threads, why);
      ++done;
      ++stats.measured;
      if (ms < 0) {
        ++stats.failed;
        if (candidate == k.candidates.front()) {
          // The heuristic's own tile must work: the model needs it.
          error = "--tune: the heuristic's tile for " + k.nodes + " does not run alone: " + why;
          return failure();
        }
        continue;
      }
      if (candidate == k.candidates.front())
        heuristic = ms;
      // Another tile must beat the heuristic's by 3%: less is noise.
      if (best < 0 || (ms < best && (bestConfig != k.candidates.front() || ms < 0.97 * best))) {
        best = ms;
        bestConfig = candidate;
      }
      double elapsed = seconds(start);
      double left = done ? elapsed / done * (total - done) : 0;
      llvm::errs() << llvm::format(
          "\rinfer-compile: tuning [%3zu/%zu] %-64s best %8.4f ms, %4.0f s left ",
          done, total, shortSignature(k.signature).c_str(), best, left);
    }
    TuningEntry e;
    e.arch = *arch;
    e.compiler = compiler;
    e.signature = k.signature;
    e.config = bestConfig;
    e.ms = best;
    e.heuristicMs = heuristic;
    e.device = "cpu";
    cache.add(e);
    ++stats.tuned;
    if (bestConfig != k.candidates.front())
      ++stats.improved;
    stats.heuristicMs += heuristic;
    stats.tunedMs += best;
  }
  if (total)
    llvm::errs() << "\n";
  stats.seconds = seconds(start);
  return success();
}

FailureOr<infer::ArtifactBytes> infer::buildTuningCandidates(ModuleOp module,
                                                      const CompileOptions &options,
                                                      const DialectRegistry &registry,
                                                      TuneStats &stats, std::string &error) {
  FailureOr<std::string> arch = tuningArchOf(options.target, error);
  if (failed(arch))
    return failure();
  if (arch->empty()) {
    error = "--tune-candidates: target '" + options.target + "' has no tunable kernels";
    return failure();
  }
  Clock::time_point start = Clock::now();
  std::string source;
  if (auto src = module->getAttrOfType<StringAttr>("infer.source"))
    source = src.str();
  FailureOr<std::vector<TunableKernel>> kernels =
      collectTunableKernels(module, options, error);
  if (failed(kernels))
    return failure();
  size_t total = 0, done = 0;
  for (const TunableKernel &k : *kernels)
    total += k.candidates.size();
  stats.kernels = kernels->size();
  ArtifactPlan container;
  container.compiler = compilerVersion();
  container.source = source;
  for (const TunableKernel &k : *kernels) {
    for (const std::string &candidate : k.candidates) {
      std::string why;
      FailureOr<CompileResult> r =
          compileCandidate(k, candidate, options, registry, /*keepPlan=*/true, why);
      ++done;
      ++stats.measured;
      if (failed(r)) {
        ++stats.failed;
        if (candidate == k.candidates.front()) {
          error = "--tune-candidates: the heuristic's tile for " + k.nodes +
                  " does not build alone: " + why;
          return failure();
        }
        continue;
      }
      container.target = r->target;
      ArtifactCandidate c;
      c.arch = *arch;
      c.signature = k.signature;
      c.config = candidate;
      c.nodes = k.nodes;
      c.heuristic = candidate == k.candidates.front();
      c.plan = std::move(r->plan);
      container.candidates.push_back(std::move(c));
      double elapsed = seconds(start);
      llvm::errs() << llvm::format(
          "\rinfer-compile: candidates [%4zu/%zu] %-64s %4.0f s left ", done, total,
          shortSignature(k.signature).c_str(), elapsed / done * (total - done));
    }
    ++stats.tuned;
  }
  if (total)
    llvm::errs() << "\n";
  std::vector<ArtifactPlan *> plans;
  for (ArtifactCandidate &c : container.candidates)
    plans.push_back(&c.plan);
  container.constants = shareConstants(plans);
  stats.seconds = seconds(start);
  return writeArtifact(std::move(container));
}
