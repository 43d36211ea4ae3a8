// 2:4 weights on sm_90a: a product whose weight is infer.sparse24 of
// constants (through its transpose for a K x N weight, directly for a gemm
// with trans_b) runs on the sparse wgmma kernel, which reads the kept
// values (a 128-byte swizzled tile, as a dense K-major one) and the 4-bit
// positions (i16 rows, unswizzled) with TMA; the bias stays in its
// epilogue. A product the kernel cannot take (K = 64, not a multiple of
// 128, or an epilogue the GEMM kernels do not apply) gets its dense weight
// back and the report says why. A convolution's product with a 2:4 weight
// reads its image through TMA's im2col mode as the dense kernel does (its
// im2col in the group). On sm_80 the products run on mma.sp (cp.async
// ring, K a multiple of 64: mm_k64 too; the convolution's rows gathered
// first); its PTX assembles for sm_80. The bias of the gemm with trans_b
// (kernel 1) loads before the sparse wgmma, for the 8 channels each
// epilogue thread stores, and not again in the epilogue.
// RUN: infer-compile %s --target=cuda:sm_90a -o %t.infer --report=- | FileCheck %s --check-prefix=REPORT
// RUN: infer-opt %s --infer-cuda-select-config=arch=sm_90a | FileCheck %s --check-prefix=TILE
// RUN: infer-compile %s --target=cuda:sm_90a -o %t.hoist.infer --dump-kernels 2>&1 | sed -n '1,/SCFToControlFlowPass/p' | FileCheck %s --check-prefix=HOIST
// HOIST-LABEL: func.func @infer_kernel_1(
// HOIST: llvm.load {{.*}} : !llvm.ptr -> vector<8xf16>
// HOIST: wgmma.mma_async.sp
// HOIST-NOT: !llvm.ptr -> vector<8xf16>
// HOIST: func.func @infer_kernel_2(
// RUN: infer-opt %s --infer-cuda-select-config=arch=sm_90a --infer-outline-kernels=target=cuda:sm_90a | FileCheck %s --check-prefix=MAP
// RUN: infer-translate --emit-ptx %s | FileCheck %s --check-prefix=PTX
// RUN: infer-compile %s --target=cuda:sm_80 -o %t80.infer --report=- | FileCheck %s --check-prefix=SM80
// RUN: %if ptxas %{ infer-translate --emit-ptx %s -o %t.ptx && %ptxas -arch=sm_90a %t.ptx -o %t.cubin %}
// RUN: %if ptxas %{ infer-compile %s --target=cuda:sm_80 -o %t80b.infer --emit-ptx=%t80.ptx && %ptxas -arch=sm_80 %t80.ptx -o %t80.cubin %}
// RUN: infer-compile %s --target=cuda:sm_80 -o %t80c.infer --emit-ptx=%t80c.ptx && FileCheck %s --check-prefix=PTX80 < %t80c.ptx
// REPORT-DAG: sparse24+transpose+matmul/gemm_sm90_sparse {{.*}} mm_sparse
// REPORT-DAG: sparse24+gemm/gemm_sm90_sparse {{.*}} gemm_sparse
// REPORT-DAG: matmul/gemm_sm90 {{.*}} mm_k64
// REPORT-DAG: im2col+sparse24+transpose+matmul/gemm_sm90_sparse {{.*}} conv_sparse
// REPORT: mm_k64 {{.*}} declined: at code generation: K (64) is not a multiple of 128
// REPORT: mm_epilogue {{.*}} declined: at code generation: an epilogue the GEMM kernels do not apply
// MAP: #infer.tensor_map<arg = 0, dtype = {{[0-9]+}}, dims = [256, 256], strides = [512], box = [64, 64], swizzle = 3>
// MAP: #infer.tensor_map<arg = 1, dtype = {{[0-9]+}}, dims = [128, 128], strides = [256], box = [64, 128], swizzle = 3>
// MAP: #infer.tensor_map<arg = 2, dtype = {{[0-9]+}}, dims = [16, 128], strides = [32], box = [8, 128], swizzle = 0>
// MAP: #infer.tensor_map<arg = 0, dtype = {{[0-9]+}}, dims = [128, 14, 14, 2], strides = [256, 3584, 50176], box = [64, 64], swizzle = 3, im2col = [-1, -1, -1, -1, 1, 1]>
// 256 x 128 products fill few SMs: the smallest tile, 64 rows by 128
// channels (wgmma m64n64k32).
// TILE: infer.matmul {{.*}} #infer.cuda_gemm_tile<wgmma_sp, bm = 64, bn = 128, bk = 64, stages = 4>
// PTX: wgmma.mma_async.sp.sync.aligned.m64n64k32.f32.f16.f16
// SM80-NOT: gemm_sm90_sparse
// SM80-DAG: sparse24+transpose+matmul/gemm_sm80_sparse {{.*}} mm_sparse
// SM80-DAG: sparse24+gemm/gemm_sm80_sparse {{.*}} gemm_sparse
// SM80-DAG: sparse24+transpose+matmul/gemm_sm80_sparse {{.*}} mm_k64
// SM80-DAG: sparse24+transpose+matmul/gemm_sm80_sparse {{.*}} conv_sparse
// SM80: mm_epilogue {{.*}} declined: at code generation: an epilogue the GEMM kernels do not apply
// PTX80: mma.sp.sync.aligned.m16n8k32.row.col.f32.f16.f16.f32
func.func @main(%x: tensor<256x256xf16>, %y: tensor<256x64xf16>,
                %z: tensor<2x128x256xf16>, %bc: tensor<1x128x128xf16>,
                %img: tensor<2x14x14x128xf16>)
    -> (tensor<256x128xf16>, tensor<256x128xf16>, tensor<256x128xf16>, tensor<2x128x128xf16>,
        tensor<392x128xf16>) {
  // Every group keeps its first two values: code 4, four to a word (17476).
  %v = infer.constant dense<0.5> : tensor<128x128xf16>
  %m = infer.constant dense<17476> : tensor<128x16xi16>
  %s = infer.sparse24 %v, %m : (tensor<128x128xf16>, tensor<128x16xi16>) -> tensor<128x256xf16>
  %t = infer.transpose %s perm [1, 0] : tensor<128x256xf16> -> tensor<256x128xf16>
  %p = infer.matmul %x, %t : (tensor<256x256xf16>, tensor<256x128xf16>) -> tensor<256x128xf16> loc("mm_sparse"("MatMul"))
  %gv = infer.constant dense<0.25> : tensor<128x128xf16>
  %gm = infer.constant dense<17476> : tensor<128x16xi16>
  %gs = infer.sparse24 %gv, %gm : (tensor<128x128xf16>, tensor<128x16xi16>) -> tensor<128x256xf16>
  %bias = infer.constant dense<1.0> : tensor<128xf16>
  %q = infer.gemm %x, %gs, %bias alpha 1.0 beta 1.0 trans_b : (tensor<256x256xf16>, tensor<128x256xf16>, tensor<128xf16>) -> tensor<256x128xf16> loc("gemm_sparse"("Gemm"))
  %kv = infer.constant dense<0.5> : tensor<128x32xf16>
  %km = infer.constant dense<17476> : tensor<128x4xi16>
  %ks = infer.sparse24 %kv, %km : (tensor<128x32xf16>, tensor<128x4xi16>) -> tensor<128x64xf16>
  %kt = infer.transpose %ks perm [1, 0] : tensor<128x64xf16> -> tensor<64x128xf16>
  %r = infer.matmul %y, %kt : (tensor<256x64xf16>, tensor<64x128xf16>) -> tensor<256x128xf16> loc("mm_k64"("MatMul"))
  %ev = infer.constant dense<0.5> : tensor<128x128xf16>
  %em = infer.constant dense<17476> : tensor<128x16xi16>
  %es = infer.sparse24 %ev, %em : (tensor<128x128xf16>, tensor<128x16xi16>) -> tensor<128x256xf16>
  %et = infer.transpose %es perm [1, 0] : tensor<128x256xf16> -> tensor<256x128xf16>
  %e = infer.matmul %z, %et : (tensor<2x128x256xf16>, tensor<256x128xf16>) -> tensor<2x128x128xf16> loc("mm_epilogue"("MatMul"))
  %f = infer.binary add %e, %bc : (tensor<2x128x128xf16>, tensor<1x128x128xf16>) -> tensor<2x128x128xf16> loc("add_broadcast"("Add"))
  %rows = infer.im2col %img kernel [3, 3] strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] : tensor<2x14x14x128xf16> -> tensor<392x1152xf16> loc("conv_sparse"("Conv"))
  %cv = infer.constant dense<0.5> : tensor<128x576xf16>
  %cm = infer.constant dense<17476> : tensor<128x72xi16>
  %cs = infer.sparse24 %cv, %cm : (tensor<128x576xf16>, tensor<128x72xi16>) -> tensor<128x1152xf16>
  %ct = infer.transpose %cs perm [1, 0] : tensor<128x1152xf16> -> tensor<1152x128xf16>
  %c = infer.matmul %rows, %ct : (tensor<392x1152xf16>, tensor<1152x128xf16>) -> tensor<392x128xf16> loc("conv_sparse"("Conv"))
  return %p, %q, %r, %f, %c : tensor<256x128xf16>, tensor<256x128xf16>, tensor<256x128xf16>, tensor<2x128x128xf16>, tensor<392x128xf16>
}
