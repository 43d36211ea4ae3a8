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

/// The helper the int8 templates call for 16 lanes of four-byte dot
/// products, (vector<16xi32> acc, vector<64xi8> unsigned, vector<64xi8>
/// signed) -> vector<16xi32>, computed in registers of `vl` 32-bit lanes:
/// 16, vpdpbusd on 512-bit registers (AVX-512 VNNI); 8, on 256-bit halves
/// as two vpmaddwd of the bytes widened to 16 bits (AVX2: exact, as
/// vpmaddubsw's saturating pairs would not be). Declared while the kernels
/// are built, given its body by addCpuEntryPoints (always inlined).
StringRef cpuDotName(int64_t vl);

/// AVX2's dot helper with the signed operand split before (a constant
/// weight, split once when it is packed): (vector<16xi32> acc,
/// vector<64xi8> unsigned, vector<16xi32> even, vector<16xi32> odd) ->
/// vector<16xi32>, where each lane of `even` holds the lane's signed bytes
/// 0 and 2 as two 16-bit values, `odd` bytes 1 and 3.
StringRef cpuSplitDotName();

/// AVX2's dot helper where every unsigned byte is below 128 (an input
/// that is never negative, read without + 128): vpmaddubsw's pairs cannot
/// saturate, so one vpmaddubsw and one vpmaddwd per 256-bit half; the
/// signature of cpuDotName's.
StringRef cpuNarrowDotName();

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
