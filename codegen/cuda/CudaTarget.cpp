//===- CudaTarget.cpp - NVIDIA GPU targets --------------------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/cuda/CudaTarget.h"

#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/TargetParser/Triple.h"

#include <mutex>

extern "C" {
void LLVMInitializeNVPTXTargetInfo();
void LLVMInitializeNVPTXTarget();
void LLVMInitializeNVPTXTargetMC();
void LLVMInitializeNVPTXAsmPrinter();
}

using namespace mlir;
using namespace mlir::infer;

namespace {
struct Arch {
  const char *name;
  int capability;
  const char *ptx;
};
// PTX 8.0 is the first ISA with sm_90a (wgmma, TMA); every listed
// architecture accepts it, and CUDA 12.0 and later drivers read it.
constexpr Arch kArchs[] = {{"sm_80", 80, "+ptx80"}, {"sm_86", 86, "+ptx80"},
                           {"sm_89", 89, "+ptx80"}, {"sm_90", 90, "+ptx80"},
                           {"sm_90a", 90, "+ptx85"}};

std::string findPtxas() {
  if (std::optional<std::string> home = llvm::sys::Process::GetEnv("CUDA_HOME")) {
    llvm::SmallString<128> path(*home);
    llvm::sys::path::append(path, "bin", "ptxas");
    if (llvm::sys::fs::can_execute(path))
      return path.str().str();
  }
  if (llvm::ErrorOr<std::string> p = llvm::sys::findProgramByName("ptxas"))
    return *p;
  if (llvm::sys::fs::can_execute("/usr/local/cuda/bin/ptxas"))
    return "/usr/local/cuda/bin/ptxas";
  return "";
}
} // namespace

const char *mlir::infer::supportedCudaArchs() {
  return "sm_80, sm_86, sm_89, sm_90, sm_90a";
}

std::unique_ptr<CudaTarget> mlir::infer::createCudaTarget(const std::string &arch,
                                                          std::string &error) {
  static std::once_flag once;
  std::call_once(once, [] {
    LLVMInitializeNVPTXTargetInfo();
    LLVMInitializeNVPTXTarget();
    LLVMInitializeNVPTXTargetMC();
    LLVMInitializeNVPTXAsmPrinter();
  });
  std::string name = arch.empty() ? "sm_90a" : arch;
  const Arch *found = nullptr;
  for (const Arch &a : kArchs)
    if (name == a.name)
      found = &a;
  if (!found) {
    error = "unknown CUDA architecture '" + name + "' (supported: " +
            supportedCudaArchs() + ")";
    return nullptr;
  }
  auto target = std::make_unique<CudaTarget>();
  target->arch = found->name;
  target->capability = found->capability;
  target->ptxFeature = found->ptx;
  llvm::Triple triple("nvptx64-nvidia-cuda");
  std::string lookupError;
  const llvm::Target *t = llvm::TargetRegistry::lookupTarget(triple, lookupError);
  if (!t) {
    error = "this LLVM has no NVPTX backend: " + lookupError;
    return nullptr;
  }
  llvm::TargetOptions options;
  // a * b + c as one fma: faster, and closer to the reference's fp64.
  options.AllowFPOpFusion = llvm::FPOpFusion::Fast;
  target->machine.reset(t->createTargetMachine(
      triple, target->arch, target->ptxFeature, options, std::nullopt,
      std::nullopt, llvm::CodeGenOptLevel::Aggressive));
  if (!target->machine) {
    error = "cannot create an NVPTX target machine for " + target->arch;
    return nullptr;
  }
  target->ptxas = findPtxas();
  return target;
}
