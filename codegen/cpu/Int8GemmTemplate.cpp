//===- Int8GemmTemplate.cpp - int8 GEMM on AVX-512 VNNI or AVX2 ----------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/cpu/Int8GemmTemplate.h"
#include "codegen/cpu/ContractionTemplates.h"
#include "codegen/cpu/Int8ConvTemplate.h"
#include "codegen/cpu/Int8Epilogue.h"

#include "ir/ConstantView.h"

using namespace mlir;
using namespace mlir::infer;

namespace {
/// The operands of a gemm or matmul as rows x K times K x N.
struct Parts {
  Value a, b, c;
  bool transB = false;
  double alpha = 1, beta = 1;
  int64_t rows = 0, k = 0, n = 0;
  int64_t nAxis() const { return transB ? 0 : 1; }
};

std::optional<Parts> partsOf(Operation *op) {
  Parts p;
  if (auto gemm = llvm::dyn_cast<GemmOp>(op)) {
    if (gemm.getTransA())
      return std::nullopt;
    p.a = gemm.getA();
    p.b = gemm.getB();
    p.c = gemm.getC();
    p.transB = gemm.getTransB();
    p.alpha = gemm.getAlpha().convertToDouble();
    p.beta = gemm.getBeta().convertToDouble();
  } else if (auto mm = llvm::dyn_cast<MatMulOp>(op)) {
    p.a = mm.getLhs();
    p.b = mm.getRhs();
  } else {
    return std::nullopt;
  }
  auto at = llvm::cast<RankedTensorType>(p.a.getType());
  auto bt = llvm::cast<RankedTensorType>(p.b.getType());
  if (at.getRank() < 2 || bt.getRank() != 2 || !at.hasStaticShape() ||
      !bt.hasStaticShape())
    return std::nullopt;
  p.k = at.getShape().back();
  p.rows = at.getNumElements() / std::max<int64_t>(p.k, 1);
  p.n = bt.getDimSize(p.transB ? 0 : 1);
  return p;
}

/// 1..4 vectors of 16 columns per tile: the fewest padded columns, more
/// vectors on a tie (each broadcast row then feeds more of them).
int64_t bestVectors(int64_t n) {
  int64_t best = 1, bestPad = INT64_MAX;
  for (int64_t nv = 1; nv <= 4; ++nv) {
    int64_t nr = 16 * nv, pad = (n + nr - 1) / nr * nr - n;
    if (pad <= bestPad) {
      best = nv;
      bestPad = pad;
    }
  }
  return best;
}
} // namespace

std::string mlir::infer::int8GemmMismatch(Operation *op, const CpuTarget &target) {
  if (!target.avx512vnni && !target.avx2)
    return "gemm_i8 needs AVX-512 VNNI or AVX2";
  std::optional<Parts> p = partsOf(op);
  if (!p)
    return "gemm_i8 takes static gemms (no transposed A) and matmuls of a 2-D "
           "right operand";
  if (!symmetricInt8(p->a))
    return "gemm_i8 needs a symmetric int8 left operand (zero point 0, one scale)";
  if (!isConstantValue(p->b) || !weightScales(p->b, p->nAxis(), p->n))
    return "gemm_i8 needs a constant symmetric int8 weight (per tensor or per "
           "output column)";
  if (p->c && p->beta != 0) {
    auto ct = llvm::cast<RankedTensorType>(p->c.getType());
    if (!isConstantValue(p->c) || !ct.getElementType().isF32() ||
        ct.getNumElements() != p->n || ct.getShape().back() != p->n)
      return "gemm_i8 needs a constant f32 bias row";
  }
  if (!llvm::cast<RankedTensorType>(op->getResult(0).getType())
           .getElementType()
           .isF32())
    return "gemm_i8 computes an f32 result";
  return "";
}

CpuTileAttr mlir::infer::selectInt8GemmTile(Operation *op,
                                            const CpuTarget &target) {
  if (!int8GemmMismatch(op, target).empty())
    return nullptr;
  Parts p = *partsOf(op);
  // AVX2: 16 columns are two 256-bit registers (see selectInt8ConvTile).
  bool vnni = target.avx512vnni;
  int64_t nv = vnni ? bestVectors(p.n) : 1;
  int64_t mr = std::min<int64_t>(!vnni ? 4 : nv == 4 ? 6 : 8, p.rows);
  auto tile = CpuTileAttr::get(op->getContext(), CpuKernel::gemm_i8, mr, nv,
                               vnni ? 16 : 8);
  op->setAttr(InferDialect::getTileAttrName(), tile);
  return tile;
}

FailureOr<TemplateKernel>
mlir::infer::buildInt8GemmKernel(Operation *op, CpuTileAttr tile,
                                 ArrayRef<EpilogueStep> epilogue,
                                 KernelModule &kernels, std::string &error) {
  Parts p = *partsOf(op);
  // The rows are read in place: a left operand computed in the group (a
  // view) takes the generic path.
  if (p.a.getDefiningOp())
    return TemplateKernel();
  int64_t mr = tile.getMr(), nv = tile.getNv(), nr = 16 * nv;
  int64_t k4 = (p.k + 3) / 4, fullK4 = p.k / 4;
  int64_t rowTiles = (p.rows + mr - 1) / mr, colTiles = (p.n + nr - 1) / nr;
  int64_t cols = colTiles * nr;
  MLIRContext *ctx = op->getContext();
  Type f32 = Float32Type::get(ctx), i8 = IntegerType::get(ctx, 8),
       i32 = IntegerType::get(ctx, 32);
  FailureOr<ConstantView> w = constantData(p.b);
  std::optional<SmallVector<double>> wScales = weightScales(p.b, p.nAxis(), p.n);
  if (failed(w) || !wScales) {
    error = "unreadable int8 weights";
    return failure();
  }
  double aScale = symmetricInt8(p.a).getScale();
  // AVX2: a left operand never negative is read as unsigned bytes as it is.
  bool unsignedInput = readsUnsignedInt8Input(op, tile);

  // [N/NR][K/4][NR][4] weight bytes, the accumulators' start per column,
  // the column scales and the bias (pre-scaled by beta).
  std::vector<int8_t> wq(colTiles * k4 * nr * 4, 0);
  std::vector<int32_t> init(cols, 0);
  std::vector<float> scale(cols, 0.0f), bias(cols, 0.0f);
  for (int64_t col = 0; col < p.n; ++col) {
    int64_t sum = 0;
    for (int64_t kk = 0; kk < p.k; ++kk) {
      int64_t v = w->getInt(p.transB ? col * p.k + kk : kk * p.n + col);
      sum += v;
      wq[(((col / nr) * k4 + kk / 4) * nr + col % nr) * 4 + kk % 4] =
          static_cast<int8_t>(v);
    }
    init[col] = I8Emitter::accumulatorStart(sum, unsignedInput);
    scale[col] = static_cast<float>(aScale * (*wScales)[col] * p.alpha);
  }
  if (p.c && p.beta != 0) {
    FailureOr<ConstantView> cv = constantData(p.c);
    if (failed(cv)) {
      error = "unreadable bias";
      return failure();
    }
    for (int64_t col = 0; col < p.n; ++col)
      bias[col] = static_cast<float>(p.beta * cv->getDouble(col));
  }

  TemplateKernel result;
  SmallVector<MemRefType> types;
  auto add = [&](TemplateArg arg, MemRefType type) {
    result.inputs.push_back(std::move(arg));
    types.push_back(type);
    return static_cast<int>(result.inputs.size()) - 1;
  };
  add({p.a, {}}, MemRefType::get({p.rows, p.k}, i8));
  add({Value(), bytesOf(wq)}, MemRefType::get({colTiles, k4, nr * 4}, i8));
  add({Value(), bytesOf(init)}, MemRefType::get({cols}, i32));
  add({Value(), bytesOf(scale)}, MemRefType::get({cols}, f32));
  add({Value(), bytesOf(bias)}, MemRefType::get({cols}, f32));
  Int8EpilogueArgs epiArgs;
  if (failed(epiArgs.collect(epilogue, MemRefType::get({p.rows, p.n}, f32), add,
                             error)))
    return failure();
  types.push_back(MemRefType::get({p.rows, p.n}, epiArgs.store.elementType(ctx)));
  int nIn = result.inputs.size();
  std::vector<int> args;
  for (int i = 0; i <= nIn; ++i)
    args.push_back(i);

  FailureOr<KernelInfo> info = addMemrefKernel(
      kernels, "gemm_i8", op->getLoc(), types,
      [&](OpBuilder &b, Location loc, ValueRange a, Value begin, Value end,
          int64_t &grid, int64_t &grain) {
        I8Emitter e{{b, loc, 16},
                    b.getInsertionBlock()->getParentOp()->getParentOfType<ModuleOp>(),
                    tile.getVl()};
        e.unsignedInput = unsignedInput;
        DenseMap<Value, double> int8Operands;
        Epilogue epi = epiArgs.bind(a, int8Operands);
        Value x = a[0], wp = a[1], out = a[nIn];
        grid = rowTiles * colTiles;
        grain = 1;
        // x + 128 on the four bytes of each lane (but for an unsigned input).
        Value flip = e.i32splat(arith::ConstantOp::create(
            b, loc, b.getI32IntegerAttr(static_cast<int32_t>(0x80808080u))));
        auto rowBytes = [&](Value row, Value kk, Value mask) {
          Value four = mask ? e.maskedBytes(x, {row, kk}, mask, 4)
                            : vector::LoadOp::create(b, loc, e.bytes(4), x,
                                                     ValueRange{row, kk}, false,
                                                     IntegerAttr())
                                  .getResult();
          Value word = vector::BitCastOp::create(
              b, loc, VectorType::get({1}, b.getI32Type()), four);
          Value v = e.i32splat(vector::ExtractOp::create(b, loc, word, 0));
          if (!unsignedInput)
            v = arith::XOrIOp::create(b, loc, v, flip);
          return vector::BitCastOp::create(b, loc, e.bytes(64), v).getResult();
        };
        e.forEach(begin, end, 1, [&](Value u) {
          Value ct = e.rem(u, e.idx(colTiles)), rt = e.div(u, e.idx(colTiles));
          Value row0 = e.mul(rt, e.idx(mr)), col0 = e.mul(ct, e.idx(nr));
          SmallVector<Value> rowsAt, start;
          for (int64_t r = 0; r < mr; ++r)
            rowsAt.push_back(e.min(e.add(row0, e.idx(r)), e.idx(p.rows - 1)));
          for (int64_t r = 0; r < mr; ++r)
            for (int64_t j = 0; j < nv; ++j)
              start.push_back(vector::LoadOp::create(
                  b, loc, e.ints(), a[2], ValueRange{e.add(col0, e.idx(16 * j))},
                  false, IntegerAttr()));
          auto step = [&](Value g, ValueRange acc, Value mask) {
            SmallVector<Value> wv, next(acc.begin(), acc.end());
            for (int64_t j = 0; j < nv; ++j)
              wv.push_back(vector::LoadOp::create(b, loc, e.bytes(64), wp,
                                                  ValueRange{ct, g, e.idx(64 * j)},
                                                  false, IntegerAttr()));
            Value kk = e.mul(g, e.idx(4));
            for (int64_t r = 0; r < mr; ++r) {
              Value xr = rowBytes(rowsAt[r], kk, mask);
              for (int64_t j = 0; j < nv; ++j)
                next[r * nv + j] = e.dot(next[r * nv + j], xr, wv[j]);
            }
            return next;
          };
          scf::ForOp kloop = e.loop(e.idx(0), e.idx(fullK4), 1, start,
                                    [&](Value g, ValueRange acc) {
                                      return step(g, acc, Value());
                                    });
          SmallVector<Value> acc(kloop.getResults());
          if (fullK4 < k4) // the last K % 4 elements
            acc = step(e.idx(fullK4), acc,
                       e.range(4, e.idx(0), e.idx(p.k % 4)));
          for (int64_t r = 0; r < mr; ++r) {
            Value row = e.add(row0, e.idx(r));
            e.ifThen(e.lt(row, e.idx(p.rows)), [&] {
              for (int64_t j = 0; j < nv; ++j) {
                Value col = e.add(col0, e.idx(16 * j));
                Value mask = e.mask(e.sub(e.idx(p.n), col));
                Value f = arith::SIToFPOp::create(b, loc, e.vec(), acc[r * nv + j]);
                f = e.fma(f, e.vload(a[3], {col}), e.vload(a[4], {col}));
                finishInt8(e, epi, int8Operands, f, row, col, out,
                           {{{row, col}, mask}});
              }
            });
          }
        });
        return success();
      },
      error);
  if (failed(info))
    return failure();
  result.stages.push_back({*info, std::move(args)});
  return result;
}
