// Prints what a Vulkan device offers for cooperative matrices: the
// VK_KHR_cooperative_matrix shapes, VK_NV_cooperative_matrix2's features,
// limits and flexible dimensions, subgroup sizes, workgroup memory and
// float atomics. A research probe for the GPU machine (issue 16): which
// matrix paths NVIDIA's driver exposes beyond 16x16x16 subgroup matrices.
//
//   g++ -std=c++17 -I DIR/include -I . bench/gpu/vk_coopmat_probe.cpp -ldl -o probe
#include "runtime/vulkan/CoopMatrixKHR.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstring>
#include <vector>

namespace {
// VK_NV_cooperative_matrix2 (extension 594), newer than these headers.
constexpr auto kFeatures2 = static_cast<VkStructureType>(1000593000);
constexpr auto kFlexible = static_cast<VkStructureType>(1000593001);
constexpr auto kProperties2 = static_cast<VkStructureType>(1000593002);
struct Features2 {
  VkStructureType sType;
  void *pNext;
  VkBool32 workgroupScope, flexibleDimensions, reductions, conversions, perElementOperations,
      tensorAddressing, blockLoads;
};
struct Properties2 {
  VkStructureType sType;
  void *pNext;
  uint32_t workgroupScopeMaxWorkgroupSize, flexibleDimensionsMaxDimension,
      workgroupScopeReservedSharedMemory;
};
struct FlexibleDimensions {
  VkStructureType sType;
  void *pNext;
  uint32_t mGranularity, nGranularity, kGranularity;
  VkComponentTypeKHR aType, bType, cType, resultType;
  VkBool32 saturatingAccumulation;
  VkScopeKHR scope;
  uint32_t workgroupInvocations;
};
using FlexibleFn = VkResult(VKAPI_PTR *)(VkPhysicalDevice, uint32_t *, FlexibleDimensions *);

const char *component(int t) {
  static const char *names[] = {"f16", "f32", "f64", "s8", "s16", "s32", "s64",
                                "u8",  "u16", "u32", "u64"};
  return t >= 0 && t < 11 ? names[t] : "other";
}
const char *scope(int s) {
  return s == 3 ? "subgroup" : s == 2 ? "workgroup" : s == 1 ? "device" : "other";
}
} // namespace

int main() {
  void *lib = dlopen("libvulkan.so.1", RTLD_NOW);
  if (!lib) {
    std::fprintf(stderr, "no Vulkan loader: %s\n", dlerror());
    return 1;
  }
  auto gipa = reinterpret_cast<PFN_vkGetInstanceProcAddr>(dlsym(lib, "vkGetInstanceProcAddr"));
  auto createInstance =
      reinterpret_cast<PFN_vkCreateInstance>(gipa(nullptr, "vkCreateInstance"));
  VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
  app.apiVersion = VK_API_VERSION_1_3;
  VkInstanceCreateInfo ici{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
  ici.pApplicationInfo = &app;
  VkInstance instance;
  if (createInstance(&ici, nullptr, &instance) != VK_SUCCESS) {
    std::fprintf(stderr, "vkCreateInstance failed\n");
    return 1;
  }
#define LOAD(name) auto name = reinterpret_cast<PFN_##name>(gipa(instance, #name))
  LOAD(vkEnumeratePhysicalDevices);
  LOAD(vkGetPhysicalDeviceProperties2);
  LOAD(vkGetPhysicalDeviceFeatures2);
  LOAD(vkEnumerateDeviceExtensionProperties);
  LOAD(vkGetPhysicalDeviceCooperativeMatrixPropertiesKHR);
  auto flexibleFn = reinterpret_cast<FlexibleFn>(
      gipa(instance, "vkGetPhysicalDeviceCooperativeMatrixFlexibleDimensionsPropertiesNV"));
  uint32_t count = 0;
  vkEnumeratePhysicalDevices(instance, &count, nullptr);
  std::vector<VkPhysicalDevice> devices(count);
  vkEnumeratePhysicalDevices(instance, &count, devices.data());
  for (VkPhysicalDevice d : devices) {
    VkPhysicalDeviceSubgroupSizeControlProperties sizes{
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_SIZE_CONTROL_PROPERTIES};
    Properties2 p2{kProperties2, &sizes};
    VkPhysicalDeviceProperties2 props{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2, &p2};
    vkGetPhysicalDeviceProperties2(d, &props);
    const VkPhysicalDeviceLimits &l = props.properties.limits;
    std::printf("device: %s, driver %u, API %u.%u\n", props.properties.deviceName,
                props.properties.driverVersion, VK_API_VERSION_MAJOR(props.properties.apiVersion),
                VK_API_VERSION_MINOR(props.properties.apiVersion));
    std::printf("  workgroup memory %u bytes, invocations %u, subgroups %u..%u\n",
                l.maxComputeSharedMemorySize, l.maxComputeWorkGroupInvocations,
                sizes.minSubgroupSize, sizes.maxSubgroupSize);
    uint32_t n = 0;
    vkEnumerateDeviceExtensionProperties(d, nullptr, &n, nullptr);
    std::vector<VkExtensionProperties> exts(n);
    vkEnumerateDeviceExtensionProperties(d, nullptr, &n, exts.data());
    bool nv2 = false;
    std::printf("  extensions:");
    for (const VkExtensionProperties &e : exts) {
      if (std::strstr(e.extensionName, "cooperative") || std::strstr(e.extensionName, "atomic") ||
          std::strstr(e.extensionName, "memory_model") || std::strstr(e.extensionName, "tensor") ||
          std::strstr(e.extensionName, "shader_integer_dot"))
        std::printf(" %s", e.extensionName);
      nv2 |= !std::strcmp(e.extensionName, "VK_NV_cooperative_matrix2");
    }
    std::printf("\n");
    if (vkGetPhysicalDeviceCooperativeMatrixPropertiesKHR) {
      vkGetPhysicalDeviceCooperativeMatrixPropertiesKHR(d, &n, nullptr);
      std::vector<VkCooperativeMatrixPropertiesKHR> cm(
          n, {VK_STRUCTURE_TYPE_COOPERATIVE_MATRIX_PROPERTIES_KHR});
      vkGetPhysicalDeviceCooperativeMatrixPropertiesKHR(d, &n, cm.data());
      for (const VkCooperativeMatrixPropertiesKHR &c : cm)
        std::printf("  KHR %ux%ux%u %s x %s + %s -> %s %s%s\n", c.MSize, c.NSize, c.KSize,
                    component(c.AType), component(c.BType), component(c.CType),
                    component(c.ResultType), scope(c.scope),
                    c.saturatingAccumulation ? " saturating" : "");
    }
    if (!nv2)
      continue;
    Features2 f2{kFeatures2};
    VkPhysicalDeviceFeatures2 feats{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2, &f2};
    vkGetPhysicalDeviceFeatures2(d, &feats);
    std::printf("  NV2 features: workgroupScope %u flexibleDimensions %u reductions %u "
                "conversions %u perElement %u tensorAddressing %u blockLoads %u\n",
                f2.workgroupScope, f2.flexibleDimensions, f2.reductions, f2.conversions,
                f2.perElementOperations, f2.tensorAddressing, f2.blockLoads);
    std::printf("  NV2 limits: workgroup scope max %u invocations, flexible max dimension %u, "
                "reserved workgroup memory %u\n",
                p2.workgroupScopeMaxWorkgroupSize, p2.flexibleDimensionsMaxDimension,
                p2.workgroupScopeReservedSharedMemory);
    if (flexibleFn) {
      flexibleFn(d, &n, nullptr);
      std::vector<FlexibleDimensions> fd(n, {kFlexible});
      flexibleFn(d, &n, fd.data());
      for (const FlexibleDimensions &f : fd)
        std::printf("  NV2 flexible %ux%ux%u granules %s x %s + %s -> %s %s, %u invocations%s\n",
                    f.mGranularity, f.nGranularity, f.kGranularity, component(f.aType),
                    component(f.bType), component(f.cType), component(f.resultType),
                    scope(f.scope), f.workgroupInvocations,
                    f.saturatingAccumulation ? " saturating" : "");
    }
  }
  return 0;
}
