//===- Interpreter.cpp - The reference interpreter of infer IR ------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "reference/Interpreter.h"
#include "reference/Kernels.h"

#include "ir/Provenance.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::infer;
using namespace mlir::infer::reference;

/// Appends null for absent trailing optional operands, so kernels see one
/// input per ODS operand.
static void padOptional(Operation *op, SmallVectorImpl<const Tensor *> &in) {
  if (llvm::isa<ConvOp, ConvTransposeOp, GemmOp, LayerNormOp>(op) &&
      in.size() < 3)
    in.push_back(nullptr);
  if (llvm::isa<AttentionOp>(op) && in.size() < 4)
    in.push_back(nullptr);
}

static FailureOr<SmallVector<Tensor>>
runBlock(Block &body, ArrayRef<const Tensor *> inputs, std::string &error);

LogicalResult mlir::infer::reference::evaluateOp(Operation *op,
                                                 ArrayRef<const Tensor *> in,
                                                 SmallVectorImpl<Tensor> &out,
                                                 std::string &err) {
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](ConstantOp c) -> LogicalResult {
        FailureOr<Tensor> t = Tensor::fromAttr(c.getValue());
        if (failed(t)) {
          err = "cannot read the constant's data";
          return failure();
        }
        out.push_back(std::move(*t));
        return success();
      })
      .Case([&](UnaryOp o) { return runUnary(o, in, out, err); })
      .Case([&](BinaryOp o) { return runBinary(o, in, out, err); })
      .Case([&](WhereOp o) { return runWhere(o, in, out, err); })
      .Case([&](CastOp o) { return runCast(o, in, out, err); })
      .Case([&](ConvOp o) { return runConv(o, in, out, err); })
      .Case([&](ConvTransposeOp o) { return runConvTranspose(o, in, out, err); })
      .Case([&](MatMulOp o) { return runMatMul(o, in, out, err); })
      .Case([&](GemmOp o) { return runGemm(o, in, out, err); })
      .Case([&](PoolOp o) { return runPool(o, in, out, err); })
      .Case([&](GlobalPoolOp o) { return runGlobalPool(o, in, out, err); })
      .Case([&](SoftmaxOp o) {
        return runSoftmax(o, o.getAxis(), false, in, out, err);
      })
      .Case([&](LogSoftmaxOp o) {
        return runSoftmax(o, o.getAxis(), true, in, out, err);
      })
      .Case([&](LayerNormOp o) { return runLayerNorm(o, in, out, err); })
      .Case([&](AttentionOp o) { return runAttention(o, in, out, err); })
      .Case([&](FusedOp o) -> LogicalResult {
        FailureOr<SmallVector<Tensor>> r = runBlock(o.getBody().front(), in, err);
        if (failed(r))
          return failure();
        for (Tensor &t : *r)
          out.push_back(std::move(t));
        return success();
      })
      .Case([&](BatchNormOp o) { return runBatchNorm(o, in, out, err); })
      .Case([&](ReduceOp o) { return runReduce(o, in, out, err); })
      .Case([&](ArgReduceOp o) { return runArgReduce(o, in, out, err); })
      .Case([&](TopKOp o) { return runTopK(o, in, out, err); })
      .Case([&](CumSumOp o) { return runCumSum(o, in, out, err); })
      .Case([&](ReshapeOp o) { return runReshape(o, in, out, err); })
      .Case([&](TransposeOp o) { return runTranspose(o, in, out, err); })
      .Case([&](ConcatOp o) { return runConcat(o, in, out, err); })
      .Case([&](SplitOp o) { return runSplit(o, in, out, err); })
      .Case([&](SliceOp o) { return runSlice(o, in, out, err); })
      .Case([&](GatherOp o) { return runGather(o, in, out, err); })
      .Case([&](GatherElementsOp o) {
        return runGatherElements(o, in, out, err);
      })
      .Case([&](PadOp o) { return runPad(o, in, out, err); })
      .Case([&](Im2ColOp o) { return runIm2Col(o, in, out, err); })
      .Case([&](Sparse24Op o) { return runSparse24(o, in, out, err); })
      .Case([&](CheckOp o) { return runCheck(o, in, out, err); })
      .Case([&](ResizeOp o) { return runResize(o, in, out, err); })
      .Case([&](ExpandOp o) { return runExpand(o, in, out, err); })
      .Case([&](QuantizeOp o) { return runQuantize(o, in, out, err); })
      .Case([&](DequantizeOp o) { return runDequantize(o, in, out, err); })
      .Default([&](Operation *o) {
        err = "the reference interpreter has no kernel for '" +
              o->getName().getStringRef().str() + "'";
        return failure();
      });
}

/// Formats a location for run-time errors: the ONNX node name when there is
/// one.
static std::string describe(Operation *op) {
  std::string nodes = describeNodes(op->getLoc());
  if (!nodes.empty())
    return nodes;
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "'" << op->getName() << "' at " << op->getLoc();
  return s;
}

/// Runs the ops of `body` on `inputs` (one per block argument) up to its
/// terminator and returns the terminator's operands.
static FailureOr<SmallVector<Tensor>>
runBlock(Block &body, ArrayRef<const Tensor *> inputs, std::string &error) {
  if (inputs.size() != body.getNumArguments()) {
    error = "expected " + std::to_string(body.getNumArguments()) +
            " inputs, got " + std::to_string(inputs.size());
    return failure();
  }
  llvm::DenseMap<Value, const Tensor *> args;
  for (auto [arg, t] : llvm::zip(body.getArguments(), inputs))
    args[arg] = t;
  llvm::DenseMap<Value, Tensor> values;
  // Drop each value after its last use to keep memory flat on big models.
  llvm::DenseMap<Value, Operation *> lastUse;
  for (Operation &op : body)
    for (Value v : op.getOperands())
      lastUse[v] = &op;
  auto lookup = [&](Value v) -> const Tensor * {
    if (const Tensor *t = args.lookup(v))
      return t;
    auto it = values.find(v);
    return it == values.end() ? nullptr : &it->second;
  };
  for (Operation &op : body) {
    if (op.hasTrait<OpTrait::IsTerminator>()) {
      SmallVector<Tensor> results;
      for (Value v : op.getOperands()) {
        const Tensor *t = lookup(v);
        if (!t) {
          error = describe(&op) + ": operand has no value";
          return failure();
        }
        results.push_back(*t);
      }
      return results;
    }
    SmallVector<const Tensor *> in;
    for (Value v : op.getOperands()) {
      const Tensor *t = lookup(v);
      if (!t) {
        error = describe(&op) + ": operand has no value";
        return failure();
      }
      in.push_back(t);
    }
    padOptional(&op, in);
    SmallVector<Tensor> out;
    std::string err;
    if (failed(evaluateOp(&op, in, out, err))) {
      error = describe(&op) + ": " + err;
      return failure();
    }
    for (auto [r, t] : llvm::zip(op.getResults(), out))
      values[r] = std::move(t);
    for (Value v : op.getOperands())
      if (lastUse.lookup(v) == &op && !llvm::isa<BlockArgument>(v))
        values.erase(v);
  }
  error = "block has no terminator";
  return failure();
}

FailureOr<SmallVector<Tensor>>
mlir::infer::reference::runFunction(func::FuncOp func, ArrayRef<Tensor> inputs,
                                    std::string &error) {
  SmallVector<const Tensor *> in;
  for (const Tensor &t : inputs)
    in.push_back(&t);
  return runBlock(func.getBody().front(), in, error);
}

/// Ops whose evaluation fails on invalid operand values (rather than on
/// what the interpreter does not implement): on constants, that failure is
/// the model's error.
static bool failsOnInvalidValues(Operation *op) {
  if (llvm::isa<CheckOp, GatherOp, GatherElementsOp, Sparse24Op>(op))
    return true;
  auto bin = llvm::dyn_cast<BinaryOp>(op);
  return bin &&
         llvm::isa<IntegerType>(bin.getOutput().getType().getElementType()) &&
         llvm::is_contained({BinaryKind::div, BinaryKind::mod, BinaryKind::fmod},
                            bin.getKind());
}

/// Multiply-adds of a contraction, the costliest ops to fold.
static int64_t foldCost(Operation *op) {
  auto elements = [](Value v) {
    return llvm::cast<RankedTensorType>(v.getType()).getNumElements();
  };
  auto dim = [](Value v, int64_t i) {
    auto t = llvm::cast<RankedTensorType>(v.getType());
    return t.getDimSize(i < 0 ? t.getRank() + i : i);
  };
  if (auto mm = llvm::dyn_cast<MatMulOp>(op))
    return elements(mm.getOutput()) * dim(mm.getLhs(), -1);
  if (auto g = llvm::dyn_cast<GemmOp>(op))
    return elements(g.getOutput()) * dim(g.getA(), g.getTransA() ? 0 : 1);
  if (auto c = llvm::dyn_cast<ConvOp>(op))
    return elements(c.getOutput()) * (elements(c.getWeight()) / std::max<int64_t>(dim(c.getWeight(), 0), 1));
  if (auto c = llvm::dyn_cast<ConvTransposeOp>(op))
    return elements(c.getInput()) * (elements(c.getWeight()) / std::max<int64_t>(dim(c.getWeight(), 0), 1));
  return 0;
}

FailureOr<SmallVector<ElementsAttr>>
mlir::infer::reference::foldConstantOp(Operation *op, int64_t maxElements,
                                       std::string *invalid) {
  if (op->getNumRegions() != 0 || llvm::isa<ConstantOp>(op))
    return failure();
  for (Type t : op->getResultTypes()) {
    auto rt = llvm::dyn_cast<RankedTensorType>(t);
    if (!rt || !rt.hasStaticShape() || rt.getNumElements() > maxElements)
      return failure();
  }
  for (Value v : op->getOperands()) {
    auto rt = llvm::dyn_cast<RankedTensorType>(v.getType());
    if (!rt || !rt.hasStaticShape())
      return failure();
  }
  // About a second of the interpreter's double loops: left to a kernel.
  if (foldCost(op) > kMaxFoldMultiplyAdds)
    return failure();
  SmallVector<Tensor> storage;
  storage.reserve(op->getNumOperands());
  for (Value v : op->getOperands()) {
    auto c = v.getDefiningOp<ConstantOp>();
    if (!c)
      return failure();
    FailureOr<Tensor> t = Tensor::fromAttr(c.getValue());
    if (failed(t))
      return failure();
    storage.push_back(std::move(*t));
  }
  SmallVector<const Tensor *> in;
  for (Tensor &t : storage)
    in.push_back(&t);
  padOptional(op, in);
  SmallVector<Tensor> out;
  std::string err;
  if (failed(evaluateOp(op, in, out, err))) {
    if (invalid && failsOnInvalidValues(op))
      *invalid = err;
    return failure();
  }
  SmallVector<ElementsAttr> attrs;
  for (auto [t, type] : llvm::zip(out, op->getResultTypes())) {
    if (t.getType() != type)
      return failure();
    attrs.push_back(t.toAttr());
  }
  return attrs;
}
