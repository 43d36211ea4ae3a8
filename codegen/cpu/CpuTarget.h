//===- CpuTarget.h - The CPU a kernel module is compiled for ----*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// `--target=cpu` compiles for the host CPU; `--target=cpu:<name>` for
// another x86-64 CPU LLVM knows (skylake-avx512, znver4, x86-64-v3, ...).
// The artifact records the CPU and every ISA feature LLVM may use for it, so
// that a runtime on a lesser CPU refuses it with a message instead of dying
// of SIGILL (runtime/cpu/CpuFeatures.h detects them).
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CPU_CPUTARGET_H
#define INFER_CODEGEN_CPU_CPUTARGET_H

#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/Target/TargetMachine.h"

#include <memory>
#include <string>
#include <vector>

namespace mlir::infer {

/// The CPU kernels are compiled for, and what running them requires.
struct CpuTarget {
  /// The LLVM target triple (the host's).
  std::string triple;
  /// The LLVM CPU name ("znver4", "x86-64-v3", ...).
  std::string cpu;
  /// The LLVM feature string ("+avx2,-avx512f,..."), set for the host only.
  std::string features;
  /// Every ISA feature the generated code may use, as LLVM names it
  /// ("avx2", "avx512f", "egpr", "64bit-mode"...); see isaFeatures. Empty
  /// on non-x86 hosts, whose runtime cannot check LLVM's names.
  std::vector<std::string> requiredFeatures;
  /// The widest vector register in bytes (64 with AVX-512, 32 with AVX2).
  int vectorBytes = 16;
  /// AVX-512 VNNI (vpdpbusd on 512-bit registers): the int8 templates'
  /// four-byte dot products in one instruction.
  bool avx512vnni = false;
  /// AVX2: the int8 templates' dot products on 256-bit registers, exactly
  /// (CPUs without AVX-512 VNNI): vpmaddwd on bytes widened to 16 bits, or
  /// vpmaddubsw then vpmaddwd by ones for inputs never negative.
  bool avx2 = false;
  /// 512-bit FMAs run as two 256-bit halves, one per cycle (AMD Zen 4),
  /// not on two full-width pipes (Intel's AVX-512 servers, Zen 5): a tile
  /// may then spend a load per FMA without being load-bound.
  bool halfRate512 = false;
  /// The LLVM target machine the kernels are compiled with.
  std::unique_ptr<llvm::TargetMachine> machine;
};

/// The features enabled in `sti` that are not tuning features, sorted by
/// name: those may change which instructions LLVM emits. A tuning feature is
/// one in the TuneImplies of any processor `sti` knows, or implied by one;
/// everything else, from "avx512f" to "retpoline", counts.
std::vector<std::string> isaFeatures(const llvm::MCSubtargetInfo &sti);

/// Creates the target for `cpu` ("" or "host" for this machine). Fails with
/// `error` for a CPU name LLVM does not know.
std::unique_ptr<CpuTarget> createCpuTarget(const std::string &cpu,
                                           std::string &error);

} // namespace mlir::infer

#endif // INFER_CODEGEN_CPU_CPUTARGET_H
