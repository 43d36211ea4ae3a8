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
#include <map>

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

namespace {
/// The Model table of `plan` in `fbb`. The weights' vector is reserved,
/// not written (`constantsData` receives where they go): they are copied
/// in only when someone needs the artifact in one piece. Variants and
/// candidates are nested models of their own, without constants.
flatbuffers::Offset<::infer::fb::Model>
buildModel(flatbuffers::FlatBufferBuilder &fbb, ArtifactPlan &plan,
           size_t &constantsFromEnd, uint64_t &constantsChecksum) {
  // Nested first: a builder builds one table at a time.
  std::vector<flatbuffers::Offset<::infer::fb::Variant>> variants;
  // A plan without constants of its own, as the bytes of a whole model.
  auto nestedModel = [&](ArtifactPlan &p) {
    flatbuffers::FlatBufferBuilder nested(1 << 16);
    nested.ForceDefaults(true);
    size_t noneAt = 0;
    uint64_t noneSum = 0;
    ::infer::fb::FinishModelBuffer(nested, buildModel(nested, p, noneAt, noneSum));
    fbb.ForceVectorAlignment(nested.GetSize(), sizeof(uint8_t), 64);
    return fbb.CreateVector(nested.GetBufferPointer(), nested.GetSize());
  };
  for (ArtifactPlan &v : plan.variants)
    variants.push_back(::infer::fb::CreateVariant(fbb, nestedModel(v)));
  auto variantVec = plan.variants.empty() ? 0 : fbb.CreateVector(variants);
  std::vector<flatbuffers::Offset<::infer::fb::Candidate>> candidates;
  for (ArtifactCandidate &c : plan.candidates) {
    auto bytes = nestedModel(c.plan);
    candidates.push_back(::infer::fb::CreateCandidate(
        fbb, fbb.CreateString(c.arch), fbb.CreateString(c.signature),
        fbb.CreateString(c.config), fbb.CreateString(c.nodes), c.heuristic, bytes));
  }
  auto candidateVec = plan.candidates.empty() ? 0 : fbb.CreateVector(candidates);
  std::vector<flatbuffers::Offset<::infer::fb::Dim>> dims;
  for (const ArtifactDim &d : plan.dims)
    dims.push_back(::infer::fb::CreateDim(fbb, fbb.CreateString(d.name), d.min, d.opt,
                                          d.max, d.paddable));
  auto tensorDims = [&](const std::vector<std::vector<int32_t>> &list) {
    std::vector<flatbuffers::Offset<::infer::fb::TensorDims>> out;
    for (const std::vector<int32_t> &axes : list)
      out.push_back(::infer::fb::CreateTensorDims(fbb, fbb.CreateVector(axes)));
    return fbb.CreateVector(out);
  };
  auto dimVec = plan.dims.empty() ? 0 : fbb.CreateVector(dims);
  auto inputDims = plan.dims.empty() ? 0 : tensorDims(plan.inputDims);
  auto outputDims = plan.dims.empty() ? 0 : tensorDims(plan.outputDims);
  auto dimValues = plan.dimValues.empty() ? 0 : fbb.CreateVector(plan.dimValues);
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
  fbb.ForceVectorAlignment(plan.constants.size(), sizeof(uint8_t), 64);
  uint8_t *constantsData = nullptr;
  auto constants = fbb.CreateUninitializedVector(plan.constants.size(),
                                                 &constantsData);
  // The weights' offset from the buffer's end, which later additions do
  // not change (the builder fills from the end down).
  constantsFromEnd = fbb.GetSize() - (constantsData - fbb.GetCurrentBufferPointer());
  constantsChecksum = ::infer::checksum(plan.constants.data(), plan.constants.size());
  return ::infer::fb::CreateModel(
      fbb, INFER_FORMAT_VERSION, fbb.CreateString(plan.compiler),
      fbb.CreateString(plan.target), fbb.CreateString(plan.source), inputs,
      outputs, bufferVec, fbb.CreateVector(plan.inputBuffers),
      fbb.CreateVector(plan.outputBuffers), kernelVec, launchVec,
      plan.arenaSize, constants, binaryVec, constantsChecksum, dimVec, inputDims,
      outputDims, dimValues, variantVec, candidateVec);
}
} // namespace

ArtifactBytes mlir::infer::writeArtifact(ArtifactPlan &&plan) {
  // Sized for the weights and the code up front: no regrowth, which would
  // copy them.
  size_t estimate = plan.constants.size() + (size_t(1) << 20);
  for (const ArtifactBinary &b : plan.binaries)
    estimate += b.data.size() + 64;
  for (const ArtifactPlan &v : plan.variants)
    for (const ArtifactBinary &b : v.binaries)
      estimate += b.data.size() + (size_t(1) << 16);
  flatbuffers::FlatBufferBuilder fbb(estimate, new TrailerAllocator,
                                     /*own_allocator=*/true);
  // Every field present, even at its default: tools can edit them in place.
  fbb.ForceDefaults(true);
  size_t fromEnd = 0;
  uint64_t constantsChecksum = 0;
  auto model = buildModel(fbb, plan, fromEnd, constantsChecksum);
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

std::vector<uint8_t> mlir::infer::shareConstants(const std::vector<ArtifactPlan *> &plans) {
  std::vector<uint8_t> merged;
  // Bytes already stored: checksum -> offsets of buffers with it.
  std::multimap<uint64_t, std::pair<uint64_t, uint64_t>> stored;
  for (ArtifactPlan *p : plans) {
    std::map<std::pair<uint64_t, uint64_t>, uint64_t> moved;
    for (ArtifactBuffer &b : p->buffers) {
      if (b.region != BufferRegion::Constants)
        continue;
      auto key = std::make_pair(b.offset, b.size);
      if (auto it = moved.find(key); it != moved.end()) {
        b.offset = it->second;
        continue;
      }
      const uint8_t *bytes = p->constants.data() + b.offset;
      uint64_t sum = ::infer::checksum(bytes, b.size);
      uint64_t at = UINT64_MAX;
      for (auto [it, end] = stored.equal_range(sum); it != end; ++it)
        if (it->second.second == b.size &&
            std::memcmp(merged.data() + it->second.first, bytes, b.size) == 0) {
          at = it->second.first;
          break;
        }
      if (at == UINT64_MAX) {
        at = (merged.size() + 63) / 64 * 64;
        merged.resize(at + b.size);
        std::memcpy(merged.data() + at, bytes, b.size);
        stored.emplace(sum, std::make_pair(at, b.size));
      }
      moved[key] = at;
      b.offset = at;
    }
    std::vector<uint8_t>().swap(p->constants);
  }
  return merged;
}

ArtifactPlan mlir::infer::mergeSpecializations(std::vector<ArtifactPlan> &&plans,
                                               size_t outer) {
  std::vector<ArtifactPlan *> all;
  for (ArtifactPlan &p : plans)
    all.push_back(&p);
  std::vector<uint8_t> merged = shareConstants(all);
  ArtifactPlan result = std::move(plans[outer]);
  result.constants = std::move(merged);
  for (size_t i = 0; i < plans.size(); ++i)
    if (i != outer)
      result.variants.push_back(std::move(plans[i]));
  return result;
}
