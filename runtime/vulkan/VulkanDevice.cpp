//===- VulkanDevice.cpp - The Vulkan loader and one compute device --------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "runtime/vulkan/VulkanDevice.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <vector>

using namespace infer;
using namespace infer::vk;

std::string vk::resultName(VkResult r) {
  switch (r) {
#define CASE(x)                                                                \
  case x:                                                                      \
    return #x;
    CASE(VK_NOT_READY)
    CASE(VK_TIMEOUT)
    CASE(VK_ERROR_OUT_OF_HOST_MEMORY)
    CASE(VK_ERROR_OUT_OF_DEVICE_MEMORY)
    CASE(VK_ERROR_INITIALIZATION_FAILED)
    CASE(VK_ERROR_DEVICE_LOST)
    CASE(VK_ERROR_MEMORY_MAP_FAILED)
    CASE(VK_ERROR_LAYER_NOT_PRESENT)
    CASE(VK_ERROR_EXTENSION_NOT_PRESENT)
    CASE(VK_ERROR_FEATURE_NOT_PRESENT)
    CASE(VK_ERROR_INCOMPATIBLE_DRIVER)
    CASE(VK_ERROR_TOO_MANY_OBJECTS)
    CASE(VK_ERROR_FORMAT_NOT_SUPPORTED)
    CASE(VK_ERROR_FRAGMENTED_POOL)
    CASE(VK_ERROR_OUT_OF_POOL_MEMORY)
    CASE(VK_ERROR_INVALID_SHADER_NV)
#undef CASE
  default:
    return "VkResult " + std::to_string(static_cast<int>(r));
  }
}

namespace {
std::mutex deviceMutex;
std::weak_ptr<Device> current;

/// The device types in the order a default pick prefers them.
int rank(VkPhysicalDeviceType t) {
  switch (t) {
  case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return 0;
  case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return 1;
  case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return 2;
  case VK_PHYSICAL_DEVICE_TYPE_CPU: return 3;
  default: return 4;
  }
}
} // namespace

std::shared_ptr<Device> Device::get(std::string &error, infer_status &status) {
  std::lock_guard<std::mutex> lock(deviceMutex);
  if (std::shared_ptr<Device> d = current.lock())
    return d;
  std::shared_ptr<Device> d(new Device());
  status = d->create(error);
  if (status != INFER_OK)
    return nullptr;
  current = d;
  return d;
}

Device::~Device() {
  if (device) {
    if (pool)
      fn.vkDestroyCommandPool(device, pool, nullptr);
    fn.vkDestroyDevice(device, nullptr);
  }
  if (instance)
    fn.vkDestroyInstance(instance, nullptr);
  if (library)
    dlclose(library);
}

infer_status Device::create(std::string &error) {
  // INFER_VULKAN_LOADER names another loader (a newer one, a debug build).
  const char *path = std::getenv("INFER_VULKAN_LOADER");
  std::string loader = path && *path ? path : "libvulkan.so.1";
  library = dlopen(loader.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!library && !(path && *path))
    library = dlopen("libvulkan.so", RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    error = "the Vulkan loader (" + loader +
            ") was not found: install it (Debian: libvulkan1 and a driver, e.g. "
            "mesa-vulkan-drivers)";
    return INFER_ERROR_DEVICE;
  }
  fn.vkGetInstanceProcAddr = reinterpret_cast<PFN_vkGetInstanceProcAddr>(
      dlsym(library, "vkGetInstanceProcAddr"));
  if (!fn.vkGetInstanceProcAddr) {
    error = "the Vulkan loader has no vkGetInstanceProcAddr";
    return INFER_ERROR_DEVICE;
  }
  auto global = [&](const char *name) {
    return fn.vkGetInstanceProcAddr(VK_NULL_HANDLE, name);
  };
  fn.vkCreateInstance = reinterpret_cast<PFN_vkCreateInstance>(global("vkCreateInstance"));
  fn.vkEnumerateInstanceVersion = reinterpret_cast<PFN_vkEnumerateInstanceVersion>(
      global("vkEnumerateInstanceVersion"));
  uint32_t loaderVersion = VK_API_VERSION_1_0;
  if (fn.vkEnumerateInstanceVersion)
    fn.vkEnumerateInstanceVersion(&loaderVersion);
  if (!fn.vkCreateInstance || loaderVersion < VK_API_VERSION_1_1) {
    error = "the Vulkan loader is older than Vulkan 1.1, which the kernels need";
    return INFER_ERROR_DEVICE;
  }
  VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
  app.pApplicationName = "infer";
  app.pEngineName = "infer";
  // 1.3 where the loader has it: SPIR-V 1.6 (the cooperative-matrix
  // kernels) needs a 1.3 instance and device.
  app.apiVersion = std::min<uint32_t>(loaderVersion, VK_API_VERSION_1_3);
  instanceVersion = app.apiVersion;
  VkInstanceCreateInfo info{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
  info.pApplicationInfo = &app;
  if (VkResult r = fn.vkCreateInstance(&info, nullptr, &instance)) {
    instance = VK_NULL_HANDLE;
    if (r == VK_ERROR_INCOMPATIBLE_DRIVER) {
      error = "no Vulkan driver: the loader found none that works "
              "(VK_ERROR_INCOMPATIBLE_DRIVER); install one, e.g. Debian's "
              "mesa-vulkan-drivers for lavapipe";
      return INFER_ERROR_DEVICE;
    }
    error = "cannot create a Vulkan instance (" + resultName(r) + ")";
    return INFER_ERROR_SYSTEM;
  }
#define INFER_VK_FN(name)                                                      \
  if (!fn.name)                                                                \
    fn.name = reinterpret_cast<PFN_##name>(fn.vkGetInstanceProcAddr(instance, #name));
#include "runtime/vulkan/VulkanFunctions.def"
  if (infer_status s = pickDevice(error))
    return s;
  return createDevice(error);
}

infer_status Device::pickDevice(std::string &error) {
  uint32_t count = 0;
  fn.vkEnumeratePhysicalDevices(instance, &count, nullptr);
  std::vector<VkPhysicalDevice> devices(count);
  if (count)
    fn.vkEnumeratePhysicalDevices(instance, &count, devices.data());
  if (devices.empty()) {
    error = "no Vulkan device: the loader lists none (install a driver, "
            "e.g. Debian's mesa-vulkan-drivers for lavapipe)";
    return INFER_ERROR_DEVICE;
  }
  std::vector<VkPhysicalDeviceProperties> props(devices.size());
  std::string names;
  for (size_t i = 0; i < devices.size(); ++i) {
    fn.vkGetPhysicalDeviceProperties(devices[i], &props[i]);
    names += (i ? ", " : "") + std::to_string(i) + ": " + props[i].deviceName;
  }
  int pick = -1;
  const char *want = std::getenv("INFER_VULKAN_DEVICE");
  if (want && *want) {
    char *end = nullptr;
    long index = std::strtol(want, &end, 10);
    if (*end == '\0' && index >= 0 && index < static_cast<long>(devices.size()))
      pick = static_cast<int>(index);
    for (size_t i = 0; pick < 0 && i < devices.size(); ++i)
      if (std::strstr(props[i].deviceName, want))
        pick = static_cast<int>(i);
    if (pick < 0) {
      error = std::string("INFER_VULKAN_DEVICE='") + want +
              "' names no Vulkan device (" + names + ")";
      return INFER_ERROR_DEVICE;
    }
  } else {
    for (size_t i = 0; i < devices.size(); ++i)
      if (props[i].apiVersion >= VK_API_VERSION_1_1 &&
          (pick < 0 || rank(props[i].deviceType) < rank(props[pick].deviceType)))
        pick = static_cast<int>(i);
    if (pick < 0) {
      error = "no Vulkan 1.1 device (" + names + ")";
      return INFER_ERROR_DEVICE;
    }
  }
  physical = devices[pick];
  properties = props[pick];
  if (properties.apiVersion < VK_API_VERSION_1_1) {
    error = std::string("Vulkan device '") + properties.deviceName +
            "' supports Vulkan " + std::to_string(VK_API_VERSION_MAJOR(properties.apiVersion)) +
            "." + std::to_string(VK_API_VERSION_MINOR(properties.apiVersion)) +
            "; the kernels need 1.1";
    return INFER_ERROR_DEVICE;
  }
  name = std::string(properties.deviceName) + " (Vulkan " +
         std::to_string(VK_API_VERSION_MAJOR(properties.apiVersion)) + "." +
         std::to_string(VK_API_VERSION_MINOR(properties.apiVersion)) + ")";
  fn.vkGetPhysicalDeviceMemoryProperties(physical, &memory);
  return INFER_OK;
}

infer_status Device::createDevice(std::string &error) {
  uint32_t count = 0;
  fn.vkGetPhysicalDeviceQueueFamilyProperties(physical, &count, nullptr);
  std::vector<VkQueueFamilyProperties> families(count);
  fn.vkGetPhysicalDeviceQueueFamilyProperties(physical, &count, families.data());
  int family = -1;
  // A compute queue, one without graphics first (a dedicated one).
  for (uint32_t i = 0; i < count; ++i)
    if ((families[i].queueFlags & VK_QUEUE_COMPUTE_BIT) &&
        (family < 0 || !(families[i].queueFlags & VK_QUEUE_GRAPHICS_BIT)))
      family = static_cast<int>(i);
  if (family < 0) {
    error = "Vulkan device '" + name + "' has no compute queue";
    return INFER_ERROR_DEVICE;
  }
  queueFamily = static_cast<uint32_t>(family);
  timestampBits = families[family].timestampValidBits;
  timestampNs = properties.limits.timestampPeriod;

  // The optional features, enabled where present.
  // Vulkan 1.2's feature structs need a 1.2 instance and device.
  bool v12 = properties.apiVersion >= VK_API_VERSION_1_2 &&
             instanceVersion >= VK_API_VERSION_1_2;
  VkPhysicalDeviceVulkan12Features f12{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
  VkPhysicalDeviceVulkan11Features f11{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES};
  VkPhysicalDevice16BitStorageFeatures s16{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES};
  VkPhysicalDeviceFeatures2 features{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
  if (v12) {
    f11.pNext = &f12;
    features.pNext = &f11;
  } else {
    features.pNext = &s16;
  }
  spirv16 = properties.apiVersion >= VK_API_VERSION_1_3 &&
            instanceVersion >= VK_API_VERSION_1_3;
  VkPhysicalDeviceCooperativeMatrixFeaturesKHR coop{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_COOPERATIVE_MATRIX_FEATURES_KHR};
  bool coopListed = hasExtension(VK_KHR_COOPERATIVE_MATRIX_EXTENSION_NAME);
  if (coopListed) {
    coop.pNext = features.pNext;
    features.pNext = &coop;
  }
  InferVkPhysicalDeviceCooperativeMatrix2FeaturesNV coop2{
      INFER_VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_COOPERATIVE_MATRIX_2_FEATURES_NV};
  bool coop2Listed = coopListed && hasExtension(INFER_VK_NV_COOPERATIVE_MATRIX_2_EXTENSION_NAME);
  if (coop2Listed) {
    coop2.pNext = features.pNext;
    features.pNext = &coop2;
  }
  fn.vkGetPhysicalDeviceFeatures2(physical, &features);
  VkPhysicalDeviceFeatures2 enable{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
  VkPhysicalDeviceVulkan12Features e12{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES};
  VkPhysicalDeviceVulkan11Features e11{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES};
  VkPhysicalDevice16BitStorageFeatures e16{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES};
  // Shader implies Matrix (SPIR-V declares both).
  capabilities.insert("Shader");
  capabilities.insert("Matrix");
  auto take = [&](VkBool32 has, VkBool32 &on, const char *cap) {
    if (has) {
      on = VK_TRUE;
      capabilities.insert(cap);
    }
  };
  // Bounds-checked buffer access: a kernel cannot reach past the range the
  // plan binds (the CPU and CUDA loaders check each kernel's signature in
  // its code instead).
  enable.features.robustBufferAccess = features.features.robustBufferAccess;
  take(features.features.shaderFloat64, enable.features.shaderFloat64, "Float64");
  take(features.features.shaderInt64, enable.features.shaderInt64, "Int64");
  take(features.features.shaderInt16, enable.features.shaderInt16, "Int16");
  if (v12) {
    take(f11.storageBuffer16BitAccess, e11.storageBuffer16BitAccess,
         "StorageBuffer16BitAccess");
    take(f12.storageBuffer8BitAccess, e12.storageBuffer8BitAccess,
         "StorageBuffer8BitAccess");
    take(f12.shaderFloat16, e12.shaderFloat16, "Float16");
    take(f12.shaderInt8, e12.shaderInt8, "Int8");
    e11.pNext = &e12;
    enable.pNext = &e11;
  } else {
    take(s16.storageBuffer16BitAccess, e16.storageBuffer16BitAccess,
         "StorageBuffer16BitAccess");
    enable.pNext = &e16;
  }

  // Subgroup operations in compute shaders (the softmax and layer norm
  // rows reduce with them).
  VkPhysicalDeviceSubgroupProperties subgroup{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES};
  VkPhysicalDeviceProperties2 props2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2};
  props2.pNext = &subgroup;
  fn.vkGetPhysicalDeviceProperties2(physical, &props2);
  subgroupSize = subgroup.subgroupSize;
  if (subgroup.supportedStages & VK_SHADER_STAGE_COMPUTE_BIT) {
    if (subgroup.supportedOperations & VK_SUBGROUP_FEATURE_BASIC_BIT)
      capabilities.insert("GroupNonUniform");
    if (subgroup.supportedOperations & VK_SUBGROUP_FEATURE_ARITHMETIC_BIT)
      capabilities.insert("GroupNonUniformArithmetic");
  }
  VkPhysicalDeviceCooperativeMatrixFeaturesKHR enableCoop{
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_COOPERATIVE_MATRIX_FEATURES_KHR};
  std::vector<const char *> extensions;
  if (!coopListed) {
    coopMatrixMissing = "it does not offer VK_KHR_cooperative_matrix";
  } else if (checkCoopMatrix(coop)) {
    enableCoop.cooperativeMatrix = VK_TRUE;
    enableCoop.pNext = enable.pNext;
    enable.pNext = &enableCoop;
    extensions.push_back(VK_KHR_COOPERATIVE_MATRIX_EXTENSION_NAME);
    capabilities.insert("CooperativeMatrixKHR");
  }
  // Workgroup-scope matrices of flexible size (VK_NV_cooperative_matrix2):
  // no SPIR-V capability of their own; the kernels that use them list
  // this name among their features.
  InferVkPhysicalDeviceCooperativeMatrix2FeaturesNV enableCoop2{
      INFER_VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_COOPERATIVE_MATRIX_2_FEATURES_NV};
  if (!enableCoop.cooperativeMatrix) {
    coopMatrix2Missing = coopMatrixMissing;
  } else if (checkCoopMatrix2(coop2Listed, coop2)) {
    enableCoop2.cooperativeMatrixWorkgroupScope = VK_TRUE;
    enableCoop2.cooperativeMatrixFlexibleDimensions = VK_TRUE;
    enableCoop2.pNext = enable.pNext;
    enable.pNext = &enableCoop2;
    extensions.push_back(INFER_VK_NV_COOPERATIVE_MATRIX_2_EXTENSION_NAME);
    capabilities.insert("CooperativeMatrixWorkgroupScopeNV");
  }

  float priority = 1.0f;
  VkDeviceQueueCreateInfo queueInfo{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
  queueInfo.queueFamilyIndex = queueFamily;
  queueInfo.queueCount = 1;
  queueInfo.pQueuePriorities = &priority;
  VkDeviceCreateInfo info{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
  info.pNext = &enable;
  info.queueCreateInfoCount = 1;
  info.pQueueCreateInfos = &queueInfo;
  info.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
  info.ppEnabledExtensionNames = extensions.data();
  if (VkResult r = fn.vkCreateDevice(physical, &info, nullptr, &device)) {
    device = VK_NULL_HANDLE;
    error = "cannot create Vulkan device '" + name + "' (" + resultName(r) + ")";
    return INFER_ERROR_DEVICE;
  }
#define INFER_VK_FN(name)                                                      \
  if (auto *p = fn.vkGetDeviceProcAddr(device, #name))                         \
    fn.name = reinterpret_cast<PFN_##name>(p);
#include "runtime/vulkan/VulkanFunctions.def"
  fn.vkGetDeviceQueue(device, queueFamily, 0, &queue);
  return createCommandPool(pool, error);
}

bool Device::hasExtension(const char *wanted) const {
  uint32_t count = 0;
  if (!fn.vkEnumerateDeviceExtensionProperties ||
      fn.vkEnumerateDeviceExtensionProperties(physical, nullptr, &count, nullptr) != VK_SUCCESS)
    return false;
  std::vector<VkExtensionProperties> list(count);
  if (fn.vkEnumerateDeviceExtensionProperties(physical, nullptr, &count, list.data()) !=
      VK_SUCCESS)
    return false;
  return std::any_of(list.begin(), list.begin() + count, [&](const VkExtensionProperties &e) {
    return std::strcmp(e.extensionName, wanted) == 0;
  });
}

bool Device::checkCoopMatrix(const VkPhysicalDeviceCooperativeMatrixFeaturesKHR &features) {
  if (!spirv16) {
    coopMatrixMissing = "its Vulkan version (or the loader's) is below 1.3, which "
                        "SPIR-V 1.6 needs";
    return false;
  }
  if (!features.cooperativeMatrix) {
    coopMatrixMissing = "its cooperativeMatrix feature is off";
    return false;
  }
  uint32_t count = 0;
  auto query = fn.vkGetPhysicalDeviceCooperativeMatrixPropertiesKHR;
  if (!query || query(physical, &count, nullptr) != VK_SUCCESS) {
    coopMatrixMissing = "it lists no cooperative-matrix shapes";
    return false;
  }
  std::vector<VkCooperativeMatrixPropertiesKHR> shapes(
      count, VkCooperativeMatrixPropertiesKHR{VK_STRUCTURE_TYPE_COOPERATIVE_MATRIX_PROPERTIES_KHR});
  if (query(physical, &count, shapes.data()) != VK_SUCCESS)
    count = 0;
  bool shape = std::any_of(shapes.begin(), shapes.begin() + count,
                           [](const VkCooperativeMatrixPropertiesKHR &p) {
                             return p.MSize == 16 && p.NSize == 16 && p.KSize == 16 &&
                                    p.AType == VK_COMPONENT_TYPE_FLOAT16_KHR &&
                                    p.BType == VK_COMPONENT_TYPE_FLOAT16_KHR &&
                                    p.CType == VK_COMPONENT_TYPE_FLOAT32_KHR &&
                                    p.ResultType == VK_COMPONENT_TYPE_FLOAT32_KHR &&
                                    p.scope == VK_SCOPE_SUBGROUP_KHR;
                           });
  if (!shape) {
    coopMatrixMissing = "it has no 16x16x16 fp16 x fp16 + fp32 cooperative matrices "
                        "at subgroup scope";
    return false;
  }
  if (subgroupSize != 32) {
    coopMatrixMissing = "its subgroups have " + std::to_string(subgroupSize) +
                        " invocations; the cooperative-matrix kernels assume 32";
    return false;
  }
  return true;
}

bool Device::checkCoopMatrix2(bool listed,
                              const InferVkPhysicalDeviceCooperativeMatrix2FeaturesNV &f) {
  if (!listed) {
    coopMatrix2Missing = "it does not offer VK_NV_cooperative_matrix2";
    return false;
  }
  if (!f.cooperativeMatrixWorkgroupScope || !f.cooperativeMatrixFlexibleDimensions) {
    coopMatrix2Missing = "its cooperativeMatrixWorkgroupScope or "
                         "cooperativeMatrixFlexibleDimensions feature is off";
    return false;
  }
  InferVkPhysicalDeviceCooperativeMatrix2PropertiesNV limits{
      INFER_VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_COOPERATIVE_MATRIX_2_PROPERTIES_NV};
  VkPhysicalDeviceProperties2 props{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2};
  props.pNext = &limits;
  fn.vkGetPhysicalDeviceProperties2(physical, &props);
  if (limits.cooperativeMatrixFlexibleDimensionsMaxDimension < 256 ||
      limits.cooperativeMatrixWorkgroupScopeMaxWorkgroupSize < 256) {
    coopMatrix2Missing = "its workgroup-scope matrices are limited to " +
                         std::to_string(limits.cooperativeMatrixFlexibleDimensionsMaxDimension) +
                         " rows and workgroups of " +
                         std::to_string(limits.cooperativeMatrixWorkgroupScopeMaxWorkgroupSize) +
                         "; the kernels need 256 of each";
    return false;
  }
  uint32_t count = 0;
  auto query = fn.vkGetPhysicalDeviceCooperativeMatrixFlexibleDimensionsPropertiesNV;
  if (!query || query(physical, &count, nullptr) != VK_SUCCESS)
    count = 0;
  std::vector<InferVkCooperativeMatrixFlexibleDimensionsPropertiesNV> shapes(
      count, InferVkCooperativeMatrixFlexibleDimensionsPropertiesNV{
                 INFER_VK_STRUCTURE_TYPE_COOPERATIVE_MATRIX_FLEXIBLE_DIMENSIONS_PROPERTIES_NV});
  if (count && query(physical, &count, shapes.data()) != VK_SUCCESS)
    count = 0;
  bool shape = std::any_of(
      shapes.begin(), shapes.begin() + count,
      [](const InferVkCooperativeMatrixFlexibleDimensionsPropertiesNV &p) {
        return p.AType == VK_COMPONENT_TYPE_FLOAT16_KHR &&
               p.BType == VK_COMPONENT_TYPE_FLOAT16_KHR &&
               p.CType == VK_COMPONENT_TYPE_FLOAT32_KHR &&
               p.ResultType == VK_COMPONENT_TYPE_FLOAT32_KHR &&
               p.scope == VK_SCOPE_WORKGROUP_KHR && p.workgroupInvocations == 256 &&
               p.MGranularity && 128 % p.MGranularity == 0 && p.NGranularity &&
               128 % p.NGranularity == 0 && p.KGranularity && 32 % p.KGranularity == 0;
      });
  if (!shape) {
    coopMatrix2Missing = "it lists no fp16 x fp16 + fp32 workgroup-scope matrices for "
                         "workgroups of 256 in granules of 128 x 128 x 32";
    return false;
  }
  return true;
}

infer_status Device::createCommandPool(VkCommandPool &out, std::string &error) const {
  VkCommandPoolCreateInfo poolInfo{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
  poolInfo.queueFamilyIndex = queueFamily;
  poolInfo.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
  if (VkResult r = fn.vkCreateCommandPool(device, &poolInfo, nullptr, &out)) {
    out = VK_NULL_HANDLE;
    error = "cannot create a Vulkan command pool (" + resultName(r) + ")";
    return INFER_ERROR_SYSTEM;
  }
  return INFER_OK;
}

bool Device::hasCapability(const std::string &cap, bool &known) const {
  static const char *kKnown[] = {"Shader", "Matrix", "Float64", "Int64", "Int16", "Int8",
                                 "Float16", "StorageBuffer16BitAccess",
                                 "StorageBuffer8BitAccess", "CooperativeMatrixKHR",
                                 "GroupNonUniform", "GroupNonUniformArithmetic",
                                 "CooperativeMatrixWorkgroupScopeNV"};
  known = std::any_of(std::begin(kKnown), std::end(kKnown),
                      [&](const char *k) { return cap == k; });
  return capabilities.count(cap) != 0;
}

infer_status Device::createBuffer(VkDeviceSize size, bool hostVisible, Buffer &out,
                                  std::string &error, bool hostReads) const {
  out = Buffer();
  // Vulkan has no empty buffers; 16 bytes of slack past the end keep every
  // binding's range inside (an empty tensor at the end binds 4 bytes).
  VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
  info.size = size + 16;
  info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
               VK_BUFFER_USAGE_TRANSFER_DST_BIT;
  info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  if (VkResult r = fn.vkCreateBuffer(device, &info, nullptr, &out.buffer)) {
    out.buffer = VK_NULL_HANDLE;
    error = "cannot create a Vulkan buffer of " + std::to_string(size) + " bytes (" +
            resultName(r) + ")";
    return INFER_ERROR_OUT_OF_MEMORY;
  }
  VkMemoryRequirements req;
  fn.vkGetBufferMemoryRequirements(device, out.buffer, &req);
  VkMemoryPropertyFlags want =
      hostVisible ? VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT
                  : VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT;
  int type = -1;
  // Downloads read faster from cached memory, where there is some.
  if (hostVisible && hostReads)
    for (uint32_t i = 0; i < memory.memoryTypeCount && type < 0; ++i)
      if ((req.memoryTypeBits & (1u << i)) &&
          (memory.memoryTypes[i].propertyFlags & (want | VK_MEMORY_PROPERTY_HOST_CACHED_BIT)) ==
              (want | VK_MEMORY_PROPERTY_HOST_CACHED_BIT))
        type = static_cast<int>(i);
  for (uint32_t i = 0; i < memory.memoryTypeCount && type < 0; ++i)
    if ((req.memoryTypeBits & (1u << i)) &&
        (memory.memoryTypes[i].propertyFlags & want) == want)
      type = static_cast<int>(i);
  if (type < 0 && !hostVisible) // no device-local type: any will do
    for (uint32_t i = 0; i < memory.memoryTypeCount && type < 0; ++i)
      if (req.memoryTypeBits & (1u << i))
        type = static_cast<int>(i);
  if (type < 0) {
    destroyBuffer(out);
    error = "the Vulkan device has no host-visible memory for buffers";
    return INFER_ERROR_OUT_OF_MEMORY;
  }
  VkMemoryAllocateInfo alloc{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
  alloc.allocationSize = req.size;
  alloc.memoryTypeIndex = static_cast<uint32_t>(type);
  if (VkResult r = fn.vkAllocateMemory(device, &alloc, nullptr, &out.memory)) {
    out.memory = VK_NULL_HANDLE;
    destroyBuffer(out);
    error = "cannot allocate " + std::to_string(req.size) + " bytes of Vulkan memory (" +
            resultName(r) + ")";
    return INFER_ERROR_OUT_OF_MEMORY;
  }
  if (VkResult r = fn.vkBindBufferMemory(device, out.buffer, out.memory, 0)) {
    destroyBuffer(out);
    error = "cannot bind Vulkan memory to a buffer (" + resultName(r) + ")";
    return INFER_ERROR_OUT_OF_MEMORY;
  }
  out.size = size;
  if (memory.memoryTypes[type].propertyFlags & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT) {
    void *p = nullptr;
    if (fn.vkMapMemory(device, out.memory, 0, VK_WHOLE_SIZE, 0, &p) == VK_SUCCESS &&
        (memory.memoryTypes[type].propertyFlags & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT))
      out.mapped = static_cast<uint8_t *>(p);
  }
  if (hostVisible && !out.mapped) {
    destroyBuffer(out);
    error = "cannot map a host-visible Vulkan buffer";
    return INFER_ERROR_SYSTEM;
  }
  return INFER_OK;
}

void Device::destroyBuffer(Buffer &b) const {
  if (b.buffer)
    fn.vkDestroyBuffer(device, b.buffer, nullptr);
  if (b.memory)
    fn.vkFreeMemory(device, b.memory, nullptr);
  b = Buffer();
}

infer_status Device::allocateCommandBuffer(VkCommandPool from, VkCommandBuffer &cmd,
                                           std::string &error) const {
  VkCommandBufferAllocateInfo info{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
  info.commandPool = from;
  info.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  info.commandBufferCount = 1;
  if (VkResult r = fn.vkAllocateCommandBuffers(device, &info, &cmd)) {
    error = "cannot allocate a Vulkan command buffer (" + resultName(r) + ")";
    return INFER_ERROR_SYSTEM;
  }
  return INFER_OK;
}

infer_status Device::submit(VkCommandBuffer cmd, VkFence fence, std::string &error) const {
  VkSubmitInfo submitInfo{VK_STRUCTURE_TYPE_SUBMIT_INFO};
  submitInfo.commandBufferCount = 1;
  submitInfo.pCommandBuffers = &cmd;
  VkResult r;
  {
    std::lock_guard<std::mutex> lock(queueMutex);
    r = fn.vkQueueSubmit(queue, 1, &submitInfo, fence);
  }
  if (r == VK_SUCCESS)
    r = fn.vkWaitForFences(device, 1, &fence, VK_TRUE, UINT64_MAX);
  fn.vkResetFences(device, 1, &fence);
  if (r != VK_SUCCESS) {
    error = "the Vulkan device failed to run the plan (" + resultName(r) + ")";
    return INFER_ERROR_SYSTEM;
  }
  return INFER_OK;
}

infer_status Device::runOnce(const std::function<void(VkCommandBuffer)> &record,
                             std::string &error) const {
  std::lock_guard<std::mutex> lock(poolMutex);
  VkCommandBuffer cmd = VK_NULL_HANDLE;
  if (infer_status s = allocateCommandBuffer(pool, cmd, error))
    return s;
  auto freeCmd = [&] { fn.vkFreeCommandBuffers(device, pool, 1, &cmd); };
  VkFenceCreateInfo fenceInfo{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
  VkFence fence = VK_NULL_HANDLE;
  if (VkResult r = fn.vkCreateFence(device, &fenceInfo, nullptr, &fence)) {
    freeCmd();
    error = "cannot create a Vulkan fence (" + resultName(r) + ")";
    return INFER_ERROR_SYSTEM;
  }
  VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  infer_status s = INFER_OK;
  if (VkResult r = fn.vkBeginCommandBuffer(cmd, &begin)) {
    error = "cannot record a Vulkan command buffer (" + resultName(r) + ")";
    s = INFER_ERROR_DEVICE;
  } else {
    record(cmd);
    if (VkResult e = fn.vkEndCommandBuffer(cmd)) {
      error = "cannot record a Vulkan command buffer (" + resultName(e) + ")";
      s = INFER_ERROR_DEVICE;
    } else {
      s = submit(cmd, fence, error);
    }
  }
  fn.vkDestroyFence(device, fence, nullptr);
  freeCmd();
  return s;
}
