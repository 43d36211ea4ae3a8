//===- InferNNOps.td - Convolution, matmul, pooling, norms --*- tablegen -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The anchor ops of fusion groups (conv, matmul, gemm) and the other
// neural-network ops with windows or normalization semantics.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_NN_OPS_TD
#define INFER_NN_OPS_TD

def Infer_ConvOp : Infer_Op<"conv", [Pure]> {
  let summary = "N-D grouped, strided and dilated convolution (ONNX Conv)";
  let description = [{
    Convolution over 1 to 3 spatial dimensions in NC[D]HW layout, or in
    N[D]HWC layout (input and result) with the unit attribute
    `channels_last`. `weight` is `M x C/group x k...` in either layout, the
    optional `bias` has `M` elements. `pads` holds the padding at the
    beginning of every spatial dimension followed by the padding at the end
    (ONNX order); `auto_pad` is resolved by the importer. The importer
    writes NCHW; GPU pipelines move grouped convolutions to channels-last so
    that the layout changes around them cancel with those of the
    convolutions that run as NHWC matrix products.

    ```mlir
    %y = infer.conv %x, %w, %b strides [1, 1] pads [1, 1, 1, 1]
           dilations [1, 1] group 1
         : (tensor<1x3x32x32xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>)
        -> tensor<1x16x32x32xf32>
    ```
  }];
  let arguments = (ins Infer_Tensor:$input, Infer_Tensor:$weight,
                       Optional<Infer_Tensor>:$bias,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations, Infer_I64Attr:$group,
                       UnitAttr:$channels_last);
  let results = (outs Infer_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? `strides` $strides `pads` $pads
    `dilations` $dilations `group` $group (`channels_last` $channels_last^)?
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The dimension of the input and result that holds the channels.
    int64_t getChannelAxis() {
      return getChannelsLast()
                 ? llvm::cast<RankedTensorType>(getInput().getType()).getRank() - 1
                 : 1;
    }
  }];
}

def Infer_Im2ColOp : Infer_Op<"im2col", [Pure]> {
  let summary = "the row matrix of a 2-D convolution as a matrix product";
  let description = [{
    From an NHWC image `N x H x W x C`, the `N*Ho*Wo x (kh*kw*C)` matrix
    whose row (n, y, x) holds, for each tap (r, s) of the `kernel` and
    channel c, `input[n, y*sh + r*dh - top, x*sw + s*dw - left, c]`, or 0
    where that falls in the padding. `pads` is [top, left, bottom, right].
    infer-conv-to-gemm writes it before the product with the weight; the
    CUDA GEMM template reads it through TMA's im2col mode without writing
    it (an implicit GEMM) where it can, else one kernel writes it.

    ```mlir
    %rows = infer.im2col %x kernel [3, 3] strides [1, 1] pads [1, 1, 1, 1]
              dilations [1, 1] : tensor<1x56x56x64xf16> -> tensor<3136x576xf16>
    ```
  }];
  let arguments = (ins Infer_Tensor:$input, DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations);
  let results = (outs Infer_Tensor:$output);
  let assemblyFormat = [{
    $input `kernel` $kernel `strides` $strides `pads` $pads
    `dilations` $dilations attr-dict `:` type($input) `->` type($output)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The output pixels along image dimension `dim` (0: rows, 1: columns)
    /// of a static image.
    int64_t getOutputSize(unsigned dim);
  }];
}

def Infer_ConvTransposeOp : Infer_Op<"conv_transpose", [Pure]> {
  let summary = "N-D transposed convolution (ONNX ConvTranspose)";
  let description = [{
    The gradient of `infer.conv` with respect to its input. `weight` is
    `C x M/group x k...`. The output spatial size is
    `stride * (in - 1) + output_padding + (k - 1) * dilation + 1 - pad_begin - pad_end`;
    the importer resolves `output_shape` and `auto_pad` into `pads`.

    ```mlir
    %y = infer.conv_transpose %x, %w strides [2, 2] pads [0, 0, 0, 0]
           dilations [1, 1] output_padding [0, 0] group 1
         : (tensor<1x8x4x4xf32>, tensor<8x4x2x2xf32>) -> tensor<1x4x8x8xf32>
    ```
  }];
  let arguments = (ins Infer_Tensor:$input, Infer_Tensor:$weight,
                       Optional<Infer_Tensor>:$bias,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$output_padding, Infer_I64Attr:$group);
  let results = (outs Infer_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? `strides` $strides `pads` $pads
    `dilations` $dilations `output_padding` $output_padding `group` $group
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Infer_MatMulOp : Infer_Op<"matmul", [Pure]> {
  let summary = "batched matrix product with broadcasting (ONNX MatMul)";
  let description = [{
    numpy `matmul` semantics: 1-D operands are promoted to matrices and the
    added dimension is removed from the result; batch dimensions broadcast.

    ```mlir
    %c = infer.matmul %a, %b : (tensor<8x128x64xf32>, tensor<64x32xf32>)
                              -> tensor<8x128x32xf32>
    ```
  }];
  let arguments = (ins Infer_Tensor:$lhs, Infer_Tensor:$rhs);
  let results = (outs Infer_Tensor:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Infer_GemmOp : Infer_Op<"gemm", [Pure]> {
  let summary = "general matrix multiply: alpha * op(A) * op(B) + beta * C";
  let description = [{
    ONNX Gemm on 2-D operands; `trans_a` / `trans_b` transpose A / B and the
    optional `c` broadcasts to the `M x N` result.

    ```mlir
    %y = infer.gemm %a, %w, %b alpha 1.0 beta 1.0 trans_b
         : (tensor<1x512xf32>, tensor<10x512xf32>, tensor<10xf32>)
        -> tensor<1x10xf32>
    ```
  }];
  let arguments = (ins Infer_Tensor:$a, Infer_Tensor:$b,
                       Optional<Infer_Tensor>:$c, F32Attr:$alpha,
                       F32Attr:$beta, UnitAttr:$trans_a, UnitAttr:$trans_b);
  let results = (outs Infer_Tensor:$output);
  let assemblyFormat = [{
    $a `,` $b (`,` $c^)? `alpha` $alpha `beta` $beta (`trans_a` $trans_a^)?
    (`trans_b` $trans_b^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Infer_PoolOp : Infer_Op<"pool", [Pure]> {
  let summary = "max, average or Lp pooling over a window";
  let description = [{
    `ceil_mode` rounds the output size up; `count_include_pad` counts padded
    elements in the average; `p` is the exponent of Lp pooling. Input and
    result are NC[D]HW, or N[D]HWC with `channels_last` (GPU pipelines move
    a pool between two layout changes channels-last so that they cancel).

    ```mlir
    %y = infer.pool max %x kernel [3, 3] strides [2, 2] pads [1, 1, 1, 1]
           dilations [1, 1] : tensor<1x64x112x112xf32> -> tensor<1x64x56x56xf32>
    ```
  }];
  let arguments = (ins Infer_PoolKind:$kind, Infer_Tensor:$input,
                       DenseI64ArrayAttr:$kernel, DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$pads, DenseI64ArrayAttr:$dilations,
                       UnitAttr:$ceil_mode, UnitAttr:$count_include_pad,
                       DefaultValuedAttr<Infer_I64Attr, "2">:$p,
                       UnitAttr:$channels_last);
  let results = (outs Infer_Tensor:$output);
  let assemblyFormat = [{
    $kind $input `kernel` $kernel `strides` $strides `pads` $pads
    `dilations` $dilations (`ceil_mode` $ceil_mode^)?
    (`count_include_pad` $count_include_pad^)? (`channels_last` $channels_last^)?
    attr-dict `:` type($input) `->` type($output)
  }];
  let hasVerifier = 1;
}

def Infer_GlobalPoolOp : Infer_Op<"global_pool", [Pure]> {
  let summary = "pooling over all spatial dimensions";
  let description = [{
    ```mlir
    %y = infer.global_pool avg %x : tensor<1x2048x7x7xf32> -> tensor<1x2048x1x1xf32>
    ```
  }];
  let arguments = (ins Infer_PoolKind:$kind, Infer_Tensor:$input,
                       DefaultValuedAttr<Infer_I64Attr, "2">:$p);
  let results = (outs Infer_Tensor:$output);
  let assemblyFormat = [{
    $kind $input attr-dict `:` type($input) `->` type($output)
  }];
  let hasVerifier = 1;
}

class Infer_SoftmaxBase<string mnemonic, string what> :
    Infer_Op<mnemonic, [Pure, SameOperandsAndResultType]> {
  let summary = what # " along one axis";
  let arguments = (ins Infer_FloatTensor:$input, Infer_I64Attr:$axis);
  let results = (outs Infer_FloatTensor:$output);
  let assemblyFormat = "$input `axis` $axis attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def Infer_SoftmaxOp : Infer_SoftmaxBase<"softmax", "softmax"> {
  let description = [{
    `exp(x - max) / sum(exp(x - max))` along `axis` (opset 13 semantics; the
    importer rewrites older opsets' flattening form).

    ```mlir
    %y = infer.softmax %x axis 1 : tensor<1x1000xf32>
    ```
  }];
}

def Infer_LogSoftmaxOp : Infer_SoftmaxBase<"log_softmax", "log of softmax"> {
  let description = [{
    ```mlir
    %y = infer.log_softmax %x axis 1 : tensor<1x1000xf32>
    ```
  }];
}

def Infer_LayerNormOp : Infer_Op<"layer_norm", [Pure]> {
  let summary = "layer normalization over the trailing dimensions";
  let description = [{
    Normalizes over dimensions `axis..rank-1`, then scales by `scale` and adds
    the optional `bias`; both broadcast to the normalized dimensions.

    ```mlir
    %y = infer.layer_norm %x, %g, %b axis 2 epsilon 1.0e-05
         : (tensor<1x128x768xf32>, tensor<768xf32>, tensor<768xf32>)
        -> tensor<1x128x768xf32>
    ```
  }];
  let arguments = (ins Infer_FloatTensor:$input, Infer_FloatTensor:$scale,
                       Optional<Infer_FloatTensor>:$bias, Infer_I64Attr:$axis,
                       F32Attr:$epsilon);
  let results = (outs Infer_FloatTensor:$output);
  let assemblyFormat = [{
    $input `,` $scale (`,` $bias^)? `axis` $axis `epsilon` $epsilon attr-dict
    `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Infer_BatchNormOp : Infer_Op<"batch_norm", [Pure]> {
  let summary = "inference batch normalization with per-channel statistics";
  let description = [{
    `scale * (x - mean) / sqrt(var + epsilon) + bias` with the statistics of
    dimension 1. Kept as an op so that folding it into the producer is a
    visible rewrite.

    ```mlir
    %y = infer.batch_norm %x, %s, %b, %m, %v epsilon 1.0e-05
         : (tensor<1x16x8x8xf32>, tensor<16xf32>, tensor<16xf32>,
            tensor<16xf32>, tensor<16xf32>) -> tensor<1x16x8x8xf32>
    ```
  }];
  let arguments = (ins Infer_FloatTensor:$input, Infer_FloatTensor:$scale,
                       Infer_FloatTensor:$bias, Infer_FloatTensor:$mean,
                       Infer_FloatTensor:$variance, F32Attr:$epsilon);
  let results = (outs Infer_FloatTensor:$output);
  let assemblyFormat = [{
    $input `,` $scale `,` $bias `,` $mean `,` $variance `epsilon` $epsilon
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // INFER_NN_OPS_TD
