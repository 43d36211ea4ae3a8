//===- TargetBackend.cpp - The registry of code generation targets --------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/core/TargetBackend.h"

#include "ir/Fusion.h"

#include <map>
#include <mutex>

using namespace mlir;
using namespace mlir::infer;

namespace {
struct Entry {
  std::string help;
  TargetBackendFactory factory;
};

std::map<std::string, Entry> &registry() {
  static std::map<std::string, Entry> r;
  return r;
}

std::mutex &registryMutex() {
  static std::mutex m;
  return m;
}
} // namespace

bool TargetBackend::fusesIntoEpilogue(Operation *anchor, Operation *op) const {
  return isEpilogueOp(op);
}

void mlir::infer::registerTargetBackend(StringRef name, StringRef help,
                                        TargetBackendFactory factory) {
  std::lock_guard<std::mutex> lock(registryMutex());
  registry()[name.str()] = {help.str(), std::move(factory)};
}

std::unique_ptr<TargetBackend>
mlir::infer::createTargetBackend(StringRef target, std::string &error) {
  auto [name, arch] = target.split(':');
  TargetBackendFactory factory;
  {
    std::lock_guard<std::mutex> lock(registryMutex());
    auto it = registry().find(name.str());
    if (it != registry().end())
      factory = it->second.factory;
  }
  if (!factory) {
    error = "unknown target '" + target.str() + "' (supported: " +
            describeTargetBackends() + ")";
    return nullptr;
  }
  return factory(arch, error);
}

std::string mlir::infer::describeTargetBackends() {
  std::lock_guard<std::mutex> lock(registryMutex());
  std::string s;
  for (auto &[name, entry] : registry())
    s += (s.empty() ? "" : ", ") + entry.help;
  return s.empty() ? "none registered" : s;
}
