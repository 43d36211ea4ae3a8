/*===- infer_runtime.h - The C API of infer's runtime -------------*- C -*-===*
 *
 * Part of infer, an open inference compiler built on MLIR.
 *
 *===----------------------------------------------------------------------===*
 *
 * Loads a compiled .infer artifact and runs it. An engine is immutable and
 * may be shared by any number of threads; each thread runs through its own
 * execution context. Every function returns a status; on error,
 * infer_last_error() says what went wrong in the calling thread.
 *
 *===----------------------------------------------------------------------===*/

#ifndef INFER_RUNTIME_H
#define INFER_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define INFER_API __attribute__((visibility("default")))
#else
#define INFER_API
#endif

/** The most threads one context runs kernels on. */
#define INFER_MAX_THREADS 1024

/** The artifact format version this runtime reads (6: dynamic shapes as
 *  specializations; 5: CUDA tensor maps in TMA im2col mode). */
#define INFER_FORMAT_VERSION 6

typedef enum infer_status {
  INFER_OK = 0,
  /** A null pointer, an index out of range, a size that does not match. */
  INFER_ERROR_INVALID_ARGUMENT = 1,
  /** The artifact file cannot be read. */
  INFER_ERROR_IO = 2,
  /** The artifact is truncated, corrupt or not an artifact. */
  INFER_ERROR_CORRUPT_ARTIFACT = 3,
  /** The artifact was written for another format version. */
  INFER_ERROR_VERSION = 4,
  /** The artifact targets a device or CPU this machine does not have. */
  INFER_ERROR_TARGET = 5,
  /** Memory could not be allocated. */
  INFER_ERROR_OUT_OF_MEMORY = 6,
  /** The device is missing or failed. */
  INFER_ERROR_DEVICE = 7,
  /** The operating system refused something (memfd, dlopen, threads). */
  INFER_ERROR_SYSTEM = 8,
  /**
   * The run's data broke a check of the model (a gather index out of range,
   * an integer division by zero): the outputs are not valid.
   */
  INFER_ERROR_INVALID_DATA = 9
} infer_status;

/**
 * Element types. The float8 (INFER_F8*), float4 (INFER_F4E2M1) and 4-bit
 * integer (INFER_I4, INFER_U4) types take one byte per element; float4 and
 * 4-bit values sit in the low four bits (4-bit integers sign- or
 * zero-extended).
 */
typedef enum infer_dtype {
  INFER_F32, INFER_F16, INFER_BF16, INFER_F64, INFER_I8, INFER_I16, INFER_I32,
  INFER_I64, INFER_U8, INFER_U16, INFER_U32, INFER_U64, INFER_BOOL,
  INFER_F8E4M3FN, INFER_F8E4M3FNUZ, INFER_F8E5M2, INFER_F8E5M2FNUZ,
  INFER_F4E2M1, INFER_I4, INFER_U4
} infer_dtype;

typedef struct infer_engine infer_engine;
typedef struct infer_context infer_context;

/** A model input or output as the artifact declares it. */
typedef struct infer_tensor_info {
  const char *name;
  infer_dtype dtype;
  int32_t rank;
  const int64_t *shape;
  /** Bytes of the whole tensor. */
  size_t size;
} infer_tensor_info;

/** A message about the last error in this thread ("" when none). */
INFER_API const char *infer_last_error(void);

/** A short name of a status ("INFER_ERROR_VERSION"). */
INFER_API const char *infer_status_name(infer_status status);

/** Loads an artifact file. */
INFER_API infer_status infer_engine_load_file(const char *path, infer_engine **engine);
/** Loads an artifact from memory; the bytes are copied. */
INFER_API infer_status infer_engine_load_memory(const void *data, size_t size,
                                      infer_engine **engine);
INFER_API void infer_engine_destroy(infer_engine *engine);

INFER_API int32_t infer_engine_num_inputs(const infer_engine *engine);
INFER_API int32_t infer_engine_num_outputs(const infer_engine *engine);
INFER_API infer_status infer_engine_input_info(const infer_engine *engine, int32_t index,
                                     infer_tensor_info *info);
INFER_API infer_status infer_engine_output_info(const infer_engine *engine,
                                      int32_t index, infer_tensor_info *info);
/** The model file the artifact was compiled from, and the compiler. */
INFER_API const char *infer_engine_source(const infer_engine *engine);
INFER_API const char *infer_engine_compiler(const infer_engine *engine);
/** The target the artifact was compiled for ("cpu", "cuda:sm_90a"). */
INFER_API const char *infer_engine_target(const infer_engine *engine);
/**
 * Where the engine runs: "cpu", or the GPU and the code loaded on it
 * ("NVIDIA H100 80GB HBM3 (sm_90), cubin sm_90a").
 */
INFER_API const char *infer_engine_device(const infer_engine *engine);
/** Bytes of activations one context allocates, and of shared weights. */
INFER_API size_t infer_engine_arena_size(const infer_engine *engine);
INFER_API size_t infer_engine_weights_size(const infer_engine *engine);
/** The number of kernel launches of one run. */
INFER_API int32_t infer_engine_num_launches(const infer_engine *engine);

/*
 * Tuning. An artifact written by infer-compile --tune-candidates holds no
 * model but tile candidates, each a kernel alone: infer-run --tune times
 * each through a context of its own and writes the tuning cache.
 */
typedef struct infer_candidate_info {
  /** The tuning cache's key parts: architecture, kernel signature. */
  const char *arch;
  const char *signature;
  /** The tile configuration (attribute text) and the ONNX nodes. */
  const char *config;
  const char *nodes;
  /** 1 for the heuristic's configuration. */
  int32_t heuristic;
} infer_candidate_info;
INFER_API int32_t infer_engine_num_candidates(const infer_engine *engine);
INFER_API infer_status infer_engine_candidate_info(const infer_engine *engine, int32_t index,
                                                   infer_candidate_info *info);
/** The number of inputs, outputs and launches of the context's plan (a
 *  candidate context's: its kernel's). */
INFER_API int32_t infer_context_num_inputs(const infer_context *context);
INFER_API int32_t infer_context_num_outputs(const infer_context *context);
INFER_API int32_t infer_context_num_launches(const infer_context *context);
/** A context running candidate `index` alone (its inputs through
 *  infer_context_input_info). */
INFER_API infer_status infer_context_create_candidate(infer_engine *engine, int32_t index,
                                                      int32_t threads,
                                                      infer_context **context);

/*
 * Dynamic shapes. An engine compiled with profiles (infer-compile
 * --profile) has dynamic dimensions: infer_engine_input_info and
 * infer_engine_output_info give their axes as -1 (and the size as 0), and a
 * context runs any shape in the profiles' ranges, set with
 * infer_context_set_input_shape before the input's data (the opt shapes
 * until then). infer_context_input_info / infer_context_output_info give
 * the shapes and sizes the context runs with.
 */
/** The number of dynamic dimensions (0 for a static engine). */
INFER_API int32_t infer_engine_num_dims(const infer_engine *engine);
/** Dimension `index`: its name ("batch") and its profile's range. */
INFER_API infer_status infer_engine_dim_info(const infer_engine *engine, int32_t index,
                                             const char **name, int64_t *min, int64_t *opt,
                                             int64_t *max);
/**
 * Which dimension each axis of input `index` is (-1: a static axis); null
 * for a static engine. The array lives as long as the engine.
 */
INFER_API infer_status infer_engine_input_dims(const infer_engine *engine, int32_t index,
                                               const int32_t **dims);
/**
 * Sets the shape of input `index` for the following runs. A shape outside
 * the profiles is INFER_ERROR_INVALID_ARGUMENT with a message naming the
 * axis and its range; a static engine takes its own shape only.
 */
INFER_API infer_status infer_context_set_input_shape(infer_context *context, int32_t index,
                                                     int32_t rank, const int64_t *dims);
/**
 * Input or output `index` as the context runs it: the shape set (an
 * output's, that of the last run, or the one the shapes set give before
 * it) and its bytes. The strings live until the next call for the index.
 */
INFER_API infer_status infer_context_input_info(infer_context *context, int32_t index,
                                                infer_tensor_info *info);
INFER_API infer_status infer_context_output_info(infer_context *context, int32_t index,
                                                 infer_tensor_info *info);

/**
 * Creates an execution context running kernels on `threads` threads (0: all
 * cores). More than INFER_MAX_THREADS are clamped to it.
 */
INFER_API infer_status infer_context_create(infer_engine *engine, int32_t threads,
                                  infer_context **context);
INFER_API void infer_context_destroy(infer_context *context);
/**
 * CUDA artifacts: whether runs replay the plan as one CUDA graph (1, the
 * default) or launch kernel by kernel (0). Ignored for CPU artifacts.
 */
INFER_API infer_status infer_context_set_cuda_graph(infer_context *context,
                                                    int32_t enabled);
/** The number of threads the context runs kernels on (0 resolved). */
INFER_API int32_t infer_context_num_threads(const infer_context *context);
/**
 * Lets the context's worker threads sleep now rather than spin for the
 * next run (for INFER_SPIN_US, 2 ms by default): call it when the process
 * turns to other work between runs, above all to another context's runs,
 * whose threads would otherwise share the cores with spinning ones. The
 * next run wakes them (a few microseconds more for that run).
 */
INFER_API infer_status infer_context_rest(infer_context *context);
/**
 * Copies `size` bytes into input `index`; `size` must match the input's
 * shape (the one set, for dynamic engines).
 */
INFER_API infer_status infer_context_set_input(infer_context *context, int32_t index,
                                     const void *data, size_t size);
/**
 * CUDA artifacts: copies input `index` from `device_ptr`, `size` bytes of
 * device memory on the engine's GPU (a CUdeviceptr, e.g. a PyTorch CUDA
 * tensor's data), device to device on the legacy default stream (work a
 * framework made that stream wait for, as DLPack's stream 1 asks, comes
 * first), and waits; a following infer_context_run_resident computes on it
 * without a host copy (inputs set from host memory are uploaded by that
 * run). INFER_ERROR_INVALID_ARGUMENT for CPU artifacts.
 */
INFER_API infer_status infer_context_set_input_device(infer_context *context, int32_t index,
                                                      const void *device_ptr, size_t size);
/**
 * CUDA artifacts: copies output `index` of the last run into `size` bytes
 * of device memory at `device_ptr` on the engine's GPU, device to device.
 */
INFER_API infer_status infer_context_get_output_device(infer_context *context, int32_t index,
                                                       void *device_ptr, size_t size);
/** Runs the model on the inputs set. */
INFER_API infer_status infer_context_run(infer_context *context);
/**
 * Runs the model without moving data between host and device: a CUDA or
 * Vulkan context computes on the device copies of the inputs its last
 * infer_context_run uploaded, and leaves the outputs on the device (the
 * device time of the plan alone, as trtexec's GPU compute time). The same
 * as infer_context_run for CPU artifacts.
 */
INFER_API infer_status infer_context_run_resident(infer_context *context);
/**
 * Runs like infer_context_run and stores the time of every launch, in
 * milliseconds, into `launch_ms` (infer_engine_num_launches entries).
 */
INFER_API infer_status infer_context_run_profiled(infer_context *context,
                                                  double *launch_ms);
/**
 * Describes launch `index` of the plan: its kernel's kind ("conv/conv_direct",
 * "copy") and the ONNX nodes it computes, comma-separated. The strings live
 * as long as the engine.
 */
INFER_API infer_status infer_engine_launch_info(const infer_engine *engine,
                                                int32_t index,
                                                const char **kind,
                                                const char **nodes);
/**
 * Copies output `index` into `data`, which holds `size` bytes (after
 * infer_context_run_resident, a CUDA or Vulkan context first copies its
 * outputs from the device).
 */
INFER_API infer_status infer_context_get_output(infer_context *context, int32_t index,
                                      void *data, size_t size);
/** The context's own memory holding output `index` after a run. */
INFER_API const void *infer_context_output_data(const infer_context *context,
                                      int32_t index);

#ifdef __cplusplus
}
#endif

#endif /* INFER_RUNTIME_H */
