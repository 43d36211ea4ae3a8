//===- Passes.td - Code generation passes of infer ----------*- tablegen -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_PASSES_TD
#define INFER_CODEGEN_PASSES_TD

include "mlir/Pass/PassBase.td"

def InferLowerToLinalg : Pass<"infer-lower-to-linalg", "::mlir::ModuleOp"> {
  let summary = "Lower infer ops to linalg, tensor, arith and math";
  let description = [{
    The target-independent lowering every backend starts from: each infer op
    becomes linalg.generic (or tensor) ops on tensors of storage element
    types (signless integers; quantized types become their storage
    integers). Function signatures are converted too.
  }];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect",
    "::mlir::arith::ArithDialect", "::mlir::math::MathDialect"
  ];
}

def InferOutlineKernels : Pass<"infer-outline-kernels", "::mlir::ModuleOp"> {
  let summary = "Build the kernels of each fusion group and dispatch them";
  let description = [{
    The first codegen stage, for one target backend: every fusion group
    (`infer.fused`) and every remaining infer op becomes the kernels the
    backend builds for it, in a module nested in the model's module and
    marked `infer.kernels`, and the op is replaced by an `infer.dispatch`
    of their launches. A group an anchor's template takes (its op carries
    an `infer.tile` from the backend's select-config pass) becomes the
    template's launches, its weights packed into new `infer.constant`s in
    the template's layout; any other group becomes one generic kernel
    lowered through linalg and split across the target's threads. Reshapes
    and casts that only reinterpret bytes stay (they alias their operand),
    as do constants and in-place concatenations.

    Errors are diagnostics at the group's location, which names its ONNX
    nodes: an op no backend compiles, a tile that does not fit its op, a
    value left with a dynamic shape.

    ```mlir
    // infer-opt --infer-cpu-select-config=cpu=znver4 \
    //           --infer-outline-kernels=target=cpu:znver4
    %y = infer.dispatch "conv+relu" (%x, %packed, %b)
        launches [#infer.launch<"infer_kernel_0", "conv_direct", args = [0, 1, 2, 3], grid = 56, grain = 1>]
        {flops = 236027904 : i64, templated} : (...) -> tensor<1x64x56x56xf32>
    ```
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"cpu\"",
           "the target backend (cpu, cpu:<llvm-cpu>, cuda, cuda:<sm_XX>)">,
    Option<"templates", "templates", "bool", /*default=*/"true",
           "use the backend's kernel templates (off: one generic kernel "
           "per group)">
  ];
  let dependentDialects = ["::mlir::infer::InferDialect"];
}

def InferApplyTuningCache : Pass<"infer-apply-tuning-cache", "::mlir::ModuleOp"> {
  let summary = "Set tile configurations measured before (a tuning cache)";
  let description = [{
    Before the backend's select-config pass: every op whose kernel
    signature (op, operand and result types, inherent attributes; see
    codegen/core/TuningCache.h) has an entry for the target's architecture
    and this compiler version in the tuning cache gets that entry's
    `infer.tile` and `infer.tile_source = "cache"`; select-config keeps
    it, the report says where each configuration came from. An entry the
    target refuses for the op (a tile that does not fit it) is ignored
    with a warning; the heuristic configures that op. Entries of other
    architectures are not used (a warning counts them), entries of other
    compiler versions
    are skipped with a warning, malformed lines with a warning naming the
    line.

    ```mlir
    // infer-opt --infer-apply-tuning-cache=cache=model.tune,target=cpu:znver3
    %y = infer.conv %x, %w ... {infer.tile = #infer.cpu_tile<conv_flat, mr = 14, nv = 1, vl = 8>,
                                infer.tile_source = "cache"}
    ```
  }];
  let options = [
    Option<"cache", "cache", "std::string", /*default=*/"\"\"",
           "the tuning cache file (JSON lines; infer-compile --tune writes it)">,
    Option<"target", "target", "std::string", /*default=*/"\"cpu\"",
           "the target backend (cpu, cpu:<llvm-cpu>, cuda, cuda:<sm_XX>)">
  ];
  let dependentDialects = ["::mlir::infer::InferDialect"];
}

def InferPlanBuffers : Pass<"infer-plan-buffers", "::mlir::ModuleOp"> {
  let summary = "Give every value of the dispatched graph its buffer";
  let description = [{
    The second codegen stage, target-neutral: after `infer-outline-kernels`
    every value gets a `#infer.buffer` (`infer.buffers` on its op, one per
    result; `infer.buffer` on a function argument; `infer.scratch_buffers`
    on a dispatch with scratch memory):
    - graph inputs are the caller's input tensors; a result a graph output
      returns is written straight into the caller's output tensor;
    - constants are laid out in the artifact's weights (64-byte aligned, in
      the order kernels first read them);
    - reshapes and same-storage casts share their operand's buffer, and the
      operands of an in-place concatenation are slices of its buffer;
    - everything else is placed in one arena by liveness over the launches
      (greedy by size, lowest fitting offset), so buffers never alive at
      the same time share bytes.

    The function gets `infer.arena_size` and `infer.constants_size`. Ops
    other than constants, dispatches, aliases and in-place concatenations
    are an error: outline the kernels first.
  }];
  let dependentDialects = ["::mlir::infer::InferDialect"];
}

#endif // INFER_CODEGEN_PASSES_TD
