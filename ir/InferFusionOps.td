//===- InferFusionOps.td - Fusion groups and fused patterns --*- tablegen -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Ops that the graph passes create: `infer.fused`, the region op that holds
// one kernel's worth of ops, its terminator, and the ops of recognized
// multi-node patterns (attention).
//
//===----------------------------------------------------------------------===//

#ifndef INFER_FUSION_OPS_TD
#define INFER_FUSION_OPS_TD

include "mlir/Interfaces/ControlFlowInterfaces.td"

def Infer_FusedOp : Infer_Op<"fused", [IsolatedFromAbove,
    SingleBlockImplicitTerminator<"YieldOp">, RecursiveMemoryEffects,
    RecursivelySpeculatable]> {
  let summary = "a fusion group: the ops of one kernel";
  let description = [{
    Holds the ops that `infer-fuse` put into one kernel. The region's block
    arguments are the group's inputs (the op's operands, in order); the
    terminator yields the group's results. `pattern` names what was fused
    (`conv+relu`, `matmul+add+gelu`, `elementwise`, `layer_norm`, ...), and
    the op's location fuses the ONNX node names of every op inside, so each
    kernel can say where it came from.

    The region is isolated from above: weights enter as operands, small
    constants are cloned inside.

    ```mlir
    %y = infer.fused "conv+relu" (%x, %w, %b) : (tensor<1x3x8x8xf32>,
        tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x6x6xf32> {
    ^bb0(%a: tensor<1x3x8x8xf32>, %k: tensor<4x3x3x3xf32>, %c: tensor<4xf32>):
      %0 = infer.conv %a, %k, %c strides [1, 1] pads [0, 0, 0, 0]
          dilations [1, 1] group 1 : (...) -> tensor<1x4x6x6xf32>
      %1 = infer.unary relu %0 : tensor<1x4x6x6xf32> -> tensor<1x4x6x6xf32>
      infer.yield %1 : tensor<1x4x6x6xf32>
    }
    ```
  }];
  let arguments = (ins StrAttr:$pattern, Variadic<Infer_Tensor>:$inputs);
  let results = (outs Variadic<Infer_Tensor>:$outputs);
  let regions = (region SizedRegion<1>:$body);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
  let skipDefaultBuilders = 1;
  let builders = [
    OpBuilder<(ins "::llvm::StringRef":$pattern, "::mlir::TypeRange":$results,
                   "::mlir::ValueRange":$inputs)>
  ];
  let extraClassDeclaration = [{
    /// The terminator.
    YieldOp getYield();
  }];
}

def Infer_YieldOp : Infer_Op<"yield", [Pure, Terminator,
    HasParent<"FusedOp">, ReturnLike]> {
  let summary = "the results of a fusion group";
  let arguments = (ins Variadic<Infer_Tensor>:$values);
  let builders = [OpBuilder<(ins), [{ /* nothing to yield */ }]>];
  let assemblyFormat = "$values attr-dict `:` type($values)";
}

def Infer_AttentionOp : Infer_Op<"attention", [Pure]> {
  let summary = "scaled dot-product attention";
  let description = [{
    `softmax(scale * q · kᵀ + mask) · v` over the last two dimensions, the
    leading ones batched: `q` is `[..., Lq, D]`, `k` is `[..., Lk, D]`, `v` is
    `[..., Lk, Dv]` and the result `[..., Lq, Dv]`; the optional additive
    `mask` broadcasts to `[..., Lq, Lk]`. `infer-recognize-attention` forms
    it from the MatMul, scale, Add, Softmax, MatMul chain ONNX exporters
    write.

    ```mlir
    %o = infer.attention %q, %k, %v scale 0.125 : (tensor<8x128x64xf32>,
        tensor<8x128x64xf32>, tensor<8x128x64xf32>) -> tensor<8x128x64xf32>
    ```
  }];
  let arguments = (ins Infer_FloatTensor:$q, Infer_FloatTensor:$k,
                       Infer_FloatTensor:$v, Optional<Infer_FloatTensor>:$mask,
                       F32Attr:$scale);
  let results = (outs Infer_FloatTensor:$output);
  let assemblyFormat = [{
    $q `,` $k `,` $v (`mask` $mask^)? `scale` $scale attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // INFER_FUSION_OPS_TD
