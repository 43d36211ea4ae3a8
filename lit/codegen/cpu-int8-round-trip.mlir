// A product's output rounded to int8 and dequantized before a residual add
// (onnxruntime's QDQ models) stays in the product's kernel on CPUs, where the
// int8 templates round in registers (the round trip is one epilogue step)
// before they add the int8 residual and requantize. The GPU templates do not
// round in registers: there the round trip ends the group (and a residual
// quantized by another group is still read in the epilogue). Nor does a
// round trip lead into an add whose other operand is a float product: that
// product takes the add (its residual the int8 result), as the calibrated
// ResNet blocks have it.
// RUN: infer-compile %s --target=cpu:znver4 -o %t.cpu.infer --report=- | FileCheck %s --check-prefix=CPU
// RUN: infer-compile %s --target=cuda:sm_90a -o %t.cuda.infer --report=- | FileCheck %s --check-prefix=CUDA
// CPU: conv+quantize+dequantize+add+relu+quantize+dequantize/conv_i8 int8
// CPU: conv+quantize/conv_i8 int8
// CPU: conv+add+relu+quantize+dequantize/conv_i8 int8
// CUDA-NOT: quantize+dequantize+add
// CUDA: add+relu+quantize+dequantize/gemm_sm90 int8
!q = !quant.uniform<i8<-127:127>:f32, 2.000000e-02>
!p = !quant.uniform<i8<-127:127>:f32, 5.000000e-02>
func.func @main(%a: tensor<1x64x14x14x!q>, %r: tensor<1x64x14x14x!q>, %b: tensor<1x64x14x14x!q>) -> (tensor<1x64x14x14x!q>, tensor<1x64x14x14x!q>) {
  %w = infer.constant dense<0.25> : tensor<64x64x1x1xf32>
  %w2 = infer.constant dense<0.125> : tensor<64x64x1x1xf32>
  %da = infer.dequantize %a : tensor<1x64x14x14x!q> -> tensor<1x64x14x14xf32>
  %y = infer.conv %da, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x64x14x14xf32>, tensor<64x64x1x1xf32>) -> tensor<1x64x14x14xf32>
  %yq = infer.quantize %y : tensor<1x64x14x14xf32> -> tensor<1x64x14x14x!p>
  %yd = infer.dequantize %yq : tensor<1x64x14x14x!p> -> tensor<1x64x14x14xf32>
  %dr = infer.dequantize %r : tensor<1x64x14x14x!q> -> tensor<1x64x14x14xf32>
  %s = infer.binary add %yd, %dr : (tensor<1x64x14x14xf32>, tensor<1x64x14x14xf32>) -> tensor<1x64x14x14xf32>
  %sr = infer.unary relu %s : tensor<1x64x14x14xf32> -> tensor<1x64x14x14xf32>
  %o = infer.quantize %sr : tensor<1x64x14x14xf32> -> tensor<1x64x14x14x!q>
  %y2 = infer.conv %da, %w2 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x64x14x14xf32>, tensor<64x64x1x1xf32>) -> tensor<1x64x14x14xf32>
  %y2q = infer.quantize %y2 : tensor<1x64x14x14xf32> -> tensor<1x64x14x14x!p>
  %y2d = infer.dequantize %y2q : tensor<1x64x14x14x!p> -> tensor<1x64x14x14xf32>
  %dz = infer.dequantize %b : tensor<1x64x14x14x!q> -> tensor<1x64x14x14xf32>
  %z = infer.conv %dz, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x64x14x14xf32>, tensor<64x64x1x1xf32>) -> tensor<1x64x14x14xf32>
  %s2 = infer.binary add %y2d, %z : (tensor<1x64x14x14xf32>, tensor<1x64x14x14xf32>) -> tensor<1x64x14x14xf32>
  %s2r = infer.unary relu %s2 : tensor<1x64x14x14xf32> -> tensor<1x64x14x14xf32>
  %o2 = infer.quantize %s2r : tensor<1x64x14x14xf32> -> tensor<1x64x14x14x!q>
  return %o, %o2 : tensor<1x64x14x14x!q>, tensor<1x64x14x14x!q>
}
