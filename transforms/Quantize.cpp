//===- Quantize.cpp - Calibrated ranges to quantize / dequantize pairs ----===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Post-training quantization as TensorRT's implicit mode does it, written
// as the explicit form: the activation input of every convolution and
// matrix product with a constant weight gets a quantize / dequantize pair
// with the tensor's calibrated range (symmetric int8, scale amax / 127,
// narrow range [-127, 127]; or f8E4M3FN, scale amax / 448). What follows is the same as for a model
// exported with Q/DQ nodes: infer-fold-qdq turns each product whose input
// is dequantized into an int8 product with per-channel weights.
//
// The earlier of two products whose results a residual add sums (ResNet's
// downsampling blocks) gets its result quantized too, so that it travels as
// int8 to the other product's epilogue.
//
// Products stay in float when their input has no calibrated range (the
// cache names ONNX tensors: the importer's `infer.tensor_name`, function
// argument `infer.name`), when a node is named in `keep`, for grouped
// convolutions and products whose both operands are activations.
//
//===----------------------------------------------------------------------===//

#include "transforms/CalibrationTable.h"
#include "transforms/Passes.h"

#include "ir/Provenance.h"
#include "ir/QuantUtils.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringSet.h"

#include <cstdio>

namespace mlir::infer {
#define GEN_PASS_DEF_INFERQUANTIZE
#include "transforms/Passes.h.inc"
} // namespace mlir::infer

using namespace mlir;
using namespace mlir::infer;

namespace {
/// The ONNX name of `v`, or "" when it has none.
StringRef tensorName(Value v) {
  if (Operation *def = v.getDefiningOp()) {
    if (auto name = def->getAttrOfType<StringAttr>(
            InferDialect::getTensorNameAttrName()))
      return name.getValue();
    return "";
  }
  auto arg = llvm::cast<BlockArgument>(v);
  auto fn = llvm::dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp());
  if (!fn)
    return "";
  if (auto name = fn.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "infer.name"))
    return name.getValue();
  return "";
}

/// The activation operand of a product the pass quantizes, or null with
/// `why` set.
Value quantizableInput(Operation *op, std::string &why) {
  auto isConstant = [](Value v) { return v.getDefiningOp<ConstantOp>() != nullptr; };
  Value input, weight;
  if (auto conv = llvm::dyn_cast<ConvOp>(op)) {
    if (conv.getGroup() != 1) {
      why = "a grouped convolution";
      return nullptr;
    }
    input = conv.getInput();
    weight = conv.getWeight();
  } else if (auto mm = llvm::dyn_cast<MatMulOp>(op)) {
    input = mm.getLhs();
    weight = mm.getRhs();
    if (llvm::cast<RankedTensorType>(weight.getType()).getRank() != 2) {
      why = "a batched weight";
      return nullptr;
    }
  } else if (auto gemm = llvm::dyn_cast<GemmOp>(op)) {
    if (gemm.getTransA()) {
      why = "a transposed activation";
      return nullptr;
    }
    input = gemm.getA();
    weight = gemm.getB();
  } else {
    return nullptr;
  }
  if (!isConstant(weight)) {
    why = "both operands are activations";
    return nullptr;
  }
  if (!llvm::cast<RankedTensorType>(input.getType()).getElementType().isF32()) {
    why = "the input is not f32";
    return nullptr;
  }
  return input;
}

struct QuantizePass : infer::impl::InferQuantizeBase<QuantizePass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (precision != "int8" && precision != "fp8") {
      module.emitError() << "infer-quantize: precision '" << precision
                         << "' is not int8 or fp8";
      return signalPassFailure();
    }
    bool fp8 = precision == "fp8";
    if (calibrationCache.empty()) {
      module.emitError() << "infer-quantize needs a calibration cache "
                            "(calibration-cache=FILE, written by infer-run "
                            "--calibrate)";
      return signalPassFailure();
    }
    std::string error;
    FailureOr<CalibrationTable> table = readCalibrationTable(calibrationCache, error);
    if (failed(table)) {
      module.emitError() << error;
      return signalPassFailure();
    }
    llvm::StringSet<> kept;
    for (const std::string &n : keep)
      kept.insert(n);

    // Every tensor name of the module, to tell a cache of another model.
    unsigned known = 0;
    llvm::StringSet<> names;
    module.walk([&](Operation *op) {
      if (auto n = op->getAttrOfType<StringAttr>(InferDialect::getTensorNameAttrName()))
        names.insert(n.getValue());
      if (auto fn = llvm::dyn_cast<func::FuncOp>(op))
        for (unsigned i = 0; i < fn.getNumArguments(); ++i)
          if (auto n = fn.getArgAttrOfType<StringAttr>(i, "infer.name"))
            names.insert(n.getValue());
    });
    StringRef missing;
    for (const auto &entry : table->amax) {
      bool found = names.contains(entry.getKey());
      known += found;
      if (!found && missing.empty())
        missing = entry.getKey();
    }
    if (!table->amax.empty() && known == 0) {
      module.emitError() << "the calibration cache '" << calibrationCache
                         << "' names none of this model's tensors (first: '"
                         << table->amax.begin()->getKey()
                         << "'): it was made for another model, or the model "
                            "was imported without tensor names";
      return signalPassFailure();
    }
    // Names every model has ("input", "output") match any cache: most of
    // its tensors must be this model's.
    if (known * 4 < table->amax.size()) {
      module.emitError() << "the calibration cache '" << calibrationCache << "' names "
                         << table->amax.size() << " tensors, only " << known
                         << " of them in this model (first missing: '" << missing
                         << "'): it was made for another model";
      return signalPassFailure();
    }

    MLIRContext *ctx = &getContext();
    OpBuilder b(ctx);
    Type i8 = IntegerType::get(ctx, 8);
    llvm::DenseMap<Value, Value> dequantized;
    // The dequantized form of `x` with its calibrated range, made once;
    // null when the cache has no range for it.
    auto qdq = [&](Value x) -> Value {
      StringRef name = tensorName(x);
      auto it = table->amax.find(name);
      if (name.empty() || it == table->amax.end() || !(it->second > 0))
        return nullptr;
      Value &dq = dequantized[x];
      if (!dq) {
        auto t = llvm::cast<RankedTensorType>(x.getType());
        if (Operation *def = x.getDefiningOp())
          b.setInsertionPointAfter(def);
        else
          b.setInsertionPointToStart(llvm::cast<BlockArgument>(x).getOwner());
        Location loc = NameLoc::get(b.getStringAttr(name));
        if (fp8) {
          // E4M3's largest finite value is the range's end.
          FloatAttr scale = b.getF64FloatAttr(it->second / kFp8E4M3Max);
          Value qx = QuantizeOp::create(b, loc, t.clone(b.getType<Float8E4M3FNType>()), x,
                                        scale);
          dq = DequantizeOp::create(b, loc, t, qx, scale);
          return dq;
        }
        auto q = quant::UniformQuantizedType::get(
            quant::QuantizationFlags::Signed, i8, t.getElementType(),
            it->second / 127.0, 0, -127, 127);
        Value qx = QuantizeOp::create(b, loc, t.clone(q), x, FloatAttr());
        dq = DequantizeOp::create(b, loc, t, qx, FloatAttr());
      }
      return dq;
    };
    auto isProduct = [](Value v) {
      Operation *def = v.getDefiningOp();
      return def && llvm::isa<ConvOp, MatMulOp, GemmOp>(def);
    };
    module.walk([&](Operation *op) {
      // A residual add of two products' results (ResNet's downsampling
      // blocks): the earlier product's result is quantized too, so that
      // it is written as int8 and the later product's epilogue reads it.
      if (auto add = llvm::dyn_cast<BinaryOp>(op)) {
        Value l = add.getLhs(), r = add.getRhs();
        if (add.getKind() != BinaryKind::add || l.getType() != r.getType() ||
            !isProduct(l) || !isProduct(r) || !l.hasOneUse() || !r.hasOneUse())
          return;
        unsigned first = l.getDefiningOp()->isBeforeInBlock(r.getDefiningOp()) ? 0 : 1;
        Operation *product = op->getOperand(first).getDefiningOp();
        for (const std::string &n : nodeNames(product->getLoc()))
          if (kept.contains(n))
            return;
        if (Value dq = qdq(op->getOperand(first)))
          op->setOperand(first, dq);
        return;
      }
      if (!llvm::isa<ConvOp, MatMulOp, GemmOp>(op))
        return;
      std::string why;
      Value x = quantizableInput(op, why);
      if (!x)
        return;
      for (const std::string &n : nodeNames(op->getLoc()))
        if (kept.contains(n))
          return;
      // Per-layer fallback: int8 costs this input too much (the cache
      // measures int8's error; fp8 has no such column).
      if (maxError > 0 && !fp8) {
        auto e = table->error.find(tensorName(x));
        if (e != table->error.end() && e->second > maxError) {
          char cost[64];
          std::snprintf(cost, sizeof cost, "%g relative L2 (max-error %g)", e->second,
                        static_cast<double>(maxError));
          op->emitRemark() << "stays float: int8 costs its input '" << tensorName(x)
                           << "' " << cost;
          return;
        }
      }
      if (Value dq = qdq(x))
        op->setOperand(0, dq);
    });
  }
};
} // namespace
