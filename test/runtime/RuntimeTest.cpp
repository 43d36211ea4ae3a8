//===- RuntimeTest.cpp - Tests of the runtime's C API ----------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Loads artifacts compiled at build time (INFER_TEST_ARTIFACT: a residual
// conv block; INFER_TEST_ARTIFACT_FOREIGN: the same for a CPU this machine
// may lack), runs them, compares with the reference interpreter, shares one
// engine between threads, and provokes every error code of the C API.
//
//===----------------------------------------------------------------------===//

#include "runtime/include/infer_runtime.h"
#include "runtime/schema/Artifact_generated.h"
#include "runtime/schema/Checksum.h"

#include "frontend/OnnxImporter.h"
#include "ir/InferOps.h"
#include "reference/Interpreter.h"

#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <sys/resource.h>
#include <thread>
#include <vector>

namespace {

std::vector<uint8_t> readFile(const char *path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

/// `bytes` with its trailing checksum rewritten: a deliberate edit, which
/// the loader's own checks must then catch.
std::vector<uint8_t> sealed(std::vector<uint8_t> bytes) {
  if (bytes.size() > infer::kArtifactTrailerBytes) {
    size_t body = bytes.size() - infer::kArtifactTrailerBytes;
    uint64_t sum = infer::checksum(bytes.data(), body);
    for (size_t i = 0; i < infer::kArtifactTrailerBytes; ++i)
      bytes[body + i] = static_cast<uint8_t>(sum >> (8 * i));
  }
  return bytes;
}

/// Loads `bytes` (sealed again, so that an edit reaches the checks behind
/// the checksum), expecting `status`, and returns the engine (or null).
infer_engine *load(const std::vector<uint8_t> &bytes,
                   infer_status status = INFER_OK) {
  std::vector<uint8_t> copy = sealed(bytes);
  infer_engine *engine = nullptr;
  EXPECT_EQ(infer_engine_load_memory(copy.data(), copy.size(), &engine), status)
      << infer_last_error();
  return engine;
}

struct Engine {
  infer_engine *engine = nullptr;
  explicit Engine(infer_engine *e) : engine(e) {}
  ~Engine() { infer_engine_destroy(engine); }
};

std::vector<float> seededInput(size_t count, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> x(count);
  for (float &v : x)
    v = dist(gen);
  return x;
}

/// Runs a fresh context of `engine` on `x` with `threads` threads.
std::vector<float> run(infer_engine *engine, const std::vector<float> &x,
                       int threads) {
  infer_context *context = nullptr;
  EXPECT_EQ(infer_context_create(engine, threads, &context), INFER_OK);
  EXPECT_EQ(infer_context_set_input(context, 0, x.data(), x.size() * 4), INFER_OK);
  EXPECT_EQ(infer_context_run(context), INFER_OK) << infer_last_error();
  infer_tensor_info out;
  infer_engine_output_info(engine, 0, &out);
  std::vector<float> y(out.size / 4);
  EXPECT_EQ(infer_context_get_output(context, 0, y.data(), out.size), INFER_OK);
  infer_context_destroy(context);
  return y;
}

TEST(Runtime, LoadDescribeRunMatchesReference) {
  std::vector<uint8_t> bytes = readFile(INFER_TEST_ARTIFACT);
  ASSERT_FALSE(bytes.empty());
  Engine e(load(bytes));
  ASSERT_NE(e.engine, nullptr);
  EXPECT_EQ(infer_engine_num_inputs(e.engine), 1);
  EXPECT_EQ(infer_engine_num_outputs(e.engine), 1);
  EXPECT_STREQ(infer_engine_target(e.engine), "cpu");
  EXPECT_NE(std::string(infer_engine_compiler(e.engine)).find("infer"),
            std::string::npos);
  infer_tensor_info in;
  ASSERT_EQ(infer_engine_input_info(e.engine, 0, &in), INFER_OK);
  EXPECT_STREQ(in.name, "x");
  EXPECT_EQ(in.dtype, INFER_F32);
  ASSERT_EQ(in.rank, 4);
  EXPECT_EQ(in.shape[1], 2);
  EXPECT_EQ(in.size, 1u * 2 * 16 * 16 * 4);
  EXPECT_GT(infer_engine_num_launches(e.engine), 0);

  std::vector<float> x = seededInput(in.size / 4, 1);
  std::vector<float> y = run(e.engine, x, 1);

  // The reference interpreter on the source model.
  mlir::MLIRContext ctx;
  mlir::DialectRegistry registry;
  mlir::infer::registerImportDialects(registry);
  ctx.appendDialectRegistry(registry);
  ctx.loadAllAvailableDialects();
  std::ifstream model(INFER_TEST_MODEL);
  std::string text((std::istreambuf_iterator<char>(model)), {});
  std::string error;
  mlir::infer::OnnxImportOptions options;
  auto module = mlir::infer::importOnnxModel(ctx, text, INFER_TEST_MODEL, options, error);
  ASSERT_TRUE(module) << error;
  auto fn = *module->getOps<mlir::func::FuncOp>().begin();
  auto xt = mlir::infer::reference::Tensor::fromBytes(
      mlir::Float32Type::get(&ctx), {1, 2, 16, 16},
      llvm::ArrayRef<char>(reinterpret_cast<const char *>(x.data()), x.size() * 4));
  ASSERT_TRUE(succeeded(xt));
  auto want = mlir::infer::reference::runFunction(fn, {*xt}, error);
  ASSERT_TRUE(succeeded(want)) << error;
  ASSERT_EQ(static_cast<size_t>((*want)[0].size()), y.size());
  for (size_t i = 0; i < y.size(); ++i)
    ASSERT_NEAR(y[i], (*want)[0].floats()[i], 1e-5) << "element " << i;
}

TEST(Runtime, FourThreadsShareOneEngine) {
  std::vector<uint8_t> bytes = readFile(INFER_TEST_ARTIFACT);
  Engine e(load(bytes));
  ASSERT_NE(e.engine, nullptr);
  infer_tensor_info in;
  infer_engine_input_info(e.engine, 0, &in);
  std::vector<std::vector<float>> inputs, expected;
  for (unsigned t = 0; t < 4; ++t) {
    inputs.push_back(seededInput(in.size / 4, 10 + t));
    expected.push_back(run(e.engine, inputs.back(), 1));
  }
  // Four threads, each with its own context (two threads each), run the
  // engine at once, many times: every result equals the serial one bit for
  // bit.
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      infer_context *context = nullptr;
      if (infer_context_create(e.engine, 2, &context) != INFER_OK) {
        mismatches[t] = -1;
        return;
      }
      std::vector<float> y(expected[t].size());
      for (int i = 0; i < 50; ++i) {
        infer_context_set_input(context, 0, inputs[t].data(), in.size);
        infer_context_run(context);
        infer_context_get_output(context, 0, y.data(), y.size() * 4);
        if (std::memcmp(y.data(), expected[t].data(), y.size() * 4) != 0)
          ++mismatches[t];
      }
      infer_context_destroy(context);
    });
  for (std::thread &t : threads)
    t.join();
  for (unsigned t = 0; t < 4; ++t)
    EXPECT_EQ(mismatches[t], 0) << "thread " << t;
}

TEST(Runtime, ThreadCountIsClamped) {
  // 100,000 threads would make the system refuse one and the host process
  // die; the context runs INFER_MAX_THREADS and computes what one does.
  std::vector<uint8_t> bytes = readFile(INFER_TEST_ARTIFACT);
  Engine e(load(bytes));
  ASSERT_NE(e.engine, nullptr);
  infer_tensor_info in;
  infer_engine_input_info(e.engine, 0, &in);
  std::vector<float> x = seededInput(in.size / 4, 5);
  std::vector<float> one = run(e.engine, x, 1);
  infer_context *context = nullptr;
  ASSERT_EQ(infer_context_create(e.engine, 100000, &context), INFER_OK)
      << infer_last_error();
  EXPECT_EQ(infer_context_num_threads(context), INFER_MAX_THREADS);
  std::vector<float> y(one.size());
  ASSERT_EQ(infer_context_set_input(context, 0, x.data(), in.size), INFER_OK);
  ASSERT_EQ(infer_context_run(context), INFER_OK);
  ASSERT_EQ(infer_context_get_output(context, 0, y.data(), y.size() * 4), INFER_OK);
  EXPECT_EQ(std::memcmp(y.data(), one.data(), y.size() * 4), 0);
  infer_context_destroy(context);
}

TEST(Runtime, InvalidArguments) {
  infer_engine *engine = nullptr;
  EXPECT_EQ(infer_engine_load_file(nullptr, &engine), INFER_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(infer_engine_load_memory(nullptr, 10, &engine),
            INFER_ERROR_INVALID_ARGUMENT);
  std::vector<uint8_t> bytes = readFile(INFER_TEST_ARTIFACT);
  EXPECT_EQ(infer_engine_load_memory(bytes.data(), bytes.size(), nullptr),
            INFER_ERROR_INVALID_ARGUMENT);
  Engine e(load(bytes));
  infer_tensor_info info;
  EXPECT_EQ(infer_engine_input_info(e.engine, 5, &info), INFER_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(infer_engine_output_info(e.engine, -1, &info), INFER_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(infer_engine_input_info(nullptr, 0, &info), INFER_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(infer_context_create(nullptr, 1, nullptr), INFER_ERROR_INVALID_ARGUMENT);
  infer_context *context = nullptr;
  ASSERT_EQ(infer_context_create(e.engine, 1, &context), INFER_OK);
  float small[4] = {0, 0, 0, 0};
  EXPECT_EQ(infer_context_set_input(context, 0, small, sizeof(small)),
            INFER_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(infer_last_error()).find("bytes"), std::string::npos)
      << infer_last_error();
  EXPECT_EQ(infer_context_set_input(context, 3, small, sizeof(small)),
            INFER_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(infer_context_get_output(context, 0, small, sizeof(small)),
            INFER_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(infer_context_run(nullptr), INFER_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(infer_context_rest(nullptr), INFER_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(infer_last_error(), "null context");
  EXPECT_EQ(infer_context_rest(context), INFER_OK);
  infer_context_destroy(context);
  EXPECT_STREQ(infer_status_name(INFER_ERROR_INVALID_ARGUMENT),
               "INFER_ERROR_INVALID_ARGUMENT");
  EXPECT_STREQ(infer_status_name(INFER_ERROR_INVALID_DATA), "INFER_ERROR_INVALID_DATA");
}

TEST(Runtime, MissingFileIsAnIoError) {
  infer_engine *engine = nullptr;
  EXPECT_EQ(infer_engine_load_file("/nonexistent/model.infer", &engine),
            INFER_ERROR_IO);
  EXPECT_EQ(engine, nullptr);
  EXPECT_NE(std::string(infer_last_error()).find("/nonexistent/model.infer"),
            std::string::npos);
}

TEST(Runtime, CorruptArtifactsAreRefused) {
  std::vector<uint8_t> bytes = readFile(INFER_TEST_ARTIFACT);
  // Empty and truncated.
  infer_engine *engine = nullptr;
  EXPECT_EQ(infer_engine_load_memory(bytes.data(), 0, &engine),
            INFER_ERROR_CORRUPT_ARTIFACT);
  for (size_t n : {size_t(7), size_t(64), bytes.size() / 2,
                   bytes.size() - 1})
    EXPECT_EQ(load(std::vector<uint8_t>(bytes.begin(), bytes.begin() + n),
                   INFER_ERROR_CORRUPT_ARTIFACT),
              nullptr)
        << n << " bytes";
  // Random bytes, with and without the identifier.
  std::mt19937 gen(3);
  std::vector<uint8_t> noise(4096);
  for (uint8_t &b : noise)
    b = gen() & 0xff;
  EXPECT_EQ(load(noise, INFER_ERROR_CORRUPT_ARTIFACT), nullptr);
  std::memcpy(noise.data() + 4, "INFR", 4);
  EXPECT_EQ(load(noise, INFER_ERROR_CORRUPT_ARTIFACT), nullptr);
  // A flipped byte in the constants and in the code.
  std::vector<uint8_t> copy = bytes;
  auto *model = infer::fb::GetMutableModel(copy.data());
  ASSERT_GT(model->constants()->size(), 0u);
  model->mutable_constants()->Mutate(0, model->constants()->Get(0) ^ 1);
  EXPECT_EQ(load(copy, INFER_ERROR_CORRUPT_ARTIFACT), nullptr);
  EXPECT_NE(std::string(infer_last_error()).find("checksum"), std::string::npos);
  copy = bytes;
  model = infer::fb::GetMutableModel(copy.data());
  auto *code = model->mutable_binaries()->GetMutableObject(0)->mutable_data();
  code->Mutate(100, code->Get(100) ^ 1);
  EXPECT_EQ(load(copy, INFER_ERROR_CORRUPT_ARTIFACT), nullptr);
  // A launch whose grid differs from its kernel's.
  copy = bytes;
  model = infer::fb::GetMutableModel(copy.data());
  ASSERT_TRUE(model->mutable_launches()->GetMutableObject(0)->mutate_grid(1 << 20));
  EXPECT_EQ(load(copy, INFER_ERROR_CORRUPT_ARTIFACT), nullptr);
  // A kernel table that disagrees with the code: another symbol, other
  // argument sizes (launch and kernel edited alike).
  copy = bytes;
  model = infer::fb::GetMutableModel(copy.data());
  auto *symbol = model->mutable_kernels()->GetMutableObject(0)->mutable_symbol();
  symbol->data()[symbol->size() - 1] = '9';
  EXPECT_EQ(load(copy, INFER_ERROR_CORRUPT_ARTIFACT), nullptr);
  EXPECT_NE(std::string(infer_last_error()).find("missing from the CPU code"),
            std::string::npos);
  copy = bytes;
  model = infer::fb::GetMutableModel(copy.data());
  auto *kernel = model->mutable_kernels()->GetMutableObject(0);
  kernel->mutable_arg_bytes()->Mutate(0, kernel->arg_bytes()->Get(0) + 64);
  EXPECT_EQ(load(copy, INFER_ERROR_CORRUPT_ARTIFACT), nullptr);
  EXPECT_NE(std::string(infer_last_error()).find("signature"), std::string::npos)
      << infer_last_error();
  // A buffer outside its region.
  copy = bytes;
  model = infer::fb::GetMutableModel(copy.data());
  ASSERT_TRUE(model->mutable_buffers()->GetMutableObject(0)->mutate_offset(
      uint64_t(1) << 40));
  EXPECT_EQ(load(copy, INFER_ERROR_CORRUPT_ARTIFACT), nullptr);
  EXPECT_NE(std::string(infer_last_error()).find("outside its region"),
            std::string::npos);
}

TEST(Runtime, TrailingChecksumCoversThePlan) {
  // A launch's grid is in no blob: only the whole-file checksum sees it.
  std::vector<uint8_t> bytes = readFile(INFER_TEST_ARTIFACT);
  ASSERT_TRUE(infer::fb::GetMutableModel(bytes.data())
                  ->mutable_launches()->GetMutableObject(0)->mutate_grid(2));
  infer_engine *engine = nullptr;
  EXPECT_EQ(infer_engine_load_memory(bytes.data(), bytes.size(), &engine),
            INFER_ERROR_CORRUPT_ARTIFACT);
  EXPECT_NE(std::string(infer_last_error()).find("checksum mismatch over"),
            std::string::npos)
      << infer_last_error();
}

TEST(Runtime, ForeignVersionIsRefused) {
  std::vector<uint8_t> bytes = readFile(INFER_TEST_ARTIFACT);
  ASSERT_TRUE(infer::fb::GetMutableModel(bytes.data())->mutate_format_version(999));
  EXPECT_EQ(load(bytes, INFER_ERROR_VERSION), nullptr);
  EXPECT_NE(std::string(infer_last_error()).find("version 999"), std::string::npos);
}

TEST(Runtime, WrongTargetIsRefused) {
  std::vector<uint8_t> bytes = readFile(INFER_TEST_ARTIFACT);
  auto *target = infer::fb::GetMutableModel(bytes.data())->mutable_target();
  ASSERT_EQ(target->size(), 3u);
  std::memcpy(target->data(), "gpu", 3);
  EXPECT_EQ(load(bytes, INFER_ERROR_TARGET), nullptr);
  EXPECT_NE(std::string(infer_last_error()).find("'gpu'"), std::string::npos);
}

TEST(Runtime, MissingCpuFeaturesAreRefused) {
  std::vector<uint8_t> bytes = readFile(INFER_TEST_ARTIFACT_FOREIGN);
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512fp16"))
    GTEST_SKIP() << "this CPU has the features of the foreign artifact";
  EXPECT_EQ(load(bytes, INFER_ERROR_TARGET), nullptr);
  EXPECT_NE(std::string(infer_last_error()).find("which this CPU lacks"),
            std::string::npos);
}

TEST(Runtime, OutOfMemory) {
  std::vector<uint8_t> bytes = readFile(INFER_TEST_ARTIFACT);
  // An input no machine has room for (2^40 images): loading succeeds,
  // creating a context does not.
  auto *shape = infer::fb::GetMutableModel(bytes.data())
                    ->mutable_inputs()->GetMutableObject(0)->mutable_shape();
  shape->Mutate(0, int64_t(1) << 40);
  Engine e(load(bytes));
  ASSERT_NE(e.engine, nullptr);
  infer_context *context = nullptr;
  EXPECT_EQ(infer_context_create(e.engine, 1, &context), INFER_ERROR_OUT_OF_MEMORY);
  EXPECT_EQ(context, nullptr);
}

TEST(Runtime, SystemFailureIsReported) {
  // No file descriptors left: the CPU code cannot go into a memfd.
  std::vector<uint8_t> bytes = readFile(INFER_TEST_ARTIFACT);
  rlimit old;
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &old), 0);
  int fd = dup(0);
  ASSERT_GE(fd, 0);
  rlimit tight = old;
  tight.rlim_cur = fd; // every descriptor from here on is refused
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &tight), 0);
  infer_engine *engine = nullptr;
  infer_status s = infer_engine_load_memory(bytes.data(), bytes.size(), &engine);
  std::string message = infer_last_error();
  setrlimit(RLIMIT_NOFILE, &old);
  close(fd);
  EXPECT_EQ(s, INFER_ERROR_SYSTEM) << message;
  EXPECT_NE(message.find("memfd"), std::string::npos) << message;
  infer_engine_destroy(engine);
}

} // namespace
