//===- TemplateSpecs.h - What each CUDA template reads of an op -*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// For each template family, the function that reads what an op (or a
// group's ops) needs of its kernel: a spec, or none when the template
// cannot take it. Shared by the tile selection (CudaTemplates.cpp), the
// group rewrites that pull producers into a template's group
// (TemplateGroups.cpp) and the kernel build.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CUDA_TEMPLATESPECS_H
#define INFER_CODEGEN_CUDA_TEMPLATESPECS_H

#include "codegen/core/GemmSpec.h"
#include "codegen/core/TemplateKernel.h"
#include "codegen/cuda/ConcatRows.h"
#include "codegen/cuda/DepthwiseConv.h"
#include "codegen/cuda/GatherRows.h"
#include "codegen/cuda/GemmCommon.h"
#include "codegen/cuda/MaxPool.h"
#include "codegen/cuda/PadRows.h"
#include "codegen/cuda/RowNorm.h"
#include "codegen/cuda/RowReduce.h"
#include "codegen/cuda/TransposeChannels.h"
#include "codegen/cuda/ViewCopy.h"

#include "ir/InferOps.h"

#include <optional>
#include <vector>

namespace mlir::infer {
struct CudaTarget;
} // namespace mlir::infer

namespace mlir::infer::cudaspec {

/// The ranked tensor type of `v`.
inline RankedTensorType typeOf(Value v) { return llvm::cast<RankedTensorType>(v.getType()); }

/// The constant `v` is (through a fused group's inputs), or null.
inline ConstantOp constantOf(Value v) { return outerValue(v).getDefiningOp<ConstantOp>(); }

/// Whether every int32 sum of an int8 product with the int8 B `bytes`
/// (K x N, or N x K with `nk`) lies in [-2^22, 2^22) whatever A holds
/// (int8: at most 128 in magnitude): GemmSpec::smallSums.
bool smallInt8Sums(ArrayRef<char> bytes, int64_t k, int64_t n, bool nk);
/// The same of the constant `b` as stored (false when it is not one).
bool smallInt8Sums(Value b, int64_t k, int64_t n, bool nk);

/// A gather along one axis whose rows are whole 16-byte runs.
std::optional<GatherRowsSpec> gatherSpec(GatherOp g);

/// The im2col rows as a row gather of the image's pixels ([N, H*W, C])
/// with a compile-time table of pixel indices, -1 (the fill, 0) for taps
/// in the padding.
std::optional<GatherRowsSpec> im2colSpec(Im2ColOp op);

/// The pixel index (into [H*W]) of every tap of every output pixel of one
/// image, -1 in the padding, as 32-bit integers.
std::vector<char> im2colIndexBytes(Im2ColOp op);

/// Constant padding of every dimension but the last (16-byte rows).
std::optional<PadRowsSpec> padSpec(PadOp p);

/// NCHW <-> NHWC (perm [0, 2, 3, 1] or [0, 3, 1, 2]) in 16-byte channel runs.
std::optional<TransposeChannelsSpec> transposeSpec(TransposeOp op);

/// Softmax or layer norm over the last dimension: a warp per row.
std::optional<RowNormSpec> rowSpec(Operation *op);

/// A global average or max pool over the contiguous spatial elements of
/// each (image, channel): rows N*C of length H*W...
std::optional<RowReduceSpec> rowReduceSpec(GlobalPoolOp op);

/// A mean, max or sum over consecutive axes: rows (the dimensions before
/// them) x length (theirs) x inner (those after), reduced over length.
std::optional<RowReduceSpec> rowReduceSpec(ReduceOp op);

/// A concatenation of static shapes whose every operand's run per outer
/// row is whole 16-byte chunks.
std::optional<ConcatRowsSpec> concatSpec(ConcatOp op);

/// The row map of concatenation `c` followed by `chain`, whose first op
/// reads `start` (the concatenation's result, or the group input that will
/// become it): adds the operands and the epilogue operands to `tk`'s
/// inputs.
std::optional<ConcatRowsSpec> concatMapSpec(ConcatOp c, Value start,
                                            ArrayRef<Operation *> chain,
                                            TemplateKernel &tk);

/// The row map of a group (body ops without constants): an elementwise
/// chain the GEMM epilogue steps express (per-channel scales and biases,
/// residual adds, activations) over floats whose rows are whole 16-byte
/// chunks, read from one value or from a concatenation along the last
/// axis that leads the group. Adds the sources and the epilogue operands
/// to `tk`'s inputs.
std::optional<ConcatRowsSpec> mapRowsSpec(ArrayRef<Operation *> body,
                                          TemplateKernel &tk);

/// The ops of a group's body other than its constants and terminator.
SmallVector<Operation *> withoutConstants(Block &block);

/// Whether `op` only changes the layout (a strided view of its operand).
inline bool isViewOp(Operation *op) { return llvm::isa<TransposeOp, ReshapeOp, SliceOp>(op); }

/// The copy a chain of view ops (`chain`, first applied first) makes of
/// its first operand.
std::optional<ViewCopySpec> viewCopySpec(ArrayRef<Operation *> chain);

/// A channels-last depthwise 2-D convolution of 16-bit floats with a
/// constant weight.
std::optional<DepthwiseSpec> depthwiseSpec(ConvOp op);

/// A channels-last 2-D max pooling of f32, f16, bf16 or int8.
std::optional<MaxPoolSpec> maxPoolSpec(PoolOp op);

/// A depthwise weight [C][1][kh][kw] as [kh][kw][C], from its own bytes.
FailureOr<std::vector<char>> depthwiseWeightBytes(Value v, const DepthwiseSpec &spec);

/// What `tile` cannot do with `spec`'s GEMM ("" when it can).
std::string gemmTileMismatch(GemmSpec &spec, CudaGemmTileAttr tile,
                             const CudaTarget &target);

} // namespace mlir::infer::cudaspec

#endif // INFER_CODEGEN_CUDA_TEMPLATESPECS_H
