//===- DynamicContext.cpp - Running a model compiled with profiles --------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// A dynamic engine holds one plan per specialization of its dimensions. A
// context keeps one plan context per specialization it has run (created on
// first use, each with its CUDA graph), all on one thread pool and one arena
// sized for the largest. A run picks the cheapest specialization that
// covers the input shapes: exactly, or larger along dimensions the compiler
// proved padding exact for; then the inputs go in zero-filled past their
// extent and the outputs come back cut to theirs. When the shapes match a
// specialization, inputs are written straight into its buffers and outputs
// read straight from them: no copy beyond a static engine's.
//
//===----------------------------------------------------------------------===//

#include "runtime/Engine.h"
#include "runtime/cuda/CudaDriver.h"

#include <cstring>

namespace infer {

namespace {
std::string shapeText(const std::vector<int64_t> &s) {
  std::string t;
  for (int64_t d : s)
    t += (t.empty() ? "" : "x") + std::to_string(d);
  return t.empty() ? "scalar" : t;
}

size_t bytesOf(const std::vector<int64_t> &shape, infer_dtype dtype) {
  size_t n = dtypeSize(dtype);
  for (int64_t d : shape)
    n *= static_cast<size_t>(d);
  return n;
}

/// Copies the box both shapes share (the smaller extent per axis) from
/// `src` to `dst`, row-major both, `elem` bytes per element.
void copyBox(const uint8_t *src, const std::vector<int64_t> &srcShape, uint8_t *dst,
             const std::vector<int64_t> &dstShape, size_t elem) {
  size_t rank = srcShape.size();
  // The innermost axes where the shapes agree form one contiguous run.
  size_t inner = rank;
  size_t run = elem;
  while (inner > 0 && srcShape[inner - 1] == dstShape[inner - 1]) {
    run *= static_cast<size_t>(srcShape[inner - 1]);
    --inner;
  }
  if (inner == 0) {
    std::memcpy(dst, src, run);
    return;
  }
  // Axis inner-1 differs: copy min(extent) runs of it, for every index of
  // the axes outside it.
  size_t axis = inner - 1;
  int64_t count = std::min(srcShape[axis], dstShape[axis]);
  std::vector<size_t> srcStride(rank + 1, elem), dstStride(rank + 1, elem);
  for (size_t a = rank; a-- > 0;) {
    srcStride[a] = srcStride[a + 1] * static_cast<size_t>(srcShape[a]);
    dstStride[a] = dstStride[a + 1] * static_cast<size_t>(dstShape[a]);
  }
  std::vector<int64_t> idx(axis, 0);
  while (true) {
    size_t so = 0, dof = 0;
    for (size_t a = 0; a < axis; ++a) {
      so += idx[a] * srcStride[a + 1];
      dof += idx[a] * dstStride[a + 1];
    }
    std::memcpy(dst + dof, src + so, static_cast<size_t>(count) * run);
    size_t a = axis;
    while (a > 0) {
      if (++idx[a - 1] < std::min(srcShape[a - 1], dstShape[a - 1]))
        break;
      idx[a - 1] = 0;
      --a;
    }
    if (a == 0)
      break;
  }
}
} // namespace

size_t Context::outputBytes(int index) const {
  if (subs.empty())
    return eng.outputs()[index].size;
  return bytesOf(outShapes[index], eng.outputs()[index].dtype);
}

infer_status Context::createDynamic(const Engine &engine, std::shared_ptr<ThreadPool> pool,
                                    std::unique_ptr<Context> &context) {
  std::unique_ptr<Context> c(new Context(engine, std::move(pool)));
  c->subs.resize(engine.numVariants());
  for (const TensorDesc &d : engine.inputs())
    c->inShapes.push_back(d.shape);
  for (const TensorDesc &d : engine.outputs())
    c->outShapes.push_back(d.shape);
  c->staged.resize(engine.inputs().size());
  c->sliced.resize(engine.outputs().size());
  c->placed.assign(engine.inputs().size(), -2);
  c->fromDevice.assign(engine.inputs().size(), 0);
  c->outputPadded.assign(engine.outputs().size(), 0);
  // The specialization with the largest arena first: the others share it.
  size_t big = 0;
  for (size_t i = 1; i < engine.numVariants(); ++i)
    if (engine.variant(i).arenaSize() > engine.variant(big).arenaSize())
      big = i;
  Context *unused = nullptr;
  if (infer_status s = c->sub(static_cast<int>(big), unused))
    return s;
  context = std::move(c);
  return INFER_OK;
}

infer_status Context::sub(int v, Context *&out) {
  if (!subs[v]) {
    // Share the arena of the first context made (the largest).
    uint8_t *hostArena = nullptr;
    uint64_t deviceArena = 0;
    for (auto &s : subs)
      if (s) {
        hostArena = s->arenaPtr;
        deviceArena = s->gpu ? s->gpu->arenaPointer() : 0;
        break;
      }
    std::unique_ptr<Context> c;
    if (infer_status s = createPlan(eng.variant(v), pool, hostArena, deviceArena, c))
      return s;
    c->setCudaGraph(useGraph);
    subs[v] = std::move(c);
  }
  out = subs[v].get();
  return INFER_OK;
}

infer_status Context::setInputShape(int index, const int64_t *dims, int rank) {
  const std::vector<TensorDesc> &ins = eng.inputs();
  if (index < 0 || index >= static_cast<int>(ins.size()))
    return setError(INFER_ERROR_INVALID_ARGUMENT,
                    "input index " + std::to_string(index) + " is out of range (the model has " +
                        std::to_string(ins.size()) + " inputs)");
  const TensorDesc &d = ins[index];
  if (rank < 0 || (rank > 0 && !dims))
    return setError(INFER_ERROR_INVALID_ARGUMENT, "null or negative shape");
  std::vector<int64_t> shape(dims, dims + rank);
  if (shape.size() != d.shape.size())
    return setError(INFER_ERROR_INVALID_ARGUMENT,
                    "input '" + d.name + "' has rank " + std::to_string(d.shape.size()) +
                        "; the shape " + shapeText(shape) + " has rank " +
                        std::to_string(rank));
  if (subs.empty()) {
    if (shape != d.shape)
      return setError(INFER_ERROR_INVALID_ARGUMENT,
                      "input '" + d.name + "' is " + shapeText(d.shape) + " in this engine, " +
                          "which was compiled without profiles; got " + shapeText(shape) +
                          " (compile with --profile for other shapes)");
    return INFER_OK;
  }
  const std::vector<int> &axes = eng.inputAxes()[index];
  for (size_t a = 0; a < shape.size(); ++a) {
    if (axes[a] < 0) {
      if (shape[a] != d.shape[a])
        return setError(INFER_ERROR_INVALID_ARGUMENT,
                        "input '" + d.name + "' shape " + shapeText(shape) + ": axis " +
                            std::to_string(a) + " is static, " + std::to_string(d.shape[a]));
      continue;
    }
    const DimInfo &dim = eng.dims()[axes[a]];
    if (shape[a] < dim.min || shape[a] > dim.max)
      return setError(INFER_ERROR_INVALID_ARGUMENT,
                      "input '" + d.name + "' shape " + shapeText(shape) +
                          " is outside the profile: axis " + std::to_string(a) + " ('" +
                          dim.name + "') must be in [" + std::to_string(dim.min) + ", " +
                          std::to_string(dim.max) + "]");
  }
  if (shape != inShapes[index]) {
    inShapes[index] = shape;
    placed[index] = -2;
  }
  return INFER_OK;
}

infer_status Context::dimValues(std::vector<int64_t> &out) const {
  const std::vector<DimInfo> &dims = eng.dims();
  out.assign(dims.size(), -1);
  std::vector<int> from(dims.size(), -1);
  for (size_t i = 0; i < inShapes.size(); ++i)
    for (size_t a = 0; a < inShapes[i].size(); ++a) {
      int k = eng.inputAxes()[i][a];
      if (k < 0)
        continue;
      if (out[k] >= 0 && out[k] != inShapes[i][a])
        return setError(INFER_ERROR_INVALID_ARGUMENT,
                        "dimension '" + dims[k].name + "' is " + std::to_string(out[k]) +
                            " in input '" + eng.inputs()[from[k]].name + "' but " +
                            std::to_string(inShapes[i][a]) + " in input '" +
                            eng.inputs()[i].name + "'; the model needs them equal");
      out[k] = inShapes[i][a];
      from[k] = static_cast<int>(i);
    }
  return INFER_OK;
}

void Context::outputShapesFor(int v, const std::vector<int64_t> &vals,
                              std::vector<std::vector<int64_t>> &out) const {
  const Engine &e = eng.variant(v);
  out.clear();
  for (size_t o = 0; o < e.outputs().size(); ++o) {
    std::vector<int64_t> s = e.outputs()[o].shape;
    for (size_t a = 0; a < s.size(); ++a)
      if (int k = eng.outputAxes()[o][a]; k >= 0)
        s[a] = vals[k];
    out.push_back(s);
  }
}

infer_status Context::tensorInfo(bool input, int index, TensorDesc &desc) {
  const std::vector<TensorDesc> &list = input ? eng.inputs() : eng.outputs();
  if (index < 0 || index >= static_cast<int>(list.size()))
    return setError(INFER_ERROR_INVALID_ARGUMENT, std::string(input ? "input" : "output") +
                                                      " index " + std::to_string(index) +
                                                      " is out of range");
  desc = list[index];
  if (subs.empty())
    return INFER_OK;
  if (input) {
    desc.shape = inShapes[index];
  } else if (current >= 0 && inShapes == inShapesAtRun) {
    desc.shape = outShapes[index];
  } else {
    // As the shapes set now give it, when they are consistent.
    desc.shape = eng.outputs()[index].shape;
    std::vector<int64_t> vals;
    if (dimValues(vals) == INFER_OK) {
      int v = eng.selectVariant(vals);
      std::vector<std::vector<int64_t>> predicted;
      if (v >= 0) {
        outputShapesFor(v, vals, predicted);
        desc.shape = predicted[index];
      }
    }
  }
  desc.size = bytesOf(desc.shape, desc.dtype);
  return INFER_OK;
}

infer_status Context::exactFor(int index, Context *&out) {
  out = nullptr;
  std::vector<int64_t> vals;
  if (dimValues(vals) != INFER_OK)
    return INFER_OK;
  int v = eng.selectVariant(vals);
  if (v < 0 || eng.variant(v).inputs()[index].shape != inShapes[index])
    return INFER_OK;
  if (infer_status s = sub(v, out))
    return s;
  placed[index] = v;
  return INFER_OK;
}

infer_status Context::setInputDynamic(int index, const void *data, size_t size) {
  if (index < 0 || index >= static_cast<int>(eng.inputs().size()))
    return setError(INFER_ERROR_INVALID_ARGUMENT,
                    "input index " + std::to_string(index) + " is out of range (the model has " +
                        std::to_string(eng.inputs().size()) + " inputs)");
  const TensorDesc &d = eng.inputs()[index];
  size_t want = bytesOf(inShapes[index], d.dtype);
  if ((!data && size != 0) || size != want)
    return setError(INFER_ERROR_INVALID_ARGUMENT,
                    "input '" + d.name + "' of shape " + shapeText(inShapes[index]) + " takes " +
                        std::to_string(want) + " bytes, got " + std::to_string(size));
  fromDevice[index] = 0;
  // Straight into the specialization the shapes select, when it is exact
  // for this input.
  Context *c = nullptr;
  if (infer_status s = exactFor(index, c))
    return s;
  if (c)
    return c->setInput(index, data, size);
  if (!staged[index].data || staged[index].size < size)
    if (!staged[index].allocate(size))
      return setError(INFER_ERROR_OUT_OF_MEMORY, "cannot allocate input '" + d.name + "'");
  if (size)
    std::memcpy(staged[index].data.get(), data, size);
  placed[index] = -1;
  return INFER_OK;
}

infer_status Context::copyDeviceDynamic(bool input, int index, const void *devicePtr,
                                        size_t size) {
  const std::vector<TensorDesc> &descs = input ? eng.inputs() : eng.outputs();
  const char *what = input ? "input" : "output";
  if (index < 0 || index >= static_cast<int>(descs.size()))
    return setError(INFER_ERROR_INVALID_ARGUMENT,
                    std::string(what) + " index " + std::to_string(index) + " is out of range");
  const cuda::CudaProgram *program = eng.cudaProgram();
  if (!program)
    return setError(INFER_ERROR_INVALID_ARGUMENT,
                    std::string("device memory for ") + what + " '" + descs[index].name +
                        "': the engine is a " + eng.target() +
                        " artifact; device memory is for CUDA artifacts");
  const std::vector<int64_t> &shape = input ? inShapes[index] : outShapes[index];
  size_t want = bytesOf(shape, descs[index].dtype);
  if ((!devicePtr && size != 0) || size != want)
    return setError(INFER_ERROR_INVALID_ARGUMENT,
                    std::string(what) + " '" + descs[index].name + "' of shape " +
                        shapeText(shape) + " has " + std::to_string(want) + " bytes, got " +
                        std::to_string(size));
  auto ptr = static_cast<cuda::CUdeviceptr>(reinterpret_cast<uintptr_t>(devicePtr));
  const cuda::Driver *d = program->driver;
  if (input) {
    Context *c = nullptr;
    if (infer_status s = exactFor(index, c))
      return s;
    if (c) {
      fromDevice[index] = 1;
      return c->copyDevice(true, index, devicePtr, size);
    }
    // Padded: through the host, where the padding is made.
    if (!staged[index].data || staged[index].size < size)
      if (!staged[index].allocate(size))
        return setError(INFER_ERROR_OUT_OF_MEMORY, "cannot allocate input buffers");
    d->cuCtxSetCurrent(program->context);
    if (cuda::CUresult r = d->cuMemcpyDtoH(staged[index].data.get(), ptr, size))
      return setError(cuda::Driver::statusOf(r),
                      d->describe(r, "cannot read input '" + descs[index].name + "'"));
    placed[index] = -1;
    fromDevice[index] = 0;
    return INFER_OK;
  }
  if (current < 0)
    return setError(INFER_ERROR_INVALID_ARGUMENT, "no run yet: output '" + descs[index].name +
                                                      "' has no value");
  if (!outputPadded[index])
    return subs[current]->copyDevice(false, index, devicePtr, size);
  if (infer_status s = sliceOutputs())
    return s;
  d->cuCtxSetCurrent(program->context);
  if (cuda::CUresult r = d->cuMemcpyHtoD(ptr, sliced[index].data.get(), size))
    return setError(cuda::Driver::statusOf(r),
                    d->describe(r, "cannot write output '" + descs[index].name + "'"));
  return INFER_OK;
}

infer_status Context::runDynamic(double *launchMs, bool copies) {
  std::vector<int64_t> vals;
  if (infer_status s = dimValues(vals))
    return s;
  int v = eng.selectVariant(vals);
  if (v < 0) {
    std::string text;
    for (size_t k = 0; k < vals.size(); ++k)
      text += (k ? ", " : "") + eng.dims()[k].name + "=" + std::to_string(vals[k]);
    return setError(INFER_ERROR_INVALID_ARGUMENT,
                    "no specialization of the engine runs " + text);
  }
  if (launchMs && v != 0)
    return setError(INFER_ERROR_INVALID_ARGUMENT,
                    "profiled runs time the plan of the opt shapes; set them");
  Context *c = nullptr;
  if (infer_status s = sub(v, c))
    return s;
  // The specializations share one arena: the last one's work must be done.
  if (current >= 0 && current != v && subs[current]->gpu) {
    std::string error;
    if (infer_status s = subs[current]->gpu->synchronize(error))
      return setError(s, error);
  }
  const Engine &e = eng.variant(v);
  for (size_t i = 0; i < inShapes.size(); ++i) {
    const std::string &name = eng.inputs()[i].name;
    if (placed[i] == -2)
      return setError(INFER_ERROR_INVALID_ARGUMENT,
                      "input '" + name + "' is not set for its shape " +
                          shapeText(inShapes[i]));
    if (placed[i] == v)
      continue;
    const uint8_t *src = nullptr;
    if (placed[i] == -1) {
      src = staged[i].data.get();
    } else if (!fromDevice[i]) {
      src = subs[placed[i]]->hostInputPointer(static_cast<int>(i));
    } else {
      return setError(INFER_ERROR_INVALID_ARGUMENT,
                      "input '" + name + "' was set from device memory before the shape of "
                                         "another input changed; set it again");
    }
    uint8_t *dst = c->hostInputPointer(static_cast<int>(i));
    const TensorDesc &to = e.inputs()[i];
    if (to.shape != inShapes[i])
      std::memset(dst, 0, to.size);
    copyBox(src, inShapes[i], dst, to.shape, dtypeSize(to.dtype));
    if (c->gpu)
      c->gpu->markHostInput(i);
  }
  current = v;
  inShapesAtRun = inShapes;
  outputShapesFor(v, vals, outShapes);
  for (size_t o = 0; o < outShapes.size(); ++o)
    outputPadded[o] = outShapes[o] != e.outputs()[o].shape;
  slicedValid = false;
  if (infer_status s = c->run(launchMs, copies))
    return s;
  return copies || !c->gpu ? sliceOutputs() : INFER_OK;
}

infer_status Context::sliceOutputs() {
  if (current < 0 || slicedValid)
    return INFER_OK;
  Context *c = subs[current].get();
  if (infer_status s = c->fetchOutputs())
    return s;
  const Engine &e = eng.variant(current);
  for (size_t o = 0; o < outShapes.size(); ++o) {
    if (!outputPadded[o])
      continue;
    const TensorDesc &from = e.outputs()[o];
    size_t bytes = bytesOf(outShapes[o], from.dtype);
    if (!sliced[o].data || sliced[o].size < bytes)
      if (!sliced[o].allocate(bytes))
        return setError(INFER_ERROR_OUT_OF_MEMORY, "cannot allocate outputs");
    copyBox(c->output(static_cast<int>(o)), from.shape, sliced[o].data.get(), outShapes[o],
            dtypeSize(from.dtype));
  }
  slicedValid = true;
  return INFER_OK;
}

} // namespace infer
