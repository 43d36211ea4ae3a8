//===- ConvLoads.h - Window loads of convolution and pooling ---*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The masked loads with which the convolution and pooling templates read a
// window row: padding and strides live in the masks, so no padded copy of
// the input is ever made.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CPU_CONVLOADS_H
#define INFER_CODEGEN_CPU_CONVLOADS_H

#include "codegen/cpu/Emitter.h"

namespace mlir::infer {

/// The input vector of row `ih` starting at column `c0` (which may be
/// negative: padding) for output lanes below `valid` at column stride `sw`
/// (1 or 2). Lanes outside [0, W) (or of a row that is not `rowOk`) read as
/// `fill` (zero by default) and are never accessed: the
/// masked loads may start before the row, their masked-off lanes touch no
/// memory.
inline Value loadColumns(Emitter &e, Value x, ValueRange lead, Value ih, Value c0,
                  Value valid, int64_t sw, int64_t w, ArrayRef<int64_t> evens,
                  Value rowOk = Value(), Value fill = Value()) {
  // Input columns c0 .. c0 + span - 1 are needed.
  Value span = e.add(e.mul(e.sub(valid, e.idx(1)), e.idx(sw)), e.idx(1));
  Value lo = e.sub(e.idx(0), c0);
  Value hi = e.min(span, e.sub(e.idx(w), c0));
  SmallVector<Value> at(lead.begin(), lead.end());
  at.push_back(ih);
  at.push_back(c0);
  auto masked = [&](Value m) {
    if (!rowOk)
      return m;
    Value row = vector::BroadcastOp::create(e.b, e.loc, e.mvec(), rowOk);
    return e.both(m, row);
  };
  auto load = [&](Value m) -> Value {
    if (!fill)
      return e.vloadMasked(x, at, m);
    return vector::MaskedLoadOp::create(e.b, e.loc, e.vec(), x, at, m, fill,
                                        IntegerAttr())
        .getResult();
  };
  Value a = load(masked(rangeMask(e, lo, hi)));
  if (sw == 1)
    return a;
  Value c1 = e.add(c0, e.idx(e.vl));
  at.back() = c1;
  Value lo1 = e.sub(lo, e.idx(e.vl)), hi1 = e.sub(hi, e.idx(e.vl));
  Value b = load(masked(rangeMask(e, lo1, hi1)));
  return vector::ShuffleOp::create(e.b, e.loc, a, b, evens);
}

inline SmallVector<int64_t> evenLanes(int64_t vl) {
  SmallVector<int64_t> evens;
  for (int64_t i = 0; i < vl; ++i)
    evens.push_back(2 * i);
  return evens;
}

} // namespace mlir::infer

#endif // INFER_CODEGEN_CPU_CONVLOADS_H
