//===- GemmCommon.cpp - What the CUDA GEMM kernels share ------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/cuda/GemmCommon.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::infer;

/// The dynamic shared memory every GEMM kernel of a module uses.
static constexpr const char *kSharedSymbol = "infer_gemm_shared";

Value Ir::globalThread(int64_t blockThreads) {
  Value tid = zext64(NVVM::ThreadIdXOp::create(b, loc, i32));
  Value bid = zext64(NVVM::BlockIdXOp::create(b, loc, i32));
  return add(mul(bid, c64(blockThreads)), tid);
}

Value Ir::warpAllReduce(Value v, bool max) {
  for (int offset = 16; offset >= 1; offset /= 2) {
    Value other = NVVM::ShflOp::create(
        b, loc, f32, c32(-1), v, c32(offset), c32(31),
        NVVM::ShflKindAttr::get(b.getContext(), NVVM::ShflKind::bfly),
        UnitAttr());
    v = max ? Value(arith::MaximumFOp::create(b, loc, v, other))
            : Value(arith::AddFOp::create(b, loc, v, other));
  }
  return v;
}

void Ir::forThreadsBelow(int64_t total, int64_t blockThreads,
                         llvm::function_ref<void(Value)> body) {
  Value t = globalThread(blockThreads);
  auto guard = scf::IfOp::create(b, loc, cmp64(LLVM::ICmpPredicate::ult, t, total),
                                 false);
  b.setInsertionPointToStart(guard.thenBlock());
  body(t);
  b.setInsertionPointAfter(guard);
}

std::string mlir::infer::gemmCommonUnsupported(const GemmSpec &spec) {
  bool int8 = spec.elem.isInteger(8), fp8 = llvm::isa<Float8E4M3FNType>(spec.elem);
  if (!(spec.elem.isF16() || spec.elem.isBF16() || spec.elem.isF32() || int8 || fp8))
    return "operands are not fp16, bf16, f32, int8 or f8E4M3FN";
  bool quantized = !spec.epilogue.empty() &&
                   spec.epilogue.back().kind == GemmEpilogueOp::Kind::Quantize;
  bool byteOut = spec.out.isInteger(8) || llvm::isa<Float8E4M3FNType>(spec.out);
  if (!(spec.out.isF16() || spec.out.isBF16() || spec.out.isF32()) &&
      !(byteOut && quantized))
    return "the result is not fp16, bf16, fp32 or requantized int8 / f8E4M3FN";
  if (quantized && !byteOut)
    return "a requantized result is not int8 or f8E4M3FN";
  if (spec.m < 1 || spec.n < 2 || spec.k < 1 || spec.m >= (int64_t(1) << 31) ||
      spec.n >= (int64_t(1) << 31) || spec.k >= (int64_t(1) << 31))
    return "sizes out of range";
  if (spec.k * bytesOf(spec.elem) % 16 != 0)
    return "rows of K are not a multiple of 16 bytes";
  if (spec.n % 2 != 0)
    return "N is odd";
  return "";
}

std::vector<uint64_t> mlir::infer::gemmArgBytes(const GemmSpec &spec) {
  unsigned eb = bytesOf(spec.elem);
  std::vector<uint64_t> argBytes(spec.numArgs, 0);
  argBytes[0] = spec.im2col ? uint64_t(spec.im2col->n) * spec.im2col->h *
                                  spec.im2col->w * spec.im2col->c * eb
                            : uint64_t(spec.m) * spec.k * eb;
  argBytes[1] = uint64_t(spec.k) * spec.n * eb;
  if (spec.sparse) {
    argBytes[1] /= 2;
    argBytes[2] = uint64_t(spec.k) / 16 * spec.n * 2;
  }
  epilogueArgBytes(spec, argBytes);
  return argBytes;
}

void mlir::infer::epilogueArgBytes(const GemmSpec &spec,
                                   std::vector<uint64_t> &argBytes) {
  unsigned eb = bytesOf(epilogueType(spec)), ob = bytesOf(spec.out);
  for (const GemmEpilogueOp &e : spec.epilogue)
    if (e.arg >= 0)
      argBytes[e.arg] =
          (e.perColumn() ? uint64_t(spec.n) : uint64_t(spec.m) * spec.n) *
          (e.byteResidual() ? 1 : eb);
  argBytes[spec.numArgs - 1] = uint64_t(spec.m) * spec.n * ob;
}

/// A vector constant of `type` with every element `value`.
static Value splatOf(OpBuilder &b, Location loc, Type type, TypedAttr value) {
  return LLVM::ConstantOp::create(
      b, loc, type, SplatElementsAttr::get(llvm::cast<ShapedType>(type), value));
}

/// `width` elements of an epilogue operand of `spec` (of epilogueType)
/// from element `at` of `base`, as fp32.
static Value loadOperandVector(Ir &ir, const GemmSpec &spec, int64_t width, Value base,
                               Value at) {
  Type et = epilogueType(spec);
  unsigned eb = bytesOf(et);
  Value x = LLVM::LoadOp::create(ir.b, ir.loc, VectorType::get({width}, et),
                                 ir.offset(base, ir.mul(at, ir.c64(eb))),
                                 std::min<unsigned>(16, width * eb));
  if (!et.isF32())
    x = LLVM::FPExtOp::create(ir.b, ir.loc, VectorType::get({width}, ir.f32), x);
  return x;
}

/// The epilogue operands of `spec` (bias, scale, residual) for the `width`
/// lanes at element `index` of C (column `col`), in the epilogue's order.
static SmallVector<Value> loadEpilogueOperands(Ir &ir, const GemmSpec &spec,
                                               ValueRange args, int64_t width,
                                               Value index, Value col,
                                               ArrayRef<Value> columns = {}) {
  OpBuilder &b = ir.b;
  auto vectorOf = [&](Type t) { return VectorType::get({width}, t); };
  SmallVector<Value> operands;
  const Value *column = columns.begin();
  for (const GemmEpilogueOp &e : spec.epilogue) {
    if (e.arg < 0)
      continue;
    if (e.perColumn() && !columns.empty()) {
      operands.push_back(*column++);
      continue;
    }
    if (e.kind == GemmEpilogueOp::Kind::ResidualF8) {
      // f8E4M3FN pairs to f16 pairs (cvt.rn.f16x2.e4m3x2, exact), to
      // fp32, times the scale.
      Value p = ir.offset(args[e.arg], index);
      Type i8 = b.getI8Type();
      Value x = LLVM::LoadOp::create(b, ir.loc, vectorOf(i8), p,
                                     std::min<unsigned>(16, width));
      auto pairType = VectorType::get({2}, i8);
      auto halfPair = VectorType::get({2}, b.getF16Type());
      Value r = LLVM::PoisonOp::create(b, ir.loc, vectorOf(ir.f32));
      for (int64_t i = 0; i < width; i += 2) {
        Value pair = LLVM::ZeroOp::create(b, ir.loc, pairType);
        for (int64_t j = 0; j < 2 && i + j < width; ++j)
          pair = LLVM::InsertElementOp::create(
              b, ir.loc, pair, LLVM::ExtractElementOp::create(b, ir.loc, x, ir.c32(i + j)),
              ir.c32(j));
        Value h = NVVM::ConvertF8x2ToF16x2Op::create(b, ir.loc, halfPair, pair, false,
                                                     b.getType<Float8E4M3FNType>());
        for (int64_t j = 0; j < 2 && i + j < width; ++j) {
          Value f = LLVM::FPExtOp::create(
              b, ir.loc, ir.f32, LLVM::ExtractElementOp::create(b, ir.loc, h, ir.c32(j)));
          r = LLVM::InsertElementOp::create(b, ir.loc, r, f, ir.c32(i + j));
        }
      }
      operands.push_back(LLVM::FMulOp::create(
          b, ir.loc, r, splatOf(b, ir.loc, vectorOf(ir.f32), b.getF32FloatAttr(e.scale))));
      continue;
    }
    if (e.kind == GemmEpilogueOp::Kind::ResidualInt8) {
      // int8 values as fp32 times their scale, without the conversion
      // unit: x + 128 (x ^ 0x80 as unsigned) in the last bits of 1.5 *
      // 2^23, minus 1.5 * 2^23 + 128 (exact).
      Value p = ir.offset(args[e.arg], index);
      Type i8 = b.getI8Type();
      Value x = LLVM::LoadOp::create(b, ir.loc, vectorOf(i8), p,
                                     std::min<unsigned>(16, width));
      if (width % 4 == 0) {
        // Whole words: one prmt a value puts its byte under the magic's
        // three upper bytes.
        auto words = VectorType::get({width / 4}, ir.i32);
        x = LLVM::XOrOp::create(b, ir.loc, LLVM::BitcastOp::create(b, ir.loc, words, x),
                                splatOf(b, ir.loc, words, b.getI32IntegerAttr(int32_t(0x80808080u))));
        Value bits = LLVM::PoisonOp::create(b, ir.loc, vectorOf(ir.i32));
        for (int64_t i = 0; i < width; ++i) {
          Value w = LLVM::ExtractElementOp::create(b, ir.loc, x, ir.c32(i / 4));
          Value v = NVVM::PermuteOp::create(b, ir.loc, ir.i32, w, ir.c32(kMagicBits),
                                            ir.c32(0x7640 | (i % 4)), NVVM::PermuteMode::DEFAULT);
          bits = LLVM::InsertElementOp::create(b, ir.loc, bits, v, ir.c32(i));
        }
        x = bits;
      } else {
        x = LLVM::XOrOp::create(b, ir.loc, x,
                                splatOf(b, ir.loc, vectorOf(i8), b.getI8IntegerAttr(-128)));
        x = LLVM::ZExtOp::create(b, ir.loc, vectorOf(ir.i32), x);
        x = LLVM::OrOp::create(b, ir.loc, x, splatOf(b, ir.loc, vectorOf(ir.i32), b.getI32IntegerAttr(kMagicBits)));
      }
      x = LLVM::BitcastOp::create(b, ir.loc, vectorOf(ir.f32), x);
      x = LLVM::FSubOp::create(b, ir.loc, x, splatOf(b, ir.loc, vectorOf(ir.f32), b.getF32FloatAttr(kMagic + 128.0f)));
      operands.push_back(LLVM::FMulOp::create(
          b, ir.loc, x, splatOf(b, ir.loc, vectorOf(ir.f32), b.getF32FloatAttr(e.scale))));
      continue;
    }
    operands.push_back(loadOperandVector(ir, spec, width, args[e.arg],
                                         e.perColumn() ? ir.zext64(col) : index));
  }
  return operands;
}

/// The fp32 vector `v` through the epilogue of `spec` with its loaded
/// `operands`, stored at element `index` of C.
static void finishGemmVector(Ir &ir, const GemmSpec &spec, ValueRange args, Value v,
                             ArrayRef<Value> operands, Value index) {
  OpBuilder &b = ir.b;
  Location loc = ir.loc;
  int64_t width = llvm::cast<VectorType>(v.getType()).getNumElements();
  auto vectorOf = [&](Type t) { return VectorType::get({width}, t); };
  unsigned eb = bytesOf(spec.out);
  unsigned align = std::min<unsigned>(16, width * eb);
  auto splat = [&](float x) { return splatOf(b, loc, vectorOf(ir.f32), b.getF32FloatAttr(x)); };
  const Value *operand = operands.begin();
  // Whether v is known to be 0 or more (after a ReLU): a quantization's
  // lower bound then needs no clamp.
  bool nonNegative = false;
  for (const GemmEpilogueOp &e : spec.epilogue) {
    bool wasNonNegative = nonNegative;
    nonNegative = false;
    switch (e.kind) {
    case GemmEpilogueOp::Kind::BiasColumn:
    case GemmEpilogueOp::Kind::Residual:
    case GemmEpilogueOp::Kind::ResidualInt8:
    case GemmEpilogueOp::Kind::ResidualF8:
      v = LLVM::FAddOp::create(b, loc, v, *operand++);
      break;
    case GemmEpilogueOp::Kind::ScaleColumn:
      v = LLVM::FMulOp::create(b, loc, v, *operand++);
      break;
    case GemmEpilogueOp::Kind::Quantize: {
      if (llvm::isa<Float8E4M3FNType>(spec.out)) {
        // f8E4M3FN: v / scale in pairs through cvt.rn.satfinite.e4m3x2.f32
        // (rounded to nearest even, saturated to +-448): the pair's first
        // value in the low byte.
        if (e.inv != 1)
          v = LLVM::FMulOp::create(b, loc, v, splat(e.inv));
        Type i8 = b.getI8Type();
        Value r = LLVM::PoisonOp::create(b, loc, vectorOf(i8));
        auto pairType = VectorType::get({2}, i8);
        Value zero = LLVM::ConstantOp::create(b, loc, ir.f32, b.getF32FloatAttr(0.0f));
        for (int64_t i = 0; i < width; i += 2) {
          Value lo = LLVM::ExtractElementOp::create(b, loc, v, ir.c32(i));
          Value hi = i + 1 < width ? Value(LLVM::ExtractElementOp::create(b, loc, v, ir.c32(i + 1)))
                                   : zero;
          Value pair = NVVM::ConvertF32x2ToF8x2Op::create(
              b, loc, pairType, hi, lo, NVVM::FPRoundingMode::RN,
              NVVM::SaturationMode::SATFINITE, false, b.getType<Float8E4M3FNType>());
          for (int64_t j = 0; j < 2 && i + j < width; ++j)
            r = LLVM::InsertElementOp::create(
                b, loc, r, LLVM::ExtractElementOp::create(b, loc, pair, ir.c32(j)),
                ir.c32(i + j));
        }
        v = r;
        break;
      }
      // round_half_even(v / scale) within [lo, hi], as int8, without the
      // conversion unit: clamped first (the bounds are integers), then
      // added to 1.5 * 2^23, whose addition rounds to an integer (to
      // nearest even) in the last bits, the int8 value its low byte.
      if (e.inv != 1)
        v = LLVM::FMulOp::create(b, loc, v, splat(e.inv));
      if (!wasNonNegative || e.lo > 0)
        v = LLVM::MaxNumOp::create(b, loc, v, splat(e.lo));
      v = LLVM::MinNumOp::create(b, loc, v, splat(e.hi));
      v = LLVM::FAddOp::create(b, loc, v, splat(kMagic));
      v = LLVM::BitcastOp::create(b, loc, vectorOf(ir.i32), v);
      v = LLVM::TruncOp::create(b, loc, vectorOf(spec.out), v);
      break;
    }
    case GemmEpilogueOp::Kind::Relu:
    case GemmEpilogueOp::Kind::Clip: {
      float lo = e.kind == GemmEpilogueOp::Kind::Relu ? 0.0f : e.lo;
      v = LLVM::MaxNumOp::create(b, loc, v, splat(lo));
      if (e.kind == GemmEpilogueOp::Kind::Clip)
        v = LLVM::MinNumOp::create(b, loc, v, splat(e.hi));
      nonNegative = lo >= 0;
      break;
    }
    case GemmEpilogueOp::Kind::Silu:
    case GemmEpilogueOp::Kind::Sigmoid: {
      // sigmoid(x) = 1 / (1 + 2^(-x log2 e)) with the hardware's ex2 and
      // reciprocal approximations (2 ulp): the epilogue runs in a kernel
      // with one block per SM, where an expanded exp and an IEEE division
      // per element cost more than a separate elementwise kernel.
      // SiLU (EfficientNet's activation) is x sigmoid(x).
      Value t = LLVM::FMulOp::create(b, loc, v, splat(-1.4426950408889634f));
      Value r = LLVM::PoisonOp::create(b, loc, vectorOf(ir.f32));
      for (int64_t i = 0; i < width; ++i) {
        Value x = LLVM::ExtractElementOp::create(b, loc, t, ir.c32(i));
        Value ex = LLVM::CallIntrinsicOp::create(
                       b, loc, ir.f32, b.getStringAttr("llvm.nvvm.ex2.approx.ftz.f"),
                       ValueRange{x})
                       .getResult(0);
        Value den = LLVM::FAddOp::create(
            b, loc, ex, LLVM::ConstantOp::create(b, loc, ir.f32, b.getF32FloatAttr(1.0f)));
        Value rcp = NVVM::RcpApproxFtzF32Op::create(b, loc, ir.f32, den);
        r = LLVM::InsertElementOp::create(b, loc, r, rcp, ir.c32(i));
      }
      v = e.kind == GemmEpilogueOp::Kind::Silu
              ? Value(LLVM::FMulOp::create(b, loc, v, r))
              : r;
      break;
    }
    case GemmEpilogueOp::Kind::Gelu: {
      // 0.5 x (1 + erf(x / sqrt 2)), erf(z) for z >= 0 as 1 - poly(t)
      // e^(-z^2) with t = 1 / (1 + p z) (Abramowitz and Stegun 7.1.26,
      // absolute error 1.5e-7, below any result type's rounding here) on
      // the hardware's reciprocal and ex2, odd for z < 0: the expanded
      // math.erf with its IEEE division cost ConvNeXt's GEMMs half their
      // time.
      Value r = LLVM::PoisonOp::create(b, loc, vectorOf(ir.f32));
      auto f = [&](float x) -> Value {
        return LLVM::ConstantOp::create(b, loc, ir.f32, b.getF32FloatAttr(x));
      };
      for (int64_t i = 0; i < width; ++i) {
        Value x = LLVM::ExtractElementOp::create(b, loc, v, ir.c32(i));
        Value z = LLVM::FMulOp::create(b, loc, x, f(M_SQRT1_2));
        Value az = LLVM::FAbsOp::create(b, loc, z);
        Value t = NVVM::RcpApproxFtzF32Op::create(
            b, loc, ir.f32,
            LLVM::FMAOp::create(b, loc, az, f(0.3275911f), f(1.0f)));
        Value poly = f(1.061405429f);
        for (float c : {-1.453152027f, 1.421413741f, -0.284496736f, 0.254829592f})
          poly = LLVM::FMAOp::create(b, loc, poly, t, f(c));
        poly = LLVM::FMulOp::create(b, loc, poly, t);
        // e^(-z^2) = 2^(-z^2 log2 e)
        Value e = LLVM::CallIntrinsicOp::create(
                      b, loc, ir.f32, b.getStringAttr("llvm.nvvm.ex2.approx.ftz.f"),
                      ValueRange{LLVM::FMulOp::create(
                          b, loc, LLVM::FMulOp::create(b, loc, az, az),
                          f(-1.4426950408889634f))})
                      .getResult(0);
        Value erfAbs = LLVM::FSubOp::create(b, loc, f(1.0f),
                                            LLVM::FMulOp::create(b, loc, poly, e));
        Value erf = LLVM::CopySignOp::create(b, loc, erfAbs, z);
        Value y = LLVM::FMulOp::create(
            b, loc, LLVM::FMulOp::create(b, loc, x, f(0.5f)),
            LLVM::FAddOp::create(b, loc, erf, f(1.0f)));
        r = LLVM::InsertElementOp::create(b, loc, r, y, ir.c32(i));
      }
      v = r;
      break;
    }
    }
  }
  if (!spec.out.isF32() && llvm::isa<FloatType>(spec.out) &&
      !llvm::isa<Float8E4M3FNType>(spec.out))
    v = LLVM::FPTruncOp::create(b, loc, vectorOf(spec.out), v);
  if (spec.elem.isF32() && spec.out.isF32() && !spec.partial) {
    // A TF32 product's result is rounded to TF32 (to nearest): the next
    // product reads it whole, where the tensor cores would truncate it, a
    // bias that compounds over layers (ResNet-50: 2e-2 instead of 6e-4).
    for (int64_t i = 0; i < width; ++i) {
      Value x = LLVM::ExtractElementOp::create(b, loc, v, ir.c32(i));
      Value t = NVVM::ConvertFloatToTF32Op::create(
          b, loc, ir.i32, x, NVVM::FPRoundingMode::RNA,
          NVVM::SaturationMode::NONE, /*relu=*/false);
      v = LLVM::InsertElementOp::create(
          b, loc, v, LLVM::BitcastOp::create(b, loc, ir.f32, t), ir.c32(i));
    }
  }
  Value dst = ir.offset(args[spec.numArgs - 1], ir.mul(index, ir.c64(eb)));
  LLVM::StoreOp::create(b, loc, v, dst, align);
}

void mlir::infer::storeGemmVector(Ir &ir, const GemmSpec &spec, ValueRange args,
                                  Value v, Value row, Value col) {
  int64_t width = llvm::cast<VectorType>(v.getType()).getNumElements();
  Value index = ir.add(ir.mul(ir.zext64(row), ir.c64(spec.n)), ir.zext64(col));
  finishGemmVector(ir, spec, args, v,
                   loadEpilogueOperands(ir, spec, args, width, index, col), index);
}

SmallVector<Value> mlir::infer::loadStagedColumns(Ir &ir, const GemmSpec &spec,
                                                  ValueRange args, int64_t cols, Value t,
                                                  int64_t threads, Value col0) {
  // storeStagedTile's thread t takes the 8 columns from col0 + 8 (q %
  // octs) of rows q / octs, q = t + k threads: the same columns each time
  // when threads is a multiple of octs.
  int64_t octs = cols / 8;
  SmallVector<Value> columns;
  if (threads % octs != 0)
    return columns;
  Value col = ir.add(col0, ir.mul(ir.urem(t, ir.c32(octs)), ir.c32(8)));
  Value at = ir.zext64(
      ir.select(ir.cmp(LLVM::ICmpPredicate::ult, col, ir.c32(spec.n)), col, ir.c32(0)));
  for (const GemmEpilogueOp &e : spec.epilogue)
    if (e.arg >= 0 && e.perColumn())
      columns.push_back(loadOperandVector(ir, spec, 8, args[e.arg], at));
  return columns;
}

void mlir::infer::storeGemmVectors(Ir &ir, const GemmSpec &spec, ValueRange args,
                                   ArrayRef<GemmVector> vectors, bool guard, Value rowEnd,
                                   ArrayRef<Value> columns) {
  // Every operand load first: a store between two loads would order them
  // (C may alias what the loads read, for all LLVM and ptxas know), and
  // each would wait out the memory latency alone.
  SmallVector<SmallVector<Value>> operands;
  SmallVector<Value> indices, inside;
  for (const GemmVector &g : vectors) {
    int64_t width = llvm::cast<VectorType>(g.v.getType()).getNumElements();
    Value index = ir.add(ir.mul(ir.zext64(g.row), ir.c64(spec.n)), ir.zext64(g.col));
    Value at = index, col = g.col;
    if (guard) {
      // Outside C the loads read element 0 instead; the store is skipped.
      inside.push_back(ir.band(ir.cmp(LLVM::ICmpPredicate::ult, g.row,
                                      rowEnd ? rowEnd : ir.c32(spec.m)),
                               ir.cmp(LLVM::ICmpPredicate::ult, g.col, ir.c32(spec.n))));
      at = ir.select(inside.back(), index, ir.c64(0));
      col = ir.select(inside.back(), g.col, ir.c32(0));
    }
    indices.push_back(index);
    operands.push_back(loadEpilogueOperands(ir, spec, args, width, at, col, columns));
  }
  for (auto [i, g] : llvm::enumerate(vectors)) {
    if (!guard) {
      finishGemmVector(ir, spec, args, g.v, operands[i], indices[i]);
      continue;
    }
    auto ifOp = scf::IfOp::create(ir.b, ir.loc, inside[i], false);
    OpBuilder::InsertionGuard g2(ir.b);
    ir.b.setInsertionPointToStart(ifOp.thenBlock());
    finishGemmVector(ir, spec, args, g.v, operands[i], indices[i]);
  }
}

void GemmVectorBatch::add(GemmVector v) {
  pending.push_back(v);
  if (pending.size() == size)
    flush();
}

void GemmVectorBatch::flush() {
  storeGemmVectors(ir, spec, args, pending, guard, rowEnd, columns);
  pending.clear();
}

Value mlir::infer::accumulatorsToF32(Ir &ir, Value acc, int64_t count, bool small) {
  auto floats = LLVM::LLVMStructType::getLiteral(ir.b.getContext(),
                                                 SmallVector<Type>(count, ir.f32));
  Value f = LLVM::PoisonOp::create(ir.b, ir.loc, floats);
  Value magic = LLVM::ConstantOp::create(ir.b, ir.loc, ir.f32, ir.b.getF32FloatAttr(kMagic));
  for (int64_t i = 0; i < count; ++i) {
    Value x = LLVM::ExtractValueOp::create(ir.b, ir.loc, acc, i);
    if (small)
      x = LLVM::FSubOp::create(
          ir.b, ir.loc,
          LLVM::BitcastOp::create(ir.b, ir.loc, ir.f32, ir.add(x, ir.c32(kMagicBits))), magic);
    else
      x = LLVM::SIToFPOp::create(ir.b, ir.loc, ir.f32, x);
    f = LLVM::InsertValueOp::create(ir.b, ir.loc, f, x, i);
  }
  return f;
}

Value mlir::infer::accumulatorPair(Ir &ir, Value acc, int64_t i) {
  Value v = LLVM::PoisonOp::create(ir.b, ir.loc, VectorType::get({2}, ir.f32));
  for (int64_t e = 0; e < 2; ++e)
    v = LLVM::InsertElementOp::create(
        ir.b, ir.loc, v, LLVM::ExtractValueOp::create(ir.b, ir.loc, acc, i + e), ir.c32(e));
  return v;
}

void mlir::infer::storeStagedTile(Ir &ir, const GemmSpec &spec, ValueRange args,
                                  Value tile, int64_t rows, int64_t cols, int64_t pitch,
                                  Value t, int64_t threads, Value row0, Value col0,
                                  bool guard, Value rowEnd, ArrayRef<Value> columns) {
  auto oct = VectorType::get({8}, ir.f32);
  int64_t octs = cols / 8;
  assert((columns.empty() || threads % octs == 0) && "columns not from loadStagedColumns");
  GemmVectorBatch batch(ir, spec, args, guard, 8, rowEnd, columns);
  for (int64_t it = 0; it < rows * octs / threads; ++it) {
    Value q = ir.add(t, ir.c32(it * threads));
    Value r = ir.udiv(q, ir.c32(octs));
    Value c = ir.mul(ir.urem(q, ir.c32(octs)), ir.c32(8));
    Value at = ir.mul(ir.add(ir.mul(r, ir.c32(pitch)), c), ir.c32(4));
    Value v = LLVM::LoadOp::create(ir.b, ir.loc, oct, ir.offset(tile, at), 16);
    batch.add({v, ir.add(row0, r), ir.add(col0, c)});
  }
  batch.flush();
}

Value mlir::infer::gemmSharedMemory(OpBuilder &b, Location loc, ModuleOp module) {
  auto arrayType = LLVM::LLVMArrayType::get(b.getI8Type(), 0);
  auto global = module.lookupSymbol<LLVM::GlobalOp>(kSharedSymbol);
  if (!global) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(module.getBody());
    global = LLVM::GlobalOp::create(b, loc, arrayType, /*isConstant=*/false,
                                    LLVM::Linkage::External, kSharedSymbol,
                                    Attribute(), /*alignment=*/1024,
                                    /*addrSpace=*/3);
  }
  return LLVM::AddressOfOp::create(b, loc, global);
}

FailureOr<KernelInfo> mlir::infer::addSplitKReduceKernel(KernelModule &kernels,
                                                         const GemmSpec &spec,
                                                         Location loc,
                                                         std::string &error) {
  if (spec.splitK < 2 || spec.n % 2 != 0) {
    error = "internal: the split-K reduction needs 2 splits or more and an even N";
    return failure();
  }
  int64_t width = spec.n % 8 == 0 ? 8 : spec.n % 4 == 0 ? 4 : 2;
  int64_t chunks = spec.n / width, total = spec.m * chunks;
  constexpr int64_t kThreads = 256;
  KernelInfo info;
  info.kind = "splitk_reduce";
  info.grid = ceilDiv(total, kThreads);
  info.blockThreads = kThreads;
  std::vector<uint64_t> argBytes = gemmArgBytes(spec);
  argBytes.push_back(uint64_t(spec.splitK) * spec.m * spec.n * 4);
  auto build = [&](OpBuilder &b, Location loc, ValueRange args) -> LogicalResult {
    Ir ir(b, loc);
    auto vt = VectorType::get({width}, ir.f32);
    ir.forThreadsBelow(total, kThreads, [&](Value t64) {
      Value t = LLVM::TruncOp::create(b, loc, ir.i32, t64);
      Value row = ir.udiv(t, ir.c32(chunks));
      Value col = ir.mul(ir.urem(t, ir.c32(chunks)), ir.c32(width));
      Value at = ir.add(ir.mul(ir.zext64(row), ir.c64(spec.n)), ir.zext64(col));
      Value sum;
      for (int64_t z = 0; z < spec.splitK; ++z) {
        Value p = ir.offset(args[spec.numArgs],
                            ir.mul(ir.add(at, ir.c64(z * spec.m * spec.n)), ir.c64(4)));
        Value v = LLVM::LoadOp::create(b, loc, vt, p, std::min<int64_t>(16, width * 4));
        sum = z == 0 ? v : Value(LLVM::FAddOp::create(b, loc, sum, v));
      }
      storeGemmVector(ir, spec, args, sum, row, col);
    });
    return success();
  };
  return addCudaKernel(kernels, info, argBytes, loc, build, error);
}
