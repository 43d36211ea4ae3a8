// Channels-last depthwise convolutions of 16-bit floats run the depthwise
// template: a thread per output pixel (up to 4 of a row where the GPU
// still fills) and 16-byte run of channels (8 halves; 2 when the channel
// count is 58), the window's rows in a loop (per row of the 5x5 window: 5
// input columns and 5 weight runs), the weight packed [kh][kw][C], the
// bias and activation in the epilogue (small launches have the rows
// unrolled instead: cuda-depthwise-unroll.mlir). A channels-first one is moved
// channels-last first (infer-conv-to-gemm in the pipeline). A grouped
// convolution that is not depthwise and an f32 one keep the generic
// kernel.
// RUN: infer-compile %s --target=cuda:sm_90a -o %t.infer --report=- | FileCheck %s --check-prefix=REPORT
// RUN: infer-translate --emit-ptx %s | FileCheck %s
// RUN: %if ptxas %{ infer-translate --emit-ptx %s -o %t.ptx && %ptxas -arch=sm_90a %t.ptx -o %t.cubin %}
// REPORT-DAG: conv+relu/depthwise_nhwc {{.*}} 4  Conv_0, Relu_1
// REPORT-DAG: conv/depthwise_nhwc {{.*}} 19  Conv_2
// REPORT-DAG: infer_kernel_{{[0-9]+}} conv {{.*}} Conv_3
// REPORT-DAG: infer_kernel_{{[0-9]+}} conv {{.*}} Conv_4
// REPORT-DAG: conv/depthwise_nhwc {{.*}} Conv_5
// CHECK: .visible .entry infer_kernel_0(
// CHECK-COUNT-10: ld.global.v2.b16
// CHECK-NOT: ld.global.v2.b16
// CHECK: bra.uni
// CHECK: st.global.b32
// CHECK: .visible .entry infer_kernel_6(
// CHECK: ld.global.v4.b32
// CHECK: fma.rn.f32
// CHECK: max.f32
// CHECK: st.global.v4.b32
func.func @main(%x: tensor<2x14x14x64xf16>, %y: tensor<2x9x9x58xf16>, %z: tensor<2x8x8x16xf16>,
                %f: tensor<2x8x8x16xf32>, %n: tensor<2x16x8x8xf16>)
    -> (tensor<2x7x7x64xf16>, tensor<2x9x9x58xf16>, tensor<2x8x8x16xf16>, tensor<2x8x8x16xf32>,
        tensor<2x16x8x8xf16>) {
  %w = infer.constant dense<0.25> : tensor<64x1x3x3xf16>
  %b = infer.constant dense<0.5> : tensor<64xf16>
  %c = infer.conv %x, %w, %b strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] group 64 channels_last
       : (tensor<2x14x14x64xf16>, tensor<64x1x3x3xf16>, tensor<64xf16>) -> tensor<2x7x7x64xf16> loc("Conv_0"("Conv"))
  %r = infer.unary relu %c : tensor<2x7x7x64xf16> -> tensor<2x7x7x64xf16> loc("Relu_1"("Relu"))
  %w2 = infer.constant dense<0.5> : tensor<58x1x5x5xf16>
  %c2 = infer.conv %y, %w2 strides [1, 1] pads [2, 2, 2, 2] dilations [1, 1] group 58 channels_last
       : (tensor<2x9x9x58xf16>, tensor<58x1x5x5xf16>) -> tensor<2x9x9x58xf16> loc("Conv_2"("Conv"))
  %w3 = infer.constant dense<0.5> : tensor<16x8x3x3xf16>
  %c3 = infer.conv %z, %w3 strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 2 channels_last
       : (tensor<2x8x8x16xf16>, tensor<16x8x3x3xf16>) -> tensor<2x8x8x16xf16> loc("Conv_3"("Conv"))
  %w4 = infer.constant dense<0.5> : tensor<16x1x3x3xf32>
  %c4 = infer.conv %f, %w4 strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 16 channels_last
       : (tensor<2x8x8x16xf32>, tensor<16x1x3x3xf32>) -> tensor<2x8x8x16xf32> loc("Conv_4"("Conv"))
  %w5 = infer.constant dense<0.5> : tensor<16x1x3x3xf16>
  %c5 = infer.conv %n, %w5 strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 16
       : (tensor<2x16x8x8xf16>, tensor<16x1x3x3xf16>) -> tensor<2x16x8x8xf16> loc("Conv_5"("Conv"))
  return %r, %c2, %c3, %c4, %c5 : tensor<2x7x7x64xf16>, tensor<2x9x9x58xf16>, tensor<2x8x8x16xf16>,
      tensor<2x8x8x16xf32>, tensor<2x16x8x8xf16>
}
