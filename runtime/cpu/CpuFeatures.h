//===- CpuFeatures.h - Which ISA features this CPU has ----------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The runtime's answer to "may I run code that uses feature X?", where X is
// named as LLVM's X86 subtarget names it ("avx512f", "fma4", "egpr", ...).
// Detection uses cpuid and xgetbv only, so the runtime needs no LLVM.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_RUNTIME_CPU_CPUFEATURES_H
#define INFER_RUNTIME_CPU_CPUFEATURES_H

#include <string>

namespace infer {

/// What this runtime knows about one feature on the CPU it runs on.
enum class CpuFeatureStatus {
  /// The CPU has it and the OS saves its registers: code using it may run.
  /// Also the answer for names that are not instructions (code-generation
  /// modes, hardening options, tuning hints), since they cannot fault.
  Present,
  /// The runtime knows the feature and the CPU or the OS lacks it.
  Absent,
  /// The runtime does not know the name (a newer LLVM, or a feature of
  /// another architecture); callers must treat it as missing.
  Unknown,
};

/// The status of the feature `llvmName`, an LLVM 22 X86 subtarget feature
/// name. Every name LLVM 22's X86 target defines is known on an x86-64 host;
/// on any other host every name is Unknown.
///
/// The first query of an AMX feature on Linux asks the kernel for permission
/// to use AMX tile data (arch_prctl ARCH_REQ_XCOMP_PERM), without which the
/// first tile instruction raises SIGILL; the feature is Absent if the kernel
/// refuses. Thread-safe.
CpuFeatureStatus cpuFeatureStatus(const std::string &llvmName);

/// Whether LLVM emits the instructions of `llvmName` only for their own
/// intrinsics (protection keys, MONITORX, RDPRU, direct stores, cache
/// control, system registers...), which infer's kernels never call: code
/// compiled for a CPU with them runs on one without. Cloud VMs hide several
/// of them (pku, rdpru, wbnoinvd), so `--target=cpu:znver4` artifacts would
/// otherwise be refused on the very machines they are built for.
bool cpuFeatureIntrinsicOnly(const std::string &llvmName);

} // namespace infer

#endif // INFER_RUNTIME_CPU_CPUFEATURES_H
