//===- ConstantView.h - Weights read and built in their own type -*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Weights are DenseResourceElementsAttr blobs of their element type. Passes
// and backends read them through a ConstantView (element i converted on
// the fly, or the bytes themselves) and write new ones with a
// ConstantBuilder straight into the blob that becomes the attribute: a
// 100 MB model stays 100 MB, never widened to double or copied per pass.
// The reference interpreter's double tensors are for small constants.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_IR_CONSTANTVIEW_H
#define INFER_IR_CONSTANTVIEW_H

#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <memory>
#include <optional>
#include <vector>

namespace mlir::infer {

/// How an element is stored: its byte width and interpretation.
/// Small: a float8 or float4 code per byte. ConstantView and
/// ConstantBuilder read and write them (decoded and encoded values);
/// elementKindOf does not return it, so the folds that ask it first leave
/// them alone.
enum class ElementKind { F16, BF16, F32, F64, Signed, Unsigned, Bool, Small };

/// The storage kind of `type` (quantized types: their storage integer), or
/// none for element types infer does not store.
std::optional<ElementKind> elementKindOf(Type type);

/// `v` as an int64: NaN is 0, values past the int64 range saturate (never a
/// float-to-integer conversion C++ leaves undefined).
int64_t saturatingInt64(double v);

/// The smallest and largest value of integer type `t` as int64 (64-bit
/// unsigned types stop at the int64 maximum, as infer stores them).
std::pair<int64_t, int64_t> integerRange(IntegerType t);

/// Bytes of one element of `kind` (booleans take one byte).
unsigned elementBytes(ElementKind kind, Type type);

/// A read-only view of a constant's elements in their own element type.
class ConstantView {
public:
  /// The view of `attr` (a dense resource blob or dense elements), or none
  /// for an attribute without data (an unloaded resource) or an element
  /// type infer does not store.
  static std::optional<ConstantView> get(ElementsAttr attr);

  RankedTensorType getType() const { return type; }
  Type getElementType() const { return type.getElementType(); }
  ArrayRef<int64_t> getShape() const { return type.getShape(); }
  int64_t size() const { return numElements; }

  /// Element `i` as a double (integers converted).
  double getDouble(int64_t i) const;
  /// Element `i` as an integer (unsigned ones zero-extended, floats
  /// truncated toward zero).
  int64_t getInt(int64_t i) const;

  /// All elements' bytes in storage layout, without a copy, when the
  /// constant stores them that way (not a splat, not booleans); else empty.
  ArrayRef<char> contiguousBytes() const;
  /// Appends all elements' bytes in storage layout (splats expanded,
  /// booleans one byte each).
  void appendBytes(std::vector<char> &out) const;
  /// All elements' bytes in storage layout: the constant's own when it
  /// stores them that way, else a copy made in `storage`.
  ArrayRef<char> allBytes(std::vector<char> &storage) const;

private:
  ConstantView() = default;
  /// The bytes of element `i`.
  const char *element(int64_t i) const {
    return data + (splat ? 0 : i * width);
  }

  RankedTensorType type;
  ElementKind kind = ElementKind::F32;
  unsigned width = 4;
  int64_t numElements = 0;
  const char *data = nullptr;
  bool splat = false;
  /// Dense booleans are bit-packed: read through the attribute.
  DenseElementsAttr bools;
};

/// Builds a constant of `type` element by element, in its own element type,
/// directly in the memory of the resource blob it becomes.
class ConstantBuilder {
public:
  explicit ConstantBuilder(RankedTensorType type);

  int64_t size() const { return numElements; }
  /// Stores `v` rounded to the element type (integers: wrapped).
  void setDouble(int64_t i, double v);
  void setInt(int64_t i, int64_t v);
  /// The storage bytes being built.
  MutableArrayRef<char> bytes() { return blob.getMutableData(); }

  /// The attribute: a resource blob named after `blobName` (small
  /// constants: dense, readable in the IR). The builder is spent.
  ElementsAttr finish(StringRef blobName);

private:
  RankedTensorType type;
  ElementKind kind;
  unsigned width;
  int64_t numElements;
  AsmResourceBlob blob;
};

/// A resource-blob constant named after `blobName` holding `bytes` (taken,
/// not copied: `owner` keeps them alive and is released with the blob).
/// The bytes must be aligned for the element type.
ElementsAttr adoptWeights(RankedTensorType type, StringRef blobName,
                          ArrayRef<char> bytes, std::shared_ptr<void> owner);

/// Records a weight infer made, so that releaseDeadWeights can free it.
void trackWeight(ElementsAttr attr);

/// Frees the memory of `attr` now, when it is a tracked weight: its last
/// user has read it (the caller knows no op will read it again).
void releaseWeight(ElementsAttr attr);

/// Frees the memory of every tracked weight no op under `root` uses (a
/// folded or converted weight's old values): attributes are immortal, so
/// without this a model's weights would be held once per rewrite. Returns
/// the bytes released.
uint64_t releaseDeadWeights(Operation *root);

/// Frees the memory of every tracked weight of `context`: the IR's
/// constants can no longer be read (the compiler calls this once the
/// weights are packed into the artifact). Returns the bytes released.
uint64_t releaseAllWeights(MLIRContext *context);

} // namespace mlir::infer

#endif // INFER_IR_CONSTANTVIEW_H
