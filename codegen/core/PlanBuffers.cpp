//===- PlanBuffers.cpp - The infer-plan-buffers pass ----------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Every value of a dispatched graph gets its bytes: graph inputs and the
// outputs a kernel writes in place are the caller's tensors, constants are
// laid out in the artifact's weights, aliases and slices of in-place
// concatenations share their whole buffer, and the rest is placed in one
// arena from the liveness of buffers over the launches.
//
//===----------------------------------------------------------------------===//

#include "codegen/core/MemoryPlanner.h"
#include "codegen/core/Passes.h"
#include "codegen/core/PlanValues.h"

#include "ir/InferOps.h"
#include "transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace mlir::infer {
#define GEN_PASS_DEF_INFERPLANBUFFERS
#include "codegen/core/Passes.h.inc"
} // namespace mlir::infer

using namespace mlir;
using namespace mlir::infer;

namespace {
/// Constants start at multiples of this many bytes (a cache line; what the
/// templates' vector loads assume).
constexpr uint64_t kConstantAlignment = 64;

struct PlannedValue {
  BufferSpace space = BufferSpace::arena;
  uint32_t index = 0;
  uint64_t offset = 0, size = 0;
  /// The first and last step touching the buffer (-1: none).
  int64_t first = -1, last = -1;
  /// The whole buffer a slice belongs to, or -1.
  int64_t parent = -1;
};

class Planner {
public:
  explicit Planner(func::FuncOp fn) : fn(fn) {}
  LogicalResult run();

private:
  uint32_t newBuffer(BufferSpace space, uint64_t size, uint32_t index = 0,
                     uint64_t offset = 0) {
    PlannedValue b;
    b.space = space;
    b.size = size;
    b.index = index;
    b.offset = offset;
    buffers.push_back(b);
    return buffers.size() - 1;
  }
  /// The buffer holding `v`: its own, or a constant's laid out now.
  FailureOr<uint32_t> bufferFor(Value v, Operation *user);
  /// A new buffer for result `v`: its slice of an in-place concatenation,
  /// the graph output that claims it, or arena.
  uint32_t resultBuffer(Value v);
  /// Records a use at `at` (of the whole buffer a slice belongs to).
  void touch(uint32_t id, int64_t at) {
    while (buffers[id].parent >= 0)
      id = buffers[id].parent;
    if (buffers[id].first < 0)
      buffers[id].first = at;
    buffers[id].last = std::max(buffers[id].last, at);
  }
  LogicalResult planDispatch(DispatchOp d);
  BufferAttr attrOf(uint32_t id) {
    const PlannedValue &b = buffers[id];
    return BufferAttr::get(fn.getContext(), b.space, b.index, b.offset, b.size);
  }
  void writeAttributes();

  func::FuncOp fn;
  std::vector<PlannedValue> buffers;
  llvm::DenseMap<Value, uint32_t> bufferOf;
  llvm::DenseMap<Value, uint32_t> claimedBy;
  /// Operands of in-place concatenations: (the whole buffer, byte offset).
  llvm::DenseMap<Value, std::pair<uint32_t, uint64_t>> sliceOf;
  llvm::DenseMap<Operation *, SmallVector<uint32_t>> scratchOf;
  uint64_t constantsSize = 0;
  int64_t step = 0;
};

FailureOr<uint32_t> Planner::bufferFor(Value v, Operation *user) {
  auto it = bufferOf.find(v);
  if (it != bufferOf.end())
    return it->second;
  if (v.getDefiningOp<ConstantOp>()) {
    uint64_t offset =
        (constantsSize + kConstantAlignment - 1) / kConstantAlignment *
        kConstantAlignment;
    uint32_t id = newBuffer(BufferSpace::constants, byteSize(v), 0, offset);
    constantsSize = offset + byteSize(v);
    bufferOf[v] = id;
    return id;
  }
  return user->emitError() << "reads a value no kernel writes (outline the "
                              "kernels first: infer-outline-kernels)";
}

uint32_t Planner::resultBuffer(Value v) {
  uint32_t id;
  auto slice = sliceOf.find(v);
  auto claim = claimedBy.find(v);
  if (slice != sliceOf.end()) {
    auto [whole, offset] = slice->second;
    id = newBuffer(buffers[whole].space, byteSize(v), buffers[whole].index,
                   offset);
    buffers[id].parent = whole;
  } else if (claim != claimedBy.end()) {
    id = newBuffer(BufferSpace::output, byteSize(v), claim->second);
  } else {
    id = newBuffer(BufferSpace::arena, byteSize(v));
  }
  bufferOf[v] = id;
  return id;
}

LogicalResult Planner::planDispatch(DispatchOp d) {
  SmallVector<uint32_t> ids;
  for (Value v : d.getInputs()) {
    FailureOr<uint32_t> id = bufferFor(v, d);
    if (failed(id))
      return failure();
    ids.push_back(*id);
  }
  for (int64_t bytes : d.getScratch()) {
    ids.push_back(newBuffer(BufferSpace::arena, bytes));
    scratchOf[d].push_back(ids.back());
  }
  for (Value v : d.getOutputs())
    ids.push_back(resultBuffer(v));
  for (Attribute a : d.getLaunches()) {
    for (int32_t arg : llvm::cast<LaunchAttr>(a).getArgs())
      touch(ids[arg], step);
    ++step;
  }
  // A check's launch reads the flag after the kernel that sets it.
  if (d.getCheck()) {
    touch(bufferOf[d.getOutputs()[0]], step);
    ++step;
  }
  return success();
}

LogicalResult Planner::run() {
  Block &body = fn.getBody().front();
  for (auto [i, arg] : llvm::enumerate(body.getArguments()))
    bufferOf[arg] = newBuffer(BufferSpace::input, byteSize(arg), i);

  // Which value each output claims: the one whose kernel writes the bytes
  // (following aliases back).
  auto ret = llvm::cast<func::ReturnOp>(body.getTerminator());
  for (auto [j, v] : llvm::enumerate(ret.getOperands())) {
    Value base = v;
    while (Operation *def = base.getDefiningOp()) {
      if (!isAlias(def))
        break;
      base = def->getOperand(0);
    }
    if (base.getDefiningOp<DispatchOp>() && !claimedBy.count(base))
      claimedBy[base] = j;
  }

  // In-place concatenations: their buffers exist before their operands'
  // kernels run, which write straight into their slices.
  for (Operation &op : body.without_terminator()) {
    auto concat = llvm::dyn_cast<ConcatOp>(op);
    if (!concat || !concat->hasAttr(kInPlaceAttr))
      continue;
    std::string why;
    if (failed(canConcatInPlace(concat, why)))
      return concat->emitError() << "cannot be concatenated in place: " << why;
    uint32_t whole = resultBuffer(concat.getOutput());
    uint64_t offset = 0;
    for (Value v : concat.getInputs()) {
      sliceOf[v] = {whole, offset};
      offset += byteSize(v);
    }
  }

  for (Operation &op : body.without_terminator()) {
    if (llvm::isa<ConstantOp>(op))
      continue;
    if (auto d = llvm::dyn_cast<DispatchOp>(op)) {
      if (failed(planDispatch(d)))
        return failure();
      continue;
    }
    if (isAlias(&op)) {
      FailureOr<uint32_t> id = bufferFor(op.getOperand(0), &op);
      if (failed(id))
        return failure();
      bufferOf[op.getResult(0)] = *id;
      continue;
    }
    if (llvm::isa<ConcatOp>(op) && op.hasAttr(kInPlaceAttr)) {
      for (Value v : op.getOperands()) {
        auto it = bufferOf.find(v);
        if (it == bufferOf.end() || buffers[it->second].parent < 0)
          return op.emitError() << "an operand of an in-place concatenation "
                                   "was not written into its slice";
      }
      continue;
    }
    return op.emitError() << "cannot have a buffer planned: only constants, "
                             "dispatches, aliases and in-place concatenations "
                             "remain after infer-outline-kernels";
  }

  // Outputs a kernel did not write in place are copied after the launches.
  for (auto [j, v] : llvm::enumerate(ret.getOperands())) {
    FailureOr<uint32_t> src = bufferFor(v, ret);
    if (failed(src))
      return failure();
    const PlannedValue &b = buffers[*src];
    if (b.space == BufferSpace::output && b.index == j && b.parent < 0)
      continue;
    touch(*src, step++);
  }

  // The arena.
  std::vector<PlannedBuffer> arena;
  std::vector<uint32_t> ids;
  for (uint32_t i = 0; i < buffers.size(); ++i) {
    if (buffers[i].space != BufferSpace::arena || buffers[i].parent >= 0)
      continue;
    arena.push_back({buffers[i].size, std::max<int64_t>(buffers[i].first, 0),
                     std::max<int64_t>(buffers[i].last, 0), 0});
    ids.push_back(i);
  }
  uint64_t arenaSize = planArena(arena);
  for (size_t k = 0; k < ids.size(); ++k)
    buffers[ids[k]].offset = arena[k].offset;
  // Slices sit at their offset within their whole buffer.
  for (PlannedValue &b : buffers)
    if (b.parent >= 0)
      b.offset += buffers[b.parent].offset;

  writeAttributes();
  Builder b(fn.getContext());
  fn->setAttr("infer.arena_size", b.getI64IntegerAttr(arenaSize));
  fn->setAttr("infer.constants_size", b.getI64IntegerAttr(constantsSize));
  return success();
}

void Planner::writeAttributes() {
  Builder b(fn.getContext());
  for (auto [i, arg] : llvm::enumerate(fn.getArguments()))
    fn.setArgAttr(i, DispatchOp::getArgBufferAttrName(),
                  attrOf(bufferOf[arg]));
  for (Operation &op : fn.getBody().front().without_terminator()) {
    SmallVector<Attribute> list;
    for (Value v : op.getResults()) {
      auto it = bufferOf.find(v);
      if (it == bufferOf.end())
        break;
      list.push_back(attrOf(it->second));
    }
    // Constants no kernel reads as a buffer (compiled into kernels) have
    // none.
    if (list.size() == op.getNumResults() && !list.empty())
      op.setAttr(DispatchOp::getBuffersAttrName(), b.getArrayAttr(list));
    auto scratch = scratchOf.find(&op);
    if (scratch != scratchOf.end()) {
      SmallVector<Attribute> s;
      for (uint32_t id : scratch->second)
        s.push_back(attrOf(id));
      op.setAttr(DispatchOp::getScratchBuffersAttrName(), b.getArrayAttr(s));
    }
  }
}

struct PlanBuffersPass : infer::impl::InferPlanBuffersBase<PlanBuffersPass> {
  void runOnOperation() override {
    for (auto fn : getOperation().getOps<func::FuncOp>())
      if (!fn.isExternal() && failed(Planner(fn).run()))
        return signalPassFailure();
  }
};
} // namespace
