// f32 products on sm_90a run as TF32 on the wgmma kernel (--precision=fp32,
// the default, as TensorRT builds fp32 networks): 128-byte rows of 32
// floats per stage, k8 steps, both operands K-major (the constant weight
// is stored [N, K]), fp32 results without conversion. --precision=
// fp32-strict keeps the generic CUDA-core kernel. ptxas, when installed,
// must accept the PTX.
// RUN: infer-translate --emit-ptx %s | FileCheck %s
// RUN: %if ptxas %{ infer-translate --emit-ptx %s -o %t.ptx && %ptxas -arch=sm_90a %t.ptx -o %t.cubin %}
// RUN: infer-compile %s --target=cuda:sm_90a -o %t.infer --report=- | FileCheck %s --check-prefix=REPORT
// RUN: infer-compile %s --target=cuda:sm_90a --precision=fp32-strict -o %t.strict --report=- | FileCheck %s --check-prefix=STRICT
// CHECK: .target sm_90a
// CHECK: cp.async.bulk.tensor.2d
// CHECK: wgmma.mma_async.sync.aligned.m64n128k8.f32.tf32.tf32
// CHECK: cvt.rna.tf32.f32
// CHECK-NOT: cvt.rn.f16
// REPORT: matmul/gemm_sm90
// STRICT-NOT: gemm_sm90
// STRICT: matmul
func.func @main(%a: tensor<256x64xf32>) -> tensor<256x128xf32> {
  %w = infer.constant dense<0.125> : tensor<64x128xf32>
  %0 = infer.matmul %a, %w : (tensor<256x64xf32>, tensor<64x128xf32>) -> tensor<256x128xf32>
  return %0 : tensor<256x128xf32>
}
