//===- Engine.h - A loaded artifact and its execution contexts --*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The implementation behind infer_runtime.h. An Engine owns the verified
// artifact bytes, the weights and the loaded kernels and never changes
// after loading; a Context owns an arena, input and output buffers and a
// thread pool, and runs the plan.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_RUNTIME_ENGINE_H
#define INFER_RUNTIME_ENGINE_H

#include "runtime/ThreadPool.h"
#include "runtime/cpu/CpuModule.h"
#include "runtime/cuda/CudaBackend.h"
#include "runtime/include/infer_runtime.h"

#include <memory>
#include <string>
#include <vector>

namespace infer {
namespace fb {
struct Model;
} // namespace fb

/// Sets the calling thread's error message and returns `status`.
infer_status setError(infer_status status, const std::string &message);

/// The error of check launch `launch` that failed: its ONNX node and what
/// the data broke.
std::string checkFailure(const fb::Model &model, size_t launch);

/// Memory aligned to 64 bytes.
struct AlignedBuffer {
  struct Free {
    void operator()(uint8_t *p) const { std::free(p); }
  };
  std::unique_ptr<uint8_t, Free> data;
  size_t size = 0;
  bool allocate(size_t bytes);
};

struct TensorDesc {
  std::string name;
  infer_dtype dtype;
  std::vector<int64_t> shape;
  size_t size;
};

class Engine {
public:
  /// Verifies and loads an artifact (the bytes are copied).
  static infer_status load(const void *data, size_t size,
                           std::unique_ptr<Engine> &engine);
  /// Verifies and loads an artifact whose bytes the engine takes.
  static infer_status load(AlignedBuffer bytes, std::unique_ptr<Engine> &engine);

  const fb::Model &model() const { return *root; }
  const std::vector<TensorDesc> &inputs() const { return inputDescs; }
  const std::vector<TensorDesc> &outputs() const { return outputDescs; }
  const std::vector<CpuKernelFn> &kernels() const { return kernelFns; }
  const uint8_t *constants() const;
  size_t constantsSize() const;
  size_t arenaSize() const;
  size_t numLaunches() const;
  /// The kind and the ONNX nodes of launch `i`.
  const std::string &launchKind(size_t i) const { return launchKinds[i]; }
  const std::string &launchNodes(size_t i) const { return launchNodeLists[i]; }
  const std::string &target() const { return targetName; }
  const std::string &source() const { return sourceName; }
  const std::string &compiler() const { return compilerName; }
  /// The CUDA program of a CUDA artifact, else null.
  const cuda::CudaProgram *cudaProgram() const { return cudaCode.get(); }
  /// Where the engine runs ("cpu", "NVIDIA H100 (sm_90), cubin sm_90a").
  const std::string &device() const { return deviceName; }

private:
  infer_status verify();
  /// Refuses 2:4 metadata constants with a code that names no two positions.
  infer_status verifySparseMetadata();

  AlignedBuffer bytes;
  const fb::Model *root = nullptr;
  std::vector<TensorDesc> inputDescs, outputDescs;
  CpuModule cpu;
  std::vector<CpuKernelFn> kernelFns;
  std::unique_ptr<cuda::CudaProgram> cudaCode;
  std::string targetName, sourceName, compilerName, deviceName = "cpu";
  std::vector<std::string> launchKinds, launchNodeLists;
};

class Context {
public:
  static infer_status create(const Engine &engine, int threads,
                             std::unique_ptr<Context> &context);
  infer_status setInput(int index, const void *data, size_t size);
  /// CUDA: after a run without copies, brings the outputs to the host
  /// buffers output() reads.
  infer_status fetchOutputs();
  /// CUDA: input `index` from, or output `index` to, device memory.
  infer_status copyDevice(bool input, int index, const void *devicePtr, size_t size);
  /// Runs the plan; with `launchMs`, times every launch.
  /// Without `copies` (CUDA), the device's inputs are used as they are and
  /// the outputs stay on the device.
  infer_status run(double *launchMs = nullptr, bool copies = true);
  const uint8_t *output(int index) const {
    return gpu ? gpu->hostOutput(index) : outputs[index].data.get();
  }
  /// CUDA: replay the plan as a CUDA graph (the default).
  void setCudaGraph(bool on) {
    if (gpu)
      gpu->setUseGraph(on);
  }
  const Engine &engine() const { return eng; }
  int threads() const { return pool.size(); }

private:
  explicit Context(const Engine &engine, int threads)
      : eng(engine), pool(threads) {}

  const Engine &eng;
  ThreadPool pool;
  AlignedBuffer arena;
  std::vector<AlignedBuffer> inputs, outputs;
  std::unique_ptr<cuda::CudaExecution> gpu;
  /// Resolved argument pointers of every launch.
  std::vector<std::vector<void *>> launchArgs;
};

} // namespace infer

struct infer_engine {
  std::unique_ptr<infer::Engine> impl;
};
struct infer_context {
  std::unique_ptr<infer::Context> impl;
};

#endif // INFER_RUNTIME_ENGINE_H
