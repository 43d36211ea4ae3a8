//===- StridedView.cpp - Layout changes as strided views -------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/core/StridedView.h"

#include "ir/InferOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

using namespace mlir;
using namespace mlir::infer;

StridedView StridedView::contiguous(ArrayRef<int64_t> shape) {
  StridedView v;
  v.sizes.assign(shape.begin(), shape.end());
  v.strides.resize(shape.size());
  v.groups.assign(shape.size(), 1);
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

bool StridedView::isPlain() const {
  return llvm::all_of(groups, [](int64_t g) { return g == 1; });
}

int64_t StridedView::firstRefined(int64_t d) const {
  int64_t k = 0;
  for (int64_t i = 0; i < d; ++i)
    k += groups[i];
  return k;
}

int64_t StridedView::dimSize(int64_t d) const {
  int64_t n = 1, k = firstRefined(d);
  for (int64_t i = 0; i < groups[d]; ++i)
    n *= sizes[k + i];
  return n;
}

bool StridedView::isContiguous() const {
  if (offset != 0 || !isPlain())
    return false;
  StridedView c = contiguous(sizes);
  for (size_t k = 0; k < sizes.size(); ++k)
    if (sizes[k] != 1 && strides[k] != c.strides[k])
      return false;
  return true;
}

FailureOr<StridedView> StridedView::reshaped(ArrayRef<int64_t> shape) const {
  int64_t total = 1;
  for (int64_t s : shape)
    total *= s;
  if (total != numElements())
    return failure();
  if (total == 0)
    return contiguous(shape);
  // The refined dimensions larger than one, outermost first.
  SmallVector<std::pair<int64_t, int64_t>> queue;
  for (size_t k = 0; k < sizes.size(); ++k)
    if (sizes[k] != 1)
      queue.push_back({sizes[k], strides[k]});
  StridedView out;
  out.offset = offset;
  size_t q = 0;
  for (int64_t target : shape) {
    SmallVector<std::pair<int64_t, int64_t>> dims;
    int64_t left = target;
    while (left > 1) {
      if (q >= queue.size())
        return failure();
      auto [size, stride] = queue[q];
      if (size <= left) {
        if (left % size != 0)
          return failure();
        dims.push_back({size, stride});
        left /= size;
        ++q;
      } else {
        if (size % left != 0)
          return failure();
        // Split: the outer part goes here, the inner part stays queued.
        dims.push_back({left, stride * (size / left)});
        queue[q] = {size / left, stride};
        left = 1;
      }
    }
    if (dims.empty())
      dims.push_back({1, 1});
    // Merge neighbours that one stride spans.
    SmallVector<std::pair<int64_t, int64_t>> merged{dims.front()};
    for (size_t k = 1; k < dims.size(); ++k) {
      auto &last = merged.back();
      if (last.second == dims[k].second * dims[k].first)
        last = {last.first * dims[k].first, dims[k].second};
      else
        merged.push_back(dims[k]);
    }
    for (auto [size, stride] : merged) {
      out.sizes.push_back(size);
      out.strides.push_back(stride);
    }
    out.groups.push_back(merged.size());
  }
  if (q != queue.size())
    return failure();
  return out;
}

StridedView StridedView::transposed(ArrayRef<int64_t> perm) const {
  StridedView out;
  out.offset = offset;
  for (int64_t p : perm) {
    int64_t k = firstRefined(p);
    for (int64_t i = 0; i < groups[p]; ++i) {
      out.sizes.push_back(sizes[k + i]);
      out.strides.push_back(strides[k + i]);
    }
    out.groups.push_back(groups[p]);
  }
  return out;
}

FailureOr<StridedView> StridedView::sliced(ArrayRef<int64_t> starts,
                                           ArrayRef<int64_t> ends,
                                           ArrayRef<int64_t> steps) const {
  StridedView out = *this;
  for (int64_t d = 0; d < rank(); ++d) {
    int64_t size = dimSize(d);
    if (steps[d] <= 0 || starts[d] < 0 || ShapedType::isDynamic(ends[d]))
      return failure();
    int64_t end = std::min(ends[d], size);
    int64_t n = end > starts[d] ? (end - starts[d] + steps[d] - 1) / steps[d] : 0;
    if (groups[d] != 1) {
      if (starts[d] != 0 || n != size || steps[d] != 1)
        return failure();
      continue;
    }
    int64_t k = firstRefined(d);
    out.offset += starts[d] * strides[k];
    out.sizes[k] = n;
    out.strides[k] = strides[k] * steps[d];
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
  std::reverse(chain.begin(), chain.end());
  return viewThrough(StridedView::contiguous(shapeOf(cur)), chain);
}

FailureOr<StridedView> mlir::infer::viewThrough(StridedView view,
                                                ArrayRef<Operation *> chain) {
  for (Operation *op : chain) {
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

SmallVector<Value> mlir::infer::refinedIndices(OpBuilder &b, Location loc,
                                               const StridedView &view,
                                               int64_t d, Value idx) {
  int64_t k = view.firstRefined(d), g = view.groups[d];
  SmallVector<Value> out(g);
  for (int64_t i = g - 1; i >= 0; --i) {
    if (i == 0) {
      out[i] = idx;
      break;
    }
    Value size = arith::ConstantIndexOp::create(b, loc, view.sizes[k + i]);
    out[i] = arith::RemUIOp::create(b, loc, idx, size);
    idx = arith::DivUIOp::create(b, loc, idx, size);
  }
  return out;
}

Value mlir::infer::linearIndex(OpBuilder &b, Location loc, const StridedView &view,
                               ArrayRef<Value> idx) {
  Value sum = arith::ConstantIndexOp::create(b, loc, view.offset);
  for (int64_t d = 0; d < view.rank(); ++d) {
    SmallVector<Value> r = refinedIndices(b, loc, view, d, idx[d]);
    int64_t k = view.firstRefined(d);
    for (auto [i, v] : llvm::enumerate(r)) {
      Value stride = arith::ConstantIndexOp::create(b, loc, view.strides[k + i]);
      sum = arith::AddIOp::create(b, loc, sum,
                                  arith::MulIOp::create(b, loc, v, stride));
    }
  }
  return sum;
}
