// RUN: infer-opt %s --split-input-file --infer-fuse --infer-outline-kernels=target=cpu:znver3 | FileCheck %s

// conv_pointwise writing more than 160 planes fetches the next panel's
// output lines for ownership and its residual's lines for reading, a line
// per row of the panel, before the panel's reduction loop runs.
// CHECK-LABEL: func.func @many_planes
// CHECK: func.func private @infer_kernel_0_impl(%{{.*}}: memref<1x64x28x28xf32>, %{{.*}}: memref<32x64x6xf32>, %[[RES:.*]]: memref<1x192x784xf32>
// CHECK-COUNT-6: memref.prefetch %{{.*}}, write, locality<3>, data : memref<1x192x784xf32>
// CHECK: memref.prefetch %[[RES]][{{.*}}], read, locality<3>, data : memref<1x192x784xf32>
// CHECK-NOT: vector.fma
// CHECK: scf.for {{.*}} iter_args
// CHECK: vector.fma
func.func @many_planes(%x: tensor<1x64x28x28xf32>, %r: tensor<1x192x28x28xf32>) -> tensor<1x192x28x28xf32> {
  %w = infer.constant dense<0.5> : tensor<192x64x1x1xf32>
  %0 = infer.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 {infer.tile = #infer.cpu_tile<conv_pointwise, mr = 6, nv = 2, vl = 8>} : (tensor<1x64x28x28xf32>, tensor<192x64x1x1xf32>) -> tensor<1x192x28x28xf32>
  %1 = infer.binary add %0, %r : (tensor<1x192x28x28xf32>, tensor<1x192x28x28xf32>) -> tensor<1x192x28x28xf32>
  return %1 : tensor<1x192x28x28xf32>
}

// -----

// With 160 planes or fewer, no prefetch before the reduction (the output
// lines are fetched two tiles ahead after it instead).
// CHECK-LABEL: func.func @few_planes
// CHECK: func.func private @infer_kernel_0_impl
// CHECK-NOT: memref.prefetch {{.*}} write
// CHECK: scf.for {{.*}} iter_args
// CHECK: vector.fma
// CHECK: memref.prefetch %{{.*}}, write, locality<3>, data : memref<1x96x784xf32>
func.func @few_planes(%x: tensor<1x64x28x28xf32>, %r: tensor<1x96x28x28xf32>) -> tensor<1x96x28x28xf32> {
  %w = infer.constant dense<0.5> : tensor<96x64x1x1xf32>
  %0 = infer.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 {infer.tile = #infer.cpu_tile<conv_pointwise, mr = 6, nv = 2, vl = 8>} : (tensor<1x64x28x28xf32>, tensor<96x64x1x1xf32>) -> tensor<1x96x28x28xf32>
  %1 = infer.binary add %0, %r : (tensor<1x96x28x28xf32>, tensor<1x96x28x28xf32>) -> tensor<1x96x28x28xf32>
  return %1 : tensor<1x96x28x28xf32>
}
