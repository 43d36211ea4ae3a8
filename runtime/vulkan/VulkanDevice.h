//===- VulkanDevice.h - The Vulkan loader and one compute device -*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The Vulkan loader (libvulkan.so.1) is opened with dlopen on first use, so
// the runtime builds and runs CPU and CUDA artifacts where Vulkan is
// absent. One device per process, chosen by INFER_VULKAN_DEVICE (an index
// into the loader's list, or part of the device's name) or else the first
// discrete GPU, integrated GPU, virtual GPU, then CPU implementation
// (Mesa's lavapipe). The optional features the kernels may use (16-bit and
// 8-bit storage and arithmetic, 64-bit integers and floats) are enabled
// where the device has them; the program checks its module's capabilities
// against them.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_RUNTIME_VULKAN_VULKANDEVICE_H
#define INFER_RUNTIME_VULKAN_VULKANDEVICE_H

#include "runtime/include/infer_runtime.h"

#include "runtime/vulkan/CoopMatrixKHR.h"

#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>

namespace infer::vk {

/// Entry points, loaded from the loader and the device.
struct Functions {
#define INFER_VK_FN(name) PFN_##name name = nullptr;
#include "runtime/vulkan/VulkanFunctions.def"
};

/// A buffer with its own memory; `mapped` when host-visible.
struct Buffer {
  VkBuffer buffer = VK_NULL_HANDLE;
  VkDeviceMemory memory = VK_NULL_HANDLE;
  VkDeviceSize size = 0;
  uint8_t *mapped = nullptr;
};

class Device {
public:
  ~Device();
  /// The process's device, created on first use; null with `error` (and
  /// its status in `status`) when there is no loader or no device.
  static std::shared_ptr<Device> get(std::string &error, infer_status &status);

  /// Whether the device has SPIR-V capability `name` ("Float16", "Int64")
  /// enabled; `known` is false for a capability this runtime cannot check.
  bool hasCapability(const std::string &name, bool &known) const;

  /// A buffer for storage and transfers, in device-local memory (mapped
  /// too when that memory is host-visible) or in host-visible coherent
  /// memory (always mapped; cached when `hostReads`, for downloads).
  infer_status createBuffer(VkDeviceSize size, bool hostVisible, Buffer &out,
                            std::string &error, bool hostReads = false) const;
  void destroyBuffer(Buffer &b) const;
  /// Records one command buffer with `record`, submits it and waits.
  infer_status runOnce(const std::function<void(VkCommandBuffer)> &record,
                       std::string &error) const;
  /// Submits `cmd` and waits for it on `fence` (reset after). The queue is
  /// the process's: submissions from several threads are serialized.
  infer_status submit(VkCommandBuffer cmd, VkFence fence, std::string &error) const;
  /// A command pool for one thread's use (each execution context has its
  /// own: Vulkan pools are not thread-safe), and a command buffer of it.
  infer_status createCommandPool(VkCommandPool &pool, std::string &error) const;
  infer_status allocateCommandBuffer(VkCommandPool pool, VkCommandBuffer &cmd,
                                     std::string &error) const;

  Functions fn;
  VkInstance instance = VK_NULL_HANDLE;
  VkPhysicalDevice physical = VK_NULL_HANDLE;
  VkDevice device = VK_NULL_HANDLE;
  VkQueue queue = VK_NULL_HANDLE;
  uint32_t queueFamily = 0;
  VkPhysicalDeviceProperties properties{};
  VkPhysicalDeviceMemoryProperties memory{};
  /// "llvmpipe (LLVM 15.0.6, 256 bits) (Vulkan 1.3)".
  std::string name;
  /// Timestamps: valid bits of the queue's (0: none) and ns per tick.
  uint32_t timestampBits = 0;
  double timestampNs = 1;
  /// The Vulkan version the instance was created for.
  uint32_t instanceVersion = 0;
  /// Why the device offers no cooperative matrices the kernels can use
  /// (empty when it does: the capability CooperativeMatrixKHR is on).
  std::string coopMatrixMissing;
  /// Why the device offers no workgroup-scope matrices the coopmat2 kernels
  /// can use (empty when it does: CooperativeMatrixWorkgroupScopeNV is on).
  std::string coopMatrix2Missing;
  /// Whether the device runs SPIR-V 1.6 (Vulkan 1.3 device and instance).
  bool spirv16 = false;
  /// Invocations per subgroup.
  uint32_t subgroupSize = 0;

private:
  Device() = default;
  infer_status create(std::string &error);
  infer_status pickDevice(std::string &error);
  infer_status createDevice(std::string &error);
  /// Whether the device lists extension `name`.
  bool hasExtension(const char *name) const;
  /// Checks what the cooperative-matrix kernels need (the extension's
  /// feature, fp16 16 x 16 x 16 products with f32 accumulators in a
  /// subgroup, subgroups of 32); sets coopMatrixMissing when it is absent.
  bool checkCoopMatrix(const VkPhysicalDeviceCooperativeMatrixFeaturesKHR &features);
  /// Checks what the workgroup-scope kernels need (VK_NV_cooperative_matrix2's
  /// workgroup scope and flexible dimensions, fp16 x fp16 + f32 products by
  /// workgroups of 256 in granules that divide 128 x 128 x 32, dimensions
  /// up to 256); sets coopMatrix2Missing when it is absent.
  bool checkCoopMatrix2(bool listed, const InferVkPhysicalDeviceCooperativeMatrix2FeaturesNV &f);
  void *library = nullptr;
  std::set<std::string> capabilities;
  VkCommandPool pool = VK_NULL_HANDLE;
  /// Guards the queue and `pool` (runOnce).
  mutable std::mutex queueMutex, poolMutex;
};

/// "VK_ERROR_OUT_OF_DEVICE_MEMORY" for `r`.
std::string resultName(VkResult r);

} // namespace infer::vk

#endif // INFER_RUNTIME_VULKAN_VULKANDEVICE_H
