//===- ArtifactWriter.cpp - Serialize a compiled model --------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/core/ArtifactWriter.h"
#include "runtime/schema/Checksum.h"

#include "runtime/include/infer_runtime.h"
#include "runtime/schema/Artifact_generated.h"

using namespace mlir::infer;

std::vector<uint8_t> mlir::infer::writeArtifact(const ArtifactPlan &plan) {
  flatbuffers::FlatBufferBuilder fbb(1 << 20);
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
          fbb.CreateVector(t.box), t.swizzle));
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
  auto constants = fbb.CreateVector(plan.constants);
  auto model = ::infer::fb::CreateModel(
      fbb, INFER_FORMAT_VERSION, fbb.CreateString(plan.compiler),
      fbb.CreateString(plan.target), fbb.CreateString(plan.source), inputs,
      outputs, bufferVec, fbb.CreateVector(plan.inputBuffers),
      fbb.CreateVector(plan.outputBuffers), kernelVec, launchVec,
      plan.arenaSize, constants, binaryVec,
      ::infer::checksum(plan.constants.data(), plan.constants.size()));
  ::infer::fb::FinishModelBuffer(fbb, model);
  std::vector<uint8_t> bytes(fbb.GetBufferPointer(),
                             fbb.GetBufferPointer() + fbb.GetSize());
  // The trailer: a checksum of everything before it.
  uint64_t sum = ::infer::checksum(bytes.data(), bytes.size());
  for (size_t i = 0; i < ::infer::kArtifactTrailerBytes; ++i)
    bytes.push_back(static_cast<uint8_t>(sum >> (8 * i)));
  return bytes;
}
