//===- CudaTarget.h - NVIDIA GPU targets ------------------------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// `--target=cuda[:sm_XX]`: the GPU architecture, LLVM's NVPTX target
// machine for it, and ptxas when one is installed (CUDA_HOME, then PATH).
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CUDA_CUDATARGET_H
#define INFER_CODEGEN_CUDA_CUDATARGET_H

#include "llvm/Target/TargetMachine.h"

#include <memory>
#include <string>

namespace mlir::infer {

/// The SMs of the GPUs the heuristics size waves and persistent grids for
/// (H100 / H200 SXM; a GPU with fewer runs the extra blocks after).
inline constexpr int64_t kCudaSmCount = 132;

struct CudaTarget {
  /// "sm_90a", "sm_80", ...
  std::string arch;
  /// Compute capability as major * 10 + minor (90 for sm_90a).
  int capability = 0;
  /// The PTX ISA version the code declares ("+ptx80").
  std::string ptxFeature;
  std::unique_ptr<llvm::TargetMachine> machine;
  /// ptxas, or empty when none is installed.
  std::string ptxas;
};

/// The architectures `--target=cuda:<arch>` accepts.
const char *supportedCudaArchs();

/// Creates the target for `arch` ("" means sm_90a). Fails with `error` for
/// an architecture infer does not support.
std::unique_ptr<CudaTarget> createCudaTarget(const std::string &arch,
                                             std::string &error);

} // namespace mlir::infer

#endif // INFER_CODEGEN_CUDA_CUDATARGET_H
