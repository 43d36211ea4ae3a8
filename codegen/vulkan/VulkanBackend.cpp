//===- VulkanBackend.cpp - The Vulkan target backend ----------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/vulkan/VulkanBackend.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVDialect.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"

#include <cstring>

namespace mlir::infer {
#define GEN_PASS_DECL_INFERVULKANLOWERKERNELS
#define GEN_PASS_DEF_INFERVULKANLOWERKERNELS
#include "codegen/vulkan/Passes.h.inc"
} // namespace mlir::infer

using namespace mlir;
using namespace mlir::infer;

std::string VulkanBackend::artifactTarget() const {
  return target->name() == "default" ? "vulkan" : "vulkan:" + target->name();
}

GraphShaping VulkanBackend::graphShaping(StringRef precision) const {
  GraphShaping s;
  // Every kernel splits into invocations. With cooperative matrices the
  // fp16 convolutions become NHWC GEMMs (an im2col kernel, then the
  // product on the matrix units); without, products stay where they are.
  s.gpu = true;
  s.convToGemm = target->has("coopmat") && precision == "fp16";
  s.sparseDecline = "the Vulkan target has no sparse kernels";
  return s;
}

namespace {
struct VulkanLowerKernelsPass
    : infer::impl::InferVulkanLowerKernelsBase<VulkanLowerKernelsPass> {
  using Base::Base;
  VulkanLowerKernelsPass(const VulkanTarget &t) : target(t) {}
  std::optional<VulkanTarget> target;

  void getDependentDialects(DialectRegistry &registry) const override {
    Base::getDependentDialects(registry);
    KernelModule::registerDialects(registry);
    VulkanKernelConvention().registerDialects(registry);
  }
  void runOnOperation() override {
    ModuleOp kernels = KernelModule::find(getOperation());
    if (!kernels)
      return;
    if (failed(resolveVulkanTarget(target, features, getOperation())))
      return signalPassFailure();
    if (failed(lowerVulkanKernels(kernels, *target, [&](OpPassManager &pm) {
          return runPipeline(pm, kernels);
        })))
      signalPassFailure();
  }
};
} // namespace

std::unique_ptr<Pass> mlir::infer::createVulkanLowerKernelsPass(const VulkanTarget &target) {
  return std::make_unique<VulkanLowerKernelsPass>(target);
}

void VulkanBackend::addConfigPasses(OpPassManager &pm) const {
  pm.addNestedPass<func::FuncOp>(createVulkanFormGroupsPass(*target));
}

void VulkanBackend::addLoweringPasses(OpPassManager &pm, const CodegenOptions &) const {
  pm.addPass(createVulkanLowerKernelsPass(*target));
}

FailureOr<BackendOutput> VulkanBackend::emitBinaries(ModuleOp kernels,
                                                     const CodegenOptions &,
                                                     std::string &error) const {
  FailureOr<SpirvBinary> bin = serializeVulkanKernels(kernels, error);
  if (failed(bin))
    return failure();
  BackendOutput out;
  std::vector<char> data(bin->words.size() * 4);
  std::memcpy(data.data(), bin->words.data(), data.size());
  out.listings.push_back({"spirv", std::move(bin->text)});
  out.listings.push_back({"spirv-binary", std::string(data.begin(), data.end())});
  // The version the module needs (the runtime wants Vulkan 1.3 for 1.6).
  out.binaries.push_back(
      {"vulkan", "spirv", "spirv" + bin->version, bin->capabilities, std::move(data)});
  return out;
}

void mlir::infer::registerVulkanBackend() {
  registerTargetBackend(
      "vulkan", "vulkan, vulkan:<-fp16,-fp64,-int8,-int16,-int64,+coopmat,+coopmat2>",
      [](StringRef arch, std::string &error) -> std::unique_ptr<TargetBackend> {
        std::unique_ptr<VulkanTarget> target = createVulkanTarget(arch, error);
        if (!target)
          return nullptr;
        return std::make_unique<VulkanBackend>(std::move(target));
      });
}

void mlir::infer::registerVulkanBackendPasses() {
  registerVulkanFormGroupsPass();
  registerPass([]() -> std::unique_ptr<Pass> {
    return std::make_unique<VulkanLowerKernelsPass>();
  });
}
