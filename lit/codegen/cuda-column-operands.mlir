// Tests that on sm_90a a GEMM with a staged epilogue loads its per-column operands
// (bias; int8: column scales and bias) before the main loop, for the 8
// columns each epilogue thread stores, so that their latency passes under
// the product: a block of one tile (fp16, 512 x 256) and a persistent int8
// block (16896 x 256 in 264 tiles of 128 x 128, both operands each tile)
// issue them before their first wgmma. A persistent fp16 block (its bias
// alone, loaded again every tile) loads it in the epilogue, after its
// wgmma.
// RUN: infer-compile %s --target=cuda:sm_90a -o %t.infer --dump-kernels 2>&1 | sed -n '1,/SCFToControlFlowPass/p' | FileCheck %s
// RUN: infer-translate --emit-ptx --cuda-arch=sm_90a %s -o %t.ptx
// RUN: %if ptxas %{ %ptxas -arch=sm_90a %t.ptx -o %t.cubin %}
// CHECK-LABEL: func.func @infer_kernel_0(
// CHECK: llvm.load {{.*}} : !llvm.ptr -> vector<8xf16>
// CHECK: nvvm.wgmma.mma_async
// CHECK-NOT: !llvm.ptr -> vector<8xf16>
// CHECK-LABEL: func.func @infer_kernel_1(
// CHECK-NOT: !llvm.ptr -> vector<8xf16>
// CHECK: nvvm.wgmma.mma_async
// CHECK: llvm.load {{.*}} : !llvm.ptr -> vector<8xf16>
// CHECK-LABEL: func.func @infer_kernel_2(
// CHECK: llvm.load {{.*}} : !llvm.ptr -> vector<8xf32>
// CHECK: llvm.load {{.*}} : !llvm.ptr -> vector<8xf32>
// CHECK: nvvm.wgmma.mma_async
// CHECK-NOT: !llvm.ptr -> vector<8xf32>
// CHECK: IR Dump After SCFToControlFlowPass
!a = !quant.uniform<i8<-127:127>:f32, 2.000000e-02>
!w = !quant.uniform<i8<-127:127>:f32, 1.000000e-02>
!y = !quant.uniform<i8<-127:127>:f32, 5.000000e-02>
func.func @main(%b: tensor<512x128xf16>, %a: tensor<16896x64xf16>, %x: tensor<16896x64x!a>,
                %bias: tensor<256xf16>, %bias8: tensor<256xf32>)
    -> (tensor<512x256xf16>, tensor<16896x256xf16>, tensor<16896x256x!y>) {
  %w = infer.constant dense<0.25> : tensor<128x256xf16>
  %v = infer.matmul %b, %w : (tensor<512x128xf16>, tensor<128x256xf16>) -> tensor<512x256xf16>
  %u = infer.binary add %v, %bias : (tensor<512x256xf16>, tensor<256xf16>) -> tensor<512x256xf16>
  %w2 = infer.constant dense<0.5> : tensor<64x256xf16>
  %y = infer.matmul %a, %w2 : (tensor<16896x64xf16>, tensor<64x256xf16>) -> tensor<16896x256xf16>
  %z = infer.binary add %y, %bias : (tensor<16896x256xf16>, tensor<256xf16>) -> tensor<16896x256xf16>
  %c = infer.constant dense<3> : tensor<64x256xi8>
  %w8 = infer.cast %c : tensor<64x256xi8> to tensor<64x256x!w>
  %m = infer.matmul %x, %w8 : (tensor<16896x64x!a>, tensor<64x256x!w>) -> tensor<16896x256xf32>
  %mb = infer.binary add %m, %bias8 : (tensor<16896x256xf32>, tensor<256xf32>) -> tensor<16896x256xf32>
  %q = infer.quantize %mb : tensor<16896x256xf32> -> tensor<16896x256x!y>
  return %u, %z, %q : tensor<512x256xf16>, tensor<16896x256xf16>, tensor<16896x256x!y>
}
