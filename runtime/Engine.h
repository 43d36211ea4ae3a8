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
#include "runtime/vulkan/VulkanBackend.h"

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

size_t dtypeSize(infer_dtype d);

/// A dynamic dimension of a model compiled with profiles.
struct DimInfo {
  std::string name;
  int64_t min = 1, opt = 1, max = 1;
  /// A size between two specializations may run on the larger one.
  bool paddable = false;
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
  /// The Vulkan program of a Vulkan artifact, else null.
  const vk::VulkanProgram *vulkanProgram() const { return vulkanCode.get(); }
  /// Where the engine runs ("cpu", "NVIDIA H100 (sm_90), cubin sm_90a").
  const std::string &device() const { return deviceName; }

  /// Dynamic shapes: the dimensions, the one each input and output axis is
  /// (-1: none), and the specializations (0: this engine's own plan, at the
  /// opt values).
  bool dynamic() const { return !dimInfos.empty(); }
  const std::vector<DimInfo> &dims() const { return dimInfos; }
  const std::vector<std::vector<int>> &inputAxes() const { return inputDimAxes; }
  const std::vector<std::vector<int32_t>> &inputAxes32() const { return inputDimAxes32; }
  /// Inputs and outputs as declared: dynamic axes -1, size 0.
  const std::vector<TensorDesc> &declaredInputs() const {
    return dynamic() ? declaredIn : inputDescs;
  }
  const std::vector<TensorDesc> &declaredOutputs() const {
    return dynamic() ? declaredOut : outputDescs;
  }
  const std::vector<std::vector<int>> &outputAxes() const { return outputDimAxes; }
  size_t numVariants() const { return 1 + variantEngines.size(); }
  const Engine &variant(size_t i) const { return i == 0 ? *this : *variantEngines[i - 1]; }
  /// Tile candidates (an infer-compile --tune-candidates artifact): their
  /// cache keys and each one's plan, a static engine of its own.
  struct CandidateInfo {
    std::string arch, signature, config, nodes;
    bool heuristic = false;
  };
  size_t numCandidates() const { return candidateEngines.size(); }
  const CandidateInfo &candidateInfo(size_t i) const { return candidateInfos[i]; }
  const Engine &candidate(size_t i) const { return *candidateEngines[i]; }
  /// The cheapest specialization that runs dimensions `v` (exactly, or
  /// padded along paddable ones); -1 when none does.
  int selectVariant(const std::vector<int64_t> &v) const;

private:
  /// A specialization nested in `outer`'s artifact.
  static infer_status loadNested(const uint8_t *data, size_t size, const Engine &outer,
                                 std::unique_ptr<Engine> &engine);
  infer_status verify();
  infer_status verifyPlan();
  infer_status verifyDynamic();
  infer_status verifyCandidates();
  /// Refuses 2:4 metadata constants with a code that names no two positions.
  infer_status verifySparseMetadata();

  AlignedBuffer bytes;
  const fb::Model *root = nullptr;
  /// A specialization: the engine whose artifact holds it (and its weights).
  const Engine *outer = nullptr;
  std::vector<DimInfo> dimInfos;
  std::vector<std::vector<int>> inputDimAxes, outputDimAxes;
  std::vector<std::vector<int32_t>> inputDimAxes32;
  std::vector<TensorDesc> declaredIn, declaredOut;
  std::vector<std::vector<int64_t>> values;
  std::vector<std::unique_ptr<Engine>> variantEngines;
  std::vector<CandidateInfo> candidateInfos;
  std::vector<std::unique_ptr<Engine>> candidateEngines;
  std::vector<TensorDesc> inputDescs, outputDescs;
  CpuModule cpu;
  std::vector<CpuKernelFn> kernelFns;
  std::unique_ptr<cuda::CudaProgram> cudaCode;
  vk::ProgramPtr vulkanCode;
  std::string targetName, sourceName, compilerName, deviceName = "cpu";
  std::vector<std::string> launchKinds, launchNodeLists;
};

class Context {
public:
  static infer_status create(const Engine &engine, int threads,
                             std::unique_ptr<Context> &context);
  /// The shape of input `index` for the next runs (dynamic engines; a
  /// static one takes its own shape only).
  infer_status setInputShape(int index, const int64_t *dims, int rank);
  /// Input or output `index` as the context runs it now: its shape after
  /// setInputShape (an output's, after the last run or as the shapes set
  /// give it).
  infer_status tensorInfo(bool input, int index, TensorDesc &desc);
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
  const uint8_t *output(int index) const;
  /// CUDA: replay the plan as a CUDA graph (the default).
  void setCudaGraph(bool on) {
    useGraph = on;
    if (gpu)
      gpu->setUseGraph(on);
    for (auto &s : subs)
      if (s)
        s->setCudaGraph(on);
  }
  const Engine &engine() const { return eng; }
  int threads() const { return pool->size(); }
  /// Sends the pool's workers to sleep (infer_context_rest).
  void rest() { pool->rest(); }
  /// Bytes of output `index` of the last run (its shape's).
  size_t outputBytes(int index) const;

private:
  Context(const Engine &engine, std::shared_ptr<ThreadPool> pool)
      : eng(engine), pool(std::move(pool)) {}
  /// A context of one plan (a static engine, or one specialization), its
  /// arena at `hostArena` / `deviceArena` when given.
  static infer_status createPlan(const Engine &engine, std::shared_ptr<ThreadPool> pool,
                                 uint8_t *hostArena, uint64_t deviceArena,
                                 std::unique_ptr<Context> &context);
  static infer_status createDynamic(const Engine &engine, std::shared_ptr<ThreadPool> pool,
                                    std::unique_ptr<Context> &context);
  /// Dynamic engines: the context of specialization `v`, created on first use.
  infer_status sub(int v, Context *&out);
  /// The dimensions' values the input shapes set give.
  infer_status dimValues(std::vector<int64_t> &out) const;
  /// The output shapes of specialization `v` run at `vals`.
  void outputShapesFor(int v, const std::vector<int64_t> &vals,
                       std::vector<std::vector<int64_t>> &out) const;
  uint8_t *hostInputPointer(int i) {
    return gpu ? gpu->hostInput(i)
               : vulkan ? vk::hostInput(*vulkan, i) : inputs[i].data.get();
  }
  infer_status runDynamic(double *launchMs, bool copies);
  infer_status setInputDynamic(int index, const void *data, size_t size);
  /// The context of the specialization the shapes set select, when it
  /// takes input `index` at its shape exactly (marked as placed there);
  /// else null.
  infer_status exactFor(int index, Context *&out);
  infer_status copyDeviceDynamic(bool input, int index, const void *devicePtr, size_t size);
  /// Cuts the last run's padded outputs back to their shapes.
  infer_status sliceOutputs();

  const Engine &eng;
  std::shared_ptr<ThreadPool> pool;
  AlignedBuffer arena;
  uint8_t *arenaPtr = nullptr;
  bool useGraph = true;
  // Dynamic engines.
  std::vector<std::unique_ptr<Context>> subs;
  /// The input shapes set, those of the last run, and its output shapes.
  std::vector<std::vector<int64_t>> inShapes, inShapesAtRun, outShapes;
  std::vector<AlignedBuffer> staged, sliced;
  /// Per input: -2 not set (for its shape), -1 in `staged`, else written
  /// into specialization v's own input (from the device when `fromDevice`).
  std::vector<int> placed;
  std::vector<char> fromDevice, outputPadded;
  int current = -1;
  bool slicedValid = true;
  std::vector<AlignedBuffer> inputs, outputs;
  std::unique_ptr<cuda::CudaExecution> gpu;
  vk::ExecutionPtr vulkan;
  /// Resolved argument pointers of every launch.
  std::vector<std::vector<void *>> launchArgs;
};

} // namespace infer

struct infer_engine {
  std::unique_ptr<infer::Engine> impl;
};
struct infer_context {
  std::unique_ptr<infer::Context> impl;
  /// What infer_context_input_info / output_info returned last.
  std::vector<infer::TensorDesc> inputInfos, outputInfos;
};

#endif // INFER_RUNTIME_ENGINE_H
