//===- CudaBackend.cpp - Running artifacts on NVIDIA GPUs -----------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "runtime/cuda/CudaBackend.h"
#include "runtime/Engine.h"

#include "runtime/schema/Artifact_generated.h"

#include <algorithm>
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

/// Bytes per element of the types a tensor map may hold (0: none).
unsigned tensorMapElementBytes(fb::DType t) {
  switch (t) {
  case fb::DType::F16:
  case fb::DType::BF16:
  case fb::DType::I16: // 2:4 sparsity metadata
  case fb::DType::U16: return 2;
  case fb::DType::F32: return 4;
  case fb::DType::I8:
  case fb::DType::U8: return 1;
  default: return 0;
  }
}

/// The signature words of one tensor map: argument, dtype, rank, swizzle,
/// box (4 words, unused ones 0), mode (0 tiled, 1 im2col), im2col corners
/// and strides (6 words).
constexpr size_t kTensorMapWords = 15;

/// Whether `t` is what the code at `sig` expects and stays inside the buffer
/// of its argument: a plan cannot make a TMA copy reach outside it.
bool tensorMapValid(const fb::TensorMap &t, const fb::Kernel &k,
                    const uint64_t *sig) {
  const auto *dims = t.dims();
  const auto *strides = t.strides();
  const auto *box = t.box();
  unsigned elem = tensorMapElementBytes(t.dtype());
  const auto *im2col = t.im2col();
  bool pixels = im2col != nullptr;
  if (!dims || !strides || !box || elem == 0 || dims->size() < 1 ||
      dims->size() > 4 || strides->size() + 1 != dims->size() ||
      box->size() != (pixels ? 2 : dims->size()) || t.arg() >= k.arg_bytes()->size())
    return false;
  if (sig[0] != t.arg() || sig[1] != static_cast<uint64_t>(t.dtype()) ||
      sig[2] != dims->size() || sig[3] != t.swizzle() || t.swizzle() > 3 ||
      sig[8] != (pixels ? 1u : 0u))
    return false;
  if (pixels) {
    // Im2col: an NHWC image; corners within the 4-D range, traversal
    // strides 1 to 8, at most 256 channels and 1024 pixels per copy. The
    // copy reads inside the image only (the rest is filled with zeros).
    if (dims->size() != 4 || im2col->size() != 6 || box->Get(0) != sig[4] ||
        box->Get(1) != sig[5] || box->Get(0) < 1 || box->Get(0) > 256 ||
        box->Get(1) < 1 || box->Get(1) > 1024)
      return false;
    for (uint32_t i = 0; i < 6; ++i) {
      int32_t v = im2col->Get(i);
      if (static_cast<int64_t>(sig[9 + i]) != v ||
          (i < 4 ? v < -128 || v > 127 : v < 1 || v > 8))
        return false;
    }
  }
  unsigned __int128 last = elem; // one past the last byte a copy may touch
  for (uint32_t d = 0; d < dims->size(); ++d) {
    uint64_t n = dims->Get(d);
    uint32_t b = pixels ? 1 : box->Get(d);
    if (n < 1 || n > (uint64_t(1) << 32) || (!pixels && b != sig[4 + d]) || b < 1 ||
        b > 256)
      return false;
    if (d == 0) {
      last += static_cast<unsigned __int128>(n - 1) * elem;
    } else {
      uint64_t stride = strides->Get(d - 1);
      if (stride % 16 != 0 || stride >= (uint64_t(1) << 40))
        return false;
      last += static_cast<unsigned __int128>(n - 1) * stride;
    }
  }
  return last <= k.arg_bytes()->Get(t.arg());
}
} // namespace

CudaProgram::~CudaProgram() {
  if (!driver)
    return;
  if (constants && ownsConstants)
    driver->cuMemFree(constants);
  if (module)
    driver->cuModuleUnload(module);
  if (retained)
    driver->cuDevicePrimaryCtxRelease(dev);
}

infer_status CudaProgram::load(const fb::Model &m, std::string &error,
                                const CudaProgram *shared) {
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
  // A plan without kernels (a tuning candidates' container holds only the
  // weights its candidates share) loads no code.
  bool hasKernels = m.kernels() && m.kernels()->size() > 0;
  if (!chosen && !hasKernels)
    loaded = "no code";
  else if (!chosen)
    return error = "the artifact's CUDA code (" + (archs.empty() ? "none" : archs) +
                   ") cannot run on " + device +
                   "; recompile with --target=cuda:sm_" + std::to_string(capability),
           INFER_ERROR_TARGET;
  if (chosen)
    loaded = chosen->format()->str() + " " + chosen->arch()->str();
  // Programmatic launches captured into CUDA graphs need CUDA 12.3.
  int version = 0;
  driver->cuDriverGetVersion(&version);
  if (chosen && chosen->features() && driver->cuLaunchKernelEx && capability >= 90 &&
      version >= 12030 && !std::getenv("INFER_CUDA_NO_PDL"))
    for (const flatbuffers::String *f : *chosen->features())
      gridDependency |= f->str() == "griddepcontrol";
  if (gridDependency)
    loaded += ", programmatic launches";
  std::string image = chosen ? std::string(reinterpret_cast<const char *>(chosen->data()->data()),
                                           chosen->data()->size())
                             : std::string();
  // PTX must end in NUL; a cubin is read by size.
  if (chosen && (r = driver->cuModuleLoadDataEx(&module, image.c_str(), 0, nullptr,
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
      // Signature: grid, argument count, argument sizes, tensor map count,
      // then kTensorMapWords per tensor map.
      std::vector<uint64_t> sig(infoBytes / 8);
      if ((r = driver->cuMemcpyDtoH(sig.data(), info, infoBytes)) != CUDA_SUCCESS)
        return error = driver->describe(r, "cannot read a kernel signature"),
               Driver::statusOf(r);
      size_t nArgs = k->arg_bytes() ? k->arg_bytes()->size() : 0;
      size_t nMaps = k->tensor_maps() ? k->tensor_maps()->size() : 0;
      bool same = k->arg_bytes() && sig[0] == static_cast<uint64_t>(k->grid()) &&
                  sig[1] == nArgs &&
                  sig.size() == 3 + nArgs + nMaps * kTensorMapWords &&
                  sig[2 + nArgs] == nMaps && k->block_threads() >= 1 &&
                  k->block_threads() <= 1024;
      for (uint32_t j = 0; same && j < nArgs; ++j)
        same = sig[2 + j] == k->arg_bytes()->Get(j);
      for (uint32_t j = 0; same && j < nMaps; ++j)
        same = tensorMapValid(*k->tensor_maps()->Get(j), *k,
                              sig.data() + 3 + nArgs + j * kTensorMapWords);
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
  if (shared) {
    constants = shared->constants;
    ownsConstants = false;
  } else if (bytes) {
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
  for (CUgraphExec g : graphs)
    if (g)
      d->cuGraphExecDestroy(g);
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
  if (hostFlags)
    d->cuMemFreeHost(hostFlags);
  if (arena && ownsArena)
    d->cuMemFree(arena);
  if (tensorMaps)
    d->cuMemFree(tensorMaps);
}

infer_status CudaExecution::create(const CudaProgram &p, const fb::Model &m,
                                   const std::vector<size_t> &inputSizes,
                                   const std::vector<size_t> &outputSizes,
                                   std::string &error, CUdeviceptr sharedArena) {
  program = &p;
  model = &m;
  inSizes = inputSizes;
  hostPending.assign(inSizes.size(), 0);
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
  if (sharedArena) {
    arena = sharedArena;
    ownsArena = false;
  } else if ((r = alloc(arena, m.arena_size())) != CUDA_SUCCESS)
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
  bool hasChecks = m.launches() && std::any_of(m.launches()->begin(), m.launches()->end(),
                                [](const fb::Launch *l) {
                                  return l->kind() == fb::LaunchKind::Check;
                                });
  if (hasChecks) {
    void *host = nullptr;
    if ((r = d->cuMemHostAlloc(&host, m.launches()->size(), 0)) != CUDA_SUCCESS)
      return fail(r, "cannot allocate the check flags");
    hostFlags = static_cast<uint8_t *>(host);
    std::memset(hostFlags, 0, m.launches()->size());
  }
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
  // Tensor maps: encoded for this context's buffers, kept in device
  // memory, passed after the buffer pointers.
  std::vector<CUtensorMap> maps;
  std::vector<std::pair<size_t, size_t>> mapsOfLaunch; // first, count
  if (m.launches())
    for (const fb::Launch *l : *m.launches()) {
      std::vector<CUdeviceptr> values;
      for (uint32_t a : *l->args())
        values.push_back(pointer(a));
      mapsOfLaunch.push_back({maps.size(), 0});
      const fb::Kernel *k = l->kind() == fb::LaunchKind::Kernel
                                ? m.kernels()->Get(l->kernel())
                                : nullptr;
      if (k && k->tensor_maps())
        for (const fb::TensorMap *t : *k->tensor_maps()) {
          CUtensorMap map{};
          unsigned rank = t->dims()->size();
          unsigned long long dims[4], strides[4];
          unsigned box[4], ones[4] = {1, 1, 1, 1};
          for (unsigned d = 0; d < t->box()->size(); ++d)
            box[d] = t->box()->Get(d);
          for (unsigned d = 0; d < rank; ++d) {
            dims[d] = t->dims()->Get(d);
            if (d)
              strides[d - 1] = t->strides()->Get(d - 1);
          }
          int type = t->dtype() == fb::DType::F16    ? CU_TENSOR_MAP_DATA_TYPE_FLOAT16
                     : t->dtype() == fb::DType::BF16 ? CU_TENSOR_MAP_DATA_TYPE_BFLOAT16
                     : t->dtype() == fb::DType::F32  ? CU_TENSOR_MAP_DATA_TYPE_FLOAT32
                     : t->dtype() == fb::DType::I16 || t->dtype() == fb::DType::U16
                         ? CU_TENSOR_MAP_DATA_TYPE_UINT16
                         : CU_TENSOR_MAP_DATA_TYPE_UINT8;
          CUdeviceptr base = values[t->arg()];
          if (const auto *p = t->im2col()) {
            // Corners (W, H) low then high; traversal strides C, W, H, N.
            int lower[2] = {p->Get(0), p->Get(1)}, upper[2] = {p->Get(2), p->Get(3)};
            unsigned traversal[4] = {1, static_cast<unsigned>(p->Get(4)),
                                     static_cast<unsigned>(p->Get(5)), 1};
            r = d->cuTensorMapEncodeIm2col(
                &map, type, rank, reinterpret_cast<void *>(base), dims, strides, lower,
                upper, box[0], box[1], traversal, /*interleave=*/0, t->swizzle(),
                CU_TENSOR_MAP_L2_PROMOTION_L2_256B, /*oobFill=*/0);
          } else {
            r = d->cuTensorMapEncodeTiled(
                &map, type, rank, reinterpret_cast<void *>(base), dims, strides, box,
                ones, /*interleave=*/0, t->swizzle(), CU_TENSOR_MAP_L2_PROMOTION_L2_256B,
                /*oobFill=*/0);
          }
          if (r != CUDA_SUCCESS)
            return fail(r, "cannot encode the tensor map of argument " +
                               std::to_string(t->arg()) + " of kernel " +
                               k->symbol()->str());
          maps.push_back(map);
          ++mapsOfLaunch.back().second;
        }
      argValues.push_back(std::move(values));
    }
  if (!maps.empty()) {
    size_t bytes = maps.size() * sizeof(CUtensorMap);
    if ((r = d->cuMemAlloc(&tensorMaps, bytes)) != CUDA_SUCCESS ||
        (r = d->cuMemcpyHtoD(tensorMaps, maps.data(), bytes)) != CUDA_SUCCESS)
      return fail(r, "cannot upload the tensor maps");
    for (size_t i = 0; i < argValues.size(); ++i)
      for (size_t j = 0; j < mapsOfLaunch[i].second; ++j)
        argValues[i].push_back(tensorMaps +
                               (mapsOfLaunch[i].first + j) * sizeof(CUtensorMap));
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

infer_status CudaExecution::launch(uint32_t i, std::string &error) {
  const Driver *d = program->driver;
  const fb::Model &m = *model;
  const fb::Launch *l = m.launches()->Get(i);
  CUresult r = CUDA_SUCCESS;
  if (l->kind() == fb::LaunchKind::Copy) {
    size_t bytes = m.buffers()->Get(l->args()->Get(1))->size();
    if (bytes)
      r = d->cuMemcpyDtoDAsync(argValues[i][1], argValues[i][0], bytes, stream);
  } else if (l->kind() == fb::LaunchKind::Check) {
    // The flag comes back in stream order, before later launches reuse its
    // bytes; readChecks looks at it after the run.
    r = d->cuMemcpyDtoHAsync(hostFlags + i, argValues[i][0], 1, stream);
  } else {
    const fb::Kernel *k = m.kernels()->Get(l->kernel());
    if (program->gridDependency) {
      CUlaunchAttribute overlap{};
      overlap.id = CU_LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION;
      overlap.value.programmaticStreamSerializationAllowed = 1;
      CUlaunchConfig config{static_cast<unsigned>(l->grid()), 1, 1, k->block_threads(), 1,
                            1, k->shared_bytes(), stream, &overlap, 1};
      r = d->cuLaunchKernelEx(&config, program->functions[l->kernel()],
                              argPointers[i].data(), nullptr);
    } else {
      r = d->cuLaunchKernel(program->functions[l->kernel()],
                            static_cast<unsigned>(l->grid()), 1, 1, k->block_threads(),
                            1, 1, k->shared_bytes(), stream, argPointers[i].data(),
                            nullptr);
    }
  }
  if (r != CUDA_SUCCESS) {
    std::string what = l->kind() == fb::LaunchKind::Copy    ? "copy"
                       : l->kind() == fb::LaunchKind::Check ? "check"
                           : m.kernels()->Get(l->kernel())->symbol()->str();
    return error = d->describe(r, "launch " + std::to_string(i) + " (" + what +
                                      ") failed"),
           Driver::statusOf(r);
  }
  return INFER_OK;
}

infer_status CudaExecution::copyInputs(std::string &error) {
  const Driver *d = program->driver;
  CUresult r;
  for (size_t i = 0; i < devIn.size(); ++i)
    if (inSizes[i] &&
        (r = d->cuMemcpyHtoDAsync(devIn[i], hostIn[i], inSizes[i], stream)) != CUDA_SUCCESS)
      return error = d->describe(r, "cannot copy inputs to the device"),
             Driver::statusOf(r);
  return INFER_OK;
}

infer_status CudaExecution::copyOutputs(std::string &error) {
  const Driver *d = program->driver;
  CUresult r;
  for (size_t i = 0; i < devOut.size(); ++i)
    if (outSizes[i] &&
        (r = d->cuMemcpyDtoHAsync(hostOut[i], devOut[i], outSizes[i], stream)) != CUDA_SUCCESS)
      return error = d->describe(r, "cannot copy outputs from the device"),
             Driver::statusOf(r);
  return INFER_OK;
}

infer_status CudaExecution::copyDevice(bool input, size_t i, CUdeviceptr ptr,
                                       std::string &error) {
  const Driver *d = program->driver;
  d->cuCtxSetCurrent(program->context);
  size_t size = input ? inSizes[i] : outSizes[i];
  if (!size)
    return INFER_OK;
  CUresult r = input ? d->cuMemcpyDtoDAsync(devIn[i], ptr, size, nullptr)
                     : d->cuMemcpyDtoDAsync(ptr, devOut[i], size, nullptr);
  if (r == CUDA_SUCCESS)
    r = d->cuStreamSynchronize(nullptr);
  if (input && r == CUDA_SUCCESS)
    hostPending[i] = 0;
  if (r != CUDA_SUCCESS)
    return error = d->describe(r, input ? "cannot copy an input from device memory"
                                        : "cannot copy an output to device memory"),
           Driver::statusOf(r);
  return INFER_OK;
}

infer_status CudaExecution::syncOutputs(std::string &error) {
  if (!outputsOnDevice)
    return INFER_OK;
  const Driver *d = program->driver;
  d->cuCtxSetCurrent(program->context);
  CUresult r = CUDA_SUCCESS;
  for (size_t i = 0; i < devOut.size() && r == CUDA_SUCCESS; ++i)
    if (outSizes[i])
      r = d->cuMemcpyDtoHAsync(hostOut[i], devOut[i], outSizes[i], stream);
  if (r == CUDA_SUCCESS)
    r = d->cuStreamSynchronize(stream);
  if (r != CUDA_SUCCESS)
    return error = d->describe(r, "cannot copy outputs from the device"), Driver::statusOf(r);
  outputsOnDevice = false;
  return INFER_OK;
}

infer_status CudaExecution::enqueue(bool copies, std::string &error) {
  if (copies)
    if (infer_status s = copyInputs(error))
      return s;
  uint32_t n = model->launches() ? model->launches()->size() : 0;
  for (uint32_t i = 0; i < n; ++i)
    if (infer_status s = launch(i, error))
      return s;
  return copies ? copyOutputs(error) : INFER_OK;
}

infer_status CudaExecution::run(double *launchMs, bool copies, std::string &error) {
  const Driver *d = program->driver;
  d->cuCtxSetCurrent(program->context);
  CUresult r;
  // Inputs set in host memory since the last upload go up first when the
  // run itself copies nothing (device inputs mixed with host ones).
  for (size_t i = 0; i < devIn.size(); ++i) {
    if (!hostPending[i])
      continue;
    if (!copies && inSizes[i] &&
        (r = d->cuMemcpyHtoDAsync(devIn[i], hostIn[i], inSizes[i], stream)) != CUDA_SUCCESS)
      return error = d->describe(r, "cannot copy inputs to the device"), Driver::statusOf(r);
    hostPending[i] = 0;
  }
  outputsOnDevice = false;
  if (launchMs) {
    // Profiling: launch by launch, each between two events.
    const fb::Model &m = *model;
    uint32_t n = m.launches() ? m.launches()->size() : 0;
    std::vector<CUevent> events(n + 1, nullptr);
    auto release = [&] {
      for (CUevent e : events)
        if (e)
          d->cuEventDestroy(e);
    };
    for (CUevent &e : events)
      if ((r = d->cuEventCreate(&e, 0)) != CUDA_SUCCESS)
        return release(), error = d->describe(r, "cannot create a CUDA event"),
               Driver::statusOf(r);
    if (copies)
      if (infer_status s = copyInputs(error))
        return release(), s;
    d->cuEventRecord(events[0], stream);
    for (uint32_t i = 0; i < n; ++i) {
      if (infer_status s = launch(i, error))
        return release(), s;
      d->cuEventRecord(events[i + 1], stream);
    }
    if ((r = d->cuEventSynchronize(events[n])) != CUDA_SUCCESS)
      return release(), error = d->describe(r, "the model failed on " + program->device),
             Driver::statusOf(r);
    for (uint32_t i = 0; i < n; ++i) {
      float ms = 0;
      d->cuEventElapsedTime(&ms, events[i], events[i + 1]);
      launchMs[i] = ms;
    }
    release();
    if (copies)
      if (infer_status s = copyOutputs(error))
        return s;
  } else if (useGraph) {
    CUgraphExec &graph = graphs[copies ? 1 : 0];
    if (!graph) {
      CUgraph captured = nullptr;
      if ((r = d->cuStreamBeginCapture(stream, CU_STREAM_CAPTURE_MODE_THREAD_LOCAL)) !=
          CUDA_SUCCESS)
        return error = d->describe(r, "cannot capture a CUDA graph"),
               Driver::statusOf(r);
      infer_status s = enqueue(copies, error);
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
      if (infer_status s = enqueue(copies, error))
        return s;
    } else if ((r = d->cuGraphLaunch(graph, stream)) != CUDA_SUCCESS) {
      return error = d->describe(r, "cannot launch the CUDA graph"),
             Driver::statusOf(r);
    }
  } else if (infer_status s = enqueue(copies, error)) {
    return s;
  }
  if ((r = d->cuStreamSynchronize(stream)) != CUDA_SUCCESS)
    return error = d->describe(r, "the model failed on " + program->device),
           Driver::statusOf(r);
  outputsOnDevice = !copies;
  return readChecks(error);
}

infer_status CudaExecution::readChecks(std::string &error) const {
  if (!hostFlags)
    return INFER_OK;
  for (uint32_t i = 0; i < model->launches()->size(); ++i)
    if (model->launches()->Get(i)->kind() == fb::LaunchKind::Check &&
        hostFlags[i] != 0) {
      error = checkFailure(*model, i);
      return INFER_ERROR_INVALID_DATA;
    }
  return INFER_OK;
}

infer_status CudaExecution::synchronize(std::string &error) {
  const Driver *d = program->driver;
  d->cuCtxSetCurrent(program->context);
  if (CUresult r = d->cuStreamSynchronize(stream); r != CUDA_SUCCESS) {
    error = d->describe(r, "the stream failed on " + program->device);
    return Driver::statusOf(r);
  }
  return INFER_OK;
}

} // namespace infer::cuda
