//===- InferPlanOps.td - Kernels launched and buffers planned -*- tablegen -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// What code generation writes into the graph, stage by stage:
// `infer-outline-kernels` replaces each fusion group with an
// `infer.dispatch` of the kernels it built (in a nested module marked
// `infer.kernels`), `infer-plan-buffers` gives every value a
// `#infer.buffer`, and the backend lowers the kernel module. The artifact
// is a direct reading of the result.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_PLAN_OPS_TD
#define INFER_PLAN_OPS_TD

def Infer_BufferSpace : I32EnumAttr<"BufferSpace", "where a buffer lives", [
  I32EnumAttrCase<"arena", 0>, I32EnumAttrCase<"constants", 1>,
  I32EnumAttrCase<"input", 2>, I32EnumAttrCase<"output", 3>
]> {
  let cppNamespace = "::mlir::infer";
  let genSpecializedAttr = 0;
}

def Infer_BufferAttr : Infer_Attr<"Buffer", "buffer"> {
  let summary = "the memory of one value in the plan";
  let description = [{
    `arena`: `size` bytes at `offset` in the run's scratch arena (buffers
    whose lifetimes do not overlap share bytes); `constants`: at `offset` in
    the artifact's weights; `input` / `output`: the caller's tensor number
    `index` (at `offset` within it for a slice of an in-place
    concatenation). Written by `infer-plan-buffers`.

    ```mlir
    %y = infer.dispatch "conv+relu" (%x, %w) ... {infer.buffers = [#infer.buffer<arena, offset = 802816, size = 401408>]}
    ```
  }];
  let parameters = (ins EnumParameter<Infer_BufferSpace>:$space,
                        DefaultValuedParameter<"uint32_t", "0">:$index,
                        DefaultValuedParameter<"uint64_t", "0">:$offset,
                        "uint64_t":$size);
  let assemblyFormat = "`<` $space `,` struct($index, $offset, $size) `>`";
}

def Infer_TensorMapAttr : Infer_Attr<"TensorMap", "tensor_map"> {
  let summary = "a TMA descriptor the runtime encodes over a kernel argument";
  let description = [{
    CUDA kernels that load tiles with the Tensor Memory Accelerator take,
    after their buffers, one descriptor per map: over argument `arg`
    (element type `dtype`, the artifact's numbering), `dims` and byte
    `strides` innermost first, a `box` tile and a shared-memory `swizzle`
    mode (0 none, 1: 32, 2: 64, 3: 128 bytes). With `im2col` (an NHWC
    image: dims C, W, H, N) the map is in im2col mode: the pixel box's
    lower corner (W, H), upper corner (W, H) and traversal strides (W, H),
    and `box` is (channels per pixel, pixels per column): an implicit-GEMM
    convolution loads its row tiles straight from the image.
  }];
  let parameters = (ins "uint32_t":$arg, "uint32_t":$dtype,
                        ArrayRefParameter<"uint64_t">:$dims,
                        ArrayRefParameter<"uint64_t">:$strides,
                        ArrayRefParameter<"uint32_t">:$box,
                        "uint32_t":$swizzle,
                        OptionalArrayRefParameter<"int32_t">:$im2col);
  let assemblyFormat = [{
    `<` `arg` `=` $arg `,` `dtype` `=` $dtype `,` `dims` `=` `[` $dims `]`
    `,` `strides` `=` `[` $strides `]` `,` `box` `=` `[` $box `]` `,`
    `swizzle` `=` $swizzle (`,` `im2col` `=` `[` $im2col^ `]`)? `>`
  }];
}

def Infer_LaunchAttr : Infer_Attr<"Launch", "launch"> {
  let summary = "one launch of a kernel of the kernel module";
  let description = [{
    Runs kernel `kernel` (`kind` says what it computes) over the buffers
    `args`, indices into its dispatch's inputs, then its scratch buffers,
    then its results. CPU kernels run on chunks of `[0, grid)` no smaller
    than `grain`; CUDA kernels run `grid` blocks of `threads` threads with
    `shared` bytes of dynamic shared memory and take `maps` after the
    buffers.

    ```mlir
    #infer.launch<"infer_kernel_3", "conv_direct", args = [0, 1, 2, 3], grid = 56, grain = 1>
    #infer.launch<"infer_kernel_0", "gemm_wgmma", args = [0, 1, 2], grid = 132, grain = 1, threads = 384, shared = 197632, maps = [#infer.tensor_map<...>]>
    ```
  }];
  let parameters = (ins StringRefParameter<"kernel symbol">:$kernel,
                        StringRefParameter<"what the kernel computes">:$kind,
                        ArrayRefParameter<"int32_t">:$args,
                        "int64_t":$grid, "int64_t":$grain,
                        DefaultValuedParameter<"int64_t", "0">:$threads,
                        DefaultValuedParameter<"int64_t", "0">:$shared,
                        OptionalArrayRefParameter<"TensorMapAttr">:$maps);
  // `threads`, `shared` and `maps` are printed when set (CUDA launches).
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
}

def Infer_DispatchOp : Infer_Op<"dispatch"> {
  let summary = "the launches of the kernels built for one fusion group";
  let description = [{
    Computes `outputs` from `inputs` by running `launches` in order: kernels
    of the nested module marked `infer.kernels`, each over a list of
    buffers (the inputs, then `scratch` buffers of the given byte sizes,
    alive for this dispatch only, then the outputs). `pattern` is what the
    group fused; `templated` marks a backend template (packed weights enter
    as `infer.constant`s in its layout); `flops` counts the arithmetic.
    With `check`, the single output is a failure flag: the run stops with
    that message when it is set. A dispatch whose outputs are all empty has
    no launches.

    `infer-outline-kernels` writes them; the location is the group's, so
    every kernel names its ONNX nodes.

    ```mlir
    %y = infer.dispatch "conv+relu" (%x, %packed, %b)
        launches [#infer.launch<"infer_kernel_0", "conv_direct", args = [0, 1, 2, 3], grid = 56, grain = 1>]
        {flops = 236027904 : i64, templated}
        : (tensor<1x64x56x56xf32>, tensor<147456xi8>, tensor<64xf32>) -> tensor<1x64x56x56xf32>
    ```
  }];
  let arguments = (ins StrAttr:$pattern, Variadic<Infer_Tensor>:$inputs,
                       TypedArrayAttrBase<Infer_LaunchAttr, "kernel launches">:$launches,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{}">:$scratch,
                       DefaultValuedAttr<Infer_I64Attr, "0">:$flops,
                       UnitAttr:$templated,
                       OptionalAttr<StrAttr>:$check);
  let results = (outs Variadic<Infer_Tensor>:$outputs);
  let assemblyFormat = [{
    $pattern `(` $inputs `)` `launches` $launches (`scratch` $scratch^)?
    attr-dict `:` functional-type($inputs, $outputs)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The name of the nested module holding the kernels.
    static constexpr ::llvm::StringLiteral getKernelsAttrName() {
      return ::llvm::StringLiteral("infer.kernels");
    }
    /// The buffers `infer-plan-buffers` gave the results of an op.
    static constexpr ::llvm::StringLiteral getBuffersAttrName() {
      return ::llvm::StringLiteral("infer.buffers");
    }
    /// The buffers of a dispatch's scratch memory.
    static constexpr ::llvm::StringLiteral getScratchBuffersAttrName() {
      return ::llvm::StringLiteral("infer.scratch_buffers");
    }
    /// The buffer of a function argument (a graph input).
    static constexpr ::llvm::StringLiteral getArgBufferAttrName() {
      return ::llvm::StringLiteral("infer.buffer");
    }
    /// The number of buffers a launch may name.
    size_t getNumBuffers() {
      return getInputs().size() + getScratch().size() + getOutputs().size();
    }
  }];
}

#endif // INFER_PLAN_OPS_TD
