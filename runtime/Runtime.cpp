//===- Runtime.cpp - The C API of infer's runtime -------------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "runtime/Engine.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>
#include <vector>

#include <sys/stat.h>

namespace infer {
const char *lastErrorMessage();
}

using namespace infer;

namespace {
/// Runs `fn`, turning any C++ exception into a status and a message: no
/// exception crosses the C API into the host program.
template <typename Fn> infer_status guarded(Fn &&fn) {
  try {
    return fn();
  } catch (const std::bad_alloc &) {
    return setError(INFER_ERROR_OUT_OF_MEMORY, "out of memory");
  } catch (const std::exception &e) {
    return setError(INFER_ERROR_SYSTEM, std::string("internal error: ") + e.what());
  } catch (...) {
    return setError(INFER_ERROR_SYSTEM, "internal error: unknown exception");
  }
}
} // namespace

extern "C" {

const char *infer_last_error(void) { return lastErrorMessage(); }

const char *infer_status_name(infer_status s) {
  switch (s) {
  case INFER_OK: return "INFER_OK";
  case INFER_ERROR_INVALID_ARGUMENT: return "INFER_ERROR_INVALID_ARGUMENT";
  case INFER_ERROR_IO: return "INFER_ERROR_IO";
  case INFER_ERROR_CORRUPT_ARTIFACT: return "INFER_ERROR_CORRUPT_ARTIFACT";
  case INFER_ERROR_VERSION: return "INFER_ERROR_VERSION";
  case INFER_ERROR_TARGET: return "INFER_ERROR_TARGET";
  case INFER_ERROR_OUT_OF_MEMORY: return "INFER_ERROR_OUT_OF_MEMORY";
  case INFER_ERROR_DEVICE: return "INFER_ERROR_DEVICE";
  case INFER_ERROR_SYSTEM: return "INFER_ERROR_SYSTEM";
  case INFER_ERROR_INVALID_DATA: return "INFER_ERROR_INVALID_DATA";
  }
  return "INFER_ERROR_UNKNOWN";
}

infer_status infer_engine_load_file(const char *path, infer_engine **engine) {
  if (!path || !engine)
    return setError(INFER_ERROR_INVALID_ARGUMENT, "null path or engine");
  *engine = nullptr;
  return guarded([&]() -> infer_status {
    // A regular file, read once into the engine's aligned memory: never a
    // device or a FIFO, which would not end.
    struct stat st;
    if (stat(path, &st) != 0)
      return setError(INFER_ERROR_IO, std::string("cannot open '") + path +
                                          "': " + std::strerror(errno));
    if (!S_ISREG(st.st_mode))
      return setError(INFER_ERROR_IO,
                      std::string("'") + path + "' is not a regular file");
    FILE *f = std::fopen(path, "rb");
    if (!f)
      return setError(INFER_ERROR_IO, std::string("cannot open '") + path +
                                          "': " + std::strerror(errno));
    AlignedBuffer bytes;
    size_t size = static_cast<size_t>(st.st_size);
    if (!bytes.allocate(size)) {
      std::fclose(f);
      return setError(INFER_ERROR_OUT_OF_MEMORY,
                      "cannot allocate " + std::to_string(size) +
                          " bytes for the artifact");
    }
    size_t got = size ? std::fread(bytes.data.get(), 1, size, f) : 0;
    std::fclose(f);
    if (got != size)
      return setError(INFER_ERROR_IO, std::string("cannot read '") + path + "'");
    std::unique_ptr<Engine> impl;
    infer_status s = Engine::load(std::move(bytes), impl);
    if (s != INFER_OK)
      return setError(s, std::string(path) + ": " + infer_last_error());
    *engine = new infer_engine{std::move(impl)};
    return INFER_OK;
  });
}

infer_status infer_engine_load_memory(const void *data, size_t size,
                                      infer_engine **engine) {
  if (!engine)
    return setError(INFER_ERROR_INVALID_ARGUMENT, "null engine");
  *engine = nullptr;
  return guarded([&]() -> infer_status {
    std::unique_ptr<Engine> impl;
    infer_status s = Engine::load(data, size, impl);
    if (s != INFER_OK)
      return s;
    *engine = new infer_engine{std::move(impl)};
    return INFER_OK;
  });
}

void infer_engine_destroy(infer_engine *engine) { delete engine; }

int32_t infer_engine_num_inputs(const infer_engine *e) {
  return e ? static_cast<int32_t>(e->impl->inputs().size()) : 0;
}

int32_t infer_engine_num_outputs(const infer_engine *e) {
  return e ? static_cast<int32_t>(e->impl->outputs().size()) : 0;
}

static infer_status tensorInfo(const std::vector<TensorDesc> &list,
                               int32_t index, infer_tensor_info *info,
                               const char *what) {
  if (!info || index < 0 || index >= static_cast<int32_t>(list.size()))
    return setError(INFER_ERROR_INVALID_ARGUMENT,
                    std::string(what) + " index " + std::to_string(index) +
                        " is out of range");
  const TensorDesc &d = list[index];
  info->name = d.name.c_str();
  info->dtype = d.dtype;
  info->rank = static_cast<int32_t>(d.shape.size());
  info->shape = d.shape.data();
  info->size = d.size;
  return INFER_OK;
}

/// A dynamic engine's tensors: dynamic axes are -1 and the size 0.
static const std::vector<TensorDesc> &declared(const Engine &e, bool input) {
  return input ? e.declaredInputs() : e.declaredOutputs();
}

infer_status infer_engine_input_info(const infer_engine *e, int32_t index,
                                     infer_tensor_info *info) {
  if (!e)
    return setError(INFER_ERROR_INVALID_ARGUMENT, "null engine");
  return tensorInfo(declared(*e->impl, true), index, info, "input");
}

infer_status infer_engine_output_info(const infer_engine *e, int32_t index,
                                      infer_tensor_info *info) {
  if (!e)
    return setError(INFER_ERROR_INVALID_ARGUMENT, "null engine");
  return tensorInfo(declared(*e->impl, false), index, info, "output");
}

int32_t infer_engine_num_dims(const infer_engine *e) {
  return e ? static_cast<int32_t>(e->impl->dims().size()) : 0;
}

infer_status infer_engine_dim_info(const infer_engine *e, int32_t index, const char **name,
                                   int64_t *min, int64_t *opt, int64_t *max) {
  if (!e || index < 0 || index >= static_cast<int32_t>(e->impl->dims().size()))
    return setError(INFER_ERROR_INVALID_ARGUMENT,
                    "dimension index " + std::to_string(index) + " is out of range");
  const DimInfo &d = e->impl->dims()[index];
  if (name)
    *name = d.name.c_str();
  if (min)
    *min = d.min;
  if (opt)
    *opt = d.opt;
  if (max)
    *max = d.max;
  return INFER_OK;
}

infer_status infer_engine_input_dims(const infer_engine *e, int32_t index,
                                     const int32_t **dims) {
  if (!e || !dims || index < 0 || index >= static_cast<int32_t>(e->impl->inputs().size()))
    return setError(INFER_ERROR_INVALID_ARGUMENT,
                    "input index " + std::to_string(index) + " is out of range");
  *dims = e->impl->dynamic() ? e->impl->inputAxes32()[index].data() : nullptr;
  return INFER_OK;
}

int32_t infer_context_num_inputs(const infer_context *c) {
  return c ? static_cast<int32_t>(c->impl->engine().inputs().size()) : 0;
}

int32_t infer_context_num_outputs(const infer_context *c) {
  return c ? static_cast<int32_t>(c->impl->engine().outputs().size()) : 0;
}

int32_t infer_context_num_launches(const infer_context *c) {
  return c ? static_cast<int32_t>(c->impl->engine().numLaunches()) : 0;
}

int32_t infer_engine_num_candidates(const infer_engine *e) {
  return e ? static_cast<int32_t>(e->impl->numCandidates()) : 0;
}

infer_status infer_engine_candidate_info(const infer_engine *e, int32_t index,
                                         infer_candidate_info *info) {
  if (!e || !info || index < 0 || index >= static_cast<int32_t>(e->impl->numCandidates()))
    return setError(INFER_ERROR_INVALID_ARGUMENT,
                    "candidate index " + std::to_string(index) + " is out of range");
  const Engine::CandidateInfo &c = e->impl->candidateInfo(index);
  info->arch = c.arch.c_str();
  info->signature = c.signature.c_str();
  info->config = c.config.c_str();
  info->nodes = c.nodes.c_str();
  info->heuristic = c.heuristic ? 1 : 0;
  return INFER_OK;
}

infer_status infer_context_create_candidate(infer_engine *engine, int32_t index,
                                            int32_t threads, infer_context **context) {
  if (!engine || !context || index < 0 ||
      index >= static_cast<int32_t>(engine->impl->numCandidates()))
    return setError(INFER_ERROR_INVALID_ARGUMENT, "null engine or context, or a candidate "
                                                  "index out of range");
  *context = nullptr;
  return guarded([&]() -> infer_status {
    std::unique_ptr<Context> impl;
    if (infer_status s = Context::create(engine->impl->candidate(index), threads, impl))
      return s;
    *context = new infer_context{std::move(impl)};
    return INFER_OK;
  });
}

infer_status infer_context_set_input_shape(infer_context *c, int32_t index, int32_t rank,
                                           const int64_t *dims) {
  if (!c)
    return setError(INFER_ERROR_INVALID_ARGUMENT, "null context");
  return guarded([&] { return c->impl->setInputShape(index, dims, rank); });
}

static infer_status contextInfo(infer_context *c, bool input, int32_t index,
                                infer_tensor_info *info) {
  if (!c || !info)
    return setError(INFER_ERROR_INVALID_ARGUMENT, "null context or info");
  return guarded([&]() -> infer_status {
    TensorDesc d;
    if (infer_status s = c->impl->tensorInfo(input, index, d))
      return s;
    // The strings live in the context until the next call.
    auto &slot = input ? c->inputInfos : c->outputInfos;
    if (slot.size() <= static_cast<size_t>(index))
      slot.resize(index + 1);
    slot[index] = std::move(d);
    return tensorInfo(slot, index, info, input ? "input" : "output");
  });
}

infer_status infer_context_input_info(infer_context *c, int32_t index,
                                      infer_tensor_info *info) {
  return contextInfo(c, true, index, info);
}

infer_status infer_context_output_info(infer_context *c, int32_t index,
                                       infer_tensor_info *info) {
  return contextInfo(c, false, index, info);
}

const char *infer_engine_source(const infer_engine *e) {
  return e ? e->impl->source().c_str() : "";
}

const char *infer_engine_compiler(const infer_engine *e) {
  return e ? e->impl->compiler().c_str() : "";
}

const char *infer_engine_target(const infer_engine *e) {
  return e ? e->impl->target().c_str() : "";
}

const char *infer_engine_device(const infer_engine *e) {
  return e ? e->impl->device().c_str() : "";
}

size_t infer_engine_arena_size(const infer_engine *e) {
  return e ? e->impl->arenaSize() : 0;
}

size_t infer_engine_weights_size(const infer_engine *e) {
  return e ? e->impl->constantsSize() : 0;
}

int32_t infer_engine_num_launches(const infer_engine *e) {
  return e ? static_cast<int32_t>(e->impl->numLaunches()) : 0;
}

infer_status infer_context_create(infer_engine *engine, int32_t threads,
                                  infer_context **context) {
  if (!engine || !context)
    return setError(INFER_ERROR_INVALID_ARGUMENT, "null engine or context");
  *context = nullptr;
  return guarded([&]() -> infer_status {
    std::unique_ptr<Context> impl;
    infer_status s = Context::create(*engine->impl, threads, impl);
    if (s != INFER_OK)
      return s;
    *context = new infer_context{std::move(impl)};
    return INFER_OK;
  });
}

void infer_context_destroy(infer_context *context) { delete context; }

infer_status infer_context_set_cuda_graph(infer_context *c, int32_t enabled) {
  if (!c)
    return setError(INFER_ERROR_INVALID_ARGUMENT, "null context");
  c->impl->setCudaGraph(enabled != 0);
  return INFER_OK;
}

int32_t infer_context_num_threads(const infer_context *c) {
  return c ? c->impl->threads() : 0;
}

infer_status infer_context_rest(infer_context *c) {
  if (!c)
    return setError(INFER_ERROR_INVALID_ARGUMENT, "null context");
  c->impl->rest();
  return INFER_OK;
}

infer_status infer_context_set_input(infer_context *c, int32_t index,
                                     const void *data, size_t size) {
  if (!c)
    return setError(INFER_ERROR_INVALID_ARGUMENT, "null context");
  return guarded([&] { return c->impl->setInput(index, data, size); });
}

infer_status infer_context_set_input_device(infer_context *c, int32_t index,
                                            const void *device_ptr, size_t size) {
  if (!c)
    return setError(INFER_ERROR_INVALID_ARGUMENT, "null context");
  return guarded([&] { return c->impl->copyDevice(true, index, device_ptr, size); });
}

infer_status infer_context_get_output_device(infer_context *c, int32_t index,
                                             void *device_ptr, size_t size) {
  if (!c)
    return setError(INFER_ERROR_INVALID_ARGUMENT, "null context");
  return guarded([&] { return c->impl->copyDevice(false, index, device_ptr, size); });
}

infer_status infer_context_run(infer_context *c) {
  if (!c)
    return setError(INFER_ERROR_INVALID_ARGUMENT, "null context");
  return guarded([&] { return c->impl->run(); });
}

infer_status infer_context_run_resident(infer_context *c) {
  if (!c)
    return setError(INFER_ERROR_INVALID_ARGUMENT, "null context");
  return guarded([&] { return c->impl->run(nullptr, /*copies=*/false); });
}

infer_status infer_context_run_profiled(infer_context *c, double *launch_ms) {
  if (!c || !launch_ms)
    return setError(INFER_ERROR_INVALID_ARGUMENT, "null context or times");
  return guarded([&] { return c->impl->run(launch_ms); });
}

infer_status infer_engine_launch_info(const infer_engine *e, int32_t index,
                                      const char **kind, const char **nodes) {
  if (!e || index < 0 ||
      index >= static_cast<int32_t>(e->impl->numLaunches()))
    return setError(INFER_ERROR_INVALID_ARGUMENT,
                    "launch index " + std::to_string(index) + " is out of range");
  if (kind)
    *kind = e->impl->launchKind(index).c_str();
  if (nodes)
    *nodes = e->impl->launchNodes(index).c_str();
  return INFER_OK;
}

infer_status infer_context_get_output(infer_context *c, int32_t index,
                                      void *data, size_t size) {
  if (!c)
    return setError(INFER_ERROR_INVALID_ARGUMENT, "null context");
  const auto &outs = c->impl->engine().outputs();
  if (index < 0 || index >= static_cast<int32_t>(outs.size()))
    return setError(INFER_ERROR_INVALID_ARGUMENT,
                    "output index " + std::to_string(index) +
                        " is out of range");
  size_t bytes = c->impl->outputBytes(index);
  if ((!data && size != 0) || size != bytes)
    return setError(INFER_ERROR_INVALID_ARGUMENT,
                    "output '" + outs[index].name + "' has " +
                        std::to_string(bytes) + " bytes, got " +
                        std::to_string(size));
  if (infer_status s = c->impl->fetchOutputs())
    return s;
  if (size && !c->impl->output(index))
    return setError(INFER_ERROR_INVALID_ARGUMENT,
                    "output '" + outs[index].name + "' has no value: no run yet");
  if (size)
    std::memcpy(data, c->impl->output(index), size);
  return INFER_OK;
}

const void *infer_context_output_data(const infer_context *c, int32_t index) {
  if (!c || index < 0 ||
      index >= static_cast<int32_t>(c->impl->engine().outputs().size()))
    return nullptr;
  return c->impl->output(index);
}

} // extern "C"
