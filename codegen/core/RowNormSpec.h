//===- RowNormSpec.h - Softmax and layer norm rows, as templates read them -*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Softmax and layer normalization over the last dimension of a static
// shape, as rows: what every backend's row template reads of the op (CUDA:
// a warp per row; Vulkan: a workgroup per row, subgroup reductions). Each
// backend checks what its kernel supports.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CORE_ROWNORMSPEC_H
#define INFER_CODEGEN_CORE_ROWNORMSPEC_H

#include "mlir/IR/Operation.h"

#include <optional>

namespace mlir::infer {

struct RowNormSpec {
  enum class Kind { Softmax, LayerNorm } kind = Kind::Softmax;
  int64_t rows = 1, length = 32;
  /// Element type of input and output (f32, f16 or bf16); statistics are
  /// computed in f32.
  Type elem;
  /// LayerNorm: scale and (optional) bias have `length` elements of `elem`.
  bool hasBias = false;
  float epsilon = 1e-5f;
  /// CUDA: threads per block, a warp per row (the tile configuration's).
  int64_t threads = 256;
};

/// The rows of a softmax or layer norm over the last dimension of a static
/// shape (a layer norm's scale and bias of the input's type, one value per
/// column), or none.
std::optional<RowNormSpec> rowNormOf(Operation *op);

} // namespace mlir::infer

#endif // INFER_CODEGEN_CORE_ROWNORMSPEC_H
