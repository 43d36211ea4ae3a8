//===- Tune.cpp - infer-compile --tune: measure tile candidates ------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// For every distinct contraction of the model (codegen's
// collectTunableKernels), each tile candidate is compiled into an artifact
// of that kernel alone, in a context of its own, and loaded into the runtime
// on this machine; a kernel's candidates are then timed in turn, in rounds,
// and the fastest (by median) goes into the tuning cache. Kernels
// the cache already holds for this architecture and compiler are not
// measured again.
//
//===----------------------------------------------------------------------===//

#include "tools/infer-compile/Tune.h"

#include "codegen/Driver.h"
#include "runtime/include/infer_runtime.h"
#include "runtime/io/ProgressLine.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/AsmParser/AsmParser.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <memory>
#include <random>

using namespace mlir;

namespace {
/// printf-style text (the progress lines).
template <typename... Ts> std::string formatted(const char *format, Ts... args) {
  std::string text;
  llvm::raw_string_ostream(text) << llvm::format(format, args...);
  return text;
}

using Clock = std::chrono::steady_clock;

/// The median of `v` (upper middle; 0 when empty).
double medianOf(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

double seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

/// One candidate's artifact loaded into the runtime, with seeded random
/// inputs, and the times of its runs so far.
class CandidateTimer {
public:
  CandidateTimer() = default;
  CandidateTimer(const CandidateTimer &) = delete;
  CandidateTimer &operator=(const CandidateTimer &) = delete;
  ~CandidateTimer() {
    if (ctx)
      infer_context_destroy(ctx);
    if (engine)
      infer_engine_destroy(engine);
  }

  /// Loads `bytes` (an artifact of one kernel) and runs it three times.
  bool load(const std::vector<uint8_t> &bytes, int threads, std::string &error) {
    if (infer_engine_load_memory(bytes.data(), bytes.size(), &engine) != INFER_OK) {
      error = std::string("load: ") + infer_last_error();
      return false;
    }
    if (infer_context_create(engine, threads, &ctx) != INFER_OK) {
      error = std::string("context: ") + infer_last_error();
      return false;
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
    for (int k = 0; k < 3; ++k)
      if (infer_context_run(ctx) != INFER_OK) {
        error = std::string("run: ") + infer_last_error();
        return false;
      }
    infer_context_rest(ctx);
    for (int32_t i = 0; i < infer_engine_num_outputs(engine); ++i) {
      infer_tensor_info info;
      infer_engine_output_info(engine, i, &info);
      outputs.emplace_back(info.size);
      dtypes.push_back(info.dtype);
      if (infer_context_get_output(ctx, i, outputs.back().data(), info.size) != INFER_OK) {
        error = std::string("output: ") + infer_last_error();
        return false;
      }
    }
    return true;
  }

  /// Whether this candidate's outputs (on the same seeded inputs) agree
  /// with `ref`'s: f32 ones within 1e-4 relative L2 (templates sum in
  /// different orders), others exactly; else says by how much not.
  bool agreesWith(const CandidateTimer &ref, std::string &why) const {
    if (outputs.size() != ref.outputs.size()) {
      why = "its outputs are not the heuristic's";
      return false;
    }
    for (size_t i = 0; i < outputs.size(); ++i) {
      if (dtypes[i] != INFER_F32 || outputs[i].size() != ref.outputs[i].size()) {
        if (outputs[i] != ref.outputs[i]) {
          why = "output " + std::to_string(i) + " differs from the heuristic's";
          return false;
        }
        continue;
      }
      double diff = 0, norm = 0;
      size_t n = outputs[i].size() / 4;
      for (size_t k = 0; k < n; ++k) {
        float a, b;
        std::memcpy(&a, &outputs[i][k * 4], 4);
        std::memcpy(&b, &ref.outputs[i][k * 4], 4);
        diff += (double(a) - b) * (double(a) - b);
        norm += double(b) * b;
      }
      double rel = std::sqrt(diff / std::max(norm, 1e-30));
      if (!(rel <= 1e-4)) {
        why = "output " + std::to_string(i) + " is " + std::to_string(rel) +
              " (relative L2) from the heuristic's";
        return false;
      }
    }
    return true;
  }

  /// Times runs for about `budget` seconds (at least two, at most 10),
  /// each after `evict` was written over (untimed): in a model a kernel's
  /// weights come from memory, not from the cache its last run left them in.
  bool time(double budget, std::vector<char> &evict, std::string &error) {
    Clock::time_point start = Clock::now();
    for (int n = 0; n < 2 || (n < 10 && seconds(start) < budget); ++n) {
      for (size_t i = 0; i < evict.size(); i += 64)
        evict[i] = static_cast<char>(evict[i] + 1);
      Clock::time_point t0 = Clock::now();
      if (infer_context_run(ctx) != INFER_OK) {
        error = std::string("run: ") + infer_last_error();
        return false;
      }
      ms.push_back(seconds(t0) * 1e3);
    }
    // The next candidate runs on its own context's threads: this one's
    // must not spin beside them (they took a core for INFER_SPIN_US, and
    // 2 ms runs of 20 us kernels came from it).
    infer_context_rest(ctx);
    return true;
  }

  double median() const { return medianOf(ms); }

  /// Runs `runs` times with every launch timed, adding each run's time per
  /// group (launch i counts for each group of groupsOf[i]) to perGroup[group];
  /// then rests the context's threads.
  bool profile(int runs, const std::vector<std::vector<int>> &groupsOf,
               std::vector<std::vector<double>> &perGroup, std::string &error) {
    std::vector<double> launchMs(groupsOf.size());
    for (int r = 0; r < runs; ++r) {
      if (infer_context_run_profiled(ctx, launchMs.data()) != INFER_OK) {
        error = std::string("run: ") + infer_last_error();
        return false;
      }
      std::vector<double> sum(perGroup.size(), 0.0);
      for (size_t i = 0; i < groupsOf.size(); ++i)
        for (int g : groupsOf[i])
          sum[g] += launchMs[i];
      for (size_t g = 0; g < sum.size(); ++g)
        perGroup[g].push_back(sum[g]);
    }
    infer_context_rest(ctx);
    return true;
  }

  const infer_engine *loaded() const { return engine; }

private:
  infer_engine *engine = nullptr;
  infer_context *ctx = nullptr;
  std::vector<double> ms;
  std::vector<std::vector<uint8_t>> outputs;
  std::vector<infer_dtype> dtypes;
};

/// Rounds in which every candidate of a kernel is timed in turn: the
/// candidates of one kernel are compared under the same load of the
/// machine, where timing one after another let a shared machine's drift
/// pick the wrong one. Each candidate runs for about 0.25 s in all.
constexpr int kTimingRounds = 5;
constexpr double kSecondsPerCandidate = 0.25;
/// Written between timed runs: more than a core's L2 and most of a shared
/// L3 slice.
constexpr size_t kEvictBytes = size_t(8) << 20;

/// Compiles `kernel`'s module with `candidate` as its tile, in a context of
/// its own (compiling releases the context's weights); with `keepPlan`, the
/// result holds the plan instead of the artifact.
FailureOr<mlir::infer::CompileResult>
compileCandidate(const mlir::infer::TunableKernel &kernel, const std::string &candidate,
                 const mlir::infer::CompileOptions &base, const DialectRegistry &registry,
                 bool keepPlan, std::string &error) {
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
  mlir::infer::CompileOptions options;
  options.target = base.target;
  // An int8 (fp8) kernel's module is cut from the quantized graph: its
  // int8 (fp8) values are in its types already, and the rest stays fp32
  // as int8's does (no calibration to run again).
  options.precision =
      base.precision == "int8" || base.precision == "fp8" ? "fp32" : base.precision;
  options.optLevel = 0;
  options.sparsity = "disable";
  options.keepPlan = keepPlan;
  return mlir::infer::compileModule(*module, options, error);
}

/// A compiled artifact's bytes in one buffer.
std::vector<uint8_t> artifactBytes(const mlir::infer::CompileResult &r) {
  std::vector<uint8_t> bytes;
  r.artifact.forEachPart(
      [&](const uint8_t *p, size_t n) { bytes.insert(bytes.end(), p, p + n); });
  return bytes;
}

/// Compiles one candidate into an artifact of its kernel alone.
FailureOr<std::vector<uint8_t>> candidateArtifact(const mlir::infer::TunableKernel &kernel,
                                                  const std::string &candidate,
                                                  const mlir::infer::CompileOptions &base,
                                                  const DialectRegistry &registry,
                                                  std::string &error) {
  FailureOr<mlir::infer::CompileResult> r =
      compileCandidate(kernel, candidate, base, registry, /*keepPlan=*/false, error);
  if (failed(r))
    return failure();
  return artifactBytes(*r);
}

/// The whole model, imported again into a context of its own, compiled
/// with `configs` (signature -> tile).
FailureOr<std::vector<uint8_t>>
modelArtifact(const std::function<OwningOpRef<ModuleOp>(MLIRContext &)> &importModel,
              const DialectRegistry &registry, const mlir::infer::CompileOptions &base,
              const std::map<std::string, std::string> &configs, std::string &error) {
  MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();
  OwningOpRef<ModuleOp> copy = importModel(ctx);
  if (!copy) {
    error = "the model does not import again";
    return failure();
  }
  mlir::infer::CompileOptions options = base;
  options.tileConfigs = configs;
  options.tuningUse = nullptr;
  options.keepPlan = false;
  FailureOr<mlir::infer::CompileResult> r = mlir::infer::compileModule(*copy, options, error);
  if (failed(r))
    return failure();
  return artifactBytes(*r);
}

/// For each launch of `engine`, the kernels of `kernels` it is charged to:
/// the one whose nodes it computes, and the one whose launches it follows
/// (its consumer, which reads the output where that kernel's split of the
/// threads left it: a 1x1 convolution split by positions before a
/// depthwise one split by channels made the depthwise one 3x slower in
/// MobileNetV2 on Zen 3, 0.029 -> 0.088 ms, while it won alone).
std::vector<std::vector<int>>
launchKernels(const infer_engine *engine, const std::vector<mlir::infer::TunableKernel> &kernels) {
  std::map<std::string, int> byNode;
  for (size_t k = 0; k < kernels.size(); ++k)
    for (const std::string &name : kernels[k].nodeNames)
      byNode.emplace(name, static_cast<int>(k));
  std::vector<int> own;
  for (int32_t i = 0; i < infer_engine_num_launches(engine); ++i) {
    const char *kind = "", *nodes = "";
    infer_engine_launch_info(engine, i, &kind, &nodes);
    int found = -1;
    llvm::SmallVector<StringRef> names;
    StringRef(nodes).split(names, ',');
    for (StringRef name : names) {
      auto it = byNode.find(name.trim().str());
      if (it != byNode.end()) {
        found = it->second;
        break;
      }
    }
    own.push_back(found);
  }
  std::vector<std::vector<int>> out(own.size());
  for (size_t i = 0; i < own.size(); ++i) {
    if (own[i] >= 0)
      out[i].push_back(own[i]);
    if (i > 0 && own[i - 1] >= 0 && own[i - 1] != own[i])
      out[i].push_back(own[i - 1]);
  }
  return out;
}

/// Rounds of the model-level check: each runs the heuristic's and the
/// tuned model kRunsPerRound times, profiled, in alternating order.
constexpr int kVerifyRounds = 8;
constexpr int kVerifyRunsPerRound = 4;

/// kVerifyRounds rounds of `a` and `b` profiled kVerifyRunsPerRound times
/// each, which goes first alternating: per-group times into aMs and bMs.
bool profileAlternately(CandidateTimer &a, const std::vector<std::vector<int>> &aGroups,
                        std::vector<std::vector<double>> &aMs, CandidateTimer &b,
                        const std::vector<std::vector<int>> &bGroups,
                        std::vector<std::vector<double>> &bMs, std::string &why) {
  for (int round = 0; round < kVerifyRounds; ++round)
    for (int side = 0; side < 2; ++side) {
      bool aNow = (side == 0) == (round % 2 == 0);
      if (!(aNow ? a.profile(kVerifyRunsPerRound, aGroups, aMs, why)
                 : b.profile(kVerifyRunsPerRound, bGroups, bMs, why)))
        return false;
    }
  return true;
}

std::string shortSignature(const std::string &signature) {
  // "infer.conv(tensor<1x64x56x56xf32>, ..." -> op and first operand.
  size_t comma = signature.find(", ");
  std::string s = signature.substr(0, comma == std::string::npos ? 60 : comma);
  return s.size() > 60 ? s.substr(0, 57) + "..." : s + (comma != std::string::npos ? ", ...)" : "");
}

/// The tiles that won alone (`fresh`: kernel index and entry), checked in
/// the network: there a kernel's weights come from memory and its input
/// from the kernel before, on that kernel's split of the threads, which no
/// measurement alone reproduces (ResNet-50 on Zen 4: conv_flat 9 x 3 for
/// layer 2's 3x3 convolutions 0.58 ms alone against the heuristic's 0.96,
/// 2.30 against 2.25 in the model). Both models run alternately, every
/// launch timed; a tuned tile stays if the summed time of its kernels and
/// of the launch after each (the consumer of its output, see
/// launchKernels) is at least `minModelGain` below the heuristic's, else
/// its entry is set back to the heuristic's tile.
void checkInModel(const std::vector<mlir::infer::TunableKernel> &kernels,
                  std::vector<std::pair<size_t, mlir::infer::TuningEntry>> &fresh,
                  const std::map<std::string, std::string> &known,
                  const std::function<OwningOpRef<ModuleOp>(MLIRContext &)> &importModel,
                  double minModelGain, const mlir::infer::CompileOptions &options,
                  const DialectRegistry &registry, int threads, mlir::infer::TuneStats &stats) {
  std::map<std::string, std::string> heuristicConfigs = known, tunedConfigs = known;
  bool anyChanged = false;
  for (const auto &[index, e] : fresh) {
    tunedConfigs[e.signature] = e.config;
    anyChanged |= e.config != kernels[index].candidates.front();
  }
  // Kernels tuned now keep the heuristic's tile in the reference model.
  for (const auto &[index, e] : fresh)
    heuristicConfigs.erase(e.signature);
  if (!anyChanged || !importModel)
    return;
  llvm::errs() << "infer-compile: checking the tuned tiles in the model\n";
  std::string why;
  FailureOr<std::vector<uint8_t>> hBytes =
      modelArtifact(importModel, registry, options, heuristicConfigs, why);
  FailureOr<std::vector<uint8_t>> tBytes =
      succeeded(hBytes) ? modelArtifact(importModel, registry, options, tunedConfigs, why)
                        : FailureOr<std::vector<uint8_t>>(failure());
  CandidateTimer h, t;
  bool ok = succeeded(tBytes) && h.load(*hBytes, threads, why) &&
            t.load(*tBytes, threads, why);
  std::vector<std::vector<double>> hMs(kernels.size()), tMs(kernels.size());
  std::vector<std::vector<int>> hGroups, tGroups;
  if (ok) {
    hGroups = launchKernels(h.loaded(), kernels);
    tGroups = launchKernels(t.loaded(), kernels);
    ok = profileAlternately(h, hGroups, hMs, t, tGroups, tMs, why);
  }
  if (!ok) {
    llvm::errs() << "infer-compile: warning: --tune: the model-level check did not run ("
                 << why << "); the tiles measured alone are kept\n";
    return;
  }
  std::vector<int> launchesPerRun(kernels.size(), 0);
  for (const std::vector<int> &groups : hGroups)
    for (int group : groups)
      ++launchesPerRun[group];
  for (auto &[index, e] : fresh) {
    const mlir::infer::TunableKernel &k = kernels[index];
    if (e.config == k.candidates.front())
      continue;
    double inHeuristic = medianOf(hMs[index]), inTuned = medianOf(tMs[index]);
    ++stats.checked;
    if (inHeuristic > 0 && inTuned < (1.0 - minModelGain) * inHeuristic)
      continue;
    llvm::errs() << llvm::format(
        "infer-compile: --tune: %s for %s: %.4f ms alone against the heuristic's %.4f; "
        "in the model (%d launch%s per run, its own and its consumers) %.4f against %.4f, "
        "not %g%% faster: the heuristic's tile kept\n",
        e.config.c_str(), shortSignature(k.signature).c_str(), e.ms, e.heuristicMs,
        launchesPerRun[index], launchesPerRun[index] == 1 ? "" : "es", inTuned, inHeuristic,
        100.0 * minModelGain);
    e.config = k.candidates.front();
    e.ms = e.heuristicMs;
    ++stats.reverted;
  }
  // The tiles kept, together: each passed with its neighbours on the
  // heuristic's tiles, and their effects on each other's inputs and caches
  // add up (MobileNetV2 on Zen 3: 14 tiles that passed one by one made the
  // model 5-6% slower in two runs). The whole model with them runs
  // alternately with the heuristic's; not `minModelGain` faster in all its
  // kernels together (as each tile had to be: a smaller gain is within
  // what two runs of one artifact differ by on a shared machine; Zen 3,
  // MobileNetV2: tiles that passed a check by any margin made the model
  // 6.6% slower in the benchmark after it), every tile of this tuning
  // goes back to the heuristic's.
  std::map<std::string, std::string> keptConfigs = known;
  bool anyKept = false;
  for (const auto &[index, e] : fresh) {
    keptConfigs[e.signature] = e.config;
    anyKept |= e.config != kernels[index].candidates.front();
  }
  if (!anyKept)
    return;
  // Nothing reverted above: the tuned model already loaded is the one kept.
  CandidateTimer recompiled;
  CandidateTimer *kept = &t;
  if (keptConfigs != tunedConfigs) {
    FailureOr<std::vector<uint8_t>> kBytes =
        modelArtifact(importModel, registry, options, keptConfigs, why);
    ok = succeeded(kBytes) && recompiled.load(*kBytes, threads, why);
    kept = &recompiled;
  }
  auto allLaunches = [](const infer_engine *engine) {
    return std::vector<std::vector<int>>(infer_engine_num_launches(engine), {0});
  };
  std::vector<std::vector<double>> hTotal(1), kTotal(1);
  ok = ok && profileAlternately(h, allLaunches(h.loaded()), hTotal, *kept,
                                allLaunches(kept->loaded()), kTotal, why);
  if (!ok) {
    llvm::errs() << "infer-compile: warning: --tune: the whole-model check did not run ("
                 << why << "); the tiles that passed one by one are kept\n";
    return;
  }
  double inHeuristic = medianOf(hTotal[0]), inKept = medianOf(kTotal[0]);
  if (inKept < (1.0 - minModelGain) * inHeuristic)
    return;
  size_t back = 0;
  for (auto &[index, e] : fresh) {
    const mlir::infer::TunableKernel &k = kernels[index];
    if (e.config == k.candidates.front())
      continue;
    e.config = k.candidates.front();
    e.ms = e.heuristicMs;
    ++stats.reverted;
    ++back;
  }
  llvm::errs() << llvm::format(
      "infer-compile: --tune: the %zu tiles that passed one by one, together: %.4f ms in "
      "the model against the heuristic's %.4f, not %g%% faster: the heuristic's tiles kept\n",
      back, inKept, inHeuristic, 100.0 * minModelGain);
}

} // namespace

LogicalResult mlir::infer::tuneModule(
    ModuleOp module, const CompileOptions &options, const DialectRegistry &registry,
    int threads, TuningCache &cache, TuneStats &stats, std::string &error,
    const std::function<OwningOpRef<ModuleOp>(MLIRContext &)> &importModel,
    double minModelGain) {
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
  ::infer::ProgressLine progress(total);
  std::vector<char> evict(kEvictBytes, 1);
  // The kernels measured now and their winners alone.
  std::vector<std::pair<size_t, TuningEntry>> fresh;
  for (const TunableKernel &k : *kernels) {
    if (known.count(k.signature)) {
      ++stats.cached;
      continue;
    }
    // Compile and load every candidate, then time them in rounds.
    std::vector<std::unique_ptr<CandidateTimer>> timers(k.candidates.size());
    for (size_t c = 0; c < k.candidates.size(); ++c) {
      const std::string &candidate = k.candidates[c];
      std::string why;
      FailureOr<std::vector<uint8_t>> bytes =
          candidateArtifact(k, candidate, options, registry, why);
      auto timer = std::make_unique<CandidateTimer>();
      if (succeeded(bytes) && timer->load(*bytes, threads, why)) {
        // A candidate must compute what the heuristic's tile computes: a
        // wrong one is dropped, and named, never cached.
        if (c > 0 && timers[0] && !timer->agreesWith(*timers[0], why)) {
          progress.interrupt();
          llvm::errs() << "infer-compile: warning: --tune: " << candidate << " for " << k.nodes
                       << " dropped: " << why << "\n";
        } else {
          timers[c] = std::move(timer);
        }
      }
      ++done;
      ++stats.measured;
      if (!timers[c]) {
        ++stats.failed;
        if (c == 0) {
          // The heuristic's own tile must work: the model needs it.
          error = "--tune: the heuristic's tile for " + k.nodes + " does not run alone: " + why;
          return failure();
        }
      }
      double elapsed = seconds(start);
      double left = done ? elapsed / done * (total - done) : 0;
      progress.update(done,
                      formatted("infer-compile: tuning [%3zu/%zu] %-64s compiled, %4.0f s left ",
                                done, total, shortSignature(k.signature).c_str(), left),
                      /*milestone=*/false);
    }
    for (int round = 0; round < kTimingRounds; ++round)
      for (size_t c = 0; c < timers.size(); ++c) {
        std::string why;
        if (timers[c] &&
            !timers[c]->time(kSecondsPerCandidate / kTimingRounds, evict, why)) {
          if (c == 0) {
            error = "--tune: the heuristic's tile for " + k.nodes + " does not run alone: " + why;
            return failure();
          }
          ++stats.failed;
          timers[c].reset();
        }
      }
    double best = -1, heuristic = -1;
    std::string bestConfig;
    for (size_t c = 0; c < timers.size(); ++c) {
      if (!timers[c])
        continue;
      double ms = timers[c]->median();
      if (c == 0)
        heuristic = ms;
      // Another tile must beat the heuristic's by 3%: less is noise.
      if (best < 0 || (ms < best && (bestConfig != k.candidates.front() || ms < 0.97 * best))) {
        best = ms;
        bestConfig = k.candidates[c];
      }
    }
    progress.update(done,
                    formatted("infer-compile: tuning [%3zu/%zu] %-64s best %8.4f ms, %4.0f s left ",
                              done, total, shortSignature(k.signature).c_str(), best,
                              done ? seconds(start) / done * (total - done) : 0.0));
    timers.clear();
    TuningEntry e;
    e.arch = *arch;
    e.compiler = compiler;
    e.signature = k.signature;
    e.config = bestConfig;
    e.ms = best;
    e.heuristicMs = heuristic;
    e.device = "cpu";
    fresh.push_back({static_cast<size_t>(&k - kernels->data()), e});
  }
  progress.finish();

  checkInModel(*kernels, fresh, known, importModel, minModelGain, options, registry, threads,
               stats);
  for (const auto &[index, e] : fresh) {
    cache.add(e);
    ++stats.tuned;
    if (e.config != (*kernels)[index].candidates.front())
      ++stats.improved;
    stats.heuristicMs += e.heuristicMs;
    stats.tunedMs += e.ms;
  }
  stats.seconds = seconds(start);
  return success();
}

FailureOr<mlir::infer::ArtifactBytes>
mlir::infer::buildTuningCandidates(ModuleOp module, const CompileOptions &options,
                                   const DialectRegistry &registry, TuneStats &stats,
                                   std::string &error) {
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
  ::infer::ProgressLine progress(total);
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
        progress.update(done, formatted("infer-compile: candidates [%4zu/%zu] %s failed to build",
                                        done, total, candidate.c_str()));
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
      progress.update(done, formatted("infer-compile: candidates [%4zu/%zu] %-64s %4.0f s left ",
                                      done, total, shortSignature(k.signature).c_str(),
                                      elapsed / done * (total - done)));
    }
    ++stats.tuned;
  }
  progress.finish();
  std::vector<ArtifactPlan *> plans;
  for (ArtifactCandidate &c : container.candidates)
    plans.push_back(&c.plan);
  container.constants = shareConstants(plans);
  stats.seconds = seconds(start);
  return writeArtifact(std::move(container));
}
