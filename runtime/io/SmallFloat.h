//===- SmallFloat.h - 8- and 4-bit floating-point formats --------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The float8 formats of ONNX (E4M3FN, E4M3FNUZ, E5M2, E5M2FNUZ) and float4
// E2M1, as bytes (one element per byte; float4 in the low nibble): decoding
// is exact, encoding rounds to nearest, ties to even. With `saturate`
// (ONNX Cast's default for float8) values past the largest finite one,
// infinities included, become it; without, they become infinity (E5M2) or
// NaN (the formats without infinities). Float4 has neither and always
// saturates. NaN encodes as ONNX's reference writes it: 0x7F (E4M3FN),
// 0x7E (E5M2), 0x80 (the FNUZ formats), 0x8 (E2M1).
//
// The reference interpreter, the tools' host tensors and the code the CPU
// backend emits (codegen/core/ScalarOps.cpp, the same steps in arith ops)
// share these definitions.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_RUNTIME_IO_SMALLFLOAT_H
#define INFER_RUNTIME_IO_SMALLFLOAT_H

#include <cmath>
#include <cstdint>
#include <cstring>

namespace infer {

enum class SmallFloat : uint8_t { E4M3FN, E4M3FNUZ, E5M2, E5M2FNUZ, E2M1 };

/// The layout of one format.
struct SmallFloatLayout {
  int expBits, manBits, bias;
  bool ieee;  ///< all-ones exponent: infinities and NaNs (E5M2)
  bool fnuz;  ///< 0x80 is the NaN, no negative zero
  bool noNan; ///< neither NaN nor infinity (E2M1)
  uint8_t nanCode;

  int bits() const { return 1 + expBits + manBits; }
  uint8_t signBit() const { return uint8_t(1u << (expBits + manBits)); }
  /// The code of the largest finite magnitude.
  uint8_t maxCode() const {
    int n = expBits + manBits;
    if (ieee)
      return uint8_t((((1 << expBits) - 2) << manBits) | ((1 << manBits) - 1));
    if (fnuz || noNan)
      return uint8_t((1 << n) - 1);
    return uint8_t((1 << n) - 2); // E4M3FN: S.1111.111 is NaN
  }
  uint8_t infCode() const { return uint8_t(((1 << expBits) - 1) << manBits); }
};

inline SmallFloatLayout layoutOf(SmallFloat f) {
  switch (f) {
  case SmallFloat::E4M3FN: return {4, 3, 7, false, false, false, 0x7F};
  case SmallFloat::E4M3FNUZ: return {4, 3, 8, false, true, false, 0x80};
  case SmallFloat::E5M2: return {5, 2, 15, true, false, false, 0x7E};
  case SmallFloat::E5M2FNUZ: return {5, 2, 16, false, true, false, 0x80};
  case SmallFloat::E2M1: return {2, 1, 1, false, false, true, 0x8};
  }
  return {4, 3, 7, false, false, false, 0x7F};
}

inline float decodeSmallFloat(SmallFloat f, uint8_t code) {
  SmallFloatLayout l = layoutOf(f);
  int n = l.expBits + l.manBits;
  code &= uint8_t((1u << (n + 1)) - 1);
  bool neg = code & l.signBit();
  int mag = code & ((1 << n) - 1);
  int e = mag >> l.manBits, m = mag & ((1 << l.manBits) - 1);
  if (l.fnuz && code == l.signBit())
    return NAN;
  if (!l.ieee && !l.fnuz && !l.noNan && mag == (1 << n) - 1)
    return NAN;
  if (l.ieee && e == (1 << l.expBits) - 1)
    return m ? NAN : (neg ? -INFINITY : INFINITY);
  float v = e == 0 ? std::ldexp(float(m), 1 - l.bias - l.manBits)
                   : std::ldexp(float((1 << l.manBits) | m), e - l.bias - l.manBits);
  return neg ? -v : v;
}

inline uint8_t encodeSmallFloat(SmallFloat f, float x, bool saturate) {
  SmallFloatLayout l = layoutOf(f);
  uint32_t bits;
  std::memcpy(&bits, &x, 4);
  uint8_t sign = (bits >> 31) ? l.signBit() : 0;
  uint32_t a = bits & 0x7FFFFFFFu;
  if (a > 0x7F800000u)
    return l.nanCode;
  uint32_t code;
  int minNormalExp = 1 - l.bias; // unbiased
  if (a == 0x7F800000u) {
    code = 0xFFFFu; // past every finite code
  } else if (a < uint32_t(minNormalExp + 127) << 23) {
    // Subnormal in the target (or zero): the count of its quanta, rounded
    // to even; 2^manBits of them is the smallest normal, whose code is the
    // same number.
    float q = std::ldexp(1.0f, minNormalExp - l.manBits);
    float mag;
    std::memcpy(&mag, &a, 4);
    code = uint32_t(std::nearbyint(mag / q));
  } else {
    // Normal: round the f32 bits to manBits of mantissa, to even; a carry
    // moves into the exponent as it should.
    int shift = 23 - l.manBits;
    uint32_t r = (a + ((1u << (shift - 1)) - 1) + ((a >> shift) & 1)) >> shift;
    code = r - (uint32_t(127 - l.bias) << l.manBits);
  }
  if (code > l.maxCode()) {
    if (saturate || l.noNan)
      code = l.maxCode();
    else if (l.ieee)
      code = l.infCode();
    else
      return l.nanCode;
  }
  if (code == 0 && l.fnuz)
    return 0;
  return uint8_t(sign | code);
}

} // namespace infer

#endif // INFER_RUNTIME_IO_SMALLFLOAT_H
