//===- GemmCommon.h - What the CUDA GEMM kernels share ----------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The LLVM-dialect helpers
// the kernels are written with, and the epilogue store: bias, residual and
// activation applied to fp32 accumulator vectors, then one vector store,
// in batches whose operand loads all come before the first store.
// Used by the sm_90a wgmma kernel (GemmSm90) and the mma.sync kernel for
// sm_80 and later (GemmSm80).
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CUDA_GEMMCOMMON_H
#define INFER_CODEGEN_CUDA_GEMMCOMMON_H

#include "codegen/core/GemmSpec.h"
#include "codegen/core/PlanValues.h"
#include "codegen/cuda/CudaKernels.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinOps.h"

#include <optional>
#include <string>

namespace mlir::infer {

/// The reduction kernel of a split-K GEMM: sums the `spec.splitK` fp32
/// partial tiles (the argument after C) and stores them through the
/// epilogue of `spec`.
FailureOr<KernelInfo> addSplitKReduceKernel(KernelModule &kernels,
                                            const GemmSpec &spec, Location loc,
                                            std::string &error);

/// The artifact dtype (infer::fb::DType) of a GEMM element type's tensor
/// maps: f8E4M3FN as bytes (U8: TMA has no fp8 type and moves bytes alike).
inline uint8_t gemmDtypeCode(Type t) {
  if (llvm::isa<Float8E4M3FNType>(t))
    t = IntegerType::get(t.getContext(), 8, IntegerType::Unsigned);
  FailureOr<uint8_t> code = artifactDType(t);
  return succeeded(code) ? *code : 0;
}

/// Integer and pointer arithmetic in the LLVM dialect.
struct Ir {
  OpBuilder &b;
  Location loc;
  Type i1, i32, i64, f32, ptr, sptr;

  Ir(OpBuilder &b, Location loc) : b(b), loc(loc) {
    MLIRContext *ctx = b.getContext();
    i1 = b.getI1Type();
    i32 = b.getI32Type();
    i64 = b.getI64Type();
    f32 = b.getF32Type();
    ptr = LLVM::LLVMPointerType::get(ctx);
    sptr = LLVM::LLVMPointerType::get(ctx, 3);
  }
  Value c32(int64_t v) {
    return LLVM::ConstantOp::create(b, loc, i32, b.getI32IntegerAttr(v));
  }
  Value c64(int64_t v) {
    return LLVM::ConstantOp::create(b, loc, i64, b.getI64IntegerAttr(v));
  }
  Value add(Value x, Value y) { return LLVM::AddOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return LLVM::MulOp::create(b, loc, x, y); }
  Value udiv(Value x, Value y) { return LLVM::UDivOp::create(b, loc, x, y); }
  Value urem(Value x, Value y) { return LLVM::URemOp::create(b, loc, x, y); }
  Value band(Value x, Value y) { return LLVM::AndOp::create(b, loc, x, y); }
  Value bor(Value x, Value y) { return LLVM::OrOp::create(b, loc, x, y); }
  Value bxor(Value x, Value y) { return LLVM::XOrOp::create(b, loc, x, y); }
  Value lshr(Value x, Value y) { return LLVM::LShrOp::create(b, loc, x, y); }
  Value cmp(LLVM::ICmpPredicate p, Value x, Value y) {
    return LLVM::ICmpOp::create(b, loc, p, x, y);
  }
  Value select(Value c, Value x, Value y) {
    return LLVM::SelectOp::create(b, loc, c, x, y);
  }
  Value zext64(Value v) { return LLVM::ZExtOp::create(b, loc, i64, v); }
  /// blockIdx.x * blockThreads + threadIdx.x, as i64.
  Value globalThread(int64_t blockThreads);
  /// The sum (or the maximum, NaN propagating) of f32 `v` over the 32 lanes
  /// of the warp, in every lane (butterfly shuffles).
  Value warpAllReduce(Value v, bool max);
  /// Builds `body(t)` for the global thread index t (i64) under
  /// `if (t < total)`; the insertion point ends after the guard.
  void forThreadsBelow(int64_t total, int64_t blockThreads,
                       llvm::function_ref<void(Value)> body);
  Value cmp64(LLVM::ICmpPredicate p, Value x, int64_t y) { return cmp(p, x, c64(y)); }
  /// `base` + `bytes` (i32 or i64), same address space.
  Value offset(Value base, Value bytes) {
    return LLVM::GEPOp::create(b, loc, base.getType(), b.getI8Type(), base,
                               ValueRange{bytes});
  }
};

/// What every GEMM kernel requires ("" when `spec` meets it): 16-bit or
/// f32 operands, an fp16 / bf16 / fp32 result, sizes within 32 bits, rows
/// of K in whole 16 bytes (8 16-bit values, 4 f32), N even (paired
/// stores).
std::string gemmCommonUnsupported(const GemmSpec &spec);

/// The byte sizes of the kernel arguments of `spec` (A, B, epilogue
/// operands, C), as the kernel signature records them.
std::vector<uint64_t> gemmArgBytes(const GemmSpec &spec);

/// Fills the sizes of `spec`'s epilogue operands and of C into `argBytes`
/// (numArgs entries; the first two are the caller's).
void epilogueArgBytes(const GemmSpec &spec, std::vector<uint64_t> &argBytes);

/// The fp32 vector `v` (2 to 8 lanes) at (row, col .. col + lanes - 1)
/// through the epilogue, stored with one vector store (16 bytes at most per
/// access; the column is a multiple of the lane count).
void storeGemmVector(Ir &ir, const GemmSpec &spec, ValueRange args, Value v,
                     Value row, Value col);

/// An fp32 vector of accumulators bound for C at (row, col .. col + lanes
/// - 1).
struct GemmVector {
  Value v, row, col;
};

/// The per-column epilogue operands of `spec` (bias, column scales) of the
/// 8 columns that storeStagedTile's thread `t` of `threads` stores of a
/// tile `cols` wide from column `col0` (from column 0 past N), one fp32
/// vector each in the epilogue's order; none when that thread's columns
/// vary from row to row (`threads` not a multiple of cols / 8). Loaded
/// before the product, their latency passes under the main loop rather
/// than after it (a short product's epilogue waited on them: ResNet-50's
/// stem stalled on global loads 39-43% of its samples on the H200).
SmallVector<Value> loadStagedColumns(Ir &ir, const GemmSpec &spec, ValueRange args,
                                     int64_t cols, Value t, int64_t threads, Value col0);

/// storeGemmVector for each of `vectors`, with every epilogue operand
/// loaded before the first store (so that the loads wait out the memory
/// latency together); with `guard`, vectors outside C (or at rows from
/// `rowEnd` on, where given) are not stored.
void storeGemmVectors(Ir &ir, const GemmSpec &spec, ValueRange args,
                      ArrayRef<GemmVector> vectors, bool guard, Value rowEnd = Value(),
                      ArrayRef<Value> columns = {});

/// storeGemmVectors over a stream of vectors, `size` at a time: each
/// batch's operand loads are in flight together.
class GemmVectorBatch {
public:
  GemmVectorBatch(Ir &ir, const GemmSpec &spec, ValueRange args, bool guard,
                  size_t size, Value rowEnd = Value(), ArrayRef<Value> columns = {})
      : ir(ir), spec(spec), args(args), guard(guard), size(size), rowEnd(rowEnd),
        columns(columns) {}
  /// Adds `v`; stores the batch once it is full.
  void add(GemmVector v);
  /// Stores what is left.
  void flush();

private:
  Ir &ir;
  const GemmSpec &spec;
  ValueRange args;
  bool guard;
  size_t size;
  Value rowEnd;
  ArrayRef<Value> columns;
  SmallVector<GemmVector> pending;
};

/// The int32 accumulator struct `acc` of `count` fields as fp32 ones (an
/// int8 product's sums, for the epilogue). With `small` (every sum in
/// [-2^22, 2^22)) without the conversion unit: an integer add to the bits
/// of 1.5 * 2^23 and a float subtraction, both exact. The conversion
/// unit converts 16 values a cycle per SM, an eighth of the FMA pipe's
/// rate, and bounded the epilogue of short int8 products.
Value accumulatorsToF32(Ir &ir, Value acc, int64_t count, bool small);

/// Bits of 1.5 * 2^23: the float whose last mantissa bits an integer in
/// [-2^22, 2^22) can be added to (and read back from) exactly.
constexpr int32_t kMagicBits = 0x4B400000;
constexpr float kMagic = 12582912.0f;

/// Fields i and i + 1 of the accumulator struct `acc` as a vector<2xf32>.
Value accumulatorPair(Ir &ir, Value acc, int64_t i);

/// Stores an fp32 tile staged in shared memory at `tile` ([rows][pitch]
/// floats, `cols` of each row used) through the epilogue: `threads` threads
/// (this one `t`) take 8 consecutive columns of a row at a time, eight
/// vectors' operand loads in flight at once; tile element (r, c) goes to
/// C at (row0 + r, col0 + c); with `guard`, not past C (nor at rows from
/// `rowEnd` on, where given).
/// With `columns` (loadStagedColumns' for the same cols, t, threads and
/// col0) those operands are not loaded again.
void storeStagedTile(Ir &ir, const GemmSpec &spec, ValueRange args, Value tile,
                     int64_t rows, int64_t cols, int64_t pitch, Value t,
                     int64_t threads, Value row0, Value col0, bool guard,
                     Value rowEnd = Value(), ArrayRef<Value> columns = {});

/// The dynamic shared memory (1024-byte aligned) every GEMM kernel of
/// `module` uses, declared on first use.
Value gemmSharedMemory(OpBuilder &b, Location loc, ModuleOp module);

} // namespace mlir::infer

#endif // INFER_CODEGEN_CUDA_GEMMCOMMON_H
