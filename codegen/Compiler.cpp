//===- Compiler.cpp - ONNX-imported modules to .infer artifacts -----------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Builds the execution plan: every value gets a buffer (a graph input, a
// packed constant, a model output or a slot in the arena), reshapes alias
// their operand's buffer, each remaining op becomes a kernel launch, and the
// arena is planned from the launches that touch each buffer.
//
//===----------------------------------------------------------------------===//

#include "codegen/Compiler.h"
#include "codegen/ArtifactWriter.h"
#include "codegen/MemoryPlanner.h"
#include "codegen/ScalarOps.h"
#include "codegen/cpu/ContractionTemplates.h"

#include "ir/InferOps.h"
#include "ir/ShapeInference.h"
#include "reference/Tensor.h"
#include "transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Config/llvm-config.h"

using namespace mlir;
using namespace mlir::infer;

std::string mlir::infer::compilerVersion() {
  return "infer 0.1.0 (LLVM " LLVM_VERSION_STRING ")";
}

namespace {
/// Constants this small are compiled into the kernels that use them.
constexpr int64_t kInlineConstantElements = 64;

RankedTensorType tensorType(Value v) {
  return llvm::cast<RankedTensorType>(v.getType());
}

uint64_t byteSize(Value v) {
  RankedTensorType t = tensorType(v);
  return static_cast<uint64_t>(t.getNumElements()) *
         reference::Tensor::byteWidth(t.getElementType());
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
  if (auto n = llvm::dyn_cast<NameLoc>(loc)) {
    std::string s = n.getName().str();
    if (std::find(names.begin(), names.end(), s) == names.end())
      names.push_back(s);
    return;
  }
  if (auto f = llvm::dyn_cast<FusedLoc>(loc))
    for (Location l : f.getLocations())
      collectNodeNames(l, names);
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
  PlanBuilder(func::FuncOp fn, KernelModule &kernels, ArtifactPlan &plan,
              std::vector<KernelSummary> &summaries)
      : fn(fn), kernels(kernels), plan(plan), summaries(summaries) {}

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
  uint32_t newBuffer(BufferRegion region, uint64_t offset, uint64_t size,
                     uint32_t index = 0) {
    plan.buffers.push_back({region, offset, size, index});
    firstUse.push_back(-1);
    lastUse.push_back(-1);
    return plan.buffers.size() - 1;
  }
  FailureOr<uint32_t> constantBuffer(ConstantOp c, std::string &error);
  void touch(uint32_t buffer, int64_t step) {
    if (firstUse[buffer] < 0)
      firstUse[buffer] = step;
    lastUse[buffer] = std::max(lastUse[buffer], step);
  }

  func::FuncOp fn;
  KernelModule &kernels;
  ArtifactPlan &plan;
  std::vector<KernelSummary> &summaries;
  llvm::DenseMap<Value, uint32_t> bufferOf;
  std::vector<int64_t> firstUse, lastUse;
};

FailureOr<uint32_t> PlanBuilder::constantBuffer(ConstantOp c,
                                                std::string &error) {
  auto it = bufferOf.find(c.getResult());
  if (it != bufferOf.end())
    return it->second;
  FailureOr<reference::Tensor> t = reference::Tensor::fromAttr(c.getValue());
  if (failed(t)) {
    error = "cannot read the data of a constant";
    return failure();
  }
  std::vector<char> bytes = t->toBytes();
  uint64_t offset = (plan.constants.size() + 63) / 64 * 64;
  plan.constants.resize(offset);
  plan.constants.insert(plan.constants.end(), bytes.begin(), bytes.end());
  uint32_t id = newBuffer(BufferRegion::Constants, offset, bytes.size());
  bufferOf[c.getResult()] = id;
  return id;
}

LogicalResult PlanBuilder::build(std::string &error) {
  Block &body = fn.getBody().front();
  auto ret = llvm::cast<func::ReturnOp>(body.getTerminator());

  for (auto [i, arg] : llvm::enumerate(body.getArguments())) {
    uint32_t id = newBuffer(BufferRegion::Input, 0, byteSize(arg), i);
    bufferOf[arg] = id;
    plan.inputBuffers.push_back(id);
  }
  // Which produced value each output claims, following aliases back to the
  // kernel that writes the bytes.
  llvm::DenseMap<Value, uint32_t> claimedBy;
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

  int64_t step = 0;
  for (Operation &op : body.without_terminator()) {
    // Constants get buffers when a kernel reads them unpacked; small ones
    // are compiled into their users' kernels.
    if (llvm::isa<ConstantOp>(op))
      continue;
    if (isAlias(&op)) {
      Value src = op.getOperand(0);
      if (!bufferOf.count(src)) {
        auto c = src.getDefiningOp<ConstantOp>();
        if (!c || failed(constantBuffer(c, error)))
          return failure();
      }
      bufferOf[op.getResult(0)] = bufferOf[src];
      continue;
    }
    if (op.getNumRegions() != 0 || !llvm::isa<InferDialect>(op.getDialect())) {
      error = "cannot compile '" + op.getName().getStringRef().str() + "'";
      return failure();
    }
    // Nothing to compute for empty results: give them empty buffers.
    if (llvm::all_of(op.getResults(), [](Value v) { return numel(v) == 0; })) {
      for (Value v : op.getResults()) {
        auto claim = claimedBy.find(v);
        bufferOf[v] = claim != claimedBy.end()
                          ? newBuffer(BufferRegion::Output, 0, 0, claim->second)
                          : newBuffer(BufferRegion::Arena, 0, 0);
      }
      continue;
    }
    std::string kind = op.getName().stripDialect().str();
    if (auto u = llvm::dyn_cast<UnaryOp>(op))
      kind += "." + stringifyUnaryKind(u.getKind()).str();
    else if (auto bin = llvm::dyn_cast<BinaryOp>(op))
      kind += "." + stringifyBinaryKind(bin.getKind()).str();
    ArtifactLaunch launch;
    launch.kernel = plan.kernels.size();
    collectNodeNames(op.getLoc(), launch.nodes);
    KernelSummary summary{"", kind, launch.nodes, estimateFlops(&op), 0, 1};

    // A kernel template: its packed constants, scratch buffers alive for
    // its launches only, and one launch per stage.
    if (auto config = op.getAttrOfType<DictionaryAttr>("infer.tile")) {
      FailureOr<TemplateKernel> tk =
          buildTemplateKernel(&op, config, /*epilogue=*/{}, kernels, error);
      if (failed(tk))
        return failure();
      std::vector<uint32_t> ids;
      for (TemplateArg &arg : tk->inputs) {
        if (arg.isPacked()) {
          ids.push_back(packedBuffer(arg.packed));
          continue;
        }
        if (!bufferOf.count(arg.value)) {
          auto c = arg.value.getDefiningOp<ConstantOp>();
          if (!c || failed(constantBuffer(c, error)))
            return failure();
        }
        ids.push_back(bufferOf[arg.value]);
      }
      for (uint64_t bytes : tk->scratchBytes)
        ids.push_back(newBuffer(BufferRegion::Arena, 0, bytes));
      Value v = op.getResult(0);
      auto claim = claimedBy.find(v);
      uint32_t out = claim != claimedBy.end()
                         ? newBuffer(BufferRegion::Output, 0, byteSize(v), claim->second)
                         : newBuffer(BufferRegion::Arena, 0, byteSize(v));
      bufferOf[v] = out;
      ids.push_back(out);
      for (auto [s, stage] : llvm::enumerate(tk->stages)) {
        bool last = s + 1 == tk->stages.size();
        ArtifactLaunch l;
        l.kernel = plan.kernels.size();
        l.nodes = launch.nodes;
        l.grid = stage.info.grid;
        l.grain = stage.info.grain;
        KernelSummary sum = summary;
        sum.symbol = stage.info.symbol;
        sum.kind = kind + "/" + stage.info.kind;
        sum.grid = stage.info.grid;
        sum.flops = last ? summary.flops : 0;
        sum.bytes = 0;
        for (int a : stage.args) {
          touch(ids[a], step);
          l.args.push_back(ids[a]);
          sum.bytes += plan.buffers[ids[a]].size;
        }
        plan.kernels.push_back({stage.info.symbol, stage.info.kind});
        plan.launches.push_back(std::move(l));
        summaries.push_back(std::move(sum));
        ++step;
      }
      continue;
    }

    // A kernel: its small constant operands go inside.
    SmallVector<Operation *> group;
    SmallVector<Value> inputs;
    for (Value v : op.getOperands()) {
      if (isInlineConstant(v) && !bufferOf.count(v)) {
        if (!llvm::is_contained(group, v.getDefiningOp()))
          group.push_back(v.getDefiningOp());
        continue;
      }
      if (!bufferOf.count(v)) {
        auto c = v.getDefiningOp<ConstantOp>();
        if (!c || failed(constantBuffer(c, error)))
          return failure();
      }
      if (!llvm::is_contained(inputs, v))
        inputs.push_back(v);
    }
    group.push_back(&op);
    SmallVector<Value> outputs(op.getResults());
    FailureOr<KernelInfo> info =
        kernels.addKernel(group, inputs, outputs, kind, error);
    if (failed(info))
      return failure();
    launch.grid = info->grid;
    launch.grain = info->grain;
    plan.kernels.push_back({info->symbol, info->kind});
    summary.symbol = info->symbol;
    summary.grid = info->grid;
    for (Value v : inputs) {
      uint32_t id = bufferOf[v];
      touch(id, step);
      launch.args.push_back(id);
      summary.bytes += byteSize(v);
    }
    for (Value v : outputs) {
      uint32_t id;
      auto claim = claimedBy.find(v);
      if (claim != claimedBy.end())
        id = newBuffer(BufferRegion::Output, 0, byteSize(v), claim->second);
      else
        id = newBuffer(BufferRegion::Arena, 0, byteSize(v));
      bufferOf[v] = id;
      touch(id, step);
      launch.args.push_back(id);
      summary.bytes += byteSize(v);
    }
    plan.launches.push_back(std::move(launch));
    summaries.push_back(std::move(summary));
    ++step;
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
    if (plan.buffers[i].region != BufferRegion::Arena)
      continue;
    arena.push_back({plan.buffers[i].size, std::max<int64_t>(firstUse[i], 0),
                     std::max<int64_t>(lastUse[i], 0), 0});
    ids.push_back(i);
  }
  plan.arenaSize = planArena(arena);
  for (size_t k = 0; k < ids.size(); ++k)
    plan.buffers[ids[k]].offset = arena[k].offset;
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

FailureOr<CompileResult> mlir::infer::compileModule(ModuleOp module,
                                                    const CompileOptions &options,
                                                    std::string &error) {
  MLIRContext *ctx = module.getContext();
  std::string cpuName;
  if (options.target == "cpu") {
    cpuName = "host";
  } else if (StringRef(options.target).starts_with("cpu:")) {
    cpuName = options.target.substr(4);
  } else {
    error = "unknown target '" + options.target + "' (this build supports "
            "cpu and cpu:<cpu-name>)";
    return failure();
  }
  auto funcs = module.getOps<func::FuncOp>();
  if (funcs.empty()) {
    error = "the module has no function";
    return failure();
  }
  func::FuncOp fn = *funcs.begin();
  for (auto [i, arg] : llvm::enumerate(fn.getArguments())) {
    if (!tensorType(arg).hasStaticShape()) {
      auto name = fn.getArgAttrOfType<StringAttr>(i, "infer.name");
      error = "input '" + (name ? name.str() : std::to_string(i)) +
              "' has dynamic dimensions " +
              formatShape(tensorType(arg).getShape()) +
              "; compile for static shapes with --input-shape (or "
              "--dynamic-dim)";
      return failure();
    }
  }

  // Graph optimization.
  PassManager pm(ctx, ModuleOp::getOperationName());
  if (options.configurePassManager)
    options.configurePassManager(pm);
  if (options.optLevel >= 1) {
    pm.addPass(createInferRemoveIdentity());
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createCSEPass());
  }
  std::string diagnostic;
  {
    ScopedDiagnosticHandler handler(ctx, [&](Diagnostic &d) {
      if (d.getSeverity() == DiagnosticSeverity::Error && diagnostic.empty())
        diagnostic = d.str();
      return success();
    });
    if (failed(pm.run(module))) {
      error = "graph optimization failed: " + diagnostic;
      return failure();
    }
  }
  std::string dynamicError;
  fn.walk([&](Operation *op) {
    for (Value v : op->getResults())
      if (auto t = llvm::dyn_cast<RankedTensorType>(v.getType()))
        if (!t.hasStaticShape() && dynamicError.empty())
          dynamicError = "a value of shape " + formatShape(t.getShape()) +
                         " is still dynamic after shape inference";
  });
  if (!dynamicError.empty()) {
    error = dynamicError;
    return failure();
  }

  std::unique_ptr<CpuTarget> target = createCpuTarget(cpuName, error);
  if (!target)
    return failure();
  CompileResult result;
  result.target = options.target;
  result.cpu = target->cpu;
  ArtifactPlan plan;
  plan.compiler = compilerVersion();
  plan.target = "cpu";
  if (auto src = module->getAttrOfType<StringAttr>("infer.source"))
    plan.source = src.str();
  for (auto [i, arg] : llvm::enumerate(fn.getArguments())) {
    FailureOr<ArtifactTensor> t = describe(
        arg, fn.getArgAttrOfType<StringAttr>(i, "infer.name"),
        "input" + std::to_string(i), error);
    if (failed(t))
      return failure();
    plan.inputs.push_back(*t);
  }
  auto ret = llvm::cast<func::ReturnOp>(fn.getBody().front().getTerminator());
  for (auto [j, v] : llvm::enumerate(ret.getOperands())) {
    FailureOr<ArtifactTensor> t = describe(
        v, fn.getResultAttrOfType<StringAttr>(j, "infer.name"),
        "output" + std::to_string(j), error);
    if (failed(t))
      return failure();
    plan.outputs.push_back(*t);
  }

  // Kernel templates: choose tile configurations (kept as attributes).
  if (options.kernelTemplates)
    fn.walk([&](Operation *op) {
      if (llvm::isa<ConvOp, GemmOp, MatMulOp>(op))
        selectTileConfig(op, *target);
    });

  KernelModule kernels(ctx);
  PlanBuilder builder(fn, kernels, plan, result.kernels);
  if (failed(builder.build(error)))
    return failure();
  if (kernels.size() > 0) {
    FailureOr<std::vector<char>> so =
        kernels.compileToSharedObject(*target, options.cpu, error);
    if (failed(so))
      return failure();
    plan.binaries.push_back({"cpu", "elf-shared-object", target->cpu,
                             target->requiredFeatures, std::move(*so)});
  }
  result.arenaBytes = plan.arenaSize;
  result.weightBytes = plan.constants.size();
  result.artifact = writeArtifact(plan);
  return result;
}
