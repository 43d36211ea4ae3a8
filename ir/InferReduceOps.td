//===- InferReduceOps.td - Reductions -----------------------*- tablegen -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Reductions over a set of axes and index reductions (ArgMax / ArgMin).
//
//===----------------------------------------------------------------------===//

#ifndef INFER_REDUCE_OPS_TD
#define INFER_REDUCE_OPS_TD

def Infer_ReduceOp : Infer_Op<"reduce", [Pure]> {
  let summary = "reduction over a set of axes";
  let description = [{
    `axes` are non-negative, sorted and unique; an empty list reduces every
    dimension. With `keep_dims` the reduced dimensions stay with size 1.

    ```mlir
    %y = infer.reduce mean %x axes [2, 3] keep_dims
         : tensor<1x64x8x8xf32> -> tensor<1x64x1x1xf32>
    ```
  }];
  let arguments = (ins Infer_ReduceKind:$kind, Infer_Tensor:$input,
                       DenseI64ArrayAttr:$axes, UnitAttr:$keep_dims);
  let results = (outs Infer_Tensor:$output);
  let assemblyFormat = [{
    $kind $input `axes` $axes (`keep_dims` $keep_dims^)? attr-dict `:`
    type($input) `->` type($output)
  }];
  let hasVerifier = 1;
}

def Infer_ArgReduceOp : Infer_Op<"arg_reduce", [Pure]> {
  let summary = "index of the maximum or minimum along one axis";
  let description = [{
    Returns `i64` indices; ties resolve to the first index unless
    `select_last_index` is set.

    ```mlir
    %i = infer.arg_reduce max %x axis 1 : tensor<4x10xf32> -> tensor<4xi64>
    ```
  }];
  let arguments = (ins Infer_ArgKind:$kind, Infer_Tensor:$input, Infer_I64Attr:$axis,
                       UnitAttr:$keep_dims, UnitAttr:$select_last_index);
  let results = (outs RankedTensorOf<[I64]>:$output);
  let assemblyFormat = [{
    $kind $input `axis` $axis (`keep_dims` $keep_dims^)?
    (`select_last_index` $select_last_index^)? attr-dict `:` type($input)
    `->` type($output)
  }];
  let hasVerifier = 1;
}

#endif // INFER_REDUCE_OPS_TD
