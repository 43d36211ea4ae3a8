//===- CudaBackend.cpp - Running artifacts on NVIDIA GPUs -----------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "runtime/cuda/CudaBackend.h"

#include "runtime/schema/Artifact_generated.h"

#include <chrono>
#include <cstdlib>
#include <cstring>

namespace infer::cuda {

namespace {
/// "sm_90a" → (90, true).
bool parseArch(const std::string &arch, int &capability, bool &specific) {
  if (arch.rfind("sm_", 0) != 0 || arch.size() < 5)
    return false;
  std::string digits = arch.substr(3);
  specific = !digits.empty() && digits.back() == 'a';
  if (specific)
    digits.pop_back();
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos)
    return false;
  capability = std::atoi(digits.c_str());
  return true;
}

/// Whether code for `arch` in `format` runs on a device of `capability`.
bool runsOn(const std::string &arch, const std::string &format, int capability) {
  int cc = 0;
  bool specific = false;
  if (!parseArch(arch, cc, specific))
    return false;
  if (specific)
    return capability == cc; // sm_90a code runs on sm_90 only
  if (format == "cubin")
    return capability / 10 == cc / 10 && capability >= cc;
  return capability >= cc; // PTX is compiled forward by the driver
}
} // namespace

CudaProgram::~CudaProgram() {
  if (!driver)
    return;
  if (constants)
    driver->cuMemFree(constants);
  if (module)
    driver->cuModuleUnload(module);
  if (retained)
    driver->cuDevicePrimaryCtxRelease(dev);
}

infer_status CudaProgram::load(const fb::Model &m, std::string &error) {
  infer_status status = INFER_OK;
  driver = Driver::get(error, status);
  if (!driver)
    return status;
  const char *ordinal = std::getenv("INFER_CUDA_DEVICE");
  CUresult r = driver->cuDeviceGet(&dev, ordinal ? std::atoi(ordinal) : 0);
  if (r != CUDA_SUCCESS) {
    error = driver->describe(r, "cannot open CUDA device " +
                                    std::string(ordinal ? ordinal : "0"));
    return INFER_ERROR_DEVICE;
  }
  int major = 0, minor = 0;
  char name[256] = {};
  driver->cuDeviceGetAttribute(&major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev);
  driver->cuDeviceGetAttribute(&minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev);
  driver->cuDeviceGetName(name, sizeof(name) - 1, dev);
  int capability = major * 10 + minor;
  device = std::string(name) + " (sm_" + std::to_string(capability) + ")";
  if ((r = driver->cuDevicePrimaryCtxRetain(&context, dev)) != CUDA_SUCCESS)
    return error = driver->describe(r, "cannot create a CUDA context"),
           Driver::statusOf(r);
  retained = true;
  driver->cuCtxSetCurrent(context);

  // The cubin for this device, else PTX it can compile.
  const fb::Binary *chosen = nullptr;
  std::string archs;
  bool forcePtx = std::getenv("INFER_CUDA_FORCE_PTX") != nullptr;
  for (int pass = 0; pass < 2 && !chosen; ++pass)
    if (m.binaries())
      for (const fb::Binary *b : *m.binaries()) {
        if (!b->target() || b->target()->str() != "cuda" || !b->format() ||
            !b->arch() || !b->data())
          continue;
        std::string format = b->format()->str(), arch = b->arch()->str();
        if (pass == 0)
          archs += (archs.empty() ? "" : ", ") + format + " " + arch;
        bool wanted = pass == 0 ? format == "cubin" && !forcePtx : format == "ptx";
        if (wanted && runsOn(arch, format, capability) && !chosen)
          chosen = b;
      }
  if (!chosen)
    return error = "the artifact's CUDA code (" + (archs.empty() ? "none" : archs) +
                   ") cannot run on " + device +
                   "; recompile with --target=cuda:sm_" + std::to_string(capability),
           INFER_ERROR_TARGET;
  loaded = chosen->format()->str() + " " + chosen->arch()->str();
  std::string image(reinterpret_cast<const char *>(chosen->data()->data()),
                    chosen->data()->size());
  // PTX must end in NUL; a cubin is read by size.
  if ((r = driver->cuModuleLoadDataEx(&module, image.c_str(), 0, nullptr,
                                      nullptr)) != CUDA_SUCCESS)
    return error = driver->describe(r, "cannot load the artifact's " + loaded +
                                           " on " + device),
           Driver::statusOf(r);

  // Kernels, checked against the signatures stored next to their code.
  if (m.kernels())
    for (const fb::Kernel *k : *m.kernels()) {
      std::string symbol = k->symbol() ? k->symbol()->str() : "";
      bool named = symbol.rfind("infer_kernel_", 0) == 0 && symbol.size() > 13 &&
                   symbol.find_first_not_of("0123456789", 13) == std::string::npos;
      CUfunction fn = nullptr;
      CUdeviceptr info = 0;
      size_t infoBytes = 0;
      if (!named ||
          driver->cuModuleGetFunction(&fn, module, symbol.c_str()) != CUDA_SUCCESS ||
          driver->cuModuleGetGlobal(&info, &infoBytes, module,
                                    (symbol + "_info").c_str()) != CUDA_SUCCESS ||
          infoBytes < 16 || infoBytes % 8 != 0)
        return error = "kernel '" + symbol + "' is missing from the CUDA code",
               INFER_ERROR_CORRUPT_ARTIFACT;
      std::vector<uint64_t> sig(infoBytes / 8);
      if ((r = driver->cuMemcpyDtoH(sig.data(), info, infoBytes)) != CUDA_SUCCESS)
        return error = driver->describe(r, "cannot read a kernel signature"),
               Driver::statusOf(r);
      bool same = k->arg_bytes() && sig[0] == static_cast<uint64_t>(k->grid()) &&
                  sig[1] == k->arg_bytes()->size() &&
                  sig.size() == 2 + k->arg_bytes()->size() &&
                  k->block_threads() >= 1 && k->block_threads() <= 1024;
      for (uint32_t j = 0; same && j < k->arg_bytes()->size(); ++j)
        same = sig[2 + j] == k->arg_bytes()->Get(j);
      if (!same)
        return error = "kernel '" + symbol +
                       "' does not match the signature of its code",
               INFER_ERROR_CORRUPT_ARTIFACT;
      if (k->shared_bytes() > 48 * 1024)
        driver->cuFuncSetAttribute(fn, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                                   static_cast<int>(k->shared_bytes()));
      functions.push_back(fn);
    }

  // Weights, once per engine.
  size_t bytes = m.constants() ? m.constants()->size() : 0;
  if (bytes) {
    if ((r = driver->cuMemAlloc(&constants, bytes)) != CUDA_SUCCESS)
      return error = driver->describe(r, "cannot allocate " + std::to_string(bytes) +
                                             " bytes of weights on " + device),
             Driver::statusOf(r);
    if ((r = driver->cuMemcpyHtoD(constants, m.constants()->data(), bytes)) !=
        CUDA_SUCCESS)
      return error = driver->describe(r, "cannot upload the weights"),
             Driver::statusOf(r);
  }
  return INFER_OK;
}

CudaExecution::~CudaExecution() {
  if (!program)
    return;
  const Driver *d = program->driver;
  d->cuCtxSetCurrent(program->context);
  if (stream)
    d->cuStreamSynchronize(stream);
  if (graph)
    d->cuGraphExecDestroy(graph);
  if (stream)
    d->cuStreamDestroy(stream);
  for (CUdeviceptr p : devIn)
    if (p)
      d->cuMemFree(p);
  for (CUdeviceptr p : devOut)
    if (p)
      d->cuMemFree(p);
  for (uint8_t *p : hostIn)
    if (p)
      d->cuMemFreeHost(p);
  for (uint8_t *p : hostOut)
    if (p)
      d->cuMemFreeHost(p);
  if (arena)
    d->cuMemFree(arena);
}

infer_status CudaExecution::create(const CudaProgram &p, const fb::Model &m,
                                   const std::vector<size_t> &inputSizes,
                                   const std::vector<size_t> &outputSizes,
                                   std::string &error) {
  program = &p;
  model = &m;
  inSizes = inputSizes;
  outSizes = outputSizes;
  const Driver *d = p.driver;
  d->cuCtxSetCurrent(p.context);
  CUresult r;
  auto fail = [&](CUresult r, const std::string &what) {
    error = d->describe(r, what + " on " + p.device);
    return Driver::statusOf(r);
  };
  // Zero-sized buffers still get one byte: every pointer is valid.
  auto alloc = [&](CUdeviceptr &ptr, size_t bytes) {
    return d->cuMemAlloc(&ptr, bytes ? bytes : 1);
  };
  if ((r = alloc(arena, m.arena_size())) != CUDA_SUCCESS)
    return fail(r, "cannot allocate an arena of " + std::to_string(m.arena_size()) +
                       " bytes");
  devIn.assign(inSizes.size(), 0);
  devOut.assign(outSizes.size(), 0);
  hostIn.assign(inSizes.size(), nullptr);
  hostOut.assign(outSizes.size(), nullptr);
  for (size_t i = 0; i < inSizes.size(); ++i) {
    void *host = nullptr;
    if ((r = alloc(devIn[i], inSizes[i])) != CUDA_SUCCESS ||
        (r = d->cuMemHostAlloc(&host, inSizes[i] ? inSizes[i] : 1, 0)) != CUDA_SUCCESS)
      return fail(r, "cannot allocate input buffers");
    hostIn[i] = static_cast<uint8_t *>(host);
    std::memset(host, 0, inSizes[i]);
  }
  for (size_t i = 0; i < outSizes.size(); ++i) {
    void *host = nullptr;
    if ((r = alloc(devOut[i], outSizes[i])) != CUDA_SUCCESS ||
        (r = d->cuMemHostAlloc(&host, outSizes[i] ? outSizes[i] : 1, 0)) != CUDA_SUCCESS)
      return fail(r, "cannot allocate output buffers");
    hostOut[i] = static_cast<uint8_t *>(host);
  }
  if ((r = d->cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING)) != CUDA_SUCCESS)
    return fail(r, "cannot create a stream");
  auto pointer = [&](uint32_t id) -> CUdeviceptr {
    const fb::Buffer *b = m.buffers()->Get(id);
    switch (b->region()) {
    case fb::Region::Arena: return arena + b->offset();
    case fb::Region::Constants: return p.constants + b->offset();
    case fb::Region::Input: return devIn[b->index()] + b->offset();
    case fb::Region::Output: return devOut[b->index()] + b->offset();
    }
    return 0;
  };
  if (m.launches())
    for (const fb::Launch *l : *m.launches()) {
      std::vector<CUdeviceptr> values;
      for (uint32_t a : *l->args())
        values.push_back(pointer(a));
      argValues.push_back(std::move(values));
    }
  // Pointers into argValues, taken once its elements no longer move.
  for (std::vector<CUdeviceptr> &values : argValues) {
    std::vector<void *> ptrs;
    for (CUdeviceptr &v : values)
      ptrs.push_back(&v);
    argPointers.push_back(std::move(ptrs));
  }
  (void)r;
  return INFER_OK;
}

infer_status CudaExecution::enqueue(std::string &error) {
  const Driver *d = program->driver;
  const fb::Model &m = *model;
  CUresult r;
  for (size_t i = 0; i < devIn.size(); ++i)
    if (inSizes[i] &&
        (r = d->cuMemcpyHtoDAsync(devIn[i], hostIn[i], inSizes[i], stream)) != CUDA_SUCCESS)
      return error = d->describe(r, "cannot copy inputs to the device"),
             Driver::statusOf(r);
  if (m.launches())
    for (uint32_t i = 0; i < m.launches()->size(); ++i) {
      const fb::Launch *l = m.launches()->Get(i);
      if (l->kind() == fb::LaunchKind::Copy) {
        size_t bytes = m.buffers()->Get(l->args()->Get(1))->size();
        if (bytes && (r = d->cuMemcpyDtoDAsync(argValues[i][1], argValues[i][0],
                                               bytes, stream)) != CUDA_SUCCESS)
          return error = d->describe(r, "copy " + std::to_string(i) + " failed"),
                 Driver::statusOf(r);
        continue;
      }
      const fb::Kernel *k = m.kernels()->Get(l->kernel());
      r = d->cuLaunchKernel(program->functions[l->kernel()],
                            static_cast<unsigned>(l->grid()), 1, 1,
                            k->block_threads(), 1, 1, k->shared_bytes(), stream,
                            argPointers[i].data(), nullptr);
      if (r != CUDA_SUCCESS)
        return error = d->describe(r, "launch " + std::to_string(i) + " (" +
                                          k->symbol()->str() + ") failed"),
               Driver::statusOf(r);
    }
  for (size_t i = 0; i < devOut.size(); ++i)
    if (outSizes[i] &&
        (r = d->cuMemcpyDtoHAsync(hostOut[i], devOut[i], outSizes[i], stream)) != CUDA_SUCCESS)
      return error = d->describe(r, "cannot copy outputs from the device"),
             Driver::statusOf(r);
  return INFER_OK;
}

infer_status CudaExecution::run(double *launchMs, std::string &error) {
  const Driver *d = program->driver;
  d->cuCtxSetCurrent(program->context);
  CUresult r;
  if (launchMs) {
    // Profiling: each launch alone, synchronized and timed on the host.
    const fb::Model &m = *model;
    uint32_t n = m.launches() ? m.launches()->size() : 0;
    for (size_t i = 0; i < devIn.size(); ++i)
      if (inSizes[i])
        d->cuMemcpyHtoDAsync(devIn[i], hostIn[i], inSizes[i], stream);
    d->cuStreamSynchronize(stream);
    for (uint32_t i = 0; i < n; ++i) {
      auto start = std::chrono::steady_clock::now();
      const fb::Launch *l = m.launches()->Get(i);
      if (l->kind() == fb::LaunchKind::Copy) {
        size_t bytes = m.buffers()->Get(l->args()->Get(1))->size();
        if (bytes)
          d->cuMemcpyDtoDAsync(argValues[i][1], argValues[i][0], bytes, stream);
      } else {
        const fb::Kernel *k = m.kernels()->Get(l->kernel());
        d->cuLaunchKernel(program->functions[l->kernel()],
                          static_cast<unsigned>(l->grid()), 1, 1, k->block_threads(),
                          1, 1, k->shared_bytes(), stream, argPointers[i].data(),
                          nullptr);
      }
      if ((r = d->cuStreamSynchronize(stream)) != CUDA_SUCCESS)
        return error = d->describe(r, "launch " + std::to_string(i) + " failed"),
               Driver::statusOf(r);
      launchMs[i] = std::chrono::duration<double, std::milli>(
                        std::chrono::steady_clock::now() - start)
                        .count();
    }
    for (size_t i = 0; i < devOut.size(); ++i)
      if (outSizes[i])
        d->cuMemcpyDtoHAsync(hostOut[i], devOut[i], outSizes[i], stream);
  } else if (useGraph) {
    if (!graph) {
      CUgraph captured = nullptr;
      if ((r = d->cuStreamBeginCapture(stream, CU_STREAM_CAPTURE_MODE_THREAD_LOCAL)) !=
          CUDA_SUCCESS)
        return error = d->describe(r, "cannot capture a CUDA graph"),
               Driver::statusOf(r);
      infer_status s = enqueue(error);
      r = d->cuStreamEndCapture(stream, &captured);
      if (s != INFER_OK)
        return s;
      if (r != CUDA_SUCCESS)
        return error = d->describe(r, "cannot capture a CUDA graph"),
               Driver::statusOf(r);
      r = d->cuGraphInstantiateWithFlags(&graph, captured, 0);
      d->cuGraphDestroy(captured);
      if (r != CUDA_SUCCESS) {
        // Some plans cannot be graphs (kernels whose thread-local memory
        // the driver will not reserve for a whole graph): launch them one
        // by one from now on.
        graph = nullptr;
        useGraph = false;
        graphRefused = d->describe(r, "CUDA graph refused");
      }
    }
    if (!graph) {
      if (infer_status s = enqueue(error))
        return s;
    } else if ((r = d->cuGraphLaunch(graph, stream)) != CUDA_SUCCESS) {
      return error = d->describe(r, "cannot launch the CUDA graph"),
             Driver::statusOf(r);
    }
  } else if (infer_status s = enqueue(error)) {
    return s;
  }
  if ((r = d->cuStreamSynchronize(stream)) != CUDA_SUCCESS)
    return error = d->describe(r, "the model failed on " + program->device),
           Driver::statusOf(r);
  return INFER_OK;
}

} // namespace infer::cuda
