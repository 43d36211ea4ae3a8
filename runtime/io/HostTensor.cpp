//===- HostTensor.cpp - Tensors in host memory for tools ------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "runtime/io/HostTensor.h"
#include "runtime/io/SmallFloat.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <cstdio>
#include <fstream>
#include <limits>
#include <sstream>

namespace infer {

size_t byteWidth(DType d) {
  switch (d) {
  case DType::F64: case DType::I64: case DType::U64: return 8;
  case DType::F32: case DType::I32: case DType::U32: return 4;
  case DType::F16: case DType::BF16: case DType::I16: case DType::U16: return 2;
  default: return 1;
  }
}

const char *dtypeName(DType d) {
  switch (d) {
  case DType::F32: return "f32";
  case DType::F16: return "f16";
  case DType::BF16: return "bf16";
  case DType::F64: return "f64";
  case DType::I8: return "i8";
  case DType::I16: return "i16";
  case DType::I32: return "i32";
  case DType::I64: return "i64";
  case DType::U8: return "u8";
  case DType::U16: return "u16";
  case DType::U32: return "u32";
  case DType::U64: return "u64";
  case DType::Bool: return "bool";
  case DType::F8E4M3FN: return "f8e4m3fn";
  case DType::F8E4M3FNUZ: return "f8e4m3fnuz";
  case DType::F8E5M2: return "f8e5m2";
  case DType::F8E5M2FNUZ: return "f8e5m2fnuz";
  case DType::F4E2M1: return "f4e2m1";
  case DType::I4: return "i4";
  case DType::U4: return "u4";
  }
  return "?";
}

std::optional<DType> dtypeFromName(const std::string &name) {
  for (int i = 0; i <= static_cast<int>(DType::U4); ++i)
    if (name == dtypeName(static_cast<DType>(i)))
      return static_cast<DType>(i);
  return std::nullopt;
}

std::optional<SmallFloat> smallFloatOf(DType d) {
  switch (d) {
  case DType::F8E4M3FN: return SmallFloat::E4M3FN;
  case DType::F8E4M3FNUZ: return SmallFloat::E4M3FNUZ;
  case DType::F8E5M2: return SmallFloat::E5M2;
  case DType::F8E5M2FNUZ: return SmallFloat::E5M2FNUZ;
  case DType::F4E2M1: return SmallFloat::E2M1;
  default: return std::nullopt;
  }
}

bool isFloat(DType d) {
  return d == DType::F32 || d == DType::F16 || d == DType::BF16 ||
         d == DType::F64 || smallFloatOf(d).has_value();
}

HostTensor::HostTensor(DType dtype, std::vector<int64_t> shape)
    : dtype(dtype), shape(std::move(shape)) {
  data.assign(numElements() * byteWidth(dtype), 0);
}

int64_t HostTensor::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

namespace {
float halfToFloat(uint16_t h) {
  _Float16 v;
  std::memcpy(&v, &h, 2);
  return static_cast<float>(v);
}
uint16_t floatToHalf(float f) {
  _Float16 v = static_cast<_Float16>(f);
  uint16_t h;
  std::memcpy(&h, &v, 2);
  return h;
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
  return static_cast<uint16_t>((bits + 0x7fff + ((bits >> 16) & 1)) >> 16);
}
template <typename T> T load(const uint8_t *p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}
template <typename T> void store(uint8_t *p, T v) { std::memcpy(p, &v, sizeof(T)); }
} // namespace

double HostTensor::get(int64_t i) const {
  const uint8_t *p = data.data() + i * byteWidth(dtype);
  switch (dtype) {
  case DType::F32: return load<float>(p);
  case DType::F16: return halfToFloat(load<uint16_t>(p));
  case DType::BF16: return bf16ToFloat(load<uint16_t>(p));
  case DType::F64: return load<double>(p);
  case DType::I8: return load<int8_t>(p);
  case DType::I16: return load<int16_t>(p);
  case DType::I32: return load<int32_t>(p);
  case DType::I64: return static_cast<double>(load<int64_t>(p));
  case DType::U8: return load<uint8_t>(p);
  case DType::U16: return load<uint16_t>(p);
  case DType::U32: return load<uint32_t>(p);
  case DType::U64: return static_cast<double>(load<uint64_t>(p));
  case DType::Bool: return load<uint8_t>(p) != 0;
  case DType::I4: return static_cast<int8_t>(uint8_t(*p << 4)) >> 4;
  case DType::U4: return *p & 0xF;
  default: return decodeSmallFloat(*smallFloatOf(dtype), *p);
  }
}

namespace {
/// `v` clamped into [lo, hi] and converted (NaN is 0): never an
/// out-of-range conversion.
template <typename T> T saturate(double v) {
  if (std::isnan(v))
    return 0;
  constexpr double lo = static_cast<double>(std::numeric_limits<T>::min());
  constexpr double hi = static_cast<double>(std::numeric_limits<T>::max());
  if (v <= lo)
    return std::numeric_limits<T>::min();
  if (v >= hi)
    return std::numeric_limits<T>::max();
  return static_cast<T>(v);
}
} // namespace

void HostTensor::set(int64_t i, double v) {
  uint8_t *p = data.data() + i * byteWidth(dtype);
  switch (dtype) {
  case DType::F32: store<float>(p, static_cast<float>(v)); break;
  case DType::F16: store<uint16_t>(p, floatToHalf(static_cast<float>(v))); break;
  case DType::BF16: store<uint16_t>(p, floatToBf16(static_cast<float>(v))); break;
  case DType::F64: store<double>(p, v); break;
  case DType::I8: store<int8_t>(p, saturate<int8_t>(v)); break;
  case DType::I16: store<int16_t>(p, saturate<int16_t>(v)); break;
  case DType::I32: store<int32_t>(p, saturate<int32_t>(v)); break;
  case DType::I64: store<int64_t>(p, saturate<int64_t>(v)); break;
  case DType::U8: store<uint8_t>(p, saturate<uint8_t>(v)); break;
  case DType::U16: store<uint16_t>(p, saturate<uint16_t>(v)); break;
  case DType::U32: store<uint32_t>(p, saturate<uint32_t>(v)); break;
  case DType::U64: store<uint64_t>(p, saturate<uint64_t>(v)); break;
  case DType::Bool: store<uint8_t>(p, v != 0); break;
  case DType::I4: store<int8_t>(p, std::clamp<int8_t>(saturate<int8_t>(v), -8, 7)); break;
  case DType::U4: store<uint8_t>(p, std::min<uint8_t>(saturate<uint8_t>(v), 15)); break;
  default:
    store<uint8_t>(p, encodeSmallFloat(*smallFloatOf(dtype), static_cast<float>(v),
                                       /*saturate=*/true));
    break;
  }
}

std::string HostTensor::text(int64_t i) const {
  const uint8_t *p = data.data() + i * byteWidth(dtype);
  switch (dtype) {
  case DType::I64: return std::to_string(load<int64_t>(p));
  case DType::U64: return std::to_string(load<uint64_t>(p));
  default: break;
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), isFloat(dtype) ? "%.6g" : "%.0f", get(i));
  return buf;
}

namespace {
/// numpy dtype strings (descr) of each DType.
const char *npyDescr(DType d) {
  switch (d) {
  case DType::F32: return "<f4";
  case DType::F16: return "<f2";
  case DType::BF16: return "<V2"; // numpy has no bfloat16
  case DType::F64: return "<f8";
  case DType::I8: return "|i1";
  case DType::I16: return "<i2";
  case DType::I32: return "<i4";
  case DType::I64: return "<i8";
  case DType::U8: return "|u1";
  case DType::U16: return "<u2";
  case DType::U32: return "<u4";
  case DType::U64: return "<u8";
  case DType::Bool: return "|b1";
  case DType::I4: return "|i1"; // numpy has no 4-bit or 8-bit float types:
  default: return "|u1";        // their bytes as integers
  }
}

/// The value of `key` in a numpy header dict, as written by numpy.
std::string headerField(const std::string &header, const std::string &key) {
  size_t k = header.find("'" + key + "'");
  if (k == std::string::npos)
    return "";
  size_t colon = header.find(':', k);
  if (colon == std::string::npos)
    return "";
  size_t start = header.find_first_not_of(' ', colon + 1);
  if (start == std::string::npos)
    return "";
  char open = header[start];
  if (open == '\'') {
    size_t end = header.find('\'', start + 1);
    return end == std::string::npos ? "" : header.substr(start + 1, end - start - 1);
  }
  if (open == '(') {
    size_t end = header.find(')', start);
    return end == std::string::npos ? "" : header.substr(start, end - start + 1);
  }
  size_t end = header.find_first_of(",}", start);
  return header.substr(start, end - start);
}
} // namespace

std::optional<HostTensor> readNpy(const std::string &path, std::string &error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open '" + path + "'";
    return std::nullopt;
  }
  char magic[8];
  if (!in.read(magic, 8) || std::memcmp(magic, "\x93NUMPY", 6) != 0) {
    error = "'" + path + "' is not a .npy file";
    return std::nullopt;
  }
  uint32_t headerLen = 0;
  if (magic[6] == 1) {
    uint16_t len16;
    in.read(reinterpret_cast<char *>(&len16), 2);
    headerLen = len16;
  } else {
    in.read(reinterpret_cast<char *>(&headerLen), 4);
  }
  if (!in || headerLen > (1u << 20)) {
    error = "'" + path + "' has a corrupt .npy header";
    return std::nullopt;
  }
  std::string header(headerLen, '\0');
  in.read(header.data(), headerLen);
  std::string descr = headerField(header, "descr");
  std::string fortran = headerField(header, "fortran_order");
  std::string shapeText = headerField(header, "shape");
  if (fortran.find("True") != std::string::npos) {
    error = "'" + path + "' is in Fortran order; save it C-contiguous";
    return std::nullopt;
  }
  std::optional<DType> dtype;
  for (int i = 0; i <= static_cast<int>(DType::Bool); ++i) {
    const char *d = npyDescr(static_cast<DType>(i));
    if (descr == d || (descr.size() == 3 && descr.substr(1) == std::string(d).substr(1) &&
                       (descr[0] == '|' || descr[0] == '<')))
      dtype = static_cast<DType>(i);
  }
  if (!dtype) {
    error = "'" + path + "' has unsupported dtype '" + descr + "'";
    return std::nullopt;
  }
  std::vector<int64_t> shape;
  std::stringstream ss(shapeText.size() >= 2
                           ? shapeText.substr(1, shapeText.size() - 2)
                           : "");
  std::string item;
  while (std::getline(ss, item, ',')) {
    size_t a = item.find_first_not_of(' ');
    if (a == std::string::npos)
      continue;
    char *end = nullptr;
    long long v = std::strtoll(item.c_str() + a, &end, 10);
    if (v < 0 || end == item.c_str() + a) {
      error = "'" + path + "' has a corrupt shape '" + shapeText + "'";
      return std::nullopt;
    }
    shape.push_back(v);
  }
  HostTensor t;
  t.dtype = *dtype;
  t.shape = shape;
  int64_t n = t.numElements();
  if (n < 0 || n > (int64_t(1) << 36)) {
    error = "'" + path + "' has an implausible shape";
    return std::nullopt;
  }
  t.data.resize(n * byteWidth(*dtype));
  if (!in.read(reinterpret_cast<char *>(t.data.data()), t.data.size())) {
    error = "'" + path + "' is truncated: expected " +
            std::to_string(t.data.size()) + " data bytes";
    return std::nullopt;
  }
  return t;
}

bool writeNpy(const std::string &path, const HostTensor &t,
              std::string &error) {
  std::string shape = "(";
  for (size_t i = 0; i < t.shape.size(); ++i)
    shape += std::to_string(t.shape[i]) + (t.shape.size() == 1 ? "," : (i + 1 < t.shape.size() ? ", " : ""));
  shape += ")";
  std::string header = "{'descr': '" + std::string(npyDescr(t.dtype)) +
                       "', 'fortran_order': False, 'shape': " + shape + ", }";
  // Pad so that the data starts at a multiple of 64 bytes.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::string tmp = path + ".tmp";
  std::ofstream out(tmp, std::ios::binary);
  if (!out) {
    error = "cannot write '" + path + "'";
    return false;
  }
  uint16_t len = static_cast<uint16_t>(header.size());
  out.write("\x93NUMPY\x01\x00", 8);
  out.write(reinterpret_cast<const char *>(&len), 2);
  out << header;
  out.write(reinterpret_cast<const char *>(t.data.data()), t.data.size());
  out.close();
  if (!out || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    error = "cannot write '" + path + "'";
    return false;
  }
  return true;
}

std::string formatDims(const std::vector<int64_t> &shape) {
  if (shape.empty())
    return "scalar";
  std::string s;
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "x" : "") + std::to_string(shape[i]);
  return s;
}

Comparison compareTensors(const HostTensor &got, const HostTensor &want,
                          double rtol, double atol) {
  Comparison c;
  if (got.shape != want.shape) {
    c.ok = false;
    c.message = "shape " + formatDims(got.shape) + " instead of " +
                formatDims(want.shape);
    return c;
  }
  // The worst element is the one furthest past its tolerance.
  double diff2 = 0, ref2 = 0, worst = -1;
  for (int64_t i = 0; i < want.numElements(); ++i) {
    double g = got.get(i), w = want.get(i);
    double abs = std::fabs(g - w), tol = atol + rtol * std::fabs(w);
    bool ok;
    if (std::isnan(w) || std::isnan(g))
      ok = std::isnan(w) && std::isnan(g);
    else if (std::isinf(w))
      ok = g == w;
    else
      ok = abs <= tol;
    if (std::isfinite(abs)) {
      diff2 += abs * abs;
      ref2 += w * w;
    }
    double ratio = !ok ? std::numeric_limits<double>::infinity()
                       : (tol > 0 ? abs / tol : 0);
    if (!ok)
      ++c.mismatches;
    if (ratio > worst) {
      worst = ratio;
      c.worstIndex = i;
      c.worstAbs = abs;
      c.worstRel = w != 0 ? abs / std::fabs(w) : abs;
      c.got = g;
      c.want = w;
    }
  }
  c.relL2 = ref2 > 0 ? std::sqrt(diff2 / ref2) : std::sqrt(diff2);
  c.ok = c.mismatches == 0;
  std::ostringstream os;
  os << c.mismatches << " of " << want.numElements()
     << " elements differ; worst at " << c.worstIndex << ": got " << c.got
     << ", expected " << c.want << " (abs " << c.worstAbs << ", rel "
     << c.worstRel << "); relative L2 " << c.relL2;
  c.message = os.str();
  return c;
}

} // namespace infer
