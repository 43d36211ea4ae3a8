//===- MemoryPlanner.h - Offsets of activations in one arena ----*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Places buffers with known lifetimes (first and last plan step that touch
// them) in one arena so that buffers alive at the same time never overlap:
// greedy by size, each at the lowest offset that fits (as TFLite does).
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_MEMORYPLANNER_H
#define INFER_CODEGEN_MEMORYPLANNER_H

#include <cstdint>
#include <vector>

namespace mlir::infer {

struct PlannedBuffer {
  uint64_t size = 0;
  int64_t firstUse = 0, lastUse = 0;
  uint64_t offset = 0; ///< set by planArena
};

/// Assigns offsets (aligned to `alignment`) and returns the arena size.
uint64_t planArena(std::vector<PlannedBuffer> &buffers,
                   uint64_t alignment = 64);

} // namespace mlir::infer

#endif // INFER_CODEGEN_MEMORYPLANNER_H
