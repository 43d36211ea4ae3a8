//===- EliminateZeroChannels.cpp - Remove channels pruning zeroed ---------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// A model pruned by masking keeps its zeroed channels: a convolution whose
// output channel has all-zero weights and a zero bias computes zeros, and
// every reader spends time on them. This pass finds such channels (conv,
// gemm and matmul with constant weights), follows them through the ops
// that keep a zero channel zero (activations with f(0) = 0, pooling, casts,
// batch norm and per-channel scales and shifts that map 0 to 0, depthwise
// convolutions with a zero bias there, reshapes that keep the channel
// dimension whole (the flatten before a classifier),
// concatenation along the channels, and residual adds where both sides are
// zero in the same channels), and removes them: from the producer's
// outputs, from every op on the way, and from the input channels of the
// convolutions and products that read them.
//
// A value's channels are removed only when its producer can compute it
// narrower and every reader can take it narrower (a fixpoint over the
// candidates); anything else (a graph output, a reshape that merges the
// channels with other dimensions, a grouped convolution) keeps the full
// width, and the channels stay. Results are exact: only channels that are
// zero for every input are removed.
//
//===----------------------------------------------------------------------===//

#include "transforms/Passes.h"

#include "ir/ConstantView.h"
#include "ir/SparsityLog.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/BitVector.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"

#include <cmath>
#include <optional>

namespace mlir::infer {
#define GEN_PASS_DEF_INFERELIMINATEZEROCHANNELS
#include "transforms/Passes.h.inc"
} // namespace mlir::infer

using namespace mlir;
using namespace mlir::infer;

namespace {
RankedTensorType typeOf(Value v) {
  return llvm::cast<RankedTensorType>(v.getType());
}

std::optional<ConstantView> viewOf(Value v) {
  if (!v)
    return std::nullopt;
  auto c = v.getDefiningOp<ConstantOp>();
  if (!c || !llvm::isa<FloatType>(typeOf(v).getElementType()))
    return std::nullopt;
  return ConstantView::get(c.getValue());
}

/// The channels of a value that are zero for every input, along `axis`.
struct ZeroChannels {
  int64_t axis = 0;
  llvm::BitVector zero;
};

/// Whether a unary function maps 0 to 0 (so a zero channel stays zero).
bool keepsZero(UnaryOp op) {
  switch (op.getKind()) {
  case UnaryKind::relu: case UnaryKind::leaky_relu: case UnaryKind::tanh:
  case UnaryKind::neg: case UnaryKind::abs: case UnaryKind::gelu:
  case UnaryKind::gelu_tanh: case UnaryKind::silu: case UnaryKind::mish:
  case UnaryKind::softsign: case UnaryKind::elu: case UnaryKind::selu:
  case UnaryKind::celu: case UnaryKind::sign: case UnaryKind::identity:
  case UnaryKind::hard_swish: case UnaryKind::erf: case UnaryKind::sinh:
  case UnaryKind::asinh: case UnaryKind::atanh: case UnaryKind::atan:
  case UnaryKind::asin: case UnaryKind::sin: case UnaryKind::tan:
  case UnaryKind::floor: case UnaryKind::ceil: case UnaryKind::round:
  case UnaryKind::sqrt:
    return true;
  case UnaryKind::clip: {
    float lo = op.getAlpha() ? op.getAlpha()->convertToFloat() : -INFINITY;
    float hi = op.getBeta() ? op.getBeta()->convertToFloat() : INFINITY;
    return lo <= 0 && 0 <= hi;
  }
  default:
    return false;
  }
}

/// The per-channel values of a constant that broadcasts against a result of
/// `rank` with `channels` along `axis` (a scalar, or one value per channel
/// and 1 elsewhere), or none.
std::optional<std::vector<double>> perChannel(Value v, int64_t rank,
                                              int64_t axis, int64_t channels) {
  std::optional<ConstantView> c = viewOf(v);
  if (!c)
    return std::nullopt;
  ArrayRef<int64_t> shape = c->getShape();
  if (static_cast<int64_t>(shape.size()) > rank)
    return std::nullopt;
  int64_t lead = rank - shape.size();
  bool varies = false;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 1)
      continue;
    if (static_cast<int64_t>(lead + i) != axis || shape[i] != channels)
      return std::nullopt;
    varies = true;
  }
  std::vector<double> out(channels);
  for (int64_t m = 0; m < channels; ++m)
    out[m] = c->getDouble(varies ? m : 0);
  return out;
}

/// Output channels of a contraction whose weights and bias are all zero.
/// `outOf(i)` is the output channel of weight element i (-1: none).
llvm::BitVector zeroOutputs(const ConstantView &w, int64_t channels,
                            llvm::function_ref<int64_t(int64_t)> outOf,
                            const std::optional<std::vector<double>> &bias) {
  llvm::BitVector zero(channels, true);
  for (int64_t i = 0; i < w.size(); ++i)
    if (w.getDouble(i) != 0.0)
      zero.reset(outOf(i));
  if (bias)
    for (int64_t m = 0; m < channels; ++m)
      if ((*bias)[m] != 0.0)
        zero.reset(m);
  return zero;
}

/// A constant `v` with the elements along `dim` whose index is not kept
/// dropped (`keep` indexes that dimension).
Value sliceConstant(OpBuilder &b, Location loc, Value v, int64_t dim,
                    const llvm::BitVector &keep) {
  std::optional<ConstantView> c = viewOf(v);
  RankedTensorType t = c->getType();
  SmallVector<int64_t> shape(t.getShape());
  shape[dim] = keep.count();
  RankedTensorType nt = t.clone(shape);
  ConstantBuilder nb(nt);
  int64_t inner = 1;
  for (int64_t d = dim + 1; d < t.getRank(); ++d)
    inner *= shape[d];
  int64_t outer = t.getNumElements() / (t.getShape()[dim] * inner);
  int64_t j = 0;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t k = 0; k < t.getShape()[dim]; ++k) {
      if (!keep.test(k))
        continue;
      int64_t base = (o * t.getShape()[dim] + k) * inner;
      for (int64_t i = 0; i < inner; ++i)
        nb.setDouble(j++, c->getDouble(base + i));
    }
  return ConstantOp::create(b, loc, nb.finish("pruned_weight")).getResult();
}

/// Slices a per-channel constant operand (leaving a broadcast one alone).
void slicePerChannel(OpBuilder &b, OpOperand &operand, int64_t resultRank,
                     int64_t axis, const llvm::BitVector &keep) {
  RankedTensorType t = typeOf(operand.get());
  int64_t dim = axis - (resultRank - t.getRank());
  if (dim < 0 || t.getShape()[dim] == 1)
    return;
  operand.set(sliceConstant(b, operand.getOwner()->getLoc(), operand.get(),
                            dim, keep));
}

/// Whether `conv` is depthwise (one input channel per output channel and
/// group) with a constant weight: a zero input channel gives its bias.
bool isDepthwise(ConvOp conv) {
  ArrayRef<int64_t> w = typeOf(conv.getWeight()).getShape();
  int64_t channels = typeOf(conv.getInput()).getShape()[conv.getChannelAxis()];
  return conv.getGroup() > 1 && conv.getGroup() == channels && w[0] == channels &&
         w[1] == 1 && conv.getWeight().getDefiningOp<ConstantOp>();
}

/// 2 * multiply-adds of a contraction from its result and weight types.
int64_t contractionFlops(Operation *op) {
  auto outType = typeOf(op->getResult(0));
  if (auto conv = llvm::dyn_cast<ConvOp>(op)) {
    RankedTensorType w = typeOf(conv.getWeight());
    return 2 * outType.getNumElements() * (w.getNumElements() / w.getShape()[0]);
  }
  if (auto gemm = llvm::dyn_cast<GemmOp>(op)) {
    ArrayRef<int64_t> b = typeOf(gemm.getB()).getShape();
    return 2 * outType.getNumElements() * (gemm.getTransB() ? b[1] : b[0]);
  }
  if (auto mm = llvm::dyn_cast<MatMulOp>(op))
    return 2 * outType.getNumElements() * typeOf(mm.getRhs()).getShape()[0];
  return 0;
}

class Eliminator {
public:
  Eliminator(func::FuncOp func, int64_t multiple, int64_t preferredMultiple,
             int64_t convMultiple)
      : func(func), multiple(multiple), preferredMultiple(preferredMultiple),
        convMultiple(convMultiple) {}

  /// Finds the removable channels; returns whether there are any.
  bool analyze() {
    func.walk([&](Operation *op) { visit(op); });
    // Every value starts with its zero channels as the ones to remove (none
    // when all are zero: a tensor keeps at least one channel); then the
    // values an op links must remove the same channels, so each link
    // intersects their sets until none changes.
    for (auto &[v, z] : zeros)
      removed[v] = z.zero.all() ? llvm::BitVector(z.zero.size()) : z.zero;
    bool changed = true;
    while (changed) {
      changed = false;
      for (auto &[v, z] : zeros)
        changed |= constrainProducer(v) | constrainReaders(v) | roundDown(v);
    }
    for (auto &[v, r] : removed)
      if (r.any())
        candidates.insert(v);
    return !candidates.empty();
  }

  /// Removes the channels, logging each contraction changed.
  void rewrite(SmallVectorImpl<Attribute> &log) {
    OpBuilder b(func.getContext());
    SmallVector<Operation *> ops;
    func.walk([&](Operation *op) { ops.push_back(op); });
    for (Operation *op : ops) {
      bool narrowedOut = op->getNumResults() == 1 &&
                         candidates.contains(op->getResult(0));
      bool narrowedIn = llvm::any_of(op->getOperands(), [&](Value v) {
        return candidates.contains(v);
      });
      if (!narrowedOut && !narrowedIn)
        continue;
      b.setInsertionPoint(op);
      int64_t flopsBefore = contractionFlops(op);
      int64_t outsBefore = 0, insRemoved = 0, outsRemoved = 0;
      if (narrowedOut) {
        outsBefore = typeOf(op->getResult(0)).getShape()[axisOf(op->getResult(0))];
        outsRemoved = removed[op->getResult(0)].count();
      }
      rewriteOp(b, op, narrowedOut, narrowedIn, insRemoved);
      // Types last: the slicing above reads the old shapes.
      for (Value r : op->getResults())
        if (candidates.contains(r))
          r.setType(narrowed(r));
      int64_t flopsAfter = contractionFlops(op);
      if (flopsBefore && (outsRemoved || insRemoved)) {
        Builder ab(func.getContext());
        NamedAttrList fields;
        fields.set("removed_outputs", ab.getI64IntegerAttr(outsRemoved));
        fields.set("removed_inputs", ab.getI64IntegerAttr(insRemoved));
        if (narrowedOut)
          fields.set("outputs", ab.getI64IntegerAttr(outsBefore));
        fields.set("flops_saved", ab.getI64IntegerAttr(flopsBefore - flopsAfter));
        log.push_back(sparsityEntry(op, "channels", fields));
      }
    }
  }

private:
  int64_t axisOf(Value v) { return zeros[v].axis; }

  RankedTensorType narrowed(Value v) {
    RankedTensorType t = typeOf(v);
    SmallVector<int64_t> shape(t.getShape());
    shape[axisOf(v)] -= removed[v].count();
    return t.clone(shape);
  }

  llvm::BitVector keepOf(Value v) {
    llvm::BitVector keep = removed[v];
    keep.flip();
    return keep;
  }

  const ZeroChannels *zerosOf(Value v) {
    auto it = zeros.find(v);
    return it == zeros.end() ? nullptr : &it->second;
  }

  /// Records the zero channels of `op`'s result.
  void visit(Operation *op) {
    // Static shapes only, every operand too (channel counts and offsets
    // are known, and no axis has zero channels to index).
    auto staticTensor = [](Type t) {
      auto r = llvm::dyn_cast<RankedTensorType>(t);
      return r && r.hasStaticShape() && r.getNumElements() > 0;
    };
    if (op->getNumResults() != 1 || !staticTensor(op->getResult(0).getType()) ||
        !llvm::all_of(op->getOperandTypes(), staticTensor))
      return;
    Value result = op->getResult(0);
    RankedTensorType out = typeOf(result);
    auto set = [&](int64_t axis, llvm::BitVector zero) {
      if (zero.any())
        zeros[result] = {axis, std::move(zero)};
    };
    if (auto conv = llvm::dyn_cast<ConvOp>(op)) {
      std::optional<ConstantView> w = viewOf(conv.getWeight());
      if (w && isDepthwise(conv)) {
        // A zero input channel comes out as its bias; a zero bias keeps it
        // zero.
        const ZeroChannels *z = zerosOf(conv.getInput());
        int64_t axis = conv.getChannelAxis(), m = out.getShape()[axis];
        std::optional<std::vector<double>> bias;
        if (!z || z->axis != axis ||
            (conv.getBias() && !(bias = perChannel(conv.getBias(), 1, 0, m))))
          return;
        llvm::BitVector zero = z->zero;
        if (bias)
          for (int64_t c : z->zero.set_bits())
            if ((*bias)[c] != 0.0)
              zero.reset(c);
        set(axis, zero);
        return;
      }
      if (!w || conv.getGroup() != 1)
        return;
      int64_t axis = conv.getChannelAxis(), m = out.getShape()[axis];
      std::optional<std::vector<double>> bias;
      if (conv.getBias() && !(bias = perChannel(conv.getBias(), 1, 0, m)))
        return;
      int64_t per = w->size() / m;
      set(axis, zeroOutputs(*w, m, [&](int64_t i) { return i / per; }, bias));
      return;
    }
    if (auto gemm = llvm::dyn_cast<GemmOp>(op)) {
      std::optional<ConstantView> w = viewOf(gemm.getB());
      if (!w)
        return;
      int64_t n = out.getShape()[1], cols = w->getShape()[1];
      std::optional<std::vector<double>> bias;
      if (gemm.getC() && !(bias = perChannel(gemm.getC(), 2, 1, n)))
        return;
      bool tb = gemm.getTransB();
      set(1, zeroOutputs(*w, n,
                         [&](int64_t i) { return tb ? i / cols : i % cols; },
                         bias));
      return;
    }
    if (auto mm = llvm::dyn_cast<MatMulOp>(op)) {
      std::optional<ConstantView> w = viewOf(mm.getRhs());
      if (!w || w->getShape().size() != 2 || typeOf(mm.getLhs()).getRank() < 2)
        return;
      int64_t n = w->getShape()[1];
      set(out.getRank() - 1,
          zeroOutputs(*w, n, [&](int64_t i) { return i % n; }, std::nullopt));
      return;
    }
    // Ops that keep a zero channel zero.
    auto passThrough = [&](Value in, int64_t axis) {
      if (const ZeroChannels *z = zerosOf(in))
        if (z->axis == axis)
          set(axis, z->zero);
    };
    if (auto u = llvm::dyn_cast<UnaryOp>(op)) {
      if (keepsZero(u))
        if (const ZeroChannels *z = zerosOf(u.getInput()))
          set(z->axis, z->zero);
      return;
    }
    if (auto c = llvm::dyn_cast<CastOp>(op)) {
      if (llvm::isa<FloatType>(out.getElementType()))
        if (const ZeroChannels *z = zerosOf(c.getInput()))
          set(z->axis, z->zero);
      return;
    }
    if (auto pool = llvm::dyn_cast<PoolOp>(op)) {
      // Every window holds an input element (the verifier keeps pads
      // smaller than the kernel), so a zero channel pools to 0.
      passThrough(pool.getInput(),
                  pool.getChannelsLast() ? out.getRank() - 1 : 1);
      return;
    }
    if (auto pool = llvm::dyn_cast<GlobalPoolOp>(op)) {
      passThrough(pool.getInput(), 1);
      return;
    }
    if (auto bn = llvm::dyn_cast<BatchNormOp>(op)) {
      const ZeroChannels *z = zerosOf(bn.getInput());
      if (!z || z->axis != 1)
        return;
      int64_t c = out.getShape()[1];
      auto s = perChannel(bn.getScale(), 1, 0, c), t = perChannel(bn.getBias(), 1, 0, c),
           mean = perChannel(bn.getMean(), 1, 0, c),
           var = perChannel(bn.getVariance(), 1, 0, c);
      if (!s || !t || !mean || !var)
        return;
      llvm::BitVector zero = z->zero;
      double eps = bn.getEpsilon().convertToDouble();
      for (int64_t m : z->zero.set_bits())
        if ((*t)[m] - (*s)[m] * (*mean)[m] / std::sqrt((*var)[m] + eps) != 0.0)
          zero.reset(m);
      set(1, zero);
      return;
    }
    if (auto bin = llvm::dyn_cast<BinaryOp>(op)) {
      visitBinary(bin, set);
      return;
    }
    if (auto reshape = llvm::dyn_cast<ReshapeOp>(op)) {
      // A reshape that keeps the channel dimension whole (a flatten of
      // N x C x 1 x 1 to N x C): the same channels along its new axis.
      const ZeroChannels *z = zerosOf(reshape.getInput());
      if (!z)
        return;
      ArrayRef<int64_t> in = typeOf(reshape.getInput()).getShape();
      int64_t before = 1, at = 1;
      for (int64_t d = 0; d < z->axis; ++d)
        before *= in[d];
      for (int64_t d = 0, n = out.getRank(); d < n; at *= out.getShape()[d], ++d)
        if (at == before && out.getShape()[d] == in[z->axis]) {
          set(d, z->zero);
          return;
        }
      return;
    }
    if (auto cat = llvm::dyn_cast<ConcatOp>(op)) {
      int64_t axis = cat.getAxis();
      llvm::BitVector zero(out.getShape()[axis]);
      int64_t offset = 0;
      for (Value in : cat.getInputs()) {
        const ZeroChannels *z = zerosOf(in);
        if (z && z->axis == axis)
          for (int64_t m : z->zero.set_bits())
            zero.set(offset + m);
        offset += typeOf(in).getShape()[axis];
      }
      set(axis, zero);
    }
  }

  template <typename Set> void visitBinary(BinaryOp bin, Set &set) {
    RankedTensorType out = typeOf(bin.getOutput());
    const ZeroChannels *l = zerosOf(bin.getLhs()), *r = zerosOf(bin.getRhs());
    BinaryKind kind = bin.getKind();
    bool additive = kind == BinaryKind::add || kind == BinaryKind::sub;
    // Two activations: a residual add keeps the channels zero on both sides.
    if (l && r) {
      if (additive && l->axis == r->axis && typeOf(bin.getLhs()) == out &&
          typeOf(bin.getRhs()) == out) {
        llvm::BitVector zero = l->zero;
        zero &= r->zero;
        set(l->axis, zero);
      }
      return;
    }
    // An activation and a per-channel constant.
    const ZeroChannels *z = l ? l : r;
    Value act = l ? bin.getLhs() : bin.getRhs();
    Value other = l ? bin.getRhs() : bin.getLhs();
    if (!z || typeOf(act) != out)
      return;
    std::optional<std::vector<double>> c =
        perChannel(other, out.getRank(), z->axis, out.getShape()[z->axis]);
    if (!c)
      return;
    llvm::BitVector zero = z->zero;
    for (int64_t m : z->zero.set_bits()) {
      double v = (*c)[m];
      bool keeps = false;
      if (kind == BinaryKind::mul)
        keeps = std::isfinite(v);
      else if (kind == BinaryKind::div)
        keeps = l && std::isfinite(v) && v != 0.0;
      else if (additive)
        keeps = v == 0.0;
      if (!keeps)
        zero.reset(m);
    }
    set(z->axis, zero);
  }

  /// The channels to remove from `v` (empty for a value without zeros).
  llvm::BitVector removedOf(Value v, size_t channels) {
    auto it = removed.find(v);
    return it == removed.end() ? llvm::BitVector(channels) : it->second;
  }

  /// Sets the channels to remove from `v` to `r`; returns whether they
  /// changed.
  bool setRemoved(Value v, const llvm::BitVector &r) {
    auto it = removed.find(v);
    if (it == removed.end())
      return false;
    if (it->second == r)
      return false;
    it->second = r;
    return true;
  }

  /// Makes `v` and the operands its producer computes it from remove the
  /// same channels.
  bool constrainProducer(Value v) {
    Operation *op = v.getDefiningOp();
    if (llvm::isa<GemmOp, MatMulOp>(op) ||
        (llvm::isa<ConvOp>(op) && !isDepthwise(llvm::cast<ConvOp>(op))))
      return false;
    size_t n = removed[v].size();
    if (auto cat = llvm::dyn_cast<ConcatOp>(op)) {
      llvm::BitVector r = removed[v];
      bool changed = false;
      int64_t offset = 0;
      for (Value in : cat.getInputs()) {
        int64_t w = typeOf(in).getShape()[cat.getAxis()];
        // An input with zeros along another axis is not narrowed here.
        auto it = zeros.find(in);
        bool linked = it != zeros.end() && it->second.axis == cat.getAxis();
        llvm::BitVector part = linked ? removedOf(in, w) : llvm::BitVector(w);
        for (int64_t m = 0; m < w; ++m) {
          bool both = part[m] && r[offset + m];
          part[m] = both;
          r[offset + m] = both;
        }
        if (linked)
          changed |= setRemoved(in, part);
        offset += w;
      }
      return setRemoved(v, r) | changed;
    }
    // Elementwise and pooling ops: the activation operands (those with
    // zeros) remove what the result removes.
    llvm::BitVector r = removed[v];
    SmallVector<Value> linked;
    for (Value in : op->getOperands())
      if (zeros.count(in))
        linked.push_back(in);
    if (linked.empty())
      r.reset();
    for (Value in : linked)
      r &= removedOf(in, n);
    bool changed = setRemoved(v, r);
    for (Value in : linked)
      changed |= setRemoved(in, r);
    return changed;
  }

  /// Keeps the channel count of `v` a multiple of the first of its
  /// multiples that divides it (GPU kernels read rows of whole 16-byte
  /// vectors, best whole 128-byte runs): removes fewer channels, keeping
  /// the last zero ones.
  bool roundDown(Value v) {
    llvm::BitVector &r = removed[v];
    int64_t m = 1;
    for (int64_t candidate : multiplesOf(v))
      if (static_cast<int64_t>(r.size()) % candidate == 0) {
        m = candidate;
        break;
      }
    if (m <= 1)
      return false;
    int64_t extra = r.count() % m;
    if (extra == 0)
      return false;
    for (int64_t m = r.size() - 1; m >= 0 && extra > 0; --m)
      if (r.test(m)) {
        r.reset(m);
        --extra;
      }
    return true;
  }

  /// The multiples `v`'s channel count may keep, the most wanted first:
  /// `convMultiple` when a convolution with a window or a stride reads it
  /// (an implicit GEMM on GPUs, whose K tiles are runs of channels), then
  /// `preferredMultiple`, then `multiple`.
  SmallVector<int64_t, 3> multiplesOf(Value v) {
    SmallVector<int64_t, 3> all;
    for (Operation *user : v.getUsers())
      if (auto conv = llvm::dyn_cast<ConvOp>(user)) {
        ArrayRef<int64_t> k = typeOf(conv.getWeight()).getShape().drop_front(2);
        if (llvm::any_of(k, [](int64_t d) { return d != 1; }) ||
            llvm::any_of(conv.getStrides(), [](int64_t d) { return d != 1; })) {
          all.push_back(std::max(multiple, convMultiple));
          break;
        }
      }
    all.push_back(std::max(multiple, preferredMultiple));
    all.push_back(multiple);
    return all;
  }

  /// Clears the channels to remove from `v` when a reader cannot take it
  /// narrower; readers that pass it on are linked by constrainProducer.
  bool constrainReaders(Value v) {
    if (removed[v].none() || readersNarrow(v))
      return false;
    removed[v].reset();
    return true;
  }

  /// Whether every reader of `v` can take it without some of its channels.
  bool readersNarrow(Value v) {
    int64_t axis = axisOf(v);
    for (OpOperand &use : v.getUses()) {
      Operation *user = use.getOwner();
      unsigned index = use.getOperandNumber();
      auto conv = llvm::dyn_cast<ConvOp>(user);
      if (conv && !isDepthwise(conv)) {
        if (index != 0 || conv.getGroup() != 1 || !viewOf(conv.getWeight()) ||
            conv.getChannelAxis() != axis)
          return false;
        continue;
      }
      if (conv && index != 0)
        return false;
      if (auto gemm = llvm::dyn_cast<GemmOp>(user)) {
        if (index != 0 || gemm.getTransA() || !viewOf(gemm.getB()) || axis != 1)
          return false;
        continue;
      }
      if (auto mm = llvm::dyn_cast<MatMulOp>(user)) {
        std::optional<ConstantView> w = viewOf(mm.getRhs());
        if (index != 0 || !w || w->getShape().size() != 2 ||
            axis != typeOf(v).getRank() - 1)
          return false;
        continue;
      }
      // An op on the way: its result has zeros of its own (visit() only
      // records them for ops that keep a zero channel zero), and
      // constrainProducer links the two. A reshape moves the channel axis.
      if (user->getNumResults() != 1 || !zeros.count(user->getResult(0)) ||
          (zeros[user->getResult(0)].axis != axis && !llvm::isa<ReshapeOp>(user)))
        return false;
      if (llvm::isa<BatchNormOp>(user) && index != 0)
        return false;
    }
    return true;
  }

  /// Slices the constants of `op` for its narrowed result and operands.
  void rewriteOp(OpBuilder &b, Operation *op, bool narrowedOut, bool narrowedIn,
                 int64_t &insRemoved) {
    Location loc = op->getLoc();
    llvm::BitVector keepOut, keepIn;
    if (narrowedOut)
      keepOut = keepOf(op->getResult(0));
    if (narrowedIn && op->getNumOperands() > 0 &&
        candidates.contains(op->getOperand(0))) {
      keepIn = keepOf(op->getOperand(0));
      insRemoved = keepIn.size() - keepIn.count();
    }
    if (auto conv = llvm::dyn_cast<ConvOp>(op)) {
      OpOperand &w = conv.getWeightMutable();
      if (conv.getGroup() > 1) {
        // Depthwise (the only grouped conv narrowed): its channels go with
        // its input's, one group each.
        if (!narrowedOut)
          return;
        w.set(sliceConstant(b, loc, w.get(), 0, keepOut));
        if (conv.getBias())
          conv.getBiasMutable()[0].set(
              sliceConstant(b, loc, conv.getBias(), 0, keepOut));
        conv.setGroupAttr(b.getI64IntegerAttr(keepOut.count()));
        return;
      }
      if (narrowedOut) {
        w.set(sliceConstant(b, loc, w.get(), 0, keepOut));
        if (conv.getBias())
          conv.getBiasMutable()[0].set(
              sliceConstant(b, loc, conv.getBias(), 0, keepOut));
      }
      if (!keepIn.empty())
        w.set(sliceConstant(b, loc, w.get(), 1, keepIn));
      return;
    }
    if (auto gemm = llvm::dyn_cast<GemmOp>(op)) {
      OpOperand &w = gemm.getBMutable();
      bool tb = gemm.getTransB();
      if (narrowedOut) {
        w.set(sliceConstant(b, loc, w.get(), tb ? 0 : 1, keepOut));
        if (gemm.getC())
          slicePerChannel(b, gemm.getCMutable()[0], 2, 1, keepOut);
      }
      if (!keepIn.empty())
        w.set(sliceConstant(b, loc, w.get(), tb ? 1 : 0, keepIn));
      return;
    }
    if (auto mm = llvm::dyn_cast<MatMulOp>(op)) {
      OpOperand &w = mm.getRhsMutable();
      if (narrowedOut)
        w.set(sliceConstant(b, loc, w.get(), 1, keepOut));
      if (!keepIn.empty())
        w.set(sliceConstant(b, loc, w.get(), 0, keepIn));
      return;
    }
    if (!narrowedOut)
      return;
    int64_t rank = typeOf(op->getResult(0)).getRank(),
            axis = axisOf(op->getResult(0));
    if (auto bn = llvm::dyn_cast<BatchNormOp>(op)) {
      for (OpOperand &operand : op->getOpOperands().drop_front())
        slicePerChannel(b, operand, 1, 0, keepOut);
      return;
    }
    if (auto bin = llvm::dyn_cast<BinaryOp>(op)) {
      for (OpOperand &operand : op->getOpOperands())
        if (!zerosOf(operand.get()))
          slicePerChannel(b, operand, rank, axis, keepOut);
    }
  }

  func::FuncOp func;
  int64_t multiple, preferredMultiple, convMultiple;
  /// In walk order (the fixpoint's result must not depend on hashing).
  llvm::MapVector<Value, ZeroChannels> zeros;
  /// The channels removed from each value with zeros (a subset of them).
  llvm::DenseMap<Value, llvm::BitVector> removed;
  llvm::SetVector<Value> candidates;
};

struct EliminateZeroChannelsPass
    : infer::impl::InferEliminateZeroChannelsBase<EliminateZeroChannelsPass> {
  using Base::Base;

  void runOnOperation() override {
    if (channelMultiple < 1 || preferredChannelMultiple < 1 || convChannelMultiple < 1) {
      getOperation().emitError("channel-multiple, preferred-channel-multiple and "
                               "conv-channel-multiple must be at least 1, not ")
          << channelMultiple.getValue() << ", " << preferredChannelMultiple.getValue()
          << " and " << convChannelMultiple.getValue();
      return signalPassFailure();
    }
    ModuleOp module = getOperation();
    SmallVector<Attribute> log;
    for (auto func : module.getOps<func::FuncOp>()) {
      Eliminator e(func, channelMultiple, preferredChannelMultiple, convChannelMultiple);
      if (e.analyze())
        e.rewrite(log);
    }
    appendSparsityLog(module, log);
  }
};
} // namespace
