//===- SparsityLog.cpp - What the sparsity passes did, kept in the IR -----===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "ir/SparsityLog.h"
#include "ir/Provenance.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OperationSupport.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::infer;

/// "a, b" from the strings.
static std::string joined(const std::vector<std::string> &parts) {
  std::string s;
  for (const std::string &p : parts)
    s += (s.empty() ? "" : ", ") + p;
  return s;
}

DictionaryAttr mlir::infer::sparsityEntry(Operation *op, StringRef kind,
                                          NamedAttrList fields) {
  Builder b(op->getContext());
  fields.set("node", b.getStringAttr(joined(nodeNames(op->getLoc()))));
  fields.set("op", b.getStringAttr(joined(nodeOpTypes(op->getLoc()))));
  fields.set("kind", b.getStringAttr(kind));
  return fields.getDictionary(op->getContext());
}

void mlir::infer::appendSparsityLog(ModuleOp module, ArrayRef<Attribute> entries) {
  if (entries.empty())
    return;
  SmallVector<Attribute> all(sparsityLog(module));
  all.append(entries.begin(), entries.end());
  module->setAttr(kSparsityLogAttr, Builder(module.getContext()).getArrayAttr(all));
}

void mlir::infer::declineSparsityEntry(ModuleOp module, Location loc,
                                       StringRef reason) {
  Builder b(module.getContext());
  std::string node = joined(nodeNames(loc));
  SmallVector<Attribute> entries(sparsityLog(module));
  for (Attribute &a : llvm::reverse(entries)) {
    auto entry = llvm::dyn_cast<DictionaryAttr>(a);
    if (!entry || entry.getAs<StringAttr>("node") != b.getStringAttr(node) ||
        entry.getAs<StringAttr>("kind") != b.getStringAttr("2:4"))
      continue;
    NamedAttrList fields(entry);
    fields.set("kind", b.getStringAttr("declined"));
    fields.set("reason", b.getStringAttr(reason));
    a = fields.getDictionary(module.getContext());
    module->setAttr(kSparsityLogAttr, b.getArrayAttr(entries));
    return;
  }
}

ArrayRef<Attribute> mlir::infer::sparsityLog(ModuleOp module) {
  if (auto log = module->getAttrOfType<ArrayAttr>(kSparsityLogAttr))
    return log.getValue();
  return {};
}

static int64_t intField(DictionaryAttr entry, StringRef name) {
  if (auto a = entry.getAs<IntegerAttr>(name))
    return a.getInt();
  return 0;
}

static std::string strField(DictionaryAttr entry, StringRef name) {
  if (auto a = entry.getAs<StringAttr>(name))
    return a.str();
  return "";
}

std::string mlir::infer::describeSparsityEntry(DictionaryAttr entry) {
  std::string kind = strField(entry, "kind");
  if (kind == "channels") {
    std::string s = "channels: ";
    if (int64_t outs = intField(entry, "outputs"))
      s += std::to_string(intField(entry, "removed_outputs")) + " of " +
           std::to_string(outs) + " outputs removed";
    if (int64_t ins = intField(entry, "removed_inputs"))
      s += std::string(intField(entry, "outputs") ? ", " : "") +
           std::to_string(ins) + " inputs removed";
    return s;
  }
  std::string s = kind;
  if (int64_t forced = intField(entry, "forced"))
    s += " (" + std::to_string(forced) + " weights pruned by force)";
  std::string reason = strField(entry, "reason");
  if (!reason.empty())
    s += ": " + reason;
  return s;
}

double mlir::infer::unstructuredZeroShare(DictionaryAttr entry) {
  int64_t weights = intField(entry, "weights"), zeros = intField(entry, "zeros");
  if (weights <= 0)
    return -1;
  if (strField(entry, "kind") == "2:4")
    zeros = std::max<int64_t>(0, zeros - weights / 2);
  return static_cast<double>(zeros) / weights;
}

void mlir::infer::printSparsityTable(ArrayRef<Attribute> log,
                                     llvm::raw_ostream &os) {
  os << llvm::format("%-40s %-8s %12s %12s  %s\n", "ONNX node", "op",
                     "zeros unused", "MFLOP saved", "sparsity");
  int64_t used = 0, declined = 0, dense = 0, outputs = 0, inputs = 0,
          saved = 0;
  for (Attribute a : log) {
    auto entry = llvm::dyn_cast<DictionaryAttr>(a);
    if (!entry)
      continue;
    std::string kind = strField(entry, "kind");
    used += kind == "2:4";
    declined += kind == "declined";
    dense += kind == "dense";
    outputs += intField(entry, "removed_outputs");
    inputs += intField(entry, "removed_inputs");
    saved += intField(entry, "flops_saved");
    double share = unstructuredZeroShare(entry);
    std::string zeros =
        share < 0 ? "-" : llvm::formatv("{0:F1}%", 100 * share).str();
    std::string flops =
        kind == "channels"
            ? llvm::formatv("{0:F1}", intField(entry, "flops_saved") / 1e6).str()
            : "-";
    os << llvm::format("%-40s %-8s %12s %12s  %s\n",
                       strField(entry, "node").c_str(),
                       strField(entry, "op").c_str(), zeros.c_str(),
                       flops.c_str(), describeSparsityEntry(entry).c_str());
  }
  os << "sparsity: " << used << " weights 2:4, " << declined << " declined, "
     << dense << " dense; " << outputs << " output and " << inputs
     << " input channels removed, "
     << llvm::formatv("{0:F2}", saved / 1e9) << " GFLOP saved\n";
}
