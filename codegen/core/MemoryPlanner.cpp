//===- MemoryPlanner.cpp - Offsets of activations in one arena ------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/core/MemoryPlanner.h"

#include <algorithm>
#include <numeric>

using namespace mlir::infer;

uint64_t mlir::infer::planArena(std::vector<PlannedBuffer> &buffers,
                                uint64_t alignment) {
  std::vector<size_t> order(buffers.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return buffers[a].size > buffers[b].size;
  });
  std::vector<size_t> placed;
  uint64_t arena = 0;
  for (size_t i : order) {
    PlannedBuffer &buf = buffers[i];
    uint64_t size = (buf.size + alignment - 1) / alignment * alignment;
    // Ranges taken by placed buffers alive at the same time, by offset.
    std::vector<std::pair<uint64_t, uint64_t>> taken;
    for (size_t j : placed) {
      const PlannedBuffer &o = buffers[j];
      if (o.lastUse < buf.firstUse || buf.lastUse < o.firstUse)
        continue;
      taken.push_back({o.offset, o.offset + (o.size + alignment - 1) /
                                                alignment * alignment});
    }
    std::sort(taken.begin(), taken.end());
    uint64_t offset = 0;
    for (auto [lo, hi] : taken) {
      if (offset + size <= lo)
        break;
      offset = std::max(offset, hi);
    }
    buf.offset = offset;
    arena = std::max(arena, offset + size);
    placed.push_back(i);
  }
  return arena;
}
