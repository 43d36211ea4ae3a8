// Softmax and layer norm over the last dimension run one warp per row on
// CUDA: the row in registers, max / sum / mean / variance by butterfly
// shuffles, one write. A softmax over another axis keeps the generic
// kernel.
// RUN: infer-translate --emit-ptx --cuda-arch=sm_80 %s | FileCheck %s
// RUN: %if ptxas %{ infer-translate --emit-ptx --cuda-arch=sm_80 %s -o %t.ptx && %ptxas -arch=sm_80 %t.ptx -o %t.cubin %}
// CHECK: .target sm_80
// CHECK-DAG: shfl.sync.bfly.b32
// CHECK-DAG: setp.nan.f32
// CHECK-DAG: sqrt.rn.f32
// CHECK: .visible .entry infer_kernel_2(
// CHECK-NOT: shfl.sync
func.func @main(%x: tensor<16x256xf32>, %g: tensor<256xf32>, %b: tensor<256xf32>, %y: tensor<16x8xf32>)
    -> (tensor<16x256xf32>, tensor<16x256xf32>, tensor<16x8xf32>) {
  %s = infer.softmax %x axis 1 : tensor<16x256xf32>
  %n = infer.layer_norm %x, %g, %b axis 1 epsilon 1.0e-05
       : (tensor<16x256xf32>, tensor<256xf32>, tensor<256xf32>) -> tensor<16x256xf32>
  %t = infer.softmax %y axis 0 : tensor<16x8xf32>
  return %s, %n, %t : tensor<16x256xf32>, tensor<16x256xf32>, tensor<16x8xf32>
}
