//===- MaxPool.cpp - Channels-last max pooling on CUDA --------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/cuda/MaxPool.h"

#include "codegen/cuda/GemmCommon.h"

#include "mlir/Dialect/SCF/IR/SCF.h"

#include <limits>

using namespace mlir;
using namespace mlir::infer;

namespace {
/// Channels per thread: 16 bytes, or fewer when the channel count needs.
int64_t runWidth(const MaxPoolSpec &spec) {
  int64_t width = 16 / bytesOf(spec.elem);
  while (spec.c % width != 0)
    width /= 2;
  return width;
}
} // namespace

std::string mlir::infer::maxPoolUnsupported(const MaxPoolSpec &spec) {
  if (!spec.elem ||
      !(spec.elem.isF32() || spec.elem.isF16() || spec.elem.isBF16() || spec.elem.isInteger(8) ||
        llvm::isa<Float8E4M3FNType>(spec.elem)))
    return "not f32, f16, bf16, int8 or f8E4M3FN";
  if (spec.n < 1 || spec.c < 1 || spec.h < 1 || spec.w < 1 || spec.ho < 1 || spec.wo < 1 ||
      spec.kh < 1 || spec.kw < 1 || spec.kh * spec.kw > 121 || spec.strideH < 1 ||
      spec.strideW < 1 || spec.dilH < 1 || spec.dilW < 1)
    return "sizes out of range (a window of at most 11x11)";
  if (spec.n * spec.h * spec.w * spec.c >= (int64_t(1) << 31) ||
      spec.n * spec.ho * spec.wo * spec.c >= (int64_t(1) << 31))
    return "tensors of 2^31 elements or more";
  if (spec.threads < 32 || spec.threads > 1024 || spec.threads % 32 != 0)
    return "a block of 32 to 1024 threads, in warps";
  if (bytesOf(spec.elem) == 1 && spec.c % 4 != 0)
    return "int8 or fp8 channels not in whole 4-byte words";
  return "";
}

FailureOr<KernelInfo> mlir::infer::addMaxPoolKernel(KernelModule &kernels,
                                                    const MaxPoolSpec &spec, Location loc,
                                                    std::string &error) {
  if (std::string why = maxPoolUnsupported(spec); !why.empty()) {
    error = "internal: the max pooling kernel does not apply: " + why;
    return failure();
  }
  unsigned eb = bytesOf(spec.elem);
  int64_t width = runWidth(spec), runs = spec.c / width;
  int64_t total = spec.n * spec.ho * spec.wo * runs;
  KernelInfo info;
  info.kind = "max_pool_nhwc";
  info.grid = ceilDiv(total, spec.threads);
  info.blockThreads = static_cast<uint32_t>(spec.threads);
  std::vector<uint64_t> argBytes = {uint64_t(spec.n * spec.h * spec.w * spec.c) * eb,
                                    uint64_t(spec.n * spec.ho * spec.wo * spec.c) * eb};

  auto build = [&](OpBuilder &b, Location loc, ValueRange args) -> LogicalResult {
    Ir ir(b, loc);
    // f8E4M3FN (sign and magnitude) takes the int8 path on an order-
    // preserving code: a byte whose sign is set has its low 7 bits flipped
    // (-m becomes -1 - m as int8; -0 is -1, below +0), four bytes a word
    // (the sign bits moved down, times 0x7F: a mask per byte, no carries).
    // The same flip maps the maximum back.
    bool fp8 = llvm::isa<Float8E4M3FNType>(spec.elem);
    auto vt = VectorType::get({width}, fp8 ? Type(ir.b.getI8Type()) : spec.elem);
    bool integer = spec.elem.isInteger(8) || fp8;
    // int8 runs as two vectors of 16-bit lanes, each byte the high half of
    // a lane whose low half is 0: the odd bytes in place (w & 0xFF00FF00),
    // the even ones shifted up ((w << 8) & 0xFF00FF00); a signed 16-bit
    // maximum (max.s16x2, two bytes an instruction) then orders the bytes.
    // LLVM's maximum of an <16 x i8> unpacks every byte.
    int64_t words = integer ? std::max<int64_t>(width / 4, 1) : 0;
    auto wt = VectorType::get({words}, ir.i32);
    auto ht = VectorType::get({2 * words}, b.getI16Type());
    auto splat32 = [&](int32_t x) -> Value {
      return LLVM::ConstantOp::create(b, loc, wt,
                                      SplatElementsAttr::get(wt, b.getI32IntegerAttr(x)));
    };
    auto flipNegative = [&](Value w) -> Value {
      Value signs = LLVM::AndOp::create(b, loc, LLVM::LShrOp::create(b, loc, w, splat32(7)),
                                        splat32(0x01010101));
      return LLVM::XOrOp::create(b, loc, w, LLVM::MulOp::create(b, loc, signs, splat32(0x7F)));
    };
    SmallVector<Value> init;
    if (integer) {
      // The lowest value, -128 (0x80 in the high half of each lane).
      Value low = LLVM::BitcastOp::create(b, loc, ht, splat32(int32_t(0x80008000u)));
      init = {low, low};
    } else {
      // A window with no tap inside the image (ceil_mode only) gives it.
      TypedAttr lowest =
          b.getFloatAttr(spec.elem, -std::numeric_limits<double>::infinity());
      init = {LLVM::ConstantOp::create(b, loc, vt, SplatElementsAttr::get(vt, lowest))};
    }
    ir.forThreadsBelow(total, spec.threads, [&](Value t64) {
      Value t = LLVM::TruncOp::create(b, loc, ir.i32, t64);
      // t = ((img * ho + oy) * wo + ox) * runs + run
      Value run = ir.urem(t, ir.c32(runs));
      Value pixel = ir.udiv(t, ir.c32(runs));
      Value ox = ir.urem(pixel, ir.c32(spec.wo));
      Value rest = ir.udiv(pixel, ir.c32(spec.wo));
      Value oy = ir.urem(rest, ir.c32(spec.ho));
      Value img = ir.udiv(rest, ir.c32(spec.ho));
      Value channel = ir.mul(run, ir.c32(width));
      Value y0 = LLVM::SubOp::create(b, loc, ir.mul(oy, ir.c32(spec.strideH)),
                                     ir.c32(spec.padTop));
      Value x0 = LLVM::SubOp::create(b, loc, ir.mul(ox, ir.c32(spec.strideW)),
                                     ir.c32(spec.padLeft));
      Value imgBase = ir.mul(img, ir.c32(spec.h * spec.w));
      // Rows in a rolled loop, its taps unrolled: every load of a row is in
      // flight at once, each from an address inside the image (element 0
      // for a tap outside, whose value is then dropped).
      auto rows = scf::ForOp::create(b, loc, ir.c32(0), ir.c32(spec.kh), ir.c32(1), init);
      {
        OpBuilder::InsertionGuard g(b);
        b.setInsertionPointToStart(rows.getBody());
        Value r = rows.getInductionVar();
        SmallVector<Value> acc(rows.getRegionIterArgs());
        Value iy = ir.add(y0, ir.mul(r, ir.c32(spec.dilH)));
        Value rowInside = ir.cmp(LLVM::ICmpPredicate::ult, iy, ir.c32(spec.h));
        Value rowBase = ir.add(imgBase, ir.mul(iy, ir.c32(spec.w)));
        for (int64_t s = 0; s < spec.kw; ++s) {
          Value ix = ir.add(x0, ir.c32(s * spec.dilW));
          Value inside =
              ir.band(rowInside, ir.cmp(LLVM::ICmpPredicate::ult, ix, ir.c32(spec.w)));
          Value at = ir.add(ir.mul(ir.add(rowBase, ix), ir.c32(spec.c)), channel);
          at = ir.select(inside, at, ir.c32(0));
          Value p = ir.offset(args[0], ir.mul(ir.zext64(at), ir.c64(eb)));
          if (!integer) {
            Value v = LLVM::LoadOp::create(b, loc, vt, p, width * eb);
            // NaN propagates, as in the generic kernel.
            acc[0] = ir.select(inside, LLVM::MaximumOp::create(b, loc, acc[0], v), acc[0]);
            continue;
          }
          Value w = LLVM::BitcastOp::create(b, loc, wt,
                                            LLVM::LoadOp::create(b, loc, vt, p, width * eb));
          if (fp8)
            w = flipNegative(w);
          Value odd = LLVM::AndOp::create(b, loc, w, splat32(int32_t(0xFF00FF00u)));
          Value even = LLVM::AndOp::create(
              b, loc, LLVM::ShlOp::create(b, loc, w, splat32(8)), splat32(int32_t(0xFF00FF00u)));
          Value halves[] = {odd, even};
          for (int i = 0; i < 2; ++i) {
            Value h = LLVM::BitcastOp::create(b, loc, ht, halves[i]);
            acc[i] = ir.select(inside, LLVM::SMaxOp::create(b, loc, acc[i], h), acc[i]);
          }
        }
        scf::YieldOp::create(b, loc, acc);
      }
      Value result = rows.getResult(0);
      if (integer) {
        // The odd bytes in place, the even ones back down (their lanes'
        // low halves are 0).
        Value odd = LLVM::BitcastOp::create(b, loc, wt, rows.getResult(0));
        Value even = LLVM::LShrOp::create(
            b, loc, LLVM::BitcastOp::create(b, loc, wt, rows.getResult(1)), splat32(8));
        Value words = LLVM::OrOp::create(b, loc, odd, even);
        result = LLVM::BitcastOp::create(b, loc, vt, fp8 ? flipNegative(words) : words);
      }
      Value out = ir.add(ir.mul(pixel, ir.c32(spec.c)), channel);
      LLVM::StoreOp::create(b, loc, result,
                            ir.offset(args[1], ir.mul(ir.zext64(out), ir.c64(eb))),
                            width * eb);
    });
    return success();
  };
  return addCudaKernel(kernels, info, argBytes, loc, build, error);
}
