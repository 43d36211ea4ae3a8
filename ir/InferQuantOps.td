//===- InferQuantOps.td - Quantize and dequantize -----------*- tablegen -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Conversions between float tensors and tensors of `!quant.uniform` types,
// per tensor or per axis. Scale and zero point live in the type.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_QUANT_OPS_TD
#define INFER_QUANT_OPS_TD

def Infer_QuantizeOp : Infer_Op<"quantize", [Pure]> {
  let summary = "float to uniform quantized (ONNX QuantizeLinear)";
  let description = [{
    `q = saturate(round_half_even(x / scale) + zero_point)`, with the scale and
    zero point of the result's `!quant.uniform` element type.

    ```mlir
    %q = infer.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.5:3>>
    ```
  }];
  let arguments = (ins Infer_FloatTensor:$input);
  let results = (outs Infer_QuantTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def Infer_DequantizeOp : Infer_Op<"dequantize", [Pure]> {
  let summary = "uniform quantized to float (ONNX DequantizeLinear)";
  let description = [{
    `x = (q - zero_point) * scale`.

    ```mlir
    %x = infer.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.5:3>> -> tensor<4xf32>
    ```
  }];
  let arguments = (ins Infer_QuantTensor:$input);
  let results = (outs Infer_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

#endif // INFER_QUANT_OPS_TD
