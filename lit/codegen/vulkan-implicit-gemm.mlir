// With +coopmat, infer-vulkan-form-groups moves an im2col read only as the
// rows of an fp16 product into the product's group: the cooperative-matrix
// GEMM gathers its A tiles from the NHWC image (an implicit GEMM; 8-byte
// vectors for 128 channels, element by element for 2, which the im2col
// does not need to be whole vectors for), and no im2col kernel remains. A
// product with few output tiles and a long K (Conv_0: 2 tiles, K = 1152)
// splits K over several workgroups writing fp32 partial tiles, then a
// reduction kernel sums them through the epilogue. The pass leaves the
// im2col alone without coopmat, for an f32 product, and for an im2col
// read twice.
// RUN: infer-opt %s --infer-vulkan-form-groups=features=+coopmat | FileCheck %s --check-prefix=GROUPS
// RUN: infer-opt %s --infer-vulkan-form-groups | FileCheck %s --check-prefix=OFF
// RUN: infer-compile %s --target=vulkan:+coopmat -o %t.infer --report=- | FileCheck %s --check-prefix=REPORT
// RUN: infer-translate --emit-spirv --vulkan-features=+coopmat %s | FileCheck %s --check-prefix=SPIRV

// GROUPS: infer.fused "im2col+matmul"
// GROUPS: infer.im2col
// GROUPS: infer.matmul
// GROUPS: infer.fused "im2col+matmul"
// GROUPS: infer.im2col {{.*}} -> tensor<392x18xf16>
// GROUPS-NOT: infer.fused "im2col
// GROUPS: return

// OFF-NOT: infer.fused "im2col

// REPORT-DAG: im2col+matmul/gemm_coopmat {{.*}} Conv_0
// REPORT-DAG: im2col+matmul/gemm_coopmat_reduce {{.*}} Conv_0
// REPORT-DAG: im2col+matmul/gemm_coopmat {{.*}} Conv_1
// REPORT-DAG: {{ +}}im2col{{ +}}{{.*}} Conv_2
// REPORT-DAG: {{ +}}im2col{{ +}}{{.*}} Conv_3
// REPORT: 7 kernels

// The implicit GEMM of Conv_0 reads the image (2x14x14x128 halves as
// vectors of 4), the split-K partial tiles are fp32.
// SPIRV-DAG: spirv.GlobalVariable @infer_kernel_0_arg_0 bind(0, 0) : !spirv.ptr<!spirv.struct<(!spirv.array<12544 x vector<4xf16>, stride=8> [0])>, StorageBuffer>
// SPIRV-DAG: spirv.GlobalVariable @infer_kernel_0_arg_2 bind(0, 2) : !spirv.ptr<!spirv.struct<(!spirv.array<{{[0-9]+}} x vector<4xf32>, stride=16> [0])>, StorageBuffer>
// SPIRV-DAG: spirv.GlobalVariable @infer_kernel_2_arg_0 bind(0, 0) : !spirv.ptr<!spirv.struct<(!spirv.array<784 x f16, stride=2> [0])>, StorageBuffer>
// SPIRV-DAG: spirv.ExecutionMode @infer_kernel_1 "LocalSize", 256, 1, 1

func.func @main(%x: tensor<2x14x14x128xf16>, %y: tensor<2x14x14x2xf16>,
                %f: tensor<2x14x14x8xf32>, %t: tensor<2x14x14x8xf16>)
    -> (tensor<98x64xf16>, tensor<392x16xf16>, tensor<392x16xf32>, tensor<392x16xf16>,
        tensor<392x72xf16>) {
  %w = infer.constant dense<0.5> : tensor<1152x64xf16>
  %r = infer.im2col %x kernel [3, 3] strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] : tensor<2x14x14x128xf16> -> tensor<98x1152xf16> loc("Conv_0"("Conv"))
  %p = infer.matmul %r, %w : (tensor<98x1152xf16>, tensor<1152x64xf16>) -> tensor<98x64xf16> loc("Conv_0"("Conv"))
  %v = infer.constant dense<0.5> : tensor<18x16xf16>
  %s = infer.im2col %y kernel [3, 3] strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] : tensor<2x14x14x2xf16> -> tensor<392x18xf16> loc("Conv_1"("Conv"))
  %q = infer.matmul %s, %v : (tensor<392x18xf16>, tensor<18x16xf16>) -> tensor<392x16xf16> loc("Conv_1"("Conv"))
  %fw = infer.constant dense<0.5> : tensor<72x16xf32>
  %fr = infer.im2col %f kernel [3, 3] strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] : tensor<2x14x14x8xf32> -> tensor<392x72xf32> loc("Conv_2"("Conv"))
  %fp = infer.matmul %fr, %fw : (tensor<392x72xf32>, tensor<72x16xf32>) -> tensor<392x16xf32> loc("Conv_2"("Conv"))
  %tw = infer.constant dense<0.5> : tensor<72x16xf16>
  %tr = infer.im2col %t kernel [3, 3] strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] : tensor<2x14x14x8xf16> -> tensor<392x72xf16> loc("Conv_3"("Conv"))
  %tp = infer.matmul %tr, %tw : (tensor<392x72xf16>, tensor<72x16xf16>) -> tensor<392x16xf16> loc("Conv_3"("Conv"))
  return %p, %q, %fp, %tp, %tr : tensor<98x64xf16>, tensor<392x16xf16>, tensor<392x16xf32>, tensor<392x16xf16>, tensor<392x72xf16>
}
