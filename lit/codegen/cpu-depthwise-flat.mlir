// RUN: infer-opt %s --split-input-file --infer-fuse --infer-cpu-select-config=cpu=znver4 --infer-outline-kernels=target=cpu:znver4 | FileCheck %s

// A depthwise convolution on a small plane at stride 1 whose output is as
// large as its input runs flattened: the heuristic takes 4 vectors at a
// time (no rows), the kernel reads the input plane as [N, C, H * W], each
// window tap a load (masked where the window leaves the input), no scratch.
// CHECK-LABEL: func.func @flat
// CHECK: cpu_tile<dwconv, mr = 1, nv = 4, vl = 16>
// CHECK: func.func private @infer_kernel_0_impl
// CHECK-NOT: memref.alloca
// CHECK: memref.collapse_shape %arg0 {{.*}} into memref<1x8x49xf32>
// CHECK-NOT: memref.alloca
// CHECK: vector.maskedload
// CHECK-NOT: memref.alloca
// CHECK: return
func.func @flat(%x: tensor<1x8x7x7xf32>) -> tensor<1x8x7x7xf32> {
  %w = infer.constant dense<0.5> : tensor<8x1x3x3xf32>
  %0 = infer.conv %x, %w strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 8 : (tensor<1x8x7x7xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x7x7xf32>
  return %0 : tensor<1x8x7x7xf32>
}

// -----

// A residual is read where the output is stored: flattened alike.
// CHECK-LABEL: func.func @flat_residual
// CHECK: func.func private @infer_kernel_0_impl
// CHECK-NOT: memref.alloca
// CHECK-DAG: memref.collapse_shape %arg0 {{.*}} into memref<1x8x196xf32>
// CHECK-DAG: memref.collapse_shape %arg2 {{.*}} into memref<1x8x196xf32>
// CHECK-NOT: memref.alloca
// CHECK: return
func.func @flat_residual(%x: tensor<1x8x14x14xf32>, %r: tensor<1x8x14x14xf32>) -> tensor<1x8x14x14xf32> {
  %w = infer.constant dense<0.5> : tensor<8x1x5x5xf32>
  %0 = infer.conv %x, %w strides [1, 1] pads [2, 2, 2, 2] dilations [1, 1] group 8 : (tensor<1x8x14x14xf32>, tensor<8x1x5x5xf32>) -> tensor<1x8x14x14xf32>
  %1 = infer.binary add %0, %r : (tensor<1x8x14x14xf32>, tensor<1x8x14x14xf32>) -> tensor<1x8x14x14xf32>
  return %1 : tensor<1x8x14x14xf32>
}

// -----

// Not flattened: an output smaller than the input (no padding), a stride
// of 2, a plane of more than 16 vectors. Each copies its rows into a
// scratch and takes row tiles.
// CHECK-LABEL: func.func @rows
// CHECK: cpu_tile<dwconv, mr = 5, nv = 1, vl = 16>
// CHECK: cpu_tile<dwconv, mr = 7, nv = 1, vl = 16>
// CHECK: cpu_tile<dwconv, mr = 4, nv = 2, vl = 16>
// CHECK: func.func private @infer_kernel_0_impl
// CHECK: memref.alloca() : memref<1x7x32xf32>
// CHECK: func.func private @infer_kernel_1_impl
// CHECK: memref.alloca() : memref<2x15x32xf32>
// CHECK: func.func private @infer_kernel_2_impl
// CHECK: memref.alloca
func.func @rows(%x: tensor<1x8x7x7xf32>, %y: tensor<1x8x14x14xf32>, %z: tensor<1x8x28x28xf32>) -> (tensor<1x8x5x5xf32>, tensor<1x8x7x7xf32>, tensor<1x8x28x28xf32>) {
  %w = infer.constant dense<0.5> : tensor<8x1x3x3xf32>
  %0 = infer.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 8 : (tensor<1x8x7x7xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x5x5xf32>
  %1 = infer.conv %y, %w strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] group 8 : (tensor<1x8x14x14xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x7x7xf32>
  %2 = infer.conv %z, %w strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 8 : (tensor<1x8x28x28xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x28x28xf32>
  return %0, %1, %2 : tensor<1x8x5x5xf32>, tensor<1x8x7x7xf32>, tensor<1x8x28x28xf32>
}
