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

def InferCpuLowerKernels : Pass<"infer-cpu-lower-kernels", "::mlir::ModuleOp"> {
  let summary = "Lower the kernel module to the LLVM dialect for the CPU";
  let description = [{
    The CPU backend's lowering stage, after `infer-outline-kernels`: the
    kernel module (the nested module marked `infer.kernels`) is bufferized
    (one-shot; temporaries of static shape up to 64 KiB on the stack, the
    rest freed), its linalg ops become loops, math functions become
    polynomials where MLIR has an accurate one (vectorizable) or libm
    calls, and everything goes to the LLVM dialect with bare-pointer
    calls. Each `<symbol>_impl` then gets the runtime's entry point
    `void <symbol>(void **args, int64_t begin, int64_t end)`. What remains
    (LLVM IR, -O3, object code, lld) is the backend's binary emission.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

#endif // INFER_CODEGEN_CPU_PASSES_TD
