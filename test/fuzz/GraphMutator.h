//===- GraphMutator.h - Structural mutations of ONNX models -----*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The custom mutator of infer-graph-fuzzer: edits an onnx::ModelProto as a
// graph (op types, wiring, attributes, shapes, element types, weights,
// opset) instead of as bytes, so that most mutants still import and reach
// the compiler and the runtime. Results stay small on purpose: every input
// is compiled with LLVM, and a large one would only be slow.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_TEST_FUZZ_GRAPHMUTATOR_H
#define INFER_TEST_FUZZ_GRAPHMUTATOR_H

#include <onnx/onnx_pb.h>

#include <cstddef>
#include <cstdint>
#include <random>

namespace mlir::infer::fuzz {

/// Initializers and tensor attributes the mutator creates or grows stay
/// within this many elements.
constexpr int64_t kMaxTensorElements = 4096;
/// The largest dimension the mutator gives a graph input (besides the rare
/// deliberately huge one, which the harness then skips).
constexpr int64_t kMaxInputDim = 64;
/// Mutations stop adding nodes past this many.
constexpr int kMaxNodes = 48;

/// Parses `data` as a binary ModelProto, or as ONNX's text format when it
/// starts like one (the lit seeds). False when neither gives a model with a
/// graph.
bool parseModel(const uint8_t *data, size_t size, onnx::ModelProto &model);

/// A small valid model (conv, relu, residual add, reduce, matmul) to start
/// from when the input is not a model.
onnx::ModelProto seedModel();

/// Applies one to four random structural mutations to `model`.
void mutateModel(onnx::ModelProto &model, std::mt19937_64 &rng);

/// Splices a run of `other`'s nodes (with the initializers they read) into
/// `model`, renamed so that nothing collides, and exposes one of their
/// outputs as a graph output.
void crossOver(onnx::ModelProto &model, const onnx::ModelProto &other,
               std::mt19937_64 &rng);

} // namespace mlir::infer::fuzz

#endif // INFER_TEST_FUZZ_GRAPHMUTATOR_H
