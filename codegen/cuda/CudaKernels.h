//===- CudaKernels.h - How CUDA kernels are called, split and built -*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The CUDA backend's kernel convention (generic kernels: one GPU thread per
// output point, `.entry <symbol>(ptr...)` computing the thread's index),
// kernels written directly as entry points (the templates: tensor-core
// GEMM, data movement, row norms), and the lowering of a kernel module to
// PTX and, with ptxas, a cubin.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CUDA_CUDAKERNELS_H
#define INFER_CODEGEN_CUDA_CUDAKERNELS_H

#include "codegen/core/KernelModule.h"

#include "mlir/IR/Builders.h"

#include <string>
#include <vector>

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace mlir::infer {

struct CudaTarget;

/// The attribute marking a CUDA kernel built directly as its entry point
/// (addCudaKernel); its value is the block size.
inline constexpr const char *kCudaEntryAttr = "infer.cuda_entry";
/// On an entry point: the blocks per SM it is compiled for (1 if absent).
inline constexpr const char *kCudaMinBlocksAttr = "infer.cuda_min_blocks";

/// Generic CUDA kernels take their thread's linear index; they split into
/// one thread per point of the root's parallel loops.
class CudaKernelConvention : public KernelConvention {
public:
  unsigned numIndexArgs() const override;
  void split(func::FuncOp &fn, unsigned firstIndexArg,
             KernelInfo &info) const override;
  void registerDialects(DialectRegistry &registry) const override;
};

/// The body of a kernel's entry point, written with the LLVM, NVVM, arith
/// and scf dialects; `args` are one !llvm.ptr per buffer argument, then
/// one per tensor map.
using CudaBodyFn =
    function_ref<LogicalResult(OpBuilder &b, Location loc, ValueRange args)>;

/// Adds `.entry <symbol>(ptr...)` built by `build` for buffers of
/// `argBytes` bytes. `info` gives the launch geometry, shared memory and
/// tensor maps; the symbol is assigned here.
FailureOr<KernelInfo> addCudaKernel(KernelModule &kernels, KernelInfo info,
                                    ArrayRef<uint64_t> argBytes, Location loc,
                                    CudaBodyFn build, std::string &error);

/// The code of a CUDA kernel module.
struct CudaBinaries {
  std::string ptx;
  /// The optimized LLVM IR (with CodegenOptions::keepLLVMIR).
  std::string llvmIR;
  /// Empty when ptxas was not found.
  std::vector<char> cubin;
  /// Why there is no cubin (ptxas missing), for the report.
  std::string cubinNote;
  /// Every kernel begins with griddepcontrol.wait (sm_90 on): the binaries
  /// carry the feature kCudaGridDependencyFeature.
  bool gridDependencyControl = false;
};

/// The binary feature saying that every kernel waits for the grids before
/// it (griddepcontrol.wait), so the runtime may launch each with
/// programmatic stream serialization.
inline constexpr const char *kCudaGridDependencyFeature = "griddepcontrol";

/// The passes lowering a kernel module to the LLVM and NVVM dialects:
/// one-shot bufferization, temporaries in thread-local memory, loops, math
/// expanded or approximated (no libm on the GPU), NVVM to LLVM.
void addCudaLoweringPasses(OpPassManager &pm);

/// Adds `.entry <symbol>(ptr...)` for every lowered `<symbol>_impl` (the
/// thread's index from the special registers) and marks the kernels built
/// as entry points; fails with a diagnostic at a kernel that was not split.
LogicalResult addCudaEntryPoints(ModuleOp kernels);

/// Compiles `kernels` (lowered by infer-cuda-lower-kernels) to PTX (LLVM's
/// NVPTX backend) and, when ptxas is found, to a cubin for `target`.
FailureOr<CudaBinaries> compileCudaKernels(ModuleOp kernels,
                                           const CudaTarget &target,
                                           const CodegenOptions &options,
                                           std::string &error);

} // namespace mlir::infer

#endif // INFER_CODEGEN_CUDA_CUDAKERNELS_H
