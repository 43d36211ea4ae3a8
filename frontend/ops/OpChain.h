//===- OpChain.h - Straight-line op building for composite importers -*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The importers that write an ONNX op as many infer ops (the recurrent
// cells, Attention) build through an OpChain: each call returns the new
// value or null once anything failed, so the math reads as formulas and
// the failure is checked once at the end.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_FRONTEND_OPS_OPCHAIN_H
#define INFER_FRONTEND_OPS_OPCHAIN_H

#include "frontend/ImportContext.h"

namespace mlir::infer::frontend {

inline RankedTensorType chainTypeOf(Value v) {
  return llvm::cast<RankedTensorType>(v.getType());
}

/// Builds a chain of infer ops for one node. The first failure sticks (its
/// error is already reported) and every later call returns null, so the
/// math reads as straight-line formulas.
class OpChain {
public:
  explicit OpChain(ImportContext &ctx) : ctx(ctx) {}

  bool failed() const { return broken; }

  Value add(Value a, Value b) { return bin(BinaryKind::add, a, b); }
  Value sub(Value a, Value b) { return bin(BinaryKind::sub, a, b); }
  Value mul(Value a, Value b) { return bin(BinaryKind::mul, a, b); }
  Value bin(BinaryKind k, Value a, Value b) {
    return guard([&] { return ctx.binary(k, a, b); }, a, b);
  }
  Value matmul(Value a, Value b) {
    return guard([&] { return ctx.matmul(a, b); }, a, b);
  }
  Value slice(Value x, int64_t axis, int64_t begin, int64_t end) {
    return guard([&] { return ctx.sliceAxis(x, axis, begin, end, 1); }, x);
  }
  Value reshape(Value x, ArrayRef<int64_t> shape) {
    return guard([&] { return ctx.reshape(x, shape); }, x);
  }
  Value transpose(Value x, ArrayRef<int64_t> perm) {
    return guard([&] { return ctx.transpose(x, perm); }, x);
  }
  Value concat(ArrayRef<Value> xs, int64_t axis) {
    if (broken || llvm::any_of(xs, [](Value v) { return !v; }))
      return stop();
    return guard([&] { return ctx.concat(xs, axis); }, xs.front());
  }
  Value where(Value c, Value a, Value b) {
    return guard([&] { return ctx.where(c, a, b); }, c, a, b);
  }
  Value unary(UnaryKind k, Value x, std::optional<float> alpha = std::nullopt,
              std::optional<float> beta = std::nullopt) {
    return guard([&] { return ctx.unary(k, x, alpha, beta); }, x);
  }
  Value cast(Value x, Type elementType) {
    return guard([&] { return ctx.cast(x, elementType); }, x);
  }
  Value softmax(Value x, int64_t axis) {
    return guard([&] {
      return ctx.finish1(SoftmaxOp::create(ctx.builder(), ctx.loc(), x.getType(), x, axis));
    }, x);
  }
  /// A [] constant of `like`'s element type.
  Value scalar(Value like, double v) {
    if (broken || !like)
      return stop();
    return ctx.scalar(chainTypeOf(like).getElementType(), v);
  }
  /// Clamps `x` into [-clip, clip] when a clip was given.
  Value clip(Value x, std::optional<float> c) {
    return c ? unary(UnaryKind::clip, x, -*c, *c) : x;
  }

private:
  template <typename F, typename... Vs> Value guard(F build, Vs... operands) {
    if (broken || (!operands || ...))
      return stop();
    FailureOr<Value> r = build();
    if (mlir::failed(r))
      return stop();
    return *r;
  }
  Value stop() {
    broken = true;
    return Value();
  }

  ImportContext &ctx;
  bool broken = false;
};

} // namespace mlir::infer::frontend

#endif // INFER_FRONTEND_OPS_OPCHAIN_H
