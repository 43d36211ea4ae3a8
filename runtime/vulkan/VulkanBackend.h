//===- VulkanBackend.h - Running artifacts through Vulkan -------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// VulkanProgram is the engine's side: the SPIR-V module checked against the
// device's features, one compute pipeline per kernel (descriptor set 0:
// one storage buffer per argument) through a pipeline cache, and the
// weights uploaded once into device memory. VulkanExecution is a context's:
// a device arena, device buffers for inputs and outputs with host-visible
// twins, one descriptor set per launch, and the whole plan recorded once
// into a command buffer (uploads, dispatches with a barrier after each,
// check flags, downloads) that every run replays: Vulkan's counterpart of
// the CUDA graph. A profiled run replays a second recording with a
// timestamp around each launch.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_RUNTIME_VULKAN_VULKANBACKEND_H
#define INFER_RUNTIME_VULKAN_VULKANBACKEND_H

#include "runtime/include/infer_runtime.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace infer {
namespace fb {
struct Model;
} // namespace fb

namespace vk {

/// Whether this runtime was built with Vulkan support.
bool available();

class VulkanProgram;
class VulkanExecution;

struct VulkanProgramDeleter {
  void operator()(VulkanProgram *p) const;
};
struct VulkanExecutionDeleter {
  void operator()(VulkanExecution *e) const;
};
using ProgramPtr = std::unique_ptr<VulkanProgram, VulkanProgramDeleter>;
using ExecutionPtr = std::unique_ptr<VulkanExecution, VulkanExecutionDeleter>;

/// Loads the SPIR-V code and weights of `model`; a specialization of a
/// dynamic model uses the weights its outer model uploaded (`shared`).
infer_status loadProgram(const fb::Model &model, const VulkanProgram *shared,
                         ProgramPtr &out, std::string &error);
/// "llvmpipe (LLVM 15.0.6, 256 bits) (Vulkan 1.3)".
std::string deviceName(const VulkanProgram &program);

/// A context's buffers and recorded plan.
infer_status createExecution(const VulkanProgram &program, const fb::Model &model,
                             const std::vector<size_t> &inputSizes,
                             const std::vector<size_t> &outputSizes, ExecutionPtr &out,
                             std::string &error);
uint8_t *hostInput(VulkanExecution &e, size_t i);
const uint8_t *hostOutput(const VulkanExecution &e, size_t i);
/// Runs the plan and waits; with `launchMs`, times every launch. Without
/// `copies`, runs on the inputs already on the device and leaves the
/// outputs there (fetchOutputs brings them back).
infer_status run(VulkanExecution &e, double *launchMs, bool copies, std::string &error);
/// After runs without copies: the outputs to the host.
infer_status fetchOutputs(VulkanExecution &e, std::string &error);

} // namespace vk
} // namespace infer

#endif // INFER_RUNTIME_VULKAN_VULKANBACKEND_H
