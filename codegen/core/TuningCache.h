//===- TuningCache.h - Measured tile configurations, by kernel --*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The tuning cache: plain text, one JSON object per line, each a tile
// configuration measured fastest for one kernel signature on one target
// architecture by one compiler version:
//
//   {"arch":"cpu:znver3:avx2","compiler":"infer 0.1.0 (LLVM 22.1.0)",
//    "signature":"infer.conv(...) -> ... {...}",
//    "config":"#infer.cpu_tile<conv_flat, mr = 6, nv = 2, vl = 8>",
//    "ms":0.0812,"heuristic_ms":0.0937}
//
// Portable between machines of one architecture (the key names the CPU
// model and ISA, or the GPU), mergeable (the faster of two entries for one
// key wins), and forgiving: a line that does not parse is skipped with a
// warning; entries of other architectures are not used (their count is
// warned about once), those of another compiler version are skipped with a
// warning (their configurations may no
// longer mean the same).
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CORE_TUNINGCACHE_H
#define INFER_CODEGEN_CORE_TUNINGCACHE_H

#include "mlir/IR/Operation.h"
#include "mlir/Support/LLVM.h"

#include <map>
#include <string>
#include <vector>

namespace mlir::infer {

struct TuningEntry {
  std::string arch, compiler, signature, config;
  /// The device measured on (a GPU's name; "" or "cpu" for the CPU): part
  /// of the key, so that two devices of one architecture keep their own.
  std::string device;
  /// The configuration's median time, and the heuristic's, in ms.
  double ms = 0, heuristicMs = 0;
};

class TuningCache {
public:
  /// Reads a cache file; a missing file is an empty cache when
  /// `missingOk`. Malformed lines go to `warnings` ("F:N: ...").
  static FailureOr<TuningCache> read(StringRef path, bool missingOk,
                                     std::vector<std::string> &warnings, std::string &error);
  /// Writes the entries sorted by key, merged with those the file holds
  /// now (another tuner may have added some since it was read; the faster
  /// entry of a key stays), under a lock file beside it (PATH.lock),
  /// through a temporary file of its own renamed into place.
  LogicalResult write(StringRef path, std::string &error) const;
  /// Adds `e`; for a key already present the faster entry stays.
  void add(const TuningEntry &e);
  void merge(const TuningCache &other);
  /// Signature → configuration for `arch` and `compiler`, measured on
  /// `device` when given (else on any: the fastest entry of a signature,
  /// with a warning when the entries come from several devices). With
  /// `warnings`, says (naming the cache `path`) how many entries are for
  /// other architectures and how many for `arch` come from another
  /// compiler version.
  std::map<std::string, std::string>
  select(StringRef arch, StringRef compiler, StringRef path = "",
         std::vector<std::string> *warnings = nullptr, StringRef device = "") const;
  size_t size() const { return entries.size(); }
  const std::map<std::string, TuningEntry> &all() const { return entries; }

private:
  /// By arch, compiler and signature (joined with newlines).
  std::map<std::string, TuningEntry> entries;
};

/// The tuning key of a contraction: its op name, operand types (constants
/// marked), result types and inherent attributes. Two ops of the same
/// signature run the same kernel template the same way, in any model.
std::string kernelSignature(Operation *op);

/// Counts changes of what a tile means to a template (e.g. dwconv's MR and
/// NV, rows and vectors since revision 2; on a flattened small plane, NV
/// vectors at a time and no rows since revision 4) or of the candidates a
/// kernel is measured among (the Winograd templates since revision 3):
/// entries measured before one are another compiler version's, skipped.
constexpr int kTemplateRevision = 4;

/// "infer <version> (templates <revision>, LLVM <version>)": the compiler
/// an entry was measured with.
std::string compilerVersionString();

/// The discardable attribute saying where an op's `infer.tile` came from
/// ("cache"); absent: the backend's heuristic.
constexpr const char *kTileSourceAttr = "infer.tile_source";

/// What applying a cache did to one compile (CompileOptions::tuning).
struct TuningUse {
  int applied = 0;
  /// Entries that matched an op but whose configuration the target
  /// refused, with the reason.
  std::vector<std::string> refused;
};

} // namespace mlir::infer

#endif // INFER_CODEGEN_CORE_TUNINGCACHE_H
