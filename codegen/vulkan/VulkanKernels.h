//===- VulkanKernels.h - How Vulkan kernels are called, split and built -*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Generic Vulkan kernels run one invocation per point of their root's
// parallel loops, as CUDA's do (codegen/core/GpuSplit.h). Lowered to loops,
// every kernel becomes a `gpu.func` of one `gpu.module` whose arguments are
// storage buffers (descriptor set 0, binding = argument index), then MLIR's
// SPIR-V conversions make it a compute entry point of one `spirv.module`
// (workgroups of VulkanTarget::workgroupSize invocations; grids past 65535
// workgroups run as a 2-D dispatch), serialized to a SPIR-V binary.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_VULKAN_VULKANKERNELS_H
#define INFER_CODEGEN_VULKAN_VULKANKERNELS_H

#include "codegen/core/KernelModule.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace mlir::infer {

struct VulkanTarget;

class VulkanKernelConvention : public KernelConvention {
public:
  explicit VulkanKernelConvention(unsigned workgroupSize = 64)
      : workgroupSize(workgroupSize) {}
  unsigned numIndexArgs() const override { return 1; }
  void split(func::FuncOp &fn, unsigned firstIndexArg,
             KernelInfo &info) const override;
  void registerDialects(DialectRegistry &registry) const override;
  /// SPIR-V has no constant arrays a memref can point at: small constants
  /// are buffers, as weights are.
  bool inlinesConstantArrays() const override { return false; }

private:
  unsigned workgroupSize;
};

/// Runs a pipeline on the kernel module (a pass's runPipeline).
using PipelineRunner = function_ref<LogicalResult(OpPassManager &)>;

/// Lowers the kernel module `kernels` (generic kernels on tensors, split)
/// to one `spirv.module` for `target`: errors name the kernel's ONNX nodes.
LogicalResult lowerVulkanKernels(ModuleOp kernels, const VulkanTarget &target,
                                 PipelineRunner runPipeline);

/// The SPIR-V binary of `kernels` (lowered) and the capabilities it
/// declares; failure with `error`.
struct SpirvBinary {
  std::vector<uint32_t> words;
  /// The SPIR-V version the module needs ("1.3"; "1.6" with cooperative
  /// matrices).
  std::string version;
  std::vector<std::string> capabilities;
  /// The module in MLIR's SPIR-V dialect, for listings.
  std::string text;
};
FailureOr<SpirvBinary> serializeVulkanKernels(ModuleOp kernels, std::string &error);

} // namespace mlir::infer

#endif // INFER_CODEGEN_VULKAN_VULKANKERNELS_H
