// The Vulkan backend's SPIR-V: one spirv.module, one GLCompute entry point
// per kernel named as the plan names it (matmul + gelu fused, then a
// softmax), workgroups of 64 invocations, each kernel argument a storage
// buffer at set 0, binding = argument index, the invocation's index from
// the workgroup id (2-D past 65535 workgroups), invocations past the last
// point doing nothing,
// and math from GLSL.std.450 (erf approximated). The softmax is a row
// kernel: a workgroup per row, the row's max and sum from subgroup
// reductions (GroupNonUniformFMax, GroupNonUniformFAdd) whose partials
// meet in workgroup memory; with the feature 'subgroup' off it is a
// generic kernel. spirv-val, when installed, must accept the binary for
// Vulkan 1.1.

// RUN: infer-translate --emit-spirv %s | FileCheck %s
// RUN: %if spirv-val %{ infer-translate --emit-spirv --spirv-binary %s -o %t.spv && spirv-val --target-env vulkan1.1 %t.spv %}
// RUN: not infer-translate --emit-spirv --vulkan-features=bogus %s 2>&1 | FileCheck %s --check-prefix=BADFEATURE
// RUN: not infer-translate --emit-spirv --vulkan-features=-int64 %S/Inputs/gather-i64.mlir 2>&1 | FileCheck %s --check-prefix=NOINT64
// RUN: infer-translate --emit-spirv --vulkan-features=-fp64,-fp16 %s | FileCheck %s --check-prefix=FEATURES
// RUN: infer-translate --emit-spirv --vulkan-features=-subgroup %s | FileCheck %s --check-prefix=NOSUBGROUP
// RUN: not infer-translate --emit-spirv %S/Inputs/cast-bf16.mlir 2>&1 | FileCheck %s --check-prefix=BF16
// RUN: not infer-translate --emit-spirv %S/Inputs/concat-33.mlir 2>&1 | FileCheck %s --check-prefix=BINDINGS

// CHECK: spirv.module @__spv__infer_kernels Logical GLSL450
// CHECK-SAME: api=Vulkan
// CHECK-DAG: spirv.GlobalVariable @__builtin__WorkgroupId__ built_in("WorkgroupId")
// CHECK-DAG: spirv.GlobalVariable @__builtin__NumWorkgroups__ built_in("NumWorkgroups")
// CHECK-DAG: spirv.GlobalVariable @infer_kernel_0_arg_0 bind(0, 0) : !spirv.ptr<!spirv.struct<(!spirv.array<8192 x f32, stride=4> [0])>, StorageBuffer>
// CHECK-DAG: spirv.GlobalVariable @infer_kernel_0_arg_2 bind(0, 2) : !spirv.ptr<!spirv.struct<(!spirv.array<2048 x f32, stride=4> [0])>, StorageBuffer>
// CHECK: spirv.func @infer_kernel_0()
// CHECK: %[[IN:.+]] = spirv.ULessThan %{{.*}}, %cst2048_i32 : i32
// CHECK-NEXT: spirv.mlir.selection {
// CHECK-NEXT: spirv.BranchConditional %[[IN]]
// CHECK: spirv.GL.Fma
// CHECK: spirv.GlobalVariable @infer_kernel_1_arg_1 bind(0, 1)
// CHECK: spirv.func @infer_kernel_1()
// CHECK: spirv.GroupNonUniformFMax <Subgroup> <Reduce>
// CHECK: spirv.ControlBarrier <Workgroup>
// CHECK: spirv.GL.Exp
// CHECK: spirv.GroupNonUniformFAdd <Subgroup> <Reduce>
// CHECK-DAG: spirv.EntryPoint "GLCompute" @infer_kernel_0,
// CHECK-DAG: spirv.ExecutionMode @infer_kernel_0 "LocalSize", 64, 1, 1
// CHECK-DAG: spirv.EntryPoint "GLCompute" @infer_kernel_1,
// CHECK-DAG: spirv.ExecutionMode @infer_kernel_1 "LocalSize", 64, 1, 1

// BADFEATURE: unknown Vulkan feature 'bogus' (known: fp16, fp64, int8, int16, int64, subgroup, which are on unless '-fp64' turns one off, and coopmat and coopmat2, off unless named as in '+coopmat')
// NOINT64: kernel infer_kernel_{{[0-9]+}}_impl reads or writes 'i64' tensors, which need the Vulkan feature 'int64' (the target turns it off)
// BF16: kernel infer_kernel_0_impl computes with bf16 tensors, which the Vulkan target does not support yet (SPIR-V 1.3 has no bf16)
// BINDINGS: kernel infer_kernel_0_impl binds 34 buffers; a Vulkan shader may bind 32
// NOSUBGROUP-NOT: GroupNonUniform{{[A-Z]}}
// NOSUBGROUP: "LocalSize", 64, 1, 1
// NOSUBGROUP-NOT: GroupNonUniform{{[A-Z]}}
// FEATURES: #spirv.vce<v1.3, [Shader, Int16, StorageBuffer16BitAccess, Int8, StorageBuffer8BitAccess, Int64, GroupNonUniform, GroupNonUniformArithmetic]

func.func @main(%a: tensor<64x128xf32>, %b: tensor<128x32xf32>) -> tensor<64x32xf32> {
  %0 = infer.matmul %a, %b : (tensor<64x128xf32>, tensor<128x32xf32>) -> tensor<64x32xf32>
  %1 = infer.unary gelu %0 : tensor<64x32xf32> -> tensor<64x32xf32>
  %2 = infer.softmax %1 axis 1 : tensor<64x32xf32>
  return %2 : tensor<64x32xf32>
}
