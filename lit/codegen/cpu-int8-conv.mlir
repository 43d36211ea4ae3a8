// int8 convolutions take conv_i8 (dot products over packed panels: vpdpbusd
// on 16 lanes with AVX-512 VNNI, pairs of vpmaddwd on 8-lane halves with
// AVX2, `vl = 8`, 4 rows): a 3x3 convolution on a 14x14 image (few position
// tiles: the panel is packed by a launch of its own) whose epilogue adds an
// int8 residual dequantized in registers, then ReLU and the
// requantization; a 1x1 convolution on a 40x40 image (each unit packs its
// own panel). A stride-3 convolution is not for conv_i8 (strides 1 and 2),
// nor is any convolution on a CPU without AVX2 (sandybridge): the generic
// path. On AVX2 a convolution whose input is never negative (here a ReLU's,
// through quantize and dequantize) is marked `infer.unsigned_input` (its
// bytes go to vpmaddubsw as they are); one whose input may be negative is
// not, nor is any with AVX-512 VNNI (vpdpbusd takes every input the same
// way).
// RUN: infer-compile %s --target=cpu:znver4 -o %t.vnni.infer --report=- | FileCheck %s --check-prefix=INT8
// RUN: infer-compile %s --target=cpu:skylake-avx512 -o %t.avx512.infer --report=- | FileCheck %s --check-prefix=INT8
// RUN: infer-compile %s --target=cpu:x86-64-v3 -o %t.avx2.infer --report=- | FileCheck %s --check-prefix=INT8
// RUN: infer-compile %s --target=cpu:sandybridge -o %t.avx.infer --report=- | FileCheck %s --check-prefix=AVX
// RUN: infer-compile %s --target=cpu:znver4 -o %t.ir.infer --mlir-print-ir-after=infer-cpu-select-config 2>&1 | FileCheck %s --check-prefix=TILE
// RUN: infer-compile %s --target=cpu:x86-64-v3 -o %t.ir2.infer --mlir-print-ir-after=infer-cpu-select-config 2>&1 | FileCheck %s --check-prefix=TILE2
// INT8: conv+add+relu+quantize+dequantize/conv_i8.pack int8
// INT8: conv+add+relu+quantize+dequantize/conv_i8 int8
// INT8: conv+relu+quantize/conv_i8 int8
// INT8: conv+quantize/conv_i8 int8
// INT8-NOT: conv_i8
// INT8-NOT: dequantize
// AVX-NOT: conv_i8
// TILE-NOT: infer.unsigned_input
// TILE-DAG: infer.tile = #infer.cpu_tile<conv_i8, mr = 8, nv = 2, vl = 16>} : (tensor<1x16x14x14x!quant
// TILE-DAG: infer.tile = #infer.cpu_tile<conv_i8, mr = 6, nv = 4, vl = 16>} : (tensor<1x8x40x40x!quant
// TILE-DAG: infer.conv %{{.+}}, %{{.+}} strides [3, 3] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x16x14x14x!quant
// TILE2-DAG: infer.tile = #infer.cpu_tile<conv_i8, mr = 4, nv = 1, vl = 8>} : (tensor<1x16x14x14x!quant
// TILE2-DAG: infer.tile = #infer.cpu_tile<conv_i8, mr = 4, nv = 1, vl = 8>} : (tensor<1x8x40x40x!quant
// RUN: infer-compile %s --target=cpu:x86-64-v3 -o %t.ir3.infer --mlir-print-ir-after=infer-cpu-select-config 2>&1 | FileCheck %s --check-prefix=UNSIGNED
// UNSIGNED-NOT: infer.unsigned_input
// UNSIGNED: infer.fused "conv+quantize"
// UNSIGNED: infer.conv {{.+}} {infer.tile = #infer.cpu_tile<conv_i8, mr = 4, nv = 1, vl = 8>, infer.unsigned_input} : (tensor<1x16x40x40x!quant
// UNSIGNED-NOT: infer.unsigned_input
!q = !quant.uniform<i8<-127:127>:f32, 2.000000e-02>
func.func @main(%a: tensor<1x16x14x14x!q>, %r: tensor<1x32x14x14x!q>, %b: tensor<1x8x40x40x!q>)
    -> (tensor<1x32x14x14x!q>, tensor<1x16x40x40x!q>, tensor<1x8x4x4xf32>, tensor<1x8x40x40x!q>) {
  %w3 = infer.constant dense<0.5> : tensor<32x16x3x3xf32>
  %w1 = infer.constant dense<0.25> : tensor<16x8x1x1xf32>
  %ws = infer.constant dense<0.125> : tensor<8x16x3x3xf32>
  %wu = infer.constant dense<-0.25> : tensor<8x16x1x1xf32>
  %da = infer.dequantize %a : tensor<1x16x14x14x!q> -> tensor<1x16x14x14xf32>
  %y = infer.conv %da, %w3 strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 1 : (tensor<1x16x14x14xf32>, tensor<32x16x3x3xf32>) -> tensor<1x32x14x14xf32>
  %dr = infer.dequantize %r : tensor<1x32x14x14x!q> -> tensor<1x32x14x14xf32>
  %s = infer.binary add %y, %dr : (tensor<1x32x14x14xf32>, tensor<1x32x14x14xf32>) -> tensor<1x32x14x14xf32>
  %sr = infer.unary relu %s : tensor<1x32x14x14xf32> -> tensor<1x32x14x14xf32>
  %qs = infer.quantize %sr : tensor<1x32x14x14xf32> -> tensor<1x32x14x14x!q>
  %db = infer.dequantize %b : tensor<1x8x40x40x!q> -> tensor<1x8x40x40xf32>
  %z = infer.conv %db, %w1 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x8x40x40xf32>, tensor<16x8x1x1xf32>) -> tensor<1x16x40x40xf32>
  %zr = infer.unary relu %z : tensor<1x16x40x40xf32> -> tensor<1x16x40x40xf32>
  %qz = infer.quantize %zr : tensor<1x16x40x40xf32> -> tensor<1x16x40x40x!q>
  %t = infer.conv %da, %ws strides [3, 3] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x16x14x14xf32>, tensor<8x16x3x3xf32>) -> tensor<1x8x4x4xf32>
  %dz = infer.dequantize %qz : tensor<1x16x40x40x!q> -> tensor<1x16x40x40xf32>
  %u = infer.conv %dz, %wu strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x16x40x40xf32>, tensor<8x16x1x1xf32>) -> tensor<1x8x40x40xf32>
  %qu = infer.quantize %u : tensor<1x8x40x40xf32> -> tensor<1x8x40x40x!q>
  return %qs, %qz, %t, %qu : tensor<1x32x14x14x!q>, tensor<1x16x40x40x!q>, tensor<1x8x4x4xf32>, tensor<1x8x40x40x!q>
}
