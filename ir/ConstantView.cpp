//===- ConstantView.cpp - Weights read and built in their own type --------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "ir/ConstantView.h"
#include "ir/SmallTypes.h"

#include "ir/InferOps.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/APFloat.h"

#include <atomic>
#include <cassert>
#include <cmath>
#include <algorithm>
#include <cstring>
#include <limits>
#ifdef __GLIBC__
#include <malloc.h>
#endif

using namespace mlir;
using namespace mlir::infer;

namespace {
/// Constants this small stay dense (readable in the IR).
constexpr int64_t kDenseElements = 16;

float halfToFloat(uint16_t h) {
  uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16;
  uint32_t exp = (h >> 10) & 0x1f, mant = h & 0x3ff, x;
  if (exp == 0) {
    if (mant == 0) {
      x = sign;
    } else {
      // Subnormal: normalize the mantissa.
      exp = 1;
      while (!(mant & 0x400)) {
        mant <<= 1;
        --exp;
      }
      x = sign | ((exp + 112) << 23) | ((mant & 0x3ff) << 13);
    }
  } else if (exp == 31) {
    x = sign | 0x7f800000 | (mant << 13);
  } else {
    x = sign | ((exp + 112) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &x, 4);
  return f;
}

/// Round to nearest, ties to even: exact for any float input.
uint16_t floatToHalf(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  uint32_t sign = (x >> 16) & 0x8000, exp = (x >> 23) & 0xff, mant = x & 0x7fffff;
  if (exp == 0xff)
    return static_cast<uint16_t>(sign | 0x7c00 | (mant ? 0x200 | (mant >> 13) : 0));
  int32_t e = static_cast<int32_t>(exp) - 127 + 15;
  if (e >= 31)
    return static_cast<uint16_t>(sign | 0x7c00);
  if (e <= 0) {
    if (e < -10)
      return static_cast<uint16_t>(sign);
    mant |= 0x800000;
    uint32_t shift = static_cast<uint32_t>(14 - e);
    uint32_t half = mant >> shift, rem = mant & ((1u << shift) - 1),
             mid = 1u << (shift - 1);
    if (rem > mid || (rem == mid && (half & 1)))
      ++half;
    return static_cast<uint16_t>(sign | half);
  }
  uint32_t half = sign | (static_cast<uint32_t>(e) << 10) | (mant >> 13);
  uint32_t rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem == 0x1000 && (half & 1)))
    ++half; // a carry into the exponent rounds up correctly, to inf at most
  return static_cast<uint16_t>(half);
}

uint16_t floatToBFloat(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  if (std::isnan(f))
    return static_cast<uint16_t>(((x >> 16) & 0x8000) | 0x7fc0);
  x += 0x7fff + ((x >> 16) & 1);
  return static_cast<uint16_t>(x >> 16);
}

/// `v` in a 16-bit float format; through APFloat when `v` is not a float
/// (rounding twice could differ).
uint16_t toHalfBits(double v, bool bfloat) {
  float f = static_cast<float>(v);
  if (static_cast<double>(f) == v || std::isnan(v))
    return bfloat ? floatToBFloat(f) : floatToHalf(f);
  llvm::APFloat a(v);
  bool lost;
  a.convert(bfloat ? llvm::APFloat::BFloat() : llvm::APFloat::IEEEhalf(),
            llvm::APFloat::rmNearestTiesToEven, &lost);
  return static_cast<uint16_t>(a.bitcastToAPInt().getZExtValue());
}

template <typename T> T load(const char *p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}
} // namespace

std::optional<ElementKind> mlir::infer::elementKindOf(Type type) {
  if (auto q = llvm::dyn_cast<quant::QuantizedType>(type))
    return q.isSigned() ? ElementKind::Signed : ElementKind::Unsigned;
  if (type.isF16())
    return ElementKind::F16;
  if (type.isBF16())
    return ElementKind::BF16;
  if (type.isF32())
    return ElementKind::F32;
  if (type.isF64())
    return ElementKind::F64;
  if (auto i = llvm::dyn_cast<IntegerType>(type)) {
    if (i.getWidth() == 1)
      return ElementKind::Bool;
    if (i.getWidth() == 8 || i.getWidth() == 16 || i.getWidth() == 32 ||
        i.getWidth() == 64)
      return i.isUnsigned() ? ElementKind::Unsigned : ElementKind::Signed;
  }
  return std::nullopt;
}

unsigned mlir::infer::elementBytes(ElementKind kind, Type type) {
  switch (kind) {
  case ElementKind::F16:
  case ElementKind::BF16: return 2;
  case ElementKind::F32: return 4;
  case ElementKind::F64: return 8;
  case ElementKind::Bool:
  case ElementKind::Small: return 1;
  case ElementKind::Signed:
  case ElementKind::Unsigned:
    // 4-bit storage takes a byte per element.
    if (auto q = llvm::dyn_cast<quant::QuantizedType>(type))
      return std::max(1u, q.getStorageTypeIntegralWidth() / 8);
    return std::max(1u, llvm::cast<IntegerType>(type).getWidth() / 8);
  }
  return 1;
}

std::optional<ConstantView> ConstantView::get(ElementsAttr attr) {
  auto type = llvm::dyn_cast<RankedTensorType>(attr.getType());
  if (!type || !type.hasStaticShape())
    return std::nullopt;
  std::optional<ElementKind> kind = elementKindOf(type.getElementType());
  // Small floats (an fp8 weight): read as their codes, decoded by getDouble.
  if (!kind && smallFloatOf(type.getElementType()))
    kind = ElementKind::Small;
  if (!kind)
    return std::nullopt;
  ConstantView v;
  v.type = type;
  v.kind = *kind;
  v.width = elementBytes(*kind, type.getElementType());
  v.numElements = type.getNumElements();
  if (auto resource = llvm::dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob ||
        blob->getData().size() != static_cast<size_t>(v.numElements) * v.width)
      return std::nullopt;
    v.data = blob->getData().data();
    return v;
  }
  auto dense = llvm::dyn_cast<DenseElementsAttr>(attr);
  if (!dense)
    return std::nullopt;
  if (*kind == ElementKind::Bool) {
    v.bools = dense;
    return v;
  }
  v.splat = dense.isSplat();
  v.data = dense.getRawData().data();
  return v;
}

double ConstantView::getDouble(int64_t i) const {
  if (bools)
    return *std::next(bools.value_begin<bool>(), i) ? 1.0 : 0.0;
  const char *p = element(i);
  switch (kind) {
  case ElementKind::F16: return halfToFloat(load<uint16_t>(p));
  case ElementKind::BF16: {
    uint32_t x = static_cast<uint32_t>(load<uint16_t>(p)) << 16;
    float f;
    std::memcpy(&f, &x, 4);
    return f;
  }
  case ElementKind::F32: return load<float>(p);
  case ElementKind::F64: return load<double>(p);
  case ElementKind::Small:
    return ::infer::decodeSmallFloat(*smallFloatOf(getElementType()), load<uint8_t>(p));
  default: return static_cast<double>(getInt(i));
  }
}

int64_t ConstantView::getInt(int64_t i) const {
  if (bools)
    return *std::next(bools.value_begin<bool>(), i) ? 1 : 0;
  const char *p = element(i);
  bool s = kind == ElementKind::Signed;
  switch (kind) {
  case ElementKind::Signed:
  case ElementKind::Unsigned:
    switch (width) {
    case 1: return s ? load<int8_t>(p) : load<uint8_t>(p);
    case 2: return s ? load<int16_t>(p) : load<uint16_t>(p);
    case 4: return s ? load<int32_t>(p) : load<uint32_t>(p);
    default: return load<int64_t>(p);
    }
  case ElementKind::Bool: return load<uint8_t>(p) != 0;
  default: return saturatingInt64(getDouble(i));
  }
}

ArrayRef<char> ConstantView::contiguousBytes() const {
  if (bools || splat || !data)
    return {};
  return ArrayRef<char>(data, static_cast<size_t>(numElements) * width);
}

ArrayRef<char> ConstantView::allBytes(std::vector<char> &storage) const {
  ArrayRef<char> whole = contiguousBytes();
  if (!whole.empty() || numElements == 0)
    return whole;
  storage.clear();
  appendBytes(storage);
  return storage;
}

void ConstantView::appendBytes(std::vector<char> &out) const {
  ArrayRef<char> whole = contiguousBytes();
  if (!whole.empty() || numElements == 0) {
    out.insert(out.end(), whole.begin(), whole.end());
    return;
  }
  size_t start = out.size();
  out.resize(start + static_cast<size_t>(numElements) * width);
  for (int64_t i = 0; i < numElements; ++i) {
    char *dst = out.data() + start + i * width;
    if (bools)
      *dst = *std::next(bools.value_begin<bool>(), i) ? 1 : 0;
    else
      std::memcpy(dst, element(i), width);
  }
}

/// The kind a ConstantBuilder writes `type`'s elements as (small floats:
/// their codes).
static ElementKind builderKind(Type type) {
  if (std::optional<ElementKind> k = elementKindOf(type))
    return *k;
  assert(smallFloatOf(type) && "a constant of an element type infer does not store");
  return ElementKind::Small;
}

ConstantBuilder::ConstantBuilder(RankedTensorType type)
    : type(type), kind(builderKind(type.getElementType())),
      width(elementBytes(kind, type.getElementType())),
      numElements(type.getNumElements()),
      blob(HeapAsmResourceBlob::allocate(
          static_cast<size_t>(numElements) * width,
          std::max<unsigned>(width, 8), /*dataIsMutable=*/true)) {
  std::memset(blob.getMutableData().data(), 0, blob.getData().size());
}

int64_t mlir::infer::saturatingInt64(double v) {
  return std::isnan(v)                 ? 0
         : v >= 9.2233720368547758e18  ? std::numeric_limits<int64_t>::max()
         : v <= -9.2233720368547758e18 ? std::numeric_limits<int64_t>::min()
                                       : static_cast<int64_t>(v);
}

std::pair<int64_t, int64_t> mlir::infer::integerRange(IntegerType t) {
  unsigned w = t.getWidth();
  if (t.isUnsigned())
    return {0, w >= 63 ? std::numeric_limits<int64_t>::max()
                       : static_cast<int64_t>((uint64_t(1) << w) - 1)};
  if (w >= 64)
    return {std::numeric_limits<int64_t>::min(),
            std::numeric_limits<int64_t>::max()};
  int64_t hi = static_cast<int64_t>((uint64_t(1) << (w - 1)) - 1);
  return {-hi - 1, hi};
}

void ConstantBuilder::setDouble(int64_t i, double v) {
  char *p = blob.getMutableData().data() + i * width;
  switch (kind) {
  case ElementKind::F16:
  case ElementKind::BF16: {
    uint16_t bits = toHalfBits(v, kind == ElementKind::BF16);
    std::memcpy(p, &bits, 2);
    return;
  }
  case ElementKind::F32: {
    float f = static_cast<float>(v);
    std::memcpy(p, &f, 4);
    return;
  }
  case ElementKind::F64:
    std::memcpy(p, &v, 8);
    return;
  case ElementKind::Small:
    // Rounded to nearest even; out of range is NaN (E4M3FN) or infinity,
    // as a cast without saturation gives.
    *p = static_cast<char>(::infer::encodeSmallFloat(*smallFloatOf(type.getElementType()),
                                                      static_cast<float>(v),
                                                      /*saturate=*/false));
    return;
  default:
    setInt(i, saturatingInt64(v));
  }
}

void ConstantBuilder::setInt(int64_t i, int64_t v) {
  if (kind == ElementKind::F16 || kind == ElementKind::BF16 ||
      kind == ElementKind::F32 || kind == ElementKind::F64 || kind == ElementKind::Small) {
    setDouble(i, static_cast<double>(v));
    return;
  }
  char *p = blob.getMutableData().data() + i * width;
  if (kind == ElementKind::Bool)
    v = v != 0;
  std::memcpy(p, &v, width); // little-endian: the low bytes, wrapped
}

ElementsAttr ConstantBuilder::finish(StringRef blobName) {
  if (numElements <= kDenseElements && kind != ElementKind::Bool &&
      !llvm::isa<quant::QuantizedType>(type.getElementType()))
    return DenseElementsAttr::getFromRawBuffer(type, blob.getData());
  if (kind == ElementKind::Bool && numElements <= kDenseElements) {
    SmallVector<bool> values;
    for (char c : blob.getData())
      values.push_back(c != 0);
    return DenseElementsAttr::get(type, values);
  }
  ElementsAttr attr =
      DenseResourceElementsAttr::get(type, blobName, std::move(blob));
  trackWeight(attr);
  return attr;
}

ElementsAttr mlir::infer::adoptWeights(RankedTensorType type,
                                       StringRef blobName, ArrayRef<char> bytes,
                                       std::shared_ptr<void> owner) {
  std::optional<ElementKind> kind = elementKindOf(type.getElementType());
  size_t align = std::max<size_t>(
      kind ? elementBytes(*kind, type.getElementType()) : 1, 1);
  AsmResourceBlob blob(bytes, align,
                       [owner = std::move(owner)](void *, size_t, size_t) mutable {
                         owner.reset();
                       },
                       /*dataIsMutable=*/false);
  ElementsAttr attr =
      DenseResourceElementsAttr::get(type, blobName, std::move(blob));
  trackWeight(attr);
  return attr;
}

namespace {
InferDialect *inferDialect(MLIRContext *ctx) {
  return ctx->getOrLoadDialect<InferDialect>();
}

/// Bytes of weights freed since the allocator last gave memory back.
std::atomic<uint64_t> freedSinceTrim{0};

/// Gives freed memory back to the system once enough has been freed: glibc
/// keeps freed heap memory mapped otherwise, so the resident size would not
/// shrink when a weight goes.
void trimAfterFree(uint64_t bytes) {
#ifdef __GLIBC__
  constexpr uint64_t kTrimEvery = 8 << 20;
  if (freedSinceTrim.fetch_add(bytes) + bytes >= kTrimEvery) {
    freedSinceTrim = 0;
    malloc_trim(0);
  }
#else
  (void)bytes;
#endif
}

uint64_t release(DenseResourceElementsAttr attr) {
  auto *entry = attr.getRawHandle().getResource();
  AsmResourceBlob *blob = entry ? entry->getBlob() : nullptr;
  if (!blob)
    return 0;
  uint64_t bytes = blob->getData().size();
  entry->setBlob(AsmResourceBlob());
  trimAfterFree(bytes);
  return bytes;
}
} // namespace

void mlir::infer::trackWeight(ElementsAttr attr) {
  auto resource = llvm::dyn_cast<DenseResourceElementsAttr>(attr);
  if (!resource)
    return;
  InferDialect *d = inferDialect(attr.getContext());
  std::lock_guard<std::mutex> lock(d->weightsMutex);
  d->weights.push_back(resource);
}

void mlir::infer::releaseWeight(ElementsAttr attr) {
  auto resource = llvm::dyn_cast<DenseResourceElementsAttr>(attr);
  if (!resource)
    return;
  InferDialect *d = inferDialect(attr.getContext());
  std::lock_guard<std::mutex> lock(d->weightsMutex);
  auto it = llvm::find(d->weights, resource);
  if (it == d->weights.end())
    return;
  release(resource);
  d->weights.erase(it);
}

uint64_t mlir::infer::releaseDeadWeights(Operation *root) {
  llvm::DenseSet<Attribute> live;
  root->walk([&](Operation *op) {
    for (NamedAttribute a : op->getAttrs())
      if (llvm::isa<DenseResourceElementsAttr>(a.getValue()))
        live.insert(a.getValue());
    if (auto c = llvm::dyn_cast<ConstantOp>(op))
      live.insert(c.getValue());
  });
  InferDialect *d = inferDialect(root->getContext());
  std::lock_guard<std::mutex> lock(d->weightsMutex);
  uint64_t freed = 0;
  std::vector<DenseResourceElementsAttr> kept;
  for (DenseResourceElementsAttr w : d->weights) {
    if (live.contains(w))
      kept.push_back(w);
    else
      freed += release(w);
  }
  d->weights = std::move(kept);
  return freed;
}

uint64_t mlir::infer::releaseAllWeights(MLIRContext *context) {
  InferDialect *d = inferDialect(context);
  std::lock_guard<std::mutex> lock(d->weightsMutex);
  uint64_t freed = 0;
  for (DenseResourceElementsAttr w : d->weights)
    freed += release(w);
  d->weights.clear();
  return freed;
}
