//===- PlanBuilder.cpp - Kernels, buffers and launches of a graph ---------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Builds the execution plan: every value gets a buffer (a graph input, a
// packed constant, a model output or a slot in the arena), reshapes alias
// their operand's buffer, each fusion group (each remaining op) becomes
// the launches of a template kernel or one generic kernel, and the arena
// is planned from the launches that touch each buffer.
//
//===----------------------------------------------------------------------===//

#include "codegen/core/PlanBuilder.h"
#include "codegen/core/MemoryPlanner.h"
#include "codegen/core/ScalarOps.h"
#include "codegen/core/TargetBackend.h"

#include "ir/ConstantView.h"
#include "ir/InferOps.h"
#include "ir/Provenance.h"
#include "ir/ShapeInference.h"
#include "transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

using namespace mlir;
using namespace mlir::infer;

namespace {
/// Constants this small are compiled into the kernels that use them.
constexpr int64_t kInlineConstantElements = 64;

RankedTensorType tensorType(Value v) {
  return llvm::cast<RankedTensorType>(v.getType());
}

uint64_t byteSize(Value v) {
  RankedTensorType t = tensorType(v);
  std::optional<ElementKind> kind = elementKindOf(t.getElementType());
  return static_cast<uint64_t>(t.getNumElements()) *
         (kind ? elementBytes(*kind, t.getElementType()) : 1);
}

/// The artifact dtype (infer::fb::DType numbering) of an element type.
FailureOr<uint8_t> dtypeOf(Type t) {
  if (auto q = llvm::dyn_cast<quant::QuantizedType>(t))
    return q.isSigned() ? uint8_t(4) : uint8_t(8);
  if (t.isF32()) return uint8_t(0);
  if (t.isF16()) return uint8_t(1);
  if (t.isBF16()) return uint8_t(2);
  if (t.isF64()) return uint8_t(3);
  if (t.isInteger(1)) return uint8_t(12);
  if (auto i = llvm::dyn_cast<IntegerType>(t)) {
    bool u = i.isUnsigned();
    switch (i.getWidth()) {
    case 8: return uint8_t(u ? 8 : 4);
    case 16: return uint8_t(u ? 9 : 5);
    case 32: return uint8_t(u ? 10 : 6);
    case 64: return uint8_t(u ? 11 : 7);
    }
  }
  return failure();
}

void collectNodeNames(Location loc, std::vector<std::string> &names) {
  for (std::string &n : nodeNames(loc))
    if (std::find(names.begin(), names.end(), n) == names.end())
      names.push_back(std::move(n));
}

int64_t numel(Value v) { return tensorType(v).getNumElements(); }

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

/// Whether `op` only reinterprets its operand's bytes.
bool isAlias(Operation *op) {
  if (llvm::isa<ReshapeOp>(op))
    return true;
  if (auto cast = llvm::dyn_cast<CastOp>(op)) {
    Type from = tensorType(cast.getInput()).getElementType();
    Type to = tensorType(cast.getOutput()).getElementType();
    return storageType(from) == storageType(to) &&
           (isUnsignedElement(from) == isUnsignedElement(to) ||
            llvm::isa<quant::QuantizedType>(from) ||
            llvm::isa<quant::QuantizedType>(to));
  }
  return false;
}

bool isInlineConstant(Value v) {
  auto c = v.getDefiningOp<ConstantOp>();
  return c && numel(v) <= kInlineConstantElements;
}

/// Builds the plan and the kernels of one function.
class PlanBuilder {
public:
  /// `templates` builds template kernels (null: generic kernels only).
  PlanBuilder(func::FuncOp fn, const TargetBackend *templates,
              KernelModule &kernels, ArtifactPlan &plan,
              std::vector<KernelSummary> &summaries)
      : fn(fn), templates(templates), kernels(kernels), plan(plan),
        summaries(summaries) {}

  /// Constant data packed by a kernel template.
  uint32_t packedBuffer(const std::vector<char> &bytes) {
    uint64_t offset = (plan.constants.size() + 63) / 64 * 64;
    plan.constants.resize(offset);
    plan.constants.insert(plan.constants.end(), bytes.begin(), bytes.end());
    return newBuffer(BufferRegion::Constants, offset, bytes.size());
  }

  LogicalResult build(std::string &error);
  uint64_t weightBytes() const { return plan.constants.size(); }

private:
  using Group = KernelGroup;

  uint32_t newBuffer(BufferRegion region, uint64_t offset, uint64_t size,
                     uint32_t index = 0) {
    plan.buffers.push_back({region, offset, size, index});
    firstUse.push_back(-1);
    lastUse.push_back(-1);
    parentOf.push_back(-1);
    return plan.buffers.size() - 1;
  }
  FailureOr<uint32_t> constantBuffer(ConstantOp c, std::string &error);
  /// The buffer holding top-level (or group-inner constant) value `v`.
  FailureOr<uint32_t> bufferFor(Value v, std::string &error);
  /// A new buffer for the top-level result `v`: its slice of an in-place
  /// concatenation, the model output that claims it, or arena.
  uint32_t resultBuffer(Value v) {
    uint32_t id;
    auto slice = sliceOf.find(v);
    auto claim = claimedBy.find(v);
    if (slice != sliceOf.end()) {
      auto [parent, offset] = slice->second;
      id = newBuffer(plan.buffers[parent].region, offset, byteSize(v),
                     plan.buffers[parent].index);
      parentOf[id] = parent;
    } else if (claim != claimedBy.end()) {
      id = newBuffer(BufferRegion::Output, 0, byteSize(v), claim->second);
    } else {
      id = newBuffer(BufferRegion::Arena, 0, byteSize(v));
    }
    bufferOf[v] = id;
    return id;
  }
  /// Records a use at `step` (of the whole buffer a slice belongs to).
  void touch(uint32_t buffer, int64_t step) {
    while (parentOf[buffer] >= 0)
      buffer = parentOf[buffer];
    if (firstUse[buffer] < 0)
      firstUse[buffer] = step;
    lastUse[buffer] = std::max(lastUse[buffer], step);
  }

  LogicalResult emitGroup(const Group &g, std::string &error);
  /// The kernel template of the group's anchor with the rest of the group
  /// as its epilogue; `handled` is false when no template applies.
  LogicalResult emitTemplate(const Group &g, bool &handled, std::string &error);
  /// One kernel of the group's ops, lowered through linalg.
  LogicalResult emitGeneric(const Group &g, std::string &error);
  /// Records a launch of `info` over `args`.
  void launch(const Group &g, const KernelInfo &info, ArrayRef<uint32_t> args,
              int64_t flops, StringRef kindSuffix);

  func::FuncOp fn;
  const TargetBackend *templates;
  KernelModule &kernels;
  ArtifactPlan &plan;
  std::vector<KernelSummary> &summaries;
  llvm::DenseMap<Value, uint32_t> bufferOf;
  llvm::DenseMap<Value, uint32_t> claimedBy;
  /// Operands of in-place concatenations: (the concatenation's buffer,
  /// byte offset).
  llvm::DenseMap<Value, std::pair<uint32_t, uint64_t>> sliceOf;
  std::vector<int64_t> firstUse, lastUse;
  /// The buffer a slice belongs to, or -1.
  std::vector<int64_t> parentOf;
  int64_t step = 0;
};

FailureOr<uint32_t> PlanBuilder::constantBuffer(ConstantOp c,
                                                std::string &error) {
  auto it = bufferOf.find(c.getResult());
  if (it != bufferOf.end())
    return it->second;
  // The constant's own bytes, copied once into the artifact's weights.
  std::optional<ConstantView> view = ConstantView::get(c.getValue());
  if (!view) {
    error = "cannot read the data of a constant";
    return failure();
  }
  uint64_t offset = (plan.constants.size() + 63) / 64 * 64;
  plan.constants.resize(offset);
  std::vector<char> bytes;
  ArrayRef<char> whole = view->contiguousBytes();
  if (whole.empty() && view->size() > 0) {
    view->appendBytes(bytes);
    whole = bytes;
  }
  plan.constants.insert(plan.constants.end(), whole.begin(), whole.end());
  uint32_t id = newBuffer(BufferRegion::Constants, offset, whole.size());
  bufferOf[c.getResult()] = id;
  return id;
}

FailureOr<uint32_t> PlanBuilder::bufferFor(Value v, std::string &error) {
  auto it = bufferOf.find(v);
  if (it != bufferOf.end())
    return it->second;
  if (auto c = v.getDefiningOp<ConstantOp>())
    return constantBuffer(c, error);
  error = "internal: a kernel reads a value that has no buffer";
  return failure();
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

void PlanBuilder::launch(const Group &g, const KernelInfo &info,
                         ArrayRef<uint32_t> args, int64_t flops,
                         StringRef kindSuffix) {
  ArtifactLaunch l;
  l.kernel = plan.kernels.size();
  collectNodeNames(g.root->getLoc(), l.nodes);
  l.grid = info.grid;
  l.grain = info.grain;
  KernelSummary sum;
  sum.symbol = info.symbol;
  sum.kind = g.pattern + kindSuffix.str();
  sum.pattern = g.pattern;
  sum.nodes = l.nodes;
  sum.flops = flops;
  sum.grid = info.grid;
  for (uint32_t a : args) {
    touch(a, step);
    l.args.push_back(a);
    sum.bytes += plan.buffers[a].size;
  }
  std::vector<uint64_t> argBytes;
  for (uint32_t a : args)
    argBytes.push_back(plan.buffers[a].size);
  plan.kernels.push_back({info.symbol, info.kind, info.grid, argBytes,
                          info.blockThreads, info.sharedBytes, info.tensorMaps});
  plan.launches.push_back(std::move(l));
  summaries.push_back(std::move(sum));
  ++step;
}

LogicalResult PlanBuilder::emitTemplate(const Group &g, bool &handled,
                                        std::string &error) {
  handled = false;
  if (g.results.size() != 1)
    return success();
  FailureOr<std::optional<TemplateKernel>> built =
      templates->buildTemplate(g, kernels, error);
  if (failed(built))
    return failure();
  if (!*built)
    return success();
  TemplateKernel &tk = **built;
  handled = true;
  std::vector<uint32_t> ids;
  for (TemplateArg &arg : tk.inputs) {
    if (arg.isPacked()) {
      ids.push_back(packedBuffer(arg.packed));
      continue;
    }
    FailureOr<uint32_t> id = bufferFor(g.toOuter(arg.value), error);
    if (failed(id))
      return failure();
    ids.push_back(*id);
  }
  for (uint64_t bytes : tk.scratchBytes)
    ids.push_back(newBuffer(BufferRegion::Arena, 0, bytes));
  ids.push_back(resultBuffer(g.outer.front()));
  int64_t flops = groupFlops(g.ops);
  for (auto [s, stage] : llvm::enumerate(tk.stages)) {
    bool lastStage = s + 1 == tk.stages.size();
    std::vector<uint32_t> args;
    for (int a : stage.args)
      args.push_back(ids[a]);
    launch(g, stage.info, args, lastStage ? flops : 0, "/" + stage.info.kind);
  }
  return success();
}

LogicalResult PlanBuilder::emitGeneric(const Group &g, std::string &error) {
  // Inputs: values read from outside the ops (small constants go inside).
  llvm::SmallPtrSet<Operation *, 16> inside(g.ops.begin(), g.ops.end());
  SmallVector<Operation *> ops;
  SmallVector<Value> inputs;
  for (Operation *op : g.ops) {
    for (Value v : op->getOperands()) {
      Operation *def = v.getDefiningOp();
      if (def && inside.contains(def))
        continue;
      if (isInlineConstant(v) && !bufferOf.count(v)) {
        if (!llvm::is_contained(ops, def))
          ops.push_back(def);
        continue;
      }
      if (!llvm::is_contained(inputs, v))
        inputs.push_back(v);
    }
  }
  for (Operation *op : g.ops)
    if (!llvm::is_contained(ops, op))
      ops.push_back(op);
  std::string kind = g.pattern;
  FailureOr<KernelInfo> info =
      kernels.addKernel(ops, inputs, g.results, kind, error);
  if (failed(info))
    return failure();
  std::vector<uint32_t> args;
  for (Value v : inputs) {
    FailureOr<uint32_t> id = bufferFor(g.toOuter(v), error);
    if (failed(id))
      return failure();
    args.push_back(*id);
  }
  for (Value v : g.outer)
    args.push_back(resultBuffer(v));
  launch(g, *info, args, groupFlops(g.ops), "");
  return success();
}

LogicalResult PlanBuilder::emitGroup(const Group &g, std::string &error) {
  // Nothing to compute for empty results: give them empty buffers.
  if (llvm::all_of(g.outer, [](Value v) { return numel(v) == 0; })) {
    for (Value v : g.outer) {
      auto claim = claimedBy.find(v);
      bufferOf[v] = claim != claimedBy.end()
                        ? newBuffer(BufferRegion::Output, 0, 0, claim->second)
                        : newBuffer(BufferRegion::Arena, 0, 0);
    }
    return success();
  }
  bool handled = false;
  if (templates && failed(emitTemplate(g, handled, error)))
    return failure();
  if (handled)
    return success();
  return emitGeneric(g, error);
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

LogicalResult PlanBuilder::build(std::string &error) {
  Block &body = fn.getBody().front();
  // Room for every weight (and packing's padding) up front: growing the
  // vector would copy the model's weights each time.
  uint64_t weights = 0;
  fn.walk([&](ConstantOp c) { weights += byteSize(c.getResult()) + 64; });
  plan.constants.reserve(weights + weights / 8 + 4096);
  auto ret = llvm::cast<func::ReturnOp>(body.getTerminator());

  for (auto [i, arg] : llvm::enumerate(body.getArguments())) {
    uint32_t id = newBuffer(BufferRegion::Input, 0, byteSize(arg), i);
    bufferOf[arg] = id;
    plan.inputBuffers.push_back(id);
  }
  // Which produced value each output claims, following aliases back to the
  // kernel that writes the bytes.
  std::vector<bool> outputClaimed(ret.getNumOperands(), false);
  for (auto [j, v] : llvm::enumerate(ret.getOperands())) {
    Value base = v;
    while (Operation *def = base.getDefiningOp()) {
      if (!isAlias(def))
        break;
      base = def->getOperand(0);
    }
    Operation *def = base.getDefiningOp();
    if (!def || llvm::isa<ConstantOp>(def) || claimedBy.count(base))
      continue;
    claimedBy[base] = j;
    outputClaimed[j] = true;
  }

  // In-place concatenations: their buffers exist before their operands'
  // producers run, which write straight into their slices.
  for (Operation &op : body.without_terminator()) {
    auto concat = llvm::dyn_cast<ConcatOp>(op);
    if (!concat || !concat->hasAttr(kInPlaceAttr))
      continue;
    std::string why;
    if (failed(canConcatInPlace(concat, why))) {
      concat->removeAttr(kInPlaceAttr);
      continue;
    }
    uint32_t whole = resultBuffer(concat.getOutput());
    uint64_t offset = 0;
    for (Value v : concat.getInputs()) {
      sliceOf[v] = {whole, offset};
      offset += byteSize(v);
    }
  }

  // Each weight's memory goes once its last reader's kernel is built (it is
  // in the plan's constants by then): the model is held about once.
  llvm::DenseMap<Operation *, SmallVector<ConstantOp>> lastReaderOf;
  {
    llvm::DenseMap<Operation *, Operation *> lastReader;
    for (Operation &op : body)
      for (Value v : op.getOperands())
        if (auto c = v.getDefiningOp<ConstantOp>())
          lastReader[c] = &op;
    for (auto [c, reader] : lastReader)
      if (!llvm::isa<func::ReturnOp>(reader))
        lastReaderOf[reader].push_back(llvm::cast<ConstantOp>(c));
  }
  auto releaseRead = [&](Operation &op) {
    auto it = lastReaderOf.find(&op);
    if (it != lastReaderOf.end())
      for (ConstantOp c : it->second)
        if (!isInlineConstant(c.getResult())) // small ones live in kernels
          releaseWeight(c.getValue());
  };
  for (Operation &op : body.without_terminator()) {
    // Constants get buffers when a kernel reads them unpacked; small ones
    // are compiled into their users' kernels.
    if (llvm::isa<ConstantOp>(op))
      continue;
    if (op.hasAttr(kInPlaceAttr) && llvm::isa<ConcatOp>(op)) {
      // Every operand was written into its slice by its producer.
      for (Value v : op.getOperands()) {
        auto it = bufferOf.find(v);
        if (it == bufferOf.end() || parentOf[it->second] < 0) {
          error = "internal: an operand of an in-place concatenation was "
                  "not written in place";
          return failure();
        }
      }
      continue;
    }
    if (isAlias(&op)) {
      Value src = op.getOperand(0);
      FailureOr<uint32_t> id = bufferFor(src, error);
      if (failed(id))
        return failure();
      bufferOf[op.getResult(0)] = *id;
      continue;
    }
    if (!llvm::isa<InferDialect>(op.getDialect()) ||
        (op.getNumRegions() != 0 && !llvm::isa<FusedOp>(op))) {
      error = "cannot compile '" + op.getName().getStringRef().str() + "'";
      return failure();
    }
    Group g;
    g.root = &op;
    if (auto fused = llvm::dyn_cast<FusedOp>(op)) {
      g.pattern = fused.getPattern().str();
      for (Operation &inner : fused.getBody().front().without_terminator())
        g.ops.push_back(&inner);
      g.results.assign(fused.getYield().getValues().begin(),
                       fused.getYield().getValues().end());
      // A group yielding one of its inputs unchanged would need a copy.
      if (llvm::any_of(g.results, [](Value v) {
            return llvm::isa<BlockArgument>(v);
          })) {
        error = "internal: a fusion group yields one of its inputs";
        return failure();
      }
    } else {
      g.pattern = opPattern(&op);
      g.ops.push_back(&op);
      g.results.assign(op.getResults().begin(), op.getResults().end());
    }
    g.outer.assign(op.getResults().begin(), op.getResults().end());
    if (failed(emitGroup(g, error))) {
      // Say which ONNX nodes the kernel was for.
      std::string where = describeNodes(op.getLoc());
      if (!where.empty())
        error = where + ": " + error;
      return failure();
    }
    releaseRead(op);
    // A check's kernel computes its flag; the launch after it stops the
    // run when the flag is set.
    if (auto check = llvm::dyn_cast<CheckOp>(op)) {
      uint32_t flag = bufferOf[check.getFailed()];
      ArtifactLaunch l;
      l.check = true;
      l.args = {flag};
      l.message = check.describeFailure();
      collectNodeNames(op.getLoc(), l.nodes);
      touch(flag, step);
      plan.launches.push_back(std::move(l));
      ++step;
    }
  }

  // Outputs: the claimed ones are written in place; the rest are copies.
  for (auto [j, v] : llvm::enumerate(ret.getOperands())) {
    if (!bufferOf.count(v)) {
      auto c = v.getDefiningOp<ConstantOp>();
      if (!c || failed(constantBuffer(c, error)))
        return failure();
    }
    uint32_t src = bufferOf[v];
    if (outputClaimed[j] && plan.buffers[src].region == BufferRegion::Output &&
        plan.buffers[src].index == j) {
      plan.outputBuffers.push_back(src);
      continue;
    }
    uint32_t dst = newBuffer(BufferRegion::Output, 0, byteSize(v), j);
    touch(src, step);
    ArtifactLaunch copy;
    copy.copy = true;
    copy.args = {src, dst};
    plan.launches.push_back(copy);
    plan.outputBuffers.push_back(dst);
    ++step;
  }

  // The arena.
  std::vector<PlannedBuffer> arena;
  std::vector<uint32_t> ids;
  for (uint32_t i = 0; i < plan.buffers.size(); ++i) {
    if (plan.buffers[i].region != BufferRegion::Arena || parentOf[i] >= 0)
      continue;
    arena.push_back({plan.buffers[i].size, std::max<int64_t>(firstUse[i], 0),
                     std::max<int64_t>(lastUse[i], 0), 0});
    ids.push_back(i);
  }
  plan.arenaSize = planArena(arena);
  for (size_t k = 0; k < ids.size(); ++k)
    plan.buffers[ids[k]].offset = arena[k].offset;
  // Slices sit at their offset within their whole buffer.
  for (uint32_t i = 0; i < plan.buffers.size(); ++i)
    if (parentOf[i] >= 0)
      plan.buffers[i].offset += plan.buffers[parentOf[i]].offset;
  return success();
}

FailureOr<ArtifactTensor> describe(Value v, StringAttr name, std::string fallback,
                                   std::string &error) {
  ArtifactTensor t;
  t.name = name ? name.str() : fallback;
  FailureOr<uint8_t> dtype = dtypeOf(tensorType(v).getElementType());
  if (failed(dtype)) {
    error = "'" + t.name + "' has an element type the runtime cannot carry";
    return failure();
  }
  t.dtype = *dtype;
  t.shape.assign(tensorType(v).getShape().begin(), tensorType(v).getShape().end());
  return t;
}

} // namespace

LogicalResult mlir::infer::buildPlan(func::FuncOp fn,
                                     const TargetBackend *templates,
                                     KernelModule &kernels, ArtifactPlan &plan,
                                     std::vector<KernelSummary> &summaries,
                                     std::string &error) {
  return PlanBuilder(fn, templates, kernels, plan, summaries).build(error);
}

LogicalResult mlir::infer::describeInterface(func::FuncOp fn,
                                             ArtifactPlan &plan,
                                             std::string &error) {
  for (auto [i, arg] : llvm::enumerate(fn.getArguments())) {
    FailureOr<ArtifactTensor> t =
        describe(arg, fn.getArgAttrOfType<StringAttr>(i, "infer.name"),
                 "input" + std::to_string(i), error);
    if (failed(t))
      return failure();
    plan.inputs.push_back(*t);
  }
  auto ret = llvm::cast<func::ReturnOp>(fn.getBody().front().getTerminator());
  for (auto [j, v] : llvm::enumerate(ret.getOperands())) {
    FailureOr<ArtifactTensor> t =
        describe(v, fn.getResultAttrOfType<StringAttr>(j, "infer.name"),
                 "output" + std::to_string(j), error);
    if (failed(t))
      return failure();
    plan.outputs.push_back(*t);
  }
  return success();
}
