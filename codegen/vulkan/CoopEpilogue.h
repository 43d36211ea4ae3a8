//===- CoopEpilogue.h - IR helpers of the cooperative-matrix GEMMs --*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// What the Vulkan GEMM kernels (CoopGemm.cpp's subgroup-scope one,
// WorkgroupGemm.cpp's workgroup-scope one) share: index and float
// arithmetic as IR, the GemmSpec epilogue applied to f32 values of C, and
// the epilogue operands' buffers among a kernel's arguments.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_VULKAN_COOPEPILOGUE_H
#define INFER_CODEGEN_VULKAN_COOPEPILOGUE_H

#include "codegen/core/GemmSpec.h"

#include "mlir/IR/Builders.h"

#include <string>
#include <vector>

namespace mlir::infer {

/// Index arithmetic (index values, unsigned division) and f32 arithmetic
/// at one insertion point.
struct CoopIR {
  OpBuilder &b;
  Location loc;
  Type f16, f32;
  CoopIR(OpBuilder &b, Location loc)
      : b(b), loc(loc), f16(b.getF16Type()), f32(b.getF32Type()) {}
  Value c(int64_t v);
  Value add(Value x, Value y);
  Value add(Value x, int64_t y);
  Value mul(Value x, int64_t y);
  Value div(Value x, int64_t y);
  Value rem(Value x, int64_t y);
  /// x < y, unsigned.
  Value lt(Value x, int64_t y);
  Value both(Value x, Value y);
  Value fc(float v);
  Value fadd(Value x, Value y);
  Value fmul(Value x, Value y);
  Value fdiv(Value x, Value y);
  Value fmax(Value x, Value y);
  Value fmin(Value x, Value y);
  Value exp(Value x);
  /// `v` as f32 (an epilogue operand or C's type).
  Value toF32(Value v);
};

/// The epilogue of `spec` on the f32 value `v` of C at (row, col); `args`
/// are the kernel's buffers, the steps' operands at GemmEpilogueOp::arg.
Value applyEpilogue(CoopIR &ir, const GemmSpec &spec, ValueRange args, Value v, Value row,
                    Value col);

/// Applies the epilogue to the four f32 values of C at (row, col + e),
/// converts them to C's type and stores them at element `at` of C (the
/// last of `args`): one 4-vector where `vecC` (C and a residual typed as
/// 4-vectors, N a multiple of 4), else element by element, columns past N
/// not stored (their operands read column N - 1).
void storeRun4(CoopIR &ir, const GemmSpec &spec, ValueRange args, MutableArrayRef<Value> v,
               Value row, Value col, Value at, bool vecC);

/// Appends the buffers of `spec`'s epilogue operands (GEMM arguments 2 to
/// numArgs - 2, each with its step: N values per column, M x N for a
/// residual, as 4-vectors where `vecResidual`) to `args` and their sizes
/// to `bytes`.
LogicalResult appendEpilogueArgs(const GemmSpec &spec, SmallVectorImpl<Type> &args,
                                 std::vector<uint64_t> &bytes, std::string &error,
                                 bool vecResidual = false);

} // namespace mlir::infer

#endif // INFER_CODEGEN_VULKAN_COOPEPILOGUE_H
