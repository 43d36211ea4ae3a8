//===- Int8Emitter.h - Builder helpers of the int8 CPU templates -*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// What conv_i8 and gemm_i8 share: byte and i32 vectors, masks over any lane
// count, four-byte dot products (through the kernel module's helper), the
// weight scales of symmetric int8 constants.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CPU_INT8EMITTER_H
#define INFER_CODEGEN_CPU_INT8EMITTER_H

#include "codegen/cpu/CpuKernels.h"
#include "codegen/cpu/Emitter.h"
#include "ir/QuantUtils.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

#include <cstring>
#include <optional>
#include <vector>

namespace mlir::infer {

/// The scales of symmetric int8 weights `w` per slice of dimension `axis`
/// (one per slice, or the tensor's scale repeated `channels` times), or
/// nothing for another kind of type.
inline std::optional<SmallVector<double>> weightScales(Value w, int64_t axis,
                                                       int64_t channels) {
  Type t = llvm::cast<ShapedType>(w.getType()).getElementType();
  if (auto q = symmetricInt8(t))
    return SmallVector<double>(channels, q.getScale());
  auto a = llvm::dyn_cast<quant::UniformQuantizedPerAxisType>(t);
  if (!a || a.getQuantizedDimension() != axis || !a.isSigned() ||
      a.getStorageTypeIntegralWidth() != 8 ||
      static_cast<int64_t>(a.getScales().size()) != channels ||
      llvm::any_of(a.getZeroPoints(), [](int64_t z) { return z != 0; }))
    return std::nullopt;
  return SmallVector<double>(a.getScales().begin(), a.getScales().end());
}

/// Set by markUnsignedInt8Input on AVX2 int8 products whose input is never
/// negative: the template then reads it as unsigned bytes.
inline constexpr llvm::StringLiteral kUnsignedInputAttr = "infer.unsigned_input";

/// The bytes of `v`, for a packed template input.
template <typename T>
std::vector<char> bytesOf(const std::vector<T> &v) {
  std::vector<char> bytes(v.size() * sizeof(T));
  std::memcpy(bytes.data(), v.data(), bytes.size());
  return bytes;
}

/// Emitter with byte and i32 vectors and vpdpbusd.
struct I8Emitter : Emitter {
  /// The kernel module (where the vpdpbusd helper is declared).
  ModuleOp module;
  /// Lanes of the registers the dot products run in (cpuDotName): 16
  /// (AVX-512 VNNI) or 8 (AVX2).
  int64_t dotLanes = 16;
  /// AVX2, an input that is never negative (nonNegative): its int8 values
  /// are the unsigned bytes as they are (no + 128, no correction of the
  /// sums), and each pair of products (at most 2 x 127 x 128) fits
  /// vpmaddubsw's 16 bits (cpuNarrowDotName).
  bool unsignedInput = false;
  VectorType bytes(int64_t n) { return VectorType::get({n}, b.getI8Type()); }
  VectorType ints() { return VectorType::get({16}, b.getI32Type()); }
  VectorType bits(int64_t n) { return VectorType::get({n}, b.getI1Type()); }
  /// Lanes i of an `n`-lane byte mask with lo <= i / group < hi (bounds
  /// clamped). AVX-512 builds it as a k-mask (create_mask); AVX2 compares a
  /// constant byte vector with the two bounds (LLVM would build create_mask
  /// and an i1 shuffle there one byte insert per lane).
  Value range(int64_t n, Value lo, Value hi, int64_t group = 1) {
    int64_t lanes = n / group;
    auto clamp = [&](Value v) { return min(max(v, idx(0)), idx(lanes)); };
    if (dotLanes == 16) {
      Value upper = vector::CreateMaskOp::create(b, loc, bits(lanes), ValueRange{clamp(hi)});
      Value lower = vector::CreateMaskOp::create(b, loc, bits(lanes), ValueRange{clamp(lo)});
      Value ones = arith::ConstantOp::create(b, loc, bits(lanes),
                                             DenseElementsAttr::get(bits(lanes), true));
      Value m = both(upper, arith::XOrIOp::create(b, loc, lower, ones));
      if (group == 1)
        return m;
      SmallVector<int64_t> rep(n);
      for (int64_t i = 0; i < n; ++i)
        rep[i] = i / group;
      return vector::ShuffleOp::create(b, loc, m, m, rep);
    }
    SmallVector<int8_t> lane(n);
    for (int64_t i = 0; i < n; ++i)
      lane[i] = static_cast<int8_t>(i / group);
    Value iota8 = arith::ConstantOp::create(
        b, loc, bytes(n), DenseElementsAttr::get(bytes(n), ArrayRef<int8_t>(lane)));
    auto splat8 = [&](Value v) {
      Value i8v = arith::IndexCastOp::create(b, loc, b.getI8Type(), clamp(v));
      return vector::BroadcastOp::create(b, loc, bytes(n), i8v).getResult();
    };
    return both(arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, iota8, splat8(lo)),
                arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, iota8, splat8(hi)));
  }
  /// `n` bytes of `mem` from `at`, 0 in the lanes `mask` leaves out.
  /// AVX2 has no byte-masked load (LLVM loads the lanes one by one, behind
  /// a branch each): there, where all `n` bytes lie inside the buffer, a
  /// whole load with the lanes outside the mask zeroed.
  Value maskedBytes(Value mem, ValueRange at, Value mask, int64_t n) {
    Value zero = arith::ConstantOp::create(
        b, loc, bytes(n), DenseElementsAttr::get(bytes(n), b.getI8IntegerAttr(0)));
    auto masked = [&] {
      return vector::MaskedLoadOp::create(b, loc, bytes(n), mem, at, mask, zero,
                                          IntegerAttr())
          .getResult();
    };
    auto type = llvm::cast<MemRefType>(mem.getType());
    if (dotLanes == 16 || !type.getLayout().isIdentity() || !type.hasStaticShape())
      return masked();
    Value offset = idx(0);
    for (size_t i = 0; i < at.size(); ++i)
      offset = add(mul(offset, idx(type.getDimSize(i))), at[i]);
    Value inside = both(ge(offset, idx(0)),
                        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sle,
                                              add(offset, idx(n)),
                                              idx(type.getNumElements())));
    return ifElse(
        inside, {bytes(n)},
        [&] {
          Value whole = vector::LoadOp::create(b, loc, bytes(n), mem, at, false,
                                               IntegerAttr());
          return SmallVector<Value>{arith::SelectOp::create(b, loc, mask, whole, zero)};
        },
        [&] { return SmallVector<Value>{masked()}; })[0];
  }
  /// Stores the lanes of `v` that `mask` selects to the panel: AVX2 (no
  /// byte-masked store) merges them into the panel's bytes there and stores
  /// the whole vector (no other task writes those bytes meanwhile).
  void storePanel(Value v, Value panel, ValueRange at, Value mask) {
    if (dotLanes == 16) {
      vector::MaskedStoreOp::create(b, loc, panel, at, mask, v, IntegerAttr());
      return;
    }
    auto type = llvm::cast<VectorType>(v.getType());
    Value old = vector::LoadOp::create(b, loc, type, panel, at, false, IntegerAttr());
    vector::StoreOp::create(b, loc, arith::SelectOp::create(b, loc, mask, v, old), panel,
                            at, false, IntegerAttr());
  }
  /// Four 16-byte vectors interleaved: out[4 l + j] = v[j][l], moved from
  /// signed to unsigned (the top bit flipped: x + 128) unless unsignedInput.
  Value interleave(ArrayRef<Value> v) {
    SmallVector<int64_t> cat(32), mix(64);
    for (int64_t i = 0; i < 32; ++i)
      cat[i] = i;
    for (int64_t l = 0; l < 16; ++l)
      for (int64_t j = 0; j < 4; ++j)
        mix[4 * l + j] = j * 16 + l;
    Value ab = vector::ShuffleOp::create(b, loc, v[0], v[1], cat);
    Value cd = vector::ShuffleOp::create(b, loc, v[2], v[3], cat);
    Value all = vector::ShuffleOp::create(b, loc, ab, cd, mix);
    if (unsignedInput)
      return all;
    Value top = arith::ConstantOp::create(
        b, loc, bytes(64), DenseElementsAttr::get(bytes(64), b.getI8IntegerAttr(-128)));
    return arith::XOrIOp::create(b, loc, all, top);
  }
  /// acc + the four-byte dot products of `u` (unsigned) and `s` (signed):
  /// a call of the kernel module's dot helper (cpuDotName), which gets its
  /// body, the intrinsics, once the module is in LLVM form (the buffer
  /// passes refuse an intrinsic call's unknown effects).
  Value dot(Value acc, Value u, Value s) {
    StringRef name = dotLanes == 8 && unsignedInput ? cpuNarrowDotName()
                                                    : cpuDotName(dotLanes);
    return callHelper(name, ValueRange{acc, u, s});
  }
  /// acc + the four-byte dot products of `u` (unsigned) and a signed
  /// operand split into `even` and `odd` 16-bit pairs (cpuSplitDotName;
  /// AVX2).
  Value splitDot(Value acc, Value u, Value even, Value odd) {
    return callHelper(cpuSplitDotName(), ValueRange{acc, u, even, odd});
  }
  /// A call of the kernel module's helper `name` (declared on first use)
  /// returning the accumulator type.
  Value callHelper(StringRef name, ValueRange args) {
    auto helper = module.lookupSymbol<func::FuncOp>(name);
    if (!helper) {
      OpBuilder mb(module.getBodyRegion());
      helper = func::FuncOp::create(mb, loc, name,
                                    mb.getFunctionType(TypeRange(args), {ints()}));
      helper.setPrivate();
    }
    return func::CallOp::create(b, loc, helper, args).getResult(0);
  }
  /// The accumulator start of a row or column whose int8 weights sum to
  /// `weightSum`: -128 * weightSum undoes the + 128 that moved signed
  /// activations to unsigned bytes; an unsigned input needs none.
  static int32_t accumulatorStart(int64_t weightSum, bool unsignedInput) {
    return unsignedInput ? 0 : static_cast<int32_t>(-128 * weightSum);
  }
  /// The 16-bit pairs of a signed four-byte group for splitDot: bytes 0
  /// and 2 (even) or 1 and 3 (odd), sign-extended.
  static uint32_t splitPair(uint32_t group, bool odd) {
    auto byte = [&](int i) {
      return static_cast<uint32_t>(static_cast<uint16_t>(
          static_cast<int16_t>(static_cast<int8_t>(group >> (8 * i)))));
    };
    int first = odd ? 1 : 0;
    return byte(first) | (byte(first + 2) << 16);
  }
  Value i32splat(Value v) { return vector::BroadcastOp::create(b, loc, ints(), v); }
  Value ivec(Value v) {
    return arith::IndexCastOp::create(b, loc, b.getI32Type(), v);
  }
  Value icmp(arith::CmpIPredicate p, Value x, Value y) {
    return arith::CmpIOp::create(b, loc, p, x, y);
  }
};

} // namespace mlir::infer

#endif // INFER_CODEGEN_CPU_INT8EMITTER_H
