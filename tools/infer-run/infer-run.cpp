//===- infer-run.cpp - Run, compare and benchmark models ------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Runs a model on given or seeded random inputs, prints and saves its
// outputs, and compares them with expected outputs (exit 1 on mismatch,
// naming the worst element), the way trtexec and Polygraphy do. An ONNX
// model (or infer IR) runs on the reference interpreter.
//
//===----------------------------------------------------------------------===//

#include "frontend/OnnxImporter.h"
#include "frontend/OnnxTensor.h"
#include "reference/Interpreter.h"
#include "runtime/io/HostTensor.h"

#include "ir/InferOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>
#include <map>
#include <random>

using namespace mlir;
using ::infer::DType;
using ::infer::HostTensor;

namespace {
struct Options {
  std::string model;
  bool reference = false;
  std::vector<std::string> inputs;
  std::vector<std::string> inputShapes;
  std::string outputDir;
  std::string compareDir;
  double rtol = 1e-3, atol = 1e-4;
  uint64_t seed = 0;
  int print = 8;
};

int fail(const std::string &message) {
  std::cerr << "infer-run: error: " << message << "\n";
  return 1;
}

std::optional<DType> dtypeOf(Type t) {
  if (auto q = llvm::dyn_cast<quant::QuantizedType>(t))
    return q.isSigned() ? DType::I8 : DType::U8;
  if (t.isF32()) return DType::F32;
  if (t.isF16()) return DType::F16;
  if (t.isBF16()) return DType::BF16;
  if (t.isF64()) return DType::F64;
  if (t.isInteger(1)) return DType::Bool;
  if (auto i = llvm::dyn_cast<IntegerType>(t)) {
    bool u = i.isUnsigned();
    switch (i.getWidth()) {
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

/// Reads an input or expected output: .npy, or a serialized TensorProto.
std::optional<HostTensor> readTensorFile(MLIRContext &ctx,
                                         const std::string &path,
                                         std::string &error) {
  if (llvm::StringRef(path).ends_with(".npy"))
    return ::infer::readNpy(path, error);
  FailureOr<mlir::infer::reference::Tensor> t =
      mlir::infer::frontend::readTensorProtoFile(&ctx, path, error);
  if (failed(t))
    return std::nullopt;
  return toHost(*t);
}

/// Seeded random data: floats in [-1, 1), integers in [0, 10), booleans.
HostTensor randomTensor(DType dtype, const std::vector<int64_t> &shape,
                        std::mt19937_64 &rng) {
  HostTensor t(dtype, shape);
  std::uniform_real_distribution<double> real(-1.0, 1.0);
  std::uniform_int_distribution<int> small(0, 9);
  for (int64_t i = 0; i < t.numElements(); ++i) {
    if (::infer::isFloat(dtype))
      t.set(i, real(rng));
    else if (dtype == DType::Bool)
      t.set(i, small(rng) % 2);
    else
      t.set(i, small(rng));
  }
  return t;
}

/// A file name for a tensor name.
std::string fileNameOf(const std::string &name) {
  std::string out;
  for (char c : name)
    out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ||
            c == '.')
               ? c
               : '_';
  return out.empty() ? "tensor" : out;
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
  std::printf("output '%s': %s %s  min %.6g max %.6g mean %.6g  [", name.c_str(),
              ::infer::dtypeName(t.dtype), ::infer::formatDims(t.shape).c_str(), mn,
              mx, n ? sum / n : 0.0);
  for (int64_t i = 0; i < std::min<int64_t>(n, count); ++i)
    std::printf("%s%.6g", i ? ", " : "", t.get(i));
  std::printf("%s]\n", n > count ? ", ..." : "");
}

/// The expected output `name` (index `i`) in `dir`: NAME.npy, NAME.pb or
/// output_i.pb (ONNX test data layout).
std::optional<std::string> expectedFile(const std::string &dir,
                                        const std::string &name, size_t i) {
  for (const std::string &f : {fileNameOf(name) + ".npy", fileNameOf(name) + ".pb",
                               "output_" + std::to_string(i) + ".pb"}) {
    llvm::SmallString<256> p(dir);
    llvm::sys::path::append(p, f);
    if (llvm::sys::fs::exists(p))
      return std::string(p);
  }
  return std::nullopt;
}

int runReference(const Options &opt) {
  MLIRContext ctx;
  DialectRegistry registry;
  mlir::infer::registerImportDialects(registry);
  ctx.appendDialectRegistry(registry);
  ctx.loadAllAvailableDialects();
  std::string error;
  OwningOpRef<ModuleOp> module;
  if (llvm::StringRef(opt.model).ends_with(".mlir")) {
    module = parseSourceFile<ModuleOp>(opt.model, &ctx);
    if (!module)
      return fail("cannot parse '" + opt.model + "'");
  } else {
    mlir::infer::OnnxImportOptions importOptions;
    for (const std::string &spec : opt.inputShapes)
      if (failed(mlir::infer::parseInputShape(spec, importOptions, error)))
        return fail(error);
    module = mlir::infer::importOnnxFile(ctx, opt.model, importOptions, error);
    if (!module)
      return fail(error);
  }
  auto funcs = module->getOps<func::FuncOp>();
  if (funcs.empty())
    return fail("'" + opt.model + "' has no function");
  func::FuncOp func = *funcs.begin();

  // Inputs: given by name, else seeded random.
  std::map<std::string, std::string> given;
  for (const std::string &spec : opt.inputs) {
    size_t eq = spec.find('=');
    if (eq == std::string::npos)
      return fail("--input '" + spec + "' is not NAME=FILE");
    given[spec.substr(0, eq)] = spec.substr(eq + 1);
  }
  std::mt19937_64 rng(opt.seed);
  std::vector<mlir::infer::reference::Tensor> inputs;
  for (unsigned i = 0; i < func.getNumArguments(); ++i) {
    auto nameAttr = func.getArgAttrOfType<StringAttr>(i, "infer.name");
    std::string name = nameAttr ? nameAttr.str() : "arg" + std::to_string(i);
    auto type = llvm::cast<RankedTensorType>(func.getArgument(i).getType());
    std::optional<DType> dtype = dtypeOf(type.getElementType());
    if (!dtype)
      return fail("input '" + name + "' has an unsupported element type");
    HostTensor host;
    auto it = given.find(name);
    if (it != given.end()) {
      std::optional<HostTensor> t = readTensorFile(ctx, it->second, error);
      if (!t)
        return fail(error);
      host = std::move(*t);
      given.erase(it);
    } else {
      if (!type.hasStaticShape())
        return fail("input '" + name +
                    "' has dynamic dimensions; give it with --input or pin "
                    "them with --input-shape");
      host = randomTensor(*dtype, std::vector<int64_t>(type.getShape().begin(),
                                                       type.getShape().end()),
                          rng);
    }
    if (host.dtype != *dtype)
      return fail("input '" + name + "' is " + ::infer::dtypeName(host.dtype) +
                  ", the model expects " + ::infer::dtypeName(*dtype));
    if (host.shape.size() != static_cast<size_t>(type.getRank()))
      return fail("input '" + name + "' has shape " +
                  ::infer::formatDims(host.shape) + ", the model expects rank " +
                  std::to_string(type.getRank()));
    for (int64_t d = 0; d < type.getRank(); ++d)
      if (!type.isDynamicDim(d) && type.getDimSize(d) != host.shape[d])
        return fail("input '" + name + "' has shape " +
                    ::infer::formatDims(host.shape) +
                    ", which does not fit the model's dimension " +
                    std::to_string(d) + " (" +
                    std::to_string(type.getDimSize(d)) + ")");
    FailureOr<mlir::infer::reference::Tensor> t = mlir::infer::reference::Tensor::fromBytes(
        type.getElementType(), host.shape,
        llvm::ArrayRef<char>(reinterpret_cast<const char *>(host.data.data()),
                             host.data.size()));
    if (failed(t))
      return fail("input '" + name + "' has the wrong number of bytes");
    inputs.push_back(std::move(*t));
  }
  if (!given.empty())
    return fail("--input names '" + given.begin()->first +
                "', which is not an input of the model");

  FailureOr<SmallVector<mlir::infer::reference::Tensor>> outputs =
      mlir::infer::reference::runFunction(func, inputs, error);
  if (failed(outputs))
    return fail(error);

  int status = 0;
  for (auto [i, t] : llvm::enumerate(*outputs)) {
    auto nameAttr = func.getResultAttrOfType<StringAttr>(i, "infer.name");
    std::string name = nameAttr ? nameAttr.str() : "output" + std::to_string(i);
    HostTensor host = toHost(t);
    printTensor(name, host, opt.print);
    if (!opt.outputDir.empty()) {
      llvm::sys::fs::create_directories(opt.outputDir);
      llvm::SmallString<256> p(opt.outputDir);
      llvm::sys::path::append(p, fileNameOf(name) + ".npy");
      if (!::infer::writeNpy(std::string(p), host, error))
        return fail(error);
    }
    if (!opt.compareDir.empty()) {
      std::optional<std::string> f = expectedFile(opt.compareDir, name, i);
      if (!f)
        return fail("no expected output for '" + name + "' in '" +
                    opt.compareDir + "'");
      std::optional<HostTensor> want = readTensorFile(ctx, *f, error);
      if (!want)
        return fail(error);
      ::infer::Comparison c = ::infer::compareTensors(host, *want, opt.rtol, opt.atol);
      std::printf("compare '%s': %s: %s\n", name.c_str(), c.ok ? "PASS" : "FAIL",
                  c.message.c_str());
      if (!c.ok)
        status = 1;
    }
  }
  return status;
}
} // namespace

int main(int argc, char **argv) {
  Options opt;
  CLI::App app{"infer-run: runs a model, compares its outputs, benchmarks it.\n"
               "An ONNX model (.onnx, or ONNX text) or infer IR (.mlir) runs on "
               "the reference interpreter (--reference)."};
  app.add_option("model", opt.model, "Model: .onnx or .mlir")->required();
  app.add_flag("--reference", opt.reference,
               "Run on the reference interpreter");
  app.add_option("--input", opt.inputs,
                 "NAME=FILE (.npy or TensorProto .pb); repeatable. Inputs not "
                 "given are seeded random data");
  app.add_option("--input-shape", opt.inputShapes,
                 "NAME=D0xD1x... pins dynamic dimensions of an ONNX input");
  app.add_option("--output-dir", opt.outputDir, "Write outputs as NAME.npy");
  app.add_option("--compare", opt.compareDir,
                 "Compare with expected outputs (NAME.npy, NAME.pb or "
                 "output_N.pb) in this directory; exit 1 on mismatch");
  app.add_option("--rtol", opt.rtol, "Relative tolerance of --compare")
      ->capture_default_str();
  app.add_option("--atol", opt.atol, "Absolute tolerance of --compare")
      ->capture_default_str();
  app.add_option("--seed", opt.seed, "Seed of the random inputs")
      ->capture_default_str();
  app.add_option("--print", opt.print, "Values printed per output")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (!llvm::sys::fs::exists(opt.model))
    return fail("'" + opt.model + "' does not exist");
  llvm::StringRef model(opt.model);
  if (model.ends_with(".onnx") || model.ends_with(".onnxtxt") ||
      model.ends_with(".mlir")) {
    if (!opt.reference)
      return fail("ONNX models and infer IR run on the reference interpreter; "
                  "pass --reference");
    return runReference(opt);
  }
  return fail("'" + opt.model + "' is not an ONNX model (.onnx, .onnxtxt) or "
              "infer IR (.mlir)");
}
