//===- OutlineKernels.cpp - The infer-outline-kernels pass ----------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Each fusion group (each remaining infer op) becomes the launches of the
// kernels built for it: a backend template when its anchor carries a tile
// configuration, else one generic kernel lowered through linalg. The group
// is replaced by an infer.dispatch; weights a template packed into its own
// layout enter as new constants, and the originals' memory goes as soon as
// nothing reads them.
//
//===----------------------------------------------------------------------===//

#include "codegen/core/KernelModule.h"
#include "codegen/core/Passes.h"
#include "codegen/core/TuningCache.h"
#include "codegen/core/PlanValues.h"
#include "codegen/core/TargetBackend.h"

#include "ir/ConstantView.h"
#include "ir/InferOps.h"
#include "ir/ShapeInference.h"
#include "transforms/ConstantValues.h"
#include "transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/Support/xxhash.h"

namespace mlir::infer {
#define GEN_PASS_DEF_INFEROUTLINEKERNELS
#include "codegen/core/Passes.h.inc"
} // namespace mlir::infer

using namespace mlir;
using namespace mlir::infer;

namespace {
RankedTensorType tensorType(Value v) {
  return llvm::cast<RankedTensorType>(v.getType());
}

/// Multiply-adds count as two operations.
int64_t estimateFlops(Operation *op) {
  if (auto conv = llvm::dyn_cast<ConvOp>(op)) {
    ArrayRef<int64_t> w = tensorType(conv.getWeight()).getShape();
    int64_t perOut = 1;
    for (int64_t d : w.drop_front(1))
      perOut *= d;
    return 2 * numel(conv.getOutput()) * perOut;
  }
  if (auto conv = llvm::dyn_cast<ConvTransposeOp>(op)) {
    ArrayRef<int64_t> w = tensorType(conv.getWeight()).getShape();
    int64_t perIn = 1;
    for (int64_t d : w.drop_front(1))
      perIn *= d;
    return 2 * numel(conv.getInput()) * perIn;
  }
  if (auto mm = llvm::dyn_cast<MatMulOp>(op))
    return 2 * numel(mm.getOutput()) * tensorType(mm.getLhs()).getShape().back();
  if (auto g = llvm::dyn_cast<GemmOp>(op)) {
    ArrayRef<int64_t> a = tensorType(g.getA()).getShape();
    return 2 * numel(g.getOutput()) * (g.getTransA() ? a[0] : a[1]);
  }
  int64_t n = 0;
  for (Value v : op->getOperands())
    n = std::max(n, numel(v));
  for (Value v : op->getResults())
    n = std::max(n, numel(v));
  return n;
}

/// The FLOPs of a group: its anchor's, or its largest op's.
int64_t groupFlops(ArrayRef<Operation *> ops) {
  int64_t best = 0;
  for (Operation *op : ops) {
    if (llvm::isa<ConstantOp>(op))
      continue;
    if (llvm::isa<ConvOp, ConvTransposeOp, MatMulOp, GemmOp>(op))
      return estimateFlops(op);
    if (auto a = llvm::dyn_cast<AttentionOp>(op)) {
      ArrayRef<int64_t> q = tensorType(a.getQ()).getShape();
      ArrayRef<int64_t> k = tensorType(a.getK()).getShape();
      ArrayRef<int64_t> v = tensorType(a.getV()).getShape();
      int64_t batch = numel(a.getQ()) / (q[q.size() - 2] * q.back());
      int64_t lq = q[q.size() - 2], lk = k[k.size() - 2];
      return 2 * batch * lq * lk * (q.back() + v.back());
    }
    best = std::max(best, estimateFlops(op));
  }
  return best;
}

/// What the report calls a single op.
std::string opPattern(Operation *op) {
  std::string kind = op->getName().stripDialect().str();
  if (auto u = llvm::dyn_cast<UnaryOp>(op))
    kind += "." + stringifyUnaryKind(u.getKind()).str();
  else if (auto bin = llvm::dyn_cast<BinaryOp>(op))
    kind += "." + stringifyBinaryKind(bin.getKind()).str();
  return kind;
}

LaunchAttr launchOf(MLIRContext *ctx, const KernelInfo &info,
                    ArrayRef<int32_t> args) {
  SmallVector<TensorMapAttr> maps;
  for (const ArtifactTensorMap &m : info.tensorMaps)
    maps.push_back(TensorMapAttr::get(ctx, m.arg, m.dtype, m.dims, m.strides,
                                      m.box, m.swizzle, m.im2col));
  return LaunchAttr::get(ctx, info.symbol, info.kind, args, info.grid,
                         info.grain, info.blockThreads, info.sharedBytes, maps);
}

/// Outlines the groups of one function.
class Outliner {
public:
  Outliner(func::FuncOp fn, const TargetBackend *templates,
           KernelModule &kernels)
      : fn(fn), templates(templates), kernels(kernels),
        rewriter(fn.getContext()) {}

  LogicalResult run();

private:
  /// The dispatch replacing `g`, or failure after a diagnostic.
  FailureOr<DispatchOp> outline(const KernelGroup &g);
  /// The template's dispatch; null when no template applies.
  FailureOr<DispatchOp> outlineTemplate(const KernelGroup &g);
  /// One generic kernel of the group's ops.
  FailureOr<DispatchOp> outlineGeneric(const KernelGroup &g);
  /// A dispatch for `g` (before g.root) with the given inputs and launches.
  DispatchOp createDispatch(const KernelGroup &g, ValueRange inputs,
                            ArrayRef<Attribute> launches,
                            ArrayRef<int64_t> scratch, bool templated);

  /// A constant of packed bytes before the insertion point; one already
  /// made with the same bytes when there is one (a weight shared by
  /// several layers is packed, and stored, once).
  Value packedConstant(std::vector<char> packed, Location loc);

  func::FuncOp fn;
  const TargetBackend *templates;
  KernelModule &kernels;
  IRRewriter rewriter;
  /// Packed constants made so far, by a hash of their bytes.
  llvm::DenseMap<uint64_t, SmallVector<ConstantOp, 1>> packedByHash;
};

Value Outliner::packedConstant(std::vector<char> packed, Location loc) {
  uint64_t hash = llvm::xxh3_64bits(
      ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(packed.data()),
                        packed.size()));
  for (ConstantOp c : packedByHash[hash]) {
    std::optional<ConstantView> view = ConstantView::get(c.getValue());
    ArrayRef<char> bytes = view ? view->contiguousBytes() : ArrayRef<char>();
    if (bytes.size() == packed.size() &&
        std::equal(bytes.begin(), bytes.end(), packed.begin()))
      return c;
  }
  auto bytes = std::make_shared<std::vector<char>>(std::move(packed));
  auto type = RankedTensorType::get({static_cast<int64_t>(bytes->size())},
                                    rewriter.getIntegerType(8));
  ElementsAttr attr = adoptWeights(type, "packed", *bytes, bytes);
  // At the top of the function, so that every later dispatch may read it.
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPointToStart(&fn.getBody().front());
  auto c = ConstantOp::create(rewriter, loc, attr);
  packedByHash[hash].push_back(c);
  return c;
}

/// What the kernel of `g` computes in (kPrecisionAttr): its anchor's
/// operands and result, else its result's element type.
static std::string precisionOf(const KernelGroup &g, bool templated) {
  auto elem = [](Value v) { return llvm::cast<RankedTensorType>(v.getType()).getElementType(); };
  auto name = [](Type t) -> std::string {
    if (llvm::isa<quant::QuantizedType>(t))
      return "int8";
    if (llvm::isa<Float8E4M3FNType>(t))
      return "fp8";
    if (t.isF16())
      return "fp16";
    if (t.isBF16())
      return "bf16";
    if (t.isF32())
      return "fp32";
    std::string s;
    llvm::raw_string_ostream os(s);
    t.print(os);
    return s;
  };
  for (Operation *op : g.ops)
    if (llvm::isa<ConvOp, ConvTransposeOp, MatMulOp, GemmOp, AttentionOp>(op)) {
      if (llvm::isa<quant::QuantizedType>(elem(op->getOperand(0))))
        return "int8";
      if (llvm::isa<Float8E4M3FNType>(elem(op->getOperand(0))))
        return "fp8";
      Type t = elem(op->getResult(0));
      // f32 products on tensor cores (templates) under infer.tf32.
      if (t.isF32() && templated && llvm::isa<ConvOp, MatMulOp, GemmOp>(op) &&
          InferDialect::allowsTf32(op))
        return "tf32";
      return name(t);
    }
  return g.results.empty() ? "" : name(elem(g.results.front()));
}

DispatchOp Outliner::createDispatch(const KernelGroup &g, ValueRange inputs,
                                    ArrayRef<Attribute> launches,
                                    ArrayRef<int64_t> scratch, bool templated) {
  rewriter.setInsertionPoint(g.root);
  SmallVector<Type> types;
  for (Value v : g.outer)
    types.push_back(v.getType());
  auto d = DispatchOp::create(
      rewriter, g.root->getLoc(), types, rewriter.getStringAttr(g.pattern),
      inputs, rewriter.getArrayAttr(launches),
      rewriter.getDenseI64ArrayAttr(scratch),
      rewriter.getI64IntegerAttr(groupFlops(g.ops)),
      templated ? rewriter.getUnitAttr() : UnitAttr(), StringAttr());
  if (auto check = llvm::dyn_cast<CheckOp>(g.root))
    d.setCheck(check.describeFailure());
  d->setAttr(kPrecisionAttr, rewriter.getStringAttr(precisionOf(g, templated)));
  if (templated)
    for (Operation *op : g.ops)
      if (Attribute tile = op->getAttr(InferDialect::getTileAttrName())) {
        std::string text;
        llvm::raw_string_ostream os(text);
        os << tile;
        d->setAttr(kConfigAttr, rewriter.getStringAttr(text));
        d->setAttr(kConfigSourceAttr,
                   rewriter.getStringAttr(op->hasAttr(kTileSourceAttr) ? "cache" : "heuristic"));
        break;
      }
  return d;
}

FailureOr<DispatchOp> Outliner::outlineTemplate(const KernelGroup &g) {
  if (!templates || g.results.size() != 1)
    return DispatchOp();
  std::string error;
  FailureOr<std::optional<TemplateKernel>> built =
      templates->buildTemplate(g, kernels, error);
  if (failed(built)) {
    g.root->emitError() << error;
    return failure();
  }
  if (!*built)
    return DispatchOp();
  TemplateKernel &tk = **built;
  // Packed weights become constants of their own (bytes, in the template's
  // layout); the originals go once nothing reads them.
  SmallVector<Value> inputs;
  rewriter.setInsertionPoint(g.root);
  for (TemplateArg &arg : tk.inputs) {
    if (!arg.isPacked()) {
      Value v = g.toOuter(arg.value);
      if (v.getParentBlock() != g.root->getBlock()) {
        // A constant of the group's body read unpacked: it moves out with
        // the dispatch.
        auto c = v.getDefiningOp<ConstantOp>();
        if (!c)
          return g.root->emitError()
                 << "internal: a template reads a value computed inside its "
                    "group";
        v = rewriter.clone(*c)->getResult(0);
      }
      inputs.push_back(v);
      continue;
    }
    inputs.push_back(packedConstant(std::move(arg.packed), g.root->getLoc()));
  }
  SmallVector<Attribute> launches;
  for (const TemplateStage &stage : tk.stages) {
    SmallVector<int32_t> args(stage.args.begin(), stage.args.end());
    launches.push_back(launchOf(fn.getContext(), stage.info, args));
  }
  SmallVector<int64_t> scratch(tk.scratchBytes.begin(), tk.scratchBytes.end());
  return createDispatch(g, inputs, launches, scratch, /*templated=*/true);
}

FailureOr<DispatchOp> Outliner::outlineGeneric(const KernelGroup &g) {
  // Inputs: values read from outside the ops (small constants go inside).
  bool arrays = kernels.getConvention().inlinesConstantArrays();
  llvm::SmallPtrSet<Operation *, 16> inside(g.ops.begin(), g.ops.end());
  SmallVector<Operation *> ops;
  SmallVector<Value> inputs;
  // Constants the fusion cloned into the group that this target wants as
  // buffers: a copy outside the group is the kernel's input.
  llvm::DenseMap<Value, Value> hoisted;
  auto isHoisted = [&](Operation *op) {
    auto c = llvm::dyn_cast<ConstantOp>(op);
    return c && hoisted.count(c.getResult());
  };
  for (Operation *op : g.ops) {
    auto c = llvm::dyn_cast<ConstantOp>(op);
    if (!c || isInlineConstant(c.getResult(), arrays) ||
        llvm::is_contained(g.results, c.getResult()))
      continue;
    rewriter.setInsertionPoint(g.root);
    hoisted[c.getResult()] = rewriter.clone(*c)->getResult(0);
    inside.erase(op);
  }
  for (Operation *op : g.ops) {
    if (isHoisted(op))
      continue;
    for (Value v : op->getOperands()) {
      Operation *def = v.getDefiningOp();
      if (def && inside.contains(def))
        continue;
      if (hoisted.count(v)) {
        if (!llvm::is_contained(inputs, v))
          inputs.push_back(v);
        continue;
      }
      if (isInlineConstant(v, arrays)) {
        if (!llvm::is_contained(ops, def))
          ops.push_back(def);
        continue;
      }
      if (!llvm::is_contained(inputs, v))
        inputs.push_back(v);
    }
  }
  for (Operation *op : g.ops)
    if (!llvm::is_contained(ops, op) && !isHoisted(op))
      ops.push_back(op);
  std::string error;
  FailureOr<KernelInfo> info =
      kernels.addKernel(ops, inputs, g.results, g.pattern, error);
  if (failed(info)) {
    g.root->emitError() << error;
    return failure();
  }
  // The kernel takes inputs, outputs, then the constant tables its lowering
  // made (targets without constant arrays); the dispatch takes them as
  // inputs after the group's.
  size_t numIn = inputs.size(), numTables = info->constantArgs.size();
  SmallVector<int32_t> args;
  for (size_t i = 0; i < numIn; ++i)
    args.push_back(static_cast<int32_t>(i));
  for (size_t j = 0; j < g.results.size(); ++j)
    args.push_back(static_cast<int32_t>(numIn + numTables + j));
  for (size_t k = 0; k < numTables; ++k)
    args.push_back(static_cast<int32_t>(numIn + k));
  SmallVector<Value> outer;
  for (Value v : inputs)
    outer.push_back(hoisted.count(v) ? hoisted.lookup(v) : g.toOuter(v));
  for (Attribute table : info->constantArgs) {
    rewriter.setInsertionPoint(g.root);
    outer.push_back(ConstantOp::create(rewriter, g.root->getLoc(),
                                       llvm::cast<ElementsAttr>(table)));
  }
  Attribute launch = launchOf(fn.getContext(), *info, args);
  return createDispatch(g, outer, launch, {}, /*templated=*/false);
}

FailureOr<DispatchOp> Outliner::outline(const KernelGroup &g) {
  // Nothing to compute for empty results.
  if (llvm::all_of(g.outer, [](Value v) { return numel(v) == 0; }))
    return createDispatch(g, {}, {}, {}, /*templated=*/false);
  FailureOr<DispatchOp> t = outlineTemplate(g);
  if (failed(t) || *t)
    return t;
  return outlineGeneric(g);
}

LogicalResult Outliner::run() {
  Block &body = fn.getBody().front();
  SmallVector<Operation *> work;
  for (Operation &op : body.without_terminator())
    work.push_back(&op);
  for (Operation *op : work) {
    if (llvm::isa<ConstantOp, DispatchOp>(op) || isAlias(op))
      continue;
    if (auto concat = llvm::dyn_cast<ConcatOp>(op);
        concat && concat->hasAttr(kInPlaceAttr)) {
      // Its operands' kernels write into its slices: no kernel of its own.
      std::string why;
      if (succeeded(canConcatInPlace(concat, why)))
        continue;
      concat->removeAttr(kInPlaceAttr);
    }
    if (!llvm::isa<InferDialect>(op->getDialect()) ||
        (op->getNumRegions() != 0 && !llvm::isa<FusedOp>(op)))
      return op->emitError() << "cannot compile '" << op->getName() << "'";
    for (Value v : op->getResults())
      if (!tensorType(v).hasStaticShape())
        return op->emitError()
               << "a result of shape " << formatShape(tensorType(v).getShape())
               << " is still dynamic after shape inference";

    KernelGroup g;
    g.root = op;
    if (auto fused = llvm::dyn_cast<FusedOp>(op)) {
      g.pattern = fused.getPattern().str();
      for (Operation &inner : fused.getBody().front().without_terminator())
        g.ops.push_back(&inner);
      g.results.assign(fused.getYield().getValues().begin(),
                       fused.getYield().getValues().end());
      // A group yielding one of its inputs unchanged would need a copy.
      if (llvm::any_of(g.results,
                       [](Value v) { return llvm::isa<BlockArgument>(v); }))
        return op->emitError() << "a fusion group yields one of its inputs "
                                  "unchanged (no kernel writes it)";
    } else {
      g.pattern = opPattern(op);
      g.ops.push_back(op);
      g.results.assign(op->getResults().begin(), op->getResults().end());
    }
    g.outer.assign(op->getResults().begin(), op->getResults().end());

    FailureOr<DispatchOp> dispatch = outline(g);
    if (failed(dispatch))
      return failure();
    llvm::SetVector<Value> operands(op->getOperands().begin(),
                                    op->getOperands().end());
    rewriter.replaceOp(op, dispatch->getResults());
    // Weights a template packed are read no more: their memory goes now.
    // Small constants were compiled into the kernels, whose IR still holds
    // them until the backend emits the code.
    for (Value v : operands) {
      if (!isInlineConstant(v, kernels.getConvention().inlinesConstantArrays()))
        eraseDeadConstant(rewriter, v);
      else if (v.use_empty())
        rewriter.eraseOp(v.getDefiningOp());
    }
  }
  return success();
}

struct OutlineKernelsPass
    : infer::impl::InferOutlineKernelsBase<OutlineKernelsPass> {
  using Base::Base;
  OutlineKernelsPass(const TargetBackend &backend, bool useTemplates)
      : backend(&backend) {
    templates = useTemplates;
  }

  void getDependentDialects(DialectRegistry &registry) const override {
    Base::getDependentDialects(registry);
    KernelModule::registerDialects(registry);
    if (backend) {
      backend->registerDialects(registry);
      return;
    }
    std::string error;
    if (std::unique_ptr<TargetBackend> b = createTargetBackend(target, error))
      b->registerDialects(registry);
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    std::unique_ptr<TargetBackend> owned;
    const TargetBackend *b = backend;
    if (!b) {
      std::string error;
      owned = createTargetBackend(target, error);
      if (!owned) {
        module.emitError() << error;
        return signalPassFailure();
      }
      b = owned.get();
    }
    KernelModule kernels(module, *b);
    for (auto fn : llvm::make_early_inc_range(module.getOps<func::FuncOp>()))
      if (!fn.isExternal() &&
          failed(Outliner(fn, templates ? b : nullptr, kernels).run()))
        return signalPassFailure();
  }

  const TargetBackend *backend = nullptr;
};
} // namespace

std::unique_ptr<Pass>
mlir::infer::createOutlineKernelsPass(const TargetBackend &backend,
                                      bool templates) {
  return std::make_unique<OutlineKernelsPass>(backend, templates);
}
