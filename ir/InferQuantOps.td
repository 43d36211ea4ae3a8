//===- InferQuantOps.td - Quantize and dequantize -----------*- tablegen -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Conversions between float tensors and tensors of `!quant.uniform` types,
// per tensor or per axis (scale and zero point live in the type), or
// tensors of f8E4M3FN with one scale for the tensor (the `scale`
// attribute: MLIR's quantized types store integers only).
//
//===----------------------------------------------------------------------===//

#ifndef INFER_QUANT_OPS_TD
#define INFER_QUANT_OPS_TD

def Infer_QuantizeOp : Infer_Op<"quantize", [Pure]> {
  let summary = "float to uniform quantized or scaled fp8 (ONNX QuantizeLinear)";
  let description = [{
    `q = saturate(round_half_even(x / scale) + zero_point)`, with the scale and
    zero point of the result's `!quant.uniform` element type; or, to
    f8E4M3FN, `q = saturate_finite(round_nearest_even(x / scale))` with the
    `scale` attribute (ONNX QuantizeLinear to float8e4m3fn, saturate=1).

    ```mlir
    %q = infer.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.5:3>>
    %f = infer.quantize %x {scale = 0.25 : f64} : tensor<4xf32> -> tensor<4xf8E4M3FN>
    ```
  }];
  let arguments = (ins Infer_FloatTensor:$input, OptionalAttr<F64Attr>:$scale);
  let results = (outs Infer_QuantOrFp8Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def Infer_DequantizeOp : Infer_Op<"dequantize", [Pure]> {
  let summary = "uniform quantized or scaled fp8 to float (ONNX DequantizeLinear)";
  let description = [{
    `x = (q - zero_point) * scale`; of f8E4M3FN, `x = q * scale` with the
    `scale` attribute.

    ```mlir
    %x = infer.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.5:3>> -> tensor<4xf32>
    %y = infer.dequantize %f {scale = 0.25 : f64} : tensor<4xf8E4M3FN> -> tensor<4xf32>
    ```
  }];
  let arguments = (ins Infer_QuantOrFp8Tensor:$input, OptionalAttr<F64Attr>:$scale);
  let results = (outs Infer_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

#endif // INFER_QUANT_OPS_TD
