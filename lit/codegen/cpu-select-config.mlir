// RUN: infer-opt %s --infer-cpu-select-config=cpu=skylake-avx512 --split-input-file | FileCheck %s --check-prefix=AVX512
// RUN: infer-opt %s --infer-cpu-select-config=cpu=haswell --split-input-file | FileCheck %s --check-prefix=AVX2
// RUN: infer-opt %s --infer-cpu-select-config=cpu=znver4 --split-input-file | FileCheck %s --check-prefix=ZEN4
// RUN: infer-opt %s --infer-cpu-select-config=cpu=x86-64 --split-input-file | FileCheck %s --check-prefix=SSE

// Tests the register tile of each convolution template on a fixed CPU:
// 16-float vectors with AVX-512 (32 registers), 8 with AVX2 (16
// registers), none for contractions on an SSE-only CPU.
// AVX512-LABEL: func.func @convs
// AVX512: infer.conv {{.*}}infer.tile = #infer.cpu_tile<conv_pointwise, mr = 8, nv = 2, vl = 16>
// AVX512: infer.conv {{.*}}infer.tile = #infer.cpu_tile<conv_winograd4, mr = 8, nv = 2, vl = 16>
// AVX512: infer.conv {{.*}}infer.tile = #infer.cpu_tile<dwconv, mr = 2, nv = 4, vl = 16>
// AVX512: infer.conv {{.*}}infer.tile = #infer.cpu_tile<conv_cm, mr = 7, nv = 2, vl = 16>
// AVX512: infer.conv {{.*}}infer.tile = #infer.cpu_tile<conv_cm, mr = 8, nv = 2, vl = 16>
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

// What tuning taught the heuristic on Zen 4 (AVX-512) and Zen 3 (AVX2):
// - 1x1 convolutions of up to 14x14 outputs channel-major; 14 rows x 1
//   vector where 512-bit FMAs run at half rate (Zen 4; 7 x 2 where 7 rows
//   divide the positions), two vectors elsewhere (at most 6 rows with 16
//   registers); not a 1x1 of 28x28
//   outputs;
// - strided convolutions channel-major with 32 registers (im2col GEMMs
//   with 16), a 7x7 stem too (Zen 5), rows dividing the output's width;
// - Winograd F(4, 3) from one vector of 4x4 tiles with 32 registers (two
//   with 16), and 14 output channels x 1 vector when the tiles fit one
//   vector; not at 28x28 (49 tiles); with full-rate 512-bit FMAs not for
//   9.4 MB of weights at 7x7 (channel-major: memory-bound);
// - short pointwise reductions in 14 x 2 tiles (Zen 4: 9 x 3 from 56x56
//   on, 14 x 1 below), deep ones in 8 x 2.
// AVX512-LABEL: func.func @learned
// AVX512: infer.conv %arg0{{.*}}#infer.cpu_tile<conv_cm, mr = 7, nv = 2, vl = 16>
// AVX512: infer.conv %arg1{{.*}}#infer.cpu_tile<conv_cm, mr = 7, nv = 2, vl = 16>
// AVX512: infer.conv %arg2{{.*}}#infer.cpu_tile<conv_pointwise, mr = 8, nv = 2, vl = 16>
// AVX512: infer.conv %arg2{{.*}}#infer.cpu_tile<conv_cm, mr = 7, nv = 2, vl = 16>
// AVX512: infer.conv %arg3{{.*}}#infer.cpu_tile<conv_cm, mr = 8, nv = 2, vl = 16>
// AVX512: infer.conv %arg0{{.*}}#infer.cpu_tile<conv_winograd4, mr = 14, nv = 1, vl = 16>
// AVX512: infer.conv %arg1{{.*}}#infer.cpu_tile<conv_cm, mr = 7, nv = 2, vl = 16>
// AVX512: infer.conv %arg2{{.*}}#infer.cpu_tile<conv_winograd4, mr = 8, nv = 2, vl = 16>
// AVX512: infer.conv %arg4{{.*}}#infer.cpu_tile<conv_pointwise, mr = 14, nv = 2, vl = 16>
// ZEN4-LABEL: func.func @learned
// ZEN4: infer.conv %arg0{{.*}}#infer.cpu_tile<conv_cm, mr = 14, nv = 1, vl = 16>
// ZEN4: infer.conv %arg1{{.*}}#infer.cpu_tile<conv_cm, mr = 7, nv = 2, vl = 16>
// ZEN4: infer.conv %arg2{{.*}}#infer.cpu_tile<conv_pointwise, mr = 8, nv = 2, vl = 16>
// ZEN4: infer.conv %arg2{{.*}}#infer.cpu_tile<conv_cm, mr = 14, nv = 1, vl = 16>
// ZEN4: infer.conv %arg3{{.*}}#infer.cpu_tile<conv_cm, mr = 14, nv = 1, vl = 16>
// ZEN4: infer.conv %arg0{{.*}}#infer.cpu_tile<conv_winograd4, mr = 14, nv = 1, vl = 16>
// ZEN4: infer.conv %arg1{{.*}}#infer.cpu_tile<conv_winograd2, mr = 14, nv = 1, vl = 16>
// ZEN4: infer.conv %arg4{{.*}}#infer.cpu_tile<conv_pointwise, mr = 9, nv = 3, vl = 16>
// AVX2-LABEL: func.func @learned
// AVX2: infer.conv %arg0{{.*}}#infer.cpu_tile<conv_cm, mr = 6, nv = 2, vl = 8>
// AVX2: infer.conv %arg1{{.*}}#infer.cpu_tile<conv_cm, mr = 5, nv = 2, vl = 8>
// AVX2: infer.conv %arg2{{.*}}#infer.cpu_tile<conv_pointwise, mr = 6, nv = 2, vl = 8>
// AVX2: infer.conv %arg2{{.*}}#infer.cpu_tile<conv_im2col, mr = 6, nv = 2, vl = 8>
// AVX2: infer.conv %arg3{{.*}}#infer.cpu_tile<conv_im2col, mr = 6, nv = 2, vl = 8>
// AVX2: infer.conv %arg0{{.*}}#infer.cpu_tile<conv_winograd4, mr = 6, nv = 2, vl = 8>
// AVX2: infer.conv %arg1{{.*}}#infer.cpu_tile<conv_winograd2, mr = 6, nv = 2, vl = 8>
// AVX2: infer.conv %arg2{{.*}}#infer.cpu_tile<conv_winograd4, mr = 6, nv = 2, vl = 8>
// AVX2: infer.conv %arg4{{.*}}#infer.cpu_tile<conv_pointwise, mr = 6, nv = 2, vl = 8>
func.func @learned(%x14: tensor<1x256x14x14xf32>, %x7: tensor<1x512x7x7xf32>, %x28: tensor<1x128x28x28xf32>, %img: tensor<1x3x224x224xf32>, %x56: tensor<1x24x56x56xf32>) -> (tensor<1x256x14x14xf32>, tensor<1x512x7x7xf32>, tensor<1x128x28x28xf32>, tensor<1x256x14x14xf32>, tensor<1x64x112x112xf32>, tensor<1x256x14x14xf32>, tensor<1x512x7x7xf32>, tensor<1x128x28x28xf32>, tensor<1x144x56x56xf32>) {
  %w1 = infer.constant dense<0.5> : tensor<256x256x1x1xf32>
  %a = infer.conv %x14, %w1 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x256x14x14xf32>, tensor<256x256x1x1xf32>) -> tensor<1x256x14x14xf32>
  %w2 = infer.constant dense<0.5> : tensor<512x512x1x1xf32>
  %b = infer.conv %x7, %w2 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x512x7x7xf32>, tensor<512x512x1x1xf32>) -> tensor<1x512x7x7xf32>
  %w3 = infer.constant dense<0.5> : tensor<128x128x1x1xf32>
  %c = infer.conv %x28, %w3 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x128x28x28xf32>, tensor<128x128x1x1xf32>) -> tensor<1x128x28x28xf32>
  %w4 = infer.constant dense<0.5> : tensor<256x128x3x3xf32>
  %d = infer.conv %x28, %w4 strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] group 1 : (tensor<1x128x28x28xf32>, tensor<256x128x3x3xf32>) -> tensor<1x256x14x14xf32>
  %w5 = infer.constant dense<0.5> : tensor<64x3x7x7xf32>
  %e = infer.conv %img, %w5 strides [2, 2] pads [3, 3, 3, 3] dilations [1, 1] group 1 : (tensor<1x3x224x224xf32>, tensor<64x3x7x7xf32>) -> tensor<1x64x112x112xf32>
  %w6 = infer.constant dense<0.5> : tensor<256x256x3x3xf32>
  %f = infer.conv %x14, %w6 strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 1 : (tensor<1x256x14x14xf32>, tensor<256x256x3x3xf32>) -> tensor<1x256x14x14xf32>
  %w7 = infer.constant dense<0.5> : tensor<512x512x3x3xf32>
  %g = infer.conv %x7, %w7 strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 1 : (tensor<1x512x7x7xf32>, tensor<512x512x3x3xf32>) -> tensor<1x512x7x7xf32>
  %w8 = infer.constant dense<0.5> : tensor<128x128x3x3xf32>
  %h = infer.conv %x28, %w8 strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 1 : (tensor<1x128x28x28xf32>, tensor<128x128x3x3xf32>) -> tensor<1x128x28x28xf32>
  %w9 = infer.constant dense<0.5> : tensor<144x24x1x1xf32>
  %i = infer.conv %x56, %w9 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x24x56x56xf32>, tensor<144x24x1x1xf32>) -> tensor<1x144x56x56xf32>
  return %a, %b, %c, %d, %e, %f, %g, %h, %i : tensor<1x256x14x14xf32>, tensor<1x512x7x7xf32>, tensor<1x128x28x28xf32>, tensor<1x256x14x14xf32>, tensor<1x64x112x112xf32>, tensor<1x256x14x14xf32>, tensor<1x512x7x7xf32>, tensor<1x128x28x28xf32>, tensor<1x144x56x56xf32>
}

// -----

// A 3x3 stem's reduction (27) is too short for channel-major tiles: their
// transposing stores would cost a third of its time.
// AVX512-LABEL: func.func @short_stem
// AVX512-NOT: conv_cm
// AVX512: return
// ZEN4-LABEL: func.func @short_stem
// ZEN4-NOT: conv_cm
// ZEN4: return
func.func @short_stem(%img: tensor<1x3x224x224xf32>) -> tensor<1x32x112x112xf32> {
  %w = infer.constant dense<0.5> : tensor<32x3x3x3xf32>
  %y = infer.conv %img, %w strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] group 1 : (tensor<1x3x224x224xf32>, tensor<32x3x3x3xf32>) -> tensor<1x32x112x112xf32>
  return %y : tensor<1x32x112x112xf32>
}

// -----

// Zen 4, a short pointwise reduction at 56x56 or more: 10 to 16 output
// channels in one tile of all of them (16 x 1, 10 x 1), not in 9 x 3's two
// tiles of 18 rows; 9 and 24 output channels keep 9 x 3, and 16 at 28x28
// keeps 14 x 1.
// ZEN4-LABEL: func.func @narrow_pointwise
// ZEN4: infer.conv %arg0{{.*}}#infer.cpu_tile<conv_pointwise, mr = 16, nv = 1, vl = 16>
// ZEN4: infer.conv %arg0{{.*}}#infer.cpu_tile<conv_pointwise, mr = 9, nv = 3, vl = 16>
// ZEN4: infer.conv %arg0{{.*}}#infer.cpu_tile<conv_pointwise, mr = 10, nv = 1, vl = 16>
// ZEN4: infer.conv %arg0{{.*}}#infer.cpu_tile<conv_pointwise, mr = 9, nv = 3, vl = 16>
// ZEN4: infer.conv %arg1{{.*}}#infer.cpu_tile<conv_pointwise, mr = 14, nv = 1, vl = 16>
// AVX512-LABEL: func.func @narrow_pointwise
// AVX512: infer.conv %arg0{{.*}}#infer.cpu_tile<conv_pointwise, mr = 14, nv = 2, vl = 16>
func.func @narrow_pointwise(%x: tensor<1x32x112x112xf32>, %y: tensor<1x32x28x28xf32>) -> (tensor<1x16x112x112xf32>, tensor<1x24x112x112xf32>, tensor<1x10x112x112xf32>, tensor<1x9x112x112xf32>, tensor<1x16x28x28xf32>) {
  %w1 = infer.constant dense<0.5> : tensor<16x32x1x1xf32>
  %a = infer.conv %x, %w1 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x32x112x112xf32>, tensor<16x32x1x1xf32>) -> tensor<1x16x112x112xf32>
  %w2 = infer.constant dense<0.5> : tensor<24x32x1x1xf32>
  %b = infer.conv %x, %w2 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x32x112x112xf32>, tensor<24x32x1x1xf32>) -> tensor<1x24x112x112xf32>
  %w3 = infer.constant dense<0.5> : tensor<10x32x1x1xf32>
  %c = infer.conv %x, %w3 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x32x112x112xf32>, tensor<10x32x1x1xf32>) -> tensor<1x10x112x112xf32>
  %w4 = infer.constant dense<0.5> : tensor<9x32x1x1xf32>
  %d = infer.conv %x, %w4 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x32x112x112xf32>, tensor<9x32x1x1xf32>) -> tensor<1x9x112x112xf32>
  %e = infer.conv %y, %w1 strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1 : (tensor<1x32x28x28xf32>, tensor<16x32x1x1xf32>) -> tensor<1x16x28x28xf32>
  return %a, %b, %c, %d, %e : tensor<1x16x112x112xf32>, tensor<1x24x112x112xf32>, tensor<1x10x112x112xf32>, tensor<1x9x112x112xf32>, tensor<1x16x28x28xf32>
}

// -----

// A depthwise convolution on a small plane at stride 1, its output as large
// as its input: the flattened plane, 4 vectors at a time, no rows.
// AVX512-LABEL: func.func @narrow_depthwise
// AVX512: infer.tile = #infer.cpu_tile<dwconv, mr = 1, nv = 4, vl = 16>
// AVX2-LABEL: func.func @narrow_depthwise
// AVX2: infer.tile = #infer.cpu_tile<dwconv, mr = 1, nv = 4, vl = 8>
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
