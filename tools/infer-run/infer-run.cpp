//===- infer-run.cpp - Run, compare and benchmark models ------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// infer-run OUT.infer [--input NAME=FILE]... [--output-dir DIR]
//           [--compare DIR] [--reference] [--rtol R --atol A] [--seed S]
//           [--bench [--warmup N] [--iterations N | --duration S]
//            [--threads N] [--json FILE]]
// infer-run MODEL.onnx --reference ...
//
// Runs an artifact (or, with --reference, an ONNX model on the reference
// interpreter) on given or seeded random inputs, prints and saves the
// outputs, compares them with expected ones or with the reference
// interpreter (exit 1 on mismatch, naming the worst element), and
// benchmarks the way trtexec does. Built without the compiler, it runs
// artifacts only (the reference interpreter needs MLIR).
//
//===----------------------------------------------------------------------===//

#include "runtime/include/infer_runtime.h"
#include "runtime/io/Calibration.h"
#include "runtime/io/HostTensor.h"
#include "runtime/io/ProgressLine.h"

#ifdef INFER_WITH_COMPILER
#include "frontend/OnnxImporter.h"
#include "frontend/OnnxTensor.h"
#include "ir/InferOps.h"
#include "reference/Interpreter.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#endif

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <sstream>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

using infer::DType;
using infer::HostTensor;
namespace fs = std::filesystem;

namespace {
struct Options {
  std::string model;
  bool reference = false;
  std::string referenceModel;
  std::vector<std::string> inputs;
  std::vector<std::string> inputShapes;
  /// --shape NAME=DIMS, in order (an input given several shapes is timed
  /// at each with --bench).
  std::vector<std::string> shapes;
  std::string outputDir;
  std::string compareDir;
  double rtol = 1e-3, atol = 1e-4;
  /// When set (>= 0): outputs match when their relative L2 difference is
  /// at most this, whatever single elements do (quantized engines).
  double maxRelL2 = -1;
  uint64_t seed = 0;
  int print = 8;
  bool bench = false;
  int warmup = 10;
  int iterations = 0;
  double duration = 3.0;
  int threads = 0;
  bool cudaGraph = true;
  /// --bench --resident: time infer_context_run_resident (CUDA, Vulkan: the
  /// plan alone, on the inputs already on the device).
  bool resident = false;
  std::string json;
  bool profile = false;
  int profileTop = 25;
  bool cold = false;
  std::string calibrateDir, calibrator = "entropy", calibrationCache;
  /// --tune: time a --tune-candidates artifact into this tuning cache.
  bool tune = false;
  std::string tuningCache;
};

/// A named tensor crossing the tool.
struct Named {
  std::string name;
  HostTensor tensor;
};

int fail(const std::string &message) {
  std::cerr << "infer-run: error: " << message << "\n";
  return 1;
}

bool endsWith(const std::string &s, const std::string &suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string fileNameOf(const std::string &name) {
  std::string out;
  for (char c : name)
    out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' ||
            c == '_' || c == '.')
               ? c
               : '_';
  return out.empty() ? "tensor" : out;
}

/// Seeded random data: floats in [-1, 1), integers in [0, 10), booleans.
HostTensor randomTensor(DType dtype, const std::vector<int64_t> &shape,
                        std::mt19937_64 &rng) {
  HostTensor t(dtype, shape);
  std::uniform_real_distribution<double> real(-1.0, 1.0);
  std::uniform_int_distribution<int> small(0, 9);
  for (int64_t i = 0; i < t.numElements(); ++i) {
    if (infer::isFloat(dtype))
      t.set(i, real(rng));
    else if (dtype == DType::Bool)
      t.set(i, small(rng) % 2);
    else
      t.set(i, small(rng));
  }
  return t;
}

void printTensor(const std::string &name, const HostTensor &t, int count) {
  double mn = 0, mx = 0, sum = 0;
  int64_t n = t.numElements();
  for (int64_t i = 0; i < n; ++i) {
    double v = t.get(i);
    mn = i ? std::min(mn, v) : v;
    mx = i ? std::max(mx, v) : v;
    sum += v;
  }
  std::printf("output '%s': %s %s  min %.6g max %.6g mean %.6g  [",
              name.c_str(), infer::dtypeName(t.dtype),
              infer::formatDims(t.shape).c_str(), mn, mx, n ? sum / n : 0.0);
  // Integers exactly (2^31 is not 2.14748e+09, 2^63 - 1 is not 2^63);
  // floats to 6 digits.
  for (int64_t i = 0; i < std::min<int64_t>(n, count); ++i)
    std::printf("%s%s", i ? ", " : "", t.text(i).c_str());
  std::printf("%s]\n", n > count ? ", ..." : "");
}

/// Reads an input or expected output: .npy, or (with the compiler) a
/// serialized ONNX TensorProto. The file must be a regular file of at most
/// `maxBytes` (the tensor it should hold plus room for its header):
/// `--input x=/dev/zero` or a FIFO is refused, not read until memory runs
/// out.
std::optional<HostTensor> readTensorFile(const std::string &path,
                                         uint64_t maxBytes, std::string &error);

/// Room for a .npy or TensorProto header around a tensor's bytes.
constexpr uint64_t kHeaderSlack = 1 << 20;

/// The byte size of a tensor, or a generous bound when a dimension is
/// unknown (negative).
uint64_t tensorBytes(DType dtype, const std::vector<int64_t> &shape) {
  uint64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0)
      return uint64_t(1) << 36;
    n *= static_cast<uint64_t>(d);
  }
  return n * infer::byteWidth(dtype);
}

/// Refuses anything but a regular file of at most `maxBytes`.
bool checkTensorFile(const std::string &path, uint64_t maxBytes,
                     std::string &error) {
  std::error_code ec;
  fs::file_status st = fs::status(path, ec);
  if (ec) {
    error = "cannot read '" + path + "': " + ec.message();
    return false;
  }
  if (!fs::is_regular_file(st)) {
    error = "'" + path + "' is not a regular file";
    return false;
  }
  uint64_t size = fs::file_size(path, ec);
  if (ec || size > maxBytes) {
    error = "'" + path + "' has " + std::to_string(size) +
            " bytes, more than the tensor it should hold needs (at most " +
            std::to_string(maxBytes) + ")";
    return false;
  }
  return true;
}

/// The file holding tensor `name` (index `i` of the model's outputs, or
/// with `role` "input" of its inputs) in `dir`: NAME.npy, NAME.pb or, as
/// ONNX's test sets name them, output_i.pb / input_i.pb.
std::optional<std::string> tensorFile(const std::string &dir, const std::string &name,
                                      size_t i, const std::string &role = "output") {
  for (const std::string &f :
       {fileNameOf(name) + ".npy", fileNameOf(name) + ".pb",
        role + "_" + std::to_string(i) + ".pb"}) {
    fs::path p = fs::path(dir) / f;
    if (fs::exists(p))
      return p.string();
  }
  return std::nullopt;
}

/// Compares `got` with `want` element by element, or by the relative L2
/// difference with --max-rel-l2.
infer::Comparison compare(const infer::HostTensor &got,
                          const infer::HostTensor &want, const Options &opt) {
  infer::Comparison c = infer::compareTensors(got, want, opt.rtol, opt.atol);
  if (opt.maxRelL2 >= 0 && got.shape == want.shape) {
    c.ok = c.relL2 <= opt.maxRelL2;
    char bound[64];
    std::snprintf(bound, sizeof bound, " (at most %g)", opt.maxRelL2);
    c.message += bound;
  }
  return c;
}

/// Prints, saves and compares outputs with --compare. Returns 1 on a
/// mismatch.
int reportOutputs(const Options &opt, const std::vector<Named> &outputs) {
  int status = 0;
  std::string error;
  for (size_t i = 0; i < outputs.size(); ++i) {
    const Named &o = outputs[i];
    printTensor(o.name, o.tensor, opt.print);
    if (!opt.outputDir.empty()) {
      std::string p = (fs::path(opt.outputDir) / (fileNameOf(o.name) + ".npy")).string();
      if (!infer::writeNpy(p, o.tensor, error))
        return fail(error);
    }
    if (!opt.compareDir.empty()) {
      std::optional<std::string> f = tensorFile(opt.compareDir, o.name, i);
      if (!f)
        return fail("no expected output for '" + o.name + "' in '" +
                    opt.compareDir + "'");
      std::optional<HostTensor> want = readTensorFile(
          *f, tensorBytes(o.tensor.dtype, o.tensor.shape) + kHeaderSlack, error);
      if (!want)
        return fail(error);
      infer::Comparison c = compare(o.tensor, *want, opt);
      std::printf("compare '%s' with %s: %s: %s\n", o.name.c_str(), f->c_str(),
                  c.ok ? "PASS" : "FAIL", c.message.c_str());
      if (!c.ok)
        status = 1;
    }
  }
  return status;
}

/// Given inputs by name (NAME=FILE).
std::optional<std::map<std::string, std::string>>
givenInputs(const Options &opt) {
  std::map<std::string, std::string> given;
  for (const std::string &spec : opt.inputs) {
    size_t eq = spec.find('=');
    if (eq == std::string::npos) {
      fail("--input '" + spec + "' is not NAME=FILE");
      return std::nullopt;
    }
    given[spec.substr(0, eq)] = spec.substr(eq + 1);
  }
  return given;
}

/// Reads input `name` from `path`: it must have the model's `dtype` and
/// `shape` (negative dimensions match any size).
std::optional<HostTensor> readInput(const std::string &name, const std::string &path,
                                    DType dtype, const std::vector<int64_t> &shape) {
  std::string error;
  std::optional<HostTensor> t =
      readTensorFile(path, tensorBytes(dtype, shape) + kHeaderSlack, error);
  if (!t) {
    // A file too large for the input is read no further: say what the
    // model expects (a wider dtype or a larger shape).
    if (error.find("more than the tensor it should hold") != std::string::npos)
      error = "input '" + name + "' (" + path + ") is larger than the model's " +
              infer::dtypeName(dtype) + " " + infer::formatDims(shape) +
              " input: another element type or shape (" + error + ")";
    fail(error);
    return std::nullopt;
  }
  // numpy has no float8, float4 or 4-bit types: their codes come as one
  // byte each (uint8 or int8), as infer-run writes them.
  bool byteCodes = (t->dtype == DType::U8 || t->dtype == DType::I8) &&
                   (infer::smallFloatOf(dtype) || dtype == DType::I4 || dtype == DType::U4);
  if (byteCodes)
    t->dtype = dtype;
  if (t->dtype != dtype) {
    fail("input '" + name + "' (" + path + ") is " + infer::dtypeName(t->dtype) +
         ", the model expects " + infer::dtypeName(dtype));
    return std::nullopt;
  }
  bool fits = t->shape.size() == shape.size();
  for (size_t d = 0; fits && d < shape.size(); ++d)
    fits = shape[d] < 0 || shape[d] == t->shape[d];
  if (!fits) {
    fail("input '" + name + "' (" + path + ") has shape " + infer::formatDims(t->shape) +
         ", the model expects " + infer::formatDims(shape));
    return std::nullopt;
  }
  return t;
}

/// Builds the inputs of a model whose inputs are `infos`.
std::optional<std::vector<Named>>
makeInputs(const Options &opt,
           const std::vector<std::pair<std::string, std::pair<DType, std::vector<int64_t>>>> &infos) {
  std::optional<std::map<std::string, std::string>> given = givenInputs(opt);
  if (!given)
    return std::nullopt;
  std::mt19937_64 rng(opt.seed);
  std::vector<Named> out;
  for (const auto &[name, desc] : infos) {
    const auto &[dtype, shape] = desc;
    auto it = given->find(name);
    if (it == given->end()) {
      if (std::any_of(shape.begin(), shape.end(), [](int64_t d) { return d < 0; })) {
        fail("input '" + name + "' has dynamic dimensions; give it with --input");
        return std::nullopt;
      }
      out.push_back({name, randomTensor(dtype, shape, rng)});
      continue;
    }
    std::optional<HostTensor> t = readInput(name, it->second, dtype, shape);
    if (!t)
      return std::nullopt;
    out.push_back({name, std::move(*t)});
    given->erase(it);
  }
  if (!given->empty()) {
    fail("--input names '" + given->begin()->first +
         "', which is not an input of the model");
    return std::nullopt;
  }
  return out;
}

/// --cold: writes and reads back a buffer of twice the last-level cache
/// (at least 64 MiB) on the calling thread, so that the next run finds
/// none of its weights or activations in the shared cache or in the
/// caller's core (other cores' private caches may keep some).
void evictCaches() {
  static std::vector<uint64_t> buffer = [] {
    long llc = 0;
#ifdef _SC_LEVEL3_CACHE_SIZE
    llc = sysconf(_SC_LEVEL3_CACHE_SIZE);
#endif
    size_t bytes = std::max<size_t>(size_t(64) << 20, 2 * size_t(std::max(0L, llc)));
    return std::vector<uint64_t>(bytes / sizeof(uint64_t));
  }();
  static uint64_t round = 0;
  ++round;
  for (size_t i = 0; i < buffer.size(); i += 8)
    buffer[i] = round + i;
  volatile uint64_t sink = 0;
  for (size_t i = 0; i < buffer.size(); i += 8)
    sink = sink + buffer[i];
}

double percentile(std::vector<double> sorted, double p) {
  if (sorted.empty())
    return 0;
  double pos = p * (sorted.size() - 1);
  size_t lo = static_cast<size_t>(pos);
  size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

#ifdef INFER_WITH_COMPILER
std::optional<DType> dtypeOf(mlir::Type t) {
  if (auto q = llvm::dyn_cast<mlir::quant::QuantizedType>(t))
    return q.isSigned() ? DType::I8 : DType::U8;
  if (t.isF32()) return DType::F32;
  if (t.isF16()) return DType::F16;
  if (t.isBF16()) return DType::BF16;
  if (t.isF64()) return DType::F64;
  if (t.isInteger(1)) return DType::Bool;
  if (llvm::isa<mlir::Float8E4M3FNType>(t)) return DType::F8E4M3FN;
  if (llvm::isa<mlir::Float8E4M3FNUZType>(t)) return DType::F8E4M3FNUZ;
  if (llvm::isa<mlir::Float8E5M2Type>(t)) return DType::F8E5M2;
  if (llvm::isa<mlir::Float8E5M2FNUZType>(t)) return DType::F8E5M2FNUZ;
  if (llvm::isa<mlir::Float4E2M1FNType>(t)) return DType::F4E2M1;
  if (auto i = llvm::dyn_cast<mlir::IntegerType>(t)) {
    bool u = i.isUnsigned();
    switch (i.getWidth()) {
    case 4: return u ? DType::U4 : DType::I4;
    case 8: return u ? DType::U8 : DType::I8;
    case 16: return u ? DType::U16 : DType::I16;
    case 32: return u ? DType::U32 : DType::I32;
    case 64: return u ? DType::U64 : DType::I64;
    }
  }
  return std::nullopt;
}

HostTensor toHost(const mlir::infer::reference::Tensor &t) {
  HostTensor h;
  h.dtype = *dtypeOf(t.getElementType());
  h.shape.assign(t.getShape().begin(), t.getShape().end());
  std::vector<char> bytes = t.toBytes();
  h.data.assign(bytes.begin(), bytes.end());
  return h;
}

std::optional<HostTensor> readTensorFile(const std::string &path,
                                         uint64_t maxBytes, std::string &error) {
  if (!checkTensorFile(path, maxBytes, error))
    return std::nullopt;
  if (endsWith(path, ".npy"))
    return infer::readNpy(path, error);
  mlir::MLIRContext ctx;
  mlir::FailureOr<mlir::infer::reference::Tensor> t =
      mlir::infer::frontend::readTensorProtoFile(&ctx, path, error);
  if (mlir::failed(t))
    return std::nullopt;
  return toHost(*t);
}

/// Runs `modelPath` on the reference interpreter. With `pinned`, inputs get
/// those shapes (an artifact's static shapes); an ONNX model also returns
/// the tensors named in `marked` (an artifact's marked outputs). `inputs`
/// are made (seeded) when empty.
std::optional<std::vector<Named>>
runReference(const Options &opt, const std::string &modelPath,
             const std::map<std::string, std::vector<int64_t>> &pinned,
             std::vector<Named> &inputs, const std::vector<std::string> &marked = {}) {
  using namespace mlir;
  MLIRContext ctx;
  DialectRegistry registry;
  mlir::infer::registerImportDialects(registry);
  ctx.appendDialectRegistry(registry);
  ctx.loadAllAvailableDialects();
  std::string error;
  OwningOpRef<ModuleOp> module;
  if (endsWith(modelPath, ".mlir")) {
    module = parseSourceFile<ModuleOp>(modelPath, &ctx);
    if (!module) {
      fail("cannot parse '" + modelPath + "'");
      return std::nullopt;
    }
  } else {
    mlir::infer::OnnxImportOptions importOptions;
    for (const std::string &spec : opt.inputShapes)
      if (failed(mlir::infer::parseInputShape(spec, importOptions, error))) {
        fail(error);
        return std::nullopt;
      }
    for (auto &[name, dims] : pinned)
      importOptions.inputShapes[name] = dims;
    importOptions.markOutputs = marked;
    module = mlir::infer::importOnnxFile(ctx, modelPath, importOptions, error);
    if (!module) {
      fail(error);
      return std::nullopt;
    }
  }
  auto funcs = module->getOps<func::FuncOp>();
  if (funcs.empty()) {
    fail("'" + modelPath + "' has no function");
    return std::nullopt;
  }
  func::FuncOp fn = *funcs.begin();
  if (inputs.empty()) {
    std::vector<std::pair<std::string, std::pair<DType, std::vector<int64_t>>>> infos;
    for (unsigned i = 0; i < fn.getNumArguments(); ++i) {
      auto name = fn.getArgAttrOfType<StringAttr>(i, "infer.name");
      auto type = llvm::cast<RankedTensorType>(fn.getArgument(i).getType());
      std::optional<DType> d = dtypeOf(type.getElementType());
      if (!d) {
        fail("input " + std::to_string(i) + " has an unsupported element type");
        return std::nullopt;
      }
      std::vector<int64_t> shape;
      for (int64_t s : type.getShape())
        shape.push_back(ShapedType::isDynamic(s) ? -1 : s);
      infos.push_back({name ? name.str() : "arg" + std::to_string(i), {*d, shape}});
    }
    std::optional<std::vector<Named>> made = makeInputs(opt, infos);
    if (!made)
      return std::nullopt;
    inputs = std::move(*made);
  }
  if (inputs.size() != fn.getNumArguments()) {
    fail("the reference model has " + std::to_string(fn.getNumArguments()) +
         " inputs, the artifact " + std::to_string(inputs.size()));
    return std::nullopt;
  }
  std::vector<mlir::infer::reference::Tensor> args;
  for (unsigned i = 0; i < fn.getNumArguments(); ++i) {
    auto type = llvm::cast<RankedTensorType>(fn.getArgument(i).getType());
    const HostTensor &h = inputs[i].tensor;
    FailureOr<mlir::infer::reference::Tensor> t =
        mlir::infer::reference::Tensor::fromBytes(
            type.getElementType(), h.shape,
            llvm::ArrayRef<char>(reinterpret_cast<const char *>(h.data.data()),
                                 h.data.size()));
    if (failed(t)) {
      fail("input '" + inputs[i].name + "' does not fit the reference model");
      return std::nullopt;
    }
    args.push_back(std::move(*t));
  }
  FailureOr<SmallVector<mlir::infer::reference::Tensor>> outputs =
      mlir::infer::reference::runFunction(fn, args, error);
  if (failed(outputs)) {
    fail(error);
    return std::nullopt;
  }
  std::vector<Named> named;
  for (auto [i, t] : llvm::enumerate(*outputs)) {
    auto name = fn.getResultAttrOfType<StringAttr>(i, "infer.name");
    named.push_back({name ? name.str() : "output" + std::to_string(i), toHost(t)});
  }
  return named;
}
#else
std::optional<HostTensor> readTensorFile(const std::string &path,
                                         uint64_t maxBytes, std::string &error) {
  if (!checkTensorFile(path, maxBytes, error))
    return std::nullopt;
  if (endsWith(path, ".npy"))
    return infer::readNpy(path, error);
  error = "'" + path + "': this infer-run was built without the compiler and "
          "reads .npy files only";
  return std::nullopt;
}
#endif

DType toDType(infer_dtype d) { return static_cast<DType>(d); }

using InputInfos = std::vector<std::pair<std::string, std::pair<DType, std::vector<int64_t>>>>;

/// The calibration samples in `dir`: its subdirectories in name order, or
/// `dir` itself when it has none.
std::vector<fs::path> calibrationSamples(const std::string &dir) {
  std::vector<fs::path> samples;
  std::error_code ec;
  for (const fs::directory_entry &e : fs::directory_iterator(dir, ec))
    if (e.is_directory())
      samples.push_back(e.path());
  std::sort(samples.begin(), samples.end());
  if (samples.empty())
    samples.push_back(dir);
  return samples;
}

/// Reads one calibration sample: input `name` (index i) from NAME.npy,
/// NAME.pb or input_i.pb in `sample`.
std::optional<std::vector<Named>> readSample(const fs::path &sample, const InputInfos &infos) {
  std::vector<Named> inputs;
  for (size_t i = 0; i < infos.size(); ++i) {
    const auto &[name, desc] = infos[i];
    std::optional<std::string> file = tensorFile(sample.string(), name, i, "input");
    if (!file) {
      fail("calibration sample '" + sample.string() + "' has no file for input '" + name +
           "' (" + fileNameOf(name) + ".npy, " + fileNameOf(name) + ".pb or input_" +
           std::to_string(i) + ".pb)");
      return std::nullopt;
    }
    std::optional<HostTensor> t = readInput(name, *file, desc.first, desc.second);
    if (!t)
      return std::nullopt;
    inputs.push_back({name, std::move(*t)});
  }
  return inputs;
}

/// --calibrate: runs every sample twice (ranges, then histograms) and
/// writes each float input's and output's amax to the cache.
int calibrate(const Options &opt, infer_engine *engine, infer_context *context,
              const InputInfos &infos) {
  std::string error;
  std::optional<infer::Calibrator> calibrator = infer::parseCalibrator(opt.calibrator, error);
  if (!calibrator)
    return fail(error);
  if (opt.calibrationCache.empty())
    return fail("--calibrate needs --calibration-cache FILE to write the ranges to");
  if (!fs::is_directory(opt.calibrateDir))
    return fail("--calibrate '" + opt.calibrateDir + "' is not a directory");
  std::vector<fs::path> samples = calibrationSamples(opt.calibrateDir);
  int32_t nOut = infer_engine_num_outputs(engine);
  std::vector<std::pair<std::string, std::vector<int64_t>>> outInfos;
  std::vector<DType> outTypes;
  for (int32_t i = 0; i < nOut; ++i) {
    infer_tensor_info info;
    infer_engine_output_info(engine, i, &info);
    outInfos.push_back({info.name, std::vector<int64_t>(info.shape, info.shape + info.rank)});
    outTypes.push_back(toDType(info.dtype));
  }
  // Statistics of the float inputs, then of the float outputs.
  std::vector<infer::TensorStatistics> stats(infos.size() + nOut);
  bool tty = isatty(2);
  for (int pass = 0; pass < 2; ++pass) {
    for (size_t s = 0; s < samples.size(); ++s) {
      if (tty)
        std::fprintf(stderr, "\rcalibrating (%s): pass %d of 2, sample %zu of %zu",
                     calibrator->name().c_str(), pass + 1, s + 1, samples.size());
      std::optional<std::vector<Named>> inputs = readSample(samples[s], infos);
      if (!inputs)
        return 1;
      auto observe = [&](size_t k, const HostTensor &t) {
        if (!infer::isFloat(t.dtype))
          return;
        if (pass == 0)
          stats[k].observeRange(t);
        else
          stats[k].observeValues(t);
      };
      for (size_t i = 0; i < inputs->size(); ++i) {
        const HostTensor &t = (*inputs)[i].tensor;
        if (infer_context_set_input(context, static_cast<int32_t>(i), t.data.data(),
                                    t.data.size()) != INFER_OK)
          return fail(infer_last_error());
        observe(i, t);
      }
      if (infer_context_run(context) != INFER_OK)
        return fail(infer_last_error());
      for (int32_t i = 0; i < nOut; ++i) {
        HostTensor t(outTypes[i], outInfos[i].second);
        infer_context_get_output(context, i, t.data.data(), t.data.size());
        observe(infos.size() + i, t);
      }
    }
  }
  if (tty)
    std::fprintf(stderr, "\n");
  std::vector<infer::CalibratedTensor> ranges;
  std::printf("%-48s %12s %12s %12s\n", "tensor", "max |x|", "amax", "int8 error");
  for (size_t k = 0; k < stats.size(); ++k) {
    bool isInput = k < infos.size();
    DType d = isInput ? infos[k].second.first : outTypes[k - infos.size()];
    if (!infer::isFloat(d))
      continue;
    const std::string &name = isInput ? infos[k].first : outInfos[k - infos.size()].first;
    double a = stats[k].amax(*calibrator), e = stats[k].quantizationError(a);
    ranges.push_back({name, a, e});
    std::printf("%-48s %12.6g %12.6g %12.4g\n", name.c_str(), stats[k].maxAbs(), a, e);
  }
  const char *source = infer_engine_source(engine);
  std::string model = source && *source ? source : opt.model;
  if (!infer::writeCalibrationCache(opt.calibrationCache, *calibrator, model, samples.size(),
                                    ranges, error))
    return fail(error);
  std::printf("calibration (%s): %zu samples, %zu tensors, written to %s\n",
              calibrator->name().c_str(), samples.size(), ranges.size(),
              opt.calibrationCache.c_str());
  return 0;
}

/// --tune: times every candidate of a --tune-candidates artifact (the sum of
/// its launches' times, median of profiled runs) and appends each kernel's
/// fastest configuration to the tuning cache, another one only when 3%
/// faster than the heuristic's (less is noise). A candidate whose outputs
/// disagree with the heuristic's candidate's is dropped.
int tuneArtifact(const Options &opt) {
  if (opt.tuningCache.empty())
    return fail("--tune needs --tuning-cache FILE (where the measurements go)");
  infer_engine *engine = nullptr;
  if (infer_engine_load_file(opt.model.c_str(), &engine) != INFER_OK)
    return fail(infer_last_error());
  std::unique_ptr<infer_engine, void (*)(infer_engine *)> engineGuard(
      engine, infer_engine_destroy);
  int32_t n = infer_engine_num_candidates(engine);
  if (n == 0)
    return fail("'" + opt.model + "' holds no tuning candidates (write them with "
                "infer-compile MODEL --tune-candidates -o FILE)");
  using clock = std::chrono::steady_clock;
  auto start = clock::now();
  struct Best {
    std::string arch, config, nodes;
    double ms = -1, heuristicMs = -1;
    bool heuristicBest = false;
  };
  std::map<std::string, Best> kernels;
  std::vector<std::string> order;
  // The heuristic candidate's outputs of the kernel being tuned (it comes
  // first of its kernel's candidates): every other candidate of the kernel
  // runs on the same seeded inputs and must agree.
  std::string referenceKernel;
  std::vector<HostTensor> reference;
  int failed = 0;
  ::infer::ProgressLine progress(static_cast<size_t>(n));
  for (int32_t i = 0; i < n; ++i) {
    infer_candidate_info c;
    infer_engine_candidate_info(engine, i, &c);
    infer_context *ctx = nullptr;
    double ms = -1;
    std::string why;
    std::mt19937_64 rng(opt.seed + std::hash<std::string>()(c.signature));
    if (infer_context_create_candidate(engine, i, opt.threads, &ctx) == INFER_OK) {
      std::unique_ptr<infer_context, void (*)(infer_context *)> guard(ctx,
                                                                      infer_context_destroy);
      bool ok = true;
      for (int32_t k = 0; ok && k < infer_context_num_inputs(ctx); ++k) {
        infer_tensor_info info;
        infer_context_input_info(ctx, k, &info);
        HostTensor t = randomTensor(toDType(info.dtype),
                                    std::vector<int64_t>(info.shape, info.shape + info.rank), rng);
        ok = infer_context_set_input(ctx, k, t.data.data(), t.data.size()) == INFER_OK;
      }
      for (int k = 0; ok && k < 3; ++k)
        ok = infer_context_run(ctx) == INFER_OK;
      // Outputs against the heuristic's: relative L2 within 1e-3 for f32
      // (other summation orders), 1e-2 for narrower types (one rounding of
      // the result); a wrong candidate is dropped, never cached.
      std::vector<HostTensor> outs;
      for (int32_t k = 0; ok && k < infer_context_num_outputs(ctx); ++k) {
        infer_tensor_info info;
        infer_context_output_info(ctx, k, &info);
        HostTensor t(toDType(info.dtype), std::vector<int64_t>(info.shape, info.shape + info.rank));
        ok = infer_context_get_output(ctx, k, t.data.data(), t.data.size()) == INFER_OK;
        outs.push_back(std::move(t));
      }
      if (ok && c.heuristic) {
        referenceKernel = c.signature;
        reference = std::move(outs);
      } else if (ok && referenceKernel == c.signature) {
        for (size_t k = 0; k < outs.size() && k < reference.size(); ++k) {
          infer::Comparison cmp = infer::compareTensors(outs[k], reference[k], 0, 0);
          double tol = outs[k].dtype == DType::F32 ? 1e-3 : 1e-2;
          if (outs[k].shape != reference[k].shape || !(cmp.relL2 <= tol)) {
            progress.interrupt();
            std::fprintf(stderr,
                         "infer-run: warning: --tune: %s for %s dropped: output %zu is %g "
                         "(relative L2) from the heuristic's\n",
                         c.config, c.nodes, k, cmp.relL2);
            why = "disagrees with the heuristic's tile";
            ok = false;
            break;
          }
        }
      }
      std::vector<double> launch(std::max(1, infer_context_num_launches(ctx))), runs;
      auto t0 = clock::now();
      while (ok && (runs.size() < 5 ||
                    (runs.size() < 50 &&
                     std::chrono::duration<double>(clock::now() - t0).count() < 0.2))) {
        ok = infer_context_run_profiled(ctx, launch.data()) == INFER_OK;
        double sum = 0;
        for (int k = 0; k < infer_context_num_launches(ctx); ++k)
          sum += launch[k];
        runs.push_back(sum);
      }
      if (ok) {
        std::sort(runs.begin(), runs.end());
        ms = runs[runs.size() / 2];
      } else {
        why = infer_last_error();
      }
    } else {
      why = infer_last_error();
    }
    auto [it, fresh] = kernels.emplace(c.signature, Best());
    Best &b = it->second;
    if (fresh) {
      order.push_back(c.signature);
      b.arch = c.arch;
      b.nodes = c.nodes;
    }
    if (ms < 0) {
      ++failed;
      if (c.heuristic)
        return fail("the heuristic's tile of " + std::string(c.nodes) + " failed: " + why);
      progress.update(static_cast<size_t>(i + 1),
                      "infer-run: tuning [" + std::to_string(i + 1) + "/" + std::to_string(n) +
                          "] " + c.config + " for " + c.nodes + " failed");
      continue;
    }
    if (c.heuristic)
      b.heuristicMs = ms;
    // Each kernel's heuristic candidate comes first (--tune-candidates
    // writes it so): another must beat it by 3%.
    bool better = b.ms < 0 || (ms < b.ms && (!b.heuristicBest || ms < 0.97 * b.ms));
    if (better) {
      b.ms = ms;
      b.config = c.config;
      b.heuristicBest = c.heuristic != 0;
    }
    double elapsed = std::chrono::duration<double>(clock::now() - start).count();
    char line[192];
    std::snprintf(line, sizeof line,
                  "infer-run: tuning [%4d/%d] %-40.40s best %8.4f ms, %4.0f s left ", i + 1, n,
                  c.nodes, b.ms, elapsed / (i + 1) * (n - i - 1));
    progress.update(static_cast<size_t>(i + 1), line);
  }
  progress.finish();
  std::string device = infer_engine_device(engine), compiler = infer_engine_compiler(engine);
  std::string lines;
  double before = 0, after = 0;
  int improved = 0;
  for (const std::string &sig : order) {
    Best &b = kernels[sig];
    if (b.ms < 0)
      continue;
    nlohmann::json j = {{"arch", b.arch},     {"compiler", compiler}, {"signature", sig},
                        {"config", b.config}, {"ms", b.ms},           {"heuristic_ms", b.heuristicMs},
                        {"device", device}};
    lines += j.dump() + "\n";
    before += b.heuristicMs;
    after += b.ms;
    improved += !b.heuristicBest;
    std::printf("%-60.60s %9.4f -> %9.4f ms  %s\n", b.nodes.c_str(), b.heuristicMs, b.ms,
                b.config.c_str());
  }
  // The cache with the new lines, under a lock file beside it (another
  // tuner may be adding to it: its lines since read are kept), written
  // whole into a file of its own and renamed into place.
  std::string lockPath = opt.tuningCache + ".lock";
  int lock = ::open(lockPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (lock < 0 || ::flock(lock, LOCK_EX) != 0) {
    if (lock >= 0)
      ::close(lock);
    return fail("cannot lock the tuning cache '" + opt.tuningCache + "' (" + lockPath +
                "): " + std::strerror(errno));
  }
  struct Unlock {
    int fd;
    ~Unlock() { ::close(fd); }
  } unlock{lock};
  std::string old;
  if (fs::exists(opt.tuningCache)) {
    std::ifstream in(opt.tuningCache, std::ios::binary);
    old.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (!old.empty() && old.back() != '\n')
      old += '\n';
  }
  std::string tmp = opt.tuningCache + "-XXXXXX";
  int fd = ::mkstemp(tmp.data());
  if (fd < 0)
    return fail("cannot write the tuning cache '" + opt.tuningCache + "': " +
                std::strerror(errno));
  // mkstemp makes the file private (0600); the cache keeps the mode a new
  // file gets (0666 less the umask), as the compiler's writer does.
  mode_t mask = ::umask(0);
  ::umask(mask);
  std::string all = old + lines;
  bool written = ::fchmod(fd, 0666 & ~mask) == 0 &&
                 ::write(fd, all.data(), all.size()) == static_cast<ssize_t>(all.size());
  written &= ::close(fd) == 0;
  std::error_code ec;
  if (written)
    fs::rename(tmp, opt.tuningCache, ec);
  if (!written || ec) {
    fs::remove(tmp, ec);
    return fail("cannot write the tuning cache '" + opt.tuningCache + "'");
  }
  double seconds = std::chrono::duration<double>(clock::now() - start).count();
  std::printf("tuned %zu kernels (%d candidates, %d failed) in %.1f s on %s: %d faster than "
              "the heuristic, %.4f -> %.4f ms summed over them; cache '%s'\n",
              kernels.size(), n, failed, seconds, device.c_str(), improved, before, after,
              opt.tuningCache.c_str());
  return 0;
}

/// Runs an artifact.
int runArtifact(const Options &opt) {
  infer_engine *engine = nullptr;
  if (infer_engine_load_file(opt.model.c_str(), &engine) != INFER_OK)
    return fail(infer_last_error());
  std::unique_ptr<infer_engine, void (*)(infer_engine *)> engineGuard(
      engine, infer_engine_destroy);
  // --shape: per input, the shapes to run at, in order.
  std::map<std::string, std::vector<std::vector<int64_t>>> shapeSets;
  size_t numShapeSets = 1;
  for (const std::string &spec : opt.shapes) {
    size_t eq = spec.find('=');
    std::vector<int64_t> dims;
    bool ok = eq != std::string::npos && eq > 0;
    std::stringstream ss(ok ? spec.substr(eq + 1) : "");
    std::string d;
    while (ok && std::getline(ss, d, 'x')) {
      char *end = nullptr;
      long long v = std::strtoll(d.c_str(), &end, 10);
      ok = !d.empty() && *end == 0 && v >= 0;
      dims.push_back(v);
    }
    if (!ok || dims.empty())
      return fail("--shape '" + spec + "' is not NAME=D0xD1x...");
    auto &list = shapeSets[spec.substr(0, eq)];
    list.push_back(dims);
    numShapeSets = std::max(numShapeSets, list.size());
  }
  int32_t numInputs = infer_engine_num_inputs(engine);
  for (const auto &[name, list] : shapeSets) {
    bool known = false;
    for (int32_t i = 0; i < numInputs; ++i) {
      infer_tensor_info info;
      infer_engine_input_info(engine, i, &info);
      known |= name == info.name;
    }
    if (!known)
      return fail("--shape names '" + name + "', which is not an input of the artifact");
  }
  infer_context *context = nullptr;
  if (infer_context_create(engine, opt.threads, &context) != INFER_OK)
    return fail(infer_last_error());
  std::unique_ptr<infer_context, void (*)(infer_context *)> contextGuard(
      context, infer_context_destroy);
  infer_context_set_cuda_graph(context, opt.cudaGraph ? 1 : 0);
  // Shape set `j`: each input's j-th --shape (its last when it has fewer).
  auto applyShapes = [&](size_t j) -> bool {
    for (int32_t i = 0; i < numInputs; ++i) {
      infer_tensor_info info;
      infer_engine_input_info(engine, i, &info);
      auto it = shapeSets.find(info.name);
      if (it == shapeSets.end())
        continue;
      const std::vector<int64_t> &dims = it->second[std::min(j, it->second.size() - 1)];
      if (infer_context_set_input_shape(context, i, static_cast<int32_t>(dims.size()),
                                        dims.data()) != INFER_OK) {
        fail(infer_last_error());
        return false;
      }
    }
    return true;
  };
  if (!applyShapes(0))
    return 1;
  std::optional<std::map<std::string, std::string>> given = givenInputs(opt);
  if (!given)
    return 1;
  std::vector<std::pair<std::string, std::pair<DType, std::vector<int64_t>>>> infos;
  std::map<std::string, std::vector<int64_t>> pinned;
  for (int32_t i = 0; i < numInputs; ++i) {
    infer_tensor_info info;
    infer_engine_input_info(engine, i, &info);
    std::string name = info.name;
    // A dynamic input read from a file takes the file's shape (unless
    // --shape gives one); else the context's (--shape, or the opt shape).
    bool fromFile = given->count(name) && !shapeSets.count(name);
    if (!fromFile)
      infer_context_input_info(context, i, &info);
    std::vector<int64_t> shape(info.shape, info.shape + info.rank);
    infos.push_back({name, {toDType(info.dtype), shape}});
  }
  if (!opt.calibrateDir.empty())
    return calibrate(opt, engine, context, infos);
  std::optional<std::vector<Named>> inputs = makeInputs(opt, infos);
  if (!inputs)
    return 1;
  bool dynamic = infer_engine_num_dims(engine) > 0;
  for (size_t i = 0; i < inputs->size(); ++i) {
    const HostTensor &t = (*inputs)[i].tensor;
    infos[i].second.second = t.shape;
    pinned[(*inputs)[i].name] = t.shape;
    if (dynamic && infer_context_set_input_shape(context, static_cast<int32_t>(i),
                                                 static_cast<int32_t>(t.shape.size()),
                                                 t.shape.data()) != INFER_OK)
      return fail(infer_last_error());
    if (infer_context_set_input(context, static_cast<int32_t>(i), t.data.data(),
                                t.data.size()) != INFER_OK)
      return fail(infer_last_error());
  }
  if (infer_context_run(context) != INFER_OK)
    return fail(infer_last_error());
  std::vector<Named> outputs;
  for (int32_t i = 0; i < infer_engine_num_outputs(engine); ++i) {
    infer_tensor_info info;
    infer_context_output_info(context, i, &info);
    HostTensor t(toDType(info.dtype),
                 std::vector<int64_t>(info.shape, info.shape + info.rank));
    infer_context_get_output(context, i, t.data.data(), t.data.size());
    outputs.push_back({info.name, std::move(t)});
  }
  int status = reportOutputs(opt, outputs);

  if (opt.reference) {
#ifdef INFER_WITH_COMPILER
    std::string source =
        opt.referenceModel.empty() ? infer_engine_source(engine) : opt.referenceModel;
    if (source.empty() || !fs::exists(source))
      return fail("the reference model '" + source +
                  "' is not available; give it with --reference-model");
    std::vector<Named> refInputs = *inputs;
    // Tensors the artifact was compiled to return too (--mark-outputs)
    // are returned by the reference as well and compared by name.
    std::vector<std::string> names;
    for (const Named &o : outputs)
      names.push_back(o.name);
    std::optional<std::vector<Named>> ref =
        runReference(opt, source, pinned, refInputs, names);
    if (!ref)
      return 1;
    for (size_t i = 0; i < outputs.size() && i < ref->size(); ++i) {
      const Named *expected = &(*ref)[i];
      for (const Named &r : *ref)
        if (r.name == outputs[i].name)
          expected = &r;
      infer::Comparison c = compare(outputs[i].tensor, expected->tensor, opt);
      std::printf("reference '%s': %s: %s\n", outputs[i].name.c_str(),
                  c.ok ? "PASS" : "FAIL", c.message.c_str());
      if (!c.ok)
        status = 1;
    }
#else
    return fail("--reference needs infer-run built with the compiler");
#endif
  }

  if (opt.bench) {
    if (opt.cold && std::string(infer_engine_target(engine)).rfind("cpu", 0) != 0)
      return fail(std::string("--cold evicts CPU caches; the artifact's target is ") +
                  infer_engine_target(engine));
    using clock = std::chrono::steady_clock;
    // Warm-up runs, then timed ones for --iterations or --duration; false
    // when a run fails.
    auto timeRuns = [&](std::vector<double> &ms, double &total) {
      auto once = [&] {
        return (opt.resident ? infer_context_run_resident(context)
                             : infer_context_run(context)) == INFER_OK;
      };
      // The evictions' time is not the engine's: left out of --duration
      // and of the throughput.
      double evicting = 0;
      auto evict = [&] {
        if (!opt.cold)
          return;
        auto e0 = clock::now();
        evictCaches();
        evicting += std::chrono::duration<double>(clock::now() - e0).count();
      };
      // A resident run computes on the inputs the last run uploaded.
      if (opt.resident && infer_context_run(context) != INFER_OK)
        return false;
      for (int i = 0; i < opt.warmup; ++i)
        if (!once())
          return false;
      auto start = clock::now();
      while (true) {
        evict();
        auto t0 = clock::now();
        if (!once())
          return false;
        auto t1 = clock::now();
        ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
        double elapsed = std::chrono::duration<double>(t1 - start).count() - evicting;
        if (opt.iterations > 0 ? static_cast<int>(ms.size()) >= opt.iterations
                               : elapsed >= opt.duration)
          break;
      }
      total = std::chrono::duration<double>(clock::now() - start).count() - evicting;
      return true;
    };
    std::vector<double> ms;
    double total = 0;
    if (!timeRuns(ms, total))
      return fail(infer_last_error());
    std::vector<double> sorted = ms;
    std::sort(sorted.begin(), sorted.end());
    double mean = 0;
    for (double v : ms)
      mean += v;
    mean /= ms.size();
    int64_t batch = infos.empty() || infos[0].second.second.empty()
                        ? 1
                        : infos[0].second.second[0];
    if (numShapeSets > 1) {
      std::string label;
      for (const auto &[name, desc] : infos)
        label += std::string(label.empty() ? "" : " ") + name + "=" +
                 infer::formatDims(desc.second);
      std::printf("shape %s:\n", label.c_str());
    }
    double qps = ms.size() / total;
    if (std::string(infer_engine_device(engine)) == "cpu")
      std::printf("bench: %zu iterations in %.2f s, %d threads\n", ms.size(),
                  total, infer_context_num_threads(context));
    else
      std::printf("bench: %zu iterations in %.2f s on %s%s\n", ms.size(), total,
                  infer_engine_device(engine),
                  opt.cudaGraph && std::string(infer_engine_target(engine)).rfind("cuda", 0) == 0
                      ? ", CUDA graph"
                      : "");
    std::printf("latency ms: min %.3f  median %.3f  mean %.3f  p90 %.3f  "
                "p99 %.3f  max %.3f\n",
                sorted.front(), percentile(sorted, 0.5), mean,
                percentile(sorted, 0.9), percentile(sorted, 0.99),
                sorted.back());
    std::printf("throughput: %.1f inferences/s (%.1f samples/s at batch %lld)\n",
                qps, qps * batch, static_cast<long long>(batch));
    std::printf("memory: arena %.2f MiB, weights %.2f MiB, %d launches\n",
                infer_engine_arena_size(engine) / 1048576.0,
                infer_engine_weights_size(engine) / 1048576.0,
                infer_engine_num_launches(engine));
    std::vector<double> launchMedian;
    if (opt.profile) {
      // Per-launch medians over profiled runs, printed by time.
      int32_t n = infer_engine_num_launches(engine);
      int runs = std::max<int>(10, std::min<int>(100, static_cast<int>(ms.size())));
      std::vector<std::vector<double>> samples(n);
      std::vector<double> times(n);
      for (int r = 0; r < runs; ++r) {
        if (opt.cold)
          evictCaches();
        if (infer_context_run_profiled(context, times.data()) != INFER_OK)
          return fail(infer_last_error());
        for (int32_t i = 0; i < n; ++i)
          samples[i].push_back(times[i]);
      }
      double total = 0;
      for (auto &s : samples) {
        std::sort(s.begin(), s.end());
        launchMedian.push_back(percentile(s, 0.5));
        total += launchMedian.back();
      }
      std::vector<int32_t> order(n);
      for (int32_t i = 0; i < n; ++i)
        order[i] = i;
      std::sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
        return launchMedian[a] > launchMedian[b];
      });
      std::printf("profile: %d launches, %.3f ms in kernels (median of %d runs)\n",
                  n, total, runs);
      std::printf("  %6s %9s  %-28s %s\n", "share", "ms", "kind", "ONNX nodes");
      for (int32_t k = 0; k < std::min<int32_t>(n, opt.profileTop); ++k) {
        const char *kind = "", *nodes = "";
        infer_engine_launch_info(engine, order[k], &kind, &nodes);
        std::printf("  %5.1f%% %9.3f  %-28s %s\n",
                    100.0 * launchMedian[order[k]] / total, launchMedian[order[k]],
                    kind, nodes);
      }
      // The same time summed per kernel kind.
      std::map<std::string, std::pair<double, int>> byKind;
      for (int32_t i = 0; i < n; ++i) {
        const char *kind = "", *nodes = "";
        infer_engine_launch_info(engine, i, &kind, &nodes);
        byKind[kind].first += launchMedian[i];
        byKind[kind].second += 1;
      }
      std::vector<std::pair<std::string, std::pair<double, int>>> kinds(
          byKind.begin(), byKind.end());
      std::sort(kinds.begin(), kinds.end(), [](const auto &a, const auto &b) {
        return a.second.first > b.second.first;
      });
      std::printf("  by kind:\n");
      for (const auto &[kind, t] : kinds)
        std::printf("  %5.1f%% %9.3f  %-28s %d launches\n", 100.0 * t.first / total,
                    t.first, kind.c_str(), t.second);
    }
    if (!opt.json.empty()) {
      nlohmann::json j;
      j["artifact"] = opt.model;
      j["target"] = infer_engine_target(engine);
      j["device"] = infer_engine_device(engine);
      j["cuda_graph"] = opt.cudaGraph;
      j["cold"] = opt.cold;
      j["threads"] = infer_context_num_threads(context);
      j["iterations"] = ms.size();
      j["batch"] = batch;
      j["latency_ms"] = {{"min", sorted.front()},
                         {"median", percentile(sorted, 0.5)},
                         {"mean", mean},
                         {"p90", percentile(sorted, 0.9)},
                         {"p99", percentile(sorted, 0.99)},
                         {"max", sorted.back()}};
      j["throughput_per_s"] = qps;
      j["samples_per_s"] = qps * batch;
      j["samples_ms"] = ms;
      j["arena_bytes"] = infer_engine_arena_size(engine);
      j["weight_bytes"] = infer_engine_weights_size(engine);
      if (opt.profile) {
        nlohmann::json launches = nlohmann::json::array();
        for (size_t i = 0; i < launchMedian.size(); ++i) {
          const char *kind = "", *nodes = "";
          infer_engine_launch_info(engine, static_cast<int32_t>(i), &kind, &nodes);
          launches.push_back({{"kind", kind}, {"nodes", nodes}, {"ms", launchMedian[i]}});
        }
        j["launches"] = launches;
      }
      std::ofstream out(opt.json);
      if (!out)
        return fail("cannot write '" + opt.json + "'");
      out << j.dump(2) << "\n";
    }
    // Further --shape sets: each timed in turn, on seeded random inputs.
    std::mt19937_64 rng(opt.seed + 1);
    for (size_t set = 1; set < numShapeSets; ++set) {
      if (!applyShapes(set))
        return 1;
      std::string label;
      for (int32_t i = 0; i < numInputs; ++i) {
        infer_tensor_info info;
        infer_context_input_info(context, i, &info);
        std::vector<int64_t> shape(info.shape, info.shape + info.rank);
        HostTensor t = randomTensor(toDType(info.dtype), shape, rng);
        if (infer_context_set_input(context, i, t.data.data(), t.data.size()) != INFER_OK)
          return fail(infer_last_error());
        label += std::string(label.empty() ? "" : " ") + info.name + "=" +
                 infer::formatDims(shape);
      }
      std::vector<double> times;
      double spent = 0;
      if (!timeRuns(times, spent))
        return fail(infer_last_error());
      std::sort(times.begin(), times.end());
      std::printf("shape %s: latency ms: min %.3f  median %.3f  p90 %.3f  max %.3f  "
                  "(%zu iterations)\n",
                  label.c_str(), times.front(), percentile(times, 0.5),
                  percentile(times, 0.9), times.back(), times.size());
    }
  }
  return status;
}
} // namespace

int main(int argc, char **argv) {
  Options opt;
  CLI::App app{"infer-run: runs a compiled model (.infer), compares its "
               "outputs and benchmarks it; with --reference, also runs an "
               "ONNX model on the reference interpreter."};
  app.add_option("model", opt.model, "Artifact (.infer), or ONNX model / infer IR "
                                     "with --reference")
      ->required();
  app.add_flag("--reference", opt.reference,
               "Run the reference interpreter too and compare (artifacts), "
               "or only it (ONNX models)");
  app.add_option("--reference-model", opt.referenceModel,
                 "The ONNX model for --reference (default: the artifact's "
                 "source)");
  app.add_option("--input", opt.inputs,
                 "NAME=FILE (.npy or TensorProto .pb); repeatable. Inputs "
                 "not given are seeded random data");
  app.add_option("--input-shape", opt.inputShapes,
                 "NAME=D0xD1x... pins dynamic dimensions of an ONNX input");
  app.add_option("--shape", opt.shapes,
                 "NAME=D0xD1x...: run an artifact compiled with --profile at this input "
                 "shape (default: the input file's shape, else the profile's opt); "
                 "repeated for one input, --bench times each shape in turn");
  app.add_option("--output-dir", opt.outputDir, "Write outputs as NAME.npy");
  app.add_option("--compare", opt.compareDir,
                 "Compare with expected outputs (NAME.npy, NAME.pb or "
                 "output_N.pb) in this directory; exit 1 on mismatch");
  app.add_option("--rtol", opt.rtol, "Relative tolerance")->capture_default_str();
  app.add_option("--atol", opt.atol, "Absolute tolerance")->capture_default_str();
  app.add_option("--max-rel-l2", opt.maxRelL2,
                 "Match outputs by their relative L2 difference instead of "
                 "element by element (int8 engines, whose elements may differ "
                 "by a quantization step)");
  app.add_option("--seed", opt.seed, "Seed of the random inputs")
      ->capture_default_str();
  app.add_option("--print", opt.print, "Values printed per output")
      ->capture_default_str();
  app.add_flag("--bench", opt.bench, "Benchmark after the first run");
  app.add_option("--warmup", opt.warmup, "Benchmark warm-up runs")
      ->capture_default_str();
  auto *iters = app.add_option("--iterations", opt.iterations,
                               "Benchmark runs (default: --duration)");
  app.add_option("--duration", opt.duration, "Benchmark seconds")
      ->capture_default_str()
      ->excludes(iters);
  app.add_option("--threads", opt.threads, "Threads (0: all cores)")
      ->capture_default_str();
  app.add_option("--json", opt.json, "Write benchmark results as JSON");
  app.add_option("--cuda-graph", opt.cudaGraph,
                 "CUDA artifacts: replay the plan as one CUDA graph")
      ->capture_default_str();
  app.add_flag("--profile", opt.profile,
               "With --bench: time every launch and print the costliest");
  app.add_flag("--cold", opt.cold,
               "With --bench on a CPU target: evict the caches before every timed (and "
               "profiled) run, so that weights and activations come from memory as in a "
               "process that does other work between inferences")
      ->needs("--bench");
  app.add_option("--profile-top", opt.profileTop,
                 "With --profile: how many launches to list, costliest first (default 25)")
      ->check(CLI::Range(1, 1 << 30))
      ->needs("--profile");
  app.add_flag("--resident", opt.resident,
               "--bench: time runs on the inputs already on the device, without host copies "
               "(CUDA and Vulkan; trtexec's GPU compute time)");
  app.add_flag("--tune", opt.tune,
               "Time the tile candidates of an artifact written by infer-compile "
               "--tune-candidates on this machine and add the fastest of each kernel to "
               "--tuning-cache (then infer-compile --tuning-cache compiles with them)");
  app.add_option("--tuning-cache", opt.tuningCache,
                 "--tune: the tuning cache to add to (JSON lines; created when missing)");
  app.add_option("--calibrate", opt.calibrateDir,
                 "Int8 calibration: run every sample in this directory (its "
                 "subdirectories, each with NAME.npy, NAME.pb or input_N.pb "
                 "per input, or the directory itself as one sample) and "
                 "write each float input's and output's range to "
                 "--calibration-cache (compile with --mark-outputs=all to "
                 "calibrate every tensor)");
  app.add_option("--calibrator", opt.calibrator,
                 "minmax, entropy (TensorRT's KL divergence), "
                 "percentile[=99.99] or mse")
      ->capture_default_str();
  app.add_option("--calibration-cache", opt.calibrationCache,
                 "The calibration cache to write (plain text: name, amax, scale)");
  CLI11_PARSE(app, argc, argv);
  if (!fs::exists(opt.model))
    return fail("'" + opt.model + "' does not exist");
  if (opt.threads < 0)
    return fail("--threads must not be negative");
  if (opt.threads > INFER_MAX_THREADS) {
    std::fprintf(stderr,
                 "infer-run: warning: --threads %d is more than the runtime "
                 "runs (%d); using %d\n",
                 opt.threads, INFER_MAX_THREADS, INFER_MAX_THREADS);
    opt.threads = INFER_MAX_THREADS;
  }
  // Every number a run depends on is checked before the work starts.
  if (!(std::isfinite(opt.duration) && opt.duration > 0 && opt.duration <= 86400))
    return fail("--duration must be a number of seconds in (0, 86400]");
  if (opt.warmup < 0)
    return fail("--warmup must not be negative");
  if (opt.iterations < 0)
    return fail("--iterations must not be negative");
  if (!(std::isfinite(opt.rtol) && opt.rtol >= 0) ||
      !(std::isfinite(opt.atol) && opt.atol >= 0))
    return fail("--rtol and --atol must be finite and not negative");
  if (app.count("--max-rel-l2") && !(std::isfinite(opt.maxRelL2) && opt.maxRelL2 >= 0))
    return fail("--max-rel-l2 must be finite and not negative");
  if (!opt.calibrateDir.empty() &&
      (!opt.inputs.empty() || opt.bench || opt.reference || !opt.compareDir.empty() ||
       !opt.outputDir.empty()))
    return fail("--calibrate runs the samples in its directory; it does not combine "
                "with --input, --output-dir, --compare, --reference or --bench");
  if (opt.calibrateDir.empty() &&
      (!opt.calibrationCache.empty() || opt.calibrator != "entropy"))
    return fail("--calibrator and --calibration-cache need --calibrate DIR");
  if (!opt.outputDir.empty()) {
    std::error_code ec;
    fs::create_directories(opt.outputDir, ec);
    if (ec || !fs::is_directory(opt.outputDir))
      return fail("cannot use --output-dir '" + opt.outputDir + "': " +
                  (ec ? ec.message() : std::string("not a directory")));
  }
  if (endsWith(opt.model, ".onnx") || endsWith(opt.model, ".onnxtxt") ||
      endsWith(opt.model, ".mlir")) {
#ifdef INFER_WITH_COMPILER
    if (!opt.reference)
      return fail("'" + opt.model + "' is a model, not an artifact: compile it "
                  "with infer-compile, or run it on the reference interpreter "
                  "with --reference");
    std::vector<Named> inputs;
    std::optional<std::vector<Named>> outputs =
        runReference(opt, opt.model, {}, inputs);
    if (!outputs)
      return 1;
    return reportOutputs(opt, *outputs);
#else
    return fail("this infer-run was built without the compiler and runs "
                "artifacts only");
#endif
  }
  if (opt.tune)
    return tuneArtifact(opt);
  if (!opt.tuningCache.empty())
    return fail("--tuning-cache needs --tune");
  return runArtifact(opt);
}
