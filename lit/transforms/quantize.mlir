// RUN: infer-opt %s --infer-quantize="calibration-cache=%S/Inputs/quantize.cache" --split-input-file | FileCheck %s
// RUN: infer-opt %s --infer-quantize="calibration-cache=%S/Inputs/quantize.cache keep=fc2" --split-input-file | FileCheck %s --check-prefix=KEEP
// RUN: infer-opt %s --quantize="int8 calibration-cache=%S/Inputs/quantize.cache" --split-input-file | FileCheck %s --check-prefix=PIPE
// RUN: infer-opt %s --infer-quantize="calibration-cache=%S/Inputs/quantize-errors4.cache max-error=0.1" --split-input-file 2>&1 | FileCheck %s --check-prefix=MAXERR

// Tests that the input of a convolution with a constant weight gets a
// quantize / dequantize pair with its calibrated range (amax 2.54: scale
// 0.02), shared by both products that read it, and that a product whose
// input the cache does not name stays float.
// CHECK-LABEL: func.func @conv
// CHECK: %[[Q:.+]] = infer.quantize %arg0 : tensor<1x16x4x4xf32> -> tensor<1x16x4x4x!quant.uniform<i8<-127:127>:f32, 2.000000e-02>>
// CHECK: %[[D:.+]] = infer.dequantize %[[Q]]
// CHECK: %[[C:.+]] = infer.conv %[[D]], %{{.+}} strides
// CHECK: %[[R:.+]] = infer.unary relu %[[C]]
// CHECK: %[[Q2:.+]] = infer.quantize %[[R]] : tensor<1x16x4x4xf32> -> tensor<1x16x4x4x!quant.uniform<i8<-127:127>:f32, 0.0999{{[0-9]+}}>>
// CHECK: %[[D2:.+]] = infer.dequantize %[[Q2]]
// CHECK: infer.conv %[[D2]]
// CHECK: infer.conv %[[D]]
// CHECK-NOT: infer.quantize
// CHECK: return
// With max-error=0.1 and a cache that says int8 costs relu_out 0.2 relative
// L2 (x 0.01), the convolution reading relu_out stays float (a remark says
// why); those reading x are quantized.
// MAXERR: remark: stays float: int8 costs its input 'relu_out' 0.2 relative L2 (max-error 0.1)
// MAXERR-LABEL: func.func @conv
// MAXERR: infer.quantize %arg0
// MAXERR-NOT: infer.quantize
// MAXERR: return
func.func @conv(%x: tensor<1x16x4x4xf32> {infer.name = "x"}) -> (tensor<1x16x4x4xf32>, tensor<1x16x4x4xf32>, tensor<1x16x4x4xf32>) {
  %w = infer.constant dense<0.5> : tensor<16x16x1x1xf32>
  %w3 = infer.constant dense<0.25> : tensor<16x16x1x1xf32>
  %c = infer.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 {infer.tensor_name = "conv_out"} : (tensor<1x16x4x4xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x4x4xf32>
  %r = infer.unary relu %c {infer.tensor_name = "relu_out"} : tensor<1x16x4x4xf32> -> tensor<1x16x4x4xf32>
  %c2 = infer.conv %r, %w3 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 {infer.tensor_name = "conv2_out"} : (tensor<1x16x4x4xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x4x4xf32>
  %c3 = infer.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 {infer.tensor_name = "conv3_out"} : (tensor<1x16x4x4xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x4x4xf32>
  %n = infer.unary neg %c3 {infer.tensor_name = "unnamed_in_cache"} : tensor<1x16x4x4xf32> -> tensor<1x16x4x4xf32>
  %c4 = infer.conv %n, %w3 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x16x4x4xf32>, tensor<16x16x1x1xf32>) -> tensor<1x16x4x4xf32>
  return %c2, %c3, %c4 : tensor<1x16x4x4xf32>, tensor<1x16x4x4xf32>, tensor<1x16x4x4xf32>
}

// -----

// Tests what stays float although its input has a range: a grouped
// convolution, a product of two activations, an input of range 0, and a
// node named in keep (KEEP).
// CHECK-LABEL: func.func @declined
// CHECK-NOT: infer.quantize
// CHECK: return
// KEEP-LABEL: func.func @gemm
// KEEP-NOT: infer.quantize
// KEEP: return
func.func @declined(%x: tensor<1x16x4x4xf32> {infer.name = "x"}, %z: tensor<4x4xf32> {infer.name = "zero"}) -> (tensor<1x16x4x4xf32>, tensor<1x16x4x4xf32>, tensor<4x4xf32>) {
  %w = infer.constant dense<0.5> : tensor<16x1x1x1xf32>
  %c = infer.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 16 : (tensor<1x16x4x4xf32>, tensor<16x1x1x1xf32>) -> tensor<1x16x4x4xf32>
  %m = infer.matmul %x, %x : (tensor<1x16x4x4xf32>, tensor<1x16x4x4xf32>) -> tensor<1x16x4x4xf32>
  %k = infer.constant dense<1.0> : tensor<4x4xf32>
  %g = infer.matmul %z, %k : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  return %c, %m, %g : tensor<1x16x4x4xf32>, tensor<1x16x4x4xf32>, tensor<4x4xf32>
}

// -----

// Tests that a gemm's activation is quantized, and that keep=fc2 leaves
// the node fc2 in float; --quantize (infer-quantize, infer-fold-qdq) makes
// it an int8 gemm.
// PIPE-LABEL: func.func @gemm
// PIPE: infer.gemm %{{.+}}, %{{.+}} alpha {{.*}} trans_b : (tensor<2x8x!quant.uniform<i8<-127:127>:f32, 2.000000e-02>>, tensor<4x8x!quant.uniform<i8<-127:127>:f32:0, {{.*}}>>) -> tensor<2x4xf32>
// CHECK-LABEL: func.func @gemm
// CHECK: infer.quantize %arg0
// CHECK: infer.gemm
#fc2 = loc("fc2")
func.func @gemm(%x: tensor<2x8xf32> {infer.name = "x"}) -> tensor<2x4xf32> {
  %w = infer.constant dense<0.5> : tensor<4x8xf32>
  %y = infer.gemm %x, %w alpha 1.0 beta 1.0 trans_b : (tensor<2x8xf32>, tensor<4x8xf32>) -> tensor<2x4xf32> loc(#fc2)
  return %y : tensor<2x4xf32>
}
