//===- InferTensorOps.td - Constants and data movement ------*- tablegen -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Ops that create tensors or move their elements without arithmetic:
// constant, reshape, transpose, concat, split, slice, gather, pad, resize,
// expand.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_TENSOR_OPS_TD
#define INFER_TENSOR_OPS_TD

def Infer_ConstantOp : Infer_Op<"constant",
    [ConstantLike, Pure, AllTypesMatch<["value", "output"]>]> {
  let summary = "constant tensor";
  let description = [{
    Weights are `dense_resource` blobs so that a large model does not turn
    into large IR text; small constants may be `dense`.

    ```mlir
    %w = infer.constant dense_resource<conv1_w> : tensor<64x3x7x7xf32>
    %s = infer.constant dense<[1, -1]> : tensor<2xi64>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Infer_Tensor:$output);
  let assemblyFormat = "$value attr-dict";
  let hasFolder = 1;
}

def Infer_Sparse24Op : Infer_Op<"sparse24", [Pure]> {
  let summary = "a 2:4 structured-sparse matrix: kept values and their positions";
  let description = [{
    The `M x K` matrix whose rows hold two non-zeros in every group of four
    consecutive columns (NVIDIA's 2:4 pattern along the reduction dimension
    K), stored as sparse tensor cores read it: `values` (`M x K/2`) keeps
    the two values of each group in column order, and `meta` (`M x K/16`,
    i16) their positions, one 4-bit code per group: group `g` of row `m` is
    bits `4*(g%4)` to `4*(g%4)+3` of `meta[m][g/4]`, code `i0 | i1 << 2`
    with `i0 < i1` the columns (0-3) of the two values. A group with fewer
    than two non-zeros stores zeros at any two such positions. K is a
    multiple of 16.

    `infer-sparse24` writes it for the constant weight of a matrix product
    whose output channels are the rows (the transposed product where the
    weight is `K x N`); a target without sparse kernels folds it back into
    the dense matrix at compile time.

    ```mlir
    %w = infer.sparse24 %values, %meta
         : (tensor<64x128xf16>, tensor<64x16xi16>) -> tensor<64x256xf16>
    ```
  }];
  let arguments = (ins Infer_FloatTensor:$values, RankedTensorOf<[I16]>:$meta);
  let results = (outs Infer_FloatTensor:$output);
  let assemblyFormat = [{
    $values `,` $meta attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Infer_ReshapeOp : Infer_Op<"reshape", [Pure]> {
  let summary = "reinterpret a tensor with another shape";
  let description = [{
    The result type is the target shape. At most one result dimension may be
    dynamic; it is computed from the element count at run time.

    ```mlir
    %y = infer.reshape %x : tensor<?x2048x1x1xf32> -> tensor<?x2048xf32>
    ```
  }];
  let arguments = (ins Infer_Tensor:$input);
  let results = (outs Infer_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def Infer_TransposeOp : Infer_Op<"transpose", [Pure]> {
  let summary = "permutation of dimensions";
  let description = [{
    Result dimension `i` is input dimension `perm[i]`.

    ```mlir
    %y = infer.transpose %x perm [0, 2, 1] : tensor<2x3x4xf32> -> tensor<2x4x3xf32>
    ```
  }];
  let arguments = (ins Infer_Tensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs Infer_Tensor:$output);
  let assemblyFormat = [{
    $input `perm` $perm attr-dict `:` type($input) `->` type($output)
  }];
  let hasVerifier = 1;
}

def Infer_ConcatOp : Infer_Op<"concat", [Pure]> {
  let summary = "concatenation along one axis";
  let description = [{
    ```mlir
    %y = infer.concat %a, %b axis 1 : (tensor<1x8x4xf32>, tensor<1x16x4xf32>)
                                     -> tensor<1x24x4xf32>
    ```
  }];
  let arguments = (ins Variadic<Infer_Tensor>:$inputs, Infer_I64Attr:$axis);
  let results = (outs Infer_Tensor:$output);
  let assemblyFormat = [{
    $inputs `axis` $axis attr-dict `:` functional-type($inputs, results)
  }];
  let hasVerifier = 1;
}

def Infer_SplitOp : Infer_Op<"split", [Pure]> {
  let summary = "split into consecutive pieces along one axis";
  let description = [{
    The sizes of the pieces are the result types' sizes along `axis`.

    ```mlir
    %a, %b = infer.split %x axis 1 : tensor<1x24xf32> -> tensor<1x8xf32>, tensor<1x16xf32>
    ```
  }];
  let arguments = (ins Infer_Tensor:$input, Infer_I64Attr:$axis);
  let results = (outs Variadic<Infer_Tensor>:$outputs);
  let assemblyFormat = [{
    $input `axis` $axis attr-dict `:` type($input) `->` type($outputs)
  }];
  let hasVerifier = 1;
}

def Infer_SliceOp : Infer_Op<"slice", [Pure]> {
  let summary = "strided slice with normalized bounds";
  let description = [{
    One entry per dimension. For a positive step, `0 <= start <= end <= dim`;
    for a negative step, `-1 <= end <= start <= dim - 1`. The importer clamps
    and resolves ONNX's negative and out-of-range bounds into this form, so
    dimension `i` of the result has `max(0, ceil((end - start) / step))`
    elements.

    ```mlir
    %y = infer.slice %x starts [0, 1] ends [2, 9] steps [1, 2]
         : tensor<2x10xf32> -> tensor<2x4xf32>
    ```
  }];
  let arguments = (ins Infer_Tensor:$input, DenseI64ArrayAttr:$starts,
                       DenseI64ArrayAttr:$ends, DenseI64ArrayAttr:$steps);
  let results = (outs Infer_Tensor:$output);
  let assemblyFormat = [{
    $input `starts` $starts `ends` $ends `steps` $steps attr-dict `:`
    type($input) `->` type($output)
  }];
  let hasVerifier = 1;
}

def Infer_GatherOp : Infer_Op<"gather", [Pure]> {
  let summary = "gather slices along one axis (ONNX Gather)";
  let description = [{
    Negative indices count from the end of `axis`; an index out of range is
    an error at run time.

    ```mlir
    %y = infer.gather %table, %ids axis 0 : (tensor<30522x768xf32>, tensor<1x128xi64>)
                                          -> tensor<1x128x768xf32>
    ```
  }];
  let arguments = (ins Infer_Tensor:$input, Infer_IndexTensor:$indices,
                       Infer_I64Attr:$axis);
  let results = (outs Infer_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $indices `axis` $axis attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Infer_PadOp : Infer_Op<"pad", [Pure]> {
  let summary = "pad with a constant, by reflection, edge or wrap";
  let description = [{
    `pads` holds the padding at the beginning of every dimension followed by
    the padding at the end; negative values crop.

    ```mlir
    %y = infer.pad constant %x pads [0, 0, 1, 1, 0, 0, 1, 1] value 0.0
         : tensor<1x3x8x8xf32> -> tensor<1x3x10x10xf32>
    ```
  }];
  let arguments = (ins Infer_PadMode:$mode, Infer_Tensor:$input,
                       DenseI64ArrayAttr:$pads, F64Attr:$value);
  let results = (outs Infer_Tensor:$output);
  let assemblyFormat = [{
    $mode $input `pads` $pads `value` $value attr-dict `:` type($input) `->`
    type($output)
  }];
  let hasVerifier = 1;
}

def Infer_ResizeOp : Infer_Op<"resize", [Pure]> {
  let summary = "nearest, linear or cubic resampling (ONNX Resize)";
  let description = [{
    The output size is the result type; `scales` (one per dimension) enter
    the coordinate transformation as in ONNX. Linear and cubic interpolate
    over every dimension whose scale is not 1.

    ```mlir
    %y = infer.resize nearest %x scales [1.0, 1.0, 2.0, 2.0]
           coordinate_mode asymmetric nearest_mode floor
         : tensor<1x8x4x4xf32> -> tensor<1x8x8x8xf32>
    ```
  }];
  let arguments = (ins Infer_ResizeMode:$mode, Infer_Tensor:$input,
                       DenseF32ArrayAttr:$scales,
                       Infer_CoordinateMode:$coordinate_mode,
                       DefaultValuedAttr<Infer_NearestMode,
                         "::mlir::infer::NearestMode::round_prefer_floor">:$nearest_mode,
                       DefaultValuedAttr<F32Attr, "-0.75">:$cubic_coeff_a,
                       UnitAttr:$exclude_outside,
                       DefaultValuedAttr<F32Attr, "0.0">:$extrapolation_value);
  let results = (outs Infer_Tensor:$output);
  let assemblyFormat = [{
    $mode $input `scales` $scales `coordinate_mode` $coordinate_mode
    (`nearest_mode` $nearest_mode^)? (`exclude_outside` $exclude_outside^)?
    attr-dict `:` type($input) `->` type($output)
  }];
  let hasVerifier = 1;
}

def Infer_ExpandOp : Infer_Op<"expand", [Pure]> {
  let summary = "broadcast to a larger shape (ONNX Expand)";
  let description = [{
    The result shape is the broadcast of the input shape and the requested
    shape.

    ```mlir
    %y = infer.expand %x : tensor<1x4xf32> -> tensor<3x4xf32>
    ```
  }];
  let arguments = (ins Infer_Tensor:$input);
  let results = (outs Infer_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def Infer_GatherElementsOp : Infer_Op<"gather_elements", [Pure]> {
  let summary = "gather single elements along one axis (ONNX GatherElements)";
  let description = [{
    `out[i][j][k] = input[index[i][j][k]][j][k]` for axis 0; the result has
    the shape of `indices`, which has the rank of `input`.

    ```mlir
    %y = infer.gather_elements %x, %i axis 1 : (tensor<2x3xf32>, tensor<2x2xi64>)
                                              -> tensor<2x2xf32>
    ```
  }];
  let arguments = (ins Infer_Tensor:$input, Infer_IndexTensor:$indices,
                       Infer_I64Attr:$axis);
  let results = (outs Infer_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $indices `axis` $axis attr-dict `:`
    functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // INFER_TENSOR_OPS_TD
