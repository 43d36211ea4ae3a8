//===- Checksum.h - Integrity checksum of artifact blobs --------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// FNV-1a (64-bit) over the kernel binaries and the constants of an
// artifact. The compiler stores it, the loader checks it before it hands a
// shared object to the dynamic loader: a corrupted or truncated blob is
// refused with a message instead of reaching dlopen. It detects accidents,
// not tampering.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_RUNTIME_SCHEMA_CHECKSUM_H
#define INFER_RUNTIME_SCHEMA_CHECKSUM_H

#include <cstddef>
#include <cstdint>

namespace infer {

inline uint64_t checksum(const void *data, size_t size) {
  const auto *p = static_cast<const uint8_t *>(data);
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < size; ++i) {
    h ^= p[i];
    h *= 0x100000001b3ull;
  }
  return h;
}

} // namespace infer

#endif // INFER_RUNTIME_SCHEMA_CHECKSUM_H
