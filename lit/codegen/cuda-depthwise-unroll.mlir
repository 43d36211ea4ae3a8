// Tests when the depthwise template unrolls a thread's window rows (every
// row's loads in flight at once): a launch of fewer blocks than the GPU's
// 132 SMs whose window reads at most 18 input runs. The 3x3 stride-2
// convolution of 2x14x14x64 (4 blocks) is unrolled: 9 input and 9 weight
// runs and the bias, 19 16-byte loads, no loop. The same window over
// 2x28x28x192 (147 blocks) keeps its loop: 3 input and 3 weight runs a row
// and the bias, 7 loads.
// RUN: infer-compile %s --target=cuda:sm_90a -o %t.infer --report=- | FileCheck %s --check-prefix=REPORT
// RUN: infer-translate --emit-ptx %s | FileCheck %s
// RUN: %if ptxas %{ infer-translate --emit-ptx %s -o %t.ptx && %ptxas -arch=sm_90a %t.ptx -o %t.cubin %}
// REPORT-DAG: conv/depthwise_nhwc {{.*}} 4  Small
// REPORT-DAG: conv/depthwise_nhwc {{.*}} 147  Large
// CHECK-LABEL: .visible .entry infer_kernel_0(
// CHECK-COUNT-19: ld.global.v4.b32
// CHECK-NOT: {{ld.global.v4.b32|bra.uni}}
// CHECK: st.global.v4.b32
// CHECK-LABEL: .visible .entry infer_kernel_1(
// CHECK-COUNT-7: ld.global.v4.b32
// CHECK-NOT: ld.global.v4.b32
// CHECK: st.global.v4.b32
func.func @main(%x: tensor<2x14x14x64xf16>, %y: tensor<2x28x28x192xf16>)
    -> (tensor<2x7x7x64xf16>, tensor<2x28x28x192xf16>) {
  %w = infer.constant dense<0.25> : tensor<64x1x3x3xf16>
  %b = infer.constant dense<0.5> : tensor<64xf16>
  %c = infer.conv %x, %w, %b strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] group 64 channels_last
       : (tensor<2x14x14x64xf16>, tensor<64x1x3x3xf16>, tensor<64xf16>) -> tensor<2x7x7x64xf16> loc("Small"("Conv"))
  %w2 = infer.constant dense<0.25> : tensor<192x1x3x3xf16>
  %b2 = infer.constant dense<0.5> : tensor<192xf16>
  %c2 = infer.conv %y, %w2, %b2 strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 192 channels_last
       : (tensor<2x28x28x192xf16>, tensor<192x1x3x3xf16>, tensor<192xf16>) -> tensor<2x28x28x192xf16> loc("Large"("Conv"))
  return %c, %c2 : tensor<2x7x7x64xf16>, tensor<2x28x28x192xf16>
}
