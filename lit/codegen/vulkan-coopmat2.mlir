// Workgroup-scope cooperative matrices (--target=vulkan:+coopmat,+coopmat2,
// VK_NV_cooperative_matrix2): an fp16 product of whole 128 x 256 x 64 tiles
// that fills the GPU (256 tiles here) is one kernel of 256 invocations
// whose 128 x 64 and 64 x 256 operands load from the buffers as
// workgroup-scope matrices into a 128 x 256 fp32 accumulator, converted to
// fp16 and stored to C as 4-vectors; its bias, residual and ReLU then run
// on the tile read back after a barrier over buffer memory. Without an
// epilogue the store ends the kernel (PLAIN). Products with too few tiles
// (FEW) or a side that is no whole tile (ODD) keep the subgroup kernel;
// without coopmat the feature is refused (NOCOOP).

// RUN: infer-translate --emit-spirv --vulkan-features=+coopmat,+coopmat2 %s | FileCheck %s
// RUN: infer-translate --emit-spirv --vulkan-features=+coopmat,+coopmat2 %S/Inputs/matmul-f16-wide.mlir | FileCheck %s --check-prefix=PLAIN
// RUN: infer-translate --emit-spirv --vulkan-features=+coopmat,+coopmat2 %S/vulkan-coopmat.mlir | FileCheck %s --check-prefix=FEW
// RUN: infer-translate --emit-spirv --vulkan-features=+coopmat,+coopmat2 %S/Inputs/matmul-f16-odd.mlir | FileCheck %s --check-prefix=FEW
// RUN: infer-translate --emit-spirv --vulkan-features=+coopmat,+coopmat2 %S/Inputs/matmul-f16-520.mlir | FileCheck %s --check-prefix=FEW
// RUN: not infer-translate --emit-spirv --vulkan-features=+coopmat2 %s 2>&1 | FileCheck %s --check-prefix=NOCOOP

// CHECK: spirv.GlobalVariable @infer_kernel_0_arg_0 bind(0, 0) : !spirv.ptr<!spirv.struct<(!spirv.array<8388608 x f16, stride=2> [0])>, StorageBuffer>
// CHECK: spirv.GlobalVariable @infer_kernel_0_arg_4 bind(0, 4) : !spirv.ptr<!spirv.struct<(!spirv.array<2097152 x vector<4xf16>, stride=8> [0])>, StorageBuffer>
// CHECK: spirv.KHR.CooperativeMatrixLoad {{.*}}, <RowMajor> : !spirv.ptr<f16, StorageBuffer>, i32 -> !spirv.coopmatrix<128x64xf16, Workgroup, MatrixA>
// CHECK: spirv.KHR.CooperativeMatrixLoad {{.*}}, <ColumnMajor> : !spirv.ptr<f16, StorageBuffer>, i32 -> !spirv.coopmatrix<64x256xf16, Workgroup, MatrixB>
// CHECK: spirv.KHR.CooperativeMatrixMulAdd {{.*}} -> !spirv.coopmatrix<128x256xf32, Workgroup, MatrixAcc>
// CHECK: spirv.FConvert {{.*}} : !spirv.coopmatrix<128x256xf32, Workgroup, MatrixAcc> to !spirv.coopmatrix<128x256xf16, Workgroup, MatrixAcc>
// CHECK: spirv.KHR.CooperativeMatrixStore {{.*}}, <RowMajor> : !spirv.ptr<vector<4xf16>, StorageBuffer>, !spirv.coopmatrix<128x256xf16, Workgroup, MatrixAcc>, i32
// CHECK: spirv.ControlBarrier <Workgroup>, <Workgroup>, <AcquireRelease|UniformMemory>
// CHECK: spirv.GL.FMax
// CHECK: spirv.Store "StorageBuffer" {{.*}} : vector<4xf16>
// CHECK: spirv.ExecutionMode @infer_kernel_0 "LocalSize", 256, 1, 1

// PLAIN: spirv.KHR.CooperativeMatrixMulAdd {{.*}} -> !spirv.coopmatrix<128x256xf32, Workgroup, MatrixAcc>
// PLAIN: spirv.KHR.CooperativeMatrixStore
// PLAIN-NOT: spirv.ControlBarrier
// PLAIN: spirv.ExecutionMode @infer_kernel_0 "LocalSize", 256, 1, 1

// FEW-NOT: Workgroup, Matrix
// FEW: spirv.KHR.CooperativeMatrixMulAdd {{.*}} -> !spirv.coopmatrix<16x16xf32, Subgroup, MatrixAcc>
// FEW-NOT: Workgroup, Matrix

// NOCOOP: the Vulkan feature 'coopmat2' needs 'coopmat'

func.func @main(%a: tensor<16384x512xf16>, %r: tensor<16384x512xf16>) -> tensor<16384x512xf16> {
  %w = infer.constant dense<0.5> : tensor<512x512xf16>
  %bias = infer.constant dense<0.25> : tensor<512xf16>
  %0 = infer.matmul %a, %w : (tensor<16384x512xf16>, tensor<512x512xf16>) -> tensor<16384x512xf16>
  %1 = infer.binary add %0, %bias : (tensor<16384x512xf16>, tensor<512xf16>) -> tensor<16384x512xf16>
  %2 = infer.binary add %1, %r : (tensor<16384x512xf16>, tensor<16384x512xf16>) -> tensor<16384x512xf16>
  %3 = infer.unary relu %2 : tensor<16384x512xf16> -> tensor<16384x512xf16>
  return %3 : tensor<16384x512xf16>
}
