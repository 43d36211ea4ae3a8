//===- VulkanTarget.h - What a Vulkan device must offer the kernels -*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// `--target=vulkan[:<features>]`: SPIR-V 1.3 compute shaders for Vulkan 1.1,
// with the optional capabilities the kernels may use named as features
// (fp16, fp64, int8, int16, int64, subgroup: subgroup arithmetic for the
// softmax and layer norm rows; all on by default, `-fp64` turns one off).
// `+coopmat` (off by default) runs fp16 products on cooperative matrices
// (VK_KHR_cooperative_matrix), which needs SPIR-V 1.6 and so Vulkan 1.3;
// `+coopmat2` (with coopmat) runs large ones on workgroup-scope matrices
// (VK_NV_cooperative_matrix2). The artifact records the capabilities the emitted module
// actually declares; the runtime refuses a device that lacks one, naming
// it.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_VULKAN_VULKANTARGET_H
#define INFER_CODEGEN_VULKAN_VULKANTARGET_H

#include "mlir/Dialect/SPIRV/IR/TargetAndABI.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mlir::infer {

struct VulkanTarget {
  /// The optional features on ("fp16", "fp64", "int8", "int16", "int64",
  /// "subgroup", "coopmat", "coopmat2").
  std::vector<std::string> features;
  /// Storage buffers one kernel may bind (Vulkan's
  /// maxPerStageDescriptorStorageBuffers; 32 on lavapipe).
  unsigned maxBindings = 32;
  /// Invocations per workgroup of generic kernels.
  unsigned workgroupSize = 64;

  bool has(StringRef feature) const;
  /// The SPIR-V version of the module: "1.6" with cooperative matrices
  /// (MLIR's KHR cooperative-matrix ops need it), else "1.3".
  std::string spirvVersion() const { return has("coopmat") ? "1.6" : "1.3"; }
  /// "default" or the features ("fp16,int64").
  std::string name() const;
};

/// The target for `arch` (after "vulkan:"): "" for every feature, else a
/// comma-separated list of "+feature" / "-feature" / "feature"; null with
/// `error` for an unknown feature.
std::unique_ptr<VulkanTarget> createVulkanTarget(StringRef arch, std::string &error);

/// Sets `target` from `features` (a pass's option, as after
/// "vulkan:") when the pass was not created with one; emits the error on
/// `op` and fails for an unknown feature.
LogicalResult resolveVulkanTarget(std::optional<VulkanTarget> &target, StringRef features,
                                  Operation *op);

/// The SPIR-V target environment of `target`'s kernels.
spirv::TargetEnvAttr vulkanTargetEnv(MLIRContext *context, const VulkanTarget &target);

} // namespace mlir::infer

#endif // INFER_CODEGEN_VULKAN_VULKANTARGET_H
