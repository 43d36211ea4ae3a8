//===- ArtifactWriter.cpp - Serialize a compiled model --------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/core/ArtifactWriter.h"
#include "runtime/schema/Checksum.h"

#include "runtime/include/infer_runtime.h"
#include "runtime/schema/Artifact_generated.h"

#include <cstring>

using namespace mlir::infer;

namespace {
/// Allocates the builder's memory with room for the trailing checksum past
/// its end: FlatBuffers fill their memory from the end down, so the
/// finished buffer ends where the allocation's reserved size does.
class TrailerAllocator : public flatbuffers::Allocator {
public:
  uint8_t *allocate(size_t size) override {
    return new uint8_t[size + ::infer::kArtifactTrailerBytes];
  }
  void deallocate(uint8_t *p, size_t) override { delete[] p; }
};
} // namespace

/// The FlatBuffer, with the constants' vector left unwritten (untouched
/// memory, not resident) until data() fills it from `constants`.
struct ArtifactBytes::Storage {
  flatbuffers::DetachedBuffer buffer;
  std::vector<uint8_t> constants;
  /// Where the constants' bytes go in `buffer`.
  size_t constantsAt = 0;
};

ArtifactBytes::ArtifactBytes() = default;
ArtifactBytes::ArtifactBytes(ArtifactBytes &&) = default;
ArtifactBytes &ArtifactBytes::operator=(ArtifactBytes &&) = default;
ArtifactBytes::~ArtifactBytes() = default;

const uint8_t *ArtifactBytes::data() const {
  if (!storage)
    return nullptr;
  if (!storage->constants.empty()) {
    std::memcpy(storage->buffer.data() + storage->constantsAt,
                storage->constants.data(), storage->constants.size());
    std::vector<uint8_t>().swap(storage->constants);
  }
  return storage->buffer.data();
}

size_t ArtifactBytes::size() const {
  return storage ? storage->buffer.size() + ::infer::kArtifactTrailerBytes : 0;
}

void ArtifactBytes::forEachPart(
    const std::function<void(const uint8_t *, size_t)> &fn) const {
  if (!storage)
    return;
  const uint8_t *base = storage->buffer.data();
  size_t total = size();
  if (storage->constants.empty()) {
    fn(base, total);
    return;
  }
  size_t at = storage->constantsAt, n = storage->constants.size();
  fn(base, at);
  fn(storage->constants.data(), n);
  fn(base + at + n, total - at - n);
}

ArtifactBytes mlir::infer::writeArtifact(ArtifactPlan &&plan) {
  // Sized for the weights and the code up front: no regrowth, which would
  // copy them.
  size_t estimate = plan.constants.size() + (size_t(1) << 20);
  for (const ArtifactBinary &b : plan.binaries)
    estimate += b.data.size() + 64;
  flatbuffers::FlatBufferBuilder fbb(estimate, new TrailerAllocator,
                                     /*own_allocator=*/true);
  // Every field present, even at its default: tools can edit them in place.
  fbb.ForceDefaults(true);
  auto tensors = [&](const std::vector<ArtifactTensor> &list) {
    std::vector<flatbuffers::Offset<::infer::fb::TensorInfo>> out;
    for (const ArtifactTensor &t : list)
      out.push_back(::infer::fb::CreateTensorInfo(
          fbb, fbb.CreateString(t.name), static_cast<::infer::fb::DType>(t.dtype),
          fbb.CreateVector(t.shape)));
    return fbb.CreateVector(out);
  };
  auto inputs = tensors(plan.inputs);
  auto outputs = tensors(plan.outputs);
  std::vector<flatbuffers::Offset<::infer::fb::Buffer>> buffers;
  for (const ArtifactBuffer &b : plan.buffers)
    buffers.push_back(::infer::fb::CreateBuffer(
        fbb, static_cast<::infer::fb::Region>(b.region), b.offset, b.size, b.index));
  auto bufferVec = fbb.CreateVector(buffers);
  std::vector<flatbuffers::Offset<::infer::fb::Kernel>> kernels;
  for (const ArtifactKernel &k : plan.kernels) {
    std::vector<flatbuffers::Offset<::infer::fb::TensorMap>> maps;
    for (const ArtifactTensorMap &t : k.tensorMaps)
      maps.push_back(::infer::fb::CreateTensorMap(
          fbb, t.arg, static_cast<::infer::fb::DType>(t.dtype),
          fbb.CreateVector(t.dims), fbb.CreateVector(t.strides),
          fbb.CreateVector(t.box), t.swizzle,
          t.im2col.empty() ? 0 : fbb.CreateVector(t.im2col)));
    auto mapVec = fbb.CreateVector(maps);
    kernels.push_back(::infer::fb::CreateKernel(
        fbb, fbb.CreateString(k.symbol), fbb.CreateString(k.kind), k.grid,
        fbb.CreateVector(k.argBytes), k.blockThreads, k.sharedBytes, mapVec));
  }
  auto kernelVec = fbb.CreateVector(kernels);
  std::vector<flatbuffers::Offset<::infer::fb::Launch>> launches;
  for (const ArtifactLaunch &l : plan.launches) {
    std::vector<flatbuffers::Offset<flatbuffers::String>> nodes;
    for (const std::string &n : l.nodes)
      nodes.push_back(fbb.CreateString(n));
    auto nodeVec = fbb.CreateVector(nodes);
    auto message = fbb.CreateString(l.message);
    auto kind = l.copy    ? ::infer::fb::LaunchKind::Copy
                : l.check ? ::infer::fb::LaunchKind::Check
                          : ::infer::fb::LaunchKind::Kernel;
    launches.push_back(::infer::fb::CreateLaunch(fbb, kind, l.kernel,
                                                 fbb.CreateVector(l.args), l.grid,
                                                 l.grain, nodeVec, message));
  }
  auto launchVec = fbb.CreateVector(launches);
  std::vector<flatbuffers::Offset<::infer::fb::Binary>> binaries;
  for (const ArtifactBinary &b : plan.binaries) {
    std::vector<flatbuffers::Offset<flatbuffers::String>> features;
    for (const std::string &f : b.features)
      features.push_back(fbb.CreateString(f));
    auto featureVec = fbb.CreateVector(features);
    auto target = fbb.CreateString(b.target), format = fbb.CreateString(b.format),
         arch = fbb.CreateString(b.arch);
    fbb.ForceVectorAlignment(b.data.size(), sizeof(uint8_t), 64);
    auto data = fbb.CreateVector(reinterpret_cast<const uint8_t *>(b.data.data()),
                                 b.data.size());
    binaries.push_back(::infer::fb::CreateBinary(
        fbb, target, format, arch, featureVec, data,
        ::infer::checksum(b.data.data(), b.data.size())));
  }
  auto binaryVec = fbb.CreateVector(binaries);
  // The weights' vector is reserved, not written: they are copied in only
  // when someone needs the artifact in one piece.
  fbb.ForceVectorAlignment(plan.constants.size(), sizeof(uint8_t), 64);
  uint8_t *constantsData = nullptr;
  auto constants = fbb.CreateUninitializedVector(plan.constants.size(),
                                                 &constantsData);
  // The weights' offset from the buffer's end, which later additions do
  // not change (the builder fills from the end down).
  size_t fromEnd =
      fbb.GetSize() - (constantsData - fbb.GetCurrentBufferPointer());
  uint64_t constantsChecksum =
      ::infer::checksum(plan.constants.data(), plan.constants.size());
  auto model = ::infer::fb::CreateModel(
      fbb, INFER_FORMAT_VERSION, fbb.CreateString(plan.compiler),
      fbb.CreateString(plan.target), fbb.CreateString(plan.source), inputs,
      outputs, bufferVec, fbb.CreateVector(plan.inputBuffers),
      fbb.CreateVector(plan.outputBuffers), kernelVec, launchVec,
      plan.arenaSize, constants, binaryVec, constantsChecksum);
  ::infer::fb::FinishModelBuffer(fbb, model);
  ArtifactBytes bytes;
  bytes.storage = std::make_unique<ArtifactBytes::Storage>();
  ArtifactBytes::Storage &st = *bytes.storage;
  st.buffer = fbb.Release();
  st.constantsAt = st.buffer.size() - fromEnd;
  st.constants = std::move(plan.constants);
  // The trailer, in the room TrailerAllocator left past the buffer's end: a
  // checksum of everything before it, computed over the pieces.
  ::infer::IncrementalChecksum sum;
  const uint8_t *base = st.buffer.data();
  sum.update(base, st.constantsAt);
  sum.update(st.constants.data(), st.constants.size());
  size_t after = st.constantsAt + st.constants.size();
  sum.update(base + after, st.buffer.size() - after);
  uint64_t value = sum.value();
  for (size_t i = 0; i < ::infer::kArtifactTrailerBytes; ++i)
    st.buffer.data()[st.buffer.size() + i] = static_cast<uint8_t>(value >> (8 * i));
  return bytes;
}
