// RUN: infer-opt %s --infer-cuda-select-config=arch=sm_90a --split-input-file | FileCheck %s --check-prefix=SM90A
// RUN: infer-opt %s --infer-cuda-select-config=arch=sm_80 --split-input-file | FileCheck %s --check-prefix=SM80

// Tests the tensor-core GEMM tile: wgmma on sm_90a, 128 x 256 when the
// output tiles fill the GPU's 132 SMs (or 128 x 128 for products of at
// most 128 columns, and for short ones, at most 16 k tiles, with two
// 128-wide tiles per SM or more: their kernel is persistent; the first
// product here, 8 k tiles), else 128 x 128 and, under half a wave, K split over
// more blocks (at least 4 k tiles each, as many as fill one wave; not for a K of
// fewer than 8 tiles); mma.sync on sm_80 (constant right operand only,
// never split); fp32 products get none.
// SM90A-LABEL: func.func @products
// SM90A: infer.matmul %arg0, %{{.*}} {infer.tile = #infer.cuda_gemm_tile<wgmma, bm = 128, bn = 128, bk = 64, stages = 4>}
// SM90A: infer.matmul %arg1, %{{.*}} {infer.tile = #infer.cuda_gemm_tile<wgmma, bm = 128, bn = 128, bk = 64, stages = 4, split_k = 2>}
// SM90A: infer.matmul %arg2, %{{.*}} {infer.tile = #infer.cuda_gemm_tile<wgmma, bm = 128, bn = 128, bk = 64, stages = 4, split_k = 18>}
// SM90A: infer.matmul %arg3, %{{.*}} {infer.tile = #infer.cuda_gemm_tile<wgmma, bm = 128, bn = 128, bk = 64, stages = 4>}
// SM90A: infer.matmul %arg0, %arg4 {infer.tile = #infer.cuda_gemm_tile<wgmma, bm = 128, bn = 256
// SM90A: infer.matmul %arg5, %arg6 :
// SM80-LABEL: func.func @products
// SM80: infer.matmul %arg0, %{{.*}} {infer.tile = #infer.cuda_gemm_tile<mma_sync, bm = 128, bn = 128, bk = 32, stages = 3>}
// SM80: infer.matmul %arg1, %{{.*}} {infer.tile = #infer.cuda_gemm_tile<mma_sync
// SM80: infer.matmul %arg2, %{{.*}} {infer.tile = #infer.cuda_gemm_tile<mma_sync, bm = 128, bn = 128, bk = 32, stages = 3>}
// SM80: infer.matmul %arg3, %{{.*}} {infer.tile = #infer.cuda_gemm_tile<mma_sync
// SM80: infer.matmul %arg0, %arg4 :
// SM80: infer.matmul %arg5, %arg6 :
func.func @products(%a: tensor<16384x512xf16>, %b: tensor<64x512xf16>, %c: tensor<49x4608xf16>,
                    %d: tensor<64x256xf16>, %x: tensor<512x512xf16>,
                    %f: tensor<16x32xf32>, %g: tensor<32x16xf32>)
    -> (tensor<16384x512xf16>, tensor<64x128xf16>, tensor<49x512xf16>, tensor<64x128xf16>,
        tensor<16384x512xf16>, tensor<16x16xf32>) {
  %w = infer.constant dense<0.5> : tensor<512x512xf16>
  %0 = infer.matmul %a, %w : (tensor<16384x512xf16>, tensor<512x512xf16>) -> tensor<16384x512xf16>
  %v = infer.constant dense<0.5> : tensor<512x128xf16>
  %1 = infer.matmul %b, %v : (tensor<64x512xf16>, tensor<512x128xf16>) -> tensor<64x128xf16>
  %u = infer.constant dense<0.5> : tensor<4608x512xf16>
  %2 = infer.matmul %c, %u : (tensor<49x4608xf16>, tensor<4608x512xf16>) -> tensor<49x512xf16>
  %s = infer.constant dense<0.5> : tensor<256x128xf16>
  %3 = infer.matmul %d, %s : (tensor<64x256xf16>, tensor<256x128xf16>) -> tensor<64x128xf16>
  %4 = infer.matmul %a, %x : (tensor<16384x512xf16>, tensor<512x512xf16>) -> tensor<16384x512xf16>
  %5 = infer.matmul %f, %g : (tensor<16x32xf32>, tensor<32x16xf32>) -> tensor<16x16xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<16384x512xf16>, tensor<64x128xf16>, tensor<49x512xf16>,
      tensor<64x128xf16>, tensor<16384x512xf16>, tensor<16x16xf32>
}

// -----

// Tests the width of wgmma tiles: the columns share the fewest tiles
// evenly, in steps of 16 (a pruned layer's 40 channels: 48 wide; 384
// columns of a short product: three persistent tiles of 128), or of 64
// when B is not a constant (read
// [K,N]); short products (at most 8 k tiles, no window) of 65 to 128
// columns take tiles at most 64 wide (two blocks per SM), longer ones
// one tile.
// SM90A-LABEL: func.func @widths
// SM90A: infer.matmul %arg0, %{{.*}} {infer.tile = #infer.cuda_gemm_tile<wgmma, bm = 128, bn = 48, bk = 64, stages = 4>}
// SM90A: infer.matmul %arg0, %{{.*}} {infer.tile = #infer.cuda_gemm_tile<wgmma, bm = 128, bn = 128, bk = 64, stages = 4>}
// SM90A: infer.matmul %arg0, %arg1 {infer.tile = #infer.cuda_gemm_tile<wgmma, bm = 128, bn = 64, bk = 64, stages = 4>}
// SM90A: infer.matmul %arg0, %{{.*}} {infer.tile = #infer.cuda_gemm_tile<wgmma, bm = 128, bn = 64, bk = 64, stages = 4>}
// SM90A: infer.matmul %arg2, %{{.*}} {infer.tile = #infer.cuda_gemm_tile<wgmma, bm = 128, bn = 128, bk = 64, stages = 4>}
// SM80-LABEL: func.func @widths
// SM80: infer.matmul %arg0, %{{.*}} {infer.tile = #infer.cuda_gemm_tile<mma_sync, bm = 128, bn = 128, bk = 32, stages = 3>}
func.func @widths(%a: tensor<32768x64xf16>, %b: tensor<64x40xf16>, %c: tensor<32768x576xf16>)
    -> (tensor<32768x40xf16>, tensor<32768x384xf16>, tensor<32768x40xf16>, tensor<32768x128xf16>,
        tensor<32768x128xf16>) {
  %w = infer.constant dense<0.5> : tensor<64x40xf16>
  %0 = infer.matmul %a, %w : (tensor<32768x64xf16>, tensor<64x40xf16>) -> tensor<32768x40xf16>
  %v = infer.constant dense<0.5> : tensor<64x384xf16>
  %1 = infer.matmul %a, %v : (tensor<32768x64xf16>, tensor<64x384xf16>) -> tensor<32768x384xf16>
  %2 = infer.matmul %a, %b : (tensor<32768x64xf16>, tensor<64x40xf16>) -> tensor<32768x40xf16>
  %u = infer.constant dense<0.5> : tensor<64x128xf16>
  %3 = infer.matmul %a, %u : (tensor<32768x64xf16>, tensor<64x128xf16>) -> tensor<32768x128xf16>
  %t = infer.constant dense<0.5> : tensor<576x128xf16>
  %4 = infer.matmul %c, %t : (tensor<32768x576xf16>, tensor<576x128xf16>) -> tensor<32768x128xf16>
  return %0, %1, %2, %3, %4 : tensor<32768x40xf16>, tensor<32768x384xf16>, tensor<32768x40xf16>,
      tensor<32768x128xf16>, tensor<32768x128xf16>
}

// -----

// Tests the data-movement and row kernels (every architecture), and the
// declines: rows of 6 bytes cannot move 16 at a time, softmax off the last
// axis.
// SM90A-LABEL: func.func @movement
// SM90A: infer.gather {{.*}}infer.tile = #infer.cuda_tile<gather_rows, threads = 256>
// SM90A: infer.pad {{.*}}infer.tile = #infer.cuda_tile<pad_rows, threads = 256>
// SM90A: infer.transpose {{.*}}infer.tile = #infer.cuda_tile<transpose_channels, threads = 256>
// SM90A: infer.softmax {{.*}}infer.tile = #infer.cuda_tile<row_norm, threads = 256>
// SM90A: infer.gather %arg4
// SM90A-NOT: infer.tile
// SM90A: infer.softmax
// SM90A-NOT: infer.tile
// SM90A: return
// SM80-LABEL: func.func @movement
// SM80: infer.tile = #infer.cuda_tile<gather_rows, threads = 256>
func.func @movement(%t: tensor<100x64xf16>, %i: tensor<8xi64>, %x: tensor<2x8x8x16xf16>, %n: tensor<2x16x8x8xf16>,
                    %s: tensor<10x3xf16>, %r: tensor<4x64xf16>, %c: tensor<64x4xf16>)
    -> (tensor<8x64xf16>, tensor<2x10x10x16xf16>, tensor<2x8x8x16xf16>, tensor<4x64xf16>, tensor<8x3xf16>, tensor<64x4xf16>) {
  %0 = infer.gather %t, %i axis 0 : (tensor<100x64xf16>, tensor<8xi64>) -> tensor<8x64xf16>
  %1 = infer.pad constant %x pads [0, 1, 1, 0, 0, 1, 1, 0] value 0.0 : tensor<2x8x8x16xf16> -> tensor<2x10x10x16xf16>
  %2 = infer.transpose %n perm [0, 2, 3, 1] : tensor<2x16x8x8xf16> -> tensor<2x8x8x16xf16>
  %3 = infer.softmax %r axis 1 : tensor<4x64xf16>
  %4 = infer.gather %s, %i axis 0 : (tensor<10x3xf16>, tensor<8xi64>) -> tensor<8x3xf16>
  %5 = infer.softmax %c axis 0 : tensor<64x4xf16>
  return %0, %1, %2, %3, %4, %5 : tensor<8x64xf16>, tensor<2x10x10x16xf16>, tensor<2x8x8x16xf16>, tensor<4x64xf16>, tensor<8x3xf16>, tensor<64x4xf16>
}

// -----

// Tests split-K up to one wave: ResNet-50 b32's layer4 1x1 product (1568
// rows, 512 columns: 52 tiles of 128 x 128, 32 k tiles) splits in 2 (104
// blocks), not in 6 (312 blocks, three waves of partial tiles).
// SM90A-LABEL: func.func @split_one_wave
// SM90A: infer.matmul {{.*}}#infer.cuda_gemm_tile<wgmma, bm = 128, bn = 128, bk = 64, stages = 4, split_k = 2>
func.func @split_one_wave(%a: tensor<1568x2048xf16>) -> tensor<1568x512xf16> {
  %w = infer.constant dense<0.5> : tensor<2048x512xf16>
  %0 = infer.matmul %a, %w : (tensor<1568x2048xf16>, tensor<2048x512xf16>) -> tensor<1568x512xf16>
  return %0 : tensor<1568x512xf16>
}

// -----

// Tests that tiles wider than 128 give way to narrower ones where that
// costs less in waves x (width + 64), in short products (at most 16 k
// tiles): a pruned ResNet-50's layer3 conv3 at batch 32 (6272 x 640: 147
// tiles of 224, two waves, the second of 15 blocks) takes 245 tiles of 128
// (still two waves); MobileNetV2 b32's 6272 x 576 likewise 128 instead of
// 192; 8448 x 512 of a long K keeps its one wave of 132 tiles 256 wide, and
// so do 6272 x 640 of a long K (40 k tiles) and of a [K,N] B (not a
// constant: 64-column boxes).
// SM90A-LABEL: func.func @wave_widths
// SM90A: infer.matmul {{.*}}#infer.cuda_gemm_tile<wgmma, bm = 128, bn = 128, bk = 64, stages = 4>
// SM90A: infer.matmul {{.*}}#infer.cuda_gemm_tile<wgmma, bm = 128, bn = 128, bk = 64, stages = 4>
// SM90A: infer.matmul {{.*}}#infer.cuda_gemm_tile<wgmma, bm = 128, bn = 256, bk = 64, stages = 4>
// SM90A: infer.matmul {{.*}}#infer.cuda_gemm_tile<wgmma, bm = 128, bn = 224, bk = 64, stages = 4>
// SM90A: infer.matmul {{.*}}#infer.cuda_gemm_tile<wgmma, bm = 128, bn = 256, bk = 64, stages = 4>
func.func @wave_widths(%a: tensor<6272x160xf16>, %b: tensor<6272x96xf16>, %c: tensor<8448x2048xf16>,
                       %d: tensor<6272x2560xf16>, %e: tensor<160x640xf16>)
    -> (tensor<6272x640xf16>, tensor<6272x576xf16>, tensor<8448x512xf16>, tensor<6272x640xf16>,
        tensor<6272x640xf16>) {
  %w = infer.constant dense<0.5> : tensor<160x640xf16>
  %0 = infer.matmul %a, %w : (tensor<6272x160xf16>, tensor<160x640xf16>) -> tensor<6272x640xf16>
  %u = infer.constant dense<0.5> : tensor<96x576xf16>
  %1 = infer.matmul %b, %u : (tensor<6272x96xf16>, tensor<96x576xf16>) -> tensor<6272x576xf16>
  %v = infer.constant dense<0.5> : tensor<2048x512xf16>
  %2 = infer.matmul %c, %v : (tensor<8448x2048xf16>, tensor<2048x512xf16>) -> tensor<8448x512xf16>
  %t = infer.constant dense<0.5> : tensor<2560x640xf16>
  %3 = infer.matmul %d, %t : (tensor<6272x2560xf16>, tensor<2560x640xf16>) -> tensor<6272x640xf16>
  %4 = infer.matmul %a, %e : (tensor<6272x160xf16>, tensor<160x640xf16>) -> tensor<6272x640xf16>
  return %0, %1, %2, %3, %4 : tensor<6272x640xf16>, tensor<6272x576xf16>, tensor<8448x512xf16>,
      tensor<6272x640xf16>, tensor<6272x640xf16>
}

// -----

// Tests the 2:4 sparse tile: the least waves x block time, a block's time
// per k tile the longer of its sparse wgmma work and its stage's bytes.
// 8192 rows by 1024 channels: 128 x 256 (2 waves); 6272 rows by 256
// channels (ResNet-50's layer3 at batch 32): 128 x 128, one wave of 98
// blocks (128 x 256 would take as long with 49, 64 x 128 two waves).
// On sm_80 both take mma.sp's one tile.
// SM90A-LABEL: func.func @sparse_tiles
// SM90A: infer.matmul {{.*}}#infer.cuda_gemm_tile<wgmma_sp, bm = 128, bn = 256, bk = 64, stages = 3>
// SM90A: infer.matmul {{.*}}#infer.cuda_gemm_tile<wgmma_sp, bm = 128, bn = 128, bk = 64, stages = 4>
// SM80-LABEL: func.func @sparse_tiles
// SM80: infer.matmul {{.*}}#infer.cuda_gemm_tile<mma_sp, bm = 128, bn = 128, bk = 64, stages = 3>
// SM80: infer.matmul {{.*}}#infer.cuda_gemm_tile<mma_sp, bm = 128, bn = 128, bk = 64, stages = 3>
func.func @sparse_tiles(%a: tensor<8192x1024xf16>, %b: tensor<6272x1024xf16>)
    -> (tensor<8192x1024xf16>, tensor<6272x256xf16>) {
  %av = infer.constant dense<0.5> : tensor<1024x512xf16>
  %am = infer.constant dense<17476> : tensor<1024x64xi16>
  %as = infer.sparse24 %av, %am : (tensor<1024x512xf16>, tensor<1024x64xi16>) -> tensor<1024x1024xf16>
  %at = infer.transpose %as perm [1, 0] : tensor<1024x1024xf16> -> tensor<1024x1024xf16>
  %0 = infer.matmul %a, %at : (tensor<8192x1024xf16>, tensor<1024x1024xf16>) -> tensor<8192x1024xf16>
  %bv = infer.constant dense<0.5> : tensor<256x512xf16>
  %bm = infer.constant dense<17476> : tensor<256x64xi16>
  %bs = infer.sparse24 %bv, %bm : (tensor<256x512xf16>, tensor<256x64xi16>) -> tensor<256x1024xf16>
  %bt = infer.transpose %bs perm [1, 0] : tensor<256x1024xf16> -> tensor<1024x256xf16>
  %1 = infer.matmul %b, %bt : (tensor<6272x1024xf16>, tensor<1024x256xf16>) -> tensor<6272x256xf16>
  return %0, %1 : tensor<8192x1024xf16>, tensor<6272x256xf16>
}

// -----

// RUN: not infer-opt %s --infer-cuda-select-config=arch=sm_75 --split-input-file 2>&1 | FileCheck %s --check-prefix=BADARCH
// BADARCH: error: {{.*}}sm_75
func.func @nothing() {
  return
}
