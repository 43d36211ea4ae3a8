// fp16 and bf16 products with a constant weight on sm_80 (and sm_86,
// sm_89, sm_90) become the mma.sync GEMM: cp.async copies into a 3-stage
// ring, ldmatrix fragments, mma.sync.m16n8k16 with fp32 accumulators, the
// bias + ReLU epilogue in registers. ptxas -arch=sm_80, when installed,
// must accept it. (cuda-gemm-sm80-generic.mlir: a product whose B is not
// a constant keeps the generic kernel.)

// RUN: infer-translate --emit-ptx --cuda-arch=sm_80 %s | FileCheck %s
// RUN: infer-translate --emit-ptx --cuda-arch=sm_89 %s | FileCheck %s --check-prefix=SM89
// RUN: %if ptxas %{ infer-translate --emit-ptx --cuda-arch=sm_80 %s -o %t.ptx && %ptxas -arch=sm_80 %t.ptx -o %t.cubin %}

// CHECK: .target sm_80
// CHECK-DAG: .reqntid 128, 1, 1
// CHECK-DAG: cp.async.cg.shared.global [{{.*}}], [{{.*}}], 16, {{.*}};
// CHECK-DAG: cp.async.commit_group;
// CHECK-DAG: cp.async.wait_group 1;
// CHECK-DAG: bar.sync 0;
// CHECK-DAG: ldmatrix.sync.aligned.m8n8.x4.shared.b16
// CHECK-DAG: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// CHECK-DAG: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// CHECK-DAG: max.f32
// CHECK-DAG: cvt.rn.f16x2.f32

// SM89: .target sm_89
// SM89: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32

func.func @main(%a: tensor<200x64xf16>, %bias: tensor<96xf16>, %c: tensor<64x32xbf16>)
    -> (tensor<200x96xf16>, tensor<64x48xbf16>) {
  %w = infer.constant dense<0.125> : tensor<64x96xf16>
  %0 = infer.matmul %a, %w : (tensor<200x64xf16>, tensor<64x96xf16>) -> tensor<200x96xf16>
  %1 = infer.binary add %0, %bias : (tensor<200x96xf16>, tensor<96xf16>) -> tensor<200x96xf16>
  %2 = infer.unary relu %1 : tensor<200x96xf16> -> tensor<200x96xf16>
  %v = infer.constant dense<0.5> : tensor<32x48xbf16>
  %3 = infer.matmul %c, %v : (tensor<64x32xbf16>, tensor<32x48xbf16>) -> tensor<64x48xbf16>
  return %2, %3 : tensor<200x96xf16>, tensor<64x48xbf16>
}
