// int8 convolutions on sm_90a: a 3x3 convolution of 64 int8 channels reads
// its im2col pixels as 64-byte rows (bk = 64: the 64-byte swizzle, TMA
// swizzle mode 2), one of 128 channels 128-byte rows (bk = 128), and a 1x1
// product of K = 64 keeps 128-byte rows.
// RUN: infer-compile %s --target=cuda:sm_90a -o %t.infer --mlir-print-ir-after=infer-cuda-select-config 2>&1 | FileCheck %s
// RUN: %if ptxas %{ infer-translate --emit-ptx %s -o %t.ptx && %ptxas -arch=sm_90a %t.ptx -o %t.cubin %}
// CHECK-DAG: #infer.cuda_gemm_tile<wgmma, bm = 128, bn = {{[0-9]+}}, bk = 64, {{.*}} : (tensor<1568x576x!quant
// CHECK-DAG: #infer.cuda_gemm_tile<wgmma, bm = 128, bn = {{[0-9]+}}, bk = 128, {{.*}} : (tensor<1568x1152x!quant
// CHECK-DAG: #infer.cuda_gemm_tile<wgmma, bm = 128, bn = {{[0-9]+}}, bk = 128, {{.*}} : (tensor<1568x64x!quant
!q = !quant.uniform<i8<-127:127>:f32, 2.000000e-02>
func.func @main(%a: tensor<2x64x28x28x!q>, %b: tensor<2x128x28x28x!q>, %c: tensor<2x64x28x28x!q>)
    -> (tensor<2x64x28x28xf32>, tensor<2x64x28x28xf32>, tensor<2x256x28x28xf32>) {
  %w64 = infer.constant dense<0.5> : tensor<64x64x3x3xf32>
  %w128 = infer.constant dense<0.25> : tensor<64x128x3x3xf32>
  %w1 = infer.constant dense<0.125> : tensor<256x64x1x1xf32>
  %da = infer.dequantize %a : tensor<2x64x28x28x!q> -> tensor<2x64x28x28xf32> loc("C64"("DequantizeLinear"))
  %ya = infer.conv %da, %w64 strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 1 : (tensor<2x64x28x28xf32>, tensor<64x64x3x3xf32>) -> tensor<2x64x28x28xf32> loc("C64"("Conv"))
  %db = infer.dequantize %b : tensor<2x128x28x28x!q> -> tensor<2x128x28x28xf32> loc("C128"("DequantizeLinear"))
  %yb = infer.conv %db, %w128 strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 1 : (tensor<2x128x28x28xf32>, tensor<64x128x3x3xf32>) -> tensor<2x64x28x28xf32> loc("C128"("Conv"))
  %dc = infer.dequantize %c : tensor<2x64x28x28x!q> -> tensor<2x64x28x28xf32> loc("K64"("DequantizeLinear"))
  %yc = infer.conv %dc, %w1 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<2x64x28x28xf32>, tensor<256x64x1x1xf32>) -> tensor<2x256x28x28xf32> loc("K64"("Conv"))
  return %ya, %yb, %yc : tensor<2x64x28x28xf32>, tensor<2x64x28x28xf32>, tensor<2x256x28x28xf32>
}
