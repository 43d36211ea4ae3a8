//===- infer-conformance.cpp - ONNX backend node tests on infer -----------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Runs ONNX's backend node tests (a directory per test with model.onnx and
// test_data_set_*/{input,output}_*.pb) on infer's backends, compares with
// the expected outputs at ONNX's tolerances, prints one summary line per
// backend, writes a Markdown report of every non-passing test and checks a
// list of expected passes. Sequence and optional inputs and outputs
// (SequenceProto / OptionalProto data) are read as the model declares them:
// a sequence is passed and compared element by element.
//
//===----------------------------------------------------------------------===//

#include "codegen/Driver.h"
#include "codegen/InitAllBackends.h"
#include "frontend/OnnxImporter.h"
#include "runtime/include/infer_runtime.h"
#include "frontend/OnnxTensor.h"
#include "ir/ShapeInference.h"
#include "reference/Interpreter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/raw_ostream.h"

#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstring>
#include <map>
#include <set>

using namespace mlir;
using namespace mlir::infer;
namespace cl = llvm::cl;

static cl::OptionCategory category("infer-conformance options");
static cl::list<std::string> testDirs(cl::Positional, cl::OneOrMore,
                                      cl::desc("<node test directory>..."),
                                      cl::cat(category));
static cl::list<std::string>
    backends("backend", cl::desc("Backend to run (reference, cpu, vulkan); repeatable"),
             cl::CommaSeparated, cl::cat(category));
static cl::opt<std::string> reportPath("report",
                                       cl::desc("Write a Markdown report"),
                                       cl::cat(category));
static cl::opt<std::string>
    expectedDir("expected",
                cl::desc("Directory of <backend>.expected pass lists to check"),
                cl::cat(category));
static cl::opt<bool>
    updateExpected("update-expected",
                   cl::desc("Rewrite the pass lists in --expected"),
                   cl::cat(category));
static cl::opt<std::string> filter("filter",
                                   cl::desc("Only tests matching this regex"),
                                   cl::cat(category));
static cl::opt<bool> verbose("v", cl::desc("Print every test's result"),
                             cl::cat(category));

namespace {
enum class Status { Pass, Fail, Unsupported };

struct Result {
  Status status = Status::Pass;
  std::string reason;
};

/// Names of the inputs each test bound as constants.
std::map<std::string, std::vector<std::string>> boundByTest;

/// Whether a test belongs to ONNX's training or string domains, which the
/// conformance target leaves out: the training domain
/// (ai.onnx.preview.training), training-mode Dropout or BatchNormalization,
/// or a STRING tensor among the graph's inputs, outputs and initializers.
bool trainingOrStrings(StringRef dir) {
  SmallString<256> path(dir);
  llvm::sys::path::append(path, "model.onnx");
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  onnx::ModelProto m;
  if (!buffer || !m.ParseFromArray((*buffer)->getBufferStart(),
                                   static_cast<int>((*buffer)->getBufferSize())))
    return false;
  for (const auto &o : m.opset_import())
    if (o.domain() == "ai.onnx.preview.training")
      return true;
  const onnx::GraphProto &g = m.graph();
  auto isString = [](const onnx::ValueInfoProto &v) {
    return v.type().has_tensor_type() &&
           v.type().tensor_type().elem_type() == onnx::TensorProto::STRING;
  };
  if (llvm::any_of(g.input(), isString) || llvm::any_of(g.output(), isString))
    return true;
  for (const onnx::TensorProto &t : g.initializer())
    if (t.data_type() == onnx::TensorProto::STRING)
      return true;
  for (const onnx::NodeProto &n : g.node()) {
    if (n.op_type() == "Dropout" && n.input_size() >= 3 && !n.input(2).empty())
      return true;
    for (const onnx::AttributeProto &a : n.attribute())
      if (a.name() == "training_mode" && a.i() != 0)
        return true;
  }
  return false;
}

bool isUnsupported(StringRef error) {
  return error.contains("not supported") || error.contains("unknown op") ||
         error.contains("is not a tensor") || error.contains("no kernel");
}

/// Compares one output at ONNX's tolerances; explains the first mismatch.
bool matches(const reference::Tensor &got, const reference::Tensor &want,
             std::string &why) {
  if (got.getShape() != want.getShape()) {
    why = "shape " + formatShape(got.getShape()) + " instead of " +
          formatShape(want.getShape());
    return false;
  }
  // ONNX 1.12's data stores bfloat16 results as uint16 bit patterns.
  if (got.getElementType().isBF16() && !want.isFloat()) {
    std::vector<char> bytes = got.toBytes();
    for (int64_t i = 0; i < want.size(); ++i) {
      uint16_t bits;
      std::memcpy(&bits, &bytes[2 * i], 2);
      if (bits != static_cast<uint16_t>(want.ints()[i])) {
        why = "element " + std::to_string(i) + " has bits " +
              std::to_string(bits) + ", expected " +
              std::to_string(want.ints()[i]);
        return false;
      }
    }
    return true;
  }
  const double rtol = 1e-3, atol = 1e-7;
  for (int64_t i = 0; i < want.size(); ++i) {
    double g = got.getDouble(i), w = want.getDouble(i);
    bool ok;
    if (!want.isFloat() && !got.isFloat())
      ok = got.ints()[i] == want.ints()[i];
    else if (std::isnan(w))
      ok = std::isnan(g);
    else if (std::isinf(w))
      ok = g == w;
    else
      ok = std::fabs(g - w) <= atol + rtol * std::fabs(w);
    if (!ok) {
      why = "element " + std::to_string(i) + " is " + std::to_string(g) +
            ", expected " + std::to_string(w);
      return false;
    }
  }
  return true;
}

/// Sorted files `prefix_N.pb` of a data set directory.
std::vector<std::string> dataFiles(StringRef dir, StringRef prefix) {
  std::vector<std::string> files;
  for (int i = 0;; ++i) {
    SmallString<256> p(dir);
    llvm::sys::path::append(p, prefix + "_" + std::to_string(i) + ".pb");
    if (!llvm::sys::fs::exists(p))
      break;
    files.push_back(std::string(p));
  }
  return files;
}

/// One test data set: named inputs and expected outputs (tensors,
/// sequences or optionals, as the model declares them).
struct DataSet {
  std::vector<frontend::DataValue> inputs;
  std::vector<frontend::DataValue> outputs;
};

FailureOr<DataSet> readDataSet(MLIRContext &ctx, StringRef dir, const OnnxSignature &sig,
                               std::string &error) {
  DataSet set;
  auto kindAt = [](const auto &list, size_t i) {
    return i < list.size() ? list[i].second : OnnxValueKind::Tensor;
  };
  for (auto [i, f] : llvm::enumerate(dataFiles(dir, "input"))) {
    OnnxValueKind kind = kindAt(sig.inputs, i);
    FailureOr<frontend::DataValue> v =
        frontend::readDataValueFile(&ctx, f, kind == OnnxValueKind::Sequence,
                                    kind == OnnxValueKind::Optional, error);
    if (failed(v))
      return failure();
    if (v->name.empty() && i < sig.inputs.size())
      v->name = sig.inputs[i].first;
    set.inputs.push_back(std::move(*v));
  }
  for (auto [i, f] : llvm::enumerate(dataFiles(dir, "output"))) {
    OnnxValueKind kind = kindAt(sig.outputs, i);
    FailureOr<frontend::DataValue> v =
        frontend::readDataValueFile(&ctx, f, kind == OnnxValueKind::Sequence,
                                    kind == OnnxValueKind::Optional, error);
    if (failed(v))
      return failure();
    set.outputs.push_back(std::move(*v));
  }
  return set;
}

/// Compiles `module` for `target` ("cpu", "vulkan") and runs the artifact
/// through the runtime.
FailureOr<SmallVector<reference::Tensor>>
runCompiled(StringRef target, ModuleOp module, func::FuncOp func,
            ArrayRef<reference::Tensor> inputs, std::string &error) {
  SmallVector<Type> resultTypes(func.getResultTypes());
  CompileOptions options;
  options.target = target.str();
  FailureOr<CompileResult> compiled = compileModule(module, options, error);
  if (failed(compiled)) {
    error = "compile: " + error;
    return failure();
  }
  infer_engine *engine = nullptr;
  if (infer_engine_load_memory(compiled->artifact.data(),
                               compiled->artifact.size(), &engine) != INFER_OK) {
    error = std::string("load: ") + infer_last_error();
    return failure();
  }
  infer_context *context = nullptr;
  infer_context_create(engine, 1, &context);
  SmallVector<reference::Tensor> outputs;
  bool ok = context != nullptr;
  for (size_t i = 0; ok && i < inputs.size(); ++i) {
    std::vector<char> bytes = inputs[i].toBytes();
    ok = infer_context_set_input(context, i, bytes.data(), bytes.size()) == INFER_OK;
  }
  ok = ok && infer_context_run(context) == INFER_OK;
  for (size_t i = 0; ok && i < resultTypes.size(); ++i) {
    auto t = llvm::cast<RankedTensorType>(resultTypes[i]);
    infer_tensor_info info;
    infer_engine_output_info(engine, i, &info);
    std::vector<char> bytes(info.size);
    ok = infer_context_get_output(context, i, bytes.data(), bytes.size()) == INFER_OK;
    FailureOr<reference::Tensor> r =
        reference::Tensor::fromBytes(t.getElementType(), t.getShape(), bytes);
    ok = ok && succeeded(r);
    if (ok)
      outputs.push_back(std::move(*r));
  }
  if (!ok)
    error = std::string("run: ") + infer_last_error();
  infer_context_destroy(context);
  infer_engine_destroy(engine);
  if (!ok)
    return failure();
  return outputs;
}

/// Runs `func` on `backend`.
FailureOr<SmallVector<reference::Tensor>>
runBackend(StringRef backend, ModuleOp module, func::FuncOp func,
           ArrayRef<reference::Tensor> inputs, std::string &error) {
  if (backend == "reference")
    return reference::runFunction(func, inputs, error);
  if (backend == "cpu" || backend == "vulkan")
    return runCompiled(backend, module, func, inputs, error);
  error = "backend '" + backend.str() + "' is not supported";
  return failure();
}

Result classifyImportError(const std::string &error) {
  StringRef e(error);
  size_t colon = e.find(": ");
  std::string reason =
      colon == StringRef::npos ? error : e.drop_front(colon + 2).str();
  return {isUnsupported(error) ? Status::Unsupported : Status::Fail,
          "import: " + reason};
}

Result runTest(StringRef testDir, StringRef backend,
               std::vector<std::string> &bound) {
  MLIRContext ctx;
  ctx.disableMultithreading();
  SmallString<256> model(testDir);
  llvm::sys::path::append(model, "model.onnx");
  std::error_code ec;
  std::vector<std::string> sets;
  for (llvm::sys::fs::directory_iterator it(testDir, ec), end; it != end && !ec;
       it.increment(ec))
    if (llvm::sys::path::filename(it->path()).starts_with("test_data_set_"))
      sets.push_back(it->path());
  std::sort(sets.begin(), sets.end());
  if (sets.empty())
    return {Status::Fail, "no test data sets"};
  std::string error;
  FailureOr<OnnxSignature> sig = readOnnxSignature(model, error);
  if (failed(sig))
    return {Status::Fail, error};
  for (const std::string &dir : sets) {
    FailureOr<DataSet> data = readDataSet(ctx, dir, *sig, error);
    if (failed(data))
      return {Status::Unsupported, "test data: " + error};
    // Import; graph inputs the importer needs as constants (shapes, axes,
    // sizes) are bound to this data set's values and the import retried.
    OwningOpRef<ModuleOp> module;
    OnnxImportOptions options;
    // Inputs' shapes pinned to the data's (dynamic dimensions become
    // static, as --input-shape does); sequence inputs' lengths and element
    // shapes; empty optionals.
    for (const frontend::DataValue &in : data->inputs) {
      if (in.none)
        options.absentInputs.insert(in.name);
      bool isGraphInput = llvm::any_of(
          sig->inputs, [&](const auto &entry) { return entry.first == in.name; });
      if (!in.sequence) {
        if (in.elements.size() == 1 && isGraphInput)
          options.inputShapes[in.name] = std::vector<int64_t>(
              in.elements[0].getShape().begin(), in.elements[0].getShape().end());
        continue;
      }
      options.sequenceLengths[in.name] = in.elements.size();
      for (auto [i, e] : llvm::enumerate(in.elements))
        options.inputShapes[in.name + "[" + std::to_string(i) + "]"] =
            std::vector<int64_t>(e.getShape().begin(), e.getShape().end());
    }
    for (int attempt = 0; attempt < 6; ++attempt) {
      std::vector<std::string> wanted;
      options.wantedConstants = &wanted;
      module = importOnnxFile(ctx, model, options, error);
      if (module || wanted.empty())
        break;
      bool added = false;
      for (const std::string &name : wanted)
        for (const frontend::DataValue &in : data->inputs)
          if (in.name == name && !in.sequence && in.elements.size() == 1 &&
              !options.boundInputs.count(name)) {
            options.boundInputs.emplace(name, in.elements[0]);
            options.inputShapes.erase(name);
            added = true;
          }
      if (!added)
        break;
    }
    if (!module)
      return classifyImportError(error);
    for (auto &[name, tensor] : options.boundInputs)
      if (!llvm::is_contained(bound, name))
        bound.push_back(name);
    auto func = *module->getOps<func::FuncOp>().begin();
    SmallVector<reference::Tensor> inputs;
    for (const frontend::DataValue &in : data->inputs)
      if (!options.boundInputs.count(in.name))
        inputs.append(in.elements.begin(), in.elements.end());
    if (inputs.size() != func.getNumArguments())
      return {Status::Fail, "the test gives " + std::to_string(inputs.size()) +
                                " inputs for " +
                                std::to_string(func.getNumArguments()) +
                                " graph inputs"};
    for (auto [t, type] : llvm::zip(inputs, func.getArgumentTypes())) {
      Type want = llvm::cast<RankedTensorType>(type).getElementType();
      // ONNX 1.12's data stores bfloat16 inputs as uint16 bit patterns.
      if (want.isBF16() && t.getElementType().isUnsignedInteger(16)) {
        FailureOr<reference::Tensor> bits =
            reference::Tensor::fromBytes(want, t.getShape(), t.toBytes());
        if (succeeded(bits))
          t = std::move(*bits);
      }
      if (t.getElementType() != want)
        return {Status::Fail, "input element type mismatch"};
      ArrayRef<int64_t> declared = llvm::cast<RankedTensorType>(type).getShape();
      bool fits = declared.size() == t.getShape().size();
      for (size_t d = 0; fits && d < declared.size(); ++d)
        fits = ShapedType::isDynamic(declared[d]) || declared[d] == t.getShape()[d];
      if (!fits)
        return {Status::Fail, "the test data's input shape " +
                                  formatShape(t.getShape()) +
                                  " contradicts the model's declared " +
                                  formatShape(declared)};
    }
    FailureOr<SmallVector<reference::Tensor>> outputs =
        runBackend(backend, *module, func, inputs, error);
    if (failed(outputs))
      return {isUnsupported(error) ? Status::Unsupported : Status::Fail, error};
    // Sequences compare element by element; an empty optional has none.
    std::vector<reference::Tensor> expected;
    for (const frontend::DataValue &out : data->outputs)
      expected.insert(expected.end(), out.elements.begin(), out.elements.end());
    if (outputs->size() < expected.size())
      return {Status::Fail, "fewer outputs than expected"};
    for (size_t i = 0; i < expected.size(); ++i) {
      std::string why;
      if (!matches((*outputs)[i], expected[i], why))
        return {Status::Fail, "output " + std::to_string(i) + ": " + why};
    }
  }
  return {Status::Pass, ""};
}

const char *statusName(Status s) {
  switch (s) {
  case Status::Pass: return "pass";
  case Status::Fail: return "fail";
  case Status::Unsupported: return "unsupported";
  }
  return "";
}

std::string escape(StringRef s) {
  std::string out;
  for (char c : s) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n')
      out += ' ';
    else
      out += c;
  }
  return out.size() > 160 ? out.substr(0, 157) + "..." : out;
}
} // namespace

int main(int argc, char **argv) {
  mlir::infer::registerAllTargetBackends();
  llvm::InitLLVM init(argc, argv);
  // The thousands of LLVM backend flags stay out of --help.
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv,
                              "Runs ONNX backend node tests on infer\n");
  if (backends.empty())
    backends.push_back("reference");
  llvm::Regex re(filter.empty() ? std::string(".*") : std::string(filter));
  // test name -> directory, over every given directory (later ones win).
  std::map<std::string, std::string> tests;
  for (const std::string &dir : testDirs) {
    if (!llvm::sys::fs::is_directory(dir)) {
      llvm::errs() << "infer-conformance: error: '" << dir
                   << "' is not a directory\n";
      return 1;
    }
    std::error_code ec;
    for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
         it.increment(ec)) {
      std::string name = llvm::sys::path::filename(it->path()).str();
      SmallString<256> model(it->path());
      llvm::sys::path::append(model, "model.onnx");
      if (llvm::sys::fs::exists(model) && re.match(name))
        tests[name] = it->path();
    }
  }
  std::set<std::string> outOfScope;
  for (const auto &[name, dir] : tests)
    if (trainingOrStrings(dir))
      outOfScope.insert(name);
  // backend -> test -> result
  std::map<std::string, std::map<std::string, Result>> results;
  for (const std::string &backend : backends) {
    int counts[3] = {0, 0, 0}, inScopePassed = 0;
    for (const auto &[name, dir] : tests) {
      std::vector<std::string> bound;
      Result r = runTest(dir, backend, bound);
      if (!bound.empty())
        boundByTest[name] = bound;
      ++counts[static_cast<int>(r.status)];
      if (r.status == Status::Pass && !outOfScope.count(name))
        ++inScopePassed;
      if (verbose)
        llvm::outs() << name << ": " << statusName(r.status)
                     << (r.reason.empty() ? "" : " (" + r.reason + ")") << "\n";
      results[backend][name] = r;
    }
    llvm::outs() << "conformance: backend=" << backend
                 << " passed=" << counts[0] << " failed=" << counts[1]
                 << " unsupported=" << counts[2] << " total=" << tests.size()
                 << " outside_training_and_strings=" << inScopePassed << "/"
                 << tests.size() - outOfScope.size() << "\n";
  }

  if (!reportPath.empty()) {
    std::error_code ec;
    llvm::raw_fd_ostream os(reportPath + ".tmp", ec);
    if (ec) {
      llvm::errs() << "infer-conformance: error: cannot write '" << reportPath
                   << "': " << ec.message() << "\n";
      return 1;
    }
    os << "# ONNX conformance\n\n"
       << "Generated by `make conformance` (tools/infer-conformance) from "
          "ONNX's backend node tests; outputs are compared at rtol 1e-3, "
          "atol 1e-7. The last column leaves out the "
       << outOfScope.size()
       << " tests of the training and string domains (the training domain, "
          "training-mode Dropout and BatchNormalization, STRING tensors).\n\n"
          "| backend | passed | failed | unsupported | total | passed outside "
          "training and strings |\n| --- | --- | --- | --- | --- | --- |\n";
    for (const std::string &backend : backends) {
      int counts[3] = {0, 0, 0}, inScope = 0;
      for (const auto &[name, r] : results[backend]) {
        ++counts[static_cast<int>(r.status)];
        inScope += r.status == Status::Pass && !outOfScope.count(name);
      }
      size_t scope = tests.size() - outOfScope.size();
      os << "| " << backend << " | " << counts[0] << " | " << counts[1]
         << " | " << counts[2] << " | " << tests.size() << " | " << inScope << " of "
         << scope << " (" << llvm::format("%.1f", scope ? 100.0 * inScope / scope : 0.0)
         << "%) |\n";
    }
    os << "\n## Tests that do not pass on every backend\n\n| test |";
    for (const std::string &backend : backends)
      os << " " << backend << " |";
    os << "\n| --- |";
    for (size_t i = 0; i < backends.size(); ++i)
      os << " --- |";
    os << "\n";
    for (const auto &[name, dir] : tests) {
      bool allPass = llvm::all_of(backends, [&](const std::string &b) {
        return results[b][name].status == Status::Pass;
      });
      if (allPass)
        continue;
      os << "| " << name << " |";
      for (const std::string &backend : backends) {
        const Result &r = results[backend][name];
        os << " " << statusName(r.status);
        if (!r.reason.empty())
          os << ": " << escape(r.reason);
        os << " |";
      }
      os << "\n";
    }
    os << "\n## Tests run with inputs bound as constants\n\n"
          "These tests feed shapes, axes, sizes, scales, trip counts or conditions "
          "as graph inputs; infer compiles static graphs (specialized on such "
          "inputs, as TensorRT is on shape tensors), so the runner binds those "
          "inputs to each data set's values and imports again. Every test's "
          "input shapes are pinned to its data's, and sequence inputs are given "
          "their data's length (`--input-shape`, `--sequence-length`).\n\n"
          "| test | bound inputs |\n| --- | --- |\n";
    for (const auto &[name, bound] : boundByTest) {
      os << "| " << name << " |";
      for (const std::string &b : bound)
        os << " `" << b << "`";
      os << " |\n";
    }
    os.close();
    llvm::sys::fs::rename(reportPath + ".tmp", reportPath);
  }

  int status = 0;
  if (!expectedDir.empty()) {
    for (const std::string &backend : backends) {
      SmallString<256> path(expectedDir);
      llvm::sys::path::append(path, backend + ".expected");
      if (updateExpected) {
        std::error_code ec;
        llvm::raw_fd_ostream os(path, ec);
        if (ec) {
          llvm::errs() << "infer-conformance: error: cannot write '" << path
                       << "'\n";
          return 1;
        }
        for (const auto &[name, r] : results[backend])
          if (r.status == Status::Pass)
            os << name << "\n";
        continue;
      }
      auto buffer = llvm::MemoryBuffer::getFile(path);
      if (!buffer) {
        llvm::errs() << "infer-conformance: error: cannot read '" << path
                     << "'\n";
        return 1;
      }
      SmallVector<StringRef> lines;
      (*buffer)->getBuffer().split(lines, '\n', -1, false);
      int regressions = 0, checked = 0;
      for (StringRef line : lines) {
        std::string name = line.trim().str();
        if (name.empty() || name[0] == '#')
          continue;
        auto it = results[backend].find(name);
        if (it == results[backend].end())
          continue; // not among the directories given (filtered or absent)
        ++checked;
        if (it->second.status != Status::Pass) {
          ++regressions;
          llvm::outs() << "regression: backend=" << backend << " " << name
                       << ": " << statusName(it->second.status) << " ("
                       << it->second.reason << ")\n";
        }
      }
      llvm::outs() << "conformance: backend=" << backend << " expected passes "
                   << (checked - regressions) << "/" << checked << "\n";
      if (regressions)
        status = 1;
    }
  }
  return status;
}
