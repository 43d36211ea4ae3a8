//===- ApplyTuning.cpp - The infer-apply-tuning-cache pass -------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/core/Passes.h"
#include "codegen/core/TargetBackend.h"
#include "codegen/core/TuningCache.h"

#include "ir/InferOps.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"

namespace mlir::infer {
#define GEN_PASS_DEF_INFERAPPLYTUNINGCACHE
#include "codegen/core/Passes.h.inc"
} // namespace mlir::infer

using namespace mlir;
using namespace mlir::infer;

namespace {
struct ApplyTuningCachePass
    : infer::impl::InferApplyTuningCacheBase<ApplyTuningCachePass> {
  using Base::Base;
  ApplyTuningCachePass(const TargetBackend &backend, std::map<std::string, std::string> configs,
                       TuningUse *use)
      : backend(&backend), configs(std::move(configs)), selected(true), use(use) {}

  void runOnOperation() override {
    ModuleOp module = getOperation();
    std::unique_ptr<TargetBackend> owned;
    const TargetBackend *b = backend;
    if (!b) {
      std::string error;
      owned = createTargetBackend(target, error);
      if (!owned) {
        module.emitError() << error;
        return signalPassFailure();
      }
      b = owned.get();
    }
    if (!selected) {
      // infer-opt: read the file here.
      std::vector<std::string> warnings;
      std::string error;
      FailureOr<TuningCache> c = TuningCache::read(cache, /*missingOk=*/false, warnings, error);
      if (failed(c)) {
        module.emitError() << error;
        return signalPassFailure();
      }
      configs = c->select(b->tuningArch(), compilerVersionString(), cache, &warnings);
      for (const std::string &w : warnings)
        module.emitWarning() << w;
    }
    if (configs.empty())
      return;
    MLIRContext *ctx = module.getContext();
    module.walk([&](Operation *op) {
      if (op->getNumResults() == 0 || llvm::isa<ConstantOp, func::FuncOp, ModuleOp>(op))
        return;
      auto it = configs.find(kernelSignature(op));
      if (it == configs.end())
        return;
      Attribute tile;
      {
        // A malformed entry is reported below, not as a parse error.
        ScopedDiagnosticHandler quiet(ctx, [](Diagnostic &) { return success(); });
        tile = parseAttribute(it->second, ctx);
      }
      std::string why = tile ? b->checkTile(op, tile)
                             : "'" + it->second + "' is not a tile configuration";
      if (!why.empty()) {
        std::string message = "tuning cache entry ignored: " + why;
        if (use)
          use->refused.push_back(message);
        else
          op->emitWarning() << message;
        return;
      }
      op->setAttr(InferDialect::getTileAttrName(), tile);
      op->setAttr(kTileSourceAttr, StringAttr::get(ctx, "cache"));
      if (use)
        ++use->applied;
    });
  }

  const TargetBackend *backend = nullptr;
  std::map<std::string, std::string> configs;
  bool selected = false;
  TuningUse *use = nullptr;
};
} // namespace

std::unique_ptr<Pass>
mlir::infer::createApplyTuningCachePass(const TargetBackend &backend,
                                        std::map<std::string, std::string> configs,
                                        TuningUse *use) {
  return std::make_unique<ApplyTuningCachePass>(backend, std::move(configs), use);
}
