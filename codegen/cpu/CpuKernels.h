//===- CpuKernels.h - How CPU kernels are called, split and built -*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The CPU backend's kernel convention (entry points
// `void name(void **args, int64_t begin, int64_t end)` over chunks of the
// kernel's grid), kernels written directly over memrefs (the templates),
// and the lowering of a kernel module to a linked shared object.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CPU_CPUKERNELS_H
#define INFER_CODEGEN_CPU_CPUKERNELS_H

#include "codegen/core/KernelModule.h"
#include "codegen/cpu/CpuTarget.h"

#include "mlir/IR/Builders.h"

#include <vector>

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace mlir::infer {

/// CPU kernels take [begin, end) of their grid; generic ones split along
/// the first parallel loop of their root with enough work for threads.
class CpuKernelConvention : public KernelConvention {
public:
  unsigned numIndexArgs() const override;
  void split(func::FuncOp &fn, unsigned firstIndexArg,
             KernelInfo &info) const override;
};

/// Builds the body of a kernel written directly over memrefs: `args` are
/// the memref arguments (inputs, then outputs); the body sets `grid` and
/// `grain` and handles the iterations [begin, end).
using MemrefBodyFn = function_ref<LogicalResult(
    OpBuilder &b, Location loc, ValueRange args, Value begin, Value end,
    int64_t &grid, int64_t &grain)>;

/// Adds a kernel whose body `build` writes over memrefs (templates).
FailureOr<KernelInfo> addMemrefKernel(KernelModule &kernels, StringRef kind,
                                      Location loc, ArrayRef<MemRefType> args,
                                      MemrefBodyFn build, std::string &error);

/// The passes lowering a kernel module to the LLVM dialect: one-shot
/// bufferization, deallocation, loops, math as polynomials or libm calls.
void addCpuLoweringPasses(OpPassManager &pm);

/// Adds `void <symbol>(void **args, int64_t begin, int64_t end)` calling
/// each lowered `<symbol>_impl` (the runtime's calling convention), and
/// the bodies of the intrinsic helpers the templates call.
void addCpuEntryPoints(ModuleOp kernels);

/// The helper templates call for vpdpbusd on 512-bit vectors, (vector<16xi32>
/// acc, vector<64xi8> unsigned, vector<64xi8> signed) -> vector<16xi32>:
/// declared while the kernels are built, given the intrinsic as its body
/// by addCpuEntryPoints (always inlined).
StringRef cpuVnniDotName();

/// Compiles `kernels` (lowered by infer-cpu-lower-kernels) for `target`
/// and links a shared object whose entry points have the runtime's
/// signature.
/// With `options.keepLLVMIR`, `llvmIR` receives the optimized LLVM IR.
FailureOr<std::vector<char>> compileCpuKernels(ModuleOp kernels,
                                               const CpuTarget &target,
                                               const CodegenOptions &options,
                                               std::string &error,
                                               std::string *llvmIR = nullptr);

} // namespace mlir::infer

#endif // INFER_CODEGEN_CPU_CPUKERNELS_H
