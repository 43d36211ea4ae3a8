//===- StridedView.cpp - Layout changes as strided views -------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/StridedView.h"

#include "ir/InferOps.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"

using namespace mlir;
using namespace mlir::infer;

StridedView StridedView::contiguous(ArrayRef<int64_t> shape) {
  StridedView v;
  v.sizes.assign(shape.begin(), shape.end());
  v.strides.resize(shape.size());
  int64_t s = 1;
  for (int64_t k = shape.size() - 1; k >= 0; --k) {
    v.strides[k] = s;
    s *= shape[k];
  }
  return v;
}

int64_t StridedView::numElements() const {
  int64_t n = 1;
  for (int64_t s : sizes)
    n *= s;
  return n;
}

bool StridedView::isContiguous() const {
  StridedView c = contiguous(sizes);
  if (offset != 0)
    return false;
  for (size_t k = 0; k < sizes.size(); ++k)
    if (sizes[k] != 1 && strides[k] != c.strides[k])
      return false;
  return true;
}

FailureOr<StridedView> StridedView::reshaped(ArrayRef<int64_t> shape) const {
  StridedView out;
  out.offset = offset;
  out.sizes.assign(shape.begin(), shape.end());
  out.strides.assign(shape.size(), 0);
  int64_t total = 1;
  for (int64_t s : shape)
    total *= s;
  if (total != numElements())
    return failure();
  if (total == 0)
    return contiguous(shape);
  // Dimensions of size one carry no stride: drop them from the source.
  SmallVector<int64_t> os, ost;
  for (size_t k = 0; k < sizes.size(); ++k)
    if (sizes[k] != 1) {
      os.push_back(sizes[k]);
      ost.push_back(strides[k]);
    }
  // Match groups of old and new dimensions with equal products; each old
  // group must be contiguous in itself.
  size_t oi = 0, ni = 0;
  while (ni < shape.size()) {
    if (shape[ni] == 1) {
      out.strides[ni] = 1;
      ++ni;
      continue;
    }
    if (oi >= os.size())
      return failure();
    size_t oj = oi + 1, nj = ni + 1;
    int64_t op = os[oi], np = shape[ni];
    while (op != np) {
      if (op < np) {
        if (oj >= os.size())
          return failure();
        op *= os[oj++];
      } else {
        if (nj >= shape.size())
          return failure();
        np *= shape[nj++];
      }
    }
    for (size_t k = oi; k + 1 < oj; ++k)
      if (ost[k] != ost[k + 1] * os[k + 1])
        return failure();
    // New strides from the innermost old stride outward.
    int64_t stride = ost[oj - 1];
    for (size_t k = nj; k-- > ni;) {
      out.strides[k] = stride;
      stride *= shape[k];
    }
    oi = oj;
    ni = nj;
  }
  if (oi != os.size())
    return failure();
  return out;
}

StridedView StridedView::transposed(ArrayRef<int64_t> perm) const {
  StridedView out;
  out.offset = offset;
  for (int64_t p : perm) {
    out.sizes.push_back(sizes[p]);
    out.strides.push_back(strides[p]);
  }
  return out;
}

FailureOr<StridedView> StridedView::sliced(ArrayRef<int64_t> starts,
                                           ArrayRef<int64_t> ends,
                                           ArrayRef<int64_t> steps) const {
  StridedView out = *this;
  for (size_t k = 0; k < sizes.size(); ++k) {
    if (steps[k] <= 0 || starts[k] < 0 || ShapedType::isDynamic(ends[k]))
      return failure();
    int64_t end = std::min(ends[k], sizes[k]);
    int64_t n = end > starts[k] ? (end - starts[k] + steps[k] - 1) / steps[k] : 0;
    out.offset += starts[k] * strides[k];
    out.sizes[k] = n;
    out.strides[k] = strides[k] * steps[k];
  }
  return out;
}

MemRefType StridedView::memrefType(Type element) const {
  return MemRefType::get(sizes, element,
                         StridedLayoutAttr::get(element.getContext(), offset,
                                                strides));
}

static ArrayRef<int64_t> shapeOf(Value v) {
  return llvm::cast<RankedTensorType>(v.getType()).getShape();
}

FailureOr<StridedView> mlir::infer::traceView(Value v, Value &base) {
  SmallVector<Operation *> chain;
  Value cur = v;
  while (Operation *def = cur.getDefiningOp()) {
    if (!llvm::isa<TransposeOp, ReshapeOp, SliceOp>(def))
      break;
    chain.push_back(def);
    cur = def->getOperand(0);
  }
  base = cur;
  if (!llvm::cast<RankedTensorType>(cur.getType()).hasStaticShape())
    return failure();
  StridedView view = StridedView::contiguous(shapeOf(cur));
  for (Operation *op : llvm::reverse(chain)) {
    if (auto t = llvm::dyn_cast<TransposeOp>(op)) {
      view = view.transposed(t.getPerm());
    } else if (auto s = llvm::dyn_cast<SliceOp>(op)) {
      FailureOr<StridedView> next = view.sliced(s.getStarts(), s.getEnds(), s.getSteps());
      if (failed(next))
        return failure();
      view = *next;
    } else {
      FailureOr<StridedView> next = view.reshaped(shapeOf(op->getResult(0)));
      if (failed(next))
        return failure();
      view = *next;
    }
  }
  return view;
}

FailureOr<StridedView> mlir::infer::inverseView(Value from, Value to) {
  SmallVector<Operation *> chain;
  Value cur = to;
  while (cur != from) {
    Operation *def = cur.getDefiningOp();
    if (!def || !llvm::isa<TransposeOp, ReshapeOp>(def))
      return failure();
    chain.push_back(def);
    cur = def->getOperand(0);
  }
  StridedView view = StridedView::contiguous(shapeOf(to));
  for (Operation *op : chain) {
    if (auto t = llvm::dyn_cast<TransposeOp>(op)) {
      SmallVector<int64_t> inverse(t.getPerm().size());
      for (auto [i, p] : llvm::enumerate(t.getPerm()))
        inverse[p] = i;
      view = view.transposed(inverse);
    } else {
      FailureOr<StridedView> next = view.reshaped(shapeOf(op->getOperand(0)));
      if (failed(next))
        return failure();
      view = *next;
    }
  }
  return view;
}

Value mlir::infer::viewOf(OpBuilder &b, Location loc, Value flatBuffer,
                          const StridedView &view) {
  Type element = llvm::cast<MemRefType>(flatBuffer.getType()).getElementType();
  return memref::ReinterpretCastOp::create(b, loc, view.memrefType(element),
                                           flatBuffer, view.offset, view.sizes,
                                           view.strides);
}
