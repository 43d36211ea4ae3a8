// The cooperative-matrix GEMM of --target=vulkan:+coopmat: an fp16 product
// with a bias, a residual and ReLU becomes one kernel of 8 subgroups
// (LocalSize 256) whose tiles go through workgroup memory into
// KHR cooperative-matrix loads, multiply-adds and stores, in a SPIR-V 1.6
// module declaring CooperativeMatrixKHR; the A tiles load as 8-byte
// vectors (K a multiple of 4). The epilogue stages a subgroup's row of
// accumulators (8 x 16 x (16 + 4) floats) and stores C, and reads the
// residual, as 4-vectors (N a multiple of 4); with N = 6 C is stored
// element by element (ODD). Without +coopmat, and for f32 products,
// the product is a generic kernel (LocalSize 64, no cooperative matrix).

// RUN: infer-translate --emit-spirv --vulkan-features=+coopmat %s | FileCheck %s
// RUN: infer-translate --emit-spirv %s | FileCheck %s --check-prefix=GENERIC
// RUN: infer-translate --emit-spirv --vulkan-features=+coopmat %S/Inputs/matmul-f16-odd.mlir | FileCheck %s --check-prefix=ODD
// RUN: infer-translate --emit-spirv --vulkan-features=+coopmat %S/Inputs/matmul-f16-big.mlir | FileCheck %s --check-prefix=BIG
// RUN: infer-translate --emit-spirv --vulkan-features=+coopmat %S/Inputs/matmul-f32.mlir | FileCheck %s --check-prefix=GENERIC
// RUN: not infer-translate --emit-spirv --vulkan-features=+coopmat,-fp16 %s 2>&1 | FileCheck %s --check-prefix=NOFP16

// CHECK: spirv.module @__spv__infer_kernels Logical GLSL450 requires #spirv.vce<v1.6, [{{.*}}CooperativeMatrixKHR{{.*}}], [{{.*}}SPV_KHR_cooperative_matrix{{.*}}]>
// CHECK-DAG: spirv.GlobalVariable @__workgroup_mem__{{[0-9]+}} : !spirv.ptr<!spirv.struct<(!spirv.array<5120 x f16>)>, Workgroup>
// CHECK-DAG: spirv.GlobalVariable @__workgroup_mem__{{[0-9]+}} : !spirv.ptr<!spirv.struct<(!spirv.array<2560 x f32>)>, Workgroup>
// CHECK-DAG: spirv.GlobalVariable @infer_kernel_0_arg_0 bind(0, 0) : !spirv.ptr<!spirv.struct<(!spirv.array<1800 x vector<4xf16>, stride=8> [0])>, StorageBuffer>
// CHECK-DAG: spirv.GlobalVariable @infer_kernel_0_arg_3 bind(0, 3) : !spirv.ptr<!spirv.struct<(!spirv.array<1000 x vector<4xf16>, stride=8> [0])>, StorageBuffer>
// CHECK-DAG: spirv.GlobalVariable @infer_kernel_0_arg_4 bind(0, 4) : !spirv.ptr<!spirv.struct<(!spirv.array<1000 x vector<4xf16>, stride=8> [0])>, StorageBuffer>
// CHECK: spirv.func @infer_kernel_0()
// CHECK: spirv.KHR.CooperativeMatrixLoad {{.*}}, <RowMajor> : !spirv.ptr<f16, Workgroup>, i32 -> !spirv.coopmatrix<16x16xf16, Subgroup, MatrixA>
// CHECK: spirv.KHR.CooperativeMatrixLoad {{.*}}, <ColumnMajor> : !spirv.ptr<f16, Workgroup>, i32 -> !spirv.coopmatrix<16x16xf16, Subgroup, MatrixB>
// CHECK: spirv.KHR.CooperativeMatrixMulAdd {{.*}} -> !spirv.coopmatrix<16x16xf32, Subgroup, MatrixAcc>
// CHECK: spirv.KHR.CooperativeMatrixStore {{.*}}, <RowMajor> : !spirv.ptr<f32, Workgroup>, !spirv.coopmatrix<16x16xf32, Subgroup, MatrixAcc>
// CHECK: spirv.GL.FMax
// CHECK: spirv.Store "StorageBuffer" {{.*}} : vector<4xf16>
// CHECK-NOT: spirv.func
// CHECK: spirv.ExecutionMode @infer_kernel_0 "LocalSize", 256, 1, 1

// GENERIC-NOT: spirv.KHR.Cooperative
// GENERIC: "LocalSize", 64, 1, 1
// GENERIC-NOT: spirv.KHR.Cooperative

// ODD: spirv.GlobalVariable @infer_kernel_0_arg_2 bind(0, 2) : !spirv.ptr<!spirv.struct<(!spirv.array<60 x f16, stride=2> [0])>, StorageBuffer>
// ODD: spirv.KHR.CooperativeMatrixMulAdd
// ODD-NOT: spirv.Store "StorageBuffer" {{.*}} : vector<4xf16>
// ODD: spirv.Store "StorageBuffer" {{.*}} : f16
// ODD-NOT: spirv.Store "StorageBuffer" {{.*}} : vector<4xf16>

// 128 x 128 tiles keep to 48 KiB of workgroup memory: double-buffered A
// (2 x 128 x 40 halves) and B, row-major (2 x 32 x 136) or K-major (2 x 128
// x 40), and the epilogue's staging of one accumulator per subgroup at a
// time (8 x 16 x 20 floats, or unpadded 8 x 16 x 16 beside the larger B).
// BIG-DAG: spirv.GlobalVariable @__workgroup_mem__{{[0-9]+}} : !spirv.ptr<!spirv.struct<(!spirv.array<8704 x f16>)>, Workgroup>
// BIG-DAG: spirv.GlobalVariable @__workgroup_mem__{{[0-9]+}} : !spirv.ptr<!spirv.struct<(!spirv.array<2560 x f32>)>, Workgroup>
// BIG-DAG: spirv.GlobalVariable @__workgroup_mem__{{[0-9]+}} : !spirv.ptr<!spirv.struct<(!spirv.array<2048 x f32>)>, Workgroup>
// BIG: spirv.ExecutionMode @infer_kernel_1 "LocalSize", 256, 1, 1

// NOFP16: the Vulkan feature 'coopmat' needs 'fp16'

func.func @main(%a: tensor<100x72xf16>, %r: tensor<100x40xf16>) -> tensor<100x40xf16> {
  %w = infer.constant dense<0.5> : tensor<72x40xf16>
  %bias = infer.constant dense<0.25> : tensor<40xf16>
  %0 = infer.matmul %a, %w : (tensor<100x72xf16>, tensor<72x40xf16>) -> tensor<100x40xf16>
  %1 = infer.binary add %0, %bias : (tensor<100x40xf16>, tensor<40xf16>) -> tensor<100x40xf16>
  %2 = infer.binary add %1, %r : (tensor<100x40xf16>, tensor<100x40xf16>) -> tensor<100x40xf16>
  %3 = infer.unary relu %2 : tensor<100x40xf16> -> tensor<100x40xf16>
  return %3 : tensor<100x40xf16>
}
