// RUN: infer-opt %s --infer-fold-qdq --split-input-file | FileCheck %s

!q = !quant.uniform<i8<-127:127>:f32, 0.02>

// Tests that a dequantize moves below a transpose and an im2col, and that
// the matmul of the dequantized activation and a float weight takes the
// int8 activation and the weight quantized per column (column 0: max 1.27,
// scale 0.01, 0.5 -> 50; column 1: max 2.54, scale 0.02, -2.54 -> -127).
// CHECK-LABEL: func.func @product
// CHECK-DAG: %[[C:.+]] = infer.constant dense<{{\[\[}}50, 0], [127, 127], [0, -127], [-50, 64]]> : tensor<4x2xi8>
// CHECK-DAG: %[[T:.+]] = infer.transpose %arg0 perm [0, 2, 3, 1] : tensor<1x4x3x3x!quant.uniform<i8<-127:127>:f32, 2.000000e-02>> -> tensor<1x3x3x4x!quant.uniform
// CHECK: %[[I:.+]] = infer.im2col %[[T]] {{.*}} -> tensor<9x4x!quant.uniform<i8<-127:127>:f32, 2.000000e-02>>
// CHECK: %[[W:.+]] = infer.cast %[[C]] : tensor<4x2xi8> to tensor<4x2x!quant.uniform<i8<-127:127>:f32:1, {{[{]}}{{(0.0099[0-9]+|1.000000e-02)}},0.0199{{[0-9]+}}}>>
// CHECK: %[[M:.+]] = infer.matmul %[[I]], %[[W]] : (tensor<9x4x!quant.uniform<i8<-127:127>:f32, 2.000000e-02>>, tensor<4x2x!quant.uniform<i8<-127:127>:f32:1, {{[{]}}{{(0.0099[0-9]+|1.000000e-02)}},0.0199{{[0-9]+}}}>>) -> tensor<9x2xf32>
// CHECK-NOT: infer.dequantize
// CHECK: return %[[M]]
func.func @product(%q: tensor<1x4x3x3x!q>) -> tensor<9x2xf32> {
  %d = infer.dequantize %q : tensor<1x4x3x3x!q> -> tensor<1x4x3x3xf32>
  %t = infer.transpose %d perm [0, 2, 3, 1] : tensor<1x4x3x3xf32> -> tensor<1x3x3x4xf32>
  %i = infer.im2col %t kernel [1, 1] strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] : tensor<1x3x3x4xf32> -> tensor<9x4xf32>
  %w = infer.constant dense<[[0.5, 0.0], [1.27, 2.54], [0.0, -2.54], [-0.5, 1.28]]> : tensor<4x2xf32>
  %m = infer.matmul %i, %w : (tensor<9x4xf32>, tensor<4x2xf32>) -> tensor<9x2xf32>
  return %m : tensor<9x2xf32>
}

// -----

!q = !quant.uniform<i8<-127:127>:f32, 0.02>

// Tests a convolution (weights per output channel, axis 0) and a gemm with
// a transposed weight (axis 0), each keeping its float bias.
// CHECK-LABEL: func.func @conv_gemm
// CHECK: infer.conv %arg0, %{{.+}}, %{{.+}} strides {{.*}} : (tensor<1x2x4x4x!quant.uniform<i8<-127:127>:f32, 2.000000e-02>>, tensor<3x2x1x1x!quant.uniform<i8<-127:127>:f32:0, {{.*}}>>, tensor<3xf32>) -> tensor<1x3x4x4xf32>
// CHECK: infer.gemm %arg1, %{{.+}}, %{{.+}} alpha {{.*}} trans_b : (tensor<2x8x!quant.uniform<i8<-127:127>:f32, 2.000000e-02>>, tensor<4x8x!quant.uniform<i8<-127:127>:f32:0, {{.*}}>>, tensor<4xf32>) -> tensor<2x4xf32>
func.func @conv_gemm(%q: tensor<1x2x4x4x!q>, %p: tensor<2x8x!q>) -> (tensor<1x3x4x4xf32>, tensor<2x4xf32>) {
  %d = infer.dequantize %q : tensor<1x2x4x4x!q> -> tensor<1x2x4x4xf32>
  %w = infer.constant dense<0.5> : tensor<3x2x1x1xf32>
  %b = infer.constant dense<0.1> : tensor<3xf32>
  %c = infer.conv %d, %w, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x2x4x4xf32>, tensor<3x2x1x1xf32>, tensor<3xf32>) -> tensor<1x3x4x4xf32>
  %e = infer.dequantize %p : tensor<2x8x!q> -> tensor<2x8xf32>
  %v = infer.constant dense<0.25> : tensor<4x8xf32>
  %c2 = infer.constant dense<0.1> : tensor<4xf32>
  %g = infer.gemm %e, %v, %c2 alpha 1.0 beta 1.0 trans_b : (tensor<2x8xf32>, tensor<4x8xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %c, %g : tensor<1x3x4x4xf32>, tensor<2x4xf32>
}

// -----

!z = !quant.uniform<i8:f32, 0.02:5>
!q = !quant.uniform<i8<-127:127>:f32, 0.02>

// Tests what stays in the Q/DQ form: an activation with a zero point, a
// weight that is not constant, a grouped convolution, and a pad of a value
// other than 0 (three dequantizes: the pad shares one).
// CHECK-LABEL: func.func @kept
// CHECK-COUNT-3: infer.dequantize
// CHECK-NOT: tensor<{{.*}}xi8>
// CHECK: return
func.func @kept(%z: tensor<2x8x!z>, %q: tensor<2x8x!q>, %w: tensor<8x4xf32>, %g: tensor<1x2x4x4x!q>) -> (tensor<2x4xf32>, tensor<2x4xf32>, tensor<1x2x4x4xf32>, tensor<2x10xf32>) {
  %k = infer.constant dense<0.5> : tensor<8x4xf32>
  %d = infer.dequantize %z : tensor<2x8x!z> -> tensor<2x8xf32>
  %m = infer.matmul %d, %k : (tensor<2x8xf32>, tensor<8x4xf32>) -> tensor<2x4xf32>
  %e = infer.dequantize %q : tensor<2x8x!q> -> tensor<2x8xf32>
  %n = infer.matmul %e, %w : (tensor<2x8xf32>, tensor<8x4xf32>) -> tensor<2x4xf32>
  %f = infer.dequantize %g : tensor<1x2x4x4x!q> -> tensor<1x2x4x4xf32>
  %gw = infer.constant dense<0.5> : tensor<2x1x1x1xf32>
  %c = infer.conv %f, %gw strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 2 : (tensor<1x2x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %p = infer.pad constant %e pads [0, 1, 0, 1] value 1.0 : tensor<2x8xf32> -> tensor<2x10xf32>
  return %m, %n, %c, %p : tensor<2x4xf32>, tensor<2x4xf32>, tensor<1x2x4x4xf32>, tensor<2x10xf32>
}

// -----

!q = !quant.uniform<i8<-127:127>:f32, 0.02>

// Tests that quantize(dequantize(x)) of one type is x, and that the
// storage round trip an imported QuantizeLinear / DequantizeLinear pair
// leaves cancels.
// CHECK-LABEL: func.func @round_trips
// CHECK-NEXT: return %arg0, %arg0
func.func @round_trips(%q: tensor<4x!q>) -> (tensor<4x!q>, tensor<4x!q>) {
  %d = infer.dequantize %q : tensor<4x!q> -> tensor<4xf32>
  %r = infer.quantize %d : tensor<4xf32> -> tensor<4x!q>
  %s = infer.cast %q : tensor<4x!q> to tensor<4xi8>
  %t = infer.cast %s : tensor<4xi8> to tensor<4x!q>
  return %r, %t : tensor<4x!q>, tensor<4x!q>
}

// -----

!q = !quant.uniform<i8<-127:127>:f32, 0.02>

// Tests that a weight already on an int8 grid (an exported model's int8
// weight, dequantized at import) keeps its integers: its smallest magnitude
// per column is a whole number k of steps and every value a whole multiple
// of the step within 127 steps, the first such k taken (column 0: 0.02
// times [1, -3]; column 1: 1.0 times [1, 63]; column 2: 0.5 times [2, 3],
// whose smallest value is two steps), where max / 127 would have rounded
// them.
// CHECK-LABEL: func.func @on_grid
// CHECK: infer.constant dense<{{\[\[}}1, 1, 2], [-3, 63, 3]]> : tensor<2x3xi8>
// CHECK: tensor<2x3x!quant.uniform<i8<-127:127>:f32:1, {0.0199{{[0-9]+}},1.000000e+00,5.000000e-01}>>
func.func @on_grid(%q: tensor<4x2x!q>) -> tensor<4x3xf32> {
  %d = infer.dequantize %q : tensor<4x2x!q> -> tensor<4x2xf32>
  %w = infer.constant dense<[[0.02, 1.0, 1.0], [-0.06, 63.0, 1.5]]> : tensor<2x3xf32>
  %m = infer.matmul %d, %w : (tensor<4x2xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
  return %m : tensor<4x3xf32>
}

// -----

!q = !quant.uniform<i8<-127:127>:f32, 0.02>

// Tests that a per-tensor quantize moves above a max pool and a reshape
// (the pool then moves int8), and not above an average pool.
// CHECK-LABEL: func.func @hoist
// CHECK: %[[Q:.+]] = infer.quantize %arg0 : tensor<1x8x8x4xf32>
// CHECK: %[[P:.+]] = infer.pool max %[[Q]] {{.*}} -> tensor<1x4x4x4x!quant.uniform
// CHECK: infer.pool avg %arg1
// CHECK: infer.quantize %{{.+}} : tensor<1x4x4x4xf32>
// CHECK: %[[R:.+]] = infer.quantize %arg2 : tensor<64xf32>
// CHECK: infer.reshape %[[R]] : tensor<64x!quant.uniform{{.*}}> -> tensor<4x16x!quant.uniform
func.func @hoist(%x: tensor<1x8x8x4xf32>, %y: tensor<1x8x8x4xf32>, %z: tensor<64xf32>) -> (tensor<1x4x4x4x!q>, tensor<1x4x4x4x!q>, tensor<4x16x!q>) {
  %p = infer.pool max %x kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] channels_last : tensor<1x8x8x4xf32> -> tensor<1x4x4x4xf32>
  %q = infer.quantize %p : tensor<1x4x4x4xf32> -> tensor<1x4x4x4x!q>
  %a = infer.pool avg %y kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] channels_last : tensor<1x8x8x4xf32> -> tensor<1x4x4x4xf32>
  %b = infer.quantize %a : tensor<1x4x4x4xf32> -> tensor<1x4x4x4x!q>
  %r = infer.reshape %z : tensor<64xf32> -> tensor<4x16xf32>
  %s = infer.quantize %r : tensor<4x16xf32> -> tensor<4x16x!q>
  return %q, %b, %s : tensor<1x4x4x4x!q>, tensor<1x4x4x4x!q>, tensor<4x16x!q>
}

// -----

!q = !quant.uniform<i8<-127:127>:f32, 0.02>
!u = !quant.uniform<u8:f32, 0.02:128>

// Tests that a ReLU moves ahead of the quantize round trip before it
// (onnxruntime's QDQ models: conv, Q, DQ, ReLU, Q), so that the ReLU meets
// the product and the requantize with one type disappears; not when the
// round trip's tensor has another reader, nor for a zero point other than 0
// (ReLU does not commute with that rounding's clamp at 0).
// CHECK-LABEL: func.func @relu
// CHECK: %[[R:.+]] = infer.unary relu %arg0 : tensor<8xf32>
// CHECK: %[[Q:.+]] = infer.quantize %[[R]] : tensor<8xf32> -> tensor<8x!quant.uniform<i8<-127:127>:f32, 2.000000e-02>>
// CHECK-NOT: infer.dequantize %[[Q]]
// CHECK: %[[Q2:.+]] = infer.quantize %arg1
// CHECK: %[[D2:.+]] = infer.dequantize %[[Q2]]
// CHECK: infer.unary relu %[[D2]]
// CHECK: %[[Q3:.+]] = infer.quantize %arg2 : tensor<8xf32> -> tensor<8x!quant.uniform<u8:f32, 2.000000e-02:128>>
// CHECK: %[[D3:.+]] = infer.dequantize %[[Q3]]
// CHECK: infer.unary relu %[[D3]]
// CHECK: return %[[Q]]
func.func @relu(%x: tensor<8xf32>, %y: tensor<8xf32>, %z: tensor<8xf32>) -> (tensor<8x!q>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) {
  %q = infer.quantize %x : tensor<8xf32> -> tensor<8x!q>
  %d = infer.dequantize %q : tensor<8x!q> -> tensor<8xf32>
  %r = infer.unary relu %d : tensor<8xf32> -> tensor<8xf32>
  %o = infer.quantize %r : tensor<8xf32> -> tensor<8x!q>
  %q2 = infer.quantize %y : tensor<8xf32> -> tensor<8x!q>
  %d2 = infer.dequantize %q2 : tensor<8x!q> -> tensor<8xf32>
  %r2 = infer.unary relu %d2 : tensor<8xf32> -> tensor<8xf32>
  %q3 = infer.quantize %z : tensor<8xf32> -> tensor<8x!u>
  %d3 = infer.dequantize %q3 : tensor<8x!u> -> tensor<8xf32>
  %r3 = infer.unary relu %d3 : tensor<8xf32> -> tensor<8xf32>
  return %o, %r2, %d2, %r3 : tensor<8x!q>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>
}
