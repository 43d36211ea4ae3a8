// Tests that a tile configuration its template cannot honor (a tuner's or
// a hand edit) is an error naming the ONNX node, never a crash, and that
// no artifact is written.
// RUN: split-file %s %t
// RUN: not infer-compile %t/dwconv.mlir -o %t/out.infer 2>&1 | FileCheck %s --check-prefix=DW
// DW: infer-compile: error: {{.*}}dwconv.mlir: node 'Conv_7' (Conv): the tile #infer.cpu_tile<dwconv, mr = 12, nv = 1, vl = 8> does not fit infer.conv: dwconv takes depthwise convolutions of stride 1 or 2
// RUN: not infer-compile %t/wino5x5.mlir -o %t/out.infer 2>&1 | FileCheck %s --check-prefix=WINO5
// WINO5: node 'Conv_4' (Conv): the tile #infer.cpu_tile<conv_winograd4, mr = 6, nv = 2, vl = 8> does not fit infer.conv: Winograd F(m, 3) takes 3x3 windows
// RUN: not infer-compile %t/winos2.mlir -o %t/out.infer 2>&1 | FileCheck %s --check-prefix=WINOS2
// WINOS2: node 'Conv_5' (Conv): the tile #infer.cpu_tile<conv_winograd2, mr = 6, nv = 2, vl = 8> does not fit infer.conv: Winograd F(m, 3) takes stride 1 without dilation
// RUN: not infer-compile %t/winobig.mlir -o %t/out.infer 2>&1 | FileCheck %s --check-prefix=WINOBIG
// WINOBIG: node 'Conv_6' (Conv): the tile #infer.cpu_tile<conv_winograd4, mr = 6, nv = 2, vl = 8> does not fit infer.conv: its transformed tiles would take more than 64 MiB
// RUN: not infer-compile %t/cmbig.mlir -o %t/out.infer 2>&1 | FileCheck %s --check-prefix=CMBIG
// CMBIG: node 'Conv_8' (Conv): the tile #infer.cpu_tile<conv_cm, mr = 6, nv = 2, vl = 8> does not fit infer.conv: conv_cm's padded copy of the input would take more than 64 MiB
// RUN: not infer-compile %t/regs.mlir -o %t/out.infer 2>&1 | FileCheck %s --check-prefix=REGS
// REGS: node 'Gemm_2' (Gemm): the tile #infer.cpu_tile<gemm, mr = 32, nv = 4, vl = 8> does not fit infer.gemm: 32 x 4 accumulators do not fit {{16|32}} vector registers
// RUN: not infer-compile %t/wgmma.mlir --target=cuda:sm_80 -o %t/out.infer 2>&1 | FileCheck %s --check-prefix=WGMMA
// WGMMA: node 'MatMul_0' (MatMul): the tile #infer.cuda_gemm_tile<wgmma, bm = 128, bn = 256, bk = 64, stages = 4> does not fit infer.matmul: wgmma needs sm_90a, the target is sm_80
// RUN: not infer-compile %t/wgmma-bk.mlir --target=cuda:sm_90a -o %t/out.infer 2>&1 | FileCheck %s --check-prefix=BK
// BK: node 'MatMul_0' (MatMul): the tile #infer.cuda_gemm_tile<wgmma, bm = 128, bn = 256, bk = 32, stages = 4> does not fit infer.matmul: a wgmma stage reads 128-byte rows: bk 64 for 16-bit operands
// RUN: not infer-compile %t/sparse-tile.mlir --target=cuda:sm_90a -o %t/out.infer 2>&1 | FileCheck %s --check-prefix=SPARSETILE
// SPARSETILE: node 'MatMul_0' (MatMul): the tile #infer.cuda_gemm_tile<wgmma_sp, bm = 128, bn = 256, bk = 64, stages = 3> does not fit infer.matmul: wgmma_sp and mma_sp need a 2:4 weight (infer.sparse24)
// RUN: not infer-compile %t/dense-tile.mlir --target=cuda:sm_90a -o %t/out.infer 2>&1 | FileCheck %s --check-prefix=DENSETILE
// DENSETILE: node 'MatMul_0' (MatMul): the tile #infer.cuda_gemm_tile<wgmma, bm = 128, bn = 128, bk = 64, stages = 4> does not fit infer.matmul: a 2:4 weight runs on the wgmma_sp or mma_sp kernel
// RUN: not infer-compile %t/splitk.mlir --target=cuda:sm_90a -o %t/out.infer 2>&1 | FileCheck %s --check-prefix=SPLITK
// SPLITK: node 'MatMul_1' (MatMul): the tile #infer.cuda_gemm_tile<wgmma, bm = 128, bn = 128, bk = 64, stages = 4, split_k = 7> does not fit infer.matmul: split_k 7 leaves a split without k tiles (K has 8)
// RUN: not infer-compile %t/depthwise.mlir --target=cuda:sm_90a -o %t/out.infer 2>&1 | FileCheck %s --check-prefix=DEPTHWISE
// DEPTHWISE: node 'Conv_3' (Conv): the tile #infer.cuda_tile<depthwise, threads = 256> does not fit infer.conv: its template cannot read this op
// RUN: not infer-compile %t/convi8.mlir --target=cpu:znver4 -o %t/out.infer 2>&1 | FileCheck %s --check-prefix=CONVI8
// CONVI8: node 'Conv_9' (Conv): the tile #infer.cpu_tile<conv_i8, mr = 8, nv = 2, vl = 16> does not fit infer.conv: conv_i8 needs a symmetric int8 input (zero point 0, one scale)
// RUN: not infer-compile %t/gemmi8.mlir --target=cpu:skylake-avx512 -o %t/out.infer 2>&1 | FileCheck %s --check-prefix=GEMMI8
// GEMMI8: node 'MatMul_3' (MatMul): the tile #infer.cpu_tile<gemm_i8, mr = 8, nv = 1, vl = 16> does not fit infer.matmul: gemm_i8 on 16 lanes needs AVX-512 VNNI
// AVX2's int8 tiles take two registers an accumulator: 6 rows do not fit.
// RUN: sed 's/mr = 8, nv = 1, vl = 16/mr = 6, nv = 1, vl = 8/' %t/gemmi8.mlir > %t/gemmi8avx2.mlir
// RUN: not infer-compile %t/gemmi8avx2.mlir --target=cpu:x86-64-v3 -o %t/out.infer 2>&1 | FileCheck %s --check-prefix=GEMMI8AVX2
// GEMMI8AVX2: node 'MatMul_3' (MatMul): the tile #infer.cpu_tile<gemm_i8, mr = 6, nv = 1, vl = 8> does not fit infer.matmul: 6 x 1 accumulators do not fit 16 vector registers
// Lanes neither template width; a CPU without AVX2.
// RUN: sed 's/mr = 8, nv = 1, vl = 16/mr = 2, nv = 1, vl = 4/' %t/gemmi8.mlir > %t/gemmi8vl4.mlir
// RUN: not infer-compile %t/gemmi8vl4.mlir --target=cpu:x86-64-v3 -o %t/out.infer 2>&1 | FileCheck %s --check-prefix=GEMMI8VL4
// GEMMI8VL4: node 'MatMul_3' (MatMul): the tile #infer.cpu_tile<gemm_i8, mr = 2, nv = 1, vl = 4> does not fit infer.matmul: gemm_i8 runs its dot products on 16 lanes (AVX-512 VNNI) or 8 (AVX2)
// RUN: sed 's/mr = 8, nv = 1, vl = 16/mr = 2, nv = 1, vl = 8/' %t/gemmi8.mlir > %t/gemmi8avx.mlir
// RUN: not infer-compile %t/gemmi8avx.mlir --target=cpu:sandybridge -o %t/out.infer 2>&1 | FileCheck %s --check-prefix=GEMMI8AVX
// GEMMI8AVX: node 'MatMul_3' (MatMul): the tile #infer.cpu_tile<gemm_i8, mr = 2, nv = 1, vl = 8> does not fit infer.matmul: gemm_i8 needs AVX-512 VNNI or AVX2
// RUN: not infer-compile %t/empty.mlir -o %t/out.infer 2>&1 | FileCheck %s --check-prefix=EMPTY
// EMPTY: expects 'infer.tile' to be a tile configuration
// RUN: test ! -e %t/out.infer

// Hand-edited row-map and view-copy tiles on ops their templates cannot
// read (a division; a transpose of booleans, which are not whole bytes).
// RUN: not infer-compile %t/maprows.mlir --target=cuda:sm_90a -o %t/out.infer 2>&1 | FileCheck %s --check-prefix=MAPROWS
// MAPROWS: node 'Div_4' (Div): the tile #infer.cuda_tile<elementwise_rows, threads = 256> does not fit infer.binary: its template cannot read this group
// RUN: not infer-compile %t/viewcopy.mlir --target=cuda:sm_90a -o %t/out.infer 2>&1 | FileCheck %s --check-prefix=VIEWCOPY
// VIEWCOPY: node 'Transpose_5' (Transpose): the tile #infer.cuda_tile<view_copy, threads = 256> does not fit infer.transpose: its template cannot read this group
//--- convi8.mlir
func.func @main(%x: tensor<1x8x16x16xf32>) -> tensor<1x8x16x16xf32> {
  %w = infer.constant dense<0.5> : tensor<8x8x3x3xf32>
  %y = infer.conv %x, %w strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 1
       {infer.tile = #infer.cpu_tile<conv_i8, mr = 8, nv = 2, vl = 16>}
       : (tensor<1x8x16x16xf32>, tensor<8x8x3x3xf32>) -> tensor<1x8x16x16xf32> loc("Conv_9"("Conv"))
  return %y : tensor<1x8x16x16xf32>
}
//--- gemmi8.mlir
!q = !quant.uniform<i8<-127:127>:f32, 2.000000e-02>
func.func @main(%a: tensor<4x32x!q>) -> tensor<4x16xf32> {
  %w = infer.constant dense<0.5> : tensor<32x16xf32>
  %d = infer.dequantize %a : tensor<4x32x!q> -> tensor<4x32xf32>
  %y = infer.matmul %d, %w {infer.tile = #infer.cpu_tile<gemm_i8, mr = 8, nv = 1, vl = 16>}
       : (tensor<4x32xf32>, tensor<32x16xf32>) -> tensor<4x16xf32> loc("MatMul_3"("MatMul"))
  return %y : tensor<4x16xf32>
}
//--- dwconv.mlir
func.func @main(%x: tensor<1x8x16x16xf32>) -> tensor<1x8x16x16xf32> {
  %w = infer.constant dense<0.5> : tensor<8x8x3x3xf32>
  %y = infer.conv %x, %w strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 1
       {infer.tile = #infer.cpu_tile<dwconv, mr = 12, nv = 1, vl = 8>}
       : (tensor<1x8x16x16xf32>, tensor<8x8x3x3xf32>) -> tensor<1x8x16x16xf32> loc("Conv_7"("Conv"))
  return %y : tensor<1x8x16x16xf32>
}
//--- wino5x5.mlir
func.func @main(%x: tensor<1x16x16x16xf32>) -> tensor<1x16x16x16xf32> {
  %w = infer.constant dense<0.5> : tensor<16x16x5x5xf32>
  %y = infer.conv %x, %w strides [1, 1] pads [2, 2, 2, 2] dilations [1, 1] group 1
       {infer.tile = #infer.cpu_tile<conv_winograd4, mr = 6, nv = 2, vl = 8>}
       : (tensor<1x16x16x16xf32>, tensor<16x16x5x5xf32>) -> tensor<1x16x16x16xf32> loc("Conv_4"("Conv"))
  return %y : tensor<1x16x16x16xf32>
}
//--- winos2.mlir
func.func @main(%x: tensor<1x16x16x16xf32>) -> tensor<1x16x8x8xf32> {
  %w = infer.constant dense<0.5> : tensor<16x16x3x3xf32>
  %y = infer.conv %x, %w strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] group 1
       {infer.tile = #infer.cpu_tile<conv_winograd2, mr = 6, nv = 2, vl = 8>}
       : (tensor<1x16x16x16xf32>, tensor<16x16x3x3xf32>) -> tensor<1x16x8x8xf32> loc("Conv_5"("Conv"))
  return %y : tensor<1x16x8x8xf32>
}
//--- winobig.mlir
func.func @main(%x: tensor<1x64x448x448xf32>) -> tensor<1x64x448x448xf32> {
  %w = infer.constant dense<0.5> : tensor<64x64x3x3xf32>
  %y = infer.conv %x, %w strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 1
       {infer.tile = #infer.cpu_tile<conv_winograd4, mr = 6, nv = 2, vl = 8>}
       : (tensor<1x64x448x448xf32>, tensor<64x64x3x3xf32>) -> tensor<1x64x448x448xf32> loc("Conv_6"("Conv"))
  return %y : tensor<1x64x448x448xf32>
}
//--- cmbig.mlir
func.func @main(%x: tensor<1x96x448x448xf32>) -> tensor<1x64x448x448xf32> {
  %w = infer.constant dense<0.5> : tensor<64x96x3x3xf32>
  %y = infer.conv %x, %w strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 1
       {infer.tile = #infer.cpu_tile<conv_cm, mr = 6, nv = 2, vl = 8>}
       : (tensor<1x96x448x448xf32>, tensor<64x96x3x3xf32>) -> tensor<1x64x448x448xf32> loc("Conv_8"("Conv"))
  return %y : tensor<1x64x448x448xf32>
}
//--- regs.mlir
func.func @main(%x: tensor<4x64xf32>) -> tensor<4x16xf32> {
  %w = infer.constant dense<0.5> : tensor<64x16xf32>
  %y = infer.gemm %x, %w alpha 1.0 beta 1.0 {infer.tile = #infer.cpu_tile<gemm, mr = 32, nv = 4, vl = 8>}
       : (tensor<4x64xf32>, tensor<64x16xf32>) -> tensor<4x16xf32> loc("Gemm_2"("Gemm"))
  return %y : tensor<4x16xf32>
}
//--- wgmma.mlir
func.func @main(%x: tensor<256x512xf16>) -> tensor<256x512xf16> {
  %w = infer.constant dense<0.5> : tensor<512x512xf16>
  %y = infer.matmul %x, %w {infer.tile = #infer.cuda_gemm_tile<wgmma, bm = 128, bn = 256, bk = 64, stages = 4>}
       : (tensor<256x512xf16>, tensor<512x512xf16>) -> tensor<256x512xf16> loc("MatMul_0"("MatMul"))
  return %y : tensor<256x512xf16>
}
//--- sparse-tile.mlir
func.func @main(%x: tensor<256x512xf16>) -> tensor<256x512xf16> {
  %w = infer.constant dense<0.5> : tensor<512x512xf16>
  %y = infer.matmul %x, %w {infer.tile = #infer.cuda_gemm_tile<wgmma_sp, bm = 128, bn = 256, bk = 64, stages = 3>}
       : (tensor<256x512xf16>, tensor<512x512xf16>) -> tensor<256x512xf16> loc("MatMul_0"("MatMul"))
  return %y : tensor<256x512xf16>
}
//--- dense-tile.mlir
func.func @main(%x: tensor<256x256xf16>) -> tensor<256x128xf16> {
  %v = infer.constant dense<0.5> : tensor<128x128xf16>
  %m = infer.constant dense<17476> : tensor<128x16xi16>
  %s = infer.sparse24 %v, %m : (tensor<128x128xf16>, tensor<128x16xi16>) -> tensor<128x256xf16>
  %t = infer.transpose %s perm [1, 0] : tensor<128x256xf16> -> tensor<256x128xf16>
  %y = infer.matmul %x, %t {infer.tile = #infer.cuda_gemm_tile<wgmma, bm = 128, bn = 128, bk = 64, stages = 4>}
       : (tensor<256x256xf16>, tensor<256x128xf16>) -> tensor<256x128xf16> loc("MatMul_0"("MatMul"))
  return %y : tensor<256x128xf16>
}
//--- wgmma-bk.mlir
func.func @main(%x: tensor<256x512xf16>) -> tensor<256x512xf16> {
  %w = infer.constant dense<0.5> : tensor<512x512xf16>
  %y = infer.matmul %x, %w {infer.tile = #infer.cuda_gemm_tile<wgmma, bm = 128, bn = 256, bk = 32, stages = 4>}
       : (tensor<256x512xf16>, tensor<512x512xf16>) -> tensor<256x512xf16> loc("MatMul_0"("MatMul"))
  return %y : tensor<256x512xf16>
}
//--- empty.mlir
func.func @main(%x: tensor<4x64xf32>) -> tensor<4x16xf32> {
  %w = infer.constant dense<0.5> : tensor<64x16xf32>
  %y = infer.gemm %x, %w alpha 1.0 beta 1.0 {infer.tile = {}} : (tensor<4x64xf32>, tensor<64x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}
//--- splitk.mlir
func.func @main(%x: tensor<64x512xf16>) -> tensor<64x128xf16> {
  %w = infer.constant dense<0.5> : tensor<512x128xf16>
  %y = infer.matmul %x, %w {infer.tile = #infer.cuda_gemm_tile<wgmma, bm = 128, bn = 128, bk = 64, stages = 4, split_k = 7>}
       : (tensor<64x512xf16>, tensor<512x128xf16>) -> tensor<64x128xf16> loc("MatMul_1"("MatMul"))
  return %y : tensor<64x128xf16>
}
//--- depthwise.mlir
func.func @main(%x: tensor<1x8x8x16xf16>) -> tensor<1x8x8x16xf16> {
  %w = infer.constant dense<0.5> : tensor<16x2x3x3xf16>
  %y = infer.conv %x, %w strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] group 8 channels_last
       {infer.tile = #infer.cuda_tile<depthwise, threads = 256>}
       : (tensor<1x8x8x16xf16>, tensor<16x2x3x3xf16>) -> tensor<1x8x8x16xf16> loc("Conv_3"("Conv"))
  return %y : tensor<1x8x8x16xf16>
}
//--- maprows.mlir
func.func @main(%x: tensor<4x64xf16>) -> tensor<4x64xf16> {
  %c = infer.constant dense<0.5> : tensor<64xf16>
  %y = infer.binary div %x, %c {infer.tile = #infer.cuda_tile<elementwise_rows, threads = 256>}
       : (tensor<4x64xf16>, tensor<64xf16>) -> tensor<4x64xf16> loc("Div_4"("Div"))
  return %y : tensor<4x64xf16>
}
//--- viewcopy.mlir
func.func @main(%x: tensor<4x64xi1>) -> tensor<64x4xi1> {
  %y = infer.transpose %x perm [1, 0] {infer.tile = #infer.cuda_tile<view_copy, threads = 256>}
       : tensor<4x64xi1> -> tensor<64x4xi1> loc("Transpose_5"("Transpose"))
  return %y : tensor<64x4xi1>
}
