//===- Tensor.h - Host tensors of the reference interpreter -----*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// A tensor on the host with an MLIR element type. Floats are held as double
// and rounded to their type after every op; integers, booleans and the
// storage of quantized types are held as int64 and wrapped to their width.
// Simple, exact enough to be the oracle of every backend.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_REFERENCE_TENSOR_H
#define INFER_REFERENCE_TENSOR_H

#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/SmallVector.h"

#include <string>
#include <vector>

namespace mlir::infer::reference {

/// A dense row-major host tensor.
class Tensor {
public:
  Tensor() = default;
  /// A zero-filled tensor.
  Tensor(Type elementType, ArrayRef<int64_t> shape);

  Type getElementType() const { return elementType; }
  ArrayRef<int64_t> getShape() const { return shape; }
  int64_t getRank() const { return shape.size(); }
  int64_t size() const { return numel; }
  /// The tensor type of this tensor.
  RankedTensorType getType() const;

  /// Whether elements are held as doubles (float element types).
  bool isFloat() const { return floatStorage; }
  std::vector<double> &floats() { return fdata; }
  const std::vector<double> &floats() const { return fdata; }
  std::vector<int64_t> &ints() { return idata; }
  const std::vector<int64_t> &ints() const { return idata; }

  /// Element `i` as a double, whatever the storage.
  double getDouble(int64_t i) const {
    return floatStorage ? fdata[i] : static_cast<double>(idata[i]);
  }
  /// Element `i` as an integer (floats truncate toward zero).
  int64_t getInt(int64_t i) const {
    return floatStorage ? static_cast<int64_t>(fdata[i]) : idata[i];
  }
  /// Stores `v` into element `i`, rounded or wrapped to the element type.
  void setDouble(int64_t i, double v);
  void setInt(int64_t i, int64_t v);

  /// Rounds floats to the element type's precision and wraps integers to
  /// their width, after a kernel computed in double / int64.
  void normalize();

  /// Returns a tensor with the same elements and another shape.
  Tensor reshaped(ArrayRef<int64_t> newShape) const;
  /// Returns the tensor with its dimensions permuted: dimension i of the
  /// result is dimension perm[i] of this one (ONNX Transpose).
  Tensor permuted(ArrayRef<int64_t> perm) const;

  /// Reads a tensor from an elements attribute (dense or resource blob).
  static FailureOr<Tensor> fromAttr(ElementsAttr attr);
  /// Reads a tensor from little-endian raw bytes in the element type's layout
  /// (booleans one byte each). Fails when the size does not match.
  static FailureOr<Tensor> fromBytes(Type elementType, ArrayRef<int64_t> shape,
                                     ArrayRef<char> bytes);
  /// The little-endian raw bytes of the tensor.
  std::vector<char> toBytes() const;
  /// An attribute holding the tensor: dense for small tensors, a resource
  /// blob named after `blobName` otherwise.
  ElementsAttr toAttr(StringRef blobName = "folded") const;

  /// The byte width of one element of `type` (booleans take one byte).
  static int64_t byteWidth(Type type);

private:
  Type elementType;
  SmallVector<int64_t, 4> shape;
  int64_t numel = 0;
  bool floatStorage = false;
  std::vector<double> fdata;
  std::vector<int64_t> idata;
};

/// Row-major strides of `shape`.
SmallVector<int64_t, 4> stridesOf(ArrayRef<int64_t> shape);

/// Rounds `v` to the precision of the float type `type`.
double roundToFloatType(double v, Type type);

} // namespace mlir::infer::reference

#endif // INFER_REFERENCE_TENSOR_H
