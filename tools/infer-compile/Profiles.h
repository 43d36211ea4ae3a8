//===- Profiles.h - --profile: dynamic dimensions and their ranges -*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// `--profile=NAME:min=1x3x224x224,opt=8x3x224x224,max=32x3x224x224` gives an
// input's shape range, as trtexec's --minShapes/--optShapes/--maxShapes.
// The axes whose min and max differ are dynamic; axes of several inputs
// that the model names alike ("batch") are one dimension. The artifact
// holds one plan per specialization (see docs/DynamicShapes.md): the opt
// shape, and for dimensions padding is exact along (transforms/PadAnalysis.h)
// the powers of two between min and max; for the others every value.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_TOOLS_INFER_COMPILE_PROFILES_H
#define INFER_TOOLS_INFER_COMPILE_PROFILES_H

#include "codegen/core/ArtifactWriter.h"
#include "frontend/OnnxImporter.h"

#include <map>
#include <string>
#include <vector>

namespace mlir::infer {

struct ProfileSpec {
  std::string input;
  std::vector<int64_t> min, opt, max;
};

/// Parses NAME:min=DIMS,opt=DIMS,max=DIMS.
LogicalResult parseProfile(StringRef spec, ProfileSpec &out, std::string &error);

struct DynamicDims {
  std::vector<ArtifactDim> dims;
  /// Per profiled input: its opt shape, and per axis its dimension or -1.
  std::map<std::string, std::vector<int64_t>> optShapes;
  std::map<std::string, std::vector<int32_t>> axes;

  /// The input shapes at `values` (one per dimension).
  std::map<std::string, std::vector<int64_t>> shapesAt(const std::vector<int64_t> &values) const;
  std::vector<int64_t> optValues() const;
};

/// Checks the profiles against the model's inputs and collects their
/// dynamic dimensions.
FailureOr<DynamicDims> resolveProfiles(const std::vector<ProfileSpec> &specs,
                                       const OnnxSignature &signature, std::string &error);

/// The values each dimension is compiled for (`why[k]` says why dimension
/// k cannot be padded, "" when it can), every combination, the opt values
/// first; fails when there would be more than `limit`.
FailureOr<std::vector<std::vector<int64_t>>>
specializations(const DynamicDims &dims, const std::vector<std::string> &why, size_t limit,
                std::string &error);

} // namespace mlir::infer

#endif // INFER_TOOLS_INFER_COMPILE_PROFILES_H
