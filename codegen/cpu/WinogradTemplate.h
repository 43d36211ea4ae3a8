//===- WinogradTemplate.h - Winograd 3x3 convolution on the CPU -*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// conv_winograd2 and conv_winograd4: 3x3 stride-1 convolutions (group 1,
// no dilation, any padding) as Winograd's minimal filtering F(m x m, 3 x 3)
// (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks",
// 2016), m = 2 or 4. The output is cut into m x m tiles; each tile's
// (m + 2) x (m + 2) input patch d and each 3 x 3 filter g are transformed
// (V = B^T d B, U = G g G^T, the latter at compile time), the product becomes
// (m + 2)^2 independent GEMMs over the channels (M[xi] = U[xi] V[xi]), and
// each tile's output is A^T M A. F(2, 3) does 16 multiplies per 4 outputs
// where the direct convolution does 36 (2.25x fewer), F(4, 3) 36 per 16
// (4x fewer), at the price of 1.8x and 4x larger weights and transforms
// whose cost grows as the channel counts shrink.
//
// Three stages, each a kernel over tasks:
//   conv_winograd.input  x [N][C][H][W] -> V [N][P][C][T'] (P points,
//                        T' tiles, padded), vectors along a tile row;
//   conv_winograd.gemm   M [N][P][Cout][T'] = U [P][Cout/MR][C][MR] x V:
//                        MR output channels x NV vectors of tiles;
//   conv_winograd<m>     A^T M A per tile, plus bias and the epilogue,
//                        interleaved in registers into output rows.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CPU_WINOGRADTEMPLATE_H
#define INFER_CODEGEN_CPU_WINOGRADTEMPLATE_H

#include "codegen/cpu/ContractionTemplates.h"
#include "codegen/cpu/Emitter.h"
#include "codegen/cpu/Epilogue.h"

#include <vector>

namespace mlir::infer {

/// The tiling of one convolution by F(m x m, 3 x 3).
struct WinogradShape {
  int64_t m;      // output tile side (2 or 4)
  int64_t side;   // transformed tile side, m + 2
  int64_t points; // side * side: the GEMMs
  int64_t th, tw; // tiles down and across
  int64_t tiles;  // th * tw
  int64_t tpad;   // tiles padded for the GEMM's vectors and the last row's
                  // reads
  WinogradShape(const ConvShape &s, int64_t m, int64_t vl, int64_t nr);
  /// Bytes of the two intermediate buffers (V and M).
  uint64_t scratchBytes(const ConvShape &s) const;
};

/// Whether Winograd F(m, 3) computes `s` (3x3, stride 1, no dilation);
/// otherwise why not.
std::string winogradMismatch(const ConvShape &s);

/// U = G g G^T of every filter, packed [P][ceil(M/MR)][C][MR] (zero rows
/// past M).
std::vector<float> winogradWeights(const ConstantView &w, const ConvShape &s,
                                   const WinogradShape &g, int64_t mr);

/// The input stage: V[n][xi][c][ty * TW + tx] for tasks [begin, end).
void buildWinogradInput(Emitter &e, const ConvShape &s, const WinogradShape &g,
                        Value x, Value v, Value begin, Value end,
                        int64_t &grid);

/// The GEMM stage: M[n][xi][co][t] = sum_c U[xi][co][c] V[n][xi][c][t].
void buildWinogradGemm(Emitter &e, const ConvShape &s, const WinogradShape &g,
                       int64_t mr, int64_t nv, Value v, Value u, Value mo,
                       Value begin, Value end, int64_t &grid);

/// The output stage: A^T M A + bias through the epilogue into `out`
/// [N][Cout][OH][OW].
void buildWinogradOutput(Emitter &e, const ConvShape &s, const WinogradShape &g,
                         Value mi, Value bias, Value out, const Epilogue &epi,
                         Value begin, Value end, int64_t &grid);

} // namespace mlir::infer

#endif // INFER_CODEGEN_CPU_WINOGRADTEMPLATE_H
