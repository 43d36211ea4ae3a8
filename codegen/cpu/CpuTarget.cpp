//===- CpuTarget.cpp - The CPU a kernel module is compiled for ------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/cpu/CpuTarget.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::infer;

std::vector<std::string>
mlir::infer::isaFeatures(const llvm::MCSubtargetInfo &sti) {
  llvm::ArrayRef<llvm::SubtargetFeatureKV> all = sti.getAllProcessorFeatures();
  // LLVM marks no feature as tuning; a processor's TuneImplies is the only
  // place that says so. Close the set under implication so that a tuning
  // feature implied by another counts as tuning too.
  llvm::FeatureBitset tuning;
  for (const llvm::SubtargetSubTypeKV &cpu : sti.getAllProcessorDescriptions())
    tuning |= cpu.TuneImplies.getAsBitset();
  for (bool grew = true; grew;) {
    grew = false;
    for (const llvm::SubtargetFeatureKV &f : all) {
      const llvm::FeatureBitset &implied = f.Implies.getAsBitset();
      if (tuning.test(f.Value) && (implied & ~tuning).any()) {
        tuning |= implied;
        grew = true;
      }
    }
  }
  const llvm::FeatureBitset &enabled = sti.getFeatureBits();
  std::vector<std::string> isa;
  for (const llvm::SubtargetFeatureKV &f : all)
    if (enabled.test(f.Value) && !tuning.test(f.Value))
      isa.push_back(f.Key);
  return isa;
}

std::unique_ptr<CpuTarget> mlir::infer::createCpuTarget(const std::string &cpu,
                                                        std::string &error) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  auto target = std::make_unique<CpuTarget>();
  target->triple = llvm::sys::getDefaultTargetTriple();
  bool host = cpu.empty() || cpu == "host" || cpu == "native";
  target->cpu = host ? llvm::sys::getHostCPUName().str() : cpu;
  if (host) {
    llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
    std::vector<std::string> list;
    for (auto &f : features)
      list.push_back((f.second ? "+" : "-") + f.first().str());
    std::sort(list.begin(), list.end());
    for (const std::string &f : list)
      target->features += (target->features.empty() ? "" : ",") + f;
  }
  llvm::Triple triple(target->triple);
  std::string lookupError;
  const llvm::Target *t = llvm::TargetRegistry::lookupTarget(triple, lookupError);
  if (!t) {
    error = "no LLVM target for '" + target->triple + "': " + lookupError;
    return nullptr;
  }
  if (!host) {
    // An unknown CPU name makes LLVM fall back to a generic CPU silently;
    // refuse it instead.
    std::unique_ptr<llvm::MCSubtargetInfo> sti(
        t->createMCSubtargetInfo(triple, "", ""));
    if (!sti || !sti->isCPUStringValid(target->cpu)) {
      error = "unknown CPU '" + target->cpu + "' for " + target->triple +
              " (try host, x86-64-v3, skylake-avx512, znver4, ...)";
      return nullptr;
    }
  }
  llvm::TargetOptions options;
  target->machine.reset(t->createTargetMachine(
      triple, target->cpu, target->features, options, llvm::Reloc::PIC_,
      std::nullopt, llvm::CodeGenOptLevel::Aggressive));
  if (!target->machine) {
    error = "cannot create an LLVM target machine for " + target->cpu;
    return nullptr;
  }
  std::vector<std::string> isa =
      isaFeatures(*target->machine->getMCSubtargetInfo());
  target->vectorBytes = llvm::is_contained(isa, "avx512f") ? 64
                        : llvm::is_contained(isa, "avx")   ? 32
                                                           : 16;
  target->avx512vnni = target->vectorBytes == 64 &&
                       llvm::is_contained(isa, "avx512vnni") &&
                       llvm::is_contained(isa, "avx512bw");
  target->avx2 = llvm::is_contained(isa, "avx2");
  target->halfRate512 = target->vectorBytes == 64 && target->cpu == "znver4";
  // The runtime detects LLVM's X86 feature names only; elsewhere it would
  // refuse every artifact, so record none there (the runtime's ELF machine
  // check still guards the architecture).
  if (triple.isX86())
    target->requiredFeatures = std::move(isa);
  return target;
}
