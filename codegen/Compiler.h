//===- Compiler.h - ONNX-imported modules to .infer artifacts ---*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The driver behind infer-compile: graph passes at the chosen level, one
// kernel per fusion group (per op without fusion), a memory plan from
// liveness, code for the target, and the artifact that packs it all.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_COMPILER_H
#define INFER_CODEGEN_COMPILER_H

#include "codegen/cpu/KernelModule.h"

#include "mlir/IR/BuiltinOps.h"

#include <string>
#include <vector>

namespace mlir {
class PassManager;
} // namespace mlir

namespace mlir::infer {

struct CompileOptions {
  /// "cpu" (the host), "cpu:<name>", "cuda" (sm_90a) or "cuda:<sm_XX>".
  std::string target = "cpu";
  /// 0: no graph optimization; 1: cleanups; 2: everything (fusion).
  int optLevel = 2;
  /// "fp32", "fp16" or "bf16": the type float ops compute in (inputs and
  /// outputs stay fp32; accumulation is fp32).
  std::string precision = "fp32";
  CpuCodegenOptions cpu;
  /// Use the kernel templates for conv and matmul (off: the generic linalg
  /// path for every op, for debugging).
  bool kernelTemplates = true;
  /// Called on the graph pass manager before it runs (IR printing options).
  std::function<void(PassManager &)> configurePassManager;
};

/// One kernel of the compiled model, for reports.
struct KernelSummary {
  std::string symbol;
  /// The fusion pattern (or op) and, for templates, the template variant.
  std::string kind;
  /// The fusion pattern (`conv+add+relu`) or the op (`pool`).
  std::string pattern;
  std::vector<std::string> nodes;
  int64_t flops = 0;
  int64_t bytes = 0;
  int64_t grid = 1;
};

struct CompileResult {
  std::vector<uint8_t> artifact;
  std::vector<KernelSummary> kernels;
  uint64_t arenaBytes = 0;
  uint64_t weightBytes = 0;
  std::string target;
  /// The CPU name or the CUDA architecture.
  std::string cpu;
  /// CUDA: the PTX of every kernel, and why there is no cubin (if so).
  std::string ptx;
  std::string cubinNote;
};

/// Compiles the module's first function. Returns failure with `error`.
FailureOr<CompileResult> compileModule(ModuleOp module,
                                       const CompileOptions &options,
                                       std::string &error);

/// "infer <version> (LLVM <version>)".
std::string compilerVersion();

} // namespace mlir::infer

#endif // INFER_CODEGEN_COMPILER_H
