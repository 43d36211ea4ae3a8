//===- Engine.cpp - A loaded artifact and its execution contexts ----------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Everything in an artifact is checked before use: the FlatBuffers
// structure, the format version, the target, the CPU features, and every
// offset, size and index of the plan. A bad artifact is refused with a
// message, never run.
//
//===----------------------------------------------------------------------===//

#include "runtime/Engine.h"
#include "ir/Sparse24.h"
#include "runtime/schema/Checksum.h"
#include "runtime/cpu/CpuFeatures.h"

#include "runtime/schema/Artifact_generated.h"

#include <chrono>
#include <cstring>

namespace infer {

namespace {
thread_local std::string lastError;

/// FlatBuffers' verifier checks vectors for 4-byte alignment only; 8-byte
/// elements read from a crafted buffer could sit misaligned.
template <typename T> bool aligned(const flatbuffers::Vector<T> *v) {
  return !v || v->size() == 0 ||
         reinterpret_cast<uintptr_t>(v->data()) % alignof(T) == 0;
}

} // namespace

size_t dtypeSize(infer_dtype d) {
  switch (d) {
  case INFER_F64: case INFER_I64: case INFER_U64: return 8;
  case INFER_F32: case INFER_I32: case INFER_U32: return 4;
  case INFER_F16: case INFER_BF16: case INFER_I16: case INFER_U16: return 2;
  default: return 1;
  }
}

infer_status setError(infer_status status, const std::string &message) {
  lastError = message;
  return status;
}

const char *lastErrorMessage() { return lastError.c_str(); }

bool AlignedBuffer::allocate(size_t bytes) {
  size = bytes;
  size_t rounded = (std::max<size_t>(bytes, 1) + 63) / 64 * 64;
  // Not cleared: every buffer is written before it is read, and untouched
  // pages of a large allocation cost no memory.
  data.reset(static_cast<uint8_t *>(std::aligned_alloc(64, rounded)));
  return data != nullptr;
}

const uint8_t *Engine::constants() const {
  if (outer)
    return outer->constants();
  return root->constants() ? root->constants()->data() : nullptr;
}

size_t Engine::constantsSize() const {
  if (outer)
    return outer->constantsSize();
  return root->constants() ? root->constants()->size() : 0;
}

size_t Engine::arenaSize() const { return root->arena_size(); }

size_t Engine::numLaunches() const {
  return root->launches() ? root->launches()->size() : 0;
}

infer_status Engine::load(const void *data, size_t size,
                          std::unique_ptr<Engine> &engine) {
  if (!data)
    return setError(INFER_ERROR_INVALID_ARGUMENT, "no artifact data");
  if (size == 0)
    return setError(INFER_ERROR_CORRUPT_ARTIFACT, "the artifact is empty");
  auto e = std::unique_ptr<Engine>(new Engine());
  // Copy into 64-byte aligned memory so constants keep their alignment.
  if (!e->bytes.allocate(size))
    return setError(INFER_ERROR_OUT_OF_MEMORY, "cannot allocate " +
                                                   std::to_string(size) +
                                                   " bytes for the artifact");
  std::memcpy(e->bytes.data.get(), data, size);
  infer_status s = e->verify();
  if (s != INFER_OK)
    return s;
  engine = std::move(e);
  return INFER_OK;
}

infer_status Engine::load(AlignedBuffer bytes, std::unique_ptr<Engine> &engine) {
  if (bytes.size == 0)
    return setError(INFER_ERROR_CORRUPT_ARTIFACT, "the artifact is empty");
  auto e = std::unique_ptr<Engine>(new Engine());
  e->bytes = std::move(bytes);
  infer_status s = e->verify();
  if (s != INFER_OK)
    return s;
  engine = std::move(e);
  return INFER_OK;
}

infer_status Engine::loadNested(const uint8_t *data, size_t size, const Engine &outer,
                                std::unique_ptr<Engine> &engine) {
  auto e = std::unique_ptr<Engine>(new Engine());
  e->outer = &outer;
  flatbuffers::Verifier verifier(data, size, /*max_depth=*/64, /*max_tables=*/10000000);
  // No identifier required: flatc writes nested buffers without one.
  if (!verifier.VerifyBuffer<fb::Model>(nullptr))
    return setError(INFER_ERROR_CORRUPT_ARTIFACT,
                    "a specialization of the artifact is truncated or corrupt");
  e->root = fb::GetModel(data);
  if (e->root->format_version() != INFER_FORMAT_VERSION ||
      !e->root->target() || e->root->target()->str() != outer.target() ||
      (e->root->dims() && e->root->dims()->size()) ||
      (e->root->variants() && e->root->variants()->size()) ||
      (e->root->candidates() && e->root->candidates()->size()) ||
      (e->root->constants() && e->root->constants()->size()))
    return setError(INFER_ERROR_CORRUPT_ARTIFACT,
                    "a specialization of the artifact does not match it");
  e->targetName = outer.target();
  e->sourceName = outer.source();
  e->compilerName = outer.compiler();
  if (infer_status s = e->verifyPlan())
    return s;
  engine = std::move(e);
  return INFER_OK;
}

int Engine::selectVariant(const std::vector<int64_t> &v) const {
  int best = -1;
  double bestCost = 0;
  for (size_t i = 0; i < numVariants(); ++i) {
    const std::vector<int64_t> &have = values[i];
    bool fits = have.size() == v.size();
    double cost = 1;
    for (size_t k = 0; fits && k < v.size(); ++k) {
      fits = have[k] == v[k] || (dimInfos[k].paddable && have[k] > v[k]);
      cost *= static_cast<double>(have[k]);
    }
    if (fits && (best < 0 || cost < bestCost)) {
      best = static_cast<int>(i);
      bestCost = cost;
    }
  }
  return best;
}

infer_status Engine::verifyDynamic() {
  if (!root->dims() || root->dims()->size() == 0) {
    if (root->variants() && root->variants()->size())
      return setError(INFER_ERROR_CORRUPT_ARTIFACT,
                      "the artifact has specializations but no dynamic dimensions");
    return INFER_OK;
  }
  auto bad = [&](const std::string &what) {
    return setError(INFER_ERROR_CORRUPT_ARTIFACT, "the artifact's dynamic shapes are malformed: " + what);
  };
  for (const fb::Dim *d : *root->dims()) {
    DimInfo info;
    info.name = d->name() ? d->name()->str() : "";
    info.min = d->min();
    info.opt = d->opt();
    info.max = d->max();
    info.paddable = d->paddable();
    if (!(1 <= info.min && info.min <= info.opt && info.opt <= info.max &&
          info.max <= (int64_t(1) << 32)))
      return bad("dimension '" + info.name + "' has no valid range");
    dimInfos.push_back(info);
  }
  size_t numDims = dimInfos.size();
  auto readAxes = [&](const flatbuffers::Vector<flatbuffers::Offset<fb::TensorDims>> *list,
                      const std::vector<TensorDesc> &descs,
                      std::vector<std::vector<int>> &out) {
    if (!list || list->size() != descs.size())
      return false;
    for (size_t i = 0; i < descs.size(); ++i) {
      const fb::TensorDims *t = list->Get(i);
      if (!t->axes() || t->axes()->size() != descs[i].shape.size())
        return false;
      std::vector<int> axes;
      for (int32_t a : *t->axes()) {
        if (a < -1 || a >= static_cast<int32_t>(numDims))
          return false;
        axes.push_back(a);
      }
      out.push_back(axes);
    }
    return true;
  };
  if (!readAxes(root->input_dims(), inputDescs, inputDimAxes) ||
      !readAxes(root->output_dims(), outputDescs, outputDimAxes))
    return bad("the axes of an input or output");
  auto readValues = [&](const fb::Model &m, std::vector<int64_t> &out) {
    if (!m.dim_values() || m.dim_values()->size() != numDims || !aligned(m.dim_values()))
      return false;
    for (size_t k = 0; k < numDims; ++k) {
      int64_t v = m.dim_values()->Get(k);
      if (v < dimInfos[k].min || v > dimInfos[k].max)
        return false;
      out.push_back(v);
    }
    return true;
  };
  values.emplace_back();
  if (!readValues(*root, values.back()))
    return bad("the plan's dimension values");
  if (root->variants())
    for (const fb::Variant *v : *root->variants()) {
      if (!v->model() || v->model()->size() == 0)
        return bad("an empty specialization");
      std::unique_ptr<Engine> e;
      if (infer_status s = loadNested(v->model()->data(), v->model()->size(), *this, e))
        return s;
      values.emplace_back();
      if (!readValues(*e->root, values.back()))
        return bad("a specialization's dimension values");
      variantEngines.push_back(std::move(e));
    }
  // Every specialization has the model's inputs and outputs, each axis at
  // its dimension's value there (the padded copies rely on it).
  for (size_t i = 0; i < numVariants(); ++i) {
    const Engine &e = variant(i);
    auto same = [&](const std::vector<TensorDesc> &mine, const std::vector<TensorDesc> &theirs,
                    const std::vector<std::vector<int>> &axes, bool exact) {
      if (mine.size() != theirs.size())
        return false;
      for (size_t t = 0; t < mine.size(); ++t) {
        if (mine[t].name != theirs[t].name || mine[t].dtype != theirs[t].dtype ||
            mine[t].shape.size() != theirs[t].shape.size())
          return false;
        for (size_t a = 0; a < mine[t].shape.size(); ++a)
          if (axes[t][a] >= 0 ? theirs[t].shape[a] != values[i][axes[t][a]]
                              : exact && theirs[t].shape[a] != mine[t].shape[a])
            return false;
      }
      return true;
    };
    if (!same(inputDescs, e.inputs(), inputDimAxes, true) ||
        !same(outputDescs, e.outputs(), outputDimAxes, false))
      return bad("specialization " + std::to_string(i) +
                 "'s inputs or outputs do not match the model's");
  }
  for (const auto &axes : inputDimAxes)
    inputDimAxes32.emplace_back(axes.begin(), axes.end());
  auto declare = [&](const std::vector<TensorDesc> &descs,
                     const std::vector<std::vector<int>> &axes, std::vector<TensorDesc> &out) {
    for (size_t t = 0; t < descs.size(); ++t) {
      TensorDesc d = descs[t];
      for (size_t a = 0; a < d.shape.size(); ++a)
        if (axes[t][a] >= 0) {
          d.shape[a] = -1;
          d.size = 0;
        }
      out.push_back(d);
    }
  };
  declare(inputDescs, inputDimAxes, declaredIn);
  // Output axes whose size differs between specializations are dynamic too.
  declare(outputDescs, outputDimAxes, declaredOut);
  for (size_t i = 1; i < numVariants(); ++i)
    for (size_t t = 0; t < outputDescs.size(); ++t)
      for (size_t a = 0; a < outputDescs[t].shape.size(); ++a)
        if (variant(i).outputs()[t].shape[a] != outputDescs[t].shape[a]) {
          declaredOut[t].shape[a] = -1;
          declaredOut[t].size = 0;
        }
  return INFER_OK;
}

infer_status Engine::verifySparseMetadata() {
  // 2:4 sparse kernels read their weight's positions as 16-bit words of
  // four 4-bit codes (ir/Sparse24.h); a code that names no two increasing
  // positions is undefined behaviour on the tensor cores, so a constant
  // that holds one is refused here, before any device sees it.
  const auto *kernels = root->kernels();
  const auto *launches = root->launches();
  const auto *buffers = root->buffers();
  if (!kernels || !launches || !constants())
    return INFER_OK;
  const uint8_t *constants = this->constants();
  for (uint32_t li = 0; li < launches->size(); ++li) {
    const fb::Launch *l = launches->Get(li);
    if (l->kind() != fb::LaunchKind::Kernel || l->kernel() >= kernels->size() ||
        !l->args())
      continue;
    const fb::Kernel *k = kernels->Get(l->kernel());
    if (!k->kind() || k->kind()->str() != "gemm_sm90_sparse" || !k->tensor_maps())
      continue;
    for (const fb::TensorMap *t : *k->tensor_maps()) {
      if ((t->dtype() != fb::DType::I16 && t->dtype() != fb::DType::U16) ||
          t->arg() >= l->args()->size())
        continue;
      uint32_t bi = l->args()->Get(t->arg());
      if (bi >= buffers->size())
        continue; // the plan checks refuse it
      const fb::Buffer *b = buffers->Get(bi);
      if (b->region() != fb::Region::Constants)
        continue;
      for (uint64_t w = 0; w + 1 < b->size(); w += 2) {
        unsigned word = constants[b->offset() + w] | constants[b->offset() + w + 1] << 8;
        for (unsigned g = 0; g < 4; ++g)
          if (unsigned code = mlir::infer::sparse24CodeOf(word, g);
              !mlir::infer::isSparse24Code(code))
            return setError(
                INFER_ERROR_CORRUPT_ARTIFACT,
                "kernel '" + (k->symbol() ? k->symbol()->str() : std::string("?")) +
                    "' (2:4 sparse) reads metadata word " + std::to_string(w / 2) +
                    " of buffer " + std::to_string(bi) + " with code " +
                    std::to_string(code) +
                    ", which names no two increasing positions: the artifact "
                    "is corrupt");
      }
    }
  }
  return INFER_OK;
}

infer_status Engine::verify() {
  const uint8_t *buf = bytes.data.get();
  size_t size = bytes.size;
  if (size < 8 + kArtifactTrailerBytes || !fb::ModelBufferHasIdentifier(buf))
    return setError(INFER_ERROR_CORRUPT_ARTIFACT,
                    "not an infer artifact (no 'INFR' identifier)");
  // Everything is covered by the trailing checksum: the plan, the tables,
  // the code and the weights.
  size -= kArtifactTrailerBytes;
  uint64_t stored = 0;
  for (size_t i = 0; i < kArtifactTrailerBytes; ++i)
    stored |= static_cast<uint64_t>(buf[size + i]) << (8 * i);
  if (checksum(buf, size) != stored)
    return setError(INFER_ERROR_CORRUPT_ARTIFACT,
                    "the artifact is corrupt or truncated (checksum mismatch "
                    "over its " + std::to_string(size) + " bytes)");
  flatbuffers::Verifier verifier(buf, size, /*max_depth=*/64,
                                 /*max_tables=*/10000000);
  if (!fb::VerifyModelBuffer(verifier))
    return setError(INFER_ERROR_CORRUPT_ARTIFACT,
                    "the artifact is truncated or corrupt (" +
                        std::to_string(size) + " bytes fail verification)");
  root = fb::GetModel(buf);
  if (root->format_version() != INFER_FORMAT_VERSION)
    return setError(INFER_ERROR_VERSION,
                    "the artifact has format version " +
                        std::to_string(root->format_version()) +
                        "; this runtime reads version " +
                        std::to_string(INFER_FORMAT_VERSION) +
                        " (recompile it with a matching infer-compile)");
  targetName = root->target() ? root->target()->str() : "";
  sourceName = root->source() ? root->source()->str() : "";
  compilerName = root->compiler() ? root->compiler()->str() : "";
  if (infer_status s = verifyPlan())
    return s;
  if (infer_status s = verifyDynamic())
    return s;
  return verifyCandidates();
}

infer_status Engine::verifyCandidates() {
  if (!root->candidates())
    return INFER_OK;
  for (const fb::Candidate *c : *root->candidates()) {
    if (!c->model() || !c->signature() || !c->config() || !c->arch())
      return setError(INFER_ERROR_CORRUPT_ARTIFACT, "a tuning candidate is malformed");
    std::unique_ptr<Engine> e;
    if (infer_status s = loadNested(c->model()->data(), c->model()->size(), *this, e))
      return s;
    CandidateInfo info;
    info.arch = c->arch()->str();
    info.signature = c->signature()->str();
    info.config = c->config()->str();
    info.nodes = c->nodes() ? c->nodes()->str() : "";
    info.heuristic = c->heuristic();
    candidateInfos.push_back(std::move(info));
    candidateEngines.push_back(std::move(e));
  }
  return INFER_OK;
}

infer_status Engine::verifyPlan() {
  // Blobs: checked before anything reads them (a shared object is handed
  // to the dynamic loader).
  if (root->constants() &&
      checksum(root->constants()->data(), root->constants()->size()) !=
          root->constants_checksum())
    return setError(INFER_ERROR_CORRUPT_ARTIFACT,
                    "the artifact's constants are corrupt (checksum mismatch)");
  if (root->binaries())
    for (const fb::Binary *b : *root->binaries())
      if (!b->data() || checksum(b->data()->data(), b->data()->size()) != b->checksum())
        return setError(INFER_ERROR_CORRUPT_ARTIFACT,
                        "the artifact's " +
                            (b->target() ? b->target()->str() : std::string("?")) +
                            " code is corrupt (checksum mismatch)");
  bool isCuda = targetName.rfind("cuda:", 0) == 0;
  bool isVulkan = targetName == "vulkan" || targetName.rfind("vulkan:", 0) == 0;
  if (targetName != "cpu" && targetName.rfind("cpu:", 0) != 0 && !isCuda && !isVulkan)
    return setError(INFER_ERROR_TARGET,
                    "the artifact targets '" + targetName +
                        "'; this runtime runs cpu, cuda and vulkan artifacts");

  // Tensors.
  auto readTensors = [&](const flatbuffers::Vector<
                             flatbuffers::Offset<fb::TensorInfo>> *list,
                         std::vector<TensorDesc> &out) -> bool {
    if (!list)
      return false;
    for (const fb::TensorInfo *t : *list) {
      if (!t->name() || !t->shape() || !aligned(t->shape()) ||
          t->dtype() > fb::DType::U4)
        return false;
      TensorDesc d;
      d.name = t->name()->str();
      d.dtype = static_cast<infer_dtype>(t->dtype());
      size_t n = 1;
      for (int64_t dim : *t->shape()) {
        if (dim < 0 || dim > (int64_t(1) << 40))
          return false;
        d.shape.push_back(dim);
        n *= static_cast<size_t>(dim);
      }
      d.size = n * dtypeSize(d.dtype);
      out.push_back(std::move(d));
    }
    return true;
  };
  if (!readTensors(root->inputs(), inputDescs) ||
      !readTensors(root->outputs(), outputDescs))
    return setError(INFER_ERROR_CORRUPT_ARTIFACT,
                    "the artifact's input or output list is malformed");

  // Buffers, within their regions.
  const auto *buffers = root->buffers();
  uint64_t constSize = constantsSize();
  if (!buffers)
    return setError(INFER_ERROR_CORRUPT_ARTIFACT, "the artifact has no buffers");
  for (uint32_t i = 0; i < buffers->size(); ++i) {
    const fb::Buffer *b = buffers->Get(i);
    uint64_t end = b->offset() + b->size();
    bool ok = end >= b->offset();
    switch (b->region()) {
    case fb::Region::Arena: ok &= end <= root->arena_size(); break;
    case fb::Region::Constants: ok &= end <= constSize; break;
    case fb::Region::Input:
      ok &= b->index() < inputDescs.size() &&
            end <= inputDescs[b->index()].size;
      break;
    case fb::Region::Output:
      ok &= b->index() < outputDescs.size() &&
            end <= outputDescs[b->index()].size;
      break;
    default: ok = false;
    }
    if (!ok)
      return setError(INFER_ERROR_CORRUPT_ARTIFACT,
                      "buffer " + std::to_string(i) +
                          " lies outside its region");
  }

  const auto *kernels = root->kernels();
  if (infer_status s = verifySparseMetadata())
    return s;

  // CUDA code: the device checks the kernels and takes the weights.
  if (isCuda) {
    cudaCode = std::make_unique<cuda::CudaProgram>();
    std::string error;
    if (infer_status s =
            cudaCode->load(*root, error, outer ? outer->cudaProgram() : nullptr))
      return setError(s, error);
    // A tuning candidates container loads no code of its own.
    deviceName = cudaCode->loaded == "no code" ? cudaCode->device
                                               : cudaCode->device + ", " + cudaCode->loaded;
  }
  size_t numKernels = isCuda ? cudaCode->numKernels() : 0;

  // Vulkan code: the device builds a pipeline per kernel and takes the
  // weights.
  if (isVulkan) {
    std::string error;
    if (infer_status s = vk::loadProgram(*root, outer ? outer->vulkanProgram() : nullptr,
                                         vulkanCode, error))
      return setError(s, error);
    deviceName = vk::deviceName(*vulkanCode);
    numKernels = kernels ? kernels->size() : 0;
  }

  // CPU code.
  const fb::Binary *binary = nullptr;
  if (root->binaries())
    for (const fb::Binary *b : *root->binaries())
      if (b->target() && b->target()->str() == "cpu")
        binary = b;
  if (!isCuda && !isVulkan && kernels && kernels->size() > 0) {
    if (!binary || !binary->data())
      return setError(INFER_ERROR_CORRUPT_ARTIFACT,
                      "the artifact has kernels but no CPU code");
    if (binary->features())
      for (const flatbuffers::String *f : *binary->features()) {
        // Every ISA feature the code was compiled for, as LLVM names it.
        CpuFeatureStatus st = cpuFeatureStatus(f->str());
        if (st == CpuFeatureStatus::Present || cpuFeatureIntrinsicOnly(f->str()))
          continue;
        std::string arch = binary->arch() ? binary->arch()->str() : "?";
        if (st == CpuFeatureStatus::Unknown)
          return setError(INFER_ERROR_TARGET,
                          "the artifact was compiled for a CPU with '" +
                              f->str() + "' (" + arch +
                              "), a feature this runtime cannot check; "
                              "use a matching runtime or recompile with "
                              "--target=cpu");
        return setError(INFER_ERROR_TARGET,
                        "the artifact was compiled for a CPU with '" +
                            f->str() + "' (" + arch +
                            "), which this CPU lacks; recompile with "
                            "--target=cpu or a matching --target=cpu:<name>");
      }
    std::string error;
    if (infer_status s = cpu.open(binary->data()->data(), binary->data()->size(), error))
      return setError(s, error);
    for (const fb::Kernel *k : *kernels) {
      std::string symbol = k->symbol() ? k->symbol()->str() : "";
      bool named = symbol.rfind("infer_kernel_", 0) == 0 && symbol.size() > 13 &&
                   symbol.find_first_not_of("0123456789", 13) == std::string::npos;
      CpuKernelFn fn = named ? cpu.lookup(symbol) : nullptr;
      const auto *sig = named ? static_cast<const uint64_t *>(
                                    cpu.lookupData(symbol + "_info"))
                              : nullptr;
      if (!fn || !sig)
        return setError(INFER_ERROR_CORRUPT_ARTIFACT,
                        "kernel '" + symbol + "' is missing from the CPU code");
      // The plan's view of the kernel must be the code's: same iteration
      // space, same argument sizes.
      bool same = k->arg_bytes() && aligned(k->arg_bytes()) && sig[0] == static_cast<uint64_t>(k->grid()) &&
                  sig[1] == k->arg_bytes()->size();
      for (uint32_t j = 0; same && j < k->arg_bytes()->size(); ++j)
        same = sig[2 + j] == k->arg_bytes()->Get(j);
      if (!same)
        return setError(INFER_ERROR_CORRUPT_ARTIFACT,
                        "kernel '" + symbol +
                            "' does not match the signature of its code");
      kernelFns.push_back(fn);
    }
    numKernels = kernelFns.size();
  }

  // The plan.
  auto checkIds = [&](const flatbuffers::Vector<uint32_t> *ids, size_t count) {
    if (!ids || ids->size() != count)
      return false;
    for (uint32_t id : *ids)
      if (id >= buffers->size())
        return false;
    return true;
  };
  if (!checkIds(root->input_buffers(), inputDescs.size()) ||
      !checkIds(root->output_buffers(), outputDescs.size()))
    return setError(INFER_ERROR_CORRUPT_ARTIFACT,
                    "the artifact's input or output buffers are malformed");
  if (root->launches())
    for (uint32_t i = 0; i < root->launches()->size(); ++i) {
      const fb::Launch *l = root->launches()->Get(i);
      bool ok = l->args() != nullptr && l->grid() >= 0;
      if (ok)
        for (uint32_t a : *l->args())
          ok &= a < buffers->size();
      if (l->kind() == fb::LaunchKind::Kernel) {
        ok &= l->kernel() < numKernels;
        // The launch must match what its kernel was built for.
        const fb::Kernel *k = ok ? kernels->Get(l->kernel()) : nullptr;
        ok = ok && k->arg_bytes() && l->grid() == k->grid() &&
             k->arg_bytes()->size() == l->args()->size();
        for (uint32_t j = 0; ok && j < l->args()->size(); ++j)
          ok &= buffers->Get(l->args()->Get(j))->size() == k->arg_bytes()->Get(j);
      }
      else if (l->kind() == fb::LaunchKind::Copy)
        // Only once every argument is known to name a buffer.
        ok = ok && l->args()->size() == 2 &&
             buffers->Get(l->args()->Get(0))->size() ==
                 buffers->Get(l->args()->Get(1))->size();
      else if (l->kind() == fb::LaunchKind::Check)
        // A one-byte flag a kernel computed.
        ok = ok && l->args()->size() == 1 && l->message() &&
             buffers->Get(l->args()->Get(0))->size() == 1 &&
             buffers->Get(l->args()->Get(0))->region() == fb::Region::Arena;
      else
        ok = false;
      if (!ok)
        return setError(INFER_ERROR_CORRUPT_ARTIFACT,
                        "launch " + std::to_string(i) + " is malformed");
      std::string kind = l->kind() == fb::LaunchKind::Check ? "check" : "copy";
      std::string nodes;
      if (l->kind() == fb::LaunchKind::Kernel) {
        const fb::Kernel *k = kernels->Get(l->kernel());
        kind = k->kind() ? k->kind()->str() : "kernel";
      }
      if (l->nodes())
        for (const flatbuffers::String *n : *l->nodes())
          nodes += (nodes.empty() ? "" : ",") + n->str();
      launchKinds.push_back(kind);
      launchNodeLists.push_back(nodes);
    }
  return INFER_OK;
}

std::string checkFailure(const fb::Model &model, size_t launch) {
  const fb::Launch *l = model.launches()->Get(launch);
  std::string nodes;
  size_t count = l->nodes() ? l->nodes()->size() : 0;
  for (size_t k = 0; k < count; ++k)
    nodes += (k ? ", '" : "'") + l->nodes()->Get(k)->str() + "'";
  return (count == 0 ? std::string("the model")
                     : (count == 1 ? "node " : "nodes ") + nodes) +
         ": " + (l->message() ? l->message()->str() : "a check failed") +
         " in the run's data";
}

infer_status Context::create(const Engine &engine, int threads,
                             std::unique_ptr<Context> &context) {
  if (threads < 0)
    return setError(INFER_ERROR_INVALID_ARGUMENT,
                    "the thread count must not be negative");
  threads = std::min(threads, INFER_MAX_THREADS);
  std::shared_ptr<ThreadPool> pool;
  try {
    pool = std::make_shared<ThreadPool>(threads);
  } catch (const std::exception &e) {
    return setError(INFER_ERROR_SYSTEM, "cannot start " +
                                            std::to_string(threads) +
                                            " threads: " + e.what());
  }
  if (engine.numCandidates())
    return setError(INFER_ERROR_INVALID_ARGUMENT,
                    "the artifact holds " + std::to_string(engine.numCandidates()) +
                        " tuning candidates (infer-compile --tune-candidates), not a model: "
                        "time them with infer-run --tune");
  if (!engine.dynamic())
    return createPlan(engine, std::move(pool), nullptr, 0, context);
  return createDynamic(engine, std::move(pool), context);
}

infer_status Context::createPlan(const Engine &engine, std::shared_ptr<ThreadPool> pool,
                                 uint8_t *hostArena, uint64_t deviceArena,
                                 std::unique_ptr<Context> &context) {
  std::unique_ptr<Context> c(new Context(engine, std::move(pool)));
  const fb::Model &m = engine.model();
  if (const cuda::CudaProgram *program = engine.cudaProgram()) {
    std::vector<size_t> in, out;
    for (const TensorDesc &d : engine.inputs())
      in.push_back(d.size);
    for (const TensorDesc &d : engine.outputs())
      out.push_back(d.size);
    c->gpu = std::make_unique<cuda::CudaExecution>();
    std::string error;
    if (infer_status s = c->gpu->create(*program, m, in, out, error, deviceArena))
      return setError(s, error);
    context = std::move(c);
    return INFER_OK;
  }
  if (const vk::VulkanProgram *program = engine.vulkanProgram()) {
    std::vector<size_t> in, out;
    for (const TensorDesc &d : engine.inputs())
      in.push_back(d.size);
    for (const TensorDesc &d : engine.outputs())
      out.push_back(d.size);
    std::string error;
    if (infer_status s = vk::createExecution(*program, m, in, out, c->vulkan, error))
      return setError(s, error);
    context = std::move(c);
    return INFER_OK;
  }
  if (hostArena) {
    c->arenaPtr = hostArena;
  } else {
    if (!c->arena.allocate(m.arena_size()))
      return setError(INFER_ERROR_OUT_OF_MEMORY,
                      "cannot allocate an arena of " +
                          std::to_string(m.arena_size()) + " bytes");
    c->arenaPtr = c->arena.data.get();
  }
  c->inputs.resize(engine.inputs().size());
  c->outputs.resize(engine.outputs().size());
  for (size_t i = 0; i < engine.inputs().size(); ++i)
    if (!c->inputs[i].allocate(engine.inputs()[i].size))
      return setError(INFER_ERROR_OUT_OF_MEMORY, "cannot allocate inputs");
  for (size_t i = 0; i < engine.outputs().size(); ++i)
    if (!c->outputs[i].allocate(engine.outputs()[i].size))
      return setError(INFER_ERROR_OUT_OF_MEMORY, "cannot allocate outputs");
  // Resolve every launch's argument pointers once.
  auto pointer = [&](uint32_t id) -> void * {
    const fb::Buffer *b = m.buffers()->Get(id);
    switch (b->region()) {
    case fb::Region::Arena: return c->arenaPtr + b->offset();
    case fb::Region::Constants:
      return const_cast<uint8_t *>(engine.constants()) + b->offset();
    case fb::Region::Input: return c->inputs[b->index()].data.get() + b->offset();
    case fb::Region::Output:
      return c->outputs[b->index()].data.get() + b->offset();
    }
    return nullptr;
  };
  if (m.launches())
    for (const fb::Launch *l : *m.launches()) {
      std::vector<void *> args;
      for (uint32_t a : *l->args())
        args.push_back(pointer(a));
      c->launchArgs.push_back(std::move(args));
    }
  context = std::move(c);
  return INFER_OK;
}

infer_status Context::setInput(int index, const void *data, size_t size) {
  if (!subs.empty())
    return setInputDynamic(index, data, size);
  if (index < 0 || index >= static_cast<int>(eng.inputs().size()))
    return setError(INFER_ERROR_INVALID_ARGUMENT,
                    "input index " + std::to_string(index) +
                        " is out of range (the model has " +
                        std::to_string(eng.inputs().size()) + " inputs)");
  const TensorDesc &d = eng.inputs()[index];
  if ((!data && size != 0) || size != d.size)
    return setError(INFER_ERROR_INVALID_ARGUMENT,
                    "input '" + d.name + "' takes " + std::to_string(d.size) +
                        " bytes, got " + std::to_string(size));
  if (size)
    std::memcpy(hostInputPointer(index), data, size);
  if (gpu)
    gpu->markHostInput(index);
  return INFER_OK;
}

infer_status Context::copyDevice(bool input, int index, const void *devicePtr, size_t size) {
  if (!subs.empty())
    return copyDeviceDynamic(input, index, devicePtr, size);
  const std::vector<TensorDesc> &descs = input ? eng.inputs() : eng.outputs();
  const char *what = input ? "input" : "output";
  if (index < 0 || index >= static_cast<int>(descs.size()))
    return setError(INFER_ERROR_INVALID_ARGUMENT,
                    std::string(what) + " index " + std::to_string(index) +
                        " is out of range (the model has " + std::to_string(descs.size()) +
                        " " + what + "s)");
  const TensorDesc &d = descs[index];
  if (!gpu)
    return setError(INFER_ERROR_INVALID_ARGUMENT,
                    std::string("device memory for ") + what + " '" + d.name +
                        "': the engine is a " + eng.target() +
                        " artifact; device memory is for CUDA artifacts");
  if ((!devicePtr && size != 0) || size != d.size)
    return setError(INFER_ERROR_INVALID_ARGUMENT,
                    std::string(what) + " '" + d.name + "' has " + std::to_string(d.size) +
                        " bytes, got " + std::to_string(size));
  std::string error;
  infer_status s = gpu->copyDevice(
      input, index, static_cast<cuda::CUdeviceptr>(reinterpret_cast<uintptr_t>(devicePtr)), error);
  return s == INFER_OK ? s : setError(s, error);
}

infer_status Context::fetchOutputs() {
  if (!subs.empty())
    return sliceOutputs();
  if (!gpu && !vulkan)
    return INFER_OK;
  std::string error;
  infer_status s = gpu ? gpu->syncOutputs(error) : vk::fetchOutputs(*vulkan, error);
  return s == INFER_OK ? s : setError(s, error);
}

infer_status Context::run(double *launchMs, bool copies) {
  if (!subs.empty())
    return runDynamic(launchMs, copies);
  if (gpu) {
    std::string error;
    infer_status s = gpu->run(launchMs, copies, error);
    return s == INFER_OK ? s : setError(s, error);
  }
  if (vulkan) {
    std::string error;
    infer_status s = vk::run(*vulkan, launchMs, copies, error);
    return s == INFER_OK ? s : setError(s, error);
  }
  const fb::Model &m = eng.model();
  if (!m.launches())
    return INFER_OK;
  for (uint32_t i = 0; i < m.launches()->size(); ++i) {
    auto start = launchMs ? std::chrono::steady_clock::now()
                          : std::chrono::steady_clock::time_point();
    const fb::Launch *l = m.launches()->Get(i);
    std::vector<void *> &args = launchArgs[i];
    if (l->kind() == fb::LaunchKind::Copy) {
      std::memcpy(args[1], args[0], m.buffers()->Get(l->args()->Get(1))->size());
    } else if (l->kind() == fb::LaunchKind::Check) {
      if (*static_cast<const uint8_t *>(args[0]) != 0)
        return setError(INFER_ERROR_INVALID_DATA, checkFailure(m, i));
    } else {
      CpuKernelFn fn = eng.kernels()[l->kernel()];
      void **argv = args.data();
      pool->parallelFor(l->grid(), l->grain(), [&](int64_t begin, int64_t end) {
        fn(argv, begin, end);
      });
    }
    if (launchMs)
      launchMs[i] = std::chrono::duration<double, std::milli>(
                        std::chrono::steady_clock::now() - start)
                        .count();
  }
  return INFER_OK;
}

} // namespace infer

namespace infer {
const uint8_t *Context::output(int index) const {
  if (!subs.empty()) {
    if (current < 0)
      return nullptr;
    return outputPadded[index] ? sliced[index].data.get() : subs[current]->output(index);
  }
  return gpu ? gpu->hostOutput(index)
             : vulkan ? vk::hostOutput(*vulkan, index) : outputs[index].data.get();
}
} // namespace infer
