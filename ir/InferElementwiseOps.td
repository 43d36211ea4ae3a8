//===- InferElementwiseOps.td - Elementwise ops -------------*- tablegen -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Unary and binary elementwise functions (one op each, the function is an
// enum), select and cast. Binary ops broadcast with numpy rules.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_ELEMENTWISE_OPS_TD
#define INFER_ELEMENTWISE_OPS_TD

def Infer_UnaryOp : Infer_Op<"unary", [Pure]> {
  let summary = "elementwise unary function";
  let description = [{
    Applies `kind` to every element. Parameters of the function are `alpha`
    and `beta` (see the `UnaryKind` enum). `not`, `is_nan` and `is_inf`
    return `i1`; every other kind keeps the element type.

    ```mlir
    %y = infer.unary relu %x : tensor<1x64xf32> -> tensor<1x64xf32>
    %z = infer.unary leaky_relu %x alpha 0.01 : tensor<1x64xf32> -> tensor<1x64xf32>
    ```
  }];
  let arguments = (ins Infer_UnaryKind:$kind, Infer_Tensor:$input,
                       OptionalAttr<F32Attr>:$alpha,
                       OptionalAttr<F32Attr>:$beta);
  let results = (outs Infer_Tensor:$output);
  let assemblyFormat = [{
    $kind $input (`alpha` $alpha^)? (`beta` $beta^)? attr-dict `:`
    type($input) `->` type($output)
  }];
  let hasVerifier = 1;
}

def Infer_BinaryOp : Infer_Op<"binary", [Pure]> {
  let summary = "elementwise binary function with broadcasting";
  let description = [{
    Applies `kind` to pairs of elements after numpy broadcasting. Comparisons
    and logical functions return `i1`; `prelu` is `lhs < 0 ? lhs * rhs : lhs`.

    ```mlir
    %y = infer.binary add %a, %b : (tensor<1x64x8x8xf32>, tensor<64x1x1xf32>)
                                   -> tensor<1x64x8x8xf32>
    ```
  }];
  let arguments = (ins Infer_BinaryKind:$kind, Infer_Tensor:$lhs,
                       Infer_Tensor:$rhs);
  let results = (outs Infer_Tensor:$output);
  let assemblyFormat = [{
    $kind $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Infer_WhereOp : Infer_Op<"where", [Pure]> {
  let summary = "elementwise select with broadcasting";
  let description = [{
    ```mlir
    %y = infer.where %c, %a, %b : (tensor<4xi1>, tensor<4xf32>, tensor<1xf32>)
                                 -> tensor<4xf32>
    ```
  }];
  let arguments = (ins RankedTensorOf<[I1]>:$condition, Infer_Tensor:$true_value,
                       Infer_Tensor:$false_value);
  let results = (outs Infer_Tensor:$output);
  let assemblyFormat = [{
    $condition `,` $true_value `,` $false_value attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Infer_CastOp : Infer_Op<"cast", [Pure]> {
  let summary = "element type conversion (ONNX Cast)";
  let description = [{
    Float to integer truncates toward zero; out-of-range values saturate only
    when `saturate` is set (float8 semantics) and are undefined otherwise.
    A `!quant.uniform` type casts only to or from an integer of its storage
    width, reinterpreting the stored integers.

    ```mlir
    %y = infer.cast %x : tensor<4xf32> to tensor<4xf16>
    ```
  }];
  let arguments = (ins Infer_Tensor:$input, UnitAttr:$saturate);
  let results = (outs Infer_Tensor:$output);
  let assemblyFormat = [{
    $input (`saturate` $saturate^)? attr-dict `:` type($input) `to` type($output)
  }];
  let hasVerifier = 1;
}

#endif // INFER_ELEMENTWISE_OPS_TD
