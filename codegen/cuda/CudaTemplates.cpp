//===- CudaTemplates.cpp - CUDA kernels for the anchor ops ----------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// For each template family, one function that reads what an op needs of
// its kernel (a spec, or none when the template cannot take the op); the
// select-config pass writes a tile for the ops that have one, and the
// build follows the tile. A tile on an op its template cannot take is an
// error, not a crash.
//
//===----------------------------------------------------------------------===//

#include "codegen/cuda/CudaTemplates.h"
#include "codegen/cuda/ConcatRows.h"
#include "codegen/cuda/CudaTarget.h"
#include "codegen/cuda/DepthwiseConv.h"
#include "codegen/cuda/GatherRows.h"
#include "codegen/cuda/GemmSm80.h"
#include "codegen/cuda/GemmSm90.h"
#include "codegen/cuda/PadRows.h"
#include "codegen/cuda/RowNorm.h"
#include "codegen/cuda/RowReduce.h"
#include "codegen/cuda/TransposeChannels.h"
#include "codegen/cuda/ViewCopy.h"

#include "codegen/core/StridedView.h"

#include "ir/ConstantView.h"
#include "ir/InferOps.h"
#include "transforms/Passes.h"

#include "mlir/IR/IRMapping.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>

using namespace mlir;
using namespace mlir::infer;

namespace {
using Result = std::optional<TemplateKernel>;

/// Block size of the data-movement and row kernels.
constexpr int64_t kDefaultThreads = 256;

/// The SMs of the GPUs the heuristics size waves for (H100 / H200 SXM).
constexpr int64_t kSmCount = 132;

RankedTensorType typeOf(Value v) { return llvm::cast<RankedTensorType>(v.getType()); }

ConstantOp constantOf(Value v) { return outerValue(v).getDefiningOp<ConstantOp>(); }


/// A constant [K][N] matrix of `eb`-byte floats as [N][K], from its own
/// bytes.
FailureOr<std::vector<char>> transposedBytes(Value v, int64_t k, int64_t n,
                                             unsigned eb) {
  std::optional<ConstantView> t = ConstantView::get(constantOf(v).getValue());
  if (!t || t->size() != k * n)
    return failure();
  std::vector<char> storage;
  ArrayRef<char> bytes = t->allBytes(storage);
  if (static_cast<int64_t>(bytes.size()) != k * n * eb)
    return failure();
  std::vector<char> out(static_cast<size_t>(k * n) * eb);
  for (int64_t kk = 0; kk < k; ++kk)
    for (int64_t nn = 0; nn < n; ++nn)
      std::memcpy(&out[(nn * k + kk) * eb], &bytes[(kk * n + nn) * eb], eb);
  if (eb == 4) {
    // TF32 reads the top 19 bits of each float (truncating): rounded to
    // nearest here, the weights carry no bias that would compound over
    // layers.
    for (size_t i = 0; i < out.size(); i += 4) {
      uint32_t bits;
      std::memcpy(&bits, &out[i], 4);
      if ((bits & 0x7F800000u) != 0x7F800000u) // not Inf or NaN
        bits = (bits + 0xFFFu + ((bits >> 13) & 1u)) & ~0x1FFFu;
      std::memcpy(&out[i], &bits, 4);
    }
  }
  return out;
}

/// Maps the ops after the anchor to GEMM epilogue steps; fails when one
/// cannot run on the accumulators (the group then takes the generic path).
LogicalResult classify(Value chain, ArrayRef<Operation *> ops, int64_t n,
                       TemplateKernel &tk, GemmSpec &spec) {
  RankedTensorType out = typeOf(chain);
  for (Operation *op : ops) {
    if (op->getNumResults() != 1 || op->getResult(0).getType() != out)
      return failure();
    if (auto u = llvm::dyn_cast<UnaryOp>(op)) {
      if (u.getInput() != chain)
        return failure();
      if (u.getKind() == UnaryKind::relu) {
        spec.epilogue.push_back({GemmEpilogueOp::Kind::Relu});
      } else if (u.getKind() == UnaryKind::gelu) {
        spec.epilogue.push_back({GemmEpilogueOp::Kind::Gelu});
      } else if (u.getKind() == UnaryKind::silu) {
        spec.epilogue.push_back({GemmEpilogueOp::Kind::Silu});
      } else if (u.getKind() == UnaryKind::sigmoid) {
        spec.epilogue.push_back({GemmEpilogueOp::Kind::Sigmoid});
      } else if (u.getKind() == UnaryKind::clip && u.getAlpha() && u.getBeta()) {
        GemmEpilogueOp e{GemmEpilogueOp::Kind::Clip};
        e.lo = u.getAlpha()->convertToFloat();
        e.hi = u.getBeta()->convertToFloat();
        spec.epilogue.push_back(e);
      } else {
        return failure();
      }
    } else if (auto bin = llvm::dyn_cast<BinaryOp>(op)) {
      bool mul = bin.getKind() == BinaryKind::mul;
      if (bin.getKind() != BinaryKind::add && !mul)
        return failure();
      Value other = bin.getLhs() == chain ? bin.getRhs() : bin.getLhs();
      if (other == chain || (bin.getLhs() != chain && bin.getRhs() != chain) ||
          typeOf(other).getElementType() != out.getElementType())
        return failure();
      ArrayRef<int64_t> s = typeOf(other).getShape();
      bool column = typeOf(other).getNumElements() == n && !s.empty() && s.back() == n;
      GemmEpilogueOp e;
      if (mul && column) // a per-channel scale (ConvNeXt's layer scale)
        e.kind = GemmEpilogueOp::Kind::ScaleColumn;
      else if (!mul && s == out.getShape())
        e.kind = GemmEpilogueOp::Kind::Residual;
      else if (!mul && column)
        e.kind = GemmEpilogueOp::Kind::BiasColumn;
      else
        return failure();
      e.arg = static_cast<int>(tk.inputs.size());
      tk.inputs.push_back({other, {}});
      spec.epilogue.push_back(e);
    } else {
      return failure();
    }
    chain = op->getResult(0);
  }
  return success();
}

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

/// The im2col rows as a row gather of the image's pixels ([N, H*W, C])
/// with a compile-time table of pixel indices, -1 (the fill, 0) for taps
/// in the padding.
std::optional<GatherRowsSpec> im2colSpec(Im2ColOp op) {
  RankedTensorType in = typeOf(op.getInput()), out = typeOf(op.getOutput());
  Type et = in.getElementType();
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

/// The pixel index (into [H*W]) of every tap of every output pixel of one
/// image, -1 in the padding, as 32-bit integers.
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

/// NCHW <-> NHWC (perm [0, 2, 3, 1] or [0, 3, 1, 2]) in 16-byte channel runs.
std::optional<TransposeChannelsSpec> transposeSpec(TransposeOp op) {
  RankedTensorType in = typeOf(op.getInput());
  ArrayRef<int64_t> perm = op.getPerm();
  if (!in.hasStaticShape() || in.getRank() != 4 || !in.getElementType().isIntOrFloat() ||
      in.getElementType().getIntOrFloatBitWidth() % 8 != 0)
    return std::nullopt;
  TransposeChannelsSpec spec;
  ArrayRef<int64_t> s = in.getShape();
  spec.batch = s[0];
  spec.elemBytes = in.getElementType().getIntOrFloatBitWidth() / 8;
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

/// Softmax or layer norm over the last dimension: a warp per row.
std::optional<RowNormSpec> rowSpec(Operation *op) {
  RankedTensorType in = typeOf(op->getOperand(0));
  if (!in.hasStaticShape() || in.getRank() < 1)
    return std::nullopt;
  int64_t rank = in.getRank();
  RowNormSpec spec;
  spec.elem = in.getElementType();
  spec.length = in.getShape().back();
  spec.rows = in.getNumElements() / std::max<int64_t>(spec.length, 1);
  if (auto sm = llvm::dyn_cast<SoftmaxOp>(op)) {
    if (sm.getAxis() != rank - 1 && sm.getAxis() != -1)
      return std::nullopt;
  } else if (auto ln = llvm::dyn_cast<LayerNormOp>(op)) {
    if (ln.getAxis() != rank - 1 && ln.getAxis() != -1)
      return std::nullopt;
    spec.kind = RowNormSpec::Kind::LayerNorm;
    spec.epsilon = ln.getEpsilon().convertToFloat();
    SmallVector<Value> params{ln.getScale()};
    if (ln.getBias())
      params.push_back(ln.getBias());
    for (Value p : params) {
      RankedTensorType t = typeOf(p);
      if (t.getElementType() != spec.elem || t.getNumElements() != spec.length ||
          t.getShape().back() != spec.length)
        return std::nullopt;
    }
    spec.hasBias = ln.getBias() != nullptr;
  } else {
    return std::nullopt;
  }
  if (!rowNormApplies(spec))
    return std::nullopt;
  return spec;
}

/// A global average or max pool over the contiguous spatial elements of
/// each (image, channel): rows N*C of length H*W...
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

/// A mean, max or sum over consecutive axes: rows (the dimensions before
/// them) x length (theirs) x inner (those after), reduced over length.
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

/// A concatenation of static shapes whose every operand's run per outer
/// row is whole 16-byte chunks.
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

/// The row map of a group (body ops without constants): an elementwise
/// chain the GEMM epilogue steps express (per-channel scales and biases,
/// residual adds, activations) over floats whose rows are whole 16-byte
/// chunks, read from one value or from a concatenation along the last
/// axis that leads the group. Adds the sources and the epilogue operands
/// to `tk`'s inputs.
std::optional<ConcatRowsSpec> mapRowsSpec(ArrayRef<Operation *> body,
                                          TemplateKernel &tk) {
  if (body.empty())
    return std::nullopt;
  ConcatRowsSpec spec;
  Value start;
  ArrayRef<Operation *> chain = body;
  if (auto c = llvm::dyn_cast<ConcatOp>(body.front())) {
    std::optional<ConcatRowsSpec> cs = concatSpec(c);
    int64_t rank = typeOf(c.getOutput()).getRank();
    if (!cs || !c.getOutput().hasOneUse() ||
        (c.getAxis() != rank - 1 && c.getAxis() != -1))
      return std::nullopt;
    spec = *cs;
    start = c.getOutput();
    chain = body.drop_front();
    for (Value v : c.getInputs())
      tk.inputs.push_back({v, {}});
  } else {
    start = chainStart(body);
    if (!start)
      return std::nullopt;
    RankedTensorType t = typeOf(start);
    if (!t.hasStaticShape() || t.getRank() < 1 || !t.getElementType().isIntOrFloat())
      return std::nullopt;
    int64_t last = t.getShape().back();
    spec.outer = t.getNumElements() / std::max<int64_t>(last, 1);
    spec.spanBytes = {last * (t.getElementType().getIntOrFloatBitWidth() / 8)};
    tk.inputs.push_back({start, {}});
  }
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

SmallVector<Operation *> withoutConstants(Block &block) {
  SmallVector<Operation *> ops;
  for (Operation &op : block.without_terminator())
    if (!llvm::isa<ConstantOp>(op))
      ops.push_back(&op);
  return ops;
}

/// Moves `producer` (one result, read only by `use`) into the group of its
/// reader: into its infer.fused region, or a new one holding both when the
/// reader is alone. The group's location names the producer's nodes too.
void pullIntoGroup(Operation *producer, OpOperand &use, StringRef name) {
  MLIRContext *ctx = producer->getContext();
  Operation *reader = use.getOwner();
  auto f = llvm::dyn_cast<FusedOp>(reader);
  if (!f) {
    // A lone reader: a group of the two, over the operands of both.
    OpBuilder b(reader);
    SmallVector<Value> inputs;
    for (Value v : producer->getOperands())
      if (!llvm::is_contained(inputs, v))
        inputs.push_back(v);
    for (OpOperand &o : reader->getOpOperands())
      if (&o != &use && !llvm::is_contained(inputs, o.get()))
        inputs.push_back(o.get());
    std::string pattern = (name + "+" + reader->getName().stripDialect()).str();
    auto fused = FusedOp::create(b, FusedLoc::get(ctx, {producer->getLoc(), reader->getLoc()}),
                                 pattern, reader->getResultTypes(), inputs);
    Block &body = fused.getBody().front();
    IRMapping map;
    for (auto [v, arg] : llvm::zip(inputs, body.getArguments()))
      map.map(v, arg);
    OpBuilder inner = OpBuilder::atBlockEnd(&body);
    inner.clone(*producer, map);
    Operation *r = inner.clone(*reader, map);
    YieldOp::create(inner, reader->getLoc(), r->getResults());
    reader->replaceAllUsesWith(fused.getResults());
    reader->erase();
    producer->erase();
    return;
  }
  Block &body = f.getBody().front();
  unsigned idx = use.getOperandNumber();
  BlockArgument arg = body.getArgument(idx);
  OpBuilder b = OpBuilder::atBlockBegin(&body);
  IRMapping mapping;
  for (Value v : producer->getOperands()) {
    f->insertOperands(f->getNumOperands(), ValueRange{v});
    mapping.map(v, body.addArgument(v.getType(), producer->getLoc()));
  }
  Operation *inner = b.clone(*producer, mapping);
  arg.replaceAllUsesWith(inner->getResult(0));
  body.eraseArgument(idx);
  f->eraseOperand(idx);
  f->setLoc(FusedLoc::get(ctx, {producer->getLoc(), f.getLoc()}));
  f.setPattern((name + "+" + f.getPattern()).str());
  producer->erase();
}

/// The geometry of an im2col read through TMA (the template checks what
/// TMA allows).
std::optional<GemmIm2col> im2colGeometry(Im2ColOp op) {
  RankedTensorType in = typeOf(op.getInput()), out = typeOf(op.getOutput());
  if (!in.hasStaticShape() || !out.hasStaticShape())
    return std::nullopt;
  GemmIm2col g;
  g.n = in.getDimSize(0);
  g.h = in.getDimSize(1);
  g.w = in.getDimSize(2);
  g.c = in.getDimSize(3);
  g.kh = op.getKernel()[0];
  g.kw = op.getKernel()[1];
  g.strideH = op.getStrides()[0];
  g.strideW = op.getStrides()[1];
  g.dilH = op.getDilations()[0];
  g.dilW = op.getDilations()[1];
  g.padTop = op.getPads()[0];
  g.padLeft = op.getPads()[1];
  g.padBottom = op.getPads()[2];
  g.padRight = op.getPads()[3];
  g.ho = op.getOutputSize(0);
  g.wo = op.getOutputSize(1);
  if (g.n < 1 || g.ho < 1 || g.wo < 1 || out.getDimSize(0) != g.n * g.ho * g.wo)
    return std::nullopt;
  return g;
}

/// A concatenation read only by an elementwise group whose chain the row
/// map applies moves into that group: one kernel reads the operands and
/// writes the mapped result (DenseNet: each concatenation and the batch
/// norm and ReLU after it, one pass over the channels instead of two).
void absorbConcatsIntoMaps(func::FuncOp fn) {
  SmallVector<ConcatOp> concats;
  fn.walk([&](ConcatOp c) {
    if (!c->getParentOfType<FusedOp>())
      concats.push_back(c);
  });
  for (ConcatOp c : concats) {
    if (c->hasAttr(kInPlaceAttr) || !c.getOutput().hasOneUse())
      continue;
    OpOperand &use = *c.getOutput().getUses().begin();
    auto f = llvm::dyn_cast<FusedOp>(use.getOwner());
    if (!f || f->getNumResults() != 1)
      continue;
    Block &body = f.getBody().front();
    BlockArgument arg = body.getArgument(use.getOperandNumber());
    SmallVector<Operation *> ops = withoutConstants(body);
    if (!arg.hasOneUse() || ops.empty() || *arg.getUsers().begin() != ops.front() ||
        !llvm::all_of(ops, [](Operation *op) { return llvm::isa<UnaryOp, BinaryOp>(op); }))
      continue;
    // Try on the group as it would be: the concatenation first.
    std::optional<ConcatRowsSpec> cs = concatSpec(c);
    if (!cs || (c.getAxis() != typeOf(c.getOutput()).getRank() - 1 && c.getAxis() != -1))
      continue;
    TemplateKernel probe;
    for (Value v : c.getInputs())
      probe.inputs.push_back({v, {}});
    GemmSpec map;
    map.elem = map.out = typeOf(c.getOutput()).getElementType();
    map.n = typeOf(c.getOutput()).getShape().back();
    map.m = cs->outer;
    if (!(map.out.isF16() || map.out.isBF16() || map.out.isF32()) ||
        failed(classify(arg, ops, map.n, probe, map)))
      continue;
    map.numArgs = probe.inputs.size() + 1;
    cs->map = map;
    if (!concatRowsApplies(*cs))
      continue;
    pullIntoGroup(c, use, "concat");
  }
}

bool isViewOp(Operation *op) { return llvm::isa<TransposeOp, ReshapeOp, SliceOp>(op); }

/// The copy a chain of view ops (`chain`, first applied first) makes of
/// its first operand.
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

/// Each transpose (other than the NCHW <-> NHWC ones, which have their own
/// template) takes the single-use slices, reshapes and transposes before
/// it into one group the view copy runs in one kernel: attention's head
/// split (slice q, k or v, split the heads, move them first) is one copy
/// instead of two.
void absorbViewChains(func::FuncOp fn) {
  SmallVector<TransposeOp> transposes;
  fn.walk([&](TransposeOp t) {
    if (!t->getParentOfType<FusedOp>() && !transposeSpec(t))
      transposes.push_back(t);
  });
  for (TransposeOp t : transposes) {
    SmallVector<Operation *> chain{t};
    Value cur = t.getInput();
    while (Operation *def = cur.getDefiningOp()) {
      if (!isViewOp(def) || def->getParentOfType<FusedOp>() || !cur.hasOneUse())
        break;
      chain.push_back(def);
      cur = def->getOperand(0);
    }
    std::reverse(chain.begin(), chain.end());
    if (chain.size() < 2 || !viewCopySpec(chain))
      continue;
    // Pull the producers in, the transpose's first.
    Operation *reader = t;
    for (size_t i = chain.size() - 1; i > 0; --i) {
      Operation *producer = chain[i - 1];
      OpOperand &use = *producer->getResult(0).getUses().begin();
      StringRef name = producer->getName().stripDialect();
      pullIntoGroup(producer, use, name);
      reader = use.getOwner();
      (void)reader;
    }
  }
}

/// A channels-last depthwise 2-D convolution of 16-bit floats with a
/// constant weight.
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

/// A depthwise weight [C][1][kh][kw] as [kh][kw][C], from its own bytes.
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

/// The operands and shape of a matmul / gemm for the tensor-core GEMM, or
/// none when its operands rule the template out.
struct GemmOperands {
  Value a, b, bias;
  GemmSpec spec;
};

std::optional<GemmOperands> gemmOperands(Operation *anchor) {
  GemmOperands g;
  if (auto mm = llvm::dyn_cast<MatMulOp>(anchor)) {
    g.a = mm.getLhs();
    g.b = mm.getRhs();
    if (typeOf(g.a).getRank() < 2 || typeOf(g.b).getRank() != 2)
      return std::nullopt;
  } else if (auto gemm = llvm::dyn_cast<GemmOp>(anchor)) {
    g.a = gemm.getA();
    g.b = gemm.getB();
    if (gemm.getTransA() || gemm.getAlpha().convertToFloat() != 1.0f ||
        (gemm.getC() && gemm.getBeta().convertToFloat() != 1.0f))
      return std::nullopt;
    g.spec.bKMajor = gemm.getTransB();
    g.bias = gemm.getC();
  } else {
    return std::nullopt;
  }
  RankedTensorType at = typeOf(g.a), bt = typeOf(g.b), ct = typeOf(anchor->getResult(0));
  // Rows of a convolution computed in the same group: the kernel reads
  // them from the image (implicit GEMM).
  if (auto i = g.a.getDefiningOp<Im2ColOp>(); i && llvm::isa<FusedOp>(i->getParentOp())) {
    g.spec.im2col = im2colGeometry(i);
    if (!g.spec.im2col)
      return std::nullopt;
    g.a = i.getInput();
  }
  if (!at.hasStaticShape() || !bt.hasStaticShape() ||
      at.getElementType() != bt.getElementType() ||
      ct.getElementType() != at.getElementType())
    return std::nullopt;
  GemmSpec &spec = g.spec;
  spec.elem = at.getElementType();
  spec.out = ct.getElementType();
  spec.k = at.getShape().back();
  spec.m = at.getNumElements() / std::max<int64_t>(spec.k, 1);
  spec.n = spec.bKMajor ? bt.getShape()[0] : bt.getShape()[1];
  if (g.bias && (typeOf(g.bias).getElementType() != spec.out ||
                 typeOf(g.bias).getNumElements() != spec.n ||
                 typeOf(g.bias).getShape().back() != spec.n))
    return std::nullopt;
  // A [K,N] operand is stored transposed when constant (below); otherwise
  // the kernel reads it as it is.
  if (!spec.bKMajor && constantOf(g.b) &&
      (spec.elem.isF16() || spec.elem.isBF16() || spec.elem.isF32()))
    spec.bKMajor = true;
  return g;
}

/// What `tile` cannot do with `spec`'s GEMM ("" when it can).
std::string gemmTileMismatch(GemmSpec &spec, CudaGemmTileAttr tile,
                             const CudaTarget &target) {
  bool wgmma = tile.getKernel() == CudaGemmKernel::wgmma;
  if (wgmma && target.arch != "sm_90a")
    return "wgmma needs sm_90a, the target is " + target.arch;
  if (wgmma && tile.getBk() * bytesOf(spec.elem) != 128)
    return "a wgmma stage reads 128-byte rows: bk " +
           std::to_string(128 / bytesOf(spec.elem)) + " for " +
           (spec.elem.isF32() ? "f32 (TF32)" : "16-bit") + " operands";
  if (!wgmma && target.capability < 80)
    return "mma_sync needs sm_80 or later, the target is " + target.arch;
  spec.bn = tile.getBn();
  spec.stages = tile.getStages();
  spec.splitK = tile.getSplitK();
  int64_t kTiles = ceilDiv(spec.k, tile.getBk());
  int64_t per = ceilDiv(kTiles, spec.splitK);
  if (spec.splitK > 1 && (spec.splitK - 1) * per >= kTiles)
    return "split_k " + std::to_string(spec.splitK) +
           " leaves a split without k tiles (K has " + std::to_string(kTiles) + ")";
  std::string why = wgmma ? gemmSm90Unsupported(spec) : gemmSm80Unsupported(spec);
  return why;
}

/// An im2col read only as the rows of a product the wgmma GEMM takes moves
/// into the product's group, where the GEMM reads the image through TMA's
/// im2col mode: the rows are never written (DenseNet's 3x3 convolutions
/// read 9x their input's bytes through the row matrix otherwise).
void absorbIm2colsIntoGemms(func::FuncOp fn) {
  SmallVector<Im2ColOp> ops;
  fn.walk([&](Im2ColOp i) {
    if (!i->getParentOfType<FusedOp>())
      ops.push_back(i);
  });
  for (Im2ColOp i : ops) {
    if (!i.getOutput().hasOneUse())
      continue;
    OpOperand &use = *i.getOutput().getUses().begin();
    Operation *product = use.getOwner();
    if (auto f = llvm::dyn_cast<FusedOp>(product)) {
      // The group's product must read the rows as its left operand.
      BlockArgument arg = f.getBody().front().getArgument(use.getOperandNumber());
      if (!arg.hasOneUse())
        continue;
      product = *arg.getUsers().begin();
      if (!llvm::isa<MatMulOp, GemmOp>(product) || product->getOperand(0) != arg)
        continue;
    } else if (!llvm::isa<MatMulOp, GemmOp>(product) || use.getOperandNumber() != 0) {
      continue;
    }
    // What the GEMM would see with the im2col in its group.
    std::optional<GemmOperands> g = gemmOperands(product);
    std::optional<GemmIm2col> geometry = im2colGeometry(i);
    if (!g || !geometry || !g->spec.bKMajor ||
        (g->spec.elem.isF32() && !InferDialect::allowsTf32(product)))
      continue;
    GemmSpec spec = g->spec;
    spec.im2col = geometry;
    spec.bn = 128;
    if (!gemmSm90Unsupported(spec).empty())
      continue;
    pullIntoGroup(i, use, "im2col");
  }
}

CudaTileAttr rowTile(MLIRContext *ctx, CudaKernel kernel) {
  return CudaTileAttr::get(ctx, kernel, kDefaultThreads);
}

std::string describe(Attribute tile, Operation *op, StringRef why) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "the tile " << tile << " does not fit " << op->getName();
  if (!why.empty())
    os << ": " << why;
  return s;
}
} // namespace

void mlir::infer::selectCudaConfigs(func::FuncOp fn, const CudaTarget &target) {
  MLIRContext *ctx = fn.getContext();
  StringRef name = InferDialect::getTileAttrName();
  absorbConcatsIntoMaps(fn);
  if (target.arch == "sm_90a")
    absorbIm2colsIntoGemms(fn);
  absorbViewChains(fn);
  fn.walk([&](FusedOp f) {
    SmallVector<Operation *> ops = withoutConstants(f.getBody().front());
    if (!ops.empty() && !ops.front()->hasAttr(name) && llvm::all_of(ops, isViewOp) &&
        viewCopySpec(ops))
      ops.front()->setAttr(name, rowTile(ctx, CudaKernel::view_copy));
  });
  fn.walk([&](Operation *op) {
    // Elementwise groups (and lone elementwise ops) the row map takes: the
    // tile goes on their first op.
    if (llvm::isa<FusedOp, UnaryOp, BinaryOp>(op) && !op->getParentOfType<FusedOp>()) {
      SmallVector<Operation *> ops;
      if (auto f = llvm::dyn_cast<FusedOp>(op))
        ops = withoutConstants(f.getBody().front());
      else
        ops.push_back(op);
      TemplateKernel probe;
      if (!ops.empty() && op->getNumResults() == 1 && !ops.front()->hasAttr(name) &&
          llvm::all_of(ops, [](Operation *o) { return llvm::isa<UnaryOp, BinaryOp>(o); }) &&
          mapRowsSpec(ops, probe))
        ops.front()->setAttr(name, rowTile(ctx, CudaKernel::elementwise_rows));
      return;
    }
    // A tile already there (a tuner's, a hand edit) is kept.
    if (op->hasAttr(name))
      return;
    if (auto g = llvm::dyn_cast<GatherOp>(op)) {
      if (gatherSpec(g))
        op->setAttr(name, rowTile(ctx, CudaKernel::gather_rows));
    } else if (auto i = llvm::dyn_cast<Im2ColOp>(op)) {
      if (!op->getParentOfType<FusedOp>() && im2colSpec(i))
        op->setAttr(name, rowTile(ctx, CudaKernel::gather_rows));
    } else if (auto p = llvm::dyn_cast<PadOp>(op)) {
      if (padSpec(p))
        op->setAttr(name, rowTile(ctx, CudaKernel::pad_rows));
    } else if (auto t = llvm::dyn_cast<TransposeOp>(op)) {
      if (transposeSpec(t))
        op->setAttr(name, rowTile(ctx, CudaKernel::transpose_channels));
      else if (!op->getParentOfType<FusedOp>() && viewCopySpec({op}))
        op->setAttr(name, rowTile(ctx, CudaKernel::view_copy));
    } else if (llvm::isa<SliceOp>(op)) {
      if (!op->getParentOfType<FusedOp>() && viewCopySpec({op}))
        op->setAttr(name, rowTile(ctx, CudaKernel::view_copy));
    } else if (llvm::isa<SoftmaxOp, LayerNormOp>(op)) {
      if (rowSpec(op))
        op->setAttr(name, rowTile(ctx, CudaKernel::row_norm));
    } else if (auto gp = llvm::dyn_cast<GlobalPoolOp>(op)) {
      if (rowReduceSpec(gp))
        op->setAttr(name, rowTile(ctx, CudaKernel::row_reduce));
    } else if (auto r = llvm::dyn_cast<ReduceOp>(op)) {
      if (rowReduceSpec(r))
        op->setAttr(name, rowTile(ctx, CudaKernel::row_reduce));
    } else if (auto conv = llvm::dyn_cast<ConvOp>(op)) {
      if (depthwiseSpec(conv))
        op->setAttr(name, rowTile(ctx, CudaKernel::depthwise));
    } else if (auto concat = llvm::dyn_cast<ConcatOp>(op)) {
      if (concatSpec(concat))
        op->setAttr(name, rowTile(ctx, CudaKernel::concat_rows));
    } else if (llvm::isa<MatMulOp, GemmOp>(op)) {
      std::optional<GemmOperands> g = gemmOperands(op);
      if (!g)
        return;
      // f32 products run on tensor cores only where the module allows TF32
      // (fp32, not fp32-strict).
      if (g->spec.elem.isF32() && !InferDialect::allowsTf32(op))
        return;
      // wgmma and TMA on sm_90a only; mma.sync from sm_80 on. Narrow
      // products waste half of a 256-wide tile.
      bool hopper = target.arch == "sm_90a";
      int64_t bk = 128 / bytesOf(g->spec.elem);
      const GemmSpec &sp = g->spec;
      // A product with fewer output tiles than the GPU has SMs takes
      // 128-wide tiles, and when that is still under half a wave, splits
      // K over more blocks (at least 4 k tiles each; two waves at most).
      int64_t tilesM = ceilDiv(sp.m, 128);
      int64_t bn = sp.n <= 128 ? 128 : 256;
      if (bn == 256 && tilesM * ceilDiv(sp.n, 256) < kSmCount)
        bn = 128;
      int64_t tiles = tilesM * ceilDiv(sp.n, bn), kTiles = ceilDiv(sp.k, bk);
      int64_t split = 1;
      if (tiles < kSmCount / 2 && kTiles >= 8) {
        split = std::min(kTiles / 4, ceilDiv(2 * kSmCount, tiles));
        split = ceilDiv(kTiles, ceilDiv(kTiles, split));
      }
      auto tile = hopper ? CudaGemmTileAttr::get(ctx, CudaGemmKernel::wgmma, 128, bn,
                                                 bk, 4, std::max<int64_t>(split, 1))
                         : CudaGemmTileAttr::get(ctx, CudaGemmKernel::mma_sync,
                                                 128, 128, 32, 3, 1);
      if (target.capability < 80 || !gemmTileMismatch(g->spec, tile, target).empty())
        return;
      op->setAttr(name, tile);
    }
  });
}

FailureOr<std::optional<TemplateKernel>>
mlir::infer::buildCudaTemplate(const KernelGroup &group, const CudaTarget &target,
                               KernelModule &kernels, std::string &error) {
  SmallVector<Operation *> body;
  for (Operation *op : group.ops)
    if (!llvm::isa<ConstantOp>(op))
      body.push_back(op);
  Value result = group.results.front();
  if (body.empty() || body.back()->getResult(0) != result)
    return Result();
  // An im2col leading a GEMM's group is read by the GEMM (gemmOperands).
  if (body.size() > 1 && llvm::isa<Im2ColOp>(body.front()))
    body.erase(body.begin());
  Operation *anchor = body.front();
  Attribute tileAttr = anchor->getAttr(InferDialect::getTileAttrName());
  if (!tileAttr)
    return Result();
  auto single = [&](std::vector<TemplateArg> inputs,
                    FailureOr<KernelInfo> info) -> FailureOr<Result> {
    if (failed(info))
      return failure();
    return Result(singleStageTemplate(std::move(inputs), std::move(*info)));
  };
  // Data movement of whole 16-byte chunks and warp-per-row reductions
  // (every architecture), alone in their group.
  auto cudaTile = llvm::dyn_cast<CudaTileAttr>(tileAttr);
  if (cudaTile && cudaTile.getKernel() == CudaKernel::depthwise) {
    auto conv = llvm::dyn_cast<ConvOp>(anchor);
    std::optional<DepthwiseSpec> spec;
    if (conv)
      spec = depthwiseSpec(conv);
    if (!spec) {
      error = describe(cudaTile, anchor, "its template cannot read this op");
      return failure();
    }
    spec->threads = cudaTile.getThreads();
    spec->pixels = depthwisePixelsPerThread(*spec);
    if (std::string why = depthwiseUnsupported(*spec); !why.empty()) {
      error = describe(cudaTile, anchor, why);
      return failure();
    }
    FailureOr<std::vector<char>> weight = depthwiseWeightBytes(conv.getWeight(), *spec);
    if (failed(weight)) {
      error = describe(cudaTile, anchor, "an unreadable constant weight");
      return failure();
    }
    TemplateKernel tk;
    tk.inputs.push_back({conv.getInput(), {}});
    tk.inputs.push_back({Value(), std::move(*weight)});
    if (Value bias = conv.getBias()) {
      spec->out.epilogue.push_back(
          {GemmEpilogueOp::Kind::BiasColumn, static_cast<int>(tk.inputs.size())});
      tk.inputs.push_back({bias, {}});
    }
    // An epilogue the kernel cannot apply: the generic kernel takes the
    // group (the backend's fusion filter keeps such ops out).
    if (failed(classify(anchor->getResult(0), ArrayRef<Operation *>(body).drop_front(),
                        spec->c, tk, spec->out)))
      return Result();
    spec->out.numArgs = tk.inputs.size() + 1;
    FailureOr<KernelInfo> info = addDepthwiseKernel(kernels, *spec, anchor->getLoc(), error);
    if (failed(info))
      return failure();
    TemplateStage stage;
    stage.info = std::move(*info);
    for (unsigned i = 0; i < spec->out.numArgs; ++i)
      stage.args.push_back(static_cast<int>(i));
    tk.stages.push_back(std::move(stage));
    return Result(std::move(tk));
  }
  // A chain of view ops as one strided copy.
  if (cudaTile && cudaTile.getKernel() == CudaKernel::view_copy) {
    std::optional<ViewCopySpec> spec = viewCopySpec(body);
    if (spec) {
      spec->threads = cudaTile.getThreads();
      if (!viewCopyApplies(*spec))
        spec.reset();
    }
    if (!spec) {
      error = describe(cudaTile, anchor, "its template cannot read this group");
      return failure();
    }
    return single({{body.front()->getOperand(0), {}}},
                  addViewCopyKernel(kernels, *spec, anchor->getLoc(), error));
  }
  // Row maps: an elementwise chain over one source or a concatenation.
  if (cudaTile && (cudaTile.getKernel() == CudaKernel::elementwise_rows ||
                   (cudaTile.getKernel() == CudaKernel::concat_rows && body.size() > 1))) {
    TemplateKernel tk;
    std::optional<ConcatRowsSpec> spec = mapRowsSpec(body, tk);
    if (spec) {
      spec->threads = cudaTile.getThreads();
      if (!concatRowsApplies(*spec))
        spec.reset();
    }
    if (!spec) {
      error = describe(cudaTile, anchor, "its template cannot read this group");
      return failure();
    }
    FailureOr<KernelInfo> info = addConcatRowsKernel(kernels, *spec, anchor->getLoc(), error);
    if (failed(info))
      return failure();
    TemplateStage stage;
    stage.info = std::move(*info);
    for (unsigned i = 0; i < spec->map->numArgs; ++i)
      stage.args.push_back(static_cast<int>(i));
    tk.stages.push_back(std::move(stage));
    return Result(std::move(tk));
  }
  if (auto tile = cudaTile) {
    if (body.size() != 1)
      return Result();
    Location loc = anchor->getLoc();
    switch (tile.getKernel()) {
    case CudaKernel::gather_rows: {
      if (auto i = llvm::dyn_cast<Im2ColOp>(anchor)) {
        std::optional<GatherRowsSpec> spec = im2colSpec(i);
        if (!spec)
          break;
        spec->threads = tile.getThreads();
        return single({{i.getInput(), {}}, {Value(), im2colIndexBytes(i)}},
                      addGatherRowsKernel(kernels, *spec, loc, error));
      }
      auto g = llvm::cast<GatherOp>(anchor);
      std::optional<GatherRowsSpec> spec = gatherSpec(g);
      if (!spec)
        break;
      spec->threads = tile.getThreads();
      return single({{g.getInput(), {}}, {g.getIndices(), {}}},
                    addGatherRowsKernel(kernels, *spec, loc, error));
    }
    case CudaKernel::pad_rows: {
      auto p = llvm::cast<PadOp>(anchor);
      std::optional<PadRowsSpec> spec = padSpec(p);
      if (!spec)
        break;
      spec->threads = tile.getThreads();
      return single({{p.getInput(), {}}}, addPadRowsKernel(kernels, *spec, loc, error));
    }
    case CudaKernel::transpose_channels: {
      auto t = llvm::cast<TransposeOp>(anchor);
      std::optional<TransposeChannelsSpec> spec = transposeSpec(t);
      if (!spec)
        break;
      spec->threads = tile.getThreads();
      return single({{t.getInput(), {}}},
                    addTransposeChannelsKernel(kernels, *spec, loc, error));
    }
    case CudaKernel::row_norm: {
      std::optional<RowNormSpec> spec = rowSpec(anchor);
      if (!spec)
        break;
      spec->threads = tile.getThreads();
      std::vector<TemplateArg> inputs{{anchor->getOperand(0), {}}};
      if (auto ln = llvm::dyn_cast<LayerNormOp>(anchor)) {
        inputs.push_back({ln.getScale(), {}});
        if (ln.getBias())
          inputs.push_back({ln.getBias(), {}});
      }
      return single(std::move(inputs), addRowNormKernel(kernels, *spec, loc, error));
    }
    case CudaKernel::depthwise:
    case CudaKernel::elementwise_rows:
    case CudaKernel::view_copy:
      break; // built above
    case CudaKernel::concat_rows: {
      auto c = llvm::cast<ConcatOp>(anchor);
      std::optional<ConcatRowsSpec> spec = concatSpec(c);
      if (!spec)
        break;
      spec->threads = tile.getThreads();
      if (!concatRowsApplies(*spec))
        break;
      std::vector<TemplateArg> inputs;
      for (Value v : c.getInputs())
        inputs.push_back({v, {}});
      return single(std::move(inputs), addConcatRowsKernel(kernels, *spec, loc, error));
    }
    case CudaKernel::row_reduce: {
      std::optional<RowReduceSpec> spec;
      if (auto gp = llvm::dyn_cast<GlobalPoolOp>(anchor))
        spec = rowReduceSpec(gp);
      else if (auto r = llvm::dyn_cast<ReduceOp>(anchor))
        spec = rowReduceSpec(r);
      if (!spec)
        break;
      spec->threads = tile.getThreads();
      if (!rowReduceApplies(*spec))
        break;
      return single({{anchor->getOperand(0), {}}},
                    addRowReduceKernel(kernels, *spec, loc, error));
    }
    }
    error = describe(tile, anchor, "its template cannot read this op");
    return failure();
  }
  auto tile = llvm::dyn_cast<CudaGemmTileAttr>(tileAttr);
  if (!tile)
    return Result();
  std::optional<GemmOperands> g = gemmOperands(anchor);
  if (!g) {
    error = describe(tile, anchor, "operands the tensor-core GEMM cannot read");
    return failure();
  }
  GemmSpec spec = g->spec;
  if (std::string why = gemmTileMismatch(spec, tile, target); !why.empty()) {
    error = describe(tile, anchor, why);
    return failure();
  }
  TemplateKernel tk;
  tk.inputs.push_back({g->a, {}});
  // A constant [K,N] operand is stored transposed: K-major tiles load in
  // one TMA copy and need no transposed wgmma.
  bool packB = !(llvm::isa<GemmOp>(anchor) && llvm::cast<GemmOp>(anchor).getTransB()) &&
               spec.bKMajor;
  if (packB) {
    FailureOr<std::vector<char>> packed =
        transposedBytes(g->b, spec.k, spec.n, bytesOf(spec.elem));
    if (failed(packed)) {
      error = describe(tile, anchor, "an unreadable constant operand");
      return failure();
    }
    tk.inputs.push_back({Value(), std::move(*packed)});
  } else {
    tk.inputs.push_back({g->b, {}});
  }
  if (g->bias) {
    spec.epilogue.push_back(
        {GemmEpilogueOp::Kind::BiasColumn, static_cast<int>(tk.inputs.size())});
    tk.inputs.push_back({g->bias, {}});
  }
  // An epilogue the kernel cannot apply: the group takes the generic path
  // (the backend's fusion filter keeps such ops out of GEMM groups).
  if (failed(classify(anchor->getResult(0), ArrayRef<Operation *>(body).drop_front(),
                      spec.n, tk, spec)))
    return Result();
  spec.numArgs = tk.inputs.size() + 1;
  if (spec.splitK > 1) {
    // Partial tiles into scratch, then their sum through the epilogue.
    GemmSpec partial = spec;
    partial.partial = true;
    partial.out = Float32Type::get(anchor->getContext());
    partial.epilogue.clear();
    partial.numArgs = 3;
    FailureOr<KernelInfo> gemm = addGemmSm90Kernel(kernels, partial, anchor->getLoc(), error);
    if (failed(gemm))
      return failure();
    FailureOr<KernelInfo> reduce = addSplitKReduceKernel(kernels, spec, anchor->getLoc(), error);
    if (failed(reduce))
      return failure();
    int scratch = static_cast<int>(tk.inputs.size()), out = scratch + 1;
    tk.scratchBytes.push_back(uint64_t(spec.splitK) * spec.m * spec.n * 4);
    TemplateStage first, second;
    first.info = std::move(*gemm);
    first.args = {0, 1, scratch};
    second.info = std::move(*reduce);
    for (int i = 0; i < scratch; ++i)
      second.args.push_back(i);
    second.args.push_back(out);
    second.args.push_back(scratch);
    tk.stages.push_back(std::move(first));
    tk.stages.push_back(std::move(second));
    return Result(std::move(tk));
  }
  FailureOr<KernelInfo> info =
      tile.getKernel() == CudaGemmKernel::wgmma
          ? addGemmSm90Kernel(kernels, spec, anchor->getLoc(), error)
          : addGemmSm80Kernel(kernels, spec, anchor->getLoc(), error);
  if (failed(info))
    return failure();
  TemplateStage stage;
  stage.info = std::move(*info);
  for (unsigned i = 0; i < spec.numArgs; ++i)
    stage.args.push_back(static_cast<int>(i));
  tk.stages.push_back(std::move(stage));
  return Result(std::move(tk));
}
