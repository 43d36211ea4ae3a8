//===- SparsityReport.cpp - Print the module's sparsity log ---------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "transforms/Passes.h"

#include "ir/SparsityLog.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::infer {
#define GEN_PASS_DEF_INFERSPARSITYREPORT
#include "transforms/Passes.h.inc"
} // namespace mlir::infer

using namespace mlir;
using namespace mlir::infer;

namespace {
struct SparsityReportPass
    : infer::impl::InferSparsityReportBase<SparsityReportPass> {
  void runOnOperation() override {
    printSparsityTable(sparsityLog(getOperation()), llvm::outs());
    markAllAnalysesPreserved();
  }
};
} // namespace
