// RUN: infer-opt %s | infer-opt | FileCheck %s
// RUN: infer-opt %s --mlir-print-op-generic | infer-opt | FileCheck %s

// Tests that every infer op round-trips through its custom and its generic
// form.

// CHECK-LABEL: func.func @constants
func.func @constants() -> (tensor<2xi64>, tensor<2x2xf32>) {
  // CHECK: infer.constant dense<[1, -1]> : tensor<2xi64>
  %0 = infer.constant dense<[1, -1]> : tensor<2xi64>
  // CHECK: infer.constant dense_resource<blob> : tensor<2x2xf32>
  %1 = infer.constant dense_resource<blob> : tensor<2x2xf32>
  return %0, %1 : tensor<2xi64>, tensor<2x2xf32>
}

// CHECK-LABEL: func.func @conv
func.func @conv(%x: tensor<1x4x8x8xf32>, %w: tensor<8x2x3x3xf32>, %b: tensor<8xf32>,
                %x3: tensor<?x2x4x4x4xf16>, %w3: tensor<4x2x1x1x1xf16>,
                %xl: tensor<1x8x8x4xf32>) {
  // CHECK: infer.conv %{{.*}}, %{{.*}}, %{{.*}} strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] group 2 : (tensor<1x4x8x8xf32>, tensor<8x2x3x3xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
  %0 = infer.conv %x, %w, %b strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] group 2
       : (tensor<1x4x8x8xf32>, tensor<8x2x3x3xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
  // CHECK: infer.conv %{{.*}}, %{{.*}} strides [1, 1, 1] pads [0, 0, 0, 0, 0, 0] dilations [1, 1, 1] group 1 : (tensor<?x2x4x4x4xf16>, tensor<4x2x1x1x1xf16>) -> tensor<?x4x4x4x4xf16>
  %1 = infer.conv %x3, %w3 strides [1, 1, 1] pads [0, 0, 0, 0, 0, 0] dilations [1, 1, 1] group 1
       : (tensor<?x2x4x4x4xf16>, tensor<4x2x1x1x1xf16>) -> tensor<?x4x4x4x4xf16>
  // CHECK: infer.conv %{{.*}}, %{{.*}}, %{{.*}} strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] group 2 channels_last : (tensor<1x8x8x4xf32>, tensor<8x2x3x3xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %2 = infer.conv %xl, %w, %b strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] group 2 channels_last
       : (tensor<1x8x8x4xf32>, tensor<8x2x3x3xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  return
}

// CHECK-LABEL: func.func @conv_transpose
func.func @conv_transpose(%x: tensor<1x8x4x4xf32>, %w: tensor<8x2x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x8x8xf32> {
  // CHECK: infer.conv_transpose %{{.*}}, %{{.*}}, %{{.*}} strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] output_padding [1, 1] group 2
  %0 = infer.conv_transpose %x, %w, %b strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] output_padding [1, 1] group 2
       : (tensor<1x8x4x4xf32>, tensor<8x2x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// CHECK-LABEL: func.func @matmul_gemm
func.func @matmul_gemm(%a: tensor<8x16x32xbf16>, %b: tensor<32x4xbf16>, %v: tensor<32xbf16>,
                       %g: tensor<3x5xf32>, %h: tensor<4x5xf32>, %c: tensor<4xf32>) {
  // CHECK: infer.matmul %{{.*}}, %{{.*}} : (tensor<8x16x32xbf16>, tensor<32x4xbf16>) -> tensor<8x16x4xbf16>
  %0 = infer.matmul %a, %b : (tensor<8x16x32xbf16>, tensor<32x4xbf16>) -> tensor<8x16x4xbf16>
  // CHECK: infer.matmul %{{.*}}, %{{.*}} : (tensor<8x16x32xbf16>, tensor<32xbf16>) -> tensor<8x16xbf16>
  %1 = infer.matmul %a, %v : (tensor<8x16x32xbf16>, tensor<32xbf16>) -> tensor<8x16xbf16>
  // CHECK: infer.gemm %{{.*}}, %{{.*}}, %{{.*}} alpha 5.000000e-01 beta 1.000000e+00 trans_b : (tensor<3x5xf32>, tensor<4x5xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  %2 = infer.gemm %g, %h, %c alpha 0.5 beta 1.0 trans_b
       : (tensor<3x5xf32>, tensor<4x5xf32>, tensor<4xf32>) -> tensor<3x4xf32>
  // CHECK: infer.gemm %{{.*}}, %{{.*}} alpha 1.000000e+00 beta 0.000000e+00 trans_a trans_b : (tensor<3x5xf32>, tensor<4x3xf32>) -> tensor<5x4xf32>
  %h2 = infer.constant dense<1.0> : tensor<4x3xf32>
  %3 = infer.gemm %g, %h2 alpha 1.0 beta 0.0 trans_a trans_b
       : (tensor<3x5xf32>, tensor<4x3xf32>) -> tensor<5x4xf32>
  return
}

// CHECK-LABEL: func.func @pooling
func.func @pooling(%x: tensor<1x8x9x9xf32>, %xl: tensor<1x9x9x8xf32>) {
  // CHECK: infer.pool max %{{.*}} kernel [3, 3] strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] : tensor<1x8x9x9xf32> -> tensor<1x8x5x5xf32>
  %0 = infer.pool max %x kernel [3, 3] strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1]
       : tensor<1x8x9x9xf32> -> tensor<1x8x5x5xf32>
  // CHECK: infer.pool max %{{.*}} kernel [3, 3] strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] channels_last : tensor<1x9x9x8xf32> -> tensor<1x5x5x8xf32>
  %l = infer.pool max %xl kernel [3, 3] strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] channels_last
       : tensor<1x9x9x8xf32> -> tensor<1x5x5x8xf32>
  // CHECK: infer.pool avg %{{.*}} kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] ceil_mode count_include_pad : tensor<1x8x9x9xf32> -> tensor<1x8x5x5xf32>
  %1 = infer.pool avg %x kernel [2, 2] strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] ceil_mode count_include_pad
       : tensor<1x8x9x9xf32> -> tensor<1x8x5x5xf32>
  // CHECK: infer.pool lp %{{.*}} {p = 3 : i64}
  %2 = infer.pool lp %x kernel [3, 3] strides [3, 3] pads [0, 0, 0, 0] dilations [1, 1] {p = 3 : i64}
       : tensor<1x8x9x9xf32> -> tensor<1x8x3x3xf32>
  // CHECK: infer.global_pool avg %{{.*}} : tensor<1x8x9x9xf32> -> tensor<1x8x1x1xf32>
  %3 = infer.global_pool avg %x : tensor<1x8x9x9xf32> -> tensor<1x8x1x1xf32>
  // CHECK: infer.global_pool max %{{.*}} : tensor<1x8x9x9xf32> -> tensor<1x8x1x1xf32>
  %4 = infer.global_pool max %x : tensor<1x8x9x9xf32> -> tensor<1x8x1x1xf32>
  return
}

// CHECK-LABEL: func.func @normalization
func.func @normalization(%x: tensor<2x16x64xf32>, %g: tensor<64xf32>, %b: tensor<64xf32>,
                         %y: tensor<1x16x4x4xf32>, %c: tensor<16xf32>) {
  // CHECK: infer.softmax %{{.*}} axis 2 : tensor<2x16x64xf32>
  %0 = infer.softmax %x axis 2 : tensor<2x16x64xf32>
  // CHECK: infer.log_softmax %{{.*}} axis 0 : tensor<2x16x64xf32>
  %1 = infer.log_softmax %x axis 0 : tensor<2x16x64xf32>
  // CHECK: infer.layer_norm %{{.*}}, %{{.*}}, %{{.*}} axis 2 epsilon 9.99999974E-6 : (tensor<2x16x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<2x16x64xf32>
  %2 = infer.layer_norm %x, %g, %b axis 2 epsilon 1.0e-5
       : (tensor<2x16x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<2x16x64xf32>
  // CHECK: infer.layer_norm %{{.*}}, %{{.*}} axis 2 epsilon
  %3 = infer.layer_norm %x, %g axis 2 epsilon 1.0e-5
       : (tensor<2x16x64xf32>, tensor<64xf32>) -> tensor<2x16x64xf32>
  // CHECK: infer.batch_norm %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} epsilon
  %4 = infer.batch_norm %y, %c, %c, %c, %c epsilon 1.0e-5
       : (tensor<1x16x4x4xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<1x16x4x4xf32>
  return
}

// CHECK-LABEL: func.func @elementwise
func.func @elementwise(%x: tensor<2x3xf32>, %r: tensor<3xf32>, %i: tensor<2x3xi32>, %c: tensor<2x1xi1>) {
  // CHECK: infer.unary relu %{{.*}} : tensor<2x3xf32> -> tensor<2x3xf32>
  %0 = infer.unary relu %x : tensor<2x3xf32> -> tensor<2x3xf32>
  // CHECK: infer.unary leaky_relu %{{.*}} alpha 0.00999999977 : tensor<2x3xf32> -> tensor<2x3xf32>
  %1 = infer.unary leaky_relu %x alpha 0.01 : tensor<2x3xf32> -> tensor<2x3xf32>
  // CHECK: infer.unary clip %{{.*}} alpha 0.000000e+00 beta 6.000000e+00 : tensor<2x3xf32> -> tensor<2x3xf32>
  %2 = infer.unary clip %x alpha 0.0 beta 6.0 : tensor<2x3xf32> -> tensor<2x3xf32>
  // CHECK: infer.unary is_nan %{{.*}} : tensor<2x3xf32> -> tensor<2x3xi1>
  %3 = infer.unary is_nan %x : tensor<2x3xf32> -> tensor<2x3xi1>
  // CHECK: infer.unary not %{{.*}} : tensor<2x1xi1> -> tensor<2x1xi1>
  %4 = infer.unary not %c : tensor<2x1xi1> -> tensor<2x1xi1>
  // CHECK: infer.unary abs %{{.*}} : tensor<2x3xi32> -> tensor<2x3xi32>
  %5 = infer.unary abs %i : tensor<2x3xi32> -> tensor<2x3xi32>
  // CHECK: infer.binary add %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %6 = infer.binary add %x, %r : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: infer.binary less_equal %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  %7 = infer.binary less_equal %x, %r : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xi1>
  // CHECK: infer.binary and %{{.*}}, %{{.*}} : (tensor<2x3xi1>, tensor<2x1xi1>) -> tensor<2x3xi1>
  %8 = infer.binary and %7, %c : (tensor<2x3xi1>, tensor<2x1xi1>) -> tensor<2x3xi1>
  // CHECK: infer.binary shift_left %{{.*}}, %{{.*}} : (tensor<2x3xi32>, tensor<2x3xi32>) -> tensor<2x3xi32>
  %9 = infer.binary shift_left %i, %i : (tensor<2x3xi32>, tensor<2x3xi32>) -> tensor<2x3xi32>
  // CHECK: infer.binary pow %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<2x3xi32>) -> tensor<2x3xf32>
  %10 = infer.binary pow %x, %i : (tensor<2x3xf32>, tensor<2x3xi32>) -> tensor<2x3xf32>
  // CHECK: infer.where %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x1xi1>, tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %11 = infer.where %c, %x, %r : (tensor<2x1xi1>, tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: infer.cast %{{.*}} : tensor<2x3xf32> to tensor<2x3xf16>
  %12 = infer.cast %x : tensor<2x3xf32> to tensor<2x3xf16>
  // CHECK: infer.cast %{{.*}} saturate : tensor<2x3xf32> to tensor<2x3xi32>
  %13 = infer.cast %x saturate : tensor<2x3xf32> to tensor<2x3xi32>
  return
}

// CHECK-LABEL: func.func @reductions
func.func @reductions(%x: tensor<2x3x4xf32>) {
  // CHECK: infer.reduce mean %{{.*}} axes [1, 2] keep_dims : tensor<2x3x4xf32> -> tensor<2x1x1xf32>
  %0 = infer.reduce mean %x axes [1, 2] keep_dims : tensor<2x3x4xf32> -> tensor<2x1x1xf32>
  // CHECK: infer.reduce log_sum_exp %{{.*}} axes [] : tensor<2x3x4xf32> -> tensor<f32>
  %1 = infer.reduce log_sum_exp %x axes [] : tensor<2x3x4xf32> -> tensor<f32>
  // CHECK: infer.arg_reduce max %{{.*}} axis 2 : tensor<2x3x4xf32> -> tensor<2x3xi64>
  %2 = infer.arg_reduce max %x axis 2 : tensor<2x3x4xf32> -> tensor<2x3xi64>
  // CHECK: infer.arg_reduce min %{{.*}} axis 0 keep_dims select_last_index : tensor<2x3x4xf32> -> tensor<1x3x4xi64>
  %3 = infer.arg_reduce min %x axis 0 keep_dims select_last_index : tensor<2x3x4xf32> -> tensor<1x3x4xi64>
  return
}

// CHECK-LABEL: func.func @data_movement
func.func @data_movement(%x: tensor<2x3x4xf32>, %i: tensor<5xi64>, %y: tensor<2x6x4xf32>, %img: tensor<1x8x8x16xf16>) {
  // CHECK: infer.reshape %{{.*}} : tensor<2x3x4xf32> -> tensor<6x4xf32>
  %0 = infer.reshape %x : tensor<2x3x4xf32> -> tensor<6x4xf32>
  // CHECK: infer.transpose %{{.*}} perm [2, 0, 1] : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  %1 = infer.transpose %x perm [2, 0, 1] : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  // CHECK: infer.concat %{{.*}}, %{{.*}} axis 1 : (tensor<2x3x4xf32>, tensor<2x6x4xf32>) -> tensor<2x9x4xf32>
  %2 = infer.concat %x, %y axis 1 : (tensor<2x3x4xf32>, tensor<2x6x4xf32>) -> tensor<2x9x4xf32>
  // CHECK: infer.split %{{.*}} axis 1 : tensor<2x6x4xf32> -> tensor<2x2x4xf32>, tensor<2x4x4xf32>
  %3:2 = infer.split %y axis 1 : tensor<2x6x4xf32> -> tensor<2x2x4xf32>, tensor<2x4x4xf32>
  // CHECK: infer.slice %{{.*}} starts [0, 2, 3] ends [2, -1, 0] steps [1, -2, -1] : tensor<2x3x4xf32> -> tensor<2x2x3xf32>
  %4 = infer.slice %x starts [0, 2, 3] ends [2, -1, 0] steps [1, -2, -1] : tensor<2x3x4xf32> -> tensor<2x2x3xf32>
  // CHECK: infer.gather %{{.*}}, %{{.*}} axis 2 : (tensor<2x3x4xf32>, tensor<5xi64>) -> tensor<2x3x5xf32>
  %5 = infer.gather %x, %i axis 2 : (tensor<2x3x4xf32>, tensor<5xi64>) -> tensor<2x3x5xf32>
  // CHECK: infer.sparse24 %{{.*}}, %{{.*}} : (tensor<4x16xf16>, tensor<4x2xi16>) -> tensor<4x32xf16>
  %sv = infer.constant dense<1.0> : tensor<4x16xf16>
  %sm = infer.constant dense<17476> : tensor<4x2xi16>
  %sp = infer.sparse24 %sv, %sm : (tensor<4x16xf16>, tensor<4x2xi16>) -> tensor<4x32xf16>
  // CHECK: infer.im2col %{{.*}} kernel [3, 3] strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] : tensor<1x8x8x16xf16> -> tensor<16x144xf16>
  %im = infer.im2col %img kernel [3, 3] strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] : tensor<1x8x8x16xf16> -> tensor<16x144xf16>
  // CHECK: infer.check index %{{.*}} bound 4 : tensor<5xi64> -> tensor<i1>
  %c0 = infer.check index %i bound 4 : tensor<5xi64> -> tensor<i1>
  // CHECK: infer.check nonzero %{{.*}} : tensor<5xi64> -> tensor<i1>
  %c1 = infer.check nonzero %i : tensor<5xi64> -> tensor<i1>
  // CHECK: infer.pad constant %{{.*}} pads [0, 1, 1, 0, 1, 1] value 5.000000e-01 : tensor<2x3x4xf32> -> tensor<2x5x6xf32>
  %6 = infer.pad constant %x pads [0, 1, 1, 0, 1, 1] value 0.5 : tensor<2x3x4xf32> -> tensor<2x5x6xf32>
  // CHECK: infer.pad reflect %{{.*}} pads [0, 0, 2, 0, 0, 1] value 0.000000e+00 : tensor<2x3x4xf32> -> tensor<2x3x7xf32>
  %7 = infer.pad reflect %x pads [0, 0, 2, 0, 0, 1] value 0.0 : tensor<2x3x4xf32> -> tensor<2x3x7xf32>
  // CHECK: infer.resize nearest %{{.*}} scales [1.000000e+00, 2.000000e+00, 2.000000e+00] coordinate_mode asymmetric nearest_mode floor : tensor<2x3x4xf32> -> tensor<2x6x8xf32>
  %8 = infer.resize nearest %x scales [1.0, 2.0, 2.0] coordinate_mode asymmetric nearest_mode floor
       : tensor<2x3x4xf32> -> tensor<2x6x8xf32>
  // CHECK: infer.resize cubic %{{.*}} scales [1.000000e+00, 5.000000e-01, 5.000000e-01] coordinate_mode half_pixel exclude_outside {cubic_coeff_a = -5.000000e-01 : f32} : tensor<2x3x4xf32> -> tensor<2x1x2xf32>
  %9 = infer.resize cubic %x scales [1.0, 0.5, 0.5] coordinate_mode half_pixel exclude_outside {cubic_coeff_a = -0.5 : f32}
       : tensor<2x3x4xf32> -> tensor<2x1x2xf32>
  // CHECK: infer.expand %{{.*}} : tensor<2x3x4xf32> -> tensor<5x2x3x4xf32>
  %10 = infer.expand %x : tensor<2x3x4xf32> -> tensor<5x2x3x4xf32>
  return
}

// CHECK-LABEL: func.func @quantization
func.func @quantization(%x: tensor<4x2xf32>) -> tensor<4x2xf32> {
  // CHECK: infer.quantize %{{.*}} : tensor<4x2xf32> -> tensor<4x2x!quant.uniform<i8:f32, 5.000000e-01:3>>
  %q = infer.quantize %x : tensor<4x2xf32> -> tensor<4x2x!quant.uniform<i8:f32, 0.5:3>>
  // CHECK: infer.dequantize %{{.*}} : tensor<4x2x!quant.uniform<i8:f32, 5.000000e-01:3>> -> tensor<4x2xf32>
  %d = infer.dequantize %q : tensor<4x2x!quant.uniform<i8:f32, 0.5:3>> -> tensor<4x2xf32>
  // CHECK: infer.quantize %{{.*}} : tensor<4x2xf32> -> tensor<4x2x!quant.uniform<u8:f32:1, {1.000000e-01:128,2.000000e-01:127}>>
  %p = infer.quantize %x : tensor<4x2xf32> -> tensor<4x2x!quant.uniform<u8:f32:1, {0.1:128, 0.2:127}>>
  // CHECK: infer.cast %{{.*}} : tensor<4x2x!quant.uniform<i8:f32, 5.000000e-01:3>> to tensor<4x2xi8>
  %s = infer.cast %q : tensor<4x2x!quant.uniform<i8:f32, 0.5:3>> to tensor<4x2xi8>
  return %d : tensor<4x2xf32>
}

// CHECK-LABEL: func.func @indexing
func.func @indexing(%x: tensor<2x10xf32>, %i: tensor<2x3xi64>) {
  // CHECK: infer.top_k %{{.*}} axis 1 k 3 largest sorted : tensor<2x10xf32> -> tensor<2x3xf32>, tensor<2x3xi64>
  %v, %j = infer.top_k %x axis 1 k 3 largest sorted : tensor<2x10xf32> -> tensor<2x3xf32>, tensor<2x3xi64>
  // CHECK: infer.cumsum %{{.*}} axis 1 exclusive reverse : tensor<2x10xf32> -> tensor<2x10xf32>
  %c = infer.cumsum %x axis 1 exclusive reverse : tensor<2x10xf32> -> tensor<2x10xf32>
  // CHECK: infer.gather_elements %{{.*}}, %{{.*}} axis 1 : (tensor<2x10xf32>, tensor<2x3xi64>) -> tensor<2x3xf32>
  %g = infer.gather_elements %x, %i axis 1 : (tensor<2x10xf32>, tensor<2x3xi64>) -> tensor<2x3xf32>
  return
}

// CHECK-LABEL: func.func @fusion
func.func @fusion(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>,
                  %q: tensor<2x8x4xf32>, %k: tensor<2x6x4xf32>,
                  %v: tensor<2x6x5xf32>, %m: tensor<8x6xf32>) {
  // CHECK: infer.fused "conv+relu" (%{{.*}}, %{{.*}}) : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // CHECK-NEXT: ^bb0(%{{.*}}: tensor<1x3x8x8xf32>, %{{.*}}: tensor<4x3x3x3xf32>):
  // CHECK: infer.yield %{{.*}} : tensor<1x4x6x6xf32>
  %0 = infer.fused "conv+relu" (%x, %w) : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  ^bb0(%a: tensor<1x3x8x8xf32>, %b: tensor<4x3x3x3xf32>):
    %c = infer.conv %a, %b strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
    %r = infer.unary relu %c : tensor<1x4x6x6xf32> -> tensor<1x4x6x6xf32>
    infer.yield %r : tensor<1x4x6x6xf32>
  }
  // CHECK: infer.attention %{{.*}}, %{{.*}}, %{{.*}} mask %{{.*}} scale 5.000000e-01 : (tensor<2x8x4xf32>, tensor<2x6x4xf32>, tensor<2x6x5xf32>, tensor<8x6xf32>) -> tensor<2x8x5xf32>
  %1 = infer.attention %q, %k, %v mask %m scale 0.5 : (tensor<2x8x4xf32>, tensor<2x6x4xf32>, tensor<2x6x5xf32>, tensor<8x6xf32>) -> tensor<2x8x5xf32>
  return
}

{-#
  dialect_resources: {
    builtin: {
      blob: "0x040000000000803F0000004000004040000080C0"
    }
  }
#-}
