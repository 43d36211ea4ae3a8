//===- ArtifactFuzzer.cpp - libFuzzer target of the artifact loader -------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Feeds arbitrary bytes to the runtime as an artifact. Loading must either
// succeed or fail with a message. An artifact that loads is also run once
// (its plan was verified: every launch matches its kernel's grid and
// argument sizes, every buffer lies inside its region), which must not
// crash either, when its machine code is trusted.
//
// Trust: an artifact carries native code, and running it runs that code.
// The checksums detect corruption, not tampering: libFuzzer rewrites a
// stored checksum to the value it sees compared (it found a one-byte code
// change that way; see test/fuzz/regressions/README.md).
// So the harness loads only code it knows: the binaries of the seed
// artifacts in $INFER_FUZZ_SEEDS, compared byte for byte (loading maps the
// code with the dynamic loader, which aborts on a malformed ELF: 10 minutes
// of fuzzing found one). Mutated plans, buffers, constants and signatures
// still run against that code, and code whose checksum is broken still
// reaches the loader's refusal.
//
// The artifact ends with a checksum of all its bytes, which nearly every
// mutation breaks; the harness rewrites it, so that the mutations reach the
// structural checks behind it (lit tests cover the checksum itself).
//
//===----------------------------------------------------------------------===//

#include "runtime/include/infer_runtime.h"
#include "runtime/schema/Artifact_generated.h"
#include "runtime/schema/Checksum.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

namespace {
/// The machine code of the seed artifacts.
std::set<std::string> trustedCode;

/// The code blobs of a verified artifact; with `intactOnly`, only those
/// whose own checksum matches (the ones the loader goes on to load).
/// The machine code of a model and of the models nested in it (dynamic
/// shapes' specializations, tuning candidates).
void collectCode(const infer::fb::Model *m, bool intactOnly, std::vector<std::string> &out,
                 int depth = 0) {
  if (m->binaries())
    for (const infer::fb::Binary *b : *m->binaries()) {
      if (!b->data())
        continue;
      if (intactOnly && infer::checksum(b->data()->data(), b->data()->size()) !=
                            b->checksum())
        continue;
      out.emplace_back(reinterpret_cast<const char *>(b->data()->data()),
                       b->data()->size());
    }
  if (depth > 0)
    return;
  auto nested = [&](const flatbuffers::Vector<uint8_t> *bytes) {
    if (!bytes)
      return;
    flatbuffers::Verifier v(bytes->data(), bytes->size());
    if (v.VerifyBuffer<infer::fb::Model>(nullptr))
      collectCode(infer::fb::GetModel(bytes->data()), intactOnly, out, depth + 1);
  };
  if (m->variants())
    for (const infer::fb::Variant *v : *m->variants())
      nested(v->model());
  if (m->candidates())
    for (const infer::fb::Candidate *c : *m->candidates())
      nested(c->model());
}

std::vector<std::string> codeOf(const uint8_t *data, size_t size,
                                bool intactOnly = false) {
  std::vector<std::string> out;
  flatbuffers::Verifier verifier(data, size);
  if (!infer::fb::VerifyModelBuffer(verifier))
    return out;
  collectCode(infer::fb::GetModel(data), intactOnly, out);
  return out;
}
} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  const char *dir = std::getenv("INFER_FUZZ_SEEDS");
  if (!dir)
    return 0;
  if (DIR *d = opendir(dir)) {
    while (dirent *e = readdir(d)) {
      std::string name = e->d_name;
      if (name.size() < 7 || name.compare(name.size() - 6, 6, ".infer") != 0)
        continue;
      std::ifstream f(std::string(dir) + "/" + e->d_name, std::ios::binary);
      std::string bytes((std::istreambuf_iterator<char>(f)),
                        std::istreambuf_iterator<char>());
      for (std::string &code : codeOf(
               reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size()))
        trustedCode.insert(std::move(code));
    }
    closedir(d);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *input, size_t size) {
  std::vector<uint8_t> bytes(input, input + size);
  if (size > infer::kArtifactTrailerBytes) {
    size_t body = size - infer::kArtifactTrailerBytes;
    uint64_t sum = infer::checksum(bytes.data(), body);
    for (size_t i = 0; i < infer::kArtifactTrailerBytes; ++i)
      bytes[body + i] = static_cast<uint8_t>(sum >> (8 * i));
  }
  const uint8_t *data = bytes.data();
  // Code whose checksum matches is loaded (the dynamic loader maps it, and
  // a malformed ELF makes ld.so abort): only the seeds' code is. Code with
  // a broken checksum is refused before it is loaded, and still fuzzes that
  // refusal.
  for (const std::string &code : codeOf(data, size, /*intactOnly=*/true))
    if (!trustedCode.count(code))
      return 0;
  infer_engine *engine = nullptr;
  if (infer_engine_load_memory(data, size, &engine) != INFER_OK) {
    const char *message = infer_last_error();
    if (!message || std::strlen(message) == 0)
      __builtin_trap(); // a refusal must say why
    return 0;
  }
  infer_context *context = nullptr;
  if (infer_context_create(engine, 1, &context) == INFER_OK) {
    infer_context_run(context);
    infer_context_destroy(context);
  }
  // A tuning candidates artifact: each candidate's plan runs alone.
  for (int32_t i = 0; i < infer_engine_num_candidates(engine); ++i)
    if (infer_context_create_candidate(engine, i, 1, &context) == INFER_OK) {
      infer_context_run(context);
      infer_context_destroy(context);
    }
  infer_engine_destroy(engine);
  return 0;
}
