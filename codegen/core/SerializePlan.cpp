//===- SerializePlan.cpp - The artifact's plan read off the IR ------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// A direct reading of the planned graph: each distinct #infer.buffer is one
// buffer of the artifact, each launch of each dispatch one launch (a check
// adds the launch that stops the run), outputs no kernel wrote in place are
// copied last, and the constants' bytes go at their planned offsets.
//
//===----------------------------------------------------------------------===//

#include "codegen/core/SerializePlan.h"
#include "codegen/core/PlanValues.h"

#include "ir/ConstantView.h"
#include "ir/InferOps.h"
#include "ir/Provenance.h"

#include <cstring>

using namespace mlir;
using namespace mlir::infer;

namespace {
RankedTensorType tensorType(Value v) {
  return llvm::cast<RankedTensorType>(v.getType());
}

BufferRegion regionOf(BufferSpace space) {
  switch (space) {
  case BufferSpace::arena: return BufferRegion::Arena;
  case BufferSpace::constants: return BufferRegion::Constants;
  case BufferSpace::input: return BufferRegion::Input;
  case BufferSpace::output: return BufferRegion::Output;
  }
  llvm_unreachable("unknown buffer space");
}

void collectNodeNames(Location loc, std::vector<std::string> &names) {
  for (std::string &n : nodeNames(loc))
    if (std::find(names.begin(), names.end(), n) == names.end())
      names.push_back(std::move(n));
}

FailureOr<ArtifactTensor> describe(func::FuncOp fn, Value v, StringAttr name,
                                   std::string fallback) {
  ArtifactTensor t;
  t.name = name ? name.str() : fallback;
  FailureOr<uint8_t> dtype = artifactDType(tensorType(v).getElementType());
  if (failed(dtype))
    return fn.emitError() << "'" << t.name << "' has the element type "
                          << tensorType(v).getElementType()
                          << ", which the runtime cannot carry";
  t.dtype = *dtype;
  t.shape.assign(tensorType(v).getShape().begin(),
                 tensorType(v).getShape().end());
  return t;
}

class Serializer {
public:
  Serializer(func::FuncOp fn, ArtifactPlan &plan,
             std::vector<KernelSummary> &summaries)
      : fn(fn), plan(plan), summaries(summaries) {}
  LogicalResult run();

private:
  /// The artifact buffer of `attr` (one per distinct attribute).
  uint32_t idOf(BufferAttr attr) {
    auto [it, inserted] = ids.try_emplace(attr, plan.buffers.size());
    if (inserted)
      plan.buffers.push_back({regionOf(attr.getSpace()), attr.getOffset(),
                              attr.getSize(), attr.getIndex()});
    return it->second;
  }
  /// The planned buffer of `v`, or failure with a diagnostic at `user`.
  FailureOr<BufferAttr> bufferOf(Value v, Operation *user);
  LogicalResult copyConstant(ConstantOp c);
  LogicalResult serializeDispatch(DispatchOp d);

  func::FuncOp fn;
  ArtifactPlan &plan;
  std::vector<KernelSummary> &summaries;
  llvm::DenseMap<Attribute, uint32_t> ids;
  /// Constant data already copied: (offset, size) in the plan's constants.
  llvm::DenseMap<Attribute, std::pair<uint64_t, uint64_t>> copied;
};

FailureOr<BufferAttr> Serializer::bufferOf(Value v, Operation *user) {
  BufferAttr attr;
  if (auto arg = llvm::dyn_cast<BlockArgument>(v)) {
    attr = fn.getArgAttrOfType<BufferAttr>(arg.getArgNumber(),
                                           DispatchOp::getArgBufferAttrName());
  } else if (auto list = v.getDefiningOp()->getAttrOfType<ArrayAttr>(
                 DispatchOp::getBuffersAttrName())) {
    attr = llvm::dyn_cast<BufferAttr>(
        list[llvm::cast<OpResult>(v).getResultNumber()]);
  }
  if (!attr)
    return user->emitError()
           << "reads a value without a planned buffer (run infer-plan-buffers)";
  return attr;
}

LogicalResult Serializer::copyConstant(ConstantOp c) {
  auto list = c->getAttrOfType<ArrayAttr>(DispatchOp::getBuffersAttrName());
  if (!list)
    return success(); // compiled into the kernels that read it
  auto buffer = llvm::cast<BufferAttr>(list[0]);
  uint64_t at = buffer.getOffset(), size = buffer.getSize();
  if (buffer.getSpace() != BufferSpace::constants || at < plan.constants.size())
    return c.emitError() << "has the buffer " << buffer
                         << ", which overlaps another constant or is not in "
                            "the constants";
  // Padding up to the offset, then the bytes.
  plan.constants.resize(at);
  ElementsAttr value = c.getValue();
  auto seen = copied.find(value);
  if (seen != copied.end()) {
    plan.constants.resize(at + size);
    std::memcpy(plan.constants.data() + at,
                plan.constants.data() + seen->second.first, size);
    return success();
  }
  std::optional<ConstantView> view = ConstantView::get(value);
  if (!view)
    return c.emitError() << "holds data of a type the artifact cannot carry";
  std::vector<char> bytes;
  ArrayRef<char> whole = view->contiguousBytes();
  if (whole.empty() && view->size() > 0) {
    view->appendBytes(bytes);
    whole = bytes;
  }
  if (whole.size() != size)
    return c.emitError() << "holds " << whole.size() << " bytes for a buffer of "
                         << size;
  plan.constants.insert(plan.constants.end(), whole.begin(), whole.end());
  copied[value] = {at, size};
  // In the plan now: the IR's copy goes (the kernels are compiled).
  releaseWeight(value);
  return success();
}

LogicalResult Serializer::serializeDispatch(DispatchOp d) {
  std::vector<uint32_t> args;
  for (Value v : d.getInputs()) {
    FailureOr<BufferAttr> b = bufferOf(v, d);
    if (failed(b))
      return failure();
    args.push_back(idOf(*b));
  }
  auto scratch =
      d->getAttrOfType<ArrayAttr>(DispatchOp::getScratchBuffersAttrName());
  if (d.getScratch().size() != (scratch ? scratch.size() : 0))
    return d.emitError() << "has scratch memory without planned buffers (run "
                            "infer-plan-buffers)";
  if (scratch)
    for (Attribute a : scratch)
      args.push_back(idOf(llvm::cast<BufferAttr>(a)));
  for (Value v : d.getOutputs()) {
    FailureOr<BufferAttr> b = bufferOf(v, d);
    if (failed(b))
      return failure();
    args.push_back(idOf(*b));
  }
  std::vector<std::string> nodes;
  collectNodeNames(d.getLoc(), nodes);
  ArrayAttr launches = d.getLaunches();
  // The report gives the group's FLOPs to the launch that computes the
  // product (a split-K GEMM before its reduction), else to the last one
  // (packing stages come first).
  size_t computes = launches.size() - 1;
  for (auto [k, a] : llvm::enumerate(launches))
    if (llvm::cast<LaunchAttr>(a).getKind().starts_with("gemm")) {
      computes = k;
      break;
    }
  for (auto [k, a] : llvm::enumerate(launches)) {
    auto launch = llvm::cast<LaunchAttr>(a);
    ArtifactKernel kernel;
    kernel.symbol = launch.getKernel().str();
    kernel.kind = launch.getKind().str();
    kernel.grid = launch.getGrid();
    kernel.blockThreads = static_cast<uint32_t>(launch.getThreads());
    kernel.sharedBytes = static_cast<uint32_t>(launch.getShared());
    for (TensorMapAttr m : launch.getMaps())
      kernel.tensorMaps.push_back({m.getArg(), static_cast<uint8_t>(m.getDtype()),
                                   m.getDims().vec(), m.getStrides().vec(),
                                   m.getBox().vec(),
                                   static_cast<uint8_t>(m.getSwizzle()),
                                   m.getIm2col().vec()});
    ArtifactLaunch l;
    l.kernel = plan.kernels.size();
    l.grid = launch.getGrid();
    l.grain = launch.getGrain();
    l.nodes = nodes;
    KernelSummary sum;
    sum.symbol = kernel.symbol;
    sum.pattern = d.getPattern().str();
    sum.kind = d.getTemplated() ? sum.pattern + "/" + kernel.kind : sum.pattern;
    if (auto p = d->getAttrOfType<StringAttr>(kPrecisionAttr))
      sum.precision = p.str();
    sum.nodes = nodes;
    sum.flops = k == computes ? d.getFlops() : 0;
    sum.grid = launch.getGrid();
    sum.threads = launch.getThreads();
    sum.templated = d.getTemplated();
    if (auto c = d->getAttrOfType<StringAttr>(kConfigAttr))
      sum.config = c.str();
    if (auto c = d->getAttrOfType<StringAttr>(kConfigSourceAttr))
      sum.configSource = c.str();
    for (Value v : d.getOutputs())
      if (auto t = llvm::dyn_cast<RankedTensorType>(v.getType());
          t && t.hasStaticShape())
        sum.outputElements += t.getNumElements();
    for (int32_t arg : launch.getArgs()) {
      uint32_t id = args[arg];
      l.args.push_back(id);
      kernel.argBytes.push_back(plan.buffers[id].size);
      sum.bytes += plan.buffers[id].size;
    }
    plan.kernels.push_back(std::move(kernel));
    plan.launches.push_back(std::move(l));
    summaries.push_back(std::move(sum));
  }
  if (std::optional<StringRef> message = d.getCheck()) {
    ArtifactLaunch l;
    l.check = true;
    l.args = {args.back()};
    l.message = message->str();
    l.nodes = nodes;
    plan.launches.push_back(std::move(l));
  }
  return success();
}

LogicalResult Serializer::run() {
  auto arena = fn->getAttrOfType<IntegerAttr>("infer.arena_size");
  auto constants = fn->getAttrOfType<IntegerAttr>("infer.constants_size");
  if (!arena || !constants)
    return fn.emitError() << "has no buffer plan (run infer-plan-buffers)";
  plan.arenaSize = arena.getInt();
  // Room for the weights without touching it: they are appended in the
  // order of their offsets, each released from the IR once copied, so the
  // model is held about once.
  plan.constants.reserve(constants.getInt());

  Block &body = fn.getBody().front();
  for (BlockArgument arg : body.getArguments()) {
    FailureOr<BufferAttr> b = bufferOf(arg, fn);
    if (failed(b))
      return failure();
    plan.inputBuffers.push_back(idOf(*b));
  }
  std::vector<std::pair<uint64_t, ConstantOp>> weights;
  for (Operation &op : body.without_terminator()) {
    if (auto c = llvm::dyn_cast<ConstantOp>(op)) {
      if (auto list = c->getAttrOfType<ArrayAttr>(DispatchOp::getBuffersAttrName()))
        if (auto b = llvm::dyn_cast<BufferAttr>(list[0]))
          weights.push_back({b.getOffset(), c});
    } else if (auto d = llvm::dyn_cast<DispatchOp>(op)) {
      if (failed(serializeDispatch(d)))
        return failure();
    }
  }
  llvm::stable_sort(weights, [](const auto &a, const auto &b) {
    return a.first < b.first;
  });
  for (auto &[offset, c] : weights)
    if (failed(copyConstant(c)))
      return failure();
  if (plan.constants.size() > static_cast<uint64_t>(constants.getInt()))
    return fn.emitError() << "has constants beyond infer.constants_size";
  plan.constants.resize(constants.getInt());
  // Outputs: those written in place, then copies of the rest.
  auto ret = llvm::cast<func::ReturnOp>(body.getTerminator());
  for (auto [j, v] : llvm::enumerate(ret.getOperands())) {
    FailureOr<BufferAttr> b = bufferOf(v, ret);
    if (failed(b))
      return failure();
    if (b->getSpace() == BufferSpace::output && b->getIndex() == j &&
        b->getSize() == byteSize(v)) {
      plan.outputBuffers.push_back(idOf(*b));
      continue;
    }
    uint32_t dst = idOf(BufferAttr::get(fn.getContext(), BufferSpace::output,
                                        j, 0, byteSize(v)));
    ArtifactLaunch copy;
    copy.copy = true;
    copy.args = {idOf(*b), dst};
    plan.launches.push_back(std::move(copy));
    plan.outputBuffers.push_back(dst);
  }
  return success();
}
} // namespace

LogicalResult mlir::infer::describeInterface(func::FuncOp fn,
                                             ArtifactPlan &plan) {
  for (auto [i, arg] : llvm::enumerate(fn.getArguments())) {
    FailureOr<ArtifactTensor> t =
        describe(fn, arg, fn.getArgAttrOfType<StringAttr>(i, "infer.name"),
                 "input" + std::to_string(i));
    if (failed(t))
      return failure();
    plan.inputs.push_back(*t);
  }
  auto ret = llvm::cast<func::ReturnOp>(fn.getBody().front().getTerminator());
  for (auto [j, v] : llvm::enumerate(ret.getOperands())) {
    FailureOr<ArtifactTensor> t =
        describe(fn, v, fn.getResultAttrOfType<StringAttr>(j, "infer.name"),
                 "output" + std::to_string(j));
    if (failed(t))
      return failure();
    plan.outputs.push_back(*t);
  }
  return success();
}

LogicalResult mlir::infer::serializePlan(func::FuncOp fn, ArtifactPlan &plan,
                                         std::vector<KernelSummary> &summaries) {
  return Serializer(fn, plan, summaries).run();
}

bool mlir::infer::underfillsGpu(const KernelSummary &k) {
  if (k.threads <= 0 || k.templated)
    return false;
  return k.grid * k.threads < std::min(k.outputElements, kGpuFillThreads);
}
