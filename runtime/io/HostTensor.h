//===- HostTensor.h - Tensors in host memory for tools ----------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// A dtype, a shape and raw little-endian bytes: what infer-run reads from
// .npy files, feeds to engines, writes back and compares. No LLVM, MLIR or
// protobuf, so it builds with the runtime alone.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_RUNTIME_IO_HOSTTENSOR_H
#define INFER_RUNTIME_IO_HOSTTENSOR_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace infer {

/// Element types of tensors crossing the runtime boundary.
/// The float8 / float4 / 4-bit types take one byte per element.
enum class DType : uint8_t {
  F32, F16, BF16, F64, I8, I16, I32, I64, U8, U16, U32, U64, Bool,
  F8E4M3FN, F8E4M3FNUZ, F8E5M2, F8E5M2FNUZ, F4E2M1, I4, U4
};

/// The byte width of one element.
size_t byteWidth(DType dtype);
/// A short name: "f32", "i64", "bool", ...
const char *dtypeName(DType dtype);
/// The dtype named `name`, if any.
std::optional<DType> dtypeFromName(const std::string &name);
bool isFloat(DType dtype);
enum class SmallFloat : uint8_t;
/// The float8 / float4 format of `dtype`, if it is one.
std::optional<SmallFloat> smallFloatOf(DType dtype);

/// A dense row-major tensor in host memory.
struct HostTensor {
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  std::vector<uint8_t> data;

  HostTensor() = default;
  HostTensor(DType dtype, std::vector<int64_t> shape);
  int64_t numElements() const;
  /// Element `i` converted to double.
  double get(int64_t i) const;
  /// Stores `v` into element `i`, converted to the dtype (integers
  /// saturate, NaN is 0).
  void set(int64_t i, double v);
  /// Element `i` as text: integers exactly, floats to 6 digits.
  std::string text(int64_t i) const;
};

/// Reads a .npy file (format 1.0-3.0, little-endian, C order).
std::optional<HostTensor> readNpy(const std::string &path, std::string &error);
/// Writes a .npy file; false with `error` on failure.
bool writeNpy(const std::string &path, const HostTensor &tensor,
              std::string &error);

/// Formats a shape as "1x3x224x224" ("scalar" for rank 0).
std::string formatDims(const std::vector<int64_t> &shape);

/// The result of comparing two tensors elementwise.
struct Comparison {
  bool ok = true;
  std::string message;   ///< why it failed (shape, dtype) or the worst element
  int64_t worstIndex = -1;
  double worstAbs = 0, worstRel = 0, got = 0, want = 0;
  int64_t mismatches = 0;
  double relL2 = 0;      ///< ||got - want|| / ||want||
};

/// Compares `got` with `want`: |got - want| <= atol + rtol * |want| for
/// every element (NaN matches NaN).
Comparison compareTensors(const HostTensor &got, const HostTensor &want,
                          double rtol, double atol);

} // namespace infer

#endif // INFER_RUNTIME_IO_HOSTTENSOR_H
