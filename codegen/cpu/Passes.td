//===- Passes.td - Passes of the CPU backend ----------------*- tablegen -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CPU_PASSES_TD
#define INFER_CODEGEN_CPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def InferCpuSelectConfig : Pass<"infer-cpu-select-config", "::mlir::func::FuncOp"> {
  let summary = "Choose the CPU kernel template and register tile of each op";
  let description = [{
    Writes `infer.tile = #infer.cpu_tile<kernel, mr, nv, vl>` on every
    convolution, gemm, matmul, attention and pool a CPU template takes on
    `cpu` (an LLVM CPU name, or `host`): the template variant (conv_direct,
    dwconv, gemm, ...), the register tile (`mr` rows of `nv` vectors) and
    the vector length of the CPU's widest registers. Ops no template takes
    (not f32, not constant weights, an SSE-only CPU) get none and become
    generic kernels. A tuner may replace the attribute; infer-compile
    refuses a tile that does not fit its op or the CPU.
  }];
  let options = [
    Option<"cpu", "cpu", "std::string", /*default=*/"\"host\"",
           "the LLVM CPU the tiles are for (host, skylake-avx512, znver4, ...)">
  ];
  let dependentDialects = ["::mlir::infer::InferDialect"];
}

#endif // INFER_CODEGEN_CPU_PASSES_TD
