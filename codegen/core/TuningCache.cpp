//===- TuningCache.cpp - Measured tile configurations, by kernel ----------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/core/TuningCache.h"

#include "codegen/core/TemplateKernel.h"
#include "ir/InferOps.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <set>

using namespace mlir;
using namespace mlir::infer;

std::string mlir::infer::compilerVersionString() {
  return "infer 0.1.0 (templates " + std::to_string(kTemplateRevision) +
         ", LLVM " LLVM_VERSION_STRING ")";
}

static std::string keyOf(const TuningEntry &e) {
  return e.arch + "\n" + e.compiler + "\n" + e.signature + "\n" + e.device;
}

FailureOr<TuningCache> TuningCache::read(StringRef path, bool missingOk,
                                         std::vector<std::string> &warnings,
                                         std::string &error) {
  TuningCache cache;
  if (missingOk && !llvm::sys::fs::exists(path))
    return cache;
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer) {
    error = "cannot read the tuning cache '" + path.str() + "': " + buffer.getError().message();
    return failure();
  }
  SmallVector<StringRef> lines;
  (*buffer)->getBuffer().split(lines, '\n');
  for (auto [i, line] : llvm::enumerate(lines)) {
    StringRef text = line.trim();
    if (text.empty() || text.starts_with("#"))
      continue;
    std::string where = path.str() + ":" + std::to_string(i + 1) + ": ";
    llvm::Expected<llvm::json::Value> v = llvm::json::parse(text);
    if (!v) {
      warnings.push_back(where + "not JSON (" + llvm::toString(v.takeError()) + "); skipped");
      continue;
    }
    const llvm::json::Object *o = v->getAsObject();
    TuningEntry e;
    auto str = [&](StringRef k, std::string &out) {
      std::optional<StringRef> s = o ? o->getString(k) : std::nullopt;
      if (s)
        out = s->str();
      return s.has_value() && !s->empty();
    };
    auto num = [&](StringRef k, double &out) {
      std::optional<double> d = o ? o->getNumber(k) : std::nullopt;
      if (d)
        out = *d;
      return d.has_value();
    };
    if (!str("arch", e.arch) || !str("compiler", e.compiler) || !str("signature", e.signature) ||
        !str("config", e.config) || !num("ms", e.ms) || !(e.ms >= 0)) {
      warnings.push_back(where + "an entry needs arch, compiler, signature, config and ms; "
                                 "skipped");
      continue;
    }
    num("heuristic_ms", e.heuristicMs);
    str("device", e.device);
    cache.add(e);
  }
  return cache;
}

LogicalResult TuningCache::write(StringRef path, std::string &error) const {
  auto fail = [&](const Twine &why) {
    error = ("cannot write the tuning cache '" + path + "': " + why).str();
    return failure();
  };
  // One writer at a time, through a lock file beside the cache: tuners
  // running at once each merge what the others wrote since they read it.
  std::string lockPath = (path + ".lock").str();
  int lockFd = -1;
  if (std::error_code ec = llvm::sys::fs::openFileForReadWrite(
          lockPath, lockFd, llvm::sys::fs::CD_OpenAlways, llvm::sys::fs::OF_None))
    return fail("cannot open its lock file '" + lockPath + "': " + ec.message());
  llvm::scope_exit closeLock([&] {
    llvm::sys::fs::file_t f = llvm::sys::fs::convertFDToNativeFile(lockFd);
    llvm::sys::fs::closeFile(f);
  });
  if (std::error_code ec = llvm::sys::fs::lockFile(lockFd))
    return fail("cannot lock '" + lockPath + "': " + ec.message());
  llvm::scope_exit unlock([&] { llvm::sys::fs::unlockFile(lockFd); });
  std::vector<std::string> ignored;
  FailureOr<TuningCache> current = read(path, /*missingOk=*/true, ignored, error);
  if (failed(current))
    return failure();
  TuningCache all = *this;
  all.merge(*current);

  // The whole cache into a file of its own, renamed into place.
  int fd = -1;
  SmallString<256> tmp;
  if (std::error_code ec = llvm::sys::fs::createUniqueFile(path + "-%%%%%%.tmp", fd, tmp))
    return fail(ec.message());
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    for (const auto &[key, e] : all.entries) {
      llvm::json::Object o{{"arch", e.arch},   {"compiler", e.compiler},
                           {"signature", e.signature}, {"config", e.config},
                           {"ms", e.ms},       {"heuristic_ms", e.heuristicMs}};
      if (!e.device.empty())
        o["device"] = e.device;
      os << llvm::json::Value(std::move(o)) << "\n";
    }
    os.close();
    if (os.has_error()) {
      std::string why = os.error().message();
      os.clear_error();
      llvm::sys::fs::remove(tmp);
      return fail(why);
    }
  }
  if (std::error_code ec = llvm::sys::fs::rename(tmp, path)) {
    llvm::sys::fs::remove(tmp);
    return fail(ec.message());
  }
  return success();
}

void TuningCache::add(const TuningEntry &e) {
  auto [it, fresh] = entries.emplace(keyOf(e), e);
  if (!fresh && e.ms < it->second.ms)
    it->second = e;
}

void TuningCache::merge(const TuningCache &other) {
  for (const auto &[key, e] : other.entries)
    add(e);
}

std::map<std::string, std::string>
TuningCache::select(StringRef arch, StringRef compiler, StringRef path,
                    std::vector<std::string> *warnings, StringRef device) const {
  std::map<std::string, std::string> out;
  std::map<std::string, double> bestMs;
  std::set<std::string> foreign, devices, otherDevices;
  int foreignCount = 0, stale = 0;
  for (const auto &[key, e] : entries) {
    if (e.arch != arch) {
      foreign.insert(e.arch);
      ++foreignCount;
    } else if (e.compiler != compiler) {
      ++stale;
    } else if (!device.empty() && e.device != device) {
      otherDevices.insert(e.device.empty() ? "unnamed" : e.device);
    } else {
      if (!e.device.empty())
        devices.insert(e.device);
      // Several devices' entries of one signature: the fastest.
      auto it = bestMs.find(e.signature);
      if (it == bestMs.end() || e.ms < it->second) {
        bestMs[e.signature] = e.ms;
        out[e.signature] = e.config;
      }
    }
  }
  if (!warnings)
    return out;
  if (foreignCount)
    warnings->push_back(std::to_string(foreignCount) + " entries of '" + path.str() +
                        "' are for other architectures (" +
                        llvm::join(foreign.begin(), foreign.end(), ", ") + "); not used for " +
                        arch.str());
  if (stale)
    warnings->push_back(std::to_string(stale) + " entries of '" + path.str() + "' for " +
                        arch.str() + " were measured by another compiler version; skipped");
  if (!device.empty() && out.empty() && !otherDevices.empty())
    warnings->push_back("no entry of '" + path.str() + "' was measured on '" + device.str() +
                        "' (it has " +
                        llvm::join(otherDevices.begin(), otherDevices.end(), ", ") + ")");
  if (device.empty() && devices.size() > 1)
    warnings->push_back("'" + path.str() + "' holds " + arch.str() +
                        " entries measured on several devices (" +
                        llvm::join(devices.begin(), devices.end(), ", ") +
                        "): the fastest of each kernel is used; choose one with "
                        "--tuning-device");
  return out;
}

std::string mlir::infer::kernelSignature(Operation *op) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << op->getName() << "(";
  for (auto [i, v] : llvm::enumerate(op->getOperands())) {
    if (i)
      os << ", ";
    if (outerValue(v).getDefiningOp<ConstantOp>())
      os << "const ";
    os << v.getType();
  }
  os << ") -> (";
  llvm::interleaveComma(op->getResultTypes(), os);
  os << ")";
  // Inherent attributes only: discardable ones (infer.tile, names,
  // provenance) carry a dialect prefix.
  bool first = true;
  for (NamedAttribute a : op->getAttrs()) {
    if (a.getName().getValue().contains('.'))
      continue;
    os << (first ? " {" : ", ") << a.getName().getValue() << " = " << a.getValue();
    first = false;
  }
  if (!first)
    os << "}";
  return s;
}
