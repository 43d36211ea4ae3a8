//===- Provenance.cpp - Which ONNX nodes a location names -----------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "ir/Provenance.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::infer;

Location mlir::infer::nodeLocation(MLIRContext *ctx, llvm::StringRef name,
                                   llvm::StringRef opType) {
  return NameLoc::get(StringAttr::get(ctx, name),
                      NameLoc::get(StringAttr::get(ctx, opType)));
}

static void collect(Location loc, std::vector<std::string> &names,
                    std::vector<std::string> *types) {
  if (auto n = llvm::dyn_cast<NameLoc>(loc)) {
    std::string s = n.getName().str();
    if (std::find(names.begin(), names.end(), s) != names.end())
      return;
    names.push_back(s);
    if (types) {
      auto child = llvm::dyn_cast<NameLoc>(n.getChildLoc());
      types->push_back(child ? child.getName().str() : "");
    }
    return;
  }
  if (auto f = llvm::dyn_cast<FusedLoc>(loc))
    for (Location l : f.getLocations())
      collect(l, names, types);
}

std::vector<std::string> mlir::infer::nodeNames(Location loc) {
  std::vector<std::string> names;
  collect(loc, names, nullptr);
  return names;
}

std::vector<std::string> mlir::infer::nodeOpTypes(Location loc) {
  std::vector<std::string> names, types;
  collect(loc, names, &types);
  return types;
}

std::string mlir::infer::describeNodes(Location loc) {
  std::vector<std::string> names, types;
  collect(loc, names, &types);
  if (names.empty())
    return "";
  if (names.size() == 1)
    return "node '" + names[0] + "'" +
           (types[0].empty() ? "" : " (" + types[0] + ")");
  std::string s = "nodes ";
  constexpr size_t kShown = 4;
  for (size_t i = 0; i < names.size() && i < kShown; ++i)
    s += (i ? ", '" : "'") + names[i] + "'";
  if (names.size() > kShown)
    s += " and " + std::to_string(names.size() - kShown) + " more";
  return s;
}
