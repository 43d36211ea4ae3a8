//===- infer-tune.cpp - Tuning caches: merge and show -----------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
//   infer-tune merge a.tune b.tune ... -o all.tune
//   infer-tune show all.tune [--arch=cpu:znver3:avx2]
//
// Caches come from `infer-compile --tune --tuning-cache=F` (format in
// codegen/core/TuningCache.h). merge keeps, for each (architecture,
// compiler, kernel signature), the fastest entry; lines that do not parse
// are skipped with a warning naming file and line.
//
//===----------------------------------------------------------------------===//

#include "codegen/core/TuningCache.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
namespace cl = llvm::cl;

static cl::OptionCategory category("infer-tune options");
static cl::opt<std::string> command(cl::Positional, cl::Required,
                                    cl::desc("<merge|show>"), cl::cat(category));
static cl::list<std::string> files(cl::Positional, cl::desc("<cache files>"),
                                   cl::cat(category));
static cl::opt<std::string> output("o", cl::desc("merge: the merged cache"),
                                   cl::value_desc("file"), cl::cat(category));
static cl::opt<std::string> arch("arch", cl::desc("show: only entries of this architecture"),
                                 cl::cat(category));

static int fail(const std::string &message) {
  llvm::errs() << "infer-tune: error: " << message << "\n";
  return 1;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv,
                              "infer-tune: merges and shows tuning caches\n\n"
                              "  infer-tune merge a.tune b.tune -o all.tune\n"
                              "  infer-tune show all.tune\n");
  if (command != "merge" && command != "show")
    return fail("unknown command '" + command + "' (merge, show)");
  if (files.empty())
    return fail(command + " needs at least one cache file");
  if (command == "merge" && output.empty())
    return fail("merge needs -o FILE");
  infer::TuningCache all;
  for (const std::string &f : files) {
    std::vector<std::string> warnings;
    std::string error;
    FailureOr<infer::TuningCache> c = infer::TuningCache::read(f, false, warnings, error);
    if (failed(c))
      return fail(error);
    for (const std::string &w : warnings)
      llvm::errs() << "infer-tune: warning: " << w << "\n";
    all.merge(*c);
  }
  if (command == "merge") {
    std::string error;
    if (failed(all.write(output, error)))
      return fail(error);
    llvm::outs() << "infer-tune: " << all.size() << " entries from " << files.size()
                 << " caches written to " << output << "\n";
    return 0;
  }
  for (const auto &[key, e] : all.all()) {
    if (!arch.empty() && e.arch != arch)
      continue;
    llvm::outs() << e.arch << " | " << e.compiler
                 << (e.device.empty() ? std::string() : " | " + e.device) << "\n  "
                 << e.signature << "\n  "
                 << e.config
                 << llvm::format("  %.4f ms (heuristic %.4f ms, %.2fx)\n", e.ms, e.heuristicMs,
                                 e.ms > 0 ? e.heuristicMs / e.ms : 0.0);
  }
  return 0;
}
