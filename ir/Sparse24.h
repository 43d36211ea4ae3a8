//===- Sparse24.h - The 2:4 metadata code -----------------------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// One 4-bit code per group of four columns of a 2:4 sparse row, as sparse
// tensor cores read it (`infer.sparse24`): `i0 | i1 << 2` with i0 < i1 the
// positions of the two kept values. Header-only: the compiler, the
// reference interpreter and the runtime's loader check share it.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_IR_SPARSE24_H
#define INFER_IR_SPARSE24_H

#include <cstdint>

namespace mlir::infer {

/// The code of a group whose kept values are at columns i0 < i1.
constexpr unsigned sparse24Code(unsigned i0, unsigned i1) {
  return i0 | i1 << 2;
}

/// Whether `code` names two increasing positions (6 of the 16 codes do).
constexpr bool isSparse24Code(unsigned code) {
  return (code & 3) < ((code >> 2) & 3) && code < 16;
}

/// The code of group `slot` (0-3) of a 16-bit metadata word.
constexpr unsigned sparse24CodeOf(unsigned word, unsigned slot) {
  return (word >> (4 * slot)) & 0xF;
}

} // namespace mlir::infer

#endif // INFER_IR_SPARSE24_H
