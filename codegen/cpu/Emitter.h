//===- Emitter.h - Builder helpers for CPU kernel templates ----*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Short names for the index arithmetic, vector loads and stores, masks and
// loops that the CPU kernel templates are written with.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CPU_EMITTER_H
#define INFER_CODEGEN_CPU_EMITTER_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Builders.h"

namespace mlir::infer {

/// Builds template IR at one location with vectors of `vl` lanes of `elem`
/// (f32 when null).
struct Emitter {
  OpBuilder &b;
  Location loc;
  int64_t vl;
  Type elem = nullptr;

  Value idx(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubIOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }
  Value div(Value x, Value y) { return arith::DivUIOp::create(b, loc, x, y); }
  Value rem(Value x, Value y) { return arith::RemUIOp::create(b, loc, x, y); }
  Value min(Value x, Value y) { return arith::MinSIOp::create(b, loc, x, y); }
  Value max(Value x, Value y) { return arith::MaxSIOp::create(b, loc, x, y); }
  Value lt(Value x, Value y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, x, y);
  }
  Value ge(Value x, Value y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, x, y);
  }
  Value both(Value x, Value y) { return arith::AndIOp::create(b, loc, x, y); }
  Value select(Value c, Value x, Value y) {
    return arith::SelectOp::create(b, loc, c, x, y);
  }
  Value f32(double v) {
    return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v));
  }
  VectorType vec() {
    return VectorType::get({vl}, elem ? elem : Type(b.getF32Type()));
  }
  VectorType ivec() { return VectorType::get({vl}, b.getI32Type()); }
  VectorType mvec() { return VectorType::get({vl}, b.getI1Type()); }
  Value splat(Value scalar) { return vector::BroadcastOp::create(b, loc, vec(), scalar); }
  Value zeros() { return splat(f32(0)); }
  /// A mask of the first `valid` lanes (clamped to [0, vl]).
  Value mask(Value valid) {
    Value n = min(max(valid, idx(0)), idx(vl));
    return vector::CreateMaskOp::create(b, loc, mvec(), ValueRange{n});
  }
  /// The mask whose lanes are `lanes` (vl of them), a constant.
  Value constantMask(ArrayRef<bool> lanes) {
    return arith::ConstantOp::create(b, loc, mvec(),
                                     DenseElementsAttr::get(mvec(), lanes));
  }
  /// i32 lane numbers 0..vl-1 times `scale`.
  Value iota(int64_t scale) {
    SmallVector<int32_t> v;
    for (int64_t i = 0; i < vl; ++i)
      v.push_back(static_cast<int32_t>(i * scale));
    return arith::ConstantOp::create(b, loc, ivec(),
                                     DenseElementsAttr::get(ivec(), ArrayRef<int32_t>(v)));
  }
  Value i32(Value index) {
    return arith::IndexCastOp::create(b, loc, b.getI32Type(), index);
  }
  Value isplat(Value i32scalar) {
    return vector::BroadcastOp::create(b, loc, ivec(), i32scalar);
  }
  Value load(Value mem, ValueRange indices) {
    return memref::LoadOp::create(b, loc, mem, indices);
  }
  void store(Value v, Value mem, ValueRange indices) {
    memref::StoreOp::create(b, loc, v, mem, indices);
  }
  Value vload(Value mem, ValueRange indices) {
    return vector::LoadOp::create(b, loc, vec(), mem, indices, false,
                                  IntegerAttr());
  }
  void vstore(Value v, Value mem, ValueRange indices) {
    vector::StoreOp::create(b, loc, v, mem, indices, false, IntegerAttr());
  }
  /// A read prefetch of mem[indices] into every cache level.
  void prefetch(Value mem, ValueRange indices) {
    memref::PrefetchOp::create(b, loc, mem, indices, /*isWrite=*/false,
                               /*localityHint=*/3, /*isDataCache=*/true);
  }
  /// A write prefetch (the line fetched for ownership ahead of stores).
  void prefetchWrite(Value mem, ValueRange indices) {
    memref::PrefetchOp::create(b, loc, mem, indices, /*isWrite=*/true,
                               /*localityHint=*/3, /*isDataCache=*/true);
  }
  Value vloadMasked(Value mem, ValueRange indices, Value m) {
    return vector::MaskedLoadOp::create(b, loc, vec(), mem, indices, m, zeros(),
                                        IntegerAttr());
  }
  void vstoreMasked(Value v, Value mem, ValueRange indices, Value m) {
    vector::MaskedStoreOp::create(b, loc, mem, indices, m, v, IntegerAttr());
  }
  /// Stores the first `valid` lanes of `v` (all when `valid` >= vl) at
  /// mem[indices]: a plain store when every lane is valid, a masked one
  /// otherwise. AVX2's masked store takes about 20 cycles on Zen 3 (a
  /// plain one 1), so that tiles stored through a mask whose lanes are all
  /// valid but for the last tile paid it on every tile.
  void vstorePrefix(Value v, Value mem, ValueRange indices, Value valid) {
    storePrefix(valid, [&](Value m) {
      if (m)
        vstoreMasked(v, mem, indices, m);
      else
        vstore(v, mem, indices);
    });
  }
  /// Calls store(null) where `valid` >= vl, else store(mask of `valid`
  /// lanes); constants choose at build time.
  void storePrefix(Value valid, function_ref<void(Value mask)> store) {
    if (std::optional<int64_t> c = getConstantIntValue(valid)) {
      if (*c >= vl)
        store(Value());
      else if (*c > 0)
        store(mask(valid));
      return;
    }
    ifThenElse(ge(valid, idx(vl)), [&] { store(Value()); },
               [&] { store(mask(valid)); });
  }
  /// Gathers mem[indices..., offsets[lane]] for lanes in `m` (offsets must
  /// be in bounds for every lane).
  Value gather(Value mem, ValueRange indices, Value offsets, Value m) {
    return vector::GatherOp::create(b, loc, vec(), mem, indices, offsets, m,
                                    zeros());
  }
  /// Scatters lanes in `m` of `v` to mem[indices..., offsets[lane]].
  void scatter(Value v, Value mem, ValueRange indices, Value offsets, Value m) {
    vector::ScatterOp::create(b, loc, Type(), mem, indices, offsets, m, v);
  }
  Value fma(Value a, Value x, Value acc) {
    return vector::FMAOp::create(b, loc, a, x, acc);
  }

  scf::ForOp loop(Value lo, Value hi, int64_t step, ValueRange iters,
                  function_ref<SmallVector<Value>(Value, ValueRange)> body) {
    return scf::ForOp::create(
        b, loc, lo, hi, idx(step), iters,
        [&](OpBuilder &nb, Location, Value iv, ValueRange args) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPoint(nb.getInsertionBlock(), nb.getInsertionPoint());
          SmallVector<Value> next = body(iv, args);
          scf::YieldOp::create(b, loc, next);
        });
  }
  void forEach(Value lo, Value hi, int64_t step, function_ref<void(Value)> body) {
    loop(lo, hi, step, {}, [&](Value iv, ValueRange) {
      body(iv);
      return SmallVector<Value>();
    });
  }
  void ifThen(Value cond, function_ref<void()> body) {
    auto ifOp = scf::IfOp::create(b, loc, cond, /*withElse=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&ifOp.getThenRegion().front());
    body();
  }
  /// if (cond) then() else otherwise(), without results.
  void ifThenElse(Value cond, function_ref<void()> then,
                  function_ref<void()> otherwise) {
    auto ifOp = scf::IfOp::create(b, loc, cond, /*withElse=*/true);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&ifOp.getThenRegion().front());
    then();
    b.setInsertionPointToStart(&ifOp.getElseRegion().front());
    otherwise();
  }
  /// Whether every lane of `mask` is set.
  Value allSet(Value mask) {
    return vector::ReductionOp::create(b, loc, vector::CombiningKind::AND, mask);
  }
  /// A masked store whose mask is usually full, of bytes: a plain store
  /// where it is (AVX2 has no byte-masked store: LLVM stores the lanes one
  /// by one, behind a branch each).
  void storeMostlyFull(Value v, Value mem, ValueRange at, Value mask) {
    ifThenElse(
        allSet(mask),
        [&] { vector::StoreOp::create(b, loc, v, mem, at, false, IntegerAttr()); },
        [&] { vector::MaskedStoreOp::create(b, loc, mem, at, mask, v, IntegerAttr()); });
  }
  /// if (cond) then() else otherwise(), both yielding `types`.
  SmallVector<Value> ifElse(Value cond, TypeRange types,
                            function_ref<SmallVector<Value>()> then,
                            function_ref<SmallVector<Value>()> otherwise) {
    auto ifOp = scf::IfOp::create(b, loc, types, cond, /*withElse=*/true);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(&ifOp.getThenRegion().front());
      scf::YieldOp::create(b, loc, then());
      b.setInsertionPointToStart(&ifOp.getElseRegion().front());
      scf::YieldOp::create(b, loc, otherwise());
    }
    return SmallVector<Value>(ifOp.getResults());
  }
};

/// Flattens [N, C, H, W] into [N, C, H*W].
inline Value flattenSpatial(Emitter &e, Value m) {
  return memref::CollapseShapeOp::create(
      e.b, e.loc, m, SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
}

/// Lanes i of a vector with lo <= i < hi (bounds clamped to [0, vl]).
inline Value rangeMask(Emitter &e, Value lo, Value hi) {
  Value below = e.mask(lo);
  Value ones = arith::ConstantOp::create(
      e.b, e.loc, e.mvec(), DenseElementsAttr::get(e.mvec(), true));
  return arith::AndIOp::create(e.b, e.loc, e.mask(hi),
                               arith::XOrIOp::create(e.b, e.loc, below, ones));
}

} // namespace mlir::infer

#endif // INFER_CODEGEN_CPU_EMITTER_H
