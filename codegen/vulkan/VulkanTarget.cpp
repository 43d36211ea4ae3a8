//===- VulkanTarget.cpp - What a Vulkan device must offer the kernels -----===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/vulkan/VulkanTarget.h"

#include "mlir/Dialect/SPIRV/IR/SPIRVAttributes.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace mlir::infer;

static constexpr const char *kFeatures[] = {"fp16", "fp64", "int8", "int16", "int64", "subgroup"};
/// Features a target has only when named ("+coopmat"): kernels that need
/// them run on fewer devices.
static constexpr const char *kOptIn[] = {"coopmat", "coopmat2"};

bool VulkanTarget::has(StringRef feature) const {
  return llvm::is_contained(features, feature.str());
}

std::string VulkanTarget::name() const {
  bool defaults = features.size() == std::size(kFeatures) &&
                  llvm::all_of(kFeatures, [&](const char *f) { return has(f); });
  return defaults ? "default" : llvm::join(features, ",");
}

std::unique_ptr<VulkanTarget> mlir::infer::createVulkanTarget(StringRef arch,
                                                             std::string &error) {
  auto target = std::make_unique<VulkanTarget>();
  target->features.assign(std::begin(kFeatures), std::end(kFeatures));
  SmallVector<StringRef> items;
  arch.split(items, ',', -1, /*KeepEmpty=*/false);
  for (StringRef item : items) {
    item = item.trim();
    bool off = item.consume_front("-");
    if (!off)
      item.consume_front("+");
    if (!llvm::is_contained(kFeatures, item) && !llvm::is_contained(kOptIn, item)) {
      error = "unknown Vulkan feature '" + item.str() +
              "' (known: fp16, fp64, int8, int16, int64, subgroup, which are on unless "
              "'-fp64' turns one off, and coopmat and coopmat2, off unless named as in "
              "'+coopmat')";
      return nullptr;
    }
    llvm::erase(target->features, item.str());
    if (!off)
      target->features.push_back(item.str());
  }
  llvm::sort(target->features);
  if (target->has("coopmat") && !target->has("fp16")) {
    error = "the Vulkan feature 'coopmat' needs 'fp16' (the cooperative matrices "
            "multiply fp16)";
    return nullptr;
  }
  if (target->has("coopmat2") && !target->has("coopmat")) {
    error = "the Vulkan feature 'coopmat2' needs 'coopmat' (workgroup-scope matrices "
            "extend the cooperative-matrix kernels)";
    return nullptr;
  }
  return target;
}

LogicalResult mlir::infer::resolveVulkanTarget(std::optional<VulkanTarget> &target,
                                              StringRef features, Operation *op) {
  if (target)
    return success();
  std::string error;
  std::unique_ptr<VulkanTarget> t = createVulkanTarget(features, error);
  if (!t)
    return op->emitError() << error;
  target = *t;
  return success();
}

spirv::TargetEnvAttr mlir::infer::vulkanTargetEnv(MLIRContext *context,
                                                 const VulkanTarget &target) {
  using spirv::Capability;
  using spirv::Extension;
  SmallVector<Capability> caps = {Capability::Shader};
  SmallVector<Extension> exts = {Extension::SPV_KHR_storage_buffer_storage_class};
  if (target.has("fp16"))
    caps.append({Capability::Float16, Capability::StorageBuffer16BitAccess});
  if (target.has("int16") || target.has("fp16")) {
    caps.push_back(Capability::Int16);
    if (!llvm::is_contained(caps, Capability::StorageBuffer16BitAccess))
      caps.push_back(Capability::StorageBuffer16BitAccess);
  }
  if (llvm::is_contained(caps, Capability::StorageBuffer16BitAccess))
    exts.push_back(Extension::SPV_KHR_16bit_storage);
  if (target.has("int8")) {
    caps.append({Capability::Int8, Capability::StorageBuffer8BitAccess});
    exts.push_back(Extension::SPV_KHR_8bit_storage);
  }
  if (target.has("fp64"))
    caps.push_back(Capability::Float64);
  if (target.has("int64"))
    caps.push_back(Capability::Int64);
  if (target.has("subgroup"))
    caps.append({Capability::GroupNonUniform, Capability::GroupNonUniformArithmetic});
  if (target.has("coopmat")) {
    caps.push_back(Capability::CooperativeMatrixKHR);
    exts.push_back(Extension::SPV_KHR_cooperative_matrix);
  }
  auto triple = spirv::VerCapExtAttr::get(target.spirvVersion() == "1.6" ? spirv::Version::V_1_6
                                                                         : spirv::Version::V_1_3,
                                          caps, exts, context);
  return spirv::TargetEnvAttr::get(triple, spirv::getDefaultResourceLimits(context),
                                   spirv::ClientAPI::Vulkan);
}
