//===- CudaBackend.h - Running artifacts on NVIDIA GPUs ---------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// CudaProgram is the engine's side: the module loaded from the cubin that
// matches the device (else the PTX, compiled by the driver), every kernel's
// signature checked against the plan, the weights uploaded once.
// CudaExecution is a context's: a device arena, device and pinned host
// buffers for inputs and outputs, a stream, and the whole plan captured
// into a CUDA graph on the first run (replayed afterwards).
//
//===----------------------------------------------------------------------===//

#ifndef INFER_RUNTIME_CUDA_CUDABACKEND_H
#define INFER_RUNTIME_CUDA_CUDABACKEND_H

#include "runtime/cuda/CudaDriver.h"

#include <cstdint>
#include <string>
#include <vector>

namespace infer {
namespace fb {
struct Model;
} // namespace fb

namespace cuda {

class CudaProgram {
public:
  CudaProgram() = default;
  ~CudaProgram();
  CudaProgram(const CudaProgram &) = delete;
  CudaProgram &operator=(const CudaProgram &) = delete;

  /// Loads the CUDA code and weights of `model`; a specialization of a
  /// dynamic model uses the weights its outer model uploaded (`shared`).
  infer_status load(const fb::Model &model, std::string &error,
                    const CudaProgram *shared = nullptr);
  size_t numKernels() const { return functions.size(); }

  const Driver *driver = nullptr;
  CUcontext context = nullptr;
  std::vector<CUfunction> functions;
  CUdeviceptr constants = 0;
  /// "NVIDIA H100 80GB HBM3 (sm_90)", and what was loaded ("cubin sm_90a").
  std::string device, loaded;
  /// The loaded code's kernels all begin with griddepcontrol.wait (binary
  /// feature "griddepcontrol"): each is launched with programmatic stream
  /// serialization, so its launch overlaps the tail of the kernel before.
  /// INFER_CUDA_NO_PDL=1 launches them plainly.
  bool gridDependency = false;

private:
  CUdevice dev = 0;
  bool retained = false;
  CUmodule module = nullptr;
  bool ownsConstants = true;
};

class CudaExecution {
public:
  CudaExecution() = default;
  ~CudaExecution();
  CudaExecution(const CudaExecution &) = delete;
  CudaExecution &operator=(const CudaExecution &) = delete;

  /// Allocates the arena and buffers of one context of `model`.
  infer_status create(const CudaProgram &program, const fb::Model &model,
                      const std::vector<size_t> &inputSizes,
                      const std::vector<size_t> &outputSizes, std::string &error,
                      CUdeviceptr sharedArena = 0);
  /// The device arena (shared with the other specializations of a dynamic
  /// model's context).
  CUdeviceptr arenaPointer() const { return arena; }
  /// Waits for the context's stream.
  infer_status synchronize(std::string &error);
  uint8_t *hostInput(size_t i) const { return hostIn[i]; }
  /// Input `i` was set in host memory: a run without copies uploads it
  /// first (a caller may mix host and device inputs).
  void markHostInput(size_t i) { hostPending[i] = 1; }
  /// After a run without copies the outputs are on the device only: copies
  /// them to the host buffers (once).
  infer_status syncOutputs(std::string &error);
  const uint8_t *hostOutput(size_t i) const { return hostOut[i]; }
  /// Runs the plan: through the CUDA graph unless `launchMs` asks for the
  /// time of every launch (then each launch is timed with CUDA events).
  /// Without `copies`, the inputs already on the device are used and the
  /// outputs stay there.
  infer_status run(double *launchMs, bool copies, std::string &error);
  /// Copies `inSizes[i]` (input) or `outSizes[i]` (output) bytes between
  /// the caller's device memory at `ptr` and input or output `i`, device to
  /// device on the legacy default stream (ordered after the work a
  /// framework synchronized into it, as DLPack's stream 1 asks), and waits.
  infer_status copyDevice(bool input, size_t i, CUdeviceptr ptr, std::string &error);
  void setUseGraph(bool on) { useGraph = on; }
  bool usesGraph() const { return useGraph; }
  /// Why the driver refused the graph, when it did ("" otherwise).
  const std::string &graphRefusal() const { return graphRefused; }

private:
  infer_status enqueue(bool copies, std::string &error);
  infer_status copyInputs(std::string &error);
  infer_status copyOutputs(std::string &error);
  infer_status launch(uint32_t i, std::string &error);
  /// After a run: the error of the first check that failed.
  infer_status readChecks(std::string &error) const;

  const CudaProgram *program = nullptr;
  const fb::Model *model = nullptr;
  CUstream stream = nullptr;
  CUdeviceptr arena = 0;
  bool ownsArena = true;
  /// The encoded tensor maps of every launch, in launch order.
  CUdeviceptr tensorMaps = 0;
  std::vector<CUdeviceptr> devIn, devOut;
  std::vector<uint8_t *> hostIn, hostOut;
  /// Pinned bytes the check launches copy their flags into, one per launch
  /// (null when the plan has no check).
  uint8_t *hostFlags = nullptr;
  std::vector<size_t> inSizes, outSizes;
  /// Inputs set in host memory since the last upload.
  std::vector<char> hostPending;
  /// Whether the last run left its outputs on the device only.
  bool outputsOnDevice = false;
  /// Per launch: the argument values and pointers to them.
  std::vector<std::vector<CUdeviceptr>> argValues;
  std::vector<std::vector<void *>> argPointers;
  bool useGraph = true;
  /// The plan as a graph, without and with the host copies.
  CUgraphExec graphs[2] = {nullptr, nullptr};
  std::string graphRefused;
};

} // namespace cuda
} // namespace infer

#endif // INFER_RUNTIME_CUDA_CUDABACKEND_H
