//===- TemplateSpecs.cpp - What each CUDA template reads of an op ---------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/cuda/TemplateSpecs.h"
#include "codegen/cuda/CudaTarget.h"
#include "codegen/cuda/GemmSm80.h"
#include "codegen/cuda/GemmSm90.h"
#include "codegen/cuda/Sm90Pipeline.h"

#include "codegen/core/StridedView.h"
#include "ir/ConstantView.h"
#include "ir/QuantUtils.h"

#include "llvm/ADT/APFloat.h"

#include <cstring>

using namespace mlir;
using namespace mlir::infer;
using namespace mlir::infer::cudaspec;

namespace mlir::infer::cudaspec {

bool smallInt8Sums(Value b, int64_t k, int64_t n, bool nk) {
  ConstantOp c = constantOf(b);
  std::optional<ConstantView> t = c ? ConstantView::get(c.getValue()) : std::nullopt;
  if (!t || t->size() != k * n)
    return false;
  std::vector<char> storage;
  return smallInt8Sums(t->allBytes(storage), k, n, nk);
}

bool smallInt8Sums(ArrayRef<char> bytes, int64_t k, int64_t n, bool nk) {
  if (static_cast<int64_t>(bytes.size()) != k * n)
    return false;
  std::vector<int64_t> sums(n, 0);
  for (int64_t kk = 0; kk < k; ++kk)
    for (int64_t nn = 0; nn < n; ++nn)
      sums[nn] += std::abs(static_cast<int64_t>(
          static_cast<int8_t>(bytes[nk ? nn * k + kk : kk * n + nn])));
  return 128 * *llvm::max_element(sums) < (int64_t(1) << 22);
}


} // namespace mlir::infer::cudaspec

namespace {
/// The bits of `value` as one element of type `et` (floats rounded to
/// nearest, integers of 8 bits or more truncated).
std::optional<uint64_t> elementBits(Type et, double value) {
  if (auto ft = llvm::dyn_cast<FloatType>(et)) {
    llvm::APFloat f(value);
    bool lost = false;
    f.convert(ft.getFloatSemantics(), llvm::APFloat::rmNearestTiesToEven, &lost);
    return f.bitcastToAPInt().getZExtValue();
  }
  if (auto it = llvm::dyn_cast<IntegerType>(et); it && it.getWidth() >= 8) {
    uint64_t bits = static_cast<uint64_t>(static_cast<int64_t>(value));
    if (it.getWidth() < 64)
      bits &= (uint64_t(1) << it.getWidth()) - 1;
    return bits;
  }
  return std::nullopt;
}

/// The value an elementwise chain starts from: an operand of its first op
/// with the result's type that comes from outside the group (`body`).
Value chainStart(ArrayRef<Operation *> body) {
  Operation *first = body.front();
  for (Value v : first->getOperands())
    if (v.getType() == first->getResult(0).getType() && !v.getDefiningOp<ConstantOp>() &&
        !llvm::is_contained(body, v.getDefiningOp()))
      return v;
  return {};
}

/// `spec` (its sources already in `tk`'s inputs) applying the epilogue
/// steps of `chain` to `start` on the way.
std::optional<ConcatRowsSpec> withMap(ConcatRowsSpec spec, Value start,
                                      ArrayRef<Operation *> chain, TemplateKernel &tk) {
  RankedTensorType t = typeOf(start);
  Type et = t.getElementType();
  if (chain.empty() || !(et.isF16() || et.isBF16() || et.isF32()))
    return std::nullopt;
  GemmSpec map;
  map.elem = map.out = et;
  map.n = t.getShape().back();
  map.m = t.getNumElements() / std::max<int64_t>(map.n, 1);
  if (failed(classify(start, chain, map.n, tk, map)))
    return std::nullopt;
  map.numArgs = tk.inputs.size() + 1;
  spec.map = std::move(map);
  if (!concatRowsApplies(spec))
    return std::nullopt;
  return spec;
}
} // namespace

namespace mlir::infer::cudaspec {

std::optional<GatherRowsSpec> gatherSpec(GatherOp g) {
  RankedTensorType in = typeOf(g.getInput()), idx = typeOf(g.getIndices());
  if (!in.hasStaticShape() || !idx.hasStaticShape() ||
      !typeOf(g.getOutput()).hasStaticShape() || in.getRank() == 0)
    return std::nullopt;
  Type et = in.getElementType();
  if (!et.isIntOrFloat() || et.getIntOrFloatBitWidth() % 8 != 0)
    return std::nullopt;
  int64_t axis = g.getAxis();
  if (axis < 0)
    axis += in.getRank();
  GatherRowsSpec spec;
  for (int64_t i = 0; i < in.getRank(); ++i)
    (i < axis ? spec.outer : i > axis ? spec.inner : spec.rows) *= in.getDimSize(i);
  spec.count = idx.getNumElements();
  spec.elemBytes = et.getIntOrFloatBitWidth() / 8;
  spec.indexBits = idx.getElementType().getIntOrFloatBitWidth();
  if (!gatherRowsApplies(spec))
    return std::nullopt;
  return spec;
}

std::optional<GatherRowsSpec> im2colSpec(Im2ColOp op) {
  RankedTensorType in = typeOf(op.getInput()), out = typeOf(op.getOutput());
  // Quantized values move as their stored integers.
  Type et = in.getElementType();
  if (auto q = llvm::dyn_cast<quant::QuantizedType>(et))
    et = q.getStorageType();
  if (!in.hasStaticShape() || !out.hasStaticShape() || !et.isIntOrFloat() ||
      et.getIntOrFloatBitWidth() % 8 != 0 || in.getNumElements() >= (int64_t(1) << 31))
    return std::nullopt;
  GatherRowsSpec spec;
  spec.outer = in.getDimSize(0);
  spec.rows = in.getDimSize(1) * in.getDimSize(2);
  spec.inner = in.getDimSize(3);
  spec.count = out.getDimSize(0) / std::max<int64_t>(spec.outer, 1) *
               op.getKernel()[0] * op.getKernel()[1];
  spec.elemBytes = et.getIntOrFloatBitWidth() / 8;
  spec.indexBits = 32;
  spec.fillBits = 0;
  if (spec.outer == 0 || !gatherRowsApplies(spec))
    return std::nullopt;
  return spec;
}

std::vector<char> im2colIndexBytes(Im2ColOp op) {
  ArrayRef<int64_t> s = typeOf(op.getInput()).getShape();
  int64_t h = s[1], w = s[2], kh = op.getKernel()[0], kw = op.getKernel()[1];
  ArrayRef<int64_t> st = op.getStrides(), pads = op.getPads(), dil = op.getDilations();
  int64_t ho = op.getOutputSize(0), wo = op.getOutputSize(1);
  std::vector<char> bytes;
  bytes.reserve(ho * wo * kh * kw * 4);
  for (int64_t oy = 0; oy < ho; ++oy)
    for (int64_t ox = 0; ox < wo; ++ox)
      for (int64_t r = 0; r < kh; ++r)
        for (int64_t t = 0; t < kw; ++t) {
          int64_t iy = oy * st[0] + r * dil[0] - pads[0];
          int64_t ix = ox * st[1] + t * dil[1] - pads[1];
          int32_t v = iy >= 0 && iy < h && ix >= 0 && ix < w
                          ? static_cast<int32_t>(iy * w + ix)
                          : -1;
          const char *p = reinterpret_cast<const char *>(&v);
          bytes.insert(bytes.end(), p, p + 4);
        }
  return bytes;
}

std::optional<PadRowsSpec> padSpec(PadOp p) {
  RankedTensorType in = typeOf(p.getInput());
  if (p.getMode() != PadMode::constant || !in.hasStaticShape() || in.getRank() < 2)
    return std::nullopt;
  Type et = in.getElementType();
  PadRowsSpec spec;
  spec.shape.assign(in.getShape().begin(), in.getShape().end());
  ArrayRef<int64_t> pads = p.getPads();
  spec.before.assign(pads.begin(), pads.begin() + in.getRank());
  spec.after.assign(pads.begin() + in.getRank(), pads.end());
  std::optional<uint64_t> bits = elementBits(et, p.getValue().convertToDouble());
  if (!bits)
    return std::nullopt;
  spec.valueBits = *bits;
  spec.elemBytes = et.getIntOrFloatBitWidth() / 8;
  if (!padRowsApplies(spec))
    return std::nullopt;
  return spec;
}

std::optional<TransposeChannelsSpec> transposeSpec(TransposeOp op) {
  RankedTensorType in = typeOf(op.getInput());
  ArrayRef<int64_t> perm = op.getPerm();
  // Quantized values move as their stored integers.
  Type et = in.getElementType();
  if (auto q = llvm::dyn_cast<quant::QuantizedType>(et))
    et = q.getStorageType();
  if (!in.hasStaticShape() || in.getRank() != 4 || !et.isIntOrFloat() ||
      et.getIntOrFloatBitWidth() % 8 != 0)
    return std::nullopt;
  TransposeChannelsSpec spec;
  ArrayRef<int64_t> s = in.getShape();
  spec.batch = s[0];
  spec.elemBytes = et.getIntOrFloatBitWidth() / 8;
  if (perm == ArrayRef<int64_t>{0, 2, 3, 1}) {
    spec.channels = s[1];
    spec.pixels = s[2] * s[3];
  } else if (perm == ArrayRef<int64_t>{0, 3, 1, 2}) {
    spec.toChannelsLast = false;
    spec.channels = s[3];
    spec.pixels = s[1] * s[2];
  } else {
    return std::nullopt;
  }
  if (!transposeChannelsApplies(spec))
    return std::nullopt;
  return spec;
}

std::optional<RowNormSpec> rowSpec(Operation *op) {
  std::optional<RowNormSpec> spec = rowNormOf(op);
  if (!spec || !rowNormApplies(*spec))
    return std::nullopt;
  return spec;
}

std::optional<RowReduceSpec> rowReduceSpec(GlobalPoolOp op) {
  RankedTensorType in = typeOf(op.getInput()), out = typeOf(op.getOutput());
  if (!in.hasStaticShape() || in.getRank() < 3 ||
      in.getElementType() != out.getElementType() ||
      (op.getKind() != PoolKind::avg && op.getKind() != PoolKind::max))
    return std::nullopt;
  RowReduceSpec spec;
  spec.kind = op.getKind() == PoolKind::avg ? RowReduceSpec::Kind::Mean
                                            : RowReduceSpec::Kind::Max;
  spec.elem = in.getElementType();
  spec.rows = in.getDimSize(0) * in.getDimSize(1);
  spec.length = in.getNumElements() / std::max<int64_t>(spec.rows, 1);
  if (spec.rows == 0 || !rowReduceApplies(spec))
    return std::nullopt;
  return spec;
}

std::optional<RowReduceSpec> rowReduceSpec(ReduceOp op) {
  RankedTensorType in = typeOf(op.getInput()), out = typeOf(op.getOutput());
  if (!in.hasStaticShape() || in.getRank() < 1 ||
      in.getElementType() != out.getElementType())
    return std::nullopt;
  RowReduceSpec spec;
  switch (op.getKind()) {
  case ReduceKind::mean: spec.kind = RowReduceSpec::Kind::Mean; break;
  case ReduceKind::max: spec.kind = RowReduceSpec::Kind::Max; break;
  case ReduceKind::sum: spec.kind = RowReduceSpec::Kind::Sum; break;
  default: return std::nullopt;
  }
  SmallVector<int64_t> axes(op.getAxes());
  if (axes.empty())
    for (int64_t i = 0; i < in.getRank(); ++i)
      axes.push_back(i);
  for (size_t i = 1; i < axes.size(); ++i)
    if (axes[i] != axes[i - 1] + 1)
      return std::nullopt;
  spec.elem = in.getElementType();
  spec.rows = spec.length = spec.inner = 1;
  for (int64_t i = 0; i < in.getRank(); ++i)
    (i < axes.front() ? spec.rows : i > axes.back() ? spec.inner : spec.length) *=
        in.getDimSize(i);
  if (in.getNumElements() == 0 || !rowReduceApplies(spec))
    return std::nullopt;
  return spec;
}

std::optional<ConcatRowsSpec> concatSpec(ConcatOp op) {
  RankedTensorType out = typeOf(op.getOutput());
  Type et = out.getElementType();
  if (!out.hasStaticShape() || out.getRank() == 0 || !et.isIntOrFloat() ||
      et.getIntOrFloatBitWidth() % 8 != 0)
    return std::nullopt;
  int64_t axis = op.getAxis();
  if (axis < 0)
    axis += out.getRank();
  ConcatRowsSpec spec;
  int64_t inner = 1;
  for (int64_t i = 0; i < out.getRank(); ++i) {
    if (i < axis)
      spec.outer *= out.getDimSize(i);
    else if (i > axis)
      inner *= out.getDimSize(i);
  }
  for (Value v : op.getInputs()) {
    RankedTensorType t = typeOf(v);
    if (!t.hasStaticShape() || t.getElementType() != et)
      return std::nullopt;
    spec.spanBytes.push_back(t.getDimSize(axis) * inner * (et.getIntOrFloatBitWidth() / 8));
  }
  if (!concatRowsApplies(spec))
    return std::nullopt;
  return spec;
}


std::optional<ConcatRowsSpec> concatMapSpec(ConcatOp c, Value start,
                                            ArrayRef<Operation *> chain,
                                            TemplateKernel &tk) {
  std::optional<ConcatRowsSpec> spec = concatSpec(c);
  int64_t rank = typeOf(c.getOutput()).getRank();
  if (!spec || (c.getAxis() != rank - 1 && c.getAxis() != -1))
    return std::nullopt;
  for (Value v : c.getInputs())
    tk.inputs.push_back({v, {}});
  return withMap(*spec, start, chain, tk);
}

std::optional<ConcatRowsSpec> mapRowsSpec(ArrayRef<Operation *> body,
                                          TemplateKernel &tk) {
  if (body.empty())
    return std::nullopt;
  if (auto c = llvm::dyn_cast<ConcatOp>(body.front())) {
    if (!c.getOutput().hasOneUse())
      return std::nullopt;
    return concatMapSpec(c, c.getOutput(), body.drop_front(), tk);
  }
  Value start = chainStart(body);
  if (!start)
    return std::nullopt;
  RankedTensorType t = typeOf(start);
  if (!t.hasStaticShape() || t.getRank() < 1 || !t.getElementType().isIntOrFloat())
    return std::nullopt;
  ConcatRowsSpec spec;
  int64_t last = t.getShape().back();
  spec.outer = t.getNumElements() / std::max<int64_t>(last, 1);
  spec.spanBytes = {last * (t.getElementType().getIntOrFloatBitWidth() / 8)};
  tk.inputs.push_back({start, {}});
  return withMap(spec, start, body, tk);
}

SmallVector<Operation *> withoutConstants(Block &block) {
  SmallVector<Operation *> ops;
  for (Operation &op : block.without_terminator())
    if (!llvm::isa<ConstantOp>(op))
      ops.push_back(&op);
  return ops;
}

std::optional<ViewCopySpec> viewCopySpec(ArrayRef<Operation *> chain) {
  if (chain.empty() || !llvm::all_of(chain, isViewOp))
    return std::nullopt;
  RankedTensorType in = typeOf(chain.front()->getOperand(0));
  Type et = in.getElementType();
  if (!in.hasStaticShape() || !et.isIntOrFloat() || et.getIntOrFloatBitWidth() % 8 != 0 ||
      !typeOf(chain.back()->getResult(0)).hasStaticShape())
    return std::nullopt;
  FailureOr<StridedView> view =
      viewThrough(StridedView::contiguous(in.getShape()), chain);
  if (failed(view))
    return std::nullopt;
  ViewCopySpec spec;
  spec.offset = view->offset;
  spec.sizes = view->sizes;
  spec.strides = view->strides;
  spec.sourceElements = in.getNumElements();
  spec.elemBytes = et.getIntOrFloatBitWidth() / 8;
  if (!viewCopyApplies(spec))
    return std::nullopt;
  return spec;
}

std::optional<MaxPoolSpec> maxPoolSpec(PoolOp op) {
  RankedTensorType x = typeOf(op.getInput()), y = typeOf(op.getOutput());
  if (op.getKind() != PoolKind::max || !op.getChannelsLast() || x.getRank() != 4 ||
      !x.hasStaticShape() || !y.hasStaticShape() || x.getElementType() != y.getElementType())
    return std::nullopt;
  MaxPoolSpec spec;
  spec.elem = x.getElementType();
  // int8 values of one scale (and zero point): their maximum is that of
  // what they stand for.
  if (auto q = llvm::dyn_cast<quant::UniformQuantizedType>(spec.elem)) {
    if (!q.isSigned() || q.getStorageTypeIntegralWidth() != 8)
      return std::nullopt;
    spec.elem = q.getStorageType();
  }
  spec.n = x.getDimSize(0);
  spec.h = x.getDimSize(1);
  spec.w = x.getDimSize(2);
  spec.c = x.getDimSize(3);
  spec.ho = y.getDimSize(1);
  spec.wo = y.getDimSize(2);
  if (y.getDimSize(0) != spec.n || y.getDimSize(3) != spec.c || op.getKernel().size() != 2)
    return std::nullopt;
  spec.kh = op.getKernel()[0];
  spec.kw = op.getKernel()[1];
  spec.strideH = op.getStrides()[0];
  spec.strideW = op.getStrides()[1];
  spec.padTop = op.getPads()[0];
  spec.padLeft = op.getPads()[1];
  spec.dilH = op.getDilations()[0];
  spec.dilW = op.getDilations()[1];
  if (!maxPoolUnsupported(spec).empty())
    return std::nullopt;
  return spec;
}

std::optional<DepthwiseSpec> depthwiseSpec(ConvOp op) {
  RankedTensorType x = typeOf(op.getInput()), w = typeOf(op.getWeight()),
                   y = typeOf(op.getOutput());
  if (!op.getChannelsLast() || x.getRank() != 4 || !x.hasStaticShape() ||
      !y.hasStaticShape() || !w.hasStaticShape() || !constantOf(op.getWeight()))
    return std::nullopt;
  DepthwiseSpec spec;
  spec.n = x.getDimSize(0);
  spec.h = x.getDimSize(1);
  spec.w = x.getDimSize(2);
  spec.c = x.getDimSize(3);
  spec.ho = y.getDimSize(1);
  spec.wo = y.getDimSize(2);
  if (op.getGroup() != spec.c || y.getDimSize(3) != spec.c || w.getDimSize(0) != spec.c ||
      w.getDimSize(1) != 1)
    return std::nullopt;
  spec.kh = w.getDimSize(2);
  spec.kw = w.getDimSize(3);
  spec.strideH = op.getStrides()[0];
  spec.strideW = op.getStrides()[1];
  spec.padTop = op.getPads()[0];
  spec.padLeft = op.getPads()[1];
  spec.dilH = op.getDilations()[0];
  spec.dilW = op.getDilations()[1];
  spec.out.elem = spec.out.out = x.getElementType();
  spec.out.m = spec.n * spec.ho * spec.wo;
  spec.out.n = spec.c;
  if (y.getElementType() != x.getElementType() ||
      w.getElementType() != x.getElementType() ||
      (op.getBias() && typeOf(op.getBias()).getElementType() != x.getElementType()) ||
      !depthwiseUnsupported(spec).empty())
    return std::nullopt;
  return spec;
}

FailureOr<std::vector<char>> depthwiseWeightBytes(Value v, const DepthwiseSpec &spec) {
  std::optional<ConstantView> t = ConstantView::get(constantOf(v).getValue());
  int64_t taps = spec.kh * spec.kw;
  unsigned eb = bytesOf(spec.out.elem);
  if (!t || t->size() != spec.c * taps)
    return failure();
  std::vector<char> storage;
  ArrayRef<char> bytes = t->allBytes(storage);
  if (static_cast<int64_t>(bytes.size()) != spec.c * taps * eb)
    return failure();
  std::vector<char> out(bytes.size());
  for (int64_t c = 0; c < spec.c; ++c)
    for (int64_t k = 0; k < taps; ++k)
      std::memcpy(&out[(k * spec.c + c) * eb], &bytes[(c * taps + k) * eb], eb);
  return out;
}

std::string gemmTileMismatch(GemmSpec &spec, CudaGemmTileAttr tile,
                             const CudaTarget &target) {
  bool mmaSp = tile.getKernel() == CudaGemmKernel::mma_sp;
  bool sparseKernel = tile.getKernel() == CudaGemmKernel::wgmma_sp || mmaSp;
  bool wgmma = tile.getKernel() == CudaGemmKernel::wgmma ||
               tile.getKernel() == CudaGemmKernel::wgmma_sp;
  if (wgmma && target.arch != "sm_90a")
    return "wgmma needs sm_90a, the target is " + target.arch;
  if (sparseKernel != spec.sparse)
    return spec.sparse ? "a 2:4 weight runs on the wgmma_sp or mma_sp kernel"
                       : "wgmma_sp and mma_sp need a 2:4 weight (infer.sparse24)";
  // 128-byte rows, or 64-byte ones for int8 (bk 64).
  if (wgmma && tile.getBk() * bytesOf(spec.elem) != 128 &&
      !(bytesOf(spec.elem) == 1 && tile.getBk() == 64))
    return "a wgmma stage reads 128-byte rows: bk " +
           std::to_string(128 / bytesOf(spec.elem)) + " for " +
           (spec.elem.isF32() ? "f32 (TF32)" : bytesOf(spec.elem) == 1 ? "int8 and fp8 (or 64)" : "16-bit") +
           " operands";
  if (wgmma)
    spec.rowBytes = tile.getBk() * bytesOf(spec.elem);
  if (!wgmma && target.capability < 80)
    return "mma_sync needs sm_80 or later, the target is " + target.arch;
  if (tile.getKernel() == CudaGemmKernel::mma_sync && tile.getBk() * bytesOf(spec.elem) != 64)
    return "an mma_sync stage reads 64-byte rows: bk " +
           std::to_string(64 / bytesOf(spec.elem)) + " for these operands";
  if (spec.sparse) {
    spec.bm = tile.getBm();
    spec.bn = tile.getBn();
    spec.stages = tile.getStages();
    spec.splitK = 1;
    return mmaSp ? gemmSm80SparseUnsupported(spec) : gemmSm90SparseUnsupported(spec);
  }
  spec.bm = tile.getBm();
  spec.bn = tile.getBn();
  spec.stages = tile.getStages();
  spec.splitK = tile.getSplitK();
  int64_t kTiles = wgmma ? sm90KTiles(spec) : ceilDiv(spec.k, tile.getBk());
  int64_t per = ceilDiv(kTiles, spec.splitK);
  if (spec.splitK > 1 && (spec.splitK - 1) * per >= kTiles)
    return "split_k " + std::to_string(spec.splitK) +
           " leaves a split without k tiles (K has " + std::to_string(kTiles) + ")";
  std::string why = wgmma ? gemmSm90Unsupported(spec) : gemmSm80Unsupported(spec);
  return why;
}

} // namespace mlir::infer::cudaspec
