// RUN: infer-opt --infer-conv-to-gemm %s | FileCheck %s

// In a module marked infer.tf32 (--precision=fp32 on sm_90a) f32
// convolutions become NHWC products too: they run as TF32 on tensor cores.
// CHECK-LABEL: func.func @fp32
// CHECK: infer.transpose %arg0 perm [0, 2, 3, 1] : tensor<1x16x8x8xf32> -> tensor<1x8x8x16xf32>
// CHECK: infer.matmul {{.*}} : (tensor<64x16xf32>, tensor<16x32xf32>) -> tensor<64x32xf32>
// CHECK-NOT: infer.conv
module attributes {infer.tf32} {
  func.func @fp32(%x: tensor<1x16x8x8xf32>) -> tensor<1x32x8x8xf32> {
    %w = infer.constant dense<0.5> : tensor<32x16x1x1xf32>
    %y = infer.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1
         : (tensor<1x16x8x8xf32>, tensor<32x16x1x1xf32>) -> tensor<1x32x8x8xf32>
    return %y : tensor<1x32x8x8xf32>
  }

  // A 3-channel f32 stem pads its channels to 4 (16-byte pixels), not 8
  // as 16-bit ones do: 3x3x4 = 36 f32 is a whole number of 16-byte rows.
  // CHECK-LABEL: func.func @stem
  // CHECK: infer.pad constant %arg0 pads [0, 0, 0, 0, 0, 1, 0, 0] {{.*}} -> tensor<1x4x8x8xf32>
  // CHECK: infer.matmul {{.*}} : (tensor<16x36xf32>, tensor<36x8xf32>) -> tensor<16x8xf32>
  func.func @stem(%x: tensor<1x3x8x8xf32>) -> tensor<1x8x4x4xf32> {
    %w = infer.constant dense<0.5> : tensor<8x3x3x3xf32>
    %y = infer.conv %x, %w strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] group 1
         : (tensor<1x3x8x8xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x4x4xf32>
    return %y : tensor<1x8x4x4xf32>
  }
}
