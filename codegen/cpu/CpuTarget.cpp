//===- CpuTarget.cpp - The CPU a kernel module is compiled for ------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/cpu/CpuTarget.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

using namespace mlir;
using namespace mlir::infer;

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
  const llvm::MCSubtargetInfo *sti = target->machine->getMCSubtargetInfo();
  // Every ISA extension LLVM may emit for these kernels, named as both
  // LLVM and the runtime's CPU detection (__builtin_cpu_supports) name it.
  for (const char *f : {"sse4.2", "popcnt", "movbe", "lzcnt", "bmi", "bmi2",
                        "avx", "avx2", "fma", "f16c", "avxvnni", "avx512f",
                        "avx512cd", "avx512bw", "avx512dq", "avx512vl",
                        "avx512vnni", "avx512bf16", "avx512fp16", "avx512ifma",
                        "avx512vbmi", "avx512vbmi2", "avx512bitalg",
                        "avx512vpopcntdq", "gfni", "vaes", "vpclmulqdq",
                        "amx-tile", "amx-int8", "amx-bf16"}) {
    if (sti->checkFeatures(std::string("+") + f))
      target->requiredFeatures.push_back(f);
  }
  auto has = [&](const char *f) {
    return std::find(target->requiredFeatures.begin(),
                     target->requiredFeatures.end(),
                     f) != target->requiredFeatures.end();
  };
  target->vectorBytes = has("avx512f") ? 64 : has("avx") ? 32 : 16;
  return target;
}
