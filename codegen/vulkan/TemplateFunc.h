//===- TemplateFunc.h - The function a Vulkan template builds ----*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// A Vulkan template kernel is a func.func over memrefs that is already a
// workgroup's code (GPU-dialect ids, workgroup memory, barriers), marked
// `infer.vulkan.template` with its workgroup size: infer-vulkan-lower-kernels
// skips the generic kernels' bufferization and loops for it and makes it
// an entry point as it is.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_VULKAN_TEMPLATEFUNC_H
#define INFER_CODEGEN_VULKAN_TEMPLATEFUNC_H

#include "codegen/core/KernelModule.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

namespace mlir::infer {

/// The attribute marking a template kernel: its workgroup size.
inline constexpr const char *kVulkanTemplateAttr = "infer.vulkan.template";

/// A template kernel's function being built.
struct TemplateFunc {
  func::FuncOp fn;
  /// The buffers.
  ValueRange args;
  /// The workgroup's linear index (x fastest in a 2-D grid).
  Value group;
};

/// Starts the kernel `info.symbol` over memrefs `args` with `threads`
/// invocations per workgroup, loading the dialects templates build with:
/// `b` is left inside the branch the workgroups below `count` take (the
/// others, a 2-D grid's slack, return, all of a workgroup together).
TemplateFunc beginTemplateFunc(OpBuilder &b, KernelModule &kernels, const KernelInfo &info,
                               ArrayRef<Type> args, int64_t threads, int64_t count,
                               Location loc);

} // namespace mlir::infer

#endif // INFER_CODEGEN_VULKAN_TEMPLATEFUNC_H
