//===- TransposeChannels.cpp - NCHW <-> NHWC on CUDA ----------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/cuda/TransposeChannels.h"
#include "codegen/cuda/GemmCommon.h"

#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::infer;

namespace {
/// A thread moves one pixel's run of channels: 16 bytes, or 8 where the
/// pixel's channels are 8 bytes or an odd multiple of them (a stem's 4
/// fp16 channels).
int64_t vectorBytes(const TransposeChannelsSpec &spec) {
  return (spec.channels * spec.elemBytes) % 16 == 0 ? 16 : 8;
}
} // namespace

bool mlir::infer::transposeChannelsApplies(const TransposeChannelsSpec &spec) {
  if (spec.elemBytes != 1 && spec.elemBytes != 2 && spec.elemBytes != 4 &&
      spec.elemBytes != 8)
    return false;
  int64_t total = spec.batch * spec.channels * spec.pixels;
  bool converts = spec.srcElemBytes != 0 && spec.srcElemBytes != spec.elemBytes;
  if ((spec.srcChannels != 0 || converts) && !spec.toChannelsLast)
    return false;
  if (converts && !(spec.srcElemBytes == 4 && (spec.elemBytes == 2 || spec.elemBytes == 1)))
    return false;
  return spec.batch > 0 && spec.pixels > 0 && spec.channels > 0 &&
         spec.srcChannels >= 0 && spec.srcChannels <= spec.channels &&
         (spec.channels * spec.elemBytes) % 8 == 0 && spec.elemBytes <= 8 &&
         total < (int64_t(1) << 40);
}

FailureOr<KernelInfo> mlir::infer::addTransposeChannelsKernel(
    KernelModule &kernels, const TransposeChannelsSpec &spec, Location loc,
    std::string &error) {
  if (!transposeChannelsApplies(spec)) {
    error = "internal: the channel transpose does not apply";
    return failure();
  }
  int64_t vector = vectorBytes(spec);
  int64_t lanes = vector / spec.elemBytes;
  int64_t runs = spec.channels / lanes;
  int64_t total = spec.batch * runs * spec.pixels;
  uint64_t bytes = uint64_t(spec.batch * spec.channels * spec.pixels) * spec.elemBytes;
  int64_t srcChannels = spec.srcChannels ? spec.srcChannels : spec.channels;
  unsigned srcBytes = spec.srcElemBytes ? spec.srcElemBytes : spec.elemBytes;
  uint64_t inBytes = uint64_t(spec.batch * srcChannels * spec.pixels) * srcBytes;
  KernelInfo info;
  info.kind = spec.toChannelsLast ? "to_channels_last" : "to_channels_first";
  info.grid = (total + spec.threads - 1) / spec.threads;
  info.blockThreads = spec.threads;

  auto build = [&](OpBuilder &b, Location loc, ValueRange args) -> LogicalResult {
    Ir ir(b, loc);
    Type elem = b.getIntegerType(spec.elemBytes * 8);
    auto vec = VectorType::get({lanes}, elem);
    ir.forThreadsBelow(total, spec.threads, [&](Value t) {
      // t = (n * runs + run) * P + p: consecutive threads, consecutive pixels.
      Value p = ir.urem(t, ir.c64(spec.pixels));
      Value rest = ir.udiv(t, ir.c64(spec.pixels));
      Value run = ir.urem(rest, ir.c64(runs));
      Value n = ir.udiv(rest, ir.c64(runs));
      Value c0 = ir.mul(run, ir.c64(lanes));
      // Element offsets: planar (n, c, p) and channels-last (n, p, c).
      auto planar = [&](Value c) {
        return ir.add(ir.mul(ir.add(ir.mul(n, ir.c64(spec.channels)), c),
                             ir.c64(spec.pixels)),
                      p);
      };
      auto source = [&](int64_t c) { // the input's planar offset of channel c0 + c
        return ir.add(ir.mul(ir.add(ir.mul(n, ir.c64(srcChannels)), ir.add(c0, ir.c64(c))),
                             ir.c64(spec.pixels)),
                      p);
      };
      Value last = ir.add(ir.mul(ir.add(ir.mul(n, ir.c64(spec.pixels)), p),
                                 ir.c64(spec.channels)),
                          c0);
      auto at = [&](Value base, Value index) {
        return ir.offset(base, ir.mul(index, ir.c64(spec.elemBytes)));
      };
      if (spec.toChannelsLast && spec.fp8 && srcBytes == 4 && spec.elemBytes == 1) {
        // fp32 to f8E4M3FN: each lane's value times 1 / scale (0 past the
        // input's channels), then pairs through cvt.rn.satfinite.e4m3x2.f32
        // (a conversion an instruction for two lanes).
        Type f32 = b.getF32Type();
        Value zero = LLVM::ConstantOp::create(b, loc, f32, b.getF32FloatAttr(0.0f));
        Value inv = LLVM::ConstantOp::create(b, loc, f32, b.getF32FloatAttr(spec.quantScale));
        SmallVector<Value> xs;
        for (int64_t i = 0; i < lanes; ++i) {
          Value inside = ir.cmp(LLVM::ICmpPredicate::ult, ir.add(c0, ir.c64(i)),
                                ir.c64(srcChannels));
          auto when = scf::IfOp::create(b, loc, TypeRange{f32}, inside, true);
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPointToStart(when.thenBlock());
          Value x = LLVM::LoadOp::create(b, loc, f32,
                                         ir.offset(args[0], ir.mul(source(i), ir.c64(4))));
          scf::YieldOp::create(b, loc, ValueRange{LLVM::FMulOp::create(b, loc, x, inv)});
          b.setInsertionPointToStart(when.elseBlock());
          scf::YieldOp::create(b, loc, ValueRange{zero});
          xs.push_back(when.getResult(0));
        }
        Value v = LLVM::PoisonOp::create(b, loc, vec);
        auto pairType = VectorType::get({2}, elem);
        for (int64_t i = 0; i < lanes; i += 2) {
          Value pair = NVVM::ConvertF32x2ToF8x2Op::create(
              b, loc, pairType, i + 1 < lanes ? xs[i + 1] : zero, xs[i],
              NVVM::FPRoundingMode::RN, NVVM::SaturationMode::SATFINITE, false,
              b.getType<Float8E4M3FNType>());
          for (int64_t j = 0; j < 2 && i + j < lanes; ++j)
            v = LLVM::InsertElementOp::create(
                b, loc, v, LLVM::ExtractElementOp::create(b, loc, pair, ir.c32(j)),
                ir.c32(i + j));
        }
        LLVM::StoreOp::create(b, loc, v, at(args[1], last), vector);
      } else if (spec.toChannelsLast && (srcChannels != spec.channels || srcBytes != spec.elemBytes)) {
        // Channels past the input's are zeros; fp32 input rounds to the
        // 16-bit output type.
        Value v = LLVM::ZeroOp::create(b, loc, vec);
        Type srcType = srcBytes == spec.elemBytes ? elem : Type(b.getF32Type());
        Type half = spec.bf16 ? Type(b.getBF16Type()) : Type(b.getF16Type());
        for (int64_t i = 0; i < lanes; ++i) {
          Value inside = ir.cmp(LLVM::ICmpPredicate::ult, ir.add(c0, ir.c64(i)),
                                ir.c64(srcChannels));
          auto when = scf::IfOp::create(b, loc, TypeRange{vec}, inside, true);
          {
            OpBuilder::InsertionGuard guard(b);
            b.setInsertionPointToStart(when.thenBlock());
            Value addr = ir.offset(args[0], ir.mul(source(i), ir.c64(srcBytes)));
            Value x = LLVM::LoadOp::create(b, loc, srcType, addr);
            auto f = [&](float c) {
              return LLVM::ConstantOp::create(b, loc, ir.f32, b.getF32FloatAttr(c));
            };
            if (srcBytes != spec.elemBytes && spec.elemBytes == 1) {
              // Quantized: round_half_even(x / scale) within [lo, hi].
              x = LLVM::RoundEvenOp::create(b, loc, LLVM::FMulOp::create(b, loc, x, f(spec.quantScale)));
              x = LLVM::MinNumOp::create(b, loc, LLVM::MaxNumOp::create(b, loc, x, f(spec.quantLo)),
                                         f(spec.quantHi));
              x = LLVM::FPToSIOp::create(b, loc, elem, x);
            } else if (srcBytes != spec.elemBytes) {
              x = LLVM::BitcastOp::create(b, loc, elem, LLVM::FPTruncOp::create(b, loc, half, x));
            }
            scf::YieldOp::create(b, loc, ValueRange{LLVM::InsertElementOp::create(
                                             b, loc, v, x, ir.c32(i))});
            b.setInsertionPointToStart(when.elseBlock());
            scf::YieldOp::create(b, loc, ValueRange{v});
          }
          v = when.getResult(0);
        }
        LLVM::StoreOp::create(b, loc, v, at(args[1], last), vector);
      } else if (spec.toChannelsLast) {
        Value v = LLVM::PoisonOp::create(b, loc, vec);
        for (int64_t i = 0; i < lanes; ++i) {
          Value x = LLVM::LoadOp::create(b, loc, elem,
                                         at(args[0], planar(ir.add(c0, ir.c64(i)))));
          v = LLVM::InsertElementOp::create(b, loc, v, x, ir.c32(i));
        }
        LLVM::StoreOp::create(b, loc, v, at(args[1], last), vector);
      } else {
        Value v = LLVM::LoadOp::create(b, loc, vec, at(args[0], last), vector);
        for (int64_t i = 0; i < lanes; ++i)
          LLVM::StoreOp::create(b, loc, LLVM::ExtractElementOp::create(b, loc, v, ir.c32(i)),
                                at(args[1], planar(ir.add(c0, ir.c64(i)))));
      }
    });
    return success();
  };
  return addCudaKernel(kernels, info, {inBytes, bytes}, loc, build, error);
}
