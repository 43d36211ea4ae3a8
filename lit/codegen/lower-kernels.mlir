// RUN: infer-opt %s --infer-outline-kernels=target=cpu:znver4 --infer-plan-buffers --infer-cpu-lower-kernels | FileCheck %s --check-prefix=CPU
// RUN: infer-opt %s --infer-outline-kernels=target=cuda:sm_90a --infer-plan-buffers --infer-cuda-lower-kernels | FileCheck %s --check-prefix=CUDA
// RUN: infer-translate --emit-llvmir --llvmir-target=cpu:znver4 %s | FileCheck %s --check-prefix=LLVMIR
// RUN: infer-translate --emit-llvmir --llvmir-target=cuda %s | FileCheck %s --check-prefix=NVPTX
// RUN: infer-compile %s --target=cpu:znver4 -o %t.infer --emit-llvmir=%t.ll && FileCheck %s --check-prefix=LLVMIR < %t.ll

// Tests each backend's lowering stage on its own: the kernel module ends in
// the LLVM dialect with the runtime's entry points, and the graph (the
// dispatches and their buffers) is left as it was.
// CPU: infer.dispatch "unary.exp"(%arg0) launches [#infer.launch<"infer_kernel_0", "unary.exp", args = [0, 1], grid = 1, grain = 1>]
// CPU-SAME: infer.buffers = [#infer.buffer<output, size = 65536>]
// CPU: module @kernels attributes {infer.kernels
// CPU-NOT: func.func
// CPU-NOT: linalg.
// CPU: llvm.func internal @infer_kernel_0_impl(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: i64, %{{.*}}: i64)
// CPU: llvm.func @infer_kernel_0(%{{.*}}: !llvm.ptr, %{{.*}}: i64, %{{.*}}: i64)
// CPU: llvm.call @infer_kernel_0_impl

// A GPU thread per element (64 blocks of 256); the entry reads its index
// from the special registers; exp is expanded (no libm on the GPU).
// CUDA: infer.dispatch "unary.exp"(%arg0) launches [#infer.launch<"infer_kernel_0", "unary.exp", args = [0, 1], grid = 64, grain = 1, threads = 256>]
// CUDA: module @kernels attributes {infer.kernels
// CUDA-NOT: func.func
// CUDA: llvm.func internal @infer_kernel_0_impl(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: i64) attributes {infer.threads = 16384 : i64
// CUDA-NOT: llvm.intr.exp
// CUDA: llvm.func ptx_kernelcc @infer_kernel_0(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr) attributes {nvvm.kernel}
// CUDA: nvvm.read.ptx.sreg.ctaid.x
// CUDA: nvvm.read.ptx.sreg.tid.x
// CUDA: llvm.call @infer_kernel_0_impl
// The same stages end in LLVM IR (infer-translate --emit-llvmir,
// infer-compile --emit-llvmir): the entry point and its signature global
// (grid 1, two buffers of 65536 bytes, no tensor maps).
// LLVMIR: target triple = "x86_64
// LLVMIR: @infer_kernel_0_info = {{.*}}constant [5 x i64] [i64 1, i64 2, i64 65536, i64 65536, i64 0]
// LLVMIR: define void @infer_kernel_0(ptr
// NVPTX: target triple = "nvptx64-nvidia-cuda"
// NVPTX: @infer_kernel_0_info = {{.*}}addrspace(1) constant [5 x i64] [i64 64, i64 2, i64 65536, i64 65536, i64 0]
// NVPTX: define ptx_kernel void @infer_kernel_0(ptr
func.func @main(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %y = infer.unary exp %x : tensor<64x256xf32> -> tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}
