//===- Passes.td - Passes of the CUDA backend ---------------*- tablegen -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CUDA_PASSES_TD
#define INFER_CODEGEN_CUDA_PASSES_TD

include "mlir/Pass/PassBase.td"

def InferCudaSelectConfig : Pass<"infer-cuda-select-config", "::mlir::func::FuncOp"> {
  let summary = "Choose the CUDA kernel template and tile of each op";
  let description = [{
    Writes `infer.tile` on every op a CUDA template takes on `arch`:
    `#infer.cuda_gemm_tile<wgmma | mma_sync, bm, bn, bk, stages>` on fp16 /
    bf16 matmuls and gemms (wgmma with TMA on sm_90a, mma.sync from sm_80
    on; 128 x 128 tiles for products of at most 128 columns, 128 x 256
    otherwise), and `#infer.cuda_tile<kernel, threads>` on gathers of
    16-byte rows, constant pads of all but the last dimension, NCHW <->
    NHWC transposes in 16-byte runs, and softmax / layer norm over the last
    dimension (a warp per row). Other ops become generic kernels.
  }];
  let options = [
    Option<"arch", "arch", "std::string", /*default=*/"\"sm_90a\"",
           "the GPU architecture (sm_80, sm_86, sm_89, sm_90, sm_90a)">
  ];
  let dependentDialects = ["::mlir::infer::InferDialect"];
}

def InferCudaLowerKernels : Pass<"infer-cuda-lower-kernels", "::mlir::ModuleOp"> {
  let summary = "Lower the kernel module to the LLVM and NVVM dialects";
  let description = [{
    The CUDA backend's lowering stage, after `infer-outline-kernels`: the
    kernel module (the nested module marked `infer.kernels`) is bufferized
    with every temporary in thread-local memory (no device malloc), its
    linalg ops become loops, math functions the GPU has no instruction for
    are expanded or approximated (no libm), and everything goes to the LLVM
    dialect. Each generic `<symbol>_impl(ptr..., i64 thread)` gets a
    `.entry <symbol>(ptr...)` computing its thread's index from the NVVM
    special registers; templates written as entry points get their block
    size. What remains (LLVM IR, -O3, PTX, ptxas) is the backend's binary
    emission.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect",
                           "::mlir::NVVM::NVVMDialect"];
}

#endif // INFER_CODEGEN_CUDA_PASSES_TD
