//===- KernelSplit.h - What a backend's parallel split starts from -*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Every backend splits a generic kernel the same way in principle: tile the
// op that writes the kernel's output (its root) along parallel loops and
// fuse its producers into the tile loop, so that each thread (a CPU
// worker's chunk, a GPU thread) computes a slice of the output from slices
// of the inputs. These are the target-neutral pieces of that.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CORE_KERNELSPLIT_H
#define INFER_CODEGEN_CORE_KERNELSPLIT_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Interfaces/TilingInterface.h"

namespace mlir::infer {

/// The linalg op writing the kernel's single output, when every compute op
/// it depends on can fuse into loops over its slices; else null.
TilingInterface splitRoot(func::FuncOp fn);

/// A kernel whose output is a slice of its input gets a linalg.copy as its
/// root, so that the copy splits into threads like any other kernel.
void copyViewRoot(func::FuncOp fn);

/// A kernel whose output is a concatenation of its inputs gets, instead of
/// the concatenation (a chain of slice copies no loop can split), a
/// linalg.generic over the result in which each point reads the one input
/// that holds it: a gather every thread can run for its own points.
void concatGatherRoot(func::FuncOp fn);

/// Every linalg.generic that reads a constant-padded kernel input reads
/// the input itself instead: the padded element's index, a bounds check,
/// and the pad value where it falls outside. Split into threads, a padded
/// operand would otherwise become a small padded copy in each thread's
/// local memory (a depthwise convolution's 3x3 window, built element by
/// element behind branches).
void guardPaddedReads(func::FuncOp fn);

/// Fuses each elementwise linalg.generic into its single consumer, so that
/// a chain of elementwise ops is one loop nest with no intermediate tensor
/// (unsplit kernels would otherwise run one loop and allocate one buffer
/// per op; a 64-op chain made 147 KB of code).
void fuseElementwiseChains(func::FuncOp fn);

} // namespace mlir::infer

#endif // INFER_CODEGEN_CORE_KERNELSPLIT_H
