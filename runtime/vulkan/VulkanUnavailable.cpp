//===- VulkanUnavailable.cpp - A runtime built without Vulkan -------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Built instead of VulkanBackend.cpp and VulkanDevice.cpp where the Vulkan
// headers were missing at build time (CMake says so): a Vulkan artifact is
// refused with that reason.
//
//===----------------------------------------------------------------------===//

#include "runtime/vulkan/VulkanBackend.h"

namespace infer::vk {

class VulkanProgram {};
class VulkanExecution {};

bool available() { return false; }

void VulkanProgramDeleter::operator()(VulkanProgram *p) const { delete p; }
void VulkanExecutionDeleter::operator()(VulkanExecution *e) const { delete e; }

infer_status loadProgram(const fb::Model &, const VulkanProgram *, ProgramPtr &,
                         std::string &error) {
  error = "this runtime was built without Vulkan (the Vulkan headers, Debian's "
          "libvulkan-dev, were missing at build time)";
  return INFER_ERROR_TARGET;
}
std::string deviceName(const VulkanProgram &) { return ""; }
infer_status createExecution(const VulkanProgram &, const fb::Model &,
                             const std::vector<size_t> &, const std::vector<size_t> &,
                             ExecutionPtr &, std::string &error) {
  error = "this runtime was built without Vulkan";
  return INFER_ERROR_TARGET;
}
uint8_t *hostInput(VulkanExecution &, size_t) { return nullptr; }
const uint8_t *hostOutput(const VulkanExecution &, size_t) { return nullptr; }
infer_status fetchOutputs(VulkanExecution &, std::string &error) {
  error = "this runtime was built without Vulkan";
  return INFER_ERROR_TARGET;
}
infer_status run(VulkanExecution &, double *, bool, std::string &error) {
  error = "this runtime was built without Vulkan";
  return INFER_ERROR_TARGET;
}

} // namespace infer::vk
