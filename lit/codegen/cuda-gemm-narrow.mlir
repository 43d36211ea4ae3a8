// Tiles that let two blocks share an SM. A product of few output channels
// (40 here) takes a tile as wide as its channels in steps of 16 (m64n48
// wgmma); a ring of 4 stages of 48-wide tiles fits half an SM's shared
// memory, so the kernel is compiled for two blocks per SM (.minnctapersm
// 2: 80 registers a thread at launch, the consumers raised to 96 after the
// producer gives up its own). A tile of 64 rows (one consumer
// warpgroup, 256 threads: 128 registers at launch, 216 for the consumer)
// by 128 columns, set by hand here (the heuristic does not choose it; a
// tuner may), runs two blocks per SM too. A short product of 256 channels
// with 512 tiles of 128 x 128 runs one block per SM (consumers at 232),
// persistent: 132 blocks walk the tiles, each block's producer loading
// the next tile while its consumers run the epilogue through shared
// memory of their own. ptxas, when installed, must accept all three.

// RUN: infer-translate --emit-ptx %s | FileCheck %s
// RUN: infer-compile %s --target=cuda:sm_90a -o %t.infer --report=- | FileCheck %s --check-prefix=GRID
// GRID: infer_kernel_0 {{.*}} 256
// GRID: infer_kernel_1 {{.*}} 512
// GRID: infer_kernel_2 {{.*}} 132
// RUN: %if ptxas %{ infer-translate --emit-ptx %s -o %t.ptx && %ptxas -arch=sm_90a %t.ptx -o %t.cubin %}

// CHECK-LABEL: .visible .entry infer_kernel_{{[0-9]+}}(
// CHECK: .reqntid 384, 1, 1
// CHECK: .minnctapersm 2
// CHECK: setmaxnreg.dec.sync.aligned.u32 40;
// CHECK: setmaxnreg.inc.sync.aligned.u32 96;
// CHECK: wgmma.mma_async.sync.aligned.m64n48k16.f32.f16.f16
// CHECK-LABEL: .visible .entry infer_kernel_{{[0-9]+}}(
// CHECK: .reqntid 256, 1, 1
// CHECK: .minnctapersm 2
// CHECK: setmaxnreg.inc.sync.aligned.u32 216;
// CHECK: wgmma.mma_async.sync.aligned.m64n128k16.f32.f16.f16
// CHECK-LABEL: .visible .entry infer_kernel_{{[0-9]+}}(
// CHECK: .reqntid 384, 1, 1
// CHECK: .minnctapersm 1
// CHECK: setmaxnreg.inc.sync.aligned.u32 232;
// CHECK: wgmma.mma_async.sync.aligned.m64n128k16.f32.f16.f16

func.func @main(%a: tensor<32768x64xf16>, %c: tensor<32768x576xf16>)
    -> (tensor<32768x40xf16>, tensor<32768x128xf16>, tensor<32768x256xf16>) {
  %w = infer.constant dense<0.5> : tensor<64x40xf16>
  %0 = infer.matmul %a, %w : (tensor<32768x64xf16>, tensor<64x40xf16>) -> tensor<32768x40xf16>
  %v = infer.constant dense<0.5> : tensor<576x128xf16>
  %1 = infer.matmul %c, %v {infer.tile = #infer.cuda_gemm_tile<wgmma, bm = 64, bn = 128, bk = 64, stages = 4>} : (tensor<32768x576xf16>, tensor<576x128xf16>) -> tensor<32768x128xf16>
  %u = infer.constant dense<0.5> : tensor<64x256xf16>
  %2 = infer.matmul %a, %u : (tensor<32768x64xf16>, tensor<64x256xf16>) -> tensor<32768x256xf16>
  return %0, %1, %2 : tensor<32768x40xf16>, tensor<32768x128xf16>, tensor<32768x256xf16>
}
