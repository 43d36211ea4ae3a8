//===- OnnxTensor.cpp - ONNX element types and TensorProto data -----------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "frontend/OnnxTensor.h"

#include "ir/ConstantView.h"
#include "ir/ShapeInference.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <onnx/onnx-data_pb.h>
#include <onnx/onnx_pb.h>

#include <cstring>

using namespace mlir;
using namespace mlir::infer;
using namespace mlir::infer::frontend;
using reference::Tensor;

FailureOr<Type> mlir::infer::frontend::elementTypeFromOnnx(MLIRContext *ctx,
                                                           int32_t t,
                                                           std::string &error) {
  Builder b(ctx);
  auto unsignedInt = [&](unsigned w) {
    return IntegerType::get(ctx, w, IntegerType::Unsigned);
  };
  switch (t) {
  case onnx::TensorProto::FLOAT: return Type(b.getF32Type());
  case onnx::TensorProto::DOUBLE: return Type(b.getF64Type());
  case onnx::TensorProto::FLOAT16: return Type(b.getF16Type());
  case onnx::TensorProto::BFLOAT16: return Type(b.getBF16Type());
  case onnx::TensorProto::BOOL: return Type(b.getI1Type());
  case onnx::TensorProto::INT8: return Type(b.getIntegerType(8));
  case onnx::TensorProto::INT16: return Type(b.getIntegerType(16));
  case onnx::TensorProto::INT32: return Type(b.getI32Type());
  case onnx::TensorProto::INT64: return Type(b.getI64Type());
  case onnx::TensorProto::UINT8: return Type(unsignedInt(8));
  case onnx::TensorProto::UINT16: return Type(unsignedInt(16));
  case onnx::TensorProto::UINT32: return Type(unsignedInt(32));
  case onnx::TensorProto::UINT64: return Type(unsignedInt(64));
  case kOnnxFloat8E4M3FN: return Type(Float8E4M3FNType::get(ctx));
  case kOnnxFloat8E4M3FNUZ: return Type(Float8E4M3FNUZType::get(ctx));
  case kOnnxFloat8E5M2: return Type(Float8E5M2Type::get(ctx));
  case kOnnxFloat8E5M2FNUZ: return Type(Float8E5M2FNUZType::get(ctx));
  case kOnnxUint4: return Type(unsignedInt(4));
  case kOnnxInt4: return Type(b.getIntegerType(4));
  case kOnnxFloat4E2M1: return Type(Float4E2M1FNType::get(ctx));
  default: break;
  }
  error = "element type " + onnxTypeName(t) + " is not supported";
  return failure();
}

int32_t mlir::infer::frontend::onnxTypeOf(Type type) {
  if (auto q = llvm::dyn_cast<quant::QuantizedType>(type)) {
    unsigned w = q.getStorageTypeIntegralWidth();
    if (w == 8)
      return q.isSigned() ? onnx::TensorProto::INT8 : onnx::TensorProto::UINT8;
    if (w == 16)
      return q.isSigned() ? onnx::TensorProto::INT16 : onnx::TensorProto::UINT16;
    if (w == 32)
      return q.isSigned() ? onnx::TensorProto::INT32 : onnx::TensorProto::UINT32;
    return 0;
  }
  if (type.isF32()) return onnx::TensorProto::FLOAT;
  if (type.isF64()) return onnx::TensorProto::DOUBLE;
  if (llvm::isa<Float8E4M3FNType>(type)) return kOnnxFloat8E4M3FN;
  if (llvm::isa<Float8E4M3FNUZType>(type)) return kOnnxFloat8E4M3FNUZ;
  if (llvm::isa<Float8E5M2Type>(type)) return kOnnxFloat8E5M2;
  if (llvm::isa<Float8E5M2FNUZType>(type)) return kOnnxFloat8E5M2FNUZ;
  if (llvm::isa<Float4E2M1FNType>(type)) return kOnnxFloat4E2M1;
  if (type.isF16()) return onnx::TensorProto::FLOAT16;
  if (type.isBF16()) return onnx::TensorProto::BFLOAT16;
  if (auto i = llvm::dyn_cast<IntegerType>(type)) {
    bool u = i.isUnsigned();
    switch (i.getWidth()) {
    case 1: return onnx::TensorProto::BOOL;
    case 4: return u ? kOnnxUint4 : kOnnxInt4;
    case 8: return u ? onnx::TensorProto::UINT8 : onnx::TensorProto::INT8;
    case 16: return u ? onnx::TensorProto::UINT16 : onnx::TensorProto::INT16;
    case 32: return u ? onnx::TensorProto::UINT32 : onnx::TensorProto::INT32;
    case 64: return u ? onnx::TensorProto::UINT64 : onnx::TensorProto::INT64;
    default: return 0;
    }
  }
  return 0;
}

std::string mlir::infer::frontend::onnxTypeName(int32_t t) {
  // Debian's libonnx (1.12) predates these.
  switch (t) {
  case kOnnxFloat8E4M3FN: return "FLOAT8E4M3FN";
  case kOnnxFloat8E4M3FNUZ: return "FLOAT8E4M3FNUZ";
  case kOnnxFloat8E5M2: return "FLOAT8E5M2";
  case kOnnxFloat8E5M2FNUZ: return "FLOAT8E5M2FNUZ";
  case kOnnxUint4: return "UINT4";
  case kOnnxInt4: return "INT4";
  case kOnnxFloat4E2M1: return "FLOAT4E2M1";
  case 24: return "FLOAT8E8M0";
  default: break;
  }
  if (onnx::TensorProto::DataType_IsValid(t))
    return onnx::TensorProto::DataType_Name(
        static_cast<onnx::TensorProto::DataType>(t));
  return "type " + std::to_string(t);
}

namespace {
/// Reads the `needed` bytes of an external-data tensor. The file must be a
/// regular file inside the model's folder once symbolic links are resolved
/// (a model must not make the compiler read /etc/passwd, /dev/zero or a
/// FIFO), and only the tensor's bytes are read.
FailureOr<std::vector<char>> readExternal(const onnx::TensorProto &proto,
                                          StringRef baseDir, uint64_t needed,
                                          std::string &error) {
  std::string location;
  uint64_t offset = 0, length = 0;
  bool hasLength = false;
  auto number = [&](const std::string &key, const std::string &text,
                    uint64_t &value) {
    if (StringRef(text).getAsInteger(10, value)) {
      error = "tensor '" + proto.name() + "' has an external data " + key +
              " that is not a number ('" + text + "')";
      return false;
    }
    return true;
  };
  for (const auto &kv : proto.external_data()) {
    if (kv.key() == "location")
      location = kv.value();
    else if (kv.key() == "offset" && !number("offset", kv.value(), offset))
      return failure();
    else if (kv.key() == "length") {
      if (!number("length", kv.value(), length))
        return failure();
      hasLength = true;
    }
  }
  if (location.empty() || llvm::sys::path::is_absolute(location) ||
      StringRef(location).contains("..")) {
    error = "tensor '" + proto.name() + "' has an invalid external data "
            "location '" + location + "'";
    return failure();
  }
  SmallString<256> path(baseDir.empty() ? StringRef(".") : baseDir);
  llvm::sys::path::append(path, location);
  SmallString<256> realBase, realPath;
  if (std::error_code ec = llvm::sys::fs::real_path(
          baseDir.empty() ? StringRef(".") : baseDir, realBase)) {
    error = "cannot resolve the model's folder: " + ec.message();
    return failure();
  }
  if (std::error_code ec = llvm::sys::fs::real_path(path, realPath)) {
    error = "cannot read external data '" + std::string(path) + "' of tensor '" +
            proto.name() + "': " + ec.message();
    return failure();
  }
  if (!StringRef(realPath).starts_with(std::string(realBase) + "/")) {
    error = "external data '" + location + "' of tensor '" + proto.name() +
            "' resolves to '" + std::string(realPath) +
            "', outside the model's folder '" + std::string(realBase) + "'";
    return failure();
  }
  llvm::sys::fs::file_status status;
  if (std::error_code ec = llvm::sys::fs::status(realPath, status)) {
    error = "cannot read external data '" + std::string(path) + "' of tensor '" +
            proto.name() + "': " + ec.message();
    return failure();
  }
  if (status.type() != llvm::sys::fs::file_type::regular_file) {
    error = "external data '" + std::string(path) + "' of tensor '" +
            proto.name() + "' is not a regular file";
    return failure();
  }
  uint64_t size = status.getSize();
  if (hasLength && length != needed) {
    error = "external data of tensor '" + proto.name() + "' has length " +
            std::to_string(length) + ", but its shape needs " +
            std::to_string(needed) + " bytes";
    return failure();
  }
  if (offset > size || needed > size - offset) {
    error = "external data of tensor '" + proto.name() + "' (offset " +
            std::to_string(offset) + ", length " + std::to_string(needed) +
            ") runs past the end of '" + std::string(path) + "' (" +
            std::to_string(size) + " bytes)";
    return failure();
  }
  auto buffer = llvm::MemoryBuffer::getFileSlice(realPath, needed, offset);
  if (!buffer || (*buffer)->getBufferSize() != needed) {
    error = "cannot read external data '" + std::string(path) + "' of tensor '" +
            proto.name() + "'" +
            (buffer ? std::string() : ": " + buffer.getError().message());
    return failure();
  }
  const char *start = (*buffer)->getBufferStart();
  return std::vector<char>(start, start + needed);
}

/// The raw little-endian bytes of `proto` when stored as raw or external
/// data; nullopt for typed fields.
FailureOr<std::optional<std::vector<char>>>
rawBytes(const onnx::TensorProto &proto, StringRef baseDir, uint64_t needed,
         std::string &error) {
  if (proto.data_location() == onnx::TensorProto::EXTERNAL) {
    FailureOr<std::vector<char>> bytes =
        readExternal(proto, baseDir, needed, error);
    if (failed(bytes))
      return failure();
    return std::optional<std::vector<char>>(std::move(*bytes));
  }
  if (proto.has_raw_data())
    return std::optional<std::vector<char>>(
        std::vector<char>(proto.raw_data().begin(), proto.raw_data().end()));
  return std::optional<std::vector<char>>();
}

/// Reads the dims of `proto`, refusing negative ones and overflow.
FailureOr<SmallVector<int64_t>> dimsOf(const onnx::TensorProto &proto,
                                       std::string &error) {
  SmallVector<int64_t> shape;
  int64_t n = 1;
  for (int64_t d : proto.dims()) {
    if (d < 0 || (d > 0 && n > (int64_t(1) << 40) / d)) {
      error = "tensor '" + proto.name() + "' has an invalid shape";
      return failure();
    }
    shape.push_back(d);
    n *= d;
  }
  return shape;
}
bool isPacked4Bit(int32_t t) {
  return t == kOnnxUint4 || t == kOnnxInt4 || t == kOnnxFloat4E2M1;
}

/// A tensor of 4-bit elements, stored two to a byte (the first in the low
/// nibble) in raw data or one byte per int32_data entry, held one element
/// per byte.
FailureOr<Tensor> unpack4Bit(Type et, ArrayRef<int64_t> shape,
                             const onnx::TensorProto &proto, StringRef baseDir,
                             std::string &error) {
  int64_t n = infer::numElements(shape);
  uint64_t packed = static_cast<uint64_t>((n + 1) / 2);
  FailureOr<std::optional<std::vector<char>>> raw =
      rawBytes(proto, baseDir, packed, error);
  if (failed(raw))
    return failure();
  std::vector<char> bytes;
  if (*raw) {
    bytes = std::move(**raw);
  } else {
    for (int32_t v : proto.int32_data())
      bytes.push_back(static_cast<char>(v));
  }
  if (bytes.size() != packed) {
    error = "tensor '" + proto.name() + "' holds " + std::to_string(bytes.size()) +
            " bytes, not the " + std::to_string(packed) + " its " +
            std::to_string(n) + " 4-bit elements need";
    return failure();
  }
  std::vector<char> unpacked(n);
  for (int64_t i = 0; i < n; ++i)
    unpacked[i] = static_cast<char>((static_cast<uint8_t>(bytes[i / 2]) >> (4 * (i % 2))) & 0xF);
  return Tensor::fromBytes(et, shape, unpacked);
}
} // namespace

FailureOr<Tensor> mlir::infer::frontend::tensorFromProto(
    MLIRContext *ctx, const onnx::TensorProto &proto, StringRef baseDir,
    std::string &error) {
  FailureOr<Type> et = elementTypeFromOnnx(ctx, proto.data_type(), error);
  if (failed(et)) {
    error = "tensor '" + proto.name() + "': " + error;
    return failure();
  }
  FailureOr<SmallVector<int64_t>> shape = dimsOf(proto, error);
  if (failed(shape))
    return failure();
  if (isPacked4Bit(proto.data_type()))
    return unpack4Bit(*et, *shape, proto, baseDir, error);
  uint64_t needed = static_cast<uint64_t>(infer::numElements(*shape)) *
                    Tensor::byteWidth(*et);
  FailureOr<std::optional<std::vector<char>>> raw =
      rawBytes(proto, baseDir, needed, error);
  if (failed(raw))
    return failure();
  if (*raw) {
    FailureOr<Tensor> t = Tensor::fromBytes(*et, *shape, **raw);
    if (failed(t))
      error = "tensor '" + proto.name() + "' holds " +
              std::to_string((*raw)->size()) + " bytes, not the " +
              std::to_string(infer::numElements(*shape) * Tensor::byteWidth(*et)) +
              " its shape needs";
    return t;
  }
  // The typed values must all be there before the tensor is allocated (a
  // shape of 10^11 elements with one value is an error, not an allocation).
  int64_t n = infer::numElements(*shape);
  int64_t have;
  switch (proto.data_type()) {
  case onnx::TensorProto::FLOAT: have = proto.float_data_size(); break;
  case onnx::TensorProto::DOUBLE: have = proto.double_data_size(); break;
  case onnx::TensorProto::INT64: have = proto.int64_data_size(); break;
  case onnx::TensorProto::UINT32:
  case onnx::TensorProto::UINT64: have = proto.uint64_data_size(); break;
  default: have = proto.int32_data_size(); break;
  }
  if (have != n) {
    error = "tensor '" + proto.name() + "' holds " + std::to_string(have) +
            " values, not the " + std::to_string(n) + " its shape needs";
    return failure();
  }
  Tensor t(*et, *shape);
  auto mismatch = [&](int64_t have) {
    error = "tensor '" + proto.name() + "' holds " + std::to_string(have) +
            " values, not the " + std::to_string(n) + " its shape needs";
    return failure();
  };
  switch (proto.data_type()) {
  case onnx::TensorProto::FLOAT:
    if (proto.float_data_size() != n)
      return mismatch(proto.float_data_size());
    for (int64_t i = 0; i < n; ++i)
      t.floats()[i] = proto.float_data(i);
    break;
  case onnx::TensorProto::DOUBLE:
    if (proto.double_data_size() != n)
      return mismatch(proto.double_data_size());
    for (int64_t i = 0; i < n; ++i)
      t.floats()[i] = proto.double_data(i);
    break;
  case onnx::TensorProto::INT64:
    if (proto.int64_data_size() != n)
      return mismatch(proto.int64_data_size());
    for (int64_t i = 0; i < n; ++i)
      t.ints()[i] = proto.int64_data(i);
    break;
  case onnx::TensorProto::UINT32:
  case onnx::TensorProto::UINT64:
    if (proto.uint64_data_size() != n)
      return mismatch(proto.uint64_data_size());
    for (int64_t i = 0; i < n; ++i)
      t.setInt(i, static_cast<int64_t>(proto.uint64_data(i)));
    break;
  case onnx::TensorProto::FLOAT16:
  case onnx::TensorProto::BFLOAT16: {
    if (proto.int32_data_size() != n)
      return mismatch(proto.int32_data_size());
    std::vector<char> bytes(2 * n);
    for (int64_t i = 0; i < n; ++i) {
      uint16_t bits = static_cast<uint16_t>(proto.int32_data(i));
      std::memcpy(&bytes[2 * i], &bits, 2);
    }
    return Tensor::fromBytes(*et, *shape, bytes);
  }
  case kOnnxFloat8E4M3FN:
  case kOnnxFloat8E4M3FNUZ:
  case kOnnxFloat8E5M2:
  case kOnnxFloat8E5M2FNUZ: {
    std::vector<char> bytes(n);
    for (int64_t i = 0; i < n; ++i)
      bytes[i] = static_cast<char>(proto.int32_data(i));
    return Tensor::fromBytes(*et, *shape, bytes);
  }
  default: // int32 and narrower integers, bool
    if (proto.int32_data_size() != n)
      return mismatch(proto.int32_data_size());
    for (int64_t i = 0; i < n; ++i)
      t.setInt(i, proto.int32_data(i));
    break;
  }
  return t;
}

FailureOr<ElementsAttr> mlir::infer::frontend::attrFromProto(
    MLIRContext *ctx, const onnx::TensorProto &proto, StringRef baseDir,
    StringRef blobName, std::string &error) {
  FailureOr<Type> et = elementTypeFromOnnx(ctx, proto.data_type(), error);
  if (failed(et)) {
    error = "tensor '" + proto.name() + "': " + error;
    return failure();
  }
  FailureOr<SmallVector<int64_t>> shape = dimsOf(proto, error);
  if (failed(shape))
    return failure();
  int64_t n = infer::numElements(*shape);
  // Large raw tensors go straight into a blob without conversion.
  if (n > 16 && !et->isInteger(1) && !isPacked4Bit(proto.data_type())) {
    FailureOr<std::optional<std::vector<char>>> raw = rawBytes(
        proto, baseDir, static_cast<uint64_t>(n) * Tensor::byteWidth(*et), error);
    if (failed(raw))
      return failure();
    if (*raw) {
      int64_t width = Tensor::byteWidth(*et);
      if (static_cast<int64_t>((*raw)->size()) != n * width) {
        error = "tensor '" + proto.name() + "' holds " +
                std::to_string((*raw)->size()) + " bytes, not the " +
                std::to_string(n * width) + " its shape needs";
        return failure();
      }
      // The bytes read become the blob (heap memory: aligned for any
      // element type).
      auto owner = std::make_shared<std::vector<char>>(std::move(**raw));
      ArrayRef<char> bytes(owner->data(), owner->size());
      return adoptWeights(RankedTensorType::get(*shape, *et), blobName, bytes,
                          std::move(owner));
    }
  }
  FailureOr<Tensor> t = tensorFromProto(ctx, proto, baseDir, error);
  if (failed(t))
    return failure();
  return t->toAttr(blobName);
}

FailureOr<Tensor> mlir::infer::frontend::readTensorProtoFile(
    MLIRContext *ctx, StringRef path, std::string &error, std::string *name) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    error = "cannot read '" + path.str() + "': " + buffer.getError().message();
    return failure();
  }
  onnx::TensorProto proto;
  if (!proto.ParseFromArray((*buffer)->getBufferStart(),
                            static_cast<int>((*buffer)->getBufferSize()))) {
    error = "'" + path.str() + "' is not a serialized ONNX TensorProto";
    return failure();
  }
  if (name)
    *name = proto.name();
  return tensorFromProto(ctx, proto, llvm::sys::path::parent_path(path), error);
}

FailureOr<ElementsAttr> mlir::infer::frontend::adoptAttrFromProto(
    MLIRContext *ctx, onnx::TensorProto &proto, StringRef baseDir,
    StringRef blobName, std::string &error) {
  FailureOr<Type> et = elementTypeFromOnnx(ctx, proto.data_type(), error);
  if (failed(et) || et->isInteger(1) || isPacked4Bit(proto.data_type()) ||
      proto.data_location() == onnx::TensorProto::EXTERNAL ||
      !proto.has_raw_data())
    return attrFromProto(ctx, proto, baseDir, blobName, error);
  FailureOr<SmallVector<int64_t>> shape = dimsOf(proto, error);
  if (failed(shape))
    return failure();
  int64_t n = infer::numElements(*shape);
  int64_t width = Tensor::byteWidth(*et);
  if (n <= 16 || static_cast<int64_t>(proto.raw_data().size()) != n * width)
    return attrFromProto(ctx, proto, baseDir, blobName, error);
  // The protobuf's string (heap memory, aligned for any element type)
  // becomes the blob: the model's bytes are held once.
  std::shared_ptr<std::string> owner(proto.release_raw_data());
  ArrayRef<char> bytes(owner->data(), owner->size());
  return adoptWeights(RankedTensorType::get(*shape, *et), blobName, bytes,
                      std::move(owner));
}

FailureOr<DataValue> mlir::infer::frontend::readDataValueFile(MLIRContext *ctx, StringRef path,
                                                              bool sequence, bool optional,
                                                              std::string &error) {
  if (!sequence && !optional) {
    DataValue v;
    FailureOr<Tensor> t = readTensorProtoFile(ctx, path, error, &v.name);
    if (failed(t))
      return failure();
    v.elements.push_back(std::move(*t));
    return v;
  }
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    error = "cannot read '" + path.str() + "': " + buffer.getError().message();
    return failure();
  }
  StringRef baseDir = llvm::sys::path::parent_path(path);
  auto readSequence = [&](const onnx::SequenceProto &seq, DataValue &v) -> LogicalResult {
    if (seq.elem_type() != onnx::SequenceProto::TENSOR &&
        seq.elem_type() != onnx::SequenceProto::UNDEFINED) {
      error = "'" + path.str() + "': sequences of other than tensors are not supported";
      return failure();
    }
    v.sequence = true;
    for (const onnx::TensorProto &proto : seq.tensor_values()) {
      FailureOr<Tensor> t = tensorFromProto(ctx, proto, baseDir, error);
      if (failed(t))
        return failure();
      v.elements.push_back(std::move(*t));
    }
    return success();
  };
  DataValue v;
  const char *data = (*buffer)->getBufferStart();
  int size = static_cast<int>((*buffer)->getBufferSize());
  if (optional) {
    onnx::OptionalProto opt;
    if (!opt.ParseFromArray(data, size)) {
      error = "'" + path.str() + "' is not a serialized ONNX OptionalProto";
      return failure();
    }
    v.name = opt.name();
    if (opt.has_tensor_value()) {
      FailureOr<Tensor> t = tensorFromProto(ctx, opt.tensor_value(), baseDir, error);
      if (failed(t))
        return failure();
      v.elements.push_back(std::move(*t));
    } else if (opt.has_sequence_value()) {
      if (failed(readSequence(opt.sequence_value(), v)))
        return failure();
    } else if (opt.elem_type() == onnx::OptionalProto::UNDEFINED) {
      v.none = true;
    } else {
      error = "'" + path.str() + "': optionals of other than tensors and sequences are not supported";
      return failure();
    }
    return v;
  }
  onnx::SequenceProto seq;
  if (!seq.ParseFromArray(data, size)) {
    error = "'" + path.str() + "' is not a serialized ONNX SequenceProto";
    return failure();
  }
  v.name = seq.name();
  if (failed(readSequence(seq, v)))
    return failure();
  return v;
}
