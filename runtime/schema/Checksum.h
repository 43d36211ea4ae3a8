//===- Checksum.h - Integrity checksum of artifact blobs --------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// FNV-1a (64-bit) over 8-byte little-endian words (then the remaining
// bytes) of the kernel binaries, the constants and the whole artifact. The
// compiler stores it, the loader checks it before it hands a shared object
// to the dynamic loader or reads the plan: a corrupted or truncated file is
// refused with a message instead of running. Words, not bytes, so that a
// 100 MB artifact is checked in tens of milliseconds. It detects accidents,
// not tampering.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_RUNTIME_SCHEMA_CHECKSUM_H
#define INFER_RUNTIME_SCHEMA_CHECKSUM_H

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace infer {

inline uint64_t checksum(const void *data, size_t size) {
  const auto *p = static_cast<const uint8_t *>(data);
  uint64_t h = 0xcbf29ce484222325ull;
  size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    h ^= w;
    h *= 0x100000001b3ull;
  }
  for (; i < size; ++i) {
    h ^= p[i];
    h *= 0x100000001b3ull;
  }
  return h;
}

/// checksum() over bytes given in pieces: the same value as one call on
/// their concatenation, whatever the pieces' sizes.
class IncrementalChecksum {
public:
  void update(const void *data, size_t size) {
    const auto *p = static_cast<const uint8_t *>(data);
    while (size > 0 && pending > 0 && pending < 8) {
      word[pending++] = *p++;
      --size;
    }
    if (pending == 8) {
      step(word);
      pending = 0;
    }
    for (; size >= 8; p += 8, size -= 8)
      step(p);
    for (; size > 0; --size)
      word[pending++] = *p++;
  }
  uint64_t value() const {
    uint64_t v = h;
    for (size_t i = 0; i < pending; ++i) {
      v ^= word[i];
      v *= 0x100000001b3ull;
    }
    return v;
  }

private:
  void step(const uint8_t *p) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h ^= w;
    h *= 0x100000001b3ull;
  }
  uint64_t h = 0xcbf29ce484222325ull;
  uint8_t word[8] = {};
  size_t pending = 0;
};

/// Bytes the artifact's trailing checksum takes.
inline constexpr size_t kArtifactTrailerBytes = 8;

} // namespace infer

#endif // INFER_RUNTIME_SCHEMA_CHECKSUM_H
