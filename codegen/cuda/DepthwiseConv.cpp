//===- DepthwiseConv.cpp - Channels-last depthwise convolution on CUDA ----===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// MobileNet, EfficientNet, ShuffleNet and ConvNeXt spend their non-GEMM
// time here. In NHWC a run of channels of one pixel is contiguous, and so
// is the same run of a [kh][kw][C] weight: a thread loads both 16 bytes at
// a time, neighbouring threads take neighbouring runs (coalesced), and the
// taps are unrolled at compile time with the image border as a predicate
// instead of padded copies.
//
//===----------------------------------------------------------------------===//

#include "codegen/cuda/DepthwiseConv.h"
#include "codegen/cuda/CudaTarget.h"

#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::infer;

namespace {
/// Channels per thread: 16 bytes, or fewer when the channel count needs.
int64_t runWidth(const DepthwiseSpec &spec) {
  int64_t width = 16 / bytesOf(spec.out.elem);
  while (spec.c % width != 0)
    width /= 2;
  return width;
}

/// Input columns the windows of one thread's pixels cover.
int64_t windowSpan(const DepthwiseSpec &spec) {
  return (spec.pixels - 1) * spec.strideW + (spec.kw - 1) * spec.dilW + 1;
}

/// Whether a thread's window rows are unrolled, every row's loads in flight
/// at once: a launch of under a wave of blocks (its time is its threads'
/// latency) whose window reads at most 18 input runs. H200, MobileNetV2
/// fp16: at batch 1 (14 to 74 blocks) 4.4-4.7 -> 4.0-4.3 us a launch,
/// 0.170-0.171 -> 0.164-0.166 ms; at batch 32 (294 blocks and more: more
/// registers, fewer threads resident) 0.589 -> 0.617 ms, so those stay
/// rolled.
bool unrolledRows(const DepthwiseSpec &spec, int64_t blocks) {
  return blocks < kCudaSmCount && spec.kh * windowSpan(spec) <= 18;
}
} // namespace

std::string mlir::infer::depthwiseUnsupported(const DepthwiseSpec &spec) {
  if (!spec.out.elem || !(spec.out.elem.isF16() || spec.out.elem.isBF16()) ||
      spec.out.out != spec.out.elem)
    return "not an fp16 or bf16 convolution";
  if (spec.n < 1 || spec.c < 1 || spec.ho < 1 || spec.wo < 1 || spec.kh < 1 ||
      spec.kw < 1 || spec.kh * spec.kw > 121)
    return "sizes out of range (a window of at most 11x11)";
  if (spec.n * spec.h * spec.w * spec.c >= (int64_t(1) << 31) ||
      spec.n * spec.ho * spec.wo * spec.c >= (int64_t(1) << 31))
    return "tensors of 2^31 elements or more";
  if (spec.threads < 32 || spec.threads > 1024 || spec.threads % 32 != 0)
    return "a block of 32 to 1024 threads, in warps";
  if (spec.pixels < 1 || spec.pixels > 8)
    return "1 to 8 pixels per thread";
  return "";
}

int64_t mlir::infer::depthwisePixelsPerThread(const DepthwiseSpec &spec) {
  int64_t runs = spec.c / runWidth(spec);
  for (int64_t p : {4, 2})
    if (spec.n * spec.ho * ceilDiv(spec.wo, p) * runs >= 65536)
      return p;
  return 1;
}

FailureOr<KernelInfo> mlir::infer::addDepthwiseKernel(KernelModule &kernels,
                                                      const DepthwiseSpec &spec,
                                                      Location loc,
                                                      std::string &error) {
  if (std::string why = depthwiseUnsupported(spec); !why.empty()) {
    error = "internal: the depthwise kernel does not apply: " + why;
    return failure();
  }
  const GemmSpec &out = spec.out;
  unsigned eb = bytesOf(out.elem);
  int64_t width = runWidth(spec), runs = spec.c / width;
  int64_t pixels = spec.pixels, quads = ceilDiv(spec.wo, pixels);
  int64_t total = spec.n * spec.ho * quads * runs;
  int64_t span = windowSpan(spec);
  KernelInfo info;
  info.kind = "depthwise_nhwc";
  info.grid = ceilDiv(total, spec.threads);
  info.blockThreads = static_cast<uint32_t>(spec.threads);
  std::vector<uint64_t> argBytes(out.numArgs, 0);
  argBytes[0] = uint64_t(spec.n * spec.h * spec.w * spec.c) * eb;
  argBytes[1] = uint64_t(spec.kh * spec.kw * spec.c) * eb;
  epilogueArgBytes(out, argBytes);

  auto build = [&](OpBuilder &b, Location loc, ValueRange args) -> LogicalResult {
    Ir ir(b, loc);
    auto vt = VectorType::get({width}, out.elem);
    auto ft = VectorType::get({width}, ir.f32);
    ir.forThreadsBelow(total, spec.threads, [&](Value t64) {
      Value t = LLVM::TruncOp::create(b, loc, ir.i32, t64);
      // t = ((img * ho + oy) * quads + q) * runs + run; pixels q*P ...
      Value run = ir.urem(t, ir.c32(runs));
      Value cell = ir.udiv(t, ir.c32(runs));
      Value q = ir.urem(cell, ir.c32(quads));
      Value rest = ir.udiv(cell, ir.c32(quads));
      Value oy = ir.urem(rest, ir.c32(spec.ho));
      Value img = ir.udiv(rest, ir.c32(spec.ho));
      Value ox0 = ir.mul(q, ir.c32(pixels));
      Value channel = ir.mul(run, ir.c32(width));
      // Signed top-left corner of the first pixel's window.
      Value y0 = LLVM::SubOp::create(b, loc, ir.mul(oy, ir.c32(spec.strideH)),
                                     ir.c32(spec.padTop));
      Value x0 = LLVM::SubOp::create(b, loc, ir.mul(ox0, ir.c32(spec.strideW)),
                                     ir.c32(spec.padLeft));
      Value imgBase = ir.mul(img, ir.c32(spec.h * spec.w));
      Value zero = LLVM::ConstantOp::create(
          b, loc, ft, DenseElementsAttr::get(ft, b.getF32FloatAttr(0.0f).getValue()));
      // One window row: its input columns (0 outside the image) and its
      // taps into `acc`.
      auto windowRow = [&](Value r, MutableArrayRef<Value> acc) {
        Value iy = ir.add(y0, ir.mul(r, ir.c32(spec.dilH)));
        // 0 <= iy < h as one unsigned compare.
        Value rowInside = ir.cmp(LLVM::ICmpPredicate::ult, iy, ir.c32(spec.h));
        Value rowBase = ir.add(imgBase, ir.mul(iy, ir.c32(spec.w)));
        Value tapBase = ir.mul(r, ir.c32(spec.kw * spec.c));
        SmallVector<Value> cols;
        for (int64_t j = 0; j < span; ++j) {
          Value ix = ir.add(x0, ir.c32(j));
          Value inside = ir.band(
              rowInside, ir.cmp(LLVM::ICmpPredicate::ult, ix, ir.c32(spec.w)));
          auto col = scf::IfOp::create(b, loc, TypeRange{ft}, inside, true);
          OpBuilder::InsertionGuard g2(b);
          b.setInsertionPointToStart(col.thenBlock());
          Value at = ir.add(ir.mul(ir.add(rowBase, ix), ir.c32(spec.c)), channel);
          Value xp = ir.offset(args[0], ir.mul(ir.zext64(at), ir.c64(eb)));
          scf::YieldOp::create(
              b, loc,
              LLVM::FPExtOp::create(b, loc, ft,
                                    LLVM::LoadOp::create(b, loc, vt, xp, width * eb))
                  .getResult());
          b.setInsertionPointToStart(col.elseBlock());
          scf::YieldOp::create(b, loc, zero);
          cols.push_back(col.getResult(0));
        }
        for (int64_t s = 0; s < spec.kw; ++s) {
          Value wp = ir.offset(
              args[1],
              ir.mul(ir.zext64(ir.add(tapBase, ir.add(ir.c32(s * spec.c), channel))),
                     ir.c64(eb)));
          Value wv = LLVM::FPExtOp::create(
              b, loc, ft, LLVM::LoadOp::create(b, loc, vt, wp, width * eb));
          for (int64_t p = 0; p < pixels; ++p)
            acc[p] = LLVM::FMAOp::create(b, loc, cols[p * spec.strideW + s * spec.dilW],
                                         wv, acc[p]);
        }
      };
      SmallVector<Value> acc(pixels, zero);
      if (unrolledRows(spec, info.grid)) {
        for (int64_t r = 0; r < spec.kh; ++r)
          windowRow(ir.c32(r), acc);
      } else {
        // The window's rows in a loop that stays rolled (each iteration's
        // loads are live only for its own taps: unrolled, the loads of
        // every row were hoisted ahead of the arithmetic and a 7x7 window
        // spilled).
        auto rows = scf::ForOp::create(b, loc, ir.c32(0), ir.c32(spec.kh), ir.c32(1), acc);
        b.setInsertionPointToStart(rows.getBody());
        SmallVector<Value> inner(rows.getRegionIterArgs());
        windowRow(rows.getInductionVar(), inner);
        scf::YieldOp::create(b, loc, inner);
        b.setInsertionPointAfter(rows);
        acc.assign(rows.getResults().begin(), rows.getResults().end());
      }
      Value rowOut = ir.mul(ir.add(ir.mul(img, ir.c32(spec.ho)), oy), ir.c32(spec.wo));
      for (int64_t p = 0; p < pixels; ++p) {
        Value ox = ir.add(ox0, ir.c32(p));
        auto store = [&] {
          storeGemmVector(ir, out, args, acc[p], ir.add(rowOut, ox), channel);
        };
        if (spec.wo % pixels == 0) {
          store();
          continue;
        }
        auto guard = scf::IfOp::create(
            b, loc, ir.cmp(LLVM::ICmpPredicate::ult, ox, ir.c32(spec.wo)), false);
        OpBuilder::InsertionGuard g(b);
        b.setInsertionPointToStart(guard.thenBlock());
        store();
      }
    });
    return success();
  };
  return addCudaKernel(kernels, info, argBytes, loc, build, error);
}
