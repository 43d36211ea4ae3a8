//===- CpuFeaturesTest.cpp - The runtime knows every feature LLVM records -===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The compiler records every ISA feature LLVM enables for the target CPU
// (isaFeatures); the runtime refuses an artifact naming a feature it cannot
// detect. These tests check, for every x86-64 CPU LLVM knows, that the
// runtime knows each such feature, and that its detection agrees with
// LLVM's own host detection on the machine running them.
//
//===----------------------------------------------------------------------===//

#include "runtime/cpu/CpuFeatures.h"
#include "codegen/cpu/CpuTarget.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace {

using infer::CpuFeatureStatus;
using infer::cpuFeatureStatus;

constexpr const char *kTriple = "x86_64-pc-linux-gnu";

/// The X86 subtarget for `cpu`, or null where LLVM lacks the X86 target.
std::unique_ptr<llvm::MCSubtargetInfo> x86Subtarget(const std::string &cpu) {
  llvm::InitializeNativeTarget();
  llvm::Triple triple(kTriple);
  std::string error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return nullptr;
  return std::unique_ptr<llvm::MCSubtargetInfo>(
      target->createMCSubtargetInfo(triple, cpu, ""));
}

bool contains(const std::vector<std::string> &list, const std::string &name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

// The runtime can only check features on the architecture it runs on.
#if defined(__x86_64__)
#define SKIP_UNLESS_X86_64()
#else
#define SKIP_UNLESS_X86_64() GTEST_SKIP() << "the runtime checks x86-64 only"
#endif

// Whatever CPU an artifact is compiled for, the runtime knows every feature
// recorded for it, so it can refuse the artifact rather than die of SIGILL.
TEST(CpuFeaturesTest, KnowsEveryIsaFeatureOfEveryCpu) {
  SKIP_UNLESS_X86_64();
  std::unique_ptr<llvm::MCSubtargetInfo> generic = x86Subtarget("");
  ASSERT_TRUE(generic) << "LLVM has no X86 target";
  std::set<std::string> names;
  size_t cpus = 0;
  for (const llvm::SubtargetSubTypeKV &cpu :
       generic->getAllProcessorDescriptions()) {
    std::unique_ptr<llvm::MCSubtargetInfo> sti = x86Subtarget(cpu.Key);
    ASSERT_TRUE(sti) << cpu.Key;
    ++cpus;
    for (const std::string &feature : mlir::infer::isaFeatures(*sti)) {
      names.insert(feature);
      EXPECT_NE(cpuFeatureStatus(feature), CpuFeatureStatus::Unknown)
          << "'" << feature << "' of " << cpu.Key;
    }
  }
  EXPECT_GT(cpus, 100u);
  RecordProperty("cpus", static_cast<int>(cpus));
  RecordProperty("features", static_cast<int>(names.size()));
}

// Also the names no CPU enables (-mattr=+avx10.2-512, +retpoline, tuning).
TEST(CpuFeaturesTest, KnowsEveryFeatureNameLlvmDefines) {
  SKIP_UNLESS_X86_64();
  std::unique_ptr<llvm::MCSubtargetInfo> sti = x86Subtarget("");
  ASSERT_TRUE(sti) << "LLVM has no X86 target";
  for (const llvm::SubtargetFeatureKV &f : sti->getAllProcessorFeatures())
    EXPECT_NE(cpuFeatureStatus(f.Key), CpuFeatureStatus::Unknown) << f.Key;
}

TEST(CpuFeaturesTest, UnknownNamesAreUnknown) {
  EXPECT_EQ(cpuFeatureStatus("not-a-feature"), CpuFeatureStatus::Unknown);
  EXPECT_EQ(cpuFeatureStatus(""), CpuFeatureStatus::Unknown);
  EXPECT_EQ(cpuFeatureStatus("+avx2"), CpuFeatureStatus::Unknown);
  // Removed from LLVM's X86 target before LLVM 22.
  EXPECT_EQ(cpuFeatureStatus("avx5124fmaps"), CpuFeatureStatus::Unknown);
}

TEST(CpuFeaturesTest, BaselineAndCodegenModesArePresent) {
  SKIP_UNLESS_X86_64();
  for (const char *name :
       {"64bit", "cmov", "cx8", "fxsr", "mmx", "sse", "sse2", "x87",
        "64bit-mode", "retpoline", "harden-sls-ret", "prefer-256-bit"})
    EXPECT_EQ(cpuFeatureStatus(name), CpuFeatureStatus::Present) << name;
}

// isaFeatures keeps instruction sets and drops tuning.
TEST(CpuFeaturesTest, IsaFeaturesExcludeTuning) {
  SKIP_UNLESS_X86_64();
  struct Expectation {
    const char *cpu;
    std::vector<std::string> has;
  };
  for (const Expectation &e :
       {Expectation{"diamondrapids", {"egpr", "ndd", "amx-tile", "avx10.2"}},
        Expectation{"novalake", {"egpr", "avx10.2"}},
        Expectation{"bdver4", {"fma4", "xop", "avx2"}},
        Expectation{"skylake-avx512", {"avx512f", "avx512vl"}},
        Expectation{"x86-64", {"sse2", "64bit"}},
        Expectation{"x86-64-v3", {"avx2", "fma"}}}) {
    std::unique_ptr<llvm::MCSubtargetInfo> sti = x86Subtarget(e.cpu);
    ASSERT_TRUE(sti) << "LLVM has no X86 target";
    std::vector<std::string> isa = mlir::infer::isaFeatures(*sti);
    for (const std::string &name : e.has)
      EXPECT_TRUE(contains(isa, name)) << name << " of " << e.cpu;
    for (const char *tuning : {"slow-3ops-lea", "fast-gather", "macrofusion",
                               "prefer-256-bit", "vzeroupper"})
      EXPECT_FALSE(contains(isa, tuning)) << tuning << " of " << e.cpu;
  }
}

// Every feature LLVM finds on this host is present by our detection too.
TEST(CpuFeaturesTest, AgreesWithLlvmHostDetection) {
  SKIP_UNLESS_X86_64();
  llvm::StringMap<bool> host = llvm::sys::getHostCPUFeatures();
  ASSERT_FALSE(host.empty());
  for (const auto &f : host)
    if (f.second)
      EXPECT_EQ(cpuFeatureStatus(f.first().str()), CpuFeatureStatus::Present)
          << f.first().str();
}

// The AMD-only extensions that motivated this: both ways, not just present.
TEST(CpuFeaturesTest, Fma4AndXopMatchLlvmHostDetection) {
  SKIP_UNLESS_X86_64();
  llvm::StringMap<bool> host = llvm::sys::getHostCPUFeatures();
  for (const char *name : {"fma4", "xop"})
    EXPECT_EQ(cpuFeatureStatus(name) == CpuFeatureStatus::Present,
              host.lookup(name))
        << name;
}

// An artifact compiled with --target=cpu runs on the machine that built it.
TEST(CpuFeaturesTest, HostTargetRequiresOnlyPresentFeatures) {
  SKIP_UNLESS_X86_64();
  std::string error;
  std::unique_ptr<mlir::infer::CpuTarget> target =
      mlir::infer::createCpuTarget("host", error);
  ASSERT_TRUE(target) << error;
  EXPECT_FALSE(target->requiredFeatures.empty());
  for (const std::string &f : target->requiredFeatures)
    EXPECT_EQ(cpuFeatureStatus(f), CpuFeatureStatus::Present) << f;
}

} // namespace
