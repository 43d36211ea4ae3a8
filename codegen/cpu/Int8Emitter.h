//===- Int8Emitter.h - Builder helpers of the int8 CPU templates -*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// What conv_i8 and gemm_i8 share: byte and i32 vectors, masks over any lane
// count, vpdpbusd (through the kernel module's helper), the weight scales
// of symmetric int8 constants.
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
  /// The helper, once looked up or declared.
  func::FuncOp callee = {};
  VectorType bytes(int64_t n) { return VectorType::get({n}, b.getI8Type()); }
  VectorType ints() { return VectorType::get({16}, b.getI32Type()); }
  VectorType bits(int64_t n) { return VectorType::get({n}, b.getI1Type()); }
  /// Lanes [lo, hi) of an `n`-lane mask (bounds clamped).
  Value range(int64_t n, Value lo, Value hi) {
    auto clamp = [&](Value v) { return min(max(v, idx(0)), idx(n)); };
    Value upper = vector::CreateMaskOp::create(b, loc, bits(n), ValueRange{clamp(hi)});
    Value lower = vector::CreateMaskOp::create(b, loc, bits(n), ValueRange{clamp(lo)});
    Value ones = arith::ConstantOp::create(b, loc, bits(n),
                                           DenseElementsAttr::get(bits(n), true));
    return both(upper, arith::XOrIOp::create(b, loc, lower, ones));
  }
  Value maskedBytes(Value mem, ValueRange at, Value mask, int64_t n) {
    Value zero = arith::ConstantOp::create(
        b, loc, bytes(n), DenseElementsAttr::get(bytes(n), b.getI8IntegerAttr(0)));
    return vector::MaskedLoadOp::create(b, loc, bytes(n), mem, at, mask, zero,
                                        IntegerAttr());
  }
  /// Four 16-byte vectors interleaved: out[4 l + j] = v[j][l], moved from
  /// signed to unsigned (the top bit flipped: x + 128).
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
    Value top = arith::ConstantOp::create(
        b, loc, bytes(64), DenseElementsAttr::get(bytes(64), b.getI8IntegerAttr(-128)));
    return arith::XOrIOp::create(b, loc, all, top);
  }
  /// A 16-lane mask widened to the 64 bytes of its lanes.
  Value widen(Value m16) {
    SmallVector<int64_t> rep(64);
    for (int64_t i = 0; i < 64; ++i)
      rep[i] = i / 4;
    return vector::ShuffleOp::create(b, loc, m16, m16, rep);
  }
  /// acc + the four-byte dot products of `u` (unsigned) and `s` (signed):
  /// a call of the kernel module's vpdpbusd helper (cpuVnniDotName),
  /// which gets its body, the intrinsic, once the module is in LLVM form
  /// (the buffer passes refuse an intrinsic call's unknown effects).
  Value dot(Value acc, Value u, Value s) {
    if (!callee)
      callee = module.lookupSymbol<func::FuncOp>(cpuVnniDotName());
    if (!callee) {
      OpBuilder mb(module.getBodyRegion());
      callee = func::FuncOp::create(
          mb, loc, cpuVnniDotName(),
          mb.getFunctionType({ints(), bytes(64), bytes(64)}, {ints()}));
      callee.setPrivate();
    }
    return func::CallOp::create(b, loc, callee, ValueRange{acc, u, s}).getResult(0);
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
