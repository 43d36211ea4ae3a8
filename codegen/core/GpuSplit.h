//===- GpuSplit.h - One GPU thread per point of a kernel's output -*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The split of a generic kernel that every GPU backend (CUDA, Vulkan)
// shares: the kernel's root is tiled by one point along its parallel loops,
// its producers fused into the tile, and the tile loops run the point that
// the thread's linear index selects.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CORE_GPUSPLIT_H
#define INFER_CODEGEN_CORE_GPUSPLIT_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace mlir::infer {

/// Splits generic kernel `fn` (its thread index the argument `linearArg`)
/// into one thread per point of its root's parallel loops of extent > 1,
/// or of the outermost of them its producers fuse into (softmax: rows).
/// `fn` is replaced by the split function. Returns the number of threads
/// (1 when nothing splits: one thread computes everything).
int64_t splitAcrossGpuThreads(func::FuncOp &fn, unsigned linearArg);

} // namespace mlir::infer

#endif // INFER_CODEGEN_CORE_GPUSPLIT_H
