//===- Tensor.cpp - Host tensors of the reference interpreter -------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "reference/Tensor.h"

#include "ir/ConstantView.h"
#include "ir/SmallTypes.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/APFloat.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

using namespace mlir;
using namespace mlir::infer::reference;

namespace {
/// The integer type that holds the values of `type` (itself, or the storage
/// type of a quantized type).
IntegerType storageIntType(Type type) {
  if (auto q = llvm::dyn_cast<quant::QuantizedType>(type))
    return llvm::cast<IntegerType>(q.getStorageType());
  return llvm::dyn_cast<IntegerType>(type);
}

bool isUnsignedStorage(Type type) {
  if (auto q = llvm::dyn_cast<quant::QuantizedType>(type))
    return !q.isSigned();
  auto i = llvm::cast<IntegerType>(type);
  return i.isUnsigned() || i.getWidth() == 1;
}

int64_t wrap(int64_t v, Type type) {
  IntegerType it = storageIntType(type);
  unsigned w = it.getWidth();
  if (w == 1)
    return v != 0;
  if (w >= 64)
    return v;
  uint64_t mask = (uint64_t(1) << w) - 1;
  uint64_t u = static_cast<uint64_t>(v) & mask;
  if (isUnsignedStorage(type))
    return static_cast<int64_t>(u);
  uint64_t sign = uint64_t(1) << (w - 1);
  return static_cast<int64_t>((u ^ sign) - sign);
}

float bf16ToFloat(uint16_t b) {
  uint32_t bits = uint32_t(b) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

uint16_t floatToBf16(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  if (std::isnan(f))
    return 0x7fc0;
  uint32_t rounding = 0x7fff + ((bits >> 16) & 1);
  return static_cast<uint16_t>((bits + rounding) >> 16);
}
} // namespace

double mlir::infer::reference::roundToFloatType(double v, Type type) {
  if (type.isF64())
    return v;
  if (type.isF32())
    return static_cast<double>(static_cast<float>(v));
  if (type.isF16())
    return static_cast<double>(static_cast<_Float16>(static_cast<float>(v)));
  if (type.isBF16())
    return bf16ToFloat(floatToBf16(static_cast<float>(v)));
  if (std::optional<::infer::SmallFloat> f = smallFloatOf(type))
    return ::infer::decodeSmallFloat(
        *f, ::infer::encodeSmallFloat(*f, static_cast<float>(v), /*saturate=*/false));
  return v;
}

int64_t Tensor::byteWidth(Type type) {
  // Booleans, float8 / float4 and 4-bit integers take a byte each.
  if (auto f = llvm::dyn_cast<FloatType>(type))
    return std::max(1u, f.getWidth() / 8);
  IntegerType it = storageIntType(type);
  return std::max(1u, it.getWidth() / 8);
}

SmallVector<int64_t, 4>
mlir::infer::reference::stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t, 4> strides(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

Tensor::Tensor(Type elementType, ArrayRef<int64_t> shape)
    : elementType(elementType), shape(shape.begin(), shape.end()) {
  numel = 1;
  for (int64_t d : shape)
    numel *= d;
  floatStorage = llvm::isa<FloatType>(elementType);
  if (floatStorage)
    fdata.assign(numel, 0.0);
  else
    idata.assign(numel, 0);
}

RankedTensorType Tensor::getType() const {
  return RankedTensorType::get(shape, elementType);
}

void Tensor::setDouble(int64_t i, double v) {
  if (floatStorage) {
    fdata[i] = roundToFloatType(v, elementType);
    return;
  }
  // NaN is 0 and out-of-range values saturate to int64, then wrap to the
  // width: never a float-to-int conversion C++ leaves undefined.
  idata[i] = wrap(saturatingInt64(v), elementType);
}

void Tensor::setInt(int64_t i, int64_t v) {
  if (floatStorage) {
    fdata[i] = roundToFloatType(static_cast<double>(v), elementType);
    return;
  }
  idata[i] = wrap(v, elementType);
}

void Tensor::normalize() {
  if (floatStorage) {
    if (elementType.isF64())
      return;
    for (double &v : fdata)
      v = roundToFloatType(v, elementType);
    return;
  }
  for (int64_t &v : idata)
    v = wrap(v, elementType);
}

Tensor Tensor::reshaped(ArrayRef<int64_t> newShape) const {
  Tensor t = *this;
  t.shape.assign(newShape.begin(), newShape.end());
  return t;
}

Tensor Tensor::permuted(ArrayRef<int64_t> perm) const {
  SmallVector<int64_t, 4> out;
  for (int64_t p : perm)
    out.push_back(shape[p]);
  SmallVector<int64_t, 4> inStrides = stridesOf(shape);
  Tensor t(elementType, out);
  SmallVector<int64_t, 6> idx(out.size(), 0);
  for (int64_t i = 0; i < t.numel; ++i) {
    int64_t src = 0;
    for (size_t d = 0; d < idx.size(); ++d)
      src += idx[d] * inStrides[perm[d]];
    if (floatStorage)
      t.fdata[i] = fdata[src];
    else
      t.idata[i] = idata[src];
    for (int64_t d = static_cast<int64_t>(out.size()) - 1; d >= 0; --d) {
      if (++idx[d] < out[d])
        break;
      idx[d] = 0;
    }
  }
  return t;
}

FailureOr<Tensor> Tensor::fromBytes(Type elementType, ArrayRef<int64_t> shape,
                                    ArrayRef<char> bytes) {
  Tensor t(elementType, shape);
  int64_t width = byteWidth(elementType);
  if (static_cast<int64_t>(bytes.size()) != t.numel * width)
    return failure();
  const char *p = bytes.data();
  for (int64_t i = 0; i < t.numel; ++i, p += width) {
    if (t.floatStorage) {
      double v;
      if (elementType.isF64()) {
        std::memcpy(&v, p, 8);
      } else if (elementType.isF32()) {
        float f;
        std::memcpy(&f, p, 4);
        v = f;
      } else if (elementType.isF16()) {
        _Float16 h;
        std::memcpy(&h, p, 2);
        v = static_cast<float>(h);
      } else if (std::optional<::infer::SmallFloat> f = smallFloatOf(elementType)) {
        v = ::infer::decodeSmallFloat(*f, static_cast<uint8_t>(*p));
      } else {
        uint16_t b;
        std::memcpy(&b, p, 2);
        v = bf16ToFloat(b);
      }
      t.fdata[i] = v;
      continue;
    }
    uint64_t raw = 0;
    std::memcpy(&raw, p, width);
    t.idata[i] = wrap(static_cast<int64_t>(raw), elementType);
  }
  return t;
}

std::vector<char> Tensor::toBytes() const {
  int64_t width = byteWidth(elementType);
  std::vector<char> out(numel * width);
  char *p = out.data();
  for (int64_t i = 0; i < numel; ++i, p += width) {
    if (floatStorage) {
      double v = fdata[i];
      if (elementType.isF64()) {
        std::memcpy(p, &v, 8);
      } else if (elementType.isF32()) {
        float f = static_cast<float>(v);
        std::memcpy(p, &f, 4);
      } else if (elementType.isF16()) {
        _Float16 h = static_cast<_Float16>(static_cast<float>(v));
        std::memcpy(p, &h, 2);
      } else if (std::optional<::infer::SmallFloat> f = smallFloatOf(elementType)) {
        *p = static_cast<char>(
            ::infer::encodeSmallFloat(*f, static_cast<float>(v), /*saturate=*/false));
      } else {
        uint16_t b = floatToBf16(static_cast<float>(v));
        std::memcpy(p, &b, 2);
      }
      continue;
    }
    uint64_t raw = static_cast<uint64_t>(idata[i]);
    std::memcpy(p, &raw, width);
  }
  return out;
}

FailureOr<Tensor> Tensor::fromAttr(ElementsAttr attr) {
  auto type = llvm::cast<ShapedType>(attr.getType());
  if (!type.hasStaticShape())
    return failure();
  Type et = type.getElementType();
  if (auto resource = llvm::dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return failure();
    return fromBytes(et, type.getShape(), blob->getData());
  }
  auto dense = llvm::dyn_cast<DenseElementsAttr>(attr);
  if (!dense)
    return failure();
  Tensor t(et, type.getShape());
  int64_t i = 0;
  if (t.floatStorage) {
    for (APFloat v : dense.getValues<APFloat>()) {
      bool lost;
      v.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
      t.fdata[i++] = v.convertToDouble();
    }
    return t;
  }
  bool isUnsigned = isUnsignedStorage(et);
  for (APInt v : dense.getValues<APInt>())
    t.idata[i++] = isUnsigned ? static_cast<int64_t>(v.getZExtValue())
                              : v.getSExtValue();
  return t;
}

ElementsAttr Tensor::toAttr(StringRef blobName) const {
  RankedTensorType type = getType();
  // Small tensors (shape vectors, scalars) stay readable in the IR.
  if (numel <= 16 && !llvm::isa<quant::QuantizedType>(elementType)) {
    if (floatStorage) {
      SmallVector<APFloat> values;
      auto ft = llvm::cast<FloatType>(elementType);
      for (double v : fdata) {
        APFloat f(v);
        bool lost;
        f.convert(ft.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
        values.push_back(f);
      }
      return DenseElementsAttr::get(type, values);
    }
    unsigned w = storageIntType(elementType).getWidth();
    SmallVector<APInt> values;
    for (int64_t v : idata)
      values.push_back(APInt(w, static_cast<uint64_t>(v), /*isSigned=*/true,
                             /*implicitTrunc=*/true));
    return DenseElementsAttr::get(type, values);
  }
  std::vector<char> bytes = toBytes();
  int64_t align = std::max<int64_t>(byteWidth(elementType), 8);
  // An empty tensor has no bytes to copy (and memcpy from null is UB).
  AsmResourceBlob blob =
      bytes.empty() ? HeapAsmResourceBlob::allocate(0, align)
                    : HeapAsmResourceBlob::allocateAndCopyWithAlign(bytes, align);
  ElementsAttr attr = DenseResourceElementsAttr::get(type, blobName, std::move(blob));
  trackWeight(attr);
  return attr;
}
