//===- OnnxOpTable.cpp - ai.onnx op versions newer than libonnx's ---------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "frontend/OnnxOpTable.h"

#include "llvm/ADT/StringMap.h"

using namespace mlir::infer::frontend;

namespace {
struct Table {
  std::vector<std::vector<const char *>> typeSets;
  llvm::StringMap<std::vector<OnnxOpVersion>> ops;

  Table() {
    auto addTypes = [&](int id, std::vector<const char *> types) {
      typeSets.resize(std::max<size_t>(typeSets.size(), id + 1));
      typeSets[id] = std::move(types);
    };
    auto addOp = [&](const char *name, int since, int minInputs, int maxInputs,
                     std::vector<int> inputs, std::vector<OnnxOpAttr> attrs) {
      ops[name].push_back(
          OnnxOpVersion{name, since, minInputs, maxInputs, std::move(inputs), std::move(attrs)});
    };
#include "frontend/OnnxOpTable.inc"
  }
};

const Table &table() {
  static const Table t;
  return t;
}
} // namespace

const OnnxOpVersion *mlir::infer::frontend::onnxOpVersion(llvm::StringRef op,
                                                         int64_t opset) {
  auto it = table().ops.find(op);
  if (it == table().ops.end())
    return nullptr;
  const OnnxOpVersion *best = nullptr;
  for (const OnnxOpVersion &v : it->second) // ascending versions
    if (v.since <= opset)
      best = &v;
  return best;
}

llvm::ArrayRef<const char *> mlir::infer::frontend::onnxTypeSet(int id) {
  const auto &sets = table().typeSets;
  if (id < 0 || static_cast<size_t>(id) >= sets.size())
    return {};
  return sets[id];
}
