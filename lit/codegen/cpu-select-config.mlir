// RUN: infer-opt %s --infer-cpu-select-config=cpu=skylake-avx512 --split-input-file | FileCheck %s --check-prefix=AVX512
// RUN: infer-opt %s --infer-cpu-select-config=cpu=haswell --split-input-file | FileCheck %s --check-prefix=AVX2
// RUN: infer-opt %s --infer-cpu-select-config=cpu=x86-64 --split-input-file | FileCheck %s --check-prefix=SSE

// Tests the register tile of each convolution template on a fixed CPU:
// 16-float vectors with AVX-512 (32 registers), 8 with AVX2 (16
// registers), none for contractions on an SSE-only CPU.
// AVX512-LABEL: func.func @convs
// AVX512: infer.conv {{.*}}infer.tile = #infer.cpu_tile<conv_pointwise, mr = 8, nv = 2, vl = 16>
// AVX512: infer.conv {{.*}}infer.tile = #infer.cpu_tile<conv_winograd4, mr = 8, nv = 2, vl = 16>
// AVX512: infer.conv {{.*}}infer.tile = #infer.cpu_tile<dwconv, mr = 2, nv = 4, vl = 16>
// AVX512: infer.conv {{.*}}infer.tile = #infer.cpu_tile<conv_im2col, mr = 8, nv = 2, vl = 16>
// AVX512: infer.conv {{.*}}infer.tile = #infer.cpu_tile<conv_cm, mr = {{[5-8]}}, nv = 2, vl = 16>
// AVX2-LABEL: func.func @convs
// AVX2: infer.conv {{.*}}infer.tile = #infer.cpu_tile<conv_pointwise, mr = 6, nv = 2, vl = 8>
// AVX2: infer.tile = #infer.cpu_tile<conv_winograd4, mr = 6, nv = 2, vl = 8>
// AVX2: infer.tile = #infer.cpu_tile<dwconv, mr = 2, nv = 4, vl = 8>
// SSE-LABEL: func.func @convs
// SSE-NOT: infer.tile
func.func @convs(%x: tensor<1x64x56x56xf32>, %y: tensor<1x64x7x7xf32>) -> (tensor<1x64x56x56xf32>, tensor<1x64x56x56xf32>, tensor<1x64x56x56xf32>, tensor<1x64x14x14xf32>, tensor<1x256x4x4xf32>) {
  %w1 = infer.constant dense<0.5> : tensor<64x64x1x1xf32>
  %a = infer.conv %x, %w1 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x64x56x56xf32>, tensor<64x64x1x1xf32>) -> tensor<1x64x56x56xf32>
  %w3 = infer.constant dense<0.5> : tensor<64x64x3x3xf32>
  %b = infer.conv %x, %w3 strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 1 : (tensor<1x64x56x56xf32>, tensor<64x64x3x3xf32>) -> tensor<1x64x56x56xf32>
  %wd = infer.constant dense<0.5> : tensor<64x1x3x3xf32>
  %c = infer.conv %x, %wd strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 64 : (tensor<1x64x56x56xf32>, tensor<64x1x3x3xf32>) -> tensor<1x64x56x56xf32>
  %w7 = infer.constant dense<0.5> : tensor<64x64x7x7xf32>
  %d = infer.conv %x, %w7 strides [4, 4] pads [3, 3, 3, 3] dilations [1, 1] group 1 : (tensor<1x64x56x56xf32>, tensor<64x64x7x7xf32>) -> tensor<1x64x14x14xf32>
  %wc = infer.constant dense<0.5> : tensor<256x64x1x1xf32>
  %e = infer.conv %y, %wc strides [2, 2] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x64x7x7xf32>, tensor<256x64x1x1xf32>) -> tensor<1x256x4x4xf32>
  return %a, %b, %c, %d, %e : tensor<1x64x56x56xf32>, tensor<1x64x56x56xf32>, tensor<1x64x56x56xf32>, tensor<1x64x14x14xf32>, tensor<1x256x4x4xf32>
}

// -----

// A depthwise convolution whose rows fit one vector: one vector per row,
// as many rows as divide the output's 7 best.
// AVX512-LABEL: func.func @narrow_depthwise
// AVX512: infer.tile = #infer.cpu_tile<dwconv, mr = 7, nv = 1, vl = 16>
// AVX2-LABEL: func.func @narrow_depthwise
// AVX2: infer.tile = #infer.cpu_tile<dwconv, mr = 7, nv = 1, vl = 8>
func.func @narrow_depthwise(%x: tensor<1x96x7x7xf32>) -> tensor<1x96x7x7xf32> {
  %w = infer.constant dense<0.5> : tensor<96x1x5x5xf32>
  %y = infer.conv %x, %w strides [1, 1] pads [2, 2, 2, 2] dilations [1, 1] group 96 : (tensor<1x96x7x7xf32>, tensor<96x1x5x5xf32>) -> tensor<1x96x7x7xf32>
  return %y : tensor<1x96x7x7xf32>
}

// -----

// Tests the gemm tile (rows capped at the product's rows: a GEMV uses one),
// and the declines: a product of two activations, a 16-bit convolution.
// AVX512-LABEL: func.func @products
// AVX512: infer.matmul {{.*}}infer.tile = #infer.cpu_tile<gemm, mr = 8, nv = 2, vl = 16>
// AVX512: infer.gemm {{.*}}infer.tile = #infer.cpu_tile<gemm, mr = 1, nv = 2, vl = 16>
// AVX512: infer.matmul %arg0, %arg2
// AVX512-NOT: infer.tile
// AVX512: infer.conv
// AVX512-NOT: infer.tile
// AVX512: return
func.func @products(%a: tensor<32x64xf32>, %g: tensor<1x64xf32>, %b: tensor<64x16xf32>, %h: tensor<1x8x8x8xf16>) -> (tensor<32x16xf32>, tensor<1x16xf32>, tensor<32x16xf32>, tensor<1x8x8x8xf16>) {
  %w = infer.constant dense<0.5> : tensor<64x16xf32>
  %0 = infer.matmul %a, %w : (tensor<32x64xf32>, tensor<64x16xf32>) -> tensor<32x16xf32>
  %1 = infer.gemm %g, %w alpha 1.0 beta 1.0 : (tensor<1x64xf32>, tensor<64x16xf32>) -> tensor<1x16xf32>
  %2 = infer.matmul %a, %b : (tensor<32x64xf32>, tensor<64x16xf32>) -> tensor<32x16xf32>
  %wh = infer.constant dense<0.5> : tensor<8x8x1x1xf16>
  %3 = infer.conv %h, %wh strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x8x8x8xf16>, tensor<8x8x1x1xf16>) -> tensor<1x8x8x8xf16>
  return %0, %1, %2, %3 : tensor<32x16xf32>, tensor<1x16xf32>, tensor<32x16xf32>, tensor<1x8x8x8xf16>
}

// -----

// Tests that pooling and attention take the vector length (any CPU), and
// that a tile already there is kept.
// AVX512-LABEL: func.func @pool_attention
// AVX512: infer.pool {{.*}}infer.tile = #infer.cpu_tile<pool, mr = 1, nv = 1, vl = 16>
// AVX512: infer.attention {{.*}}infer.tile = #infer.cpu_tile<attention, mr = 1, nv = 1, vl = 16>
// AVX512: infer.matmul {{.*}}infer.tile = #infer.cpu_tile<gemm, mr = 2, nv = 1, vl = 8>
// SSE-LABEL: func.func @pool_attention
// SSE: infer.tile = #infer.cpu_tile<pool, mr = 1, nv = 1, vl = 4>
func.func @pool_attention(%x: tensor<1x8x9x9xf32>, %q: tensor<2x16x8xf32>, %a: tensor<32x64xf32>) -> (tensor<1x8x5x5xf32>, tensor<2x16x8xf32>, tensor<32x16xf32>) {
  %0 = infer.pool max %x kernel [3, 3] strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] : tensor<1x8x9x9xf32> -> tensor<1x8x5x5xf32>
  %1 = infer.attention %q, %q, %q scale 0.35 : (tensor<2x16x8xf32>, tensor<2x16x8xf32>, tensor<2x16x8xf32>) -> tensor<2x16x8xf32>
  %w = infer.constant dense<0.5> : tensor<64x16xf32>
  %2 = infer.matmul %a, %w {infer.tile = #infer.cpu_tile<gemm, mr = 2, nv = 1, vl = 8>} : (tensor<32x64xf32>, tensor<64x16xf32>) -> tensor<32x16xf32>
  return %0, %1, %2 : tensor<1x8x5x5xf32>, tensor<2x16x8xf32>, tensor<32x16xf32>
}

// -----

// Tests the flat convolution (few channels, whole images in registers on
// AVX-512; with AVX2's 16 registers every stride-1 convolution as wide as
// its input, two vectors of six rows).
// AVX512-LABEL: func.func @flat
// AVX512: infer.tile = #infer.cpu_tile<conv_flat, mr = 8, nv = 2, vl = 16>
// AVX2-LABEL: func.func @flat
// AVX2: infer.tile = #infer.cpu_tile<conv_flat, mr = 6, nv = 2, vl = 8>
// SSE-LABEL: func.func @flat
// SSE-NOT: infer.tile
func.func @flat(%x: tensor<1x8x16x16xf32>) -> tensor<1x8x16x16xf32> {
  %w = infer.constant dense<0.5> : tensor<8x8x3x3xf32>
  %y = infer.conv %x, %w strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 1 : (tensor<1x8x16x16xf32>, tensor<8x8x3x3xf32>) -> tensor<1x8x16x16xf32>
  return %y : tensor<1x8x16x16xf32>
}

// -----

// Tests that an unknown CPU is an error of the pass.
// RUN: not infer-opt %s --infer-cpu-select-config=cpu=pentium9000 --split-input-file 2>&1 | FileCheck %s --check-prefix=BADCPU
// BADCPU: error: unknown CPU 'pentium9000'
func.func @nothing() {
  return
}

// -----

// Tests that a convolution narrower than its input (unpadded) and with too
// few channels for Winograd (8 in) stays off conv_flat: the direct kernel,
// two vectors of six rows with AVX2 (one vector of twelve is load-bound
// with 16 registers), one of twelve with AVX-512 where the row fits one
// vector better.
// AVX512-LABEL: func.func @direct
// AVX512: infer.tile = #infer.cpu_tile<conv_direct, mr = 12, nv = 1, vl = 16>
// AVX2-LABEL: func.func @direct
// AVX2: infer.tile = #infer.cpu_tile<conv_direct, mr = 6, nv = 2, vl = 8>
func.func @direct(%x: tensor<1x8x18x18xf32>) -> tensor<1x32x16x16xf32> {
  %w = infer.constant dense<0.5> : tensor<32x8x3x3xf32>
  %y = infer.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x8x18x18xf32>, tensor<32x8x3x3xf32>) -> tensor<1x32x16x16xf32>
  return %y : tensor<1x32x16x16xf32>
}

// -----

// Tests Winograd's choice of tile: F(4, 3) where the image has two vectors
// of 4x4 tiles or more (28x28: 49), F(2, 3) where it has fewer (7x7: 4).
// AVX2-LABEL: func.func @winograd
// AVX2: infer.tile = #infer.cpu_tile<conv_winograd4, mr = 6, nv = 2, vl = 8>
// AVX2: infer.tile = #infer.cpu_tile<conv_winograd2, mr = 6, nv = 2, vl = 8>
func.func @winograd(%x: tensor<1x32x28x28xf32>, %y: tensor<1x64x7x7xf32>) -> (tensor<1x32x28x28xf32>, tensor<1x64x7x7xf32>) {
  %w = infer.constant dense<0.5> : tensor<32x32x3x3xf32>
  %a = infer.conv %x, %w strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 1 : (tensor<1x32x28x28xf32>, tensor<32x32x3x3xf32>) -> tensor<1x32x28x28xf32>
  %v = infer.constant dense<0.5> : tensor<64x64x3x3xf32>
  %b = infer.conv %y, %v strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 1 : (tensor<1x64x7x7xf32>, tensor<64x64x3x3xf32>) -> tensor<1x64x7x7xf32>
  return %a, %b : tensor<1x32x28x28xf32>, tensor<1x64x7x7xf32>
}
