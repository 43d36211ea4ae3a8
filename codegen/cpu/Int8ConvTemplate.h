//===- Int8ConvTemplate.h - int8 convolution, VNNI or AVX2 ------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// conv_i8: a convolution of symmetric int8 activations (one scale) and
// symmetric int8 weights (one scale per output channel), NCHW, group 1,
// strides 1 and 2, on a CPU with AVX-512 VNNI (16 lanes) or AVX2 (8).
//
// vpdpbusd multiplies unsigned bytes by signed bytes, four products per
// 32-bit lane. Each launch unit packs an im2col panel of NR output
// positions with the activations moved to unsigned (x + 128) and four
// consecutive reduction elements per lane, [K/4][NR][4]; the weights are
// packed at compile time as 32-bit groups [M/MR][K/4][MR] and broadcast.
// The accumulators start at -128 * sum(w) of their row, so they end as the
// exact i32 sum of the signed products. AVX2 computes the same four-byte
// dot products with vpmaddwd on the weights split into even and odd 16-bit
// pairs at packing time, or, for an input never negative (marked
// infer.unsigned_input), with vpmaddubsw on the bytes as they are (no
// + 128; accumulators start at 0); the epilogue scales them (input
// scale times the row's weight scale), adds the bias, runs the fused steps
// and, when the group ends in infer.quantize, rounds to int8 in registers.
// The reduction runs over (kh, kw, c): four consecutive channels of one
// window element share one mask (stems of fewer than four channels: four
// taps of a window row). Position tiles run over the whole batch; images
// with few tiles are packed by a launch of their own and their rows split
// across threads.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CPU_INT8CONVTEMPLATE_H
#define INFER_CODEGEN_CPU_INT8CONVTEMPLATE_H

#include "codegen/core/TemplateKernel.h"
#include "codegen/cpu/CpuTarget.h"
#include "ir/InferOps.h"

#include <string>

namespace mlir::infer {

/// Why conv_i8 cannot take `conv` on `target`, or "" when it can.
std::string int8ConvMismatch(ConvOp conv, const CpuTarget &target);

/// conv_i8's tile for `conv` (null when the template does not apply).
CpuTileAttr selectInt8ConvTile(ConvOp conv, const CpuTarget &target);

/// Marks `op`, a convolution or product with an AVX2 conv_i8 / gemm_i8
/// tile (`vl = 8`, whoever chose it), `infer.unsigned_input` when its
/// activation (operand 0) is never negative: the template then reads its
/// bytes as unsigned (vpmaddubsw without saturation). Runs while the
/// kernel groups are still fused ops, through which nonNegative looks. The
/// attribute is removed from any other op (a hand edit cannot force it).
void markUnsignedInt8Input(Operation *op, CpuTileAttr tile);

/// Whether conv_i8 / gemm_i8 read `op`'s activation as unsigned bytes (an
/// AVX2 tile and the mark markUnsignedInt8Input left).
bool readsUnsignedInt8Input(Operation *op, CpuTileAttr tile);

/// Builds conv_i8's kernel; `epilogue` may end with an infer.quantize to a
/// symmetric int8 type (the kernel then stores int8).
FailureOr<TemplateKernel> buildInt8ConvKernel(ConvOp conv, CpuTileAttr tile,
                                              ArrayRef<EpilogueStep> epilogue,
                                              KernelModule &kernels,
                                              std::string &error);

} // namespace mlir::infer

#endif // INFER_CODEGEN_CPU_INT8CONVTEMPLATE_H
