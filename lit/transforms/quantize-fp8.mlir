// RUN: infer-opt %s --infer-quantize="precision=fp8 calibration-cache=%S/Inputs/quantize.cache" --split-input-file | FileCheck %s
// RUN: infer-opt %s --quantize="fp8 calibration-cache=%S/Inputs/quantize.cache" --split-input-file | FileCheck %s --check-prefix=FOLD

// Tests fp8 quantization: the input x (amax 2.54) gets a quantize /
// dequantize pair to f8E4M3FN of scale 2.54 / 448, and relu_out (amax
// 12.7) one of scale 12.7 / 448; the scale is the ops' attribute.
// CHECK-LABEL: func.func @conv
// CHECK: %[[Q:.+]] = infer.quantize %arg0 {scale = 0.0056696428{{[0-9]+}} : f64} : tensor<1x16x4x4xf32> -> tensor<1x16x4x4xf8E4M3FN>
// CHECK: %[[D:.+]] = infer.dequantize %[[Q]] {scale = 0.0056696428{{[0-9]+}} : f64} : tensor<1x16x4x4xf8E4M3FN> -> tensor<1x16x4x4xf32>
// CHECK: infer.conv %[[D]]
// CHECK: infer.quantize %{{.+}} {scale = 0.028348214{{[0-9]+}} : f64}
// FOLD checks infer-fold-qdq on it: each convolution takes the f8E4M3FN
// activation and its weight in f8E4M3FN per output channel (every value
// 0.5: scale 0.5 / 448, each value 448), and its f32 result is
// multiplied by both scales per channel ([16, 1, 1]: 2.54 / 448 * 0.5 /
// 448 = 6.327e-06) before the ReLU.
// FOLD-LABEL: func.func @conv
// FOLD: infer.constant dense_resource<weight_fp8{{.*}}> : tensor<16x16x1x1xf8E4M3FN>
// FOLD: %[[Q:.+]] = infer.quantize %arg0 {scale = {{.*}}} : tensor<1x16x4x4xf32> -> tensor<1x16x4x4xf8E4M3FN>
// FOLD: %[[C:.+]] = infer.conv %[[Q]], %{{.+}} {{.*}} : (tensor<1x16x4x4xf8E4M3FN>, tensor<16x16x1x1xf8E4M3FN>) -> tensor<1x16x4x4xf32>
// FOLD: %[[M:.+]] = infer.binary mul %[[C]], %{{.+}} : (tensor<1x16x4x4xf32>, tensor<16x1x1xf32>)
// FOLD: infer.unary relu %[[M]]
// FOLD-NOT: infer.dequantize
// FOLD: return
func.func @conv(%x: tensor<1x16x4x4xf32> {infer.name = "x"}) -> tensor<1x16x4x4xf32> {
  %w = infer.constant dense<0.5> : tensor<16x16x1x1xf32>
  %c = infer.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 {infer.tensor_name = "conv_out"} : (tensor<1x16x4x4xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x4x4xf32>
  %r = infer.unary relu %c {infer.tensor_name = "relu_out"} : tensor<1x16x4x4xf32> -> tensor<1x16x4x4xf32>
  %c2 = infer.conv %r, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 {infer.tensor_name = "conv2_out"} : (tensor<1x16x4x4xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x4x4xf32>
  return %c2 : tensor<1x16x4x4xf32>
}

// -----

// Tests an fp8 gemm with a bias: the bias moves after the scales' mul
// (beta 1), the weight is [N, K] (trans_b: a scale per row, max |w| / 448;
// the values rounded to nearest even: 0.3 / 0.4 * 448 = 336 is halfway
// between 320 and 352, and 320's mantissa is even).
// FOLD-LABEL: func.func @gemm
// FOLD-DAG: %[[W:.+]] = infer.constant dense<{{\[\[}}4.480000e+02, 2.240000e+02, -4.480000e+02, 0.000000e+00], [4.480000e+02, 4.480000e+02, 4.480000e+02, 4.480000e+02], [1.120000e+02, 2.240000e+02, 3.200000e+02, 4.480000e+02], [4.480000e+02, -2.240000e+02, 1.120000e+02, 0.000000e+00]]> : tensor<4x4xf8E4M3FN>
// FOLD-DAG: %[[S:.+]] = infer.constant dense<[6.3277{{[0-9]+}}E-6, 1.26554{{[0-9]+}}E-5, 5.0621{{[0-9]+}}E-6, 2.53109{{[0-9]+}}E-5]> : tensor<4xf32>
// FOLD: %[[G:.+]] = infer.gemm %{{.+}}, %[[W]] alpha {{.*}} trans_b : (tensor<2x4xf8E4M3FN>, tensor<4x4xf8E4M3FN>) -> tensor<2x4xf32>
// FOLD: %[[M:.+]] = infer.binary mul %[[G]], %[[S]] : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
// FOLD: infer.binary add %[[M]], %{{.+}} : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
// A convolution with a bias stays as it was (its NCHW bias would need a
// reshape; the GPU pipeline has made convolutions GEMMs by then).
// FOLD-LABEL: func.func @conv_bias
// FOLD: infer.dequantize
// FOLD: infer.conv %{{.+}}, %{{.+}}, %{{.+}} {{.*}} : (tensor<1x16x4x4xf32>, tensor<16x16x1x1xf32>, tensor<16xf32>) -> tensor<1x16x4x4xf32>
func.func @gemm(%x: tensor<2x4xf32> {infer.name = "x"}) -> tensor<2x4xf32> {
  %w = infer.constant dense<[[0.5, 0.25, -0.5, 0.0], [1.0, 1.0, 1.0, 1.0], [0.1, 0.2, 0.3, 0.4], [2.0, -1.0, 0.5, 0.0]]> : tensor<4x4xf32>
  %b = infer.constant dense<1.0> : tensor<4xf32>
  %y = infer.gemm %x, %w, %b alpha 1.0 beta 1.0 trans_b : (tensor<2x4xf32>, tensor<4x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

func.func @conv_bias(%x: tensor<1x16x4x4xf32> {infer.name = "x"}) -> tensor<1x16x4x4xf32> {
  %w = infer.constant dense<0.5> : tensor<16x16x1x1xf32>
  %b = infer.constant dense<1.0> : tensor<16xf32>
  %c = infer.conv %x, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x16x4x4xf32>, tensor<16x16x1x1xf32>, tensor<16xf32>) -> tensor<1x16x4x4xf32>
  return %c : tensor<1x16x4x4xf32>
}

// -----

// Tests a gemm's alpha joining the fp8 scales (alpha 2: the scale is
// 2 x 2.54 / 448 x 0.5 / 448, the gemm's alpha 1), and a residual add of
// an fp8 product (its scales' mul in between) and a value another product
// reads quantized: the add reads the quantized value (TensorRT's quantized
// residual input).
// FOLD-LABEL: func.func @alpha_residual
// FOLD-DAG: %[[S:.+]] = infer.constant dense<1.26554{{[0-9]+}}E-5> : tensor<8xf32>
// FOLD-DAG: %[[QR:.+]] = infer.quantize %[[R:.+]] {scale = 0.028348{{[0-9]+}} : f64} : tensor<2x8xf32> -> tensor<2x8xf8E4M3FN>
// FOLD-DAG: %[[QX:.+]] = infer.quantize %arg0
// FOLD: %[[G:.+]] = infer.gemm %[[QX]], %{{.+}} alpha 1.000000e+00 beta 1.000000e+00 trans_b : (tensor<2x8xf8E4M3FN>, tensor<8x8xf8E4M3FN>) -> tensor<2x8xf32>
// FOLD: %[[M:.+]] = infer.binary mul %[[G]], %[[S]]
// FOLD: %[[D:.+]] = infer.dequantize %[[QR]] {scale = 0.028348{{[0-9]+}} : f64}
// FOLD: infer.binary add %[[M]], %[[D]]
func.func @alpha_residual(%x: tensor<2x8xf32> {infer.name = "x"}) -> (tensor<2x8xf32>, tensor<2x8xf32>) {
  %w = infer.constant dense<0.5> : tensor<8x8xf32>
  %r = infer.unary relu %x {infer.tensor_name = "relu_out"} : tensor<2x8xf32> -> tensor<2x8xf32>
  %c = infer.gemm %r, %w alpha 1.0 beta 1.0 trans_b : (tensor<2x8xf32>, tensor<8x8xf32>) -> tensor<2x8xf32>
  %g = infer.gemm %x, %w alpha 2.0 beta 1.0 trans_b : (tensor<2x8xf32>, tensor<8x8xf32>) -> tensor<2x8xf32>
  %s = infer.binary add %g, %r : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  return %c, %s : tensor<2x8xf32>, tensor<2x8xf32>
}
