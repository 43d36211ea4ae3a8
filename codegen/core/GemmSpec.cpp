//===- GemmSpec.cpp - The matrix product a GEMM template computes ---------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/core/GemmSpec.h"

#include "ir/ConstantView.h"
#include "ir/InferOps.h"
#include "ir/QuantUtils.h"

#include <cstring>

using namespace mlir;
using namespace mlir::infer;

namespace {
RankedTensorType typeOf(Value v) { return llvm::cast<RankedTensorType>(v.getType()); }
ConstantOp constantOf(Value v) { return outerValue(v).getDefiningOp<ConstantOp>(); }
} // namespace

namespace mlir::infer {

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

LogicalResult classify(Value chain, ArrayRef<Operation *> ops, int64_t n,
                       TemplateKernel &tk, GemmSpec &spec) {
  RankedTensorType out = typeOf(chain);
  for (Operation *op : ops) {
    // Requantization for the next int8 (or fp8) layer: the last step, C
    // int8 (f8E4M3FN).
    if (auto q = llvm::dyn_cast<QuantizeOp>(op)) {
      Symmetric8 qt = symmetric8(q.getOutput().getType(), q.getScaleAttr());
      if (q.getInput() != chain || op != ops.back() || !qt || !out.getElementType().isF32())
        return failure();
      GemmEpilogueOp e{GemmEpilogueOp::Kind::Quantize};
      e.inv = static_cast<float>(1.0 / qt.scale);
      e.lo = static_cast<float>(qt.lo());
      e.hi = static_cast<float>(qt.hi());
      spec.epilogue.push_back(e);
      spec.out = qt.isFp8() ? qt.elem : IntegerType::get(op->getContext(), 8);
      return success();
    }
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
      // An int8 (fp8) residual dequantized in the group: read as int8
      // (f8E4M3FN).
      if (auto dq = other.getDefiningOp<DequantizeOp>()) {
        Symmetric8 qt = symmetric8(dq.getInput().getType(), dq.getScaleAttr());
        if (mul || !qt || typeOf(other).getShape() != out.getShape() ||
            !out.getElementType().isF32())
          return failure();
        GemmEpilogueOp e{qt.isFp8() ? GemmEpilogueOp::Kind::ResidualF8
                                    : GemmEpilogueOp::Kind::ResidualInt8};
        e.scale = static_cast<float>(qt.scale);
        e.arg = static_cast<int>(tk.inputs.size());
        tk.inputs.push_back({dq.getInput(), {}});
        spec.epilogue.push_back(e);
        chain = op->getResult(0);
        continue;
      }
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

Sparse24Op sparseWeightOf(Operation *product) {
  Value b;
  bool kMajor = false;
  if (auto mm = llvm::dyn_cast<MatMulOp>(product)) {
    b = mm.getRhs();
  } else if (auto gemm = llvm::dyn_cast<GemmOp>(product)) {
    b = gemm.getB();
    kMajor = gemm.getTransB();
  } else {
    return {};
  }
  if (kMajor)
    return b.getDefiningOp<Sparse24Op>();
  auto t = b.getDefiningOp<TransposeOp>();
  if (!t || t.getPerm() != ArrayRef<int64_t>{1, 0})
    return {};
  return t.getInput().getDefiningOp<Sparse24Op>();
}

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
  if (!at.hasStaticShape() || !bt.hasStaticShape())
    return std::nullopt;
  GemmSpec &spec = g.spec;
  if (llvm::isa<quant::QuantizedType>(at.getElementType())) {
    // int8 x int8 of zero point 0, A per tensor, B per tensor or per
    // column (N); the float result is the int32 sum times both scales.
    quant::UniformQuantizedType qa = symmetricInt8(at);
    auto qb = llvm::dyn_cast<quant::QuantizedType>(bt.getElementType());
    if (!qa || !qb || !qb.isSigned() || qb.getStorageTypeIntegralWidth() != 8 ||
        !ct.getElementType().isF32())
      return std::nullopt;
    int64_t n = spec.bKMajor ? bt.getShape()[0] : bt.getShape()[1];
    if (auto pt = llvm::dyn_cast<quant::UniformQuantizedPerAxisType>(qb)) {
      if (pt.getQuantizedDimension() != (spec.bKMajor ? 0 : 1) ||
          static_cast<int64_t>(pt.getScales().size()) != n ||
          llvm::any_of(pt.getZeroPoints(), [](int64_t z) { return z != 0; }))
        return std::nullopt;
      for (double s : pt.getScales())
        g.columnScale.push_back(static_cast<float>(s * qa.getScale()));
    } else {
      auto ut = llvm::cast<quant::UniformQuantizedType>(qb);
      if (ut.getZeroPoint() != 0)
        return std::nullopt;
      g.columnScale.assign(n, static_cast<float>(ut.getScale() * qa.getScale()));
    }
    spec.elem = IntegerType::get(anchor->getContext(), 8);
  } else if (llvm::isa<Float8E4M3FNType>(at.getElementType())) {
    // fp8 x fp8: the fp32 sum, scaled by the steps after it.
    if (bt.getElementType() != at.getElementType() || !ct.getElementType().isF32())
      return std::nullopt;
    spec.elem = at.getElementType();
  } else if (at.getElementType() != bt.getElementType() ||
             ct.getElementType() != at.getElementType()) {
    return std::nullopt;
  } else {
    spec.elem = at.getElementType();
  }
  spec.out = ct.getElementType();
  spec.k = at.getShape().back();
  spec.m = at.getNumElements() / std::max<int64_t>(spec.k, 1);
  spec.n = spec.bKMajor ? bt.getShape()[0] : bt.getShape()[1];
  if (g.bias && (typeOf(g.bias).getElementType() != spec.out ||
                 typeOf(g.bias).getNumElements() != spec.n ||
                 typeOf(g.bias).getShape().back() != spec.n))
    return std::nullopt;
  // A 2:4 weight in the product's group: the sparse kernel reads its
  // values and positions (N x K as the sparse operand).
  if (Sparse24Op s = sparseWeightOf(anchor);
      s && llvm::isa<FusedOp>(s->getParentOp()) && constantOf(s.getValues()) &&
      constantOf(s.getMeta())) {
    spec.sparse = true;
    spec.bKMajor = true;
    g.values = s.getValues();
    g.meta = s.getMeta();
    return g;
  }
  // A [K,N] operand is stored transposed when constant (below); otherwise
  // the kernel reads it as it is.
  if (!spec.bKMajor && constantOf(g.b) &&
      (spec.elem.isF16() || spec.elem.isBF16() || spec.elem.isF32() ||
       spec.elem.isInteger(8) || llvm::isa<Float8E4M3FNType>(spec.elem)))
    spec.bKMajor = true;
  return g;
}


bool isGemmEpilogueStep(Operation *op) {
  if (auto u = llvm::dyn_cast<UnaryOp>(op))
    return u.getKind() == UnaryKind::relu || u.getKind() == UnaryKind::gelu ||
           u.getKind() == UnaryKind::silu || u.getKind() == UnaryKind::sigmoid ||
           (u.getKind() == UnaryKind::clip && u.getAlpha() && u.getBeta());
  auto b = llvm::dyn_cast<BinaryOp>(op);
  if (!b)
    return false;
  if (b.getKind() == BinaryKind::add)
    return true;
  // A scale per output column (the other operand has one value per
  // element of the last dimension).
  auto out = typeOf(op->getResult(0));
  for (Value v : {b.getLhs(), b.getRhs()}) {
    auto t = typeOf(v);
    if (t != out && t.hasStaticShape() && out.getRank() > 0 && t.getRank() > 0 &&
        t.getShape().back() == out.getShape().back() &&
        t.getNumElements() == out.getShape().back())
      return b.getKind() == BinaryKind::mul;
  }
  return false;
}

} // namespace mlir::infer
