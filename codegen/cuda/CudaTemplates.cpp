//===- CudaTemplates.cpp - CUDA kernels for the anchor ops ----------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/cuda/CudaTemplates.h"
#include "codegen/cuda/CudaTarget.h"
#include "codegen/cuda/GatherRows.h"
#include "codegen/cuda/GemmSm80.h"
#include "codegen/cuda/GemmSm90.h"
#include "codegen/cuda/PadRows.h"
#include "codegen/cuda/RowNorm.h"
#include "codegen/cuda/TransposeChannels.h"

#include "ir/InferOps.h"
#include "reference/Tensor.h"

#include "llvm/ADT/APFloat.h"

using namespace mlir;
using namespace mlir::infer;

namespace {
using Result = std::optional<TemplateKernel>;

RankedTensorType typeOf(Value v) { return llvm::cast<RankedTensorType>(v.getType()); }

ConstantOp constantOf(Value v) { return outerValue(v).getDefiningOp<ConstantOp>(); }

/// A constant [K][N] matrix as [N][K] in `elem`'s bytes (fp16 / bf16).
FailureOr<std::vector<char>> transposedBytes(Value v, int64_t k, int64_t n,
                                             Type elem) {
  FailureOr<reference::Tensor> t = constantData(v);
  if (failed(t) || !t->isFloat())
    return failure();
  const llvm::fltSemantics &sem =
      elem.isF16() ? llvm::APFloat::IEEEhalf() : llvm::APFloat::BFloat();
  std::vector<char> out(static_cast<size_t>(k * n) * 2);
  for (int64_t kk = 0; kk < k; ++kk)
    for (int64_t nn = 0; nn < n; ++nn) {
      llvm::APFloat f(t->floats()[kk * n + nn]);
      bool lost = false;
      f.convert(sem, llvm::APFloat::rmNearestTiesToEven, &lost);
      uint16_t bits = static_cast<uint16_t>(f.bitcastToAPInt().getZExtValue());
      std::memcpy(&out[(nn * k + kk) * 2], &bits, 2);
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
      } else if (u.getKind() == UnaryKind::clip && u.getAlpha() && u.getBeta()) {
        GemmEpilogueOp e{GemmEpilogueOp::Kind::Clip};
        e.lo = u.getAlpha()->convertToFloat();
        e.hi = u.getBeta()->convertToFloat();
        spec.epilogue.push_back(e);
      } else {
        return failure();
      }
    } else if (auto bin = llvm::dyn_cast<BinaryOp>(op)) {
      if (bin.getKind() != BinaryKind::add)
        return failure();
      Value other = bin.getLhs() == chain ? bin.getRhs() : bin.getLhs();
      if (other == chain || (bin.getLhs() != chain && bin.getRhs() != chain) ||
          typeOf(other).getElementType() != out.getElementType())
        return failure();
      ArrayRef<int64_t> s = typeOf(other).getShape();
      GemmEpilogueOp e;
      if (s == out.getShape())
        e.kind = GemmEpilogueOp::Kind::Residual;
      else if (typeOf(other).getNumElements() == n && !s.empty() && s.back() == n)
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

/// The one-launch template over `inputs` (then the result) of a kernel
/// built by `add`; a build failure sets `failedBuild`.
Result singleStage(std::vector<TemplateArg> inputs, FailureOr<KernelInfo> info,
                   bool &failedBuild) {
  if (failed(info)) {
    failedBuild = true;
    return Result();
  }
  TemplateKernel tk;
  tk.inputs = std::move(inputs);
  TemplateStage stage;
  stage.info = std::move(*info);
  for (size_t i = 0; i <= tk.inputs.size(); ++i)
    stage.args.push_back(static_cast<int>(i));
  tk.stages.push_back(std::move(stage));
  return Result(std::move(tk));
}

/// A gather of contiguous rows of 16-byte multiples (every architecture).
Result gatherTemplate(GatherOp g, KernelModule &kernels, std::string &error,
                      bool &failedBuild) {
  RankedTensorType in = typeOf(g.getInput()), idx = typeOf(g.getIndices());
  if (!in.hasStaticShape() || !idx.hasStaticShape() ||
      !typeOf(g.getOutput()).hasStaticShape() || in.getRank() == 0)
    return Result();
  Type et = in.getElementType();
  if (!et.isIntOrFloat() || et.getIntOrFloatBitWidth() % 8 != 0)
    return Result();
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
    return Result();
  return singleStage({{g.getInput(), {}}, {g.getIndices(), {}}},
                     addGatherRowsKernel(kernels, spec, g.getLoc(), error),
                     failedBuild);
}
/// Constant padding of all but the last dimension (every architecture).
Result padTemplate(PadOp p, KernelModule &kernels, std::string &error,
                   bool &failedBuild) {
  RankedTensorType in = typeOf(p.getInput());
  if (p.getMode() != PadMode::constant || !in.hasStaticShape() || in.getRank() < 2)
    return Result();
  Type et = in.getElementType();
  PadRowsSpec spec;
  spec.shape.assign(in.getShape().begin(), in.getShape().end());
  ArrayRef<int64_t> pads = p.getPads();
  spec.before.assign(pads.begin(), pads.begin() + in.getRank());
  spec.after.assign(pads.begin() + in.getRank(), pads.end());
  double value = p.getValue().convertToDouble();
  if (auto ft = llvm::dyn_cast<FloatType>(et)) {
    llvm::APFloat f(value);
    bool lost = false;
    f.convert(ft.getFloatSemantics(), llvm::APFloat::rmNearestTiesToEven, &lost);
    spec.valueBits = f.bitcastToAPInt().getZExtValue();
  } else if (auto it = llvm::dyn_cast<IntegerType>(et); it && it.getWidth() >= 8) {
    spec.valueBits = static_cast<uint64_t>(static_cast<int64_t>(value));
    if (it.getWidth() < 64)
      spec.valueBits &= (uint64_t(1) << it.getWidth()) - 1;
  } else {
    return Result();
  }
  spec.elemBytes = et.getIntOrFloatBitWidth() / 8;
  if (!padRowsApplies(spec))
    return Result();
  return singleStage({{p.getInput(), {}}},
                     addPadRowsKernel(kernels, spec, p.getLoc(), error), failedBuild);
}
/// NCHW <-> NHWC (perm [0, 2, 3, 1] or [0, 3, 1, 2]) in 16-byte channel runs.
Result transposeTemplate(TransposeOp op, KernelModule &kernels, std::string &error,
                         bool &failedBuild) {
  RankedTensorType in = typeOf(op.getInput());
  ArrayRef<int64_t> perm = op.getPerm();
  if (!in.hasStaticShape() || in.getRank() != 4 || !in.getElementType().isIntOrFloat() ||
      in.getElementType().getIntOrFloatBitWidth() % 8 != 0)
    return Result();
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
    return Result();
  }
  if (!transposeChannelsApplies(spec))
    return Result();
  return singleStage({{op.getInput(), {}}},
                     addTransposeChannelsKernel(kernels, spec, op.getLoc(), error),
                     failedBuild);
}

/// Softmax or layer norm over the last dimension: a warp per row.
Result rowTemplate(Operation *op, KernelModule &kernels, std::string &error,
                   bool &failedBuild) {
  RankedTensorType in = typeOf(op->getOperand(0));
  if (!in.hasStaticShape() || in.getRank() < 1)
    return Result();
  int64_t rank = in.getRank();
  RowNormSpec spec;
  spec.elem = in.getElementType();
  spec.length = in.getShape().back();
  spec.rows = in.getNumElements() / std::max<int64_t>(spec.length, 1);
  std::vector<TemplateArg> inputs{{op->getOperand(0), {}}};
  if (auto sm = llvm::dyn_cast<SoftmaxOp>(op)) {
    if (sm.getAxis() != rank - 1 && sm.getAxis() != -1)
      return Result();
  } else if (auto ln = llvm::dyn_cast<LayerNormOp>(op)) {
    if (ln.getAxis() != rank - 1 && ln.getAxis() != -1)
      return Result();
    spec.kind = RowNormSpec::Kind::LayerNorm;
    spec.epsilon = ln.getEpsilon().convertToFloat();
    SmallVector<Value> params{ln.getScale()};
    if (ln.getBias())
      params.push_back(ln.getBias());
    for (Value p : params) {
      RankedTensorType t = typeOf(p);
      if (t.getElementType() != spec.elem || t.getNumElements() != spec.length ||
          t.getShape().back() != spec.length)
        return Result();
      inputs.push_back({p, {}});
    }
    spec.hasBias = ln.getBias() != nullptr;
  } else {
    return Result();
  }
  if (!rowNormApplies(spec))
    return Result();
  return singleStage(std::move(inputs),
                     addRowNormKernel(kernels, spec, op->getLoc(), error), failedBuild);
}
} // namespace

FailureOr<std::optional<TemplateKernel>>
mlir::infer::buildCudaTemplate(ArrayRef<Operation *> ops, Value result,
                               const CudaTarget &target, KernelModule &kernels,
                               std::string &error) {
  SmallVector<Operation *> body;
  for (Operation *op : ops)
    if (!llvm::isa<ConstantOp>(op))
      body.push_back(op);
  if (body.empty() || body.back()->getResult(0) != result)
    return Result();
  Operation *anchor = body.front();
  // Data movement of whole 16-byte chunks and warp-per-row reductions
  // (every architecture).
  if (body.size() == 1 &&
      llvm::isa<GatherOp, PadOp, TransposeOp, SoftmaxOp, LayerNormOp>(anchor)) {
    bool failedBuild = false;
    Result r = llvm::isa<TransposeOp>(anchor)
                   ? transposeTemplate(llvm::cast<TransposeOp>(anchor), kernels, error,
                                       failedBuild)
               : llvm::isa<GatherOp>(anchor)
                   ? gatherTemplate(llvm::cast<GatherOp>(anchor), kernels, error,
                                    failedBuild)
               : llvm::isa<PadOp>(anchor)
                   ? padTemplate(llvm::cast<PadOp>(anchor), kernels, error,
                                 failedBuild)
                   : rowTemplate(anchor, kernels, error, failedBuild);
    if (failedBuild)
      return failure();
    return r;
  }
  // wgmma and TMA exist on sm_90a only; mma.sync from sm_80 on.
  bool hopper = target.arch == "sm_90a";
  TemplateKernel tk;
  GemmSpec spec;
  Value a, b;
  if (auto mm = llvm::dyn_cast<MatMulOp>(anchor)) {
    a = mm.getLhs();
    b = mm.getRhs();
    if (typeOf(a).getRank() < 2 || typeOf(b).getRank() != 2)
      return Result();
  } else if (auto gemm = llvm::dyn_cast<GemmOp>(anchor)) {
    a = gemm.getA();
    b = gemm.getB();
    if (gemm.getTransA() || gemm.getAlpha().convertToFloat() != 1.0f ||
        (gemm.getC() && gemm.getBeta().convertToFloat() != 1.0f))
      return Result();
    spec.bKMajor = gemm.getTransB();
  } else {
    return Result();
  }
  RankedTensorType at = typeOf(a), bt = typeOf(b), ct = typeOf(anchor->getResult(0));
  if (!at.hasStaticShape() || !bt.hasStaticShape() ||
      at.getElementType() != bt.getElementType() ||
      ct.getElementType() != at.getElementType())
    return Result();
  spec.elem = at.getElementType();
  spec.out = ct.getElementType();
  spec.k = at.getShape().back();
  spec.m = at.getNumElements() / std::max<int64_t>(spec.k, 1);
  spec.n = spec.bKMajor ? bt.getShape()[0] : bt.getShape()[1];

  tk.inputs.push_back({a, {}});
  // A constant [K,N] operand is stored transposed: K-major tiles load in
  // one TMA copy and need no transposed wgmma.
  if (!spec.bKMajor && constantOf(b) && (spec.elem.isF16() || spec.elem.isBF16())) {
    FailureOr<std::vector<char>> packed = transposedBytes(b, spec.k, spec.n, spec.elem);
    if (failed(packed))
      return Result();
    tk.inputs.push_back({Value(), std::move(*packed)});
    spec.bKMajor = true;
  } else {
    tk.inputs.push_back({b, {}});
  }
  if (auto gemm = llvm::dyn_cast<GemmOp>(anchor); gemm && gemm.getC()) {
    Value c = gemm.getC();
    if (typeOf(c).getElementType() != spec.out ||
        typeOf(c).getNumElements() != spec.n || typeOf(c).getShape().back() != spec.n)
      return Result();
    spec.epilogue.push_back(
        {GemmEpilogueOp::Kind::BiasColumn, static_cast<int>(tk.inputs.size())});
    tk.inputs.push_back({c, {}});
  }
  if (failed(classify(anchor->getResult(0), ArrayRef<Operation *>(body).drop_front(),
                      spec.n, tk, spec)))
    return Result();
  spec.numArgs = tk.inputs.size() + 1;
  // Narrow products waste half of a 256-wide tile.
  spec.bn = spec.n <= 128 ? 128 : 256;
  if (!(hopper ? gemmSm90Unsupported(spec) : gemmSm80Unsupported(spec)).empty())
    return Result();
  FailureOr<KernelInfo> info =
      hopper ? addGemmSm90Kernel(kernels, spec, anchor->getLoc(), error)
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
