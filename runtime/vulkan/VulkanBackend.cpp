//===- VulkanBackend.cpp - Running artifacts through Vulkan ---------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "runtime/vulkan/VulkanBackend.h"
#include "runtime/Engine.h"
#include "runtime/schema/Artifact_generated.h"
#include "runtime/vulkan/VulkanDevice.h"

#include <algorithm>
#include <map>
#include <set>
#include <cstring>

namespace infer::vk {

bool available() { return true; }

class VulkanProgram {
public:
  ~VulkanProgram();
  infer_status load(const fb::Model &model, const VulkanProgram *shared,
                    std::string &error);

  std::shared_ptr<Device> dev;
  VkShaderModule shader = VK_NULL_HANDLE;
  VkPipelineCache cache = VK_NULL_HANDLE;
  struct Kernel {
    VkDescriptorSetLayout layout = VK_NULL_HANDLE;
    VkPipelineLayout pipelineLayout = VK_NULL_HANDLE;
    VkPipeline pipeline = VK_NULL_HANDLE;
    uint32_t bindings = 0;
  };
  std::vector<Kernel> kernels;
  /// The weights in device memory (the outer model's for a specialization).
  Buffer ownConstants;
  const Buffer *constants = &ownConstants;
};

/// Where a plan buffer lies on the device: its region's buffer, the offset
/// and size within it.
struct Binding {
  VkBuffer buffer;
  VkDeviceSize offset, size;
};

class VulkanExecution {
public:
  ~VulkanExecution();
  infer_status create(const VulkanProgram &program, const fb::Model &model,
                      const std::vector<size_t> &inputSizes,
                      const std::vector<size_t> &outputSizes, std::string &error);
  /// What a recording holds: the plan with the host copies around it
  /// (without or with timestamps), the plan alone (a resident run, on the
  /// inputs already on the device), or the output downloads alone.
  enum Recording { Plain, Timed, Resident, Download, NumRecordings };
  infer_status record(Recording what, std::string &error);
  /// Where plan buffer `id` lies.
  Binding bindingOf(uint32_t id) const;
  infer_status run(double *launchMs, bool copies, std::string &error);
  /// After resident runs: brings the outputs to their host twins.
  infer_status fetchOutputs(std::string &error);

  const VulkanProgram *program = nullptr;
  const Device *dev = nullptr;
  const fb::Model *model = nullptr;
  Buffer arena, flags;
  std::vector<Buffer> devIn, devOut, hostIn, hostOut;
  VkDescriptorPool descriptors = VK_NULL_HANDLE;
  /// Per launch: its descriptor set (kernels) and the flag index (checks).
  std::vector<VkDescriptorSet> sets;
  std::vector<int> flagOf;
  /// The context's own pool (Vulkan pools are not thread-safe), and the
  /// recordings (each made on first use).
  VkCommandPool pool = VK_NULL_HANDLE;
  VkCommandBuffer commands[NumRecordings] = {};
  /// A resident run left the host outputs behind the device's.
  bool staleOutputs = false;
  VkFence fence = VK_NULL_HANDLE;
  VkQueryPool queries = VK_NULL_HANDLE;
};

namespace {
/// What a SPIR-V module says of one entry point: its workgroup size, per
/// binding the bytes its storage buffer array spans, and the bytes of the
/// workgroup variables its function reaches (through an access chain, a
/// load or a store: what infer-compile's modules use).
struct EntrySignature {
  uint64_t localSize = 0;
  std::map<uint32_t, uint64_t> bindingBytes;
  uint64_t workgroupBytes = 0;
};

/// The signatures of the entry points of `words` (a module infer-compile
/// wrote: each binding variable named "<entry>_arg_<i>", a pointer to a
/// block struct whose first member is an array with an ArrayStride);
/// false when the module is malformed.
bool entrySignatures(const uint32_t *words, size_t count,
                     std::map<std::string, EntrySignature> &out) {
  enum : uint32_t { OpName = 5, OpEntryPoint = 15, OpExecutionMode = 16, OpTypeInt = 21,
                    OpTypeFloat = 22, OpTypeVector = 23, OpTypeArray = 28,
                    OpTypeStruct = 30, OpTypePointer = 32, OpConstant = 43,
                    OpFunction = 54, OpVariable = 59, OpLoad = 61, OpStore = 62,
                    OpAccessChain = 65, OpInBoundsAccessChain = 66, OpDecorate = 71 };
  constexpr uint32_t kLocalSize = 17, kArrayStride = 6, kBinding = 33, kWorkgroup = 4;
  auto text = [&](size_t at, size_t words_) {
    const char *p = reinterpret_cast<const char *>(words + at);
    return std::string(p, strnlen(p, words_ * 4));
  };
  std::map<uint32_t, std::string> names, entries;
  std::map<uint32_t, uint64_t> localSize, constants, strides, bindings;
  std::map<uint32_t, std::pair<uint32_t, uint32_t>> arrays; // id: element, length id
  std::map<uint32_t, uint32_t> structs, pointers, variables; // id: first member / pointee / type
  std::map<uint32_t, uint64_t> scalarBytes;                   // scalar and vector types
  std::set<uint32_t> workgroupVars;
  std::map<uint32_t, std::set<uint32_t>> reached;             // function id: its workgroup vars
  uint32_t function = 0;
  for (size_t i = 5; i < count;) {
    uint32_t length = words[i] >> 16, op = words[i] & 0xffff;
    if (length == 0 || i + length > count)
      return false;
    const uint32_t *w = words + i;
    if (op == OpName && length >= 3)
      names[w[1]] = text(i + 2, length - 2);
    else if (op == OpEntryPoint && length >= 4)
      entries[w[2]] = text(i + 3, length - 3);
    else if (op == OpFunction && length >= 3)
      function = w[2];
    else if ((op == OpAccessChain || op == OpInBoundsAccessChain || op == OpLoad) &&
             length >= 4 && workgroupVars.count(w[3]))
      reached[function].insert(w[3]);
    else if (op == OpStore && length >= 3 && workgroupVars.count(w[1]))
      reached[function].insert(w[1]);
    else if ((op == OpTypeInt || op == OpTypeFloat) && length >= 3)
      scalarBytes[w[1]] = w[2] / 8;
    else if (op == OpTypeVector && length >= 4 && scalarBytes.count(w[2]))
      scalarBytes[w[1]] = scalarBytes[w[2]] * w[3];
    else if (op == OpExecutionMode && length >= 6 && w[2] == kLocalSize)
      localSize[w[1]] = uint64_t(w[3]) * w[4] * w[5];
    else if (op == OpTypeArray && length >= 4)
      arrays[w[1]] = {w[2], w[3]};
    else if (op == OpTypeStruct && length >= 3)
      structs[w[1]] = w[2];
    else if (op == OpTypePointer && length >= 4)
      pointers[w[1]] = w[3];
    else if (op == OpConstant && length >= 4)
      constants[w[2]] = w[3];
    else if (op == OpVariable && length >= 4) {
      variables[w[2]] = w[1];
      if (w[3] == kWorkgroup)
        workgroupVars.insert(w[2]);
    }
    else if (op == OpDecorate && length >= 4 && w[2] == kArrayStride)
      strides[w[1]] = w[3];
    else if (op == OpDecorate && length >= 4 && w[2] == kBinding)
      bindings[w[1]] = w[3];
    i += length;
  }
  // pointer -> struct -> array (length x element), or pointer -> array.
  auto arrayBytes = [&](uint32_t pointer) -> uint64_t {
    auto pointee = pointers.find(pointer);
    if (pointee == pointers.end())
      return 0;
    auto member = structs.find(pointee->second);
    auto array = arrays.find(member == structs.end() ? pointee->second : member->second);
    if (array == arrays.end() || !constants.count(array->second.second) ||
        !scalarBytes.count(array->second.first))
      return 0;
    return constants[array->second.second] * scalarBytes[array->second.first];
  };
  for (auto &[id, name] : entries) {
    out[name].localSize = localSize.count(id) ? localSize[id] : 0;
    for (uint32_t var : reached[id])
      out[name].workgroupBytes += arrayBytes(variables[var]);
  }
  for (auto &[var, type] : variables) {
    auto binding = bindings.find(var);
    auto name = names.find(var);
    if (binding == bindings.end() || name == names.end())
      continue;
    size_t at = name->second.rfind("_arg_");
    if (at == std::string::npos || !out.count(name->second.substr(0, at)))
      return false;
    // pointer -> struct -> array (length x stride).
    auto pointee = pointers.find(type);
    auto member = pointee == pointers.end() ? structs.end() : structs.find(pointee->second);
    auto array = member == structs.end() ? arrays.end() : arrays.find(member->second);
    if (array == arrays.end() || !constants.count(array->second.second) ||
        !strides.count(array->first))
      return false;
    out[name->second.substr(0, at)].bindingBytes[binding->second] =
        constants[array->second.second] * strides[array->first];
  }
  return true;
}

} // namespace

VulkanProgram::~VulkanProgram() {
  if (!dev)
    return;
  const Functions &fn = dev->fn;
  for (Kernel &k : kernels) {
    if (k.pipeline)
      fn.vkDestroyPipeline(dev->device, k.pipeline, nullptr);
    if (k.pipelineLayout)
      fn.vkDestroyPipelineLayout(dev->device, k.pipelineLayout, nullptr);
    if (k.layout)
      fn.vkDestroyDescriptorSetLayout(dev->device, k.layout, nullptr);
  }
  if (cache)
    fn.vkDestroyPipelineCache(dev->device, cache, nullptr);
  if (shader)
    fn.vkDestroyShaderModule(dev->device, shader, nullptr);
  dev->destroyBuffer(ownConstants);
}

infer_status VulkanProgram::load(const fb::Model &model, const VulkanProgram *shared,
                                 std::string &error) {
  infer_status status = INFER_OK;
  dev = shared ? shared->dev : Device::get(error, status);
  if (!dev)
    return status;
  const Functions &fn = dev->fn;
  const fb::Binary *binary = nullptr;
  if (model.binaries())
    for (const fb::Binary *b : *model.binaries())
      if (b->target() && b->target()->str() == "vulkan" && b->format() &&
          b->format()->str() == "spirv")
        binary = b;
  size_t numKernels = model.kernels() ? model.kernels()->size() : 0;
  if (numKernels && (!binary || !binary->data() || binary->data()->size() % 4 != 0 ||
                     binary->data()->size() < 20 ||
                     *reinterpret_cast<const uint32_t *>(binary->data()->data()) !=
                         0x07230203u)) {
    error = "the artifact has kernels but no SPIR-V module";
    return INFER_ERROR_CORRUPT_ARTIFACT;
  }
  if (binary && binary->arch() && binary->arch()->str() == "spirv1.6" && !dev->spirv16) {
    error = "the kernels are SPIR-V 1.6, which needs Vulkan 1.3; Vulkan device '" +
            dev->name + "' or the loader is older";
    return INFER_ERROR_TARGET;
  }
  if (binary && binary->features())
    for (const flatbuffers::String *f : *binary->features()) {
      bool known = false;
      if (dev->hasCapability(f->str(), known))
        continue;
      if (f->str() == "CooperativeMatrixKHR") {
        error = "the kernels use cooperative matrices (--target=vulkan:+coopmat), which "
                "Vulkan device '" + dev->name + "' cannot run: " + dev->coopMatrixMissing +
                "; recompile without +coopmat";
        return INFER_ERROR_TARGET;
      }
      if (f->str() == "CooperativeMatrixWorkgroupScopeNV") {
        error = "the kernels use workgroup-scope cooperative matrices "
                "(--target=vulkan:+coopmat,+coopmat2), which Vulkan device '" + dev->name +
                "' cannot run: " + dev->coopMatrix2Missing + "; recompile without +coopmat2";
        return INFER_ERROR_TARGET;
      }
      error = known ? "the kernels need the SPIR-V capability " + f->str() +
                          ", which Vulkan device '" + dev->name +
                          "' lacks; recompile with fewer --target=vulkan: features"
                    : "the kernels need the SPIR-V capability " + f->str() +
                          ", which this runtime cannot check";
      return INFER_ERROR_TARGET;
    }

  // Weights: uploaded once, shared with the specializations.
  if (shared) {
    constants = shared->constants;
  } else {
    size_t size = model.constants() ? model.constants()->size() : 0;
    if (infer_status s = dev->createBuffer(size, false, ownConstants, error))
      return s;
    if (size && ownConstants.mapped) {
      std::memcpy(ownConstants.mapped, model.constants()->data(), size);
    } else if (size) {
      Buffer staging;
      if (infer_status s = dev->createBuffer(size, true, staging, error))
        return s;
      std::memcpy(staging.mapped, model.constants()->data(), size);
      infer_status s = dev->runOnce(
          [&](VkCommandBuffer cmd) {
            VkBufferCopy region{0, 0, size};
            fn.vkCmdCopyBuffer(cmd, staging.buffer, ownConstants.buffer, 1, &region);
          },
          error);
      dev->destroyBuffer(staging);
      if (s)
        return s;
    }
  }
  if (!numKernels)
    return INFER_OK;

  // Every kernel of the plan is an entry point of the module, with the
  // plan's workgroup size, and no binding of its code spans more than the
  // plan binds (so no artifact makes a kernel reach past its buffers).
  std::map<std::string, EntrySignature> entries;
  if (!entrySignatures(reinterpret_cast<const uint32_t *>(binary->data()->data()),
                       binary->data()->size() / 4, entries)) {
    error = "the artifact's SPIR-V module is malformed";
    return INFER_ERROR_CORRUPT_ARTIFACT;
  }
  for (const fb::Kernel *k : *model.kernels()) {
    std::string symbol = k->symbol() ? k->symbol()->str() : "";
    auto e = entries.find(symbol);
    if (e == entries.end()) {
      error = "kernel '" + symbol + "' is missing from the SPIR-V module";
      return INFER_ERROR_CORRUPT_ARTIFACT;
    }
    bool same = k->arg_bytes() && e->second.localSize == k->block_threads();
    for (auto &[binding, bytes] : e->second.bindingBytes)
      same = same && binding < k->arg_bytes()->size() && bytes <= k->arg_bytes()->Get(binding);
    if (!same) {
      error = "kernel '" + symbol + "' does not match the signature of its code";
      return INFER_ERROR_CORRUPT_ARTIFACT;
    }
  }
  VkShaderModuleCreateInfo shaderInfo{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
  shaderInfo.codeSize = binary->data()->size();
  shaderInfo.pCode = reinterpret_cast<const uint32_t *>(binary->data()->data());
  if (VkResult r = fn.vkCreateShaderModule(dev->device, &shaderInfo, nullptr, &shader)) {
    shader = VK_NULL_HANDLE;
    error = "Vulkan device '" + dev->name + "' refused the SPIR-V module (" +
            resultName(r) + ")";
    return INFER_ERROR_CORRUPT_ARTIFACT;
  }
  VkPipelineCacheCreateInfo cacheInfo{VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO};
  fn.vkCreatePipelineCache(dev->device, &cacheInfo, nullptr, &cache);
  const VkPhysicalDeviceLimits &limits = dev->properties.limits;
  for (const fb::Kernel *k : *model.kernels()) {
    std::string symbol = k->symbol() ? k->symbol()->str() : "";
    Kernel out;
    out.bindings = k->arg_bytes() ? k->arg_bytes()->size() : 0;
    if (out.bindings > limits.maxPerStageDescriptorStorageBuffers) {
      kernels.push_back(out);
      error = "kernel '" + symbol + "' binds " + std::to_string(out.bindings) +
              " storage buffers; Vulkan device '" + dev->name + "' allows " +
              std::to_string(limits.maxPerStageDescriptorStorageBuffers);
      return INFER_ERROR_TARGET;
    }
    if (entries[symbol].workgroupBytes > limits.maxComputeSharedMemorySize) {
      kernels.push_back(out);
      error = "kernel '" + symbol + "' needs " +
              std::to_string(entries[symbol].workgroupBytes) +
              " bytes of workgroup memory; Vulkan device '" + dev->name + "' offers " +
              std::to_string(limits.maxComputeSharedMemorySize);
      return INFER_ERROR_TARGET;
    }
    if (k->block_threads() == 0 ||
        k->block_threads() > limits.maxComputeWorkGroupInvocations) {
      kernels.push_back(out);
      error = "kernel '" + symbol + "' runs workgroups of " +
              std::to_string(k->block_threads()) + " invocations; Vulkan device '" +
              dev->name + "' allows " +
              std::to_string(limits.maxComputeWorkGroupInvocations);
      return INFER_ERROR_TARGET;
    }
    std::vector<VkDescriptorSetLayoutBinding> bindings(out.bindings);
    for (uint32_t i = 0; i < out.bindings; ++i) {
      bindings[i].binding = i;
      bindings[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
      bindings[i].descriptorCount = 1;
      bindings[i].stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
    }
    VkDescriptorSetLayoutCreateInfo layoutInfo{
        VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
    layoutInfo.bindingCount = out.bindings;
    layoutInfo.pBindings = bindings.data();
    VkResult r = fn.vkCreateDescriptorSetLayout(dev->device, &layoutInfo, nullptr, &out.layout);
    VkPipelineLayoutCreateInfo plInfo{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
    plInfo.setLayoutCount = 1;
    plInfo.pSetLayouts = &out.layout;
    if (r == VK_SUCCESS)
      r = fn.vkCreatePipelineLayout(dev->device, &plInfo, nullptr, &out.pipelineLayout);
    VkComputePipelineCreateInfo pipeInfo{VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
    pipeInfo.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
    pipeInfo.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
    pipeInfo.stage.module = shader;
    pipeInfo.stage.pName = symbol.c_str();
    pipeInfo.layout = out.pipelineLayout;
    if (r == VK_SUCCESS)
      r = fn.vkCreateComputePipelines(dev->device, cache, 1, &pipeInfo, nullptr, &out.pipeline);
    kernels.push_back(out);
    if (r != VK_SUCCESS) {
      kernels.back().pipeline = VK_NULL_HANDLE;
      error = "Vulkan device '" + dev->name + "' cannot build the pipeline of kernel '" +
              symbol + "' (" + resultName(r) + ")";
      return INFER_ERROR_CORRUPT_ARTIFACT;
    }
  }
  return INFER_OK;
}

VulkanExecution::~VulkanExecution() {
  if (!dev)
    return;
  const Functions &fn = dev->fn;
  if (pool)
    fn.vkDestroyCommandPool(dev->device, pool, nullptr); // frees `commands`
  if (fence)
    fn.vkDestroyFence(dev->device, fence, nullptr);
  if (queries)
    fn.vkDestroyQueryPool(dev->device, queries, nullptr);
  if (descriptors)
    fn.vkDestroyDescriptorPool(dev->device, descriptors, nullptr);
  for (auto *list : {&devIn, &devOut, &hostIn, &hostOut})
    for (Buffer &b : *list)
      dev->destroyBuffer(b);
  dev->destroyBuffer(arena);
  dev->destroyBuffer(flags);
}

infer_status VulkanExecution::create(const VulkanProgram &prog, const fb::Model &m,
                                     const std::vector<size_t> &inputSizes,
                                     const std::vector<size_t> &outputSizes,
                                     std::string &error) {
  program = &prog;
  dev = prog.dev.get();
  model = &m;
  const Functions &fn = dev->fn;
  if (infer_status s = dev->createBuffer(m.arena_size(), false, arena, error))
    return s;
  auto make = [&](const std::vector<size_t> &sizes, std::vector<Buffer> &device,
                  std::vector<Buffer> &host) -> infer_status {
    device.resize(sizes.size());
    host.resize(sizes.size());
    for (size_t i = 0; i < sizes.size(); ++i) {
      if (infer_status s = dev->createBuffer(sizes[i], false, device[i], error))
        return s;
      if (infer_status s = dev->createBuffer(sizes[i], true, host[i], error,
                                             /*hostReads=*/&host == &hostOut))
        return s;
    }
    return INFER_OK;
  };
  if (infer_status s = make(inputSizes, devIn, hostIn))
    return s;
  if (infer_status s = make(outputSizes, devOut, hostOut))
    return s;

  // Where each plan buffer lies; every binding must start where the device
  // can bind it.
  const VkPhysicalDeviceLimits &limits = dev->properties.limits;
  auto binding = [&](uint32_t id, Binding &out) -> infer_status {
    out = bindingOf(id);
    if (out.offset % limits.minStorageBufferOffsetAlignment != 0) {
      error = "buffer " + std::to_string(id) + " starts at byte " +
              std::to_string(out.offset) + " of its region; Vulkan device '" + dev->name +
              "' binds storage buffers at multiples of " +
              std::to_string(limits.minStorageBufferOffsetAlignment);
      return INFER_ERROR_TARGET;
    }
    if (out.size > limits.maxStorageBufferRange) {
      error = "buffer " + std::to_string(id) + " holds " + std::to_string(out.size) +
              " bytes; Vulkan device '" + dev->name + "' binds at most " +
              std::to_string(limits.maxStorageBufferRange);
      return INFER_ERROR_TARGET;
    }
    return INFER_OK;
  };

  // One descriptor set per kernel launch, written once.
  uint32_t numLaunches = m.launches() ? m.launches()->size() : 0;
  uint32_t numSets = 0, numDescriptors = 0, numChecks = 0;
  for (uint32_t i = 0; i < numLaunches; ++i) {
    const fb::Launch *l = m.launches()->Get(i);
    if (l->kind() == fb::LaunchKind::Kernel) {
      ++numSets;
      numDescriptors += l->args()->size();
    } else if (l->kind() == fb::LaunchKind::Check) {
      ++numChecks;
    }
  }
  if (infer_status s = dev->createBuffer(std::max<uint32_t>(numChecks, 1), true, flags, error))
    return s;
  if (numSets) {
    VkDescriptorPoolSize size{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, std::max(numDescriptors, 1u)};
    VkDescriptorPoolCreateInfo poolInfo{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
    poolInfo.maxSets = numSets;
    poolInfo.poolSizeCount = 1;
    poolInfo.pPoolSizes = &size;
    if (VkResult r = fn.vkCreateDescriptorPool(dev->device, &poolInfo, nullptr, &descriptors)) {
      descriptors = VK_NULL_HANDLE;
      error = "cannot create a Vulkan descriptor pool (" + resultName(r) + ")";
      return INFER_ERROR_OUT_OF_MEMORY;
    }
  }
  sets.assign(numLaunches, VK_NULL_HANDLE);
  flagOf.assign(numLaunches, -1);
  int flag = 0;
  for (uint32_t i = 0; i < numLaunches; ++i) {
    const fb::Launch *l = m.launches()->Get(i);
    if (l->kind() == fb::LaunchKind::Check) {
      flagOf[i] = flag++;
      continue;
    }
    if (l->kind() != fb::LaunchKind::Kernel)
      continue;
    // Only what a descriptor binds must sit where the device binds it.
    std::vector<Binding> args(l->args()->size());
    for (uint32_t a = 0; a < args.size(); ++a)
      if (infer_status s = binding(l->args()->Get(a), args[a]))
        return s;
    const VulkanProgram::Kernel &k = prog.kernels[l->kernel()];
    if (args.size() != k.bindings) {
      error = "launch " + std::to_string(i) + " passes " + std::to_string(args.size()) +
              " buffers to a kernel of " + std::to_string(k.bindings);
      return INFER_ERROR_CORRUPT_ARTIFACT;
    }
    VkDescriptorSetAllocateInfo alloc{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
    alloc.descriptorPool = descriptors;
    alloc.descriptorSetCount = 1;
    alloc.pSetLayouts = &k.layout;
    if (VkResult r = fn.vkAllocateDescriptorSets(dev->device, &alloc, &sets[i])) {
      error = "cannot allocate a Vulkan descriptor set (" + resultName(r) + ")";
      return INFER_ERROR_OUT_OF_MEMORY;
    }
    std::vector<VkDescriptorBufferInfo> infos(args.size());
    std::vector<VkWriteDescriptorSet> writes(args.size());
    for (uint32_t a = 0; a < args.size(); ++a) {
      // An empty tensor still binds a few bytes (never read).
      infos[a] = {args[a].buffer, args[a].offset, std::max<VkDeviceSize>(args[a].size, 4)};
      writes[a] = {VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
      writes[a].dstSet = sets[i];
      writes[a].dstBinding = a;
      writes[a].descriptorCount = 1;
      writes[a].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
      writes[a].pBufferInfo = &infos[a];
    }
    fn.vkUpdateDescriptorSets(dev->device, static_cast<uint32_t>(writes.size()),
                              writes.data(), 0, nullptr);
  }
  VkFenceCreateInfo fenceInfo{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
  if (VkResult r = fn.vkCreateFence(dev->device, &fenceInfo, nullptr, &fence)) {
    fence = VK_NULL_HANDLE;
    error = "cannot create a Vulkan fence (" + resultName(r) + ")";
    return INFER_ERROR_SYSTEM;
  }
  if (infer_status s = dev->createCommandPool(pool, error))
    return s;
  return record(Plain, error);
}

Binding VulkanExecution::bindingOf(uint32_t id) const {
  const fb::Buffer *b = model->buffers()->Get(id);
  VkBuffer buffer = VK_NULL_HANDLE;
  switch (b->region()) {
  case fb::Region::Arena: buffer = arena.buffer; break;
  case fb::Region::Constants: buffer = program->constants->buffer; break;
  case fb::Region::Input: buffer = devIn[b->index()].buffer; break;
  case fb::Region::Output: buffer = devOut[b->index()].buffer; break;
  }
  return {buffer, b->offset(), b->size()};
}

infer_status VulkanExecution::record(Recording what, std::string &error) {
  const Functions &fn = dev->fn;
  bool timed = what == Timed;
  bool copies = what != Resident, launches = what != Download;
  uint32_t numLaunches = launches && model->launches() ? model->launches()->size() : 0;
  if (timed) {
    if (queries) { // a recording that failed before
      fn.vkDestroyQueryPool(dev->device, queries, nullptr);
      queries = VK_NULL_HANDLE;
    }
    if (dev->timestampBits == 0) {
      error = "Vulkan device '" + dev->name + "' cannot time its compute queue";
      return INFER_ERROR_DEVICE;
    }
    VkQueryPoolCreateInfo info{VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO};
    info.queryType = VK_QUERY_TYPE_TIMESTAMP;
    info.queryCount = std::max(2 * numLaunches, 2u);
    if (VkResult r = fn.vkCreateQueryPool(dev->device, &info, nullptr, &queries)) {
      queries = VK_NULL_HANDLE;
      error = "cannot create a Vulkan query pool (" + resultName(r) + ")";
      return INFER_ERROR_SYSTEM;
    }
  }
  VkCommandBuffer cmd = VK_NULL_HANDLE;
  if (infer_status s = dev->allocateCommandBuffer(pool, cmd, error))
    return s;
  // Kept only once fully recorded: a failed recording is never submitted.
  auto fail = [&](infer_status s) {
    fn.vkFreeCommandBuffers(dev->device, pool, 1, &cmd);
    return s;
  };
  VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  fn.vkBeginCommandBuffer(cmd, &begin);
  if (timed)
    fn.vkCmdResetQueryPool(cmd, queries, 0, std::max(2 * numLaunches, 2u));
  // What the commands since the last barrier wrote is visible to what
  // comes after: shader and transfer stages as the two sides hold them
  // (between two dispatches, compute to compute only, which costs less
  // than waiting on the transfer stage too).
  bool wroteTransfer = false, wroteShader = false;
  auto barrier = [&](bool nextTransfer, bool nextShader) {
    if ((!wroteTransfer && !wroteShader) || (!nextTransfer && !nextShader))
      return;
    VkMemoryBarrier b{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    VkPipelineStageFlags src = 0, dst = 0;
    if (wroteShader) {
      b.srcAccessMask |= VK_ACCESS_SHADER_WRITE_BIT;
      src |= VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT;
    }
    if (wroteTransfer) {
      b.srcAccessMask |= VK_ACCESS_TRANSFER_WRITE_BIT;
      src |= VK_PIPELINE_STAGE_TRANSFER_BIT;
    }
    if (nextShader) {
      b.dstAccessMask |= VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT;
      dst |= VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT;
    }
    if (nextTransfer) {
      b.dstAccessMask |= VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
      dst |= VK_PIPELINE_STAGE_TRANSFER_BIT;
    }
    fn.vkCmdPipelineBarrier(cmd, src, dst, 0, 1, &b, 0, nullptr, 0, nullptr);
    wroteTransfer = wroteShader = false;
  };
  auto copy = [&](VkBuffer from, VkDeviceSize fromOffset, VkBuffer to, VkDeviceSize toOffset,
                  VkDeviceSize size) {
    if (size == 0)
      return;
    VkBufferCopy region{fromOffset, toOffset, size};
    fn.vkCmdCopyBuffer(cmd, from, to, 1, &region);
    wroteTransfer = true;
  };
  for (size_t i = 0; copies && launches && i < devIn.size(); ++i)
    copy(hostIn[i].buffer, 0, devIn[i].buffer, 0, devIn[i].size);
  uint32_t maxX = dev->properties.limits.maxComputeWorkGroupCount[0];
  for (uint32_t i = 0; i < numLaunches; ++i) {
    const fb::Launch *l = model->launches()->Get(i);
    bool kernel = l->kind() == fb::LaunchKind::Kernel;
    barrier(/*nextTransfer=*/!kernel, /*nextShader=*/kernel);
    // The launch's start once everything before it has finished (the
    // inputs' uploads, the launch before): at the top of the pipe it would
    // be stamped as soon as the command is read, and the launch's time
    // would include waiting for those.
    if (timed)
      fn.vkCmdWriteTimestamp(cmd, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, queries, 2 * i);
    if (kernel) {
      const VulkanProgram::Kernel &k = program->kernels[l->kernel()];
      fn.vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, k.pipeline);
      fn.vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, k.pipelineLayout, 0, 1,
                                 &sets[i], 0, nullptr);
      // Invocations past the grid's last point return at once.
      uint64_t grid = static_cast<uint64_t>(std::max<int64_t>(l->grid(), 1));
      uint32_t x = static_cast<uint32_t>(std::min<uint64_t>(grid, maxX));
      uint64_t y = (grid + x - 1) / x;
      if (y > dev->properties.limits.maxComputeWorkGroupCount[1]) {
        error = "launch " + std::to_string(i) + " needs " + std::to_string(grid) +
                " workgroups, more than Vulkan device '" + dev->name + "' dispatches";
        return fail(INFER_ERROR_TARGET);
      }
      fn.vkCmdDispatch(cmd, x, static_cast<uint32_t>(y), 1);
      wroteShader = true;
    } else if (l->kind() == fb::LaunchKind::Copy) {
      Binding from = bindingOf(l->args()->Get(0)), to = bindingOf(l->args()->Get(1));
      copy(from.buffer, from.offset, to.buffer, to.offset, to.size);
    } else if (l->kind() == fb::LaunchKind::Check) {
      Binding from = bindingOf(l->args()->Get(0));
      copy(from.buffer, from.offset, flags.buffer, static_cast<VkDeviceSize>(flagOf[i]), 1);
    }
    if (timed)
      fn.vkCmdWriteTimestamp(cmd, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, queries, 2 * i + 1);
  }
  // The downloads alone follow a resident run's dispatches (an earlier
  // submission).
  if (!launches)
    wroteShader = true;
  barrier(/*nextTransfer=*/copies, /*nextShader=*/false);
  for (size_t i = 0; copies && i < devOut.size(); ++i)
    copy(devOut[i].buffer, 0, hostOut[i].buffer, 0, devOut[i].size);
  VkMemoryBarrier toHost{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
  toHost.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
  toHost.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
  fn.vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 1,
                          &toHost, 0, nullptr, 0, nullptr);
  if (VkResult r = fn.vkEndCommandBuffer(cmd)) {
    error = "cannot record the plan into a Vulkan command buffer (" + resultName(r) + ")";
    return fail(INFER_ERROR_DEVICE);
  }
  commands[what] = cmd;
  return INFER_OK;
}

infer_status VulkanExecution::fetchOutputs(std::string &error) {
  if (!staleOutputs)
    return INFER_OK;
  if (!commands[Download])
    if (infer_status s = record(Download, error))
      return s;
  if (infer_status s = dev->submit(commands[Download], fence, error))
    return s;
  staleOutputs = false;
  return INFER_OK;
}

infer_status VulkanExecution::run(double *launchMs, bool copies, std::string &error) {
  bool timed = launchMs != nullptr;
  Recording what = timed ? Timed : copies ? Plain : Resident;
  if (!commands[what])
    if (infer_status s = record(what, error))
      return s;
  if (flags.mapped)
    std::memset(flags.mapped, 0, static_cast<size_t>(std::max<VkDeviceSize>(flags.size, 1)));
  if (infer_status s = dev->submit(commands[what], fence, error))
    return s;
  staleOutputs = what == Resident;
  uint32_t numLaunches = model->launches() ? model->launches()->size() : 0;
  for (uint32_t i = 0; i < numLaunches; ++i)
    if (flagOf[i] >= 0 && flags.mapped[flagOf[i]] != 0) {
      error = checkFailure(*model, i);
      return INFER_ERROR_INVALID_DATA;
    }
  if (timed && numLaunches) {
    std::vector<uint64_t> ticks(2 * numLaunches);
    VkResult r = dev->fn.vkGetQueryPoolResults(
        dev->device, queries, 0, 2 * numLaunches, ticks.size() * sizeof(uint64_t),
        ticks.data(), sizeof(uint64_t), VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT);
    if (r != VK_SUCCESS) {
      error = "cannot read the Vulkan timestamps (" + resultName(r) + ")";
      return INFER_ERROR_DEVICE;
    }
    uint64_t mask = dev->timestampBits >= 64 ? ~0ull : (1ull << dev->timestampBits) - 1;
    for (uint32_t i = 0; i < numLaunches; ++i)
      launchMs[i] = static_cast<double>((ticks[2 * i + 1] - ticks[2 * i]) & mask) *
                    dev->timestampNs / 1e6;
  }
  return INFER_OK;
}

void VulkanProgramDeleter::operator()(VulkanProgram *p) const { delete p; }
void VulkanExecutionDeleter::operator()(VulkanExecution *e) const { delete e; }

infer_status loadProgram(const fb::Model &model, const VulkanProgram *shared,
                         ProgramPtr &out, std::string &error) {
  ProgramPtr p(new VulkanProgram());
  if (infer_status s = p->load(model, shared, error))
    return s;
  out = std::move(p);
  return INFER_OK;
}

std::string deviceName(const VulkanProgram &program) { return program.dev->name; }

infer_status createExecution(const VulkanProgram &program, const fb::Model &model,
                             const std::vector<size_t> &inputSizes,
                             const std::vector<size_t> &outputSizes, ExecutionPtr &out,
                             std::string &error) {
  ExecutionPtr e(new VulkanExecution());
  if (infer_status s = e->create(program, model, inputSizes, outputSizes, error))
    return s;
  out = std::move(e);
  return INFER_OK;
}

uint8_t *hostInput(VulkanExecution &e, size_t i) { return e.hostIn[i].mapped; }
const uint8_t *hostOutput(const VulkanExecution &e, size_t i) { return e.hostOut[i].mapped; }
infer_status run(VulkanExecution &e, double *launchMs, bool copies, std::string &error) {
  return e.run(launchMs, copies, error);
}
infer_status fetchOutputs(VulkanExecution &e, std::string &error) {
  return e.fetchOutputs(error);
}

} // namespace infer::vk
