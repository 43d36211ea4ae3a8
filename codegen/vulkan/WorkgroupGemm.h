//===- WorkgroupGemm.h - GEMMs on workgroup-scope cooperative matrices -*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The Vulkan GEMM of the target feature coopmat2
// (VK_NV_cooperative_matrix2): workgroup-scope matrices of a whole tile,
// loaded from the buffers, staged through workgroup memory by the driver.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_VULKAN_WORKGROUPGEMM_H
#define INFER_CODEGEN_VULKAN_WORKGROUPGEMM_H

#include "codegen/core/GemmSpec.h"
#include "codegen/core/KernelModule.h"

#include <string>

namespace mlir::infer {

/// Sets the workgroup-scope tile of `spec` (spec.bm, spec.bn, spec.rowBytes
/// = 2 * BK) and returns true when the kernel takes it: no im2col, M, N
/// and K whole tiles, enough tiles to fill a device running about
/// `workgroups` workgroups at once.
bool selectWorkgroupGemmTile(GemmSpec &spec, int64_t workgroups);

/// Adds the kernel of a product selectWorkgroupGemmTile took: arguments A,
/// B (K-major when spec.bKMajor), the epilogue operands, C.
FailureOr<KernelInfo> addWorkgroupGemmKernel(KernelModule &kernels, const GemmSpec &spec,
                                             Location loc, std::string &error);

} // namespace mlir::infer

#endif // INFER_CODEGEN_VULKAN_WORKGROUPGEMM_H
