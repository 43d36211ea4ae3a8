//===- TemplateGroups.cpp - Producers joining a CUDA template's group -----===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/cuda/TemplateGroups.h"
#include "codegen/cuda/CudaTarget.h"
#include "codegen/cuda/GemmSm80.h"
#include "codegen/cuda/GemmSm90.h"
#include "codegen/cuda/TemplateSpecs.h"

#include "ir/ConstantView.h"
#include "ir/QuantUtils.h"
#include "ir/Sparse24.h"
#include "ir/SparsityLog.h"
#include "transforms/Passes.h"

#include "mlir/IR/IRMapping.h"

using namespace mlir;
using namespace mlir::infer;
using namespace mlir::infer::cudaspec;

namespace {
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
    // The group as it would be, the concatenation first.
    TemplateKernel probe;
    if (!concatMapSpec(c, arg, ops, probe))
      continue;
    pullIntoGroup(c, use, "concat");
  }
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
    for (size_t i = chain.size() - 1; i > 0; --i) {
      Operation *producer = chain[i - 1];
      pullIntoGroup(producer, *producer->getResult(0).getUses().begin(),
                    producer->getName().stripDialect());
    }
  }
}

/// An im2col read only as the rows of a product the wgmma GEMM (with a 2:4
/// weight, the sparse one) takes moves into the product's group, where
/// the GEMM reads the image through TMA's im2col mode: the rows are never written (DenseNet's 3x3 convolutions
/// read 9x their input's bytes through the row matrix otherwise).
void absorbIm2colsIntoGemms(func::FuncOp fn) {
  forEachIm2colReadAsRows(fn, [](Operation *op, OpOperand &use, Operation *product) {
    auto i = llvm::cast<Im2ColOp>(op);
    // What the GEMM would see with the im2col in its group.
    std::optional<GemmOperands> g = gemmOperands(product);
    std::optional<GemmIm2col> geometry = im2colGeometry(i);
    if (!g || !geometry || !g->spec.bKMajor ||
        (g->spec.elem.isF32() && !InferDialect::allowsTf32(product)))
      return;
    GemmSpec spec = g->spec;
    spec.im2col = geometry;
    spec.bn = 128;
    if (!(spec.sparse ? gemmSm90SparseUnsupported(spec) : gemmSm90Unsupported(spec))
             .empty())
      return;
    pullIntoGroup(i, use, "im2col");
  });
}

/// The dense weight an infer.sparse24 of constants stands for (transposed
/// to K x N when `transposed`), as a constant before `at`.
Value denseWeight(Sparse24Op s, bool transposed, Operation *at) {
  std::optional<ConstantView> values = ConstantView::get(constantOf(s.getValues()).getValue()),
                              meta = ConstantView::get(constantOf(s.getMeta()).getValue());
  RankedTensorType t = llvm::cast<RankedTensorType>(s.getOutput().getType());
  int64_t n = t.getDimSize(0), k = t.getDimSize(1);
  RankedTensorType out = transposed ? t.clone({k, n}) : t;
  ConstantBuilder nb(out);
  for (int64_t r = 0; r < n; ++r)
    for (int64_t g = 0; g < k / 4; ++g) {
      unsigned code = sparse24CodeOf(
          static_cast<uint16_t>(meta->getInt(r * (k / 16) + g / 4)), g % 4);
      for (int64_t j = 0; j < 4; ++j) {
        double v = 0;
        if (j == int64_t(code & 3))
          v = values->getDouble(r * (k / 2) + 2 * g);
        else if (j == int64_t(code >> 2))
          v = values->getDouble(r * (k / 2) + 2 * g + 1);
        int64_t kk = 4 * g + j;
        nb.setDouble(transposed ? kk * n + r : r * k + kk, v);
      }
    }
  OpBuilder b(at);
  return ConstantOp::create(b, s.getLoc(), nb.finish("dense_weight")).getResult();
}

/// A 2:4 weight (infer.sparse24 of constants, through its transpose) read
/// only by a product the sparse wgmma kernel computes moves into the
/// product's group, where that kernel reads the values and positions as
/// they are. Any other infer.sparse24 of constants becomes its dense
/// weight (no kernel computes it alone).
void absorbSparseWeights(func::FuncOp fn, const CudaTarget &target) {
  bool hopper = target.arch == "sm_90a", sparseKernels = target.capability >= 80;
  SmallVector<Sparse24Op> ops;
  fn.walk([&](Sparse24Op s) {
    if (!s->getParentOfType<FusedOp>() && constantOf(s.getValues()) &&
        constantOf(s.getMeta()))
      ops.push_back(s);
  });
  for (Sparse24Op s : ops) {
    Operation *top = s;
    auto t = s.getOutput().hasOneUse()
                 ? llvm::dyn_cast<TransposeOp>(*s.getOutput().getUsers().begin())
                 : TransposeOp();
    if (t && t.getPerm() == ArrayRef<int64_t>{1, 0} && !t->getParentOfType<FusedOp>())
      top = t;
    Value weight = top->getResult(0);
    // The product reading the weight as its B (in its group, or alone) and
    // what follows it in the group (its epilogue).
    Operation *product = nullptr;
    Value read = weight;
    SmallVector<Operation *> epilogue;
    OpOperand *use = weight.hasOneUse() ? &*weight.getUses().begin() : nullptr;
    if (use) {
      product = use->getOwner();
      if (auto f = llvm::dyn_cast<FusedOp>(product)) {
        BlockArgument arg = f.getBody().front().getArgument(use->getOperandNumber());
        read = arg;
        product = arg.hasOneUse() ? *arg.getUsers().begin() : nullptr;
        SmallVector<Operation *> body = withoutConstants(f.getBody().front());
        auto at = llvm::find(body, product);
        if (at != body.end())
          epilogue.assign(std::next(at), body.end());
      }
    }
    std::string why = sparseKernels ? "the weight is not only a product's B"
                                    : "the target has no 2:4 kernel";
    if (sparseKernels && product && llvm::isa<MatMulOp, GemmOp>(product) &&
        product->getOperand(1) == read) {
      std::optional<GemmOperands> g = gemmOperands(product);
      why = "not a product the sparse GEMM reads";
      if (g) {
        GemmSpec spec = g->spec;
        spec.sparse = true;
        spec.bKMajor = true;
        spec.bn = 128;
        spec.splitK = 1;
        why = hopper ? gemmSm90SparseUnsupported(spec) : gemmSm80SparseUnsupported(spec);
        // The kernel applies the group's epilogue or does not run.
        TemplateKernel probe;
        if (why.empty() &&
            failed(classify(product->getResult(0), epilogue, spec.n, probe, spec)))
          why = "an epilogue the GEMM kernels do not apply";
      }
    }
    bool takes = why.empty();
    if (takes) {
      if (top != s.getOperation())
        pullIntoGroup(top, *use, "transpose");
      pullIntoGroup(s, *s.getOutput().getUses().begin(), "sparse24");
      continue;
    }
    // Dense after all: the weight the product reads, as a constant.
    declineSparsityEntry(fn->getParentOfType<ModuleOp>(), s.getLoc(),
                         "at code generation: " + why);
    Value dense = denseWeight(s, top != s.getOperation(), top);
    weight.replaceAllUsesWith(dense);
    if (top != s.getOperation())
      top->erase();
    s->erase();
  }
}
/// An NCHW -> NHWC transpose takes the channel padding and the fp32 ->
/// 16-bit cast before it (a model input going to a stem's implicit GEMM:
/// cast, pad 3 channels to 4, transpose) into its group: the channel
/// transpose reads the fp32 image and writes the padded 16-bit one in one
/// pass instead of three kernels.
void absorbLayoutPrologues(func::FuncOp fn) {
  SmallVector<TransposeOp> transposes;
  fn.walk([&](TransposeOp t) {
    if (!t->getParentOfType<FusedOp>() && transposeSpec(t) &&
        t.getPerm() == ArrayRef<int64_t>{0, 2, 3, 1})
      transposes.push_back(t);
  });
  for (TransposeOp t : transposes) {
    // The op reading the chain's head: the transpose, then its group.
    Operation *reader = t;
    auto pad = t.getInput().getDefiningOp<PadOp>();
    if (pad && t.getInput().hasOneUse() && !pad->getParentOfType<FusedOp>() &&
        pad.getMode() == PadMode::constant && pad.getValue().isZero() &&
        llvm::all_of(llvm::enumerate(pad.getPads()), [](auto e) {
          return e.value() == 0 || e.index() == 5; // only after dimension 1
        }))
      reader = pullIntoGroup(pad, t->getOpOperand(0), "pad");
    // The fp32 -> 16-bit cast of the head, or its per-tensor quantize to
    // int8 (zero point 0) for an int8 first convolution. (pullIntoGroup
    // replaces the reader: nothing reads it after.)
    for (OpOperand &o : reader->getOpOperands()) {
      Operation *producer = o.get().getDefiningOp();
      if (!producer || !o.get().hasOneUse() || producer->getParentOfType<FusedOp>())
        continue;
      if (auto cast = llvm::dyn_cast<CastOp>(producer)) {
        Type from = typeOf(cast.getInput()).getElementType(),
             to = typeOf(cast.getOutput()).getElementType();
        if (from.isF32() && (to.isF16() || to.isBF16()))
          pullIntoGroup(cast, o, "cast");
      } else if (auto q = llvm::dyn_cast<QuantizeOp>(producer)) {
        if (typeOf(q.getInput()).getElementType().isF32() &&
            symmetric8(q.getOutput().getType(), q.getScaleAttr()))
          pullIntoGroup(q, o, "quantize");
      } else {
        continue;
      }
      break;
    }
  }
}
} // namespace

void mlir::infer::formCudaTemplateGroups(func::FuncOp fn, const CudaTarget &target) {
  absorbConcatsIntoMaps(fn);
  // 2:4 weights first: a product that keeps one reads its im2col through
  // the sparse kernel.
  absorbSparseWeights(fn, target);
  if (target.arch == "sm_90a")
    absorbIm2colsIntoGemms(fn);
  absorbViewChains(fn);
  absorbLayoutPrologues(fn);
}
