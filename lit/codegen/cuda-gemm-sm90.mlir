// fp16 products on sm_90a become the tensor-core GEMM: a producer warpgroup
// issuing TMA copies completed on mbarriers, consumer warpgroups issuing
// wgmma on 128-byte swizzled shared memory, registers rebalanced with
// setmaxnreg, the bias + ReLU epilogue in registers. ptxas, when installed,
// must accept it. fp32 products and other architectures keep the generic
// kernels (no wgmma).

// RUN: infer-translate --emit-ptx %s | FileCheck %s
// RUN: infer-translate --emit-ptx --cuda-arch=sm_90 %s | FileCheck %s --check-prefix=SM90
// RUN: %if ptxas %{ infer-translate --emit-ptx %s -o %t.ptx && %ptxas -arch=sm_90a %t.ptx -o %t.cubin %}

// CHECK: .target sm_90a
// CHECK: .extern .shared .align 1024 .b8 infer_gemm_shared[];
// CHECK-LABEL: .visible .entry infer_kernel_{{[0-9]+}}(
// CHECK: .reqntid 384, 1, 1
// CHECK: mbarrier.init.shared.b64
// CHECK: fence.mbarrier_init.release.cluster;
// CHECK: prefetch.tensormap
// CHECK: setmaxnreg.dec.sync.aligned.u32 40;
// CHECK: mbarrier.try_wait.parity
// CHECK: mbarrier.arrive.expect_tx.shared.b64
// CHECK: cp.async.bulk.tensor.2d.shared::cluster.global.tile.mbarrier::complete_tx::bytes
// CHECK: setmaxnreg.inc.sync.aligned.u32 232;
// CHECK: wgmma.fence.sync.aligned;
// B is [K,N]: the transposed operand (trans-b = 1), 128 columns wide.
// CHECK: wgmma.mma_async.sync.aligned.m64n128k16.f32.f16.f16 {{.*}}, 1, 1, 0, 1;
// CHECK: wgmma.commit_group.sync.aligned;
// CHECK: wgmma.wait_group.sync.aligned 1;
// CHECK: mbarrier.arrive.shared.b64
// CHECK: wgmma.wait_group.sync.aligned 0;
// The epilogue: bias, ReLU, fp16 pairs.
// CHECK: max.f32
// CHECK: cvt.rn.f16x2.f32
// The fp32 product stays generic.
// CHECK-LABEL: .visible .entry infer_kernel_{{[0-9]+}}(
// CHECK-NOT: wgmma

// SM90: .target sm_90
// SM90-NOT: wgmma

func.func @main(%a: tensor<256x256xf16>, %b: tensor<256x128xf16>, %bias: tensor<128xf16>,
                %x: tensor<64x128xf32>, %y: tensor<128x32xf32>) -> (tensor<256x128xf16>, tensor<64x32xf32>) {
  %0 = infer.matmul %a, %b : (tensor<256x256xf16>, tensor<256x128xf16>) -> tensor<256x128xf16>
  %1 = infer.binary add %0, %bias : (tensor<256x128xf16>, tensor<128xf16>) -> tensor<256x128xf16>
  %2 = infer.unary relu %1 : tensor<256x128xf16> -> tensor<256x128xf16>
  %3 = infer.matmul %x, %y : (tensor<64x128xf32>, tensor<128x32xf32>) -> tensor<64x32xf32>
  return %2, %3 : tensor<256x128xf16>, tensor<64x32xf32>
}
