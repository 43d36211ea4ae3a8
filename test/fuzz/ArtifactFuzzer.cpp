//===- ArtifactFuzzer.cpp - libFuzzer target of the artifact loader -------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Feeds arbitrary bytes to the runtime as an artifact. Loading must either
// succeed or fail with a message; an artifact that loads is also run once
// (its plan was verified: every launch matches its kernel's grid and
// argument sizes, every buffer lies inside its region), which must not
// crash either.
//
//===----------------------------------------------------------------------===//

#include "runtime/include/infer_runtime.h"

#include <cstddef>
#include <cstdint>
#include <cstring>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
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
  infer_engine_destroy(engine);
  return 0;
}
