//===- ArtifactWriter.h - Serialize a compiled model ------------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The plan the compiler built, in plain structs, and its serialization
// into the FlatBuffers schema runtime/schema/Artifact.fbs.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_ARTIFACTWRITER_H
#define INFER_CODEGEN_ARTIFACTWRITER_H

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace mlir::infer {

enum class BufferRegion : uint8_t { Arena, Constants, Input, Output };

struct ArtifactTensor {
  std::string name;
  uint8_t dtype = 0; ///< infer::fb::DType
  std::vector<int64_t> shape;
};

struct ArtifactBuffer {
  BufferRegion region = BufferRegion::Arena;
  uint64_t offset = 0, size = 0;
  uint32_t index = 0;
};

struct ArtifactLaunch {
  bool copy = false;
  /// A check: the run fails with `message` when the byte args[0] is set.
  bool check = false;
  std::string message;
  uint32_t kernel = 0;
  std::vector<uint32_t> args;
  int64_t grid = 1, grain = 1;
  std::vector<std::string> nodes;
};

/// A TMA descriptor over a kernel argument (see TensorMap in Artifact.fbs).
struct ArtifactTensorMap {
  uint32_t arg = 0;
  uint8_t dtype = 0; ///< infer::fb::DType
  std::vector<uint64_t> dims, strides;
  std::vector<uint32_t> box;
  uint8_t swizzle = 0;
  /// Im2col mode: lower corner (W, H), upper corner (W, H), traversal
  /// strides (W, H); empty for a tiled map.
  std::vector<int32_t> im2col;
};

struct ArtifactKernel {
  std::string symbol, kind;
  int64_t grid = 1;
  std::vector<uint64_t> argBytes;
  /// CUDA launch geometry (0 for CPU kernels).
  uint32_t blockThreads = 0, sharedBytes = 0;
  std::vector<ArtifactTensorMap> tensorMaps;
};

struct ArtifactBinary {
  std::string target, format, arch;
  std::vector<std::string> features;
  std::vector<char> data;
};

/// A dynamic dimension of the inputs: an optimization profile's range.
struct ArtifactDim {
  std::string name;
  int64_t min = 1, opt = 1, max = 1;
  /// A size between two specializations may run on the larger one,
  /// zero-padded (transforms/PadAnalysis.h).
  bool paddable = false;
};

struct ArtifactCandidate;

struct ArtifactPlan {
  std::string compiler, target, source;
  /// Dynamic shapes (empty for a static model): the dimensions, per input
  /// and output the dimension each axis is (-1: none), the values this plan
  /// was compiled for, and the other specializations' plans (no constants
  /// of their own: their Constants buffers index this plan's).
  std::vector<ArtifactDim> dims;
  std::vector<std::vector<int32_t>> inputDims, outputDims;
  std::vector<int64_t> dimValues;
  std::vector<ArtifactPlan> variants;
  /// Tile candidates to measure (infer-compile --tune-candidates): each a
  /// plan of one kernel alone, sharing this plan's constants.
  std::vector<ArtifactCandidate> candidates;
  std::vector<ArtifactTensor> inputs, outputs;
  std::vector<ArtifactBuffer> buffers;
  std::vector<uint32_t> inputBuffers, outputBuffers;
  std::vector<ArtifactKernel> kernels;
  std::vector<ArtifactLaunch> launches;
  uint64_t arenaSize = 0;
  std::vector<uint8_t> constants;
  std::vector<ArtifactBinary> binaries;
};

/// A tile candidate: the tuning cache's key parts and the kernel's plan.
struct ArtifactCandidate {
  std::string arch, signature, config, nodes;
  bool heuristic = false;
  ArtifactPlan plan;
};

/// The bytes of an artifact: the FlatBuffer, then its 8-byte checksum. The
/// weights are not copied into the FlatBuffer's memory until someone asks
/// for contiguous bytes (data()): writing the artifact out goes through
/// forEachPart, so a model's weights are held once.
class ArtifactBytes {
public:
  ArtifactBytes();
  ArtifactBytes(ArtifactBytes &&);
  ArtifactBytes &operator=(ArtifactBytes &&);
  ~ArtifactBytes();

  /// The whole artifact in one piece (the weights are copied into place on
  /// the first call).
  const uint8_t *data() const;
  size_t size() const;
  bool empty() const { return size() == 0; }
  /// Calls `fn` on consecutive pieces whose concatenation is the artifact.
  void forEachPart(const std::function<void(const uint8_t *, size_t)> &fn) const;

  struct Storage;

private:
  friend ArtifactBytes writeArtifact(ArtifactPlan &&plan);
  std::unique_ptr<Storage> storage;
};

/// One plan of a dynamic model from its specializations: `plans[outer]`
/// becomes the model's own plan, the others its variants; every constant
/// buffer with the same bytes is stored once (specializations mostly
/// share their weights), in the outer plan's constants.
ArtifactPlan mergeSpecializations(std::vector<ArtifactPlan> &&plans, size_t outer);

/// Stores the constants of `plans` in one blob, each distinct byte string
/// once, and points their Constants buffers into it; the plans' own
/// constants are released.
std::vector<uint8_t> shareConstants(const std::vector<ArtifactPlan *> &plans);

/// Serializes `plan`; its constants move into the artifact (freed from the
/// plan as soon as they are in).
ArtifactBytes writeArtifact(ArtifactPlan &&plan);

} // namespace mlir::infer

#endif // INFER_CODEGEN_ARTIFACTWRITER_H
