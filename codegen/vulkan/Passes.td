//===- Passes.td - Passes of the Vulkan backend -------------*- tablegen -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_VULKAN_PASSES_TD
#define INFER_CODEGEN_VULKAN_PASSES_TD

include "mlir/Pass/PassBase.td"

def InferVulkanLowerKernels : Pass<"infer-vulkan-lower-kernels", "::mlir::ModuleOp"> {
  let summary = "Lower the kernel module to one SPIR-V module of compute shaders";
  let description = [{
    The Vulkan backend's lowering stage, after `infer-outline-kernels`: the
    kernel module (the nested module marked `infer.kernels`) is bufferized
    with every temporary in the invocation's Function storage, its linalg
    ops become loops, math functions GLSL.std.450 lacks are expanded or
    approximated, and views fold into the loads and stores. Each generic
    kernel becomes a `gpu.func` compute entry point of one `gpu.module`
    (argument i: storage buffer at descriptor set 0, binding i; its
    invocation's index from the workgroup and local ids, a 2-D grid of
    workgroups past 65535), and MLIR's SPIR-V conversions (gpu, scf, arith,
    math, memref, index, func, cf) make it a `spirv.module` whose ABI
    attributes are lowered and whose version, capabilities and extensions
    are the least the code needs.
  }];
  let options = [
    Option<"features", "features", "std::string", /*default=*/"\"\"",
           "the target's features, as after --target=vulkan: (e.g. \"-fp64\")">
  ];
  let dependentDialects = ["::mlir::gpu::GPUDialect",
                           "::mlir::spirv::SPIRVDialect"];
}

def InferVulkanFormGroups : Pass<"infer-vulkan-form-groups", "::mlir::func::FuncOp"> {
  let summary = "Move the im2col of a convolution into its product's group (implicit GEMM)";
  let description = [{
    With the `coopmat` feature, a convolution is an NHWC product whose rows
    an `infer.im2col` gathers (`infer-conv-to-gemm`). Where that im2col is
    read only as the left operand of an fp16 product the cooperative-matrix
    GEMM computes, it moves into the product's fusion group: the GEMM
    reads its A tiles straight from the image (an implicit GEMM), and the
    rows, 9x a 3x3 convolution's input, are never written. Nothing changes
    without `coopmat`.
  }];
  let options = [
    Option<"features", "features", "std::string", /*default=*/"\"\"",
           "the target's features, as after --target=vulkan: (e.g. \"+coopmat\")">
  ];
}

#endif // INFER_CODEGEN_VULKAN_PASSES_TD
