//===- GemmSpec.h - The matrix product a GEMM template computes -*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// What every backend's GEMM templates read of a matmul or gemm and of the
// ops after it in its group: the product's shape and element types, how B
// is stored, an implicit-GEMM image behind A, a 2:4 weight, and the fused
// epilogue steps (bias, scale, residual, activation, requantization).
// Target-neutral: the CUDA wgmma / mma.sync kernels and the Vulkan
// cooperative-matrix kernel take the same spec; each backend adds the tile
// fields it reads and checks what its kernel supports.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CORE_GEMMSPEC_H
#define INFER_CODEGEN_CORE_GEMMSPEC_H

#include "codegen/core/TemplateKernel.h"

#include "mlir/IR/BuiltinTypes.h"

#include <optional>
#include <vector>

namespace mlir::infer {

class Im2ColOp;
class Sparse24Op;

/// One step of a GEMM epilogue, applied in order to the fp32 accumulators.
struct GemmEpilogueOp {
  enum class Kind {
    BiasColumn, ScaleColumn, Residual, Relu, Clip, Gelu, Silu, Sigmoid,
    /// The last step of an int8 result: times `inv` (1 / scale), rounded
    /// to nearest even, clamped to [lo, hi], stored as int8. (`inv` is 1
    /// where the steps before took it into their constants.)
    Quantize,
    /// Adds an int8 M x N operand times `scale` (a quantized residual).
    ResidualInt8,
    /// Adds an f8E4M3FN M x N operand times `scale`.
    ResidualF8
  } kind;
  /// BiasColumn, ScaleColumn, Residual: the kernel argument holding the
  /// operand (of epilogueType(spec); a bias or a scale has N elements, a
  /// residual M x N).
  int arg = -1;
  float lo = 0, hi = 0; ///< Clip and Quantize bounds
  float inv = 1;        ///< Quantize: 1 / scale
  float scale = 1;      ///< ResidualInt8, ResidualF8: the operand's scale

  /// Whether the operand is M x N bytes (a quantized residual).
  bool byteResidual() const { return kind == Kind::ResidualInt8 || kind == Kind::ResidualF8; }

  /// Whether the operand has one value per column.
  bool perColumn() const {
    return kind == Kind::BiasColumn || kind == Kind::ScaleColumn;
  }
};

/// A reads the rows of a 2-D convolution straight from its NHWC image
/// (infer.im2col read through TMA's im2col mode: an implicit GEMM): M =
/// n*ho*wo, K = kh*kw*c ordered (tap row, tap column, channel).
struct GemmIm2col {
  int64_t n = 0, h = 0, w = 0, c = 0, kh = 1, kw = 1;
  int64_t strideH = 1, strideW = 1, dilH = 1, dilW = 1;
  int64_t padTop = 0, padLeft = 0, padBottom = 0, padRight = 0;
  int64_t ho = 0, wo = 0;
};

struct GemmSpec {
  int64_t m = 0, n = 0, k = 0;
  /// A is an NHWC image read through im2col (sm_90a only).
  std::optional<GemmIm2col> im2col;
  /// Element types: A and B f16, bf16 or f32 (the same; f32 runs as TF32
  /// on wgmma only), or i8 (int8 values of zero point 0, int32 sums, wgmma
  /// only; the epilogue starts with a ScaleColumn of both operands'
  /// scales), or f8E4M3FN (fp32 sums, wgmma only; the scales are a
  /// ScaleColumn of the graph's); C f16, bf16 or f32, or i8 / f8E4M3FN
  /// after a Quantize step.
  Type elem, out;
  /// B is stored [N,K] (true) or [K,N] (false).
  bool bKMajor = false;
  SmallVector<GemmEpilogueOp> epilogue;
  /// Kernel arguments: A = 0, B = 1, epilogue operands, C last.
  unsigned numArgs = 3;
  /// Tile shape: BM = 128, BN = 128 or 256, BK = 128 bytes of A and B
  /// rows (64 16-bit values, 32 f32); pipeline stages. The 2:4 sparse
  /// kernel also takes BM = 64 or 256 (BN * BM at most 256 * 128).
  int64_t bm = 128, bn = 256, stages = 4;
  /// wgmma: the bytes of A's and B's rows in a stage (BK times the element
  /// size): 128 in the 128-byte swizzle, or 64 in the 64-byte swizzle for
  /// int8 products whose K, or whose im2col pixels, are 64 bytes (a
  /// 128-byte row would be half zeros).
  int64_t rowBytes = 128;
  /// Thread blocks per output tile, each over a slice of K (wgmma): above
  /// 1 the kernel writes fp32 partial tiles [splitK][M][N] as its C and a
  /// reduction kernel applies the epilogue.
  int64_t splitK = 1;
  /// C holds fp32 partial sums: no TF32 rounding of the result.
  bool partial = false;
  /// B (N x K) is 2:4 sparse: argument 1 holds its kept values (N x K/2),
  /// argument 2 their positions (N x K/16 i16), as infer.sparse24 stores
  /// them; the epilogue operands follow.
  bool sparse = false;
  /// int8: every int32 sum lies in [-2^22, 2^22) (128 times the largest
  /// sum of a constant B column's magnitudes), so it converts to fp32 on
  /// the ALU and FMA pipes (see accumulatorsToF32).
  bool smallSums = false;
};

inline int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

inline unsigned bytesOf(Type t) { return t.getIntOrFloatBitWidth() / 8; }

/// The type of the epilogue's operands (bias, scale, residual): C's, or
/// f32 when C is int8.
inline Type epilogueType(const GemmSpec &spec) {
  // (An fp8 result is requantized from fp32 operands.)
  return llvm::isa<FloatType>(spec.out) && spec.out.getIntOrFloatBitWidth() >= 16
             ? spec.out
             : Type(Float32Type::get(spec.out.getContext()));
}

/// The operands and shape of a matmul / gemm for a GEMM template, or none
/// when its operands rule the templates out.
struct GemmOperands {
  Value a, b, bias;
  /// A 2:4 weight (spec.sparse): its kept values and positions.
  Value values, meta;
  /// An int8 product: each column's scale (A's times B's column's), the
  /// first epilogue step.
  std::vector<float> columnScale;
  GemmSpec spec;
};

/// The GEMM view of a matmul or gemm (reading an im2col in its group as an
/// implicit GEMM, a 2:4 weight in its group as the sparse operand), or
/// none. A constant [K,N] B is marked K-major: templates store it
/// transposed (transposedBytes).
std::optional<GemmOperands> gemmOperands(Operation *anchor);

/// The infer.sparse24 a product reads as its weight (`b`, directly for a
/// gemm with trans_b, else through a [1, 0] transpose), or null.
Sparse24Op sparseWeightOf(Operation *product);

/// The geometry of an im2col read as an implicit GEMM's A.
std::optional<GemmIm2col> im2colGeometry(Im2ColOp op);

/// Maps the ops after the anchor (`chain` is its result) to GEMM epilogue
/// steps, adding their operands to `tk`'s inputs; fails when one cannot
/// run on the accumulators (the group then takes the generic path).
LogicalResult classify(Value chain, ArrayRef<Operation *> ops, int64_t n,
                       TemplateKernel &tk, GemmSpec &spec);

/// Whether the GEMM epilogues apply float op `op` after a product: ReLU,
/// GELU, SiLU, sigmoid, a Clip with both bounds, an add (bias, residual),
/// a multiply by one value per output column (a per-channel scale). What a
/// backend's fusion filter keeps in its GEMM groups.
bool isGemmEpilogueStep(Operation *op);

/// A constant [K][N] matrix of `eb`-byte floats as [N][K], from its own
/// bytes (f32 rounded to TF32, which is what the GEMMs read of it).
FailureOr<std::vector<char>> transposedBytes(Value v, int64_t k, int64_t n,
                                             unsigned eb);

} // namespace mlir::infer

#endif // INFER_CODEGEN_CORE_GEMMSPEC_H
