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

def Infer_TopKOp : Infer_Op<"top_k", [Pure]> {
  let summary = "the k largest or smallest elements along one axis";
  let description = [{
    Returns the values and their `i64` indices. With `sorted`, results are
    ordered (descending for `largest`); equal values keep the lower index
    first.

    ```mlir
    %v, %i = infer.top_k %x axis 1 k 5 largest sorted
             : tensor<2x100xf32> -> tensor<2x5xf32>, tensor<2x5xi64>
    ```
  }];
  let arguments = (ins Infer_Tensor:$input, Infer_I64Attr:$axis, Infer_I64Attr:$k,
                       UnitAttr:$largest, UnitAttr:$sorted);
  let results = (outs Infer_Tensor:$values, RankedTensorOf<[I64]>:$indices);
  let assemblyFormat = [{
    $input `axis` $axis `k` $k (`largest` $largest^)? (`sorted` $sorted^)?
    attr-dict `:` type($input) `->` type($values) `,` type($indices)
  }];
  let hasVerifier = 1;
}

def Infer_CumSumOp : Infer_Op<"cumsum", [Pure]> {
  let summary = "cumulative sum along one axis";
  let description = [{
    With `exclusive` the element itself is left out; with `reverse` the sum
    runs from the end.

    ```mlir
    %y = infer.cumsum %x axis 0 exclusive : tensor<5xf32> -> tensor<5xf32>
    ```
  }];
  let arguments = (ins Infer_Tensor:$input, Infer_I64Attr:$axis,
                       UnitAttr:$exclusive, UnitAttr:$reverse);
  let results = (outs Infer_Tensor:$output);
  let assemblyFormat = [{
    $input `axis` $axis (`exclusive` $exclusive^)? (`reverse` $reverse^)?
    attr-dict `:` type($input) `->` type($output)
  }];
  let hasVerifier = 1;
}

#endif // INFER_REDUCE_OPS_TD
