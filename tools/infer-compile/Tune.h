//===- Tune.h - infer-compile --tune ----------------------------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_TOOLS_INFER_COMPILE_TUNE_H
#define INFER_TOOLS_INFER_COMPILE_TUNE_H

#include "codegen/Driver.h"
#include "codegen/core/TuningCache.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"

#include <functional>
#include <string>

namespace mlir::infer {

struct TuneStats {
  size_t kernels = 0, cached = 0, tuned = 0, improved = 0, measured = 0, failed = 0;
  /// Tiles that won alone, checked in the model, and those of them that
  /// lost there (the heuristic's tile kept).
  size_t checked = 0, reverted = 0;
  /// Sums over the tuned kernels of the heuristic's and the chosen tile's
  /// median times, alone, in ms.
  double heuristicMs = 0, tunedMs = 0;
  double seconds = 0;
};

/// Measures the tile candidates of every contraction of `module` (consumed:
/// it runs the graph pipeline) on this machine with `threads` threads and
/// adds the fastest of each to `cache`; kernels `cache` holds for this
/// architecture and compiler are skipped. Prints progress on stderr.
///
/// Tiles that won alone are then checked in the whole model, compiled
/// twice from `importModel` (each time into the context it is given):
/// with the heuristic's tiles and with the tuned ones, run alternately with
/// every launch timed; a tuned tile whose kernels (and the launches after
/// them) are not at least `minModelGain` (a fraction) faster there is
/// replaced by the heuristic's in the cache. Then the tiles kept run
/// together against the heuristic's; if the model is not faster with them,
/// all of them are replaced. Without `importModel`, no check.
LogicalResult tuneModule(ModuleOp module, const CompileOptions &options,
                         const DialectRegistry &registry, int threads, TuningCache &cache,
                         TuneStats &stats, std::string &error,
                         const std::function<OwningOpRef<ModuleOp>(MLIRContext &)>
                             &importModel = nullptr,
                         double minModelGain = 0.02);

/// infer-compile --tune-candidates: every distinct contraction's tile
/// candidates compiled, each into a plan of that kernel alone, packed into
/// one artifact (sharing their constants) for `infer-run --tune` to time on
/// the target machine; `stats` counts kernels and candidates.
FailureOr<ArtifactBytes> buildTuningCandidates(ModuleOp module, const CompileOptions &options,
                                               const DialectRegistry &registry,
                                               TuneStats &stats, std::string &error);

} // namespace mlir::infer

#endif // INFER_TOOLS_INFER_COMPILE_TUNE_H
