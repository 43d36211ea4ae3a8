// The CUDA backend's PTX: one .entry per kernel (matmul + relu fused at -O2,
// then a softmax), the target architecture, the thread index from the
// special registers, and the signature globals the runtime checks. ptxas,
// when installed, must accept the code for sm_90a and sm_80.

// RUN: infer-translate --emit-ptx %s | FileCheck %s
// RUN: infer-translate --emit-ptx --cuda-arch=sm_80 %s | FileCheck %s --check-prefix=SM80
// RUN: not infer-translate --emit-ptx --cuda-arch=sm_75 %s 2>&1 | FileCheck %s --check-prefix=BADARCH
// RUN: %if ptxas %{ infer-translate --emit-ptx %s -o %t.sm90a.ptx && %ptxas -arch=sm_90a %t.sm90a.ptx -o %t.sm90a.cubin %}
// RUN: %if ptxas %{ infer-translate --emit-ptx --cuda-arch=sm_80 %s -o %t.sm80.ptx && %ptxas -arch=sm_80 %t.sm80.ptx -o %t.sm80.cubin %}

// CHECK: .version 8.5
// CHECK: .target sm_90a
// CHECK: .address_size 64
// CHECK-DAG: .visible .global .align 8 .b8 infer_kernel_0_info
// CHECK-DAG: .visible .global .align 8 .b8 infer_kernel_1_info
// Kernels in any order: the generic one reads its thread index from the
// special registers, the softmax runs a warp per row (cuda-row-kernels.mlir).
// CHECK-DAG: .visible .entry infer_kernel_0(
// CHECK-DAG: .visible .entry infer_kernel_1(
// CHECK-DAG: mov.u32 %r{{[0-9]+}}, %ctaid.x;
// CHECK-DAG: mov.u32 %r{{[0-9]+}}, %ntid.x;
// CHECK-DAG: mov.u32 %r{{[0-9]+}}, %tid.x;
// CHECK-DAG: fma.rn.f32
// CHECK-DAG: shfl.sync.bfly.b32
// CHECK-NOT: .extern .func

// SM80: .target sm_80

// BADARCH: unknown CUDA architecture 'sm_75' (supported: sm_80, sm_86, sm_89, sm_90, sm_90a)

func.func @main(%a: tensor<64x128xf32>, %b: tensor<128x32xf32>) -> tensor<64x32xf32> {
  %0 = infer.matmul %a, %b : (tensor<64x128xf32>, tensor<128x32xf32>) -> tensor<64x32xf32>
  %1 = infer.unary relu %0 : tensor<64x32xf32> -> tensor<64x32xf32>
  %2 = infer.softmax %1 axis 1 : tensor<64x32xf32>
  return %2 : tensor<64x32xf32>
}
