//===- Int8GemmTemplate.h - int8 GEMM, VNNI or AVX2 -------------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// gemm_i8: Gemm and MatMul of symmetric int8 activations (one scale, rows
// read in place) and a constant int8 weight (one scale per output column),
// on a CPU with AVX-512 VNNI or AVX2. The weight is packed at compile time
// as [N/NR][K/4][NR][4] bytes, so each step of four along K loads NR
// columns in NV vectors; each row's four activation bytes are broadcast and
// moved to unsigned (x + 128) for vpdpbusd (AVX2: both sides widened to 16
// bits for vpmaddwd), whose accumulators start at -128 * the column's
// weight sum; a row never negative (infer.unsigned_input) is read as it is
// (AVX2: vpmaddubsw), accumulators from 0. The epilogue is conv_i8's (Int8Epilogue):
// column scale and bias, the fused steps, int8 or f32 store.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CPU_INT8GEMMTEMPLATE_H
#define INFER_CODEGEN_CPU_INT8GEMMTEMPLATE_H

#include "codegen/core/TemplateKernel.h"
#include "codegen/cpu/CpuTarget.h"
#include "ir/InferOps.h"

#include <string>

namespace mlir::infer {

/// Why gemm_i8 cannot take `op` (an infer.gemm or infer.matmul) on
/// `target`, or "" when it can.
std::string int8GemmMismatch(Operation *op, const CpuTarget &target);

/// gemm_i8's tile for `op` (null when the template does not apply).
CpuTileAttr selectInt8GemmTile(Operation *op, const CpuTarget &target);

/// Builds gemm_i8's kernel; `epilogue` may end with an infer.quantize.
/// Returns a kernel without stages when the left operand is not a plain
/// tensor of the graph (a view made in the group): the generic path.
FailureOr<TemplateKernel> buildInt8GemmKernel(Operation *op, CpuTileAttr tile,
                                              ArrayRef<EpilogueStep> epilogue,
                                              KernelModule &kernels,
                                              std::string &error);

} // namespace mlir::infer

#endif // INFER_CODEGEN_CPU_INT8GEMMTEMPLATE_H
