//===- StridedView.h - Layout changes as strided views ----------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// A transpose, a reshape or a slice of a tensor held in a row-major buffer
// is the same buffer read with other sizes, strides and an offset, as long
// as the strides can express it. Kernels that read (or write) through such
// a view make the layout change free: this is how `infer-fuse`'s absorbed
// views cost nothing.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_STRIDEDVIEW_H
#define INFER_CODEGEN_STRIDEDVIEW_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Value.h"

namespace mlir::infer {

/// Element `i` of the view is at `offset + sum(r[k] * strides[k])` of the
/// buffer (in elements), where `r` are the refined indices of `i`: each
/// logical dimension d spans `groups[d]` refined dimensions (row-major), so
/// that a reshape merging dimensions no single stride covers (the batch
/// and head dimensions of attention) is still a view.
struct StridedView {
  int64_t offset = 0;
  SmallVector<int64_t> sizes, strides; ///< refined dimensions
  SmallVector<int64_t> groups;         ///< refined dimensions per logical one

  /// The row-major view of a buffer of `shape`.
  static StridedView contiguous(ArrayRef<int64_t> shape);
  /// Whether every logical dimension is one refined dimension.
  bool isPlain() const;
  /// Whether the view is the row-major layout of its sizes at offset 0.
  bool isContiguous() const;
  int64_t numElements() const;
  int64_t rank() const { return groups.size(); }
  /// The size of logical dimension `d`.
  int64_t dimSize(int64_t d) const;
  /// The first refined dimension of logical dimension `d`.
  int64_t firstRefined(int64_t d) const;

  /// The same elements in another shape (numpy's reshape), splitting
  /// refined dimensions where needed; fails only when a size does not
  /// divide another.
  FailureOr<StridedView> reshaped(ArrayRef<int64_t> shape) const;
  /// Dimension i of the result is dimension perm[i] of this view.
  StridedView transposed(ArrayRef<int64_t> perm) const;
  /// Elements starts[k], starts[k] + steps[k], ... below ends[k]; fails on
  /// non-positive steps or a partial slice of a refined dimension.
  FailureOr<StridedView> sliced(ArrayRef<int64_t> starts, ArrayRef<int64_t> ends,
                                ArrayRef<int64_t> steps) const;

  /// The memref type of the view (refined dimensions) over `element`s.
  MemRefType memrefType(Type element) const;
};

/// Follows `v` back through transposes, reshapes and slices to the value
/// that holds the data (`base`), and returns the view of `v` in `base`'s
/// row-major buffer. Fails when a step cannot be expressed with strides.
FailureOr<StridedView> traceView(Value v, Value &base);

/// `view` after the layout ops `chain` (transposes, reshapes and slices,
/// each reading the previous one's result). Fails as traceView does.
FailureOr<StridedView> viewThrough(StridedView view, ArrayRef<Operation *> chain);

/// `to` is `from` after transposes and reshapes: returns the view of
/// `to`'s row-major buffer through which writing `from` fills `to`.
FailureOr<StridedView> inverseView(Value from, Value to);

/// The view of `flatBuffer` (a 1-D memref over a whole buffer) as a
/// strided memref with `view`'s refined dimensions.
Value viewOf(OpBuilder &b, Location loc, Value flatBuffer,
             const StridedView &view);

/// The refined indices of logical index `idx` along dimension `d`.
SmallVector<Value> refinedIndices(OpBuilder &b, Location loc,
                                  const StridedView &view, int64_t d, Value idx);

/// The element offset in the buffer of the logical indices `idx`.
Value linearIndex(OpBuilder &b, Location loc, const StridedView &view,
                  ArrayRef<Value> idx);

} // namespace mlir::infer

#endif // INFER_CODEGEN_STRIDEDVIEW_H
