//===- DepthwiseTemplate.h - CPU kernel for depthwise conv -----*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// dwconv: depthwise convolution (group = C = M) over NCHW f32, stride 1 or
// 2 in width, any stride in height, any dilation and padding. A task is a
// block of output rows of one channel: its input rows are first copied
// into a zero-padded scratch (split into even and odd columns for stride
// 2, so that every window column is a contiguous vector), then register
// tiles of MR output rows x NV vectors are accumulated from plain loads of
// the scratch, each loaded vector feeding every row of the tile whose
// window it falls in. Small planes at stride 1 whose output is as large as
// the input (7x7 with "same" padding; 14x14 too on AVX-512's 16 lanes) run
// flattened instead: a task is a channel, a vector is VL consecutive
// outputs across rows, each window tap one masked load of the input plane.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CPU_DEPTHWISETEMPLATE_H
#define INFER_CODEGEN_CPU_DEPTHWISETEMPLATE_H

#include "codegen/cpu/ContractionTemplates.h"
#include "codegen/cpu/Emitter.h"
#include "codegen/cpu/Epilogue.h"

namespace mlir::infer {

/// The scratch a dwconv task copies its rows into is kept below this size
/// (it should stay in the L1 cache while the task runs).
constexpr int64_t kDepthwiseScratchBytes = 24 * 1024;

/// Planes of at most this many vectors, at stride 1 with the output as
/// large as the input, run flattened: a vector of VL consecutive outputs
/// across rows, each window tap one (masked) load, no scratch. The plane
/// is unrolled: at most kDepthwiseFlatLoads loads (vectors x taps; 14x14
/// at 5x5 on 16 lanes is 325).
constexpr int64_t kDepthwiseFlatVectors = 16;
constexpr int64_t kDepthwiseFlatLoads = 400;

/// The vectors of `vl` lanes a depthwise convolution of shape `s` runs its
/// flattened plane in, or 0 when it takes row tiles: flattened at stride 1
/// with the output as large as the input, at most kDepthwiseFlatVectors
/// vectors and kDepthwiseFlatLoads loads. Its tile's MR is then unused.
int64_t depthwiseFlatVectors(const ConvShape &s, int64_t vl);

/// Emits the body of a dwconv kernel for tasks [begin, end): `x` is the
/// [N, C, H, W] input, `w` the weights as [C, KH * KW], `bias` [C] or null,
/// `out` [N, C, OH, OW]. `mr` x `nv` is the register tile (output rows x
/// vectors of `e.vl` columns; clamped to the output); a flattened plane
/// (kDepthwiseFlatVectors) accumulates `nv` vectors at a time and takes no
/// MR. Sets `grid` to the number of tasks.
void buildDepthwiseConv(Emitter &e, const ConvShape &s, int64_t mr, int64_t nv,
                        Value x, Value w, Value bias, Value out,
                        const Epilogue &epi, Value begin, Value end,
                        int64_t &grid);

} // namespace mlir::infer

#endif // INFER_CODEGEN_CPU_DEPTHWISETEMPLATE_H
