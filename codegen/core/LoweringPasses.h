//===- LoweringPasses.h - Building blocks of a backend's pipeline -*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The stages every backend takes its kernels through, from linalg on
// tensors to the LLVM dialect: bufferization, loops, math, LLVM. Each
// backend composes them with its own choices (where temporaries live,
// which math functions are polynomials, libm or none) into its pipeline.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CORE_LOWERINGPASSES_H
#define INFER_CODEGEN_CORE_LOWERINGPASSES_H

#include "codegen/core/KernelModule.h"

#include "mlir/Pass/Pass.h"

#include <memory>
#include <string>
#include <vector>

namespace mlir {
class OpPassManager;
class PassManager;
namespace infer {

/// One-shot bufferization of every kernel; temporaries of static shape up
/// to 64 KiB are promoted to the stack.
void addBufferizationPasses(OpPassManager &pm);

/// Temporaries (all of static shape) become allocas at the function entry
/// (a GPU thread's local memory, reused by every loop iteration) instead
/// of heap allocations.
std::unique_ptr<Pass> createHoistAllocsToStackPass();

/// Math functions as the target can run them: `expand` (math.tan, ...)
/// rewritten in terms of others, `approximate` as polynomials
/// (vectorizable, no libm calls). Names without the "math." prefix.
std::unique_ptr<Pass>
createApproximateMathPass(std::vector<std::string> expand,
                          std::vector<std::string> approximate);

/// From bufferized kernels to loops: copies and linalg to scf loops over
/// memref loads and stores, affine lowered, then `math` (the pass above).
void addLoopsPasses(OpPassManager &pm, std::unique_ptr<Pass> math);

/// From bufferized kernels to the LLVM dialect: copies and linalg to loops,
/// `math` (the pass above), strided metadata, control flow, then arith,
/// index, vector, memref, func (bare pointers) and cf to LLVM; with
/// `mathToLibm`, remaining math functions call libm. The caller adds its
/// own last passes (reconcile-unrealized-casts, NVVM to LLVM). With
/// `expandBf16`, bf16 conversions become integer arithmetic (CPUs: LLVM
/// would call compiler-rt's __truncsfbf2 where AVX-512 BF16 is missing).
void addLoopsToLLVMPasses(OpPassManager &pm, std::unique_ptr<Pass> math,
                          bool mathToLibm, bool expandBf16);

} // namespace infer
} // namespace mlir

#endif // INFER_CODEGEN_CORE_LOWERINGPASSES_H
