//===- GraphFuzzer.cpp - libFuzzer target of the whole compiler -----------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Mutates ONNX models as graphs (GraphMutator.h) and drives each one through
// everything a user's model goes through: import, the reference interpreter,
// compilation for the CPU at -O2 (graph passes, kernels, LLVM, ld.lld), and
// loading and running the artifact with the runtime's C API on random
// inputs. Every stage must either succeed or say why; a crash, a sanitizer
// report, a failure without a message or a leftover temporary file is a bug.
//
// INFER_FUZZ_VERBOSE=1 prints each model as ONNX text and says how far it
// got (triage of a reproducer, or of a corpus that stalls at the importer).
// INFER_FUZZ_DIFF=1 also compares the runtime's outputs with the reference
// interpreter's and traps on a mismatch (off by default: float
// reassociation and NaN handling make it a triage tool, not a gate).
//
//===----------------------------------------------------------------------===//

#include "test/fuzz/GraphMutator.h"

#include "codegen/Driver.h"
#include "codegen/InitAllBackends.h"
#include "frontend/OnnxImporter.h"
#include "reference/Interpreter.h"
#include "reference/Tensor.h"
#include "runtime/include/infer_runtime.h"
#include "transforms/Passes.h"

#include <onnx/defs/printer.h>

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FileSystem.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

extern "C" size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t maxSize);

namespace {

/// Models whose inputs hold more elements are imported but not compiled:
/// compiling is the slow part, and large inputs find nothing small ones
/// do not.
constexpr int64_t kMaxInputElements = 100000;
/// The reference interpreter runs in double precision with plain loops;
/// models estimated above this many element operations skip it.
constexpr int64_t kMaxReferenceWork = 20000000;
/// Artifacts whose arena or outputs need more bytes are compiled but not
/// run (a model may legitimately ask for gigabytes; that is not a bug).
constexpr uint64_t kMaxRunBytes = uint64_t(512) << 20;

/// The private temporary directory every compile's WorkDir lands in
/// (TMPDIR points here), checked empty after every input.
std::string tempDir;

/// Whether to say how far each input got.
bool verbose = false;

void note(const std::string &stage, const std::string &what) {
  if (verbose)
    std::fprintf(stderr, "infer-graph-fuzzer: %s: %s\n", stage.c_str(),
                 what.c_str());
}

/// Traps after saying why, so the crash report carries the reason.
[[noreturn]] void fail(const char *what, const std::string &detail = "") {
  std::fprintf(stderr, "infer-graph-fuzzer: %s%s%s\n", what,
               detail.empty() ? "" : ": ", detail.c_str());
  std::fflush(stderr);
  __builtin_trap();
}

/// A failed C API call must leave a message.
void checkStatus(infer_status status, const char *call) {
  if (status == INFER_OK)
    return;
  const char *message = infer_last_error();
  if (!message || !*message)
    fail("runtime call failed without a message", call);
  note(call, message);
}

/// The element kinds inputs are generated for.
enum class Kind { F32, F16, BF16, F64, Signed, Unsigned, Bool, Bytes };

Kind kindOf(mlir::Type t) {
  if (t.isF32()) return Kind::F32;
  if (t.isF16()) return Kind::F16;
  if (t.isBF16()) return Kind::BF16;
  if (t.isF64()) return Kind::F64;
  if (t.isInteger(1)) return Kind::Bool;
  if (auto i = llvm::dyn_cast<mlir::IntegerType>(t))
    return i.isUnsigned() ? Kind::Unsigned : Kind::Signed;
  return Kind::Bytes;
}

Kind kindOf(infer_dtype d) {
  switch (d) {
  case INFER_F32: return Kind::F32;
  case INFER_F16: return Kind::F16;
  case INFER_BF16: return Kind::BF16;
  case INFER_F64: return Kind::F64;
  case INFER_I8: case INFER_I16: case INFER_I32: case INFER_I64:
    return Kind::Signed;
  case INFER_U8: case INFER_U16: case INFER_U32: case INFER_U64:
    return Kind::Unsigned;
  case INFER_BOOL: return Kind::Bool;
  default: break; // float8, float4, 4-bit: bytes
  }
  return Kind::Bytes;
}

/// `bytes` bytes of `width`-byte elements: floats in [-4, 4] (or, now and
/// then, arbitrary bit patterns: NaN, infinities, denormals), integers small
/// enough to be valid indices, axes and shapes most of the time.
std::vector<char> randomInput(Kind kind, size_t width, size_t bytes,
                              std::mt19937_64 &rng, bool finiteOnly) {
  std::vector<char> out(bytes);
  if (width == 0)
    return out;
  bool anyBits = !finiteOnly && rng() % 8 == 0;
  std::uniform_real_distribution<float> real(-4.0f, 4.0f);
  for (size_t at = 0; at + width <= bytes; at += width) {
    char *p = out.data() + at;
    uint64_t bits = rng();
    if (anyBits || kind == Kind::Bytes) {
      std::memcpy(p, &bits, std::min<size_t>(width, 8));
      continue;
    }
    switch (kind) {
    case Kind::F32: {
      float v = real(rng);
      std::memcpy(p, &v, 4);
      break;
    }
    case Kind::F64: {
      double v = real(rng);
      std::memcpy(p, &v, 8);
      break;
    }
    case Kind::F16: {
      _Float16 v = static_cast<_Float16>(real(rng));
      std::memcpy(p, &v, 2);
      break;
    }
    case Kind::BF16: {
      float v = real(rng);
      uint32_t u;
      std::memcpy(&u, &v, 4);
      uint16_t top = static_cast<uint16_t>(u >> 16);
      std::memcpy(p, &top, 2);
      break;
    }
    case Kind::Bool:
      p[0] = static_cast<char>(bits & 1);
      break;
    default: {
      int64_t v = kind == Kind::Unsigned ? int64_t(bits % 6)
                                         : int64_t(bits % 8) - 2;
      std::memcpy(p, &v, std::min<size_t>(width, 8));
    }
    }
  }
  return out;
}

size_t dtypeWidth(infer_dtype d) {
  switch (d) {
  case INFER_F64: case INFER_I64: case INFER_U64: return 8;
  case INFER_F32: case INFER_I32: case INFER_U32: return 4;
  case INFER_F16: case INFER_BF16: case INFER_I16: case INFER_U16: return 2;
  default: return 1;
  }
}

/// The element count of a static tensor type; -1 when dynamic, and
/// INT64_MAX when the product overflows (MLIR's getNumElements would wrap:
/// the importer allows dimensions up to 2^40 each).
int64_t staticElements(mlir::Type type) {
  auto t = llvm::dyn_cast<mlir::RankedTensorType>(type);
  if (!t || !t.hasStaticShape())
    return -1;
  int64_t n = 1;
  for (int64_t d : t.getShape())
    if (__builtin_mul_overflow(n, d, &n))
      return std::numeric_limits<int64_t>::max();
  return n;
}

/// A rough upper bound of the reference interpreter's work on `func`, in
/// element operations; -1 when a shape is unknown or the bound passes
/// kMaxReferenceWork.
int64_t referenceWork(mlir::func::FuncOp func) {
  int64_t work = 0;
  bool unknown = false;
  func.walk([&](mlir::Operation *op) {
    int64_t results = 0;
    for (mlir::Type t : op->getResultTypes()) {
      int64_t n = staticElements(t);
      if (n < 0 || n > kMaxReferenceWork) {
        unknown = true;
        return;
      }
      results += n;
    }
    int64_t operands = 0;
    for (mlir::Type t : op->getOperandTypes())
      operands += std::clamp<int64_t>(staticElements(t), 0, kMaxReferenceWork);
    // Contractions and windows: each output element reads at most a whole
    // operand (conv, matmul, gemm, einsum, attention, pooling).
    int64_t factor = 1;
    llvm::StringRef name = op->getName().getStringRef();
    if (name.contains("conv") || name.contains("matmul") ||
        name.contains("gemm") || name.contains("einsum") ||
        name.contains("attention") || name.contains("pool"))
      for (mlir::Type t : op->getOperandTypes())
        factor = std::max<int64_t>(factor, std::min<int64_t>(
                                               staticElements(t), 1 << 16));
    work += results * factor + operands;
    if (work > kMaxReferenceWork)
      unknown = true;
  });
  return unknown ? -1 : work;
}

/// Compares the runtime's output with the reference's (INFER_FUZZ_DIFF);
/// prints the first few differences and returns whether there were any.
bool outputDiffers(const mlir::infer::reference::Tensor &expected,
                   const std::vector<char> &actualBytes, int index) {
  auto actual = mlir::infer::reference::Tensor::fromBytes(
      expected.getElementType(), expected.getShape(),
      llvm::ArrayRef<char>(actualBytes.data(), actualBytes.size()));
  if (mlir::failed(actual))
    return false;
  int64_t differences = 0;
  for (int64_t i = 0; i < expected.size(); ++i) {
    double e = expected.getDouble(i), a = actual->getDouble(i);
    if (std::isnan(e) != std::isnan(a) ||
        (!std::isnan(e) && !std::isinf(e) &&
         std::fabs(e - a) > 1e-3 + 1e-2 * std::fabs(e))) {
      if (differences++ < 4)
        std::fprintf(stderr,
                     "infer-graph-fuzzer: output %d element %lld: expected "
                     "%g, got %g\n",
                     index, static_cast<long long>(i), e, a);
    }
  }
  if (differences)
    std::fprintf(stderr, "infer-graph-fuzzer: output %d: %lld of %lld differ\n",
                 index, static_cast<long long>(differences),
                 static_cast<long long>(expected.size()));
  return differences > 0;
}

/// Loads and runs the artifact on `inputs` (generated afresh where the
/// artifact's inputs do not match them).
void runArtifact(const mlir::infer::ArtifactBytes &artifact,
                 const std::vector<std::vector<char>> &inputs,
                 const mlir::SmallVector<mlir::infer::reference::Tensor> *expected,
                 std::mt19937_64 &rng) {
  infer_engine *engine = nullptr;
  infer_status s = infer_engine_load_memory(artifact.data(), artifact.size(), &engine);
  checkStatus(s, "infer_engine_load_memory");
  if (s == INFER_ERROR_CORRUPT_ARTIFACT || s == INFER_ERROR_VERSION)
    fail("the runtime refuses what the compiler just wrote", infer_last_error());
  if (s != INFER_OK)
    return;
  bool small = infer_engine_arena_size(engine) <= kMaxRunBytes;
  int32_t outputs = infer_engine_num_outputs(engine);
  for (int32_t i = 0; i < outputs && small; ++i) {
    infer_tensor_info info;
    checkStatus(infer_engine_output_info(engine, i, &info), "infer_engine_output_info");
    small = info.size <= kMaxRunBytes;
  }
  infer_context *context = nullptr;
  if (small) {
    s = infer_context_create(engine, 1, &context);
    checkStatus(s, "infer_context_create");
  }
  if (context) {
    bool fed = true;
    for (int32_t i = 0; i < infer_engine_num_inputs(engine) && fed; ++i) {
      infer_tensor_info info;
      s = infer_engine_input_info(engine, i, &info);
      checkStatus(s, "infer_engine_input_info");
      fed = s == INFER_OK && info.size <= kMaxRunBytes;
      if (!fed)
        break;
      std::vector<char> data =
          size_t(i) < inputs.size() && inputs[i].size() == info.size
              ? inputs[i]
              : randomInput(kindOf(info.dtype), dtypeWidth(info.dtype),
                            info.size, rng, expected != nullptr);
      s = infer_context_set_input(context, i, data.data(), data.size());
      checkStatus(s, "infer_context_set_input");
      fed = s == INFER_OK;
    }
    if (fed) {
      s = infer_context_run(context);
      checkStatus(s, "infer_context_run");
      if (s == INFER_OK)
        note("run", "ok");
    }
    bool differs = false;
    for (int32_t i = 0; fed && s == INFER_OK && i < outputs; ++i) {
      infer_tensor_info info;
      checkStatus(infer_engine_output_info(engine, i, &info), "infer_engine_output_info");
      std::vector<char> data(info.size);
      infer_status g = infer_context_get_output(context, i, data.data(), data.size());
      checkStatus(g, "infer_context_get_output");
      if (g == INFER_OK && expected && size_t(i) < expected->size())
        differs |= outputDiffers((*expected)[i], data, i);
    }
    infer_context_destroy(context);
    if (differs)
      fail("the runtime disagrees with the reference");
  }
  infer_engine_destroy(engine);
}

/// Removes what a compile left in the private temporary directory; a
/// leftover means a WorkDir that did not clean up after itself.
void checkTempDir() {
  if (tempDir.empty())
    return;
  std::string leftover;
  if (DIR *d = opendir(tempDir.c_str())) {
    while (dirent *e = readdir(d)) {
      std::string name = e->d_name;
      if (name == "." || name == "..")
        continue;
      leftover = name;
      llvm::sys::fs::remove_directories(tempDir + "/" + name);
      llvm::sys::fs::remove(tempDir + "/" + name);
    }
    closedir(d);
  }
  if (!leftover.empty())
    fail("the compiler left a temporary file behind", tempDir + "/" + leftover);
}

void runModel(const uint8_t *data, size_t size) {
  using namespace mlir;
  // Inputs, seeded by the model so that a reproducer reproduces.
  uint64_t hash = 1469598103934665603ull;
  for (size_t i = 0; i < size; ++i)
    hash = (hash ^ data[i]) * 1099511628211ull;
  std::mt19937_64 rng(hash);
  bool diff = std::getenv("INFER_FUZZ_DIFF") != nullptr;
  if (verbose) {
    onnx::ModelProto model;
    std::ostringstream text;
    try {
      if (mlir::infer::fuzz::parseModel(data, size, model)) {
        for (const onnx::OperatorSetIdProto &o : model.opset_import())
          text << "opset '" << o.domain() << "' " << o.version() << "\n";
        text << model.graph();
      }
    } catch (const std::exception &e) {
      text << "(not printable: " << e.what() << ")";
    }
    note("model", text.str());
  }

  MLIRContext context(MLIRContext::Threading::DISABLED);
  DialectRegistry registry;
  infer::registerImportDialects(registry);
  context.appendDialectRegistry(registry);
  context.loadAllAvailableDialects();
  infer::OnnxImportOptions importOptions;
  importOptions.dynamicDimValue = 1;
  std::string error;
  OwningOpRef<ModuleOp> module = infer::importOnnxModel(
      context, llvm::StringRef(reinterpret_cast<const char *>(data), size),
      "fuzz.onnx", importOptions, error);
  if (!module) {
    if (error.empty())
      fail("the import failed without a message");
    note("import", error);
    return;
  }
  auto funcs = module->getOps<func::FuncOp>();
  if (funcs.empty())
    fail("the import returned a module without a function");
  func::FuncOp func = *funcs.begin();

  int64_t inputElements = 0;
  bool staticInputs = true;
  for (Type t : func.getArgumentTypes()) {
    int64_t n = staticElements(t);
    staticInputs &= n >= 0;
    inputElements += std::min(std::max<int64_t>(n, 0), kMaxInputElements + 1);
    if (inputElements > kMaxInputElements) {
      note("skipped", "inputs too large");
      return;
    }
  }

  // The reference run, on the same inputs the artifact gets.
  std::vector<std::vector<char>> inputs;
  SmallVector<infer::reference::Tensor> refInputs;
  bool refInputsOk = staticInputs;
  for (Type t : func.getArgumentTypes()) {
    auto tt = llvm::dyn_cast<RankedTensorType>(t);
    if (!tt || !tt.hasStaticShape()) {
      inputs.emplace_back();
      continue;
    }
    Type et = tt.getElementType();
    int64_t width = infer::reference::Tensor::byteWidth(et);
    inputs.push_back(randomInput(kindOf(et), width,
                                 width * staticElements(tt), rng, diff));
    auto tensor = infer::reference::Tensor::fromBytes(et, tt.getShape(),
                                                      inputs.back());
    if (failed(tensor))
      refInputsOk = false;
    else
      refInputs.push_back(std::move(*tensor));
  }
  FailureOr<SmallVector<infer::reference::Tensor>> expected = failure();
  if (refInputsOk && referenceWork(func) >= 0) {
    std::string refError;
    expected = infer::reference::runFunction(func, refInputs, refError);
    if (failed(expected) && refError.empty())
      fail("the reference interpreter failed without a message");
    note("reference", failed(expected) ? refError : "ok");
  }

  // The GPU graph's layout rewrites (convolutions as NHWC products,
  // grouped ones channels-last or block-diagonal, layout changes sunk
  // through pooling, padding, concatenation and splits), checked on the
  // CPU: the rewritten graph must compute what the original does. The
  // module is marked TF32 so that f32 convolutions take the rewrites; the
  // mark goes before the CPU compile, which then runs them in fp32. A
  // second import into a context of its own, not a clone: compiling
  // releases weight blobs, which a clone (or an import naming the same
  // resources in this context) would share.
  MLIRContext gpuContext(MLIRContext::Threading::DISABLED);
  gpuContext.appendDialectRegistry(registry);
  gpuContext.loadAllAvailableDialects();
  OwningOpRef<ModuleOp> gpuGraph = infer::importOnnxModel(
      gpuContext, llvm::StringRef(reinterpret_cast<const char *>(data), size),
      "fuzz.onnx", importOptions, error);
  if (!gpuGraph)
    fail("a second import of the same model failed", error);

  infer::CompileOptions options;
  options.target = "cpu";
  options.optLevel = 2;
  FailureOr<infer::CompileResult> result =
      infer::compileModule(*module, options, error);
  if (failed(result)) {
    if (error.empty())
      fail("the compilation failed without a message");
    note("compile", error);
    return;
  }
  runArtifact(result->artifact, inputs,
              diff && succeeded(expected) ? &*expected : nullptr, rng);

  (*gpuGraph)->setAttr(infer::InferDialect::getTf32AttrName(),
                       UnitAttr::get(&gpuContext));
  PassManager pm(&gpuContext);
  pm.addPass(infer::createInferConvToGemm());
  pm.addPass(infer::createInferSinkLayout());
  pm.addPass(infer::createInferFoldIntoWeights());
  if (failed(pm.run(*gpuGraph)))
    fail("the GPU layout rewrites failed on a graph the CPU compiled");
  (*gpuGraph)->removeAttr(infer::InferDialect::getTf32AttrName());
  std::string gpuError;
  FailureOr<infer::CompileResult> rewritten =
      infer::compileModule(*gpuGraph, options, gpuError);
  if (failed(rewritten))
    fail("the CPU refuses the GPU-rewritten graph", gpuError);
  runArtifact(rewritten->artifact, inputs,
              diff && succeeded(expected) ? &*expected : nullptr, rng);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  mlir::infer::registerAllTargetBackends();
  // A private TMPDIR: the CPU backend writes objects there and runs
  // ld.lld on them; what a compile leaves behind is found and removed.
  const char *base = std::getenv("TMPDIR");
  std::string pattern =
      std::string(base && *base ? base : "/tmp") + "/infer-graph-fuzzer-XXXXXX";
  verbose = std::getenv("INFER_FUZZ_VERBOSE") != nullptr;
  if (char *dir = mkdtemp(pattern.data())) {
    tempDir = dir;
    setenv("TMPDIR", dir, 1);
    std::atexit([] { llvm::sys::fs::remove_directories(tempDir); });
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  runModel(data, size);
  checkTempDir();
  return 0;
}

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size,
                                          size_t maxSize, unsigned int seed) {
  std::mt19937_64 rng(seed);
  onnx::ModelProto model;
  if (!mlir::infer::fuzz::parseModel(data, size, model)) {
    model = mlir::infer::fuzz::seedModel();
  } else if (rng() % 32 == 0) {
    // Now and then a byte-level edit: protobuf framing, unknown fields.
    return LLVMFuzzerMutate(data, size, maxSize);
  }
  for (int attempt = 0; attempt < 4; ++attempt) {
    onnx::ModelProto mutant = model;
    mlir::infer::fuzz::mutateModel(mutant, rng);
    std::string bytes;
    if (!mutant.SerializeToString(&bytes) || bytes.size() > maxSize)
      continue;
    std::memcpy(data, bytes.data(), bytes.size());
    return bytes.size();
  }
  return LLVMFuzzerMutate(data, size, maxSize);
}

extern "C" size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1,
                                            const uint8_t *data2, size_t size2,
                                            uint8_t *out, size_t maxOutSize,
                                            unsigned int seed) {
  std::mt19937_64 rng(seed);
  onnx::ModelProto first, second;
  if (!mlir::infer::fuzz::parseModel(data1, size1, first))
    first = mlir::infer::fuzz::seedModel();
  if (!mlir::infer::fuzz::parseModel(data2, size2, second))
    return 0;
  mlir::infer::fuzz::crossOver(first, second, rng);
  std::string bytes;
  if (!first.SerializeToString(&bytes) || bytes.size() > maxOutSize)
    return 0;
  std::memcpy(out, bytes.data(), bytes.size());
  return bytes.size();
}
