// A conv_i8 tile set before the heuristic runs (by hand, as here, or from
// a tuning cache) is kept, and on AVX2 (`vl = 8`) a convolution whose input
// is never negative (a ReLU's, through its quantize) is still marked
// `infer.unsigned_input`; one whose input may be negative is not, nor is
// any with a 16-lane tile (vpdpbusd reads every input the same way). The
// mark written by hand on the convolution whose input may be negative is
// removed. Average pooling of a ReLU's values is never negative (marked);
// their sum with values that may be negative is not.
// RUN: infer-opt %s --infer-cpu-select-config=cpu=x86-64-v3 | FileCheck %s
// RUN: sed 's/vl = 8/vl = 16/' %s | infer-opt --infer-cpu-select-config=cpu=znver4 | FileCheck %s --check-prefix=VNNI
// CHECK: infer.conv {{.+}} {infer.tile = #infer.cpu_tile<conv_i8, mr = 2, nv = 1, vl = 8>, infer.unsigned_input}
// CHECK: infer.conv {{.+}} {infer.tile = #infer.cpu_tile<conv_i8, mr = 2, nv = 1, vl = 8>} :
// CHECK: infer.conv {{.+}} {infer.tile = #infer.cpu_tile<conv_i8, mr = 2, nv = 1, vl = 8>, infer.unsigned_input}
// CHECK: infer.conv {{.+}} {infer.tile = #infer.cpu_tile<conv_i8, mr = 2, nv = 1, vl = 8>} :
// VNNI-NOT: infer.unsigned_input
// VNNI-COUNT-4: infer.tile = #infer.cpu_tile<conv_i8, mr = 2, nv = 1, vl = 16>}
// VNNI-NOT: infer.unsigned_input
!q = !quant.uniform<i8<-127:127>:f32, 2.000000e-02>
!w = !quant.uniform<i8<-127:127>:f32:0, {2.5e-01,2.5e-01,2.5e-01,2.5e-01,2.5e-01,2.5e-01,2.5e-01,2.5e-01}>
func.func @main(%x: tensor<1x16x40x40xf32>) -> (tensor<1x8x40x40xf32>, tensor<1x8x40x40xf32>, tensor<1x8x40x40xf32>, tensor<1x8x40x40xf32>) {
  %w = infer.constant dense_resource<w> : tensor<8x16x1x1x!w>
  %r = infer.unary relu %x : tensor<1x16x40x40xf32> -> tensor<1x16x40x40xf32>
  %qr = infer.quantize %r : tensor<1x16x40x40xf32> -> tensor<1x16x40x40x!q>
  %qx = infer.quantize %x : tensor<1x16x40x40xf32> -> tensor<1x16x40x40x!q>
  %u = infer.conv %qr, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 {infer.tile = #infer.cpu_tile<conv_i8, mr = 2, nv = 1, vl = 8>} : (tensor<1x16x40x40x!q>, tensor<8x16x1x1x!w>) -> tensor<1x8x40x40xf32>
  %s = infer.conv %qx, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 {infer.tile = #infer.cpu_tile<conv_i8, mr = 2, nv = 1, vl = 8>, infer.unsigned_input} : (tensor<1x16x40x40x!q>, tensor<8x16x1x1x!w>) -> tensor<1x8x40x40xf32>
  %p = infer.pool avg %r kernel [3, 3] strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] : tensor<1x16x40x40xf32> -> tensor<1x16x40x40xf32>
  %qp = infer.quantize %p : tensor<1x16x40x40xf32> -> tensor<1x16x40x40x!q>
  %a = infer.conv %qp, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 {infer.tile = #infer.cpu_tile<conv_i8, mr = 2, nv = 1, vl = 8>} : (tensor<1x16x40x40x!q>, tensor<8x16x1x1x!w>) -> tensor<1x8x40x40xf32>
  %n = infer.binary add %r, %x : (tensor<1x16x40x40xf32>, tensor<1x16x40x40xf32>) -> tensor<1x16x40x40xf32>
  %qn = infer.quantize %n : tensor<1x16x40x40xf32> -> tensor<1x16x40x40x!q>
  %c = infer.conv %qn, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 {infer.tile = #infer.cpu_tile<conv_i8, mr = 2, nv = 1, vl = 8>} : (tensor<1x16x40x40x!q>, tensor<8x16x1x1x!w>) -> tensor<1x8x40x40xf32>
  return %u, %s, %a, %c : tensor<1x8x40x40xf32>, tensor<1x8x40x40xf32>, tensor<1x8x40x40xf32>, tensor<1x8x40x40xf32>
}
{-# dialect_resources: { builtin: { w: "0x010000004040404040404040404040404040404040404040404040404040404040404040404040404040404040404040404040404040404040404040404040404040404040404040404040404040404040404040404040404040404040404040404040404040404040404040404040404040404040404040404040404040404040404040" } } #-}
