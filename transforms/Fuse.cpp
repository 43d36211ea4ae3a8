//===- Fuse.cpp - Form fusion groups ---------------------------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Decides which ops run as one kernel and makes the decision visible: each
// group becomes an `infer.fused` region whose location fuses the ONNX node
// names of its ops. Three kinds of groups, formed in this order:
//
//   anchor + epilogue   conv / matmul / attention / softmax / layer_norm and
//                       the single-use chain of elementwise ops after it;
//   elementwise         connected elementwise ops, broadcasts included;
//   views               transposes, reshapes and slices at a group's inputs
//                       (or after an attention) cloned into it, so the
//                       kernel reads or writes through a strided view.
//
//===----------------------------------------------------------------------===//

#include "transforms/Passes.h"

#include "mlir/Analysis/TopologicalSortUtils.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/IRMapping.h"

namespace mlir::infer {
#define GEN_PASS_DEF_INFERFUSE
#include "transforms/Passes.h.inc"
} // namespace mlir::infer

using namespace mlir;
using namespace mlir::infer;

/// Constants with at most this many elements are cloned into the groups
/// that use them; larger ones (weights) enter as operands.
static constexpr int64_t kCloneConstantElements = 64;

namespace {
bool isElementwise(Operation *op) {
  return llvm::isa<UnaryOp, BinaryOp, WhereOp, CastOp, ExpandOp>(op);
}

bool isView(Operation *op) {
  return llvm::isa<TransposeOp, ReshapeOp, SliceOp>(op);
}

std::string nameOf(Operation *op) {
  if (auto u = llvm::dyn_cast<UnaryOp>(op))
    return stringifyUnaryKind(u.getKind()).str();
  if (auto b = llvm::dyn_cast<BinaryOp>(op))
    return stringifyBinaryKind(b.getKind()).str();
  return op->getName().stripDialect().str();
}

struct Group {
  SmallVector<Operation *> ops; // in block order once materialized
  std::string pattern;
  bool elementwise = false;
};

class Fuser {
public:
  Fuser(Block &block, bool views, int64_t maxOps, EpilogueFilter epilogue)
      : block(block), views(views), maxOps(std::max<int64_t>(maxOps, 1)),
        epilogue(epilogue ? std::move(epilogue)
                          : [](Operation *, Operation *op) {
                              return isEpilogueOp(op);
                            }) {
    int64_t i = 0;
    for (Operation &op : block)
      position[&op] = i++;
  }

  void run() {
    formAnchorGroups();
    formElementwiseGroups();
    if (views)
      absorbInputViews();
    for (Group &g : groups)
      if (g.ops.size() > 1)
        materialize(g);
    sortTopologically(&block);
  }

private:
  void formAnchorGroups() {
    for (Operation &op : block) {
      if (!isFusionAnchor(&op) || groupOf.count(&op))
        continue;
      Group g;
      g.ops.push_back(&op);
      g.pattern = nameOf(&op);
      Value cur = op.getResult(0);
      // An attention writes its result through the layout changes after it.
      if (views && llvm::isa<AttentionOp>(op)) {
        while (cur.hasOneUse()) {
          Operation *user = *cur.getUsers().begin();
          if (!llvm::isa<TransposeOp, ReshapeOp>(user) || groupOf.count(user))
            break;
          g.ops.push_back(user);
          cur = user->getResult(0);
        }
      }
      // The epilogue: a chain of single-use elementwise ops (reshapes
      // pass through).
      size_t kept = g.ops.size();
      std::string pattern = g.pattern;
      while (cur.hasOneUse() && static_cast<int64_t>(g.ops.size()) < maxOps) {
        Operation *user = *cur.getUsers().begin();
        if (groupOf.count(user) || user->getBlock() != &block)
          break;
        if (views && llvm::isa<ReshapeOp>(user)) {
          g.ops.push_back(user);
          cur = user->getResult(0);
          continue;
        }
        // A quantize for the next int8 layer ends the chain: the group
        // writes int8. Unless it is a round trip, dequantized for the next
        // op only (onnxruntime's QDQ models round a product's output before
        // a residual add), which the target rounds in registers.
        bool requantize = llvm::isa<QuantizeOp>(user);
        if (!epilogue(&op, user) ||
            (!requantize && user->getResult(0).getType() != cur.getType()))
          break;
        g.ops.push_back(user);
        pattern += "+" + nameOf(user);
        cur = user->getResult(0);
        kept = g.ops.size();
        if (requantize) {
          auto dq = cur.hasOneUse() ? llvm::dyn_cast<DequantizeOp>(*cur.getUsers().begin())
                                    : DequantizeOp();
          if (!dq || groupOf.count(dq) || dq->getBlock() != &block ||
              !epilogue(&op, dq) || !dq.getOutput().hasOneUse())
            break;
          // Only on into an op whose other operands are int8 (dequantized)
          // or constant: a float operand's producer takes that op instead,
          // reading this group's int8 output (a residual).
          Operation *next = *dq.getOutput().getUsers().begin();
          if (!llvm::all_of(next->getOperands(), [&](Value v) {
                return v == dq.getOutput() || v.getDefiningOp<DequantizeOp>() ||
                       v.getDefiningOp<ConstantOp>();
              }))
            break;
          g.ops.push_back(dq);
          pattern += "+dequantize";
          cur = dq.getOutput();
          kept = g.ops.size();
        }
      }
      g.ops.resize(kept); // trailing reshapes stay outside
      // A dequantize read only by an epilogue op (an int8 residual) joins
      // the group where the target applies it in the epilogue.
      for (size_t i = 1, e = g.ops.size(); i < e; ++i)
        for (Value v : g.ops[i]->getOperands()) {
          auto dq = v.getDefiningOp<DequantizeOp>();
          if (dq && v.hasOneUse() && !groupOf.count(dq) && dq->getBlock() == &block &&
              !llvm::is_contained(g.ops, dq.getOperation()) && epilogue(&op, dq)) {
            g.ops.push_back(dq);
            pattern += "+dequantize";
          }
        }
      g.pattern = pattern;
      add(std::move(g));
    }
  }

  void formElementwiseGroups() {
    for (Operation &op : block) {
      if (groupOf.count(&op))
        continue;
      bool reshape = llvm::isa<ReshapeOp>(op);
      if (!isElementwise(&op) && !(reshape && views))
        continue;
      // The elementwise group of the latest producer.
      int64_t target = -1;
      for (Value v : op.getOperands()) {
        Operation *def = v.getDefiningOp();
        auto it = def ? groupOf.find(def) : groupOf.end();
        if (it != groupOf.end() && groups[it->second].elementwise &&
            (target < 0 || position[groups[it->second].ops.front()] >
                               position[groups[target].ops.front()]))
          target = it->second;
      }
      if (target >= 0 &&
          static_cast<int64_t>(groups[target].ops.size()) < maxOps &&
          canJoin(&op, groups[target])) {
        groups[target].ops.push_back(&op);
        groupOf[&op] = target;
        continue;
      }
      if (reshape)
        continue; // a reshape alone is free
      Group g;
      g.ops.push_back(&op);
      g.pattern = "elementwise";
      g.elementwise = true;
      add(std::move(g));
    }
    // Trailing reshapes of elementwise groups stay outside.
    for (auto [i, g] : llvm::enumerate(groups)) {
      if (!g.elementwise)
        continue;
      while (g.ops.size() > 1 && llvm::isa<ReshapeOp>(g.ops.back())) {
        groupOf.erase(g.ops.back());
        g.ops.pop_back();
      }
    }
  }

  /// Whether `op` can join `g` without a path from `g` through an outside
  /// op back into `g`: every operand comes from `g` or from before it.
  /// Without views (GPU targets) a group also keeps one result: `op` joins
  /// only through the group's last value, and only when nothing else reads
  /// it (a generic GPU kernel splits into threads over one result).
  bool canJoin(Operation *op, const Group &g) {
    int64_t first = position[g.ops.front()];
    for (Value v : op->getOperands()) {
      Operation *def = v.getDefiningOp();
      if (!def)
        continue;
      auto it = groupOf.find(def);
      if (it != groupOf.end() && &groups[it->second] == &g) {
        if (!views && (def != g.ops.back() ||
                       llvm::any_of(v.getUsers(), [&](Operation *u) { return u != op; })))
          return false;
        continue;
      }
      if (position[def] >= first)
        return false;
    }
    return true;
  }

  /// Layout changes feeding an attention's q, k, v, a matmul's lhs or an
  /// elementwise group are cloned into the group.
  void absorbInputViews() {
    for (Group &g : groups) {
      SmallVector<OpOperand *> entries;
      Operation *anchor = g.ops.front();
      if (auto a = llvm::dyn_cast<AttentionOp>(anchor)) {
        for (OpOperand &o : a->getOpOperands())
          entries.push_back(&o);
      } else if (llvm::isa<MatMulOp, GemmOp>(anchor)) {
        entries.push_back(&anchor->getOpOperand(0));
      } else if (g.elementwise) {
        for (Operation *op : g.ops)
          for (OpOperand &o : op->getOpOperands())
            entries.push_back(&o);
      }
      SmallVector<Operation *> absorbed;
      for (OpOperand *o : entries) {
        Operation *def = o->get().getDefiningOp();
        SmallVector<Operation *> chain;
        while (def && isView(def) && !groupOf.count(def) &&
               def->getBlock() == &block) {
          chain.push_back(def);
          def = def->getOperand(0).getDefiningOp();
        }
        // Views of constants are folded instead.
        if (def && llvm::isa<ConstantOp>(def))
          continue;
        // A lone reshape costs nothing outside.
        if (chain.size() == 1 && llvm::isa<ReshapeOp>(chain.front()))
          continue;
        for (Operation *v : chain)
          if (!llvm::is_contained(absorbed, v))
            absorbed.push_back(v);
      }
      g.ops.append(absorbed.begin(), absorbed.end());
      viewClones.insert(absorbed.begin(), absorbed.end());
    }
  }

  void add(Group g) {
    int64_t id = groups.size();
    for (Operation *op : g.ops)
      groupOf[op] = id;
    groups.push_back(std::move(g));
  }

  /// Replaces the ops of `g` by one infer.fused op.
  void materialize(Group &g) {
    llvm::sort(g.ops, [&](Operation *a, Operation *b) {
      return position[a] < position[b];
    });
    llvm::SmallPtrSet<Operation *, 16> inGroup(g.ops.begin(), g.ops.end());
    SmallVector<Value> inputs, outputs;
    SmallVector<Location> locs;
    for (Operation *op : g.ops) {
      locs.push_back(op->getLoc());
      for (Value v : op->getOperands()) {
        Operation *def = v.getDefiningOp();
        if (def && inGroup.contains(def))
          continue;
        if (auto c = llvm::dyn_cast_or_null<ConstantOp>(def))
          if (llvm::cast<RankedTensorType>(v.getType()).getNumElements() <=
              kCloneConstantElements)
            continue;
        if (!llvm::is_contained(inputs, v))
          inputs.push_back(v);
      }
      // Shared views stay for their other users; the group has its clone.
      if (viewClones.contains(op))
        continue;
      for (Value r : op->getResults())
        if (llvm::any_of(r.getUsers(), [&](Operation *u) {
              return !inGroup.contains(u);
            }))
          outputs.push_back(r);
    }
    OpBuilder b(block.getTerminator());
    SmallVector<Type> types;
    for (Value v : outputs)
      types.push_back(v.getType());
    auto fused = FusedOp::create(b, FusedLoc::get(b.getContext(), locs),
                                 g.pattern, types, inputs);
    Block &body = fused.getBody().front();
    IRMapping map;
    for (auto [v, arg] : llvm::zip(inputs, body.getArguments()))
      map.map(v, arg);
    OpBuilder inner = OpBuilder::atBlockEnd(&body);
    for (Operation *op : g.ops) {
      for (Value v : op->getOperands())
        if (!map.contains(v))
          if (auto c = v.getDefiningOp<ConstantOp>())
            map.map(v, inner.clone(*c)->getResult(0));
      inner.clone(*op, map);
    }
    SmallVector<Value> yielded;
    for (Value v : outputs)
      yielded.push_back(map.lookup(v));
    YieldOp::create(inner, fused.getLoc(), yielded);
    for (auto [v, r] : llvm::zip(outputs, fused.getResults()))
      v.replaceUsesWithIf(r, [&](OpOperand &use) {
        return !inGroup.contains(use.getOwner());
      });
    // Erase the originals, users first; shared views stay while used.
    for (Operation *op : llvm::reverse(g.ops))
      if (op->use_empty())
        op->erase();
  }

  Block &block;
  bool views;
  int64_t maxOps;
  EpilogueFilter epilogue;
  llvm::DenseMap<Operation *, int64_t> position;
  llvm::DenseMap<Operation *, int64_t> groupOf;
  llvm::SmallPtrSet<Operation *, 16> viewClones;
  std::vector<Group> groups;
};

struct FusePass : infer::impl::InferFuseBase<FusePass> {
  using Base::Base;
  FusePass(const InferFuseOptions &options, EpilogueFilter epilogue)
      : Base(options), epilogue(std::move(epilogue)) {}
  void runOnOperation() override {
    getOperation()->walk([&](func::FuncOp fn) {
      if (!fn.getBody().empty())
        fuseFunction(fn, views, maxGroupOps, epilogue);
    });
  }
  /// A target's narrowing of what epilogues hold (null: isEpilogueOp).
  EpilogueFilter epilogue;
};
} // namespace

std::unique_ptr<Pass>
mlir::infer::createInferFuse(const InferFuseOptions &options,
                             EpilogueFilter epilogue) {
  return std::make_unique<FusePass>(options, std::move(epilogue));
}

void mlir::infer::fuseFunction(func::FuncOp fn, bool views,
                               int64_t maxGroupOps, EpilogueFilter epilogue) {
  Fuser(fn.getBody().front(), views, maxGroupOps, std::move(epilogue)).run();
}
