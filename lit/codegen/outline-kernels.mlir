// RUN: infer-opt %s --split-input-file --infer-outline-kernels=target=cpu:znver4 | FileCheck %s
// RUN: infer-opt %s --split-input-file --infer-outline-kernels="target=cpu:znver4 templates=false" | FileCheck %s --check-prefix=GENERIC
// RUN: infer-opt %s --split-input-file --infer-cuda-select-config=arch=sm_90a --infer-outline-kernels=target=cuda:sm_90a | FileCheck %s --check-prefix=CUDA

// Tests infer-outline-kernels on the CPU: the group whose convolution
// carries a tile becomes the template's dispatch (its weight packed into a
// new byte constant at the top of the function, the original gone), other
// ops become one generic
// kernel each, a reshape stays (it aliases), a check's dispatch carries its
// message, a result with no elements needs no launch, and every kernel is
// in the nested module marked infer.kernels with its signature.
// CHECK-LABEL: func.func @graph
// CHECK-NOT: tensor<8x8x3x3xf32>
// CHECK: %[[P:.*]] = infer.constant dense_resource<packed> : tensor<2304xi8>
// CHECK: %[[B:.*]] = infer.constant dense<2.500000e-01> : tensor<8xf32>
// CHECK: %[[Y:.*]] = infer.dispatch "conv+relu"(%arg0, %[[P]], %[[B]]) launches [#infer.launch<"infer_kernel_0", "conv_flat", args = [0, 1, 2, 3], grid = 8, grain = 1>] {flops = 294912 : i64, infer.config = "#infer.cpu_tile<conv_flat, mr = 8, nv = 2, vl = 16>", infer.config_source = "heuristic", infer.precision = "fp32", templated}
// The scale (8 elements) is compiled into the kernel, not an operand.
// CHECK: %[[M:.*]] = infer.dispatch "binary.mul"(%[[Y]]) launches [#infer.launch<"infer_kernel_1", "binary.mul", args = [0, 1]
// CHECK: %[[R:.*]] = infer.reshape %[[M]]
// CHECK: infer.dispatch "check"(%arg1) launches [#infer.launch<"infer_kernel_2", "check", args = [0, 1], grid = 1, grain = 1>] {check = "index out of range [-10, 9]"
// CHECK-SAME: -> tensor<i1>
// CHECK: %[[G:.*]] = infer.dispatch "gather"(%arg2, %arg1) launches [#infer.launch<"infer_kernel_3", "gather", args = [0, 1, 2]
// CHECK: %[[E:.*]] = infer.dispatch "slice"() launches [] {{.*}}: () -> tensor<0x256xf32>
// CHECK: return %[[Y]], %[[G]], %[[R]], %[[E]]
// CHECK: module @kernels attributes {infer.kernels, infer.signatures = {infer_kernel_0 = array<i64: 8, 4, 8192, 2304, 32, 8192, 0>
// CHECK: func.func private @infer_kernel_0_impl(%{{.*}}: memref<1x8x16x16xf32>, %{{.*}}: memref<1x72x8xf32>, %{{.*}}: memref<8xf32>, %{{.*}}: memref<1x8x16x16xf32>, %{{.*}}: index, %{{.*}}: index)
// conv_flat reads each channel's plane ahead of its products.
// CHECK: memref.prefetch %{{.*}}, read, locality<3>, data : memref<1x8x256xf32>
// CHECK: func.func private @infer_kernel_1_impl(%{{.*}}: memref<1x8x16x16xf32>, %{{.*}}: memref<1x8x16x16xf32>, %{{.*}}: index, %{{.*}}: index)
// CHECK: arith.constant 2.000000e+00 : f32

// Without templates every group is one generic kernel and weights stay.
// GENERIC-LABEL: func.func @graph
// GENERIC: %[[W:.*]] = infer.constant dense<5.000000e-01> : tensor<8x8x3x3xf32>
// GENERIC: infer.dispatch "conv+relu"(%arg0, %[[W]], %{{.*}}) launches [#infer.launch<"infer_kernel_0", "conv+relu", args = [0, 1, 2, 3], grid = 1, grain = 1>]
// GENERIC-NOT: templated
// GENERIC: return
func.func @graph(%x: tensor<1x8x16x16xf32>, %ids: tensor<4xi64>, %t: tensor<10x8xf32>) -> (tensor<1x8x16x16xf32>, tensor<4x8xf32>, tensor<8x256xf32>, tensor<0x256xf32>) {
  %w = infer.constant dense<0.5> : tensor<8x8x3x3xf32>
  %b = infer.constant dense<0.25> : tensor<8xf32>
  %y = infer.fused "conv+relu" (%x, %w, %b) : (tensor<1x8x16x16xf32>, tensor<8x8x3x3xf32>, tensor<8xf32>) -> tensor<1x8x16x16xf32> {
  ^bb0(%a: tensor<1x8x16x16xf32>, %k: tensor<8x8x3x3xf32>, %c: tensor<8xf32>):
    %0 = infer.conv %a, %k, %c strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 1 {infer.tile = #infer.cpu_tile<conv_flat, mr = 8, nv = 2, vl = 16>} : (tensor<1x8x16x16xf32>, tensor<8x8x3x3xf32>, tensor<8xf32>) -> tensor<1x8x16x16xf32>
    %1 = infer.unary relu %0 : tensor<1x8x16x16xf32> -> tensor<1x8x16x16xf32>
    infer.yield %1 : tensor<1x8x16x16xf32>
  }
  %s = infer.constant dense<2.0> : tensor<1x8x1x1xf32>
  %m = infer.binary mul %y, %s : (tensor<1x8x16x16xf32>, tensor<1x8x1x1xf32>) -> tensor<1x8x16x16xf32>
  %r = infer.reshape %m : tensor<1x8x16x16xf32> -> tensor<8x256xf32>
  %bad = infer.check index %ids bound 10 : tensor<4xi64> -> tensor<i1>
  %g = infer.gather %t, %ids axis 0 : (tensor<10x8xf32>, tensor<4xi64>) -> tensor<4x8xf32>
  %e = infer.slice %r starts [0, 0] ends [0, 256] steps [1, 1] : tensor<8x256xf32> -> tensor<0x256xf32>
  return %y, %g, %r, %e : tensor<1x8x16x16xf32>, tensor<4x8xf32>, tensor<8x256xf32>, tensor<0x256xf32>
}

// -----

// Tests that the operands of an in-place concatenation are written by
// their own kernels into its slices: the concatenation has no kernel.
// CHECK-LABEL: func.func @concat
// CHECK: %[[A:.*]] = infer.dispatch "unary.neg"
// CHECK: %[[B:.*]] = infer.dispatch "unary.exp"
// CHECK: infer.concat %[[A]], %[[B]] axis 0 {in_place}
// CHECK-NOT: infer.dispatch "concat"
// CHECK: return
func.func @concat(%x: tensor<4x8xf32>) -> tensor<8x8xf32> {
  %a = infer.unary neg %x : tensor<4x8xf32> -> tensor<4x8xf32>
  %b = infer.unary exp %x : tensor<4x8xf32> -> tensor<4x8xf32>
  %c = infer.concat %a, %b axis 0 {in_place} : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<8x8xf32>
  return %c : tensor<8x8xf32>
}

// -----

// Tests that a weight two layers share is packed once: both templates read
// the same packed constant.
// CHECK-LABEL: func.func @shared
// CHECK: %[[P:.*]] = infer.constant dense_resource<packed> : tensor<4096xi8>
// CHECK-NOT: dense_resource<packed>
// CHECK: infer.dispatch "matmul"(%arg0, %[[P]])
// CHECK: infer.dispatch "matmul"(%{{.*}}, %[[P]])
func.func @shared(%x: tensor<16x32xf32>) -> tensor<16x32xf32> {
  %w = infer.constant dense<0.5> : tensor<32x32xf32>
  %0 = infer.matmul %x, %w {infer.tile = #infer.cpu_tile<gemm, mr = 4, nv = 2, vl = 16>} : (tensor<16x32xf32>, tensor<32x32xf32>) -> tensor<16x32xf32>
  %1 = infer.matmul %0, %w {infer.tile = #infer.cpu_tile<gemm, mr = 4, nv = 2, vl = 16>} : (tensor<16x32xf32>, tensor<32x32xf32>) -> tensor<16x32xf32>
  return %1 : tensor<16x32xf32>
}

// -----

// Tests that a CPU elementwise kernel over NCHW loops over H*W as one loop
// where every operand holds H and W contiguously or not at all (a
// per-channel scale: squeeze-excitation), its input and output collapsed
// views; and that a broadcast along W alone keeps the four loops.
// CHECK-LABEL: func.func @channel_scale
// CHECK: func.func private @infer_kernel_0_impl
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0], [1], [2, 3]] : tensor<1x16x28x28xf32> into tensor<1x16x784xf32>
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x16x784xf32>, tensor<1x16x1x1xf32>) outs(%{{.*}} : tensor<1x16x784xf32>)
// CHECK: memref.collapse_shape %{{.*}} {{\[}}[0], [1], [2, 3]] : memref<1x16x28x28xf32> into memref<1x16x784xf32>
// CHECK: bufferization.materialize_in_destination %{{.*}} in restrict writable %{{.*}} : (tensor<1x16x784xf32>, memref<1x16x784xf32>)
// CHECK: func.func private @infer_kernel_1_impl
// CHECK-NOT: collapse_shape
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x16x28x28xf32>, tensor<1x1x1x28xf32>)
// CHECK: return
func.func @channel_scale(%x: tensor<1x16x28x28xf32>, %s: tensor<1x16x1x1xf32>, %r: tensor<1x1x1x28xf32>) -> (tensor<1x16x28x28xf32>, tensor<1x16x28x28xf32>) {
  %0 = infer.binary mul %x, %s : (tensor<1x16x28x28xf32>, tensor<1x16x1x1xf32>) -> tensor<1x16x28x28xf32>
  %1 = infer.binary mul %x, %r : (tensor<1x16x28x28xf32>, tensor<1x1x1x28xf32>) -> tensor<1x16x28x28xf32>
  return %0, %1 : tensor<1x16x28x28xf32>, tensor<1x16x28x28xf32>
}

// -----

// conv_cm prefetches its weights a reduction block ahead (here, 512
// channels of 1 x 32 floats, blocked), through a flat view of the packed
// panels, one line per vector (in each instance of the tile's loop).
// CHECK-LABEL: func.func @channel_major
// CHECK: func.func private @infer_kernel_0_impl
// CHECK: %[[FLAT:.*]] = memref.collapse_shape %{{.*}} {{\[\[}}0, 1, 2]] : memref<2x512x32xf32> into memref<32768xf32>
// CHECK: memref.prefetch %[[FLAT]][%{{.*}}], read, locality<3>, data : memref<32768xf32>
// CHECK: memref.prefetch %[[FLAT]][%{{.*}}], read, locality<3>, data : memref<32768xf32>
// CHECK: return
func.func @channel_major(%x: tensor<1x512x7x7xf32>) -> tensor<1x64x7x7xf32> {
  %w = infer.constant dense<0.5> : tensor<64x512x1x1xf32>
  %0 = infer.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 {infer.tile = #infer.cpu_tile<conv_cm, mr = 7, nv = 2, vl = 16>} : (tensor<1x512x7x7xf32>, tensor<64x512x1x1xf32>) -> tensor<1x64x7x7xf32>
  return %0 : tensor<1x64x7x7xf32>
}

// -----

// Max pooling with stride 1 or 2 and no dilation takes two passes over a
// row buffer with -inf at its ends (down the window's rows, then across
// from the buffer, no masks); a dilated one keeps the masked-tap template.
// CHECK-LABEL: func.func @max_pool_rows
// CHECK: infer.dispatch "pool"(%{{.*}}) launches [#infer.launch<"infer_kernel_0", "max_pool_rows"
// CHECK: infer.dispatch "pool"(%{{.*}}) launches [#infer.launch<"infer_kernel_1", "pool"
// CHECK: func.func private @infer_kernel_0_impl
// CHECK: %[[BUF:.*]] = memref.alloca() : memref<96xf32>
// CHECK: vector.maskedload
// CHECK: arith.maximumf
// CHECK: vector.store %{{.*}}, %[[BUF]]
// CHECK: vector.load %[[BUF]]
// CHECK: vector.shuffle
// CHECK: func.func private @infer_kernel_1_impl
// CHECK-NOT: memref.alloca
// CHECK: return
func.func @max_pool_rows(%x: tensor<1x8x9x37xf32>) -> (tensor<1x8x5x19xf32>, tensor<1x8x5x33xf32>) {
  %0 = infer.pool max %x kernel [3, 3] strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] {infer.tile = #infer.cpu_tile<pool, mr = 1, nv = 1, vl = 16>} : tensor<1x8x9x37xf32> -> tensor<1x8x5x19xf32>
  %1 = infer.pool max %x kernel [3, 3] strides [1, 1] pads [0, 0, 0, 0] dilations [2, 2] {infer.tile = #infer.cpu_tile<pool, mr = 1, nv = 1, vl = 16>} : tensor<1x8x9x37xf32> -> tensor<1x8x5x33xf32>
  return %0, %1 : tensor<1x8x5x19xf32>, tensor<1x8x5x33xf32>
}

// -----

// Tests the CUDA tensor-core GEMM's dispatch: 384 threads, the shared
// memory ring, and one TMA descriptor per operand in the launch. A
// product of fewer output tiles than half the GPU's SMs splits K: fp32
// partial tiles in scratch memory, then a reduction kernel that reads them
// (its last argument) and writes the result.
// CUDA-LABEL: func.func @gemm
// CUDA: infer.dispatch "matmul"(%arg0, %{{.*}}) launches [#infer.launch<"infer_kernel_0", "gemm_sm90_splitk", args = [0, 1, 2], grid = 16, grain = 1, threads = 384, shared = {{[0-9]+}}, maps = [#infer.tensor_map<arg = 0, dtype = 1, dims = [512, 256], strides = [1024], box = [64, 128], swizzle = 3>, #infer.tensor_map<arg = 1, dtype = 1
// CUDA-SAME: #infer.launch<"infer_kernel_1", "splitk_reduce", args = [0, 1, 3, 2], grid = 64, grain = 1, threads = 256>] scratch [1048576]
// CUDA-SAME: templated
// CUDA: module @kernels
// CUDA: func.func @infer_kernel_0(%{{.*}}: !llvm.ptr
// CUDA-SAME: infer.cuda_entry = 384
func.func @gemm(%a: tensor<256x512xf16>) -> tensor<256x512xf16> {
  %w = infer.constant dense<0.5> : tensor<512x512xf16>
  %0 = infer.matmul %a, %w : (tensor<256x512xf16>, tensor<512x512xf16>) -> tensor<256x512xf16>
  return %0 : tensor<256x512xf16>
}

// -----

// conv_cm packs a 1x1 stride-1 convolution's input as panels (a launch of
// its own, into scratch) where at least 12 channel tiles read it: 256
// output channels are 16 tiles of 16.
// CHECK-LABEL: func.func @channel_major_panels
// CHECK: infer.dispatch "conv"(%{{.*}}) launches [#infer.launch<"infer_kernel_0", "conv_cm.panel", args = [0, 2], {{.*}}>, #infer.launch<"infer_kernel_1", "conv_cm", args = [2, 1, 3], {{.*}}>] scratch [67584]
// CHECK: func.func private @infer_kernel_0_impl(%{{.*}}: memref<1x64x14x14xf32>, %{{.*}}: memref<1x33x64x8xf32>
// CHECK: vector.maskedload
// CHECK: vector.store %{{.*}} : memref<1x33x64x8xf32>, vector<8xf32>
// CHECK: func.func private @infer_kernel_1_impl(%{{.*}}: memref<1x33x64x8xf32>
func.func @channel_major_panels(%x: tensor<1x64x14x14xf32>) -> tensor<1x256x14x14xf32> {
  %w = infer.constant dense<0.5> : tensor<256x64x1x1xf32>
  %0 = infer.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 {infer.tile = #infer.cpu_tile<conv_cm, mr = 6, nv = 2, vl = 8>} : (tensor<1x64x14x14xf32>, tensor<256x64x1x1xf32>) -> tensor<1x256x14x14xf32>
  return %0 : tensor<1x256x14x14xf32>
}

// -----

// 112 output channels are 7 tiles: the input is read in place (the copy
// would not pay back).
// CHECK-LABEL: func.func @channel_major_few_tiles
// CHECK-NOT: conv_cm.panel
// CHECK: launches [#infer.launch<"infer_kernel_0", "conv_cm", args = [0, 1, 2]
func.func @channel_major_few_tiles(%x: tensor<1x672x14x14xf32>) -> tensor<1x112x14x14xf32> {
  %w = infer.constant dense<0.5> : tensor<112x672x1x1xf32>
  %0 = infer.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 {infer.tile = #infer.cpu_tile<conv_cm, mr = 6, nv = 2, vl = 8>} : (tensor<1x672x14x14xf32>, tensor<112x672x1x1xf32>) -> tensor<1x112x14x14xf32>
  return %0 : tensor<1x112x14x14xf32>
}
