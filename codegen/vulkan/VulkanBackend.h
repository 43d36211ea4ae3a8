//===- VulkanBackend.h - The Vulkan target backend --------------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// `--target=vulkan`: every kernel a generic one, split one invocation per
// output point and lowered through MLIR's SPIR-V dialect to one SPIR-V
// module of compute shaders, which runtime/vulkan runs on any Vulkan 1.1
// device (Mesa's lavapipe in the tests). With `+coopmat` the fp16
// products (convolutions among them, as GEMMs) run on cooperative
// matrices (CoopGemm.h, VulkanTemplates.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_VULKAN_VULKANBACKEND_H
#define INFER_CODEGEN_VULKAN_VULKANBACKEND_H

#include "codegen/core/TargetBackend.h"
#include "codegen/vulkan/VulkanKernels.h"
#include "codegen/vulkan/VulkanTarget.h"

#include <memory>

namespace mlir {
class Pass;
} // namespace mlir

namespace mlir::infer {

class VulkanBackend : public TargetBackend {
public:
  explicit VulkanBackend(std::unique_ptr<VulkanTarget> target)
      : target(std::move(target)), convention(this->target->workgroupSize) {}

  std::string artifactTarget() const override;
  std::string machineName() const override { return "spirv" + target->spirvVersion(); }
  GraphShaping graphShaping(StringRef precision) const override;
  void selectConfigs(func::FuncOp fn) const override {}
  void addConfigPasses(OpPassManager &pm) const override;
  void addLoweringPasses(OpPassManager &pm,
                         const CodegenOptions &options) const override;
  bool fusesIntoEpilogue(Operation *anchor, Operation *op) const override;
  FailureOr<std::optional<TemplateKernel>>
  buildTemplate(const KernelGroup &group, KernelModule &kernels,
                std::string &error) const override;
  FailureOr<BackendOutput> emitBinaries(ModuleOp kernels,
                                        const CodegenOptions &options,
                                        std::string &error) const override;

  unsigned numIndexArgs() const override { return convention.numIndexArgs(); }
  void split(func::FuncOp &fn, unsigned firstIndexArg,
             KernelInfo &info) const override {
    convention.split(fn, firstIndexArg, info);
  }
  void registerDialects(DialectRegistry &registry) const override {
    convention.registerDialects(registry);
  }
  bool inlinesConstantArrays() const override {
    return convention.inlinesConstantArrays();
  }

private:
  std::unique_ptr<VulkanTarget> target;
  VulkanKernelConvention convention;
};

void registerVulkanBackend();

void registerVulkanBackendPasses();

std::unique_ptr<Pass> createVulkanLowerKernelsPass(const VulkanTarget &target);

/// infer-vulkan-form-groups for `target` (VulkanTemplates.cpp).
std::unique_ptr<Pass> createVulkanFormGroupsPass(const VulkanTarget &target);
void registerVulkanFormGroupsPass();

} // namespace mlir::infer

#endif // INFER_CODEGEN_VULKAN_VULKANBACKEND_H
