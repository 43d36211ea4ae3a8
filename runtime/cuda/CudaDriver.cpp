//===- CudaDriver.cpp - The CUDA driver API, opened at run time -----------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "runtime/cuda/CudaDriver.h"

#include <dlfcn.h>
#include <mutex>

namespace infer::cuda {

namespace {
Driver driver;
std::string loadError;
infer_status loadStatus = INFER_OK;

bool loadDriver() {
  void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char *why = dlerror();
    loadError = std::string("no CUDA driver: cannot open libcuda.so.1 (") +
                (why ? why : "?") + "); install the NVIDIA driver or compile "
                "for --target=cpu";
    loadStatus = INFER_ERROR_DEVICE;
    return false;
  }
  bool ok = true;
  auto bind = [&](auto &fn, const char *name) {
    fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(dlsym(lib, name));
    if (!fn) {
      ok = false;
      if (loadError.empty())
        loadError = std::string("the CUDA driver lacks ") + name +
                    " (a driver for CUDA 12 or later is needed)";
    }
  };
  bind(driver.cuInit, "cuInit");
  bind(driver.cuDeviceGetCount, "cuDeviceGetCount");
  bind(driver.cuDeviceGet, "cuDeviceGet");
  bind(driver.cuDeviceGetAttribute, "cuDeviceGetAttribute");
  bind(driver.cuDeviceGetName, "cuDeviceGetName");
  bind(driver.cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain");
  bind(driver.cuDevicePrimaryCtxRelease, "cuDevicePrimaryCtxRelease_v2");
  bind(driver.cuCtxSetCurrent, "cuCtxSetCurrent");
  bind(driver.cuModuleLoadDataEx, "cuModuleLoadDataEx");
  bind(driver.cuModuleUnload, "cuModuleUnload");
  bind(driver.cuModuleGetFunction, "cuModuleGetFunction");
  bind(driver.cuModuleGetGlobal, "cuModuleGetGlobal_v2");
  bind(driver.cuFuncSetAttribute, "cuFuncSetAttribute");
  bind(driver.cuMemAlloc, "cuMemAlloc_v2");
  bind(driver.cuMemFree, "cuMemFree_v2");
  bind(driver.cuMemHostAlloc, "cuMemHostAlloc");
  bind(driver.cuMemFreeHost, "cuMemFreeHost");
  bind(driver.cuMemcpyHtoD, "cuMemcpyHtoD_v2");
  bind(driver.cuMemcpyDtoH, "cuMemcpyDtoH_v2");
  bind(driver.cuMemcpyHtoDAsync, "cuMemcpyHtoDAsync_v2");
  bind(driver.cuMemcpyDtoHAsync, "cuMemcpyDtoHAsync_v2");
  bind(driver.cuMemcpyDtoDAsync, "cuMemcpyDtoDAsync_v2");
  bind(driver.cuTensorMapEncodeTiled, "cuTensorMapEncodeTiled");
  bind(driver.cuTensorMapEncodeIm2col, "cuTensorMapEncodeIm2col");
  bind(driver.cuLaunchKernel, "cuLaunchKernel");
  driver.cuLaunchKernelEx = reinterpret_cast<decltype(driver.cuLaunchKernelEx)>(
      dlsym(lib, "cuLaunchKernelEx"));
  bind(driver.cuDriverGetVersion, "cuDriverGetVersion");
  bind(driver.cuStreamCreate, "cuStreamCreate");
  bind(driver.cuStreamDestroy, "cuStreamDestroy_v2");
  bind(driver.cuStreamSynchronize, "cuStreamSynchronize");
  bind(driver.cuStreamBeginCapture, "cuStreamBeginCapture_v2");
  bind(driver.cuStreamEndCapture, "cuStreamEndCapture");
  bind(driver.cuGraphInstantiateWithFlags, "cuGraphInstantiateWithFlags");
  bind(driver.cuGraphLaunch, "cuGraphLaunch");
  bind(driver.cuGraphExecDestroy, "cuGraphExecDestroy");
  bind(driver.cuGraphDestroy, "cuGraphDestroy");
  bind(driver.cuEventCreate, "cuEventCreate");
  bind(driver.cuEventDestroy, "cuEventDestroy_v2");
  bind(driver.cuEventRecord, "cuEventRecord");
  bind(driver.cuEventSynchronize, "cuEventSynchronize");
  bind(driver.cuEventElapsedTime, "cuEventElapsedTime");
  bind(driver.cuGetErrorName, "cuGetErrorName");
  bind(driver.cuGetErrorString, "cuGetErrorString");
  if (!ok) {
    loadStatus = INFER_ERROR_DEVICE;
    return false;
  }
  CUresult r = driver.cuInit(0);
  int count = 0;
  if (r == CUDA_SUCCESS)
    r = driver.cuDeviceGetCount(&count);
  if (r != CUDA_SUCCESS || count == 0) {
    loadError = r != CUDA_SUCCESS ? driver.describe(r, "cannot initialize CUDA")
                                  : "no CUDA device is present";
    loadStatus = INFER_ERROR_DEVICE;
    return false;
  }
  return true;
}
} // namespace

const Driver *Driver::get(std::string &error, infer_status &status) {
  static std::once_flag once;
  static bool ok = false;
  std::call_once(once, [] { ok = loadDriver(); });
  if (!ok) {
    error = loadError;
    status = loadStatus;
    return nullptr;
  }
  return &driver;
}

std::string Driver::describe(CUresult r, const std::string &what) const {
  const char *name = nullptr, *text = nullptr;
  if (cuGetErrorName)
    cuGetErrorName(r, &name);
  if (cuGetErrorString)
    cuGetErrorString(r, &text);
  return what + ": " + (name ? name : "CUDA error " + std::to_string(r)) +
         (text ? std::string(" (") + text + ")" : std::string());
}

infer_status Driver::statusOf(CUresult r) {
  switch (r) {
  case CUDA_ERROR_OUT_OF_MEMORY: return INFER_ERROR_OUT_OF_MEMORY;
  case CUDA_ERROR_NO_BINARY_FOR_GPU:
  case CUDA_ERROR_INVALID_PTX:
  case CUDA_ERROR_UNSUPPORTED_PTX_VERSION: return INFER_ERROR_TARGET;
  default: return INFER_ERROR_DEVICE;
  }
}

} // namespace infer::cuda
