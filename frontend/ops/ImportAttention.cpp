//===- ImportAttention.cpp - ONNX Attention and RotaryEmbedding ------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Attention written as the chain exporters write by hand, MatMul(Q, Kᵀ),
// scale, mask, Softmax, MatMul(V), so `infer-recognize-attention` makes it
// one infer.attention for the backends. Around it: 3-D inputs split into
// heads (q_num_heads, kv_num_heads), the KV cache (past_key / past_value
// concatenated before K and V, returned as present_key / present_value),
// grouped-query attention (each KV head serves q_num_heads / kv_num_heads
// consecutive query heads), boolean or additive masks (a mask shorter than
// the keys is padded with -inf), is_causal (aligned to the bottom right: a
// query sees the past and the keys up to its own position),
// nonpad_kv_seqlen (opset 24), softcap and qk_matmul_output.
//
// Softcap and qk_matmul_output follow the corrected definition (onnx/onnx
// #7867, applied to opsets 23 and 24): scale, softcap, then the mask; the
// output modes are 0 the scaled product, 1 after softcap, 2 after the mask,
// 3 after the softmax. ONNX 1.19's test data predates the correction.
//
// RotaryEmbedding (opset 23) rotates pairs of each head's first
// rotary_embedding_dim features, halves or interleaved, by the cos / sin
// caches (gathered by position_ids when given).
//
//===----------------------------------------------------------------------===//

#include "frontend/ImportContext.h"
#include "frontend/OnnxTensor.h"
#include "frontend/ops/OpChain.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::infer;
using namespace mlir::infer::frontend;

namespace {
/// [B, S, heads * D] -> [B, heads, S, D].
Value splitHeads(OpChain &u, Value x, int64_t heads) {
  ArrayRef<int64_t> s = chainTypeOf(x).getShape();
  return u.transpose(u.reshape(x, {s[0], s[1], heads, s[2] / heads}), {0, 2, 1, 3});
}

/// [B, kvHeads, L, D] -> [B, kvHeads * reps, L, D], each head repeated
/// `reps` times in place.
Value repeatHeads(OpChain &u, Value x, int64_t reps) {
  if (reps == 1)
    return x;
  ArrayRef<int64_t> s = chainTypeOf(x).getShape();
  Value one = u.reshape(x, {s[0], s[1], 1, s[2], s[3]});
  SmallVector<Value> copies(reps, one);
  return u.reshape(u.concat(copies, 2), {s[0], s[1] * reps, s[2], s[3]});
}

LogicalResult importAttention(ImportContext &ctx) {
  FailureOr<Value> q = ctx.input(0), k = ctx.input(1), v = ctx.input(2);
  FailureOr<Value> mask = ctx.optionalInput(3), pastK = ctx.optionalInput(4),
                   pastV = ctx.optionalInput(5), nonpad = ctx.optionalInput(6);
  FailureOr<int64_t> causal = ctx.intAttr("is_causal", 0);
  FailureOr<int64_t> mode = ctx.intAttr("qk_matmul_output_mode", 0);
  FailureOr<float> softcap = ctx.floatAttr("softcap", 0.0f);
  FailureOr<int64_t> precision = ctx.intAttr("softmax_precision", 0);
  if (failed(q) || failed(k) || failed(v) || failed(mask) || failed(pastK) ||
      failed(pastV) || failed(nonpad) || failed(causal) || failed(mode) ||
      failed(softcap) || failed(precision))
    return failure();
  if (*mode < 0 || *mode > 3)
    return ctx.emitError() << "qk_matmul_output_mode is " << *mode << "; expects 0 to 3";
  if (bool(*pastK) != bool(*pastV))
    return ctx.emitError() << "expects past_key and past_value together";
  RankedTensorType qt = chainTypeOf(*q), kt = chainTypeOf(*k), vt = chainTypeOf(*v);
  int64_t rank = qt.getRank();
  if ((rank != 3 && rank != 4) || kt.getRank() != rank || vt.getRank() != rank)
    return ctx.emitError() << "expects Q, K and V all of rank 3 or all of rank 4; they are "
                           << qt << ", " << kt << " and " << vt;
  for (RankedTensorType t : {qt, kt, vt})
    if (llvm::any_of(t.getShape().drop_front(), ShapedType::isDynamic))
      return ctx.emitError() << "expects static dimensions after the batch; an input is " << t;
  Type et = qt.getElementType();
  if (!llvm::isa<FloatType>(et) || kt.getElementType() != et || vt.getElementType() != et)
    return ctx.emitError() << "expects Q, K and V of one floating-point type";

  OpChain u(ctx);
  Value q4 = *q, k4 = *k, v4 = *v;
  if (rank == 3) {
    FailureOr<int64_t> qh = ctx.intAttr("q_num_heads", std::nullopt);
    FailureOr<int64_t> kvh = ctx.intAttr("kv_num_heads", std::nullopt);
    if (failed(qh) || failed(kvh))
      return failure();
    if (*qh <= 0 || *kvh <= 0 || qt.getDimSize(2) % *qh || kt.getDimSize(2) % *kvh ||
        vt.getDimSize(2) % *kvh)
      return ctx.emitError() << "q_num_heads " << *qh << " and kv_num_heads " << *kvh
                             << " do not divide the hidden sizes of Q (" << qt.getDimSize(2)
                             << "), K (" << kt.getDimSize(2) << ") and V ("
                             << vt.getDimSize(2) << ")";
    q4 = splitHeads(u, q4, *qh);
    k4 = splitHeads(u, k4, *kvh);
    v4 = splitHeads(u, v4, *kvh);
  }
  if (*pastK) {
    k4 = u.concat({*pastK, k4}, 2);
    v4 = u.concat({*pastV, v4}, 2);
  }
  if (u.failed())
    return failure();
  ctx.setOutput(1, k4);
  ctx.setOutput(2, v4);
  ArrayRef<int64_t> qs = chainTypeOf(q4).getShape(), ks = chainTypeOf(k4).getShape();
  int64_t qHeads = qs[1], kvHeads = ks[1], qLen = qs[2], kvLen = ks[2];
  int64_t pastLen = *pastK ? chainTypeOf(*pastK).getDimSize(2) : 0;
  if (qHeads % kvHeads)
    return ctx.emitError() << "has " << qHeads << " query heads and " << kvHeads
                           << " key/value heads; the first must be a multiple of the second";
  k4 = repeatHeads(u, k4, qHeads / kvHeads);
  v4 = repeatHeads(u, v4, qHeads / kvHeads);

  double scale = 1.0 / std::sqrt(double(qs[3]));
  if (ctx.hasAttr("scale")) {
    FailureOr<float> s = ctx.floatAttr("scale", std::nullopt);
    if (failed(s))
      return failure();
    scale = *s;
  }
  Value scores = u.mul(u.matmul(q4, u.transpose(k4, {0, 1, 3, 2})), u.scalar(q4, scale));
  Value qkOut = *mode == 0 ? scores : Value();
  if (*softcap > 0) {
    Value cap = u.scalar(scores, *softcap);
    scores = u.mul(u.unary(UnaryKind::tanh, u.bin(BinaryKind::div, scores, cap)), cap);
  }
  if (*mode == 1)
    qkOut = scores;

  // Everything additive goes into one bias, so the chain keeps the single
  // Add the attention recognizer matches.
  double negInf = -std::numeric_limits<double>::infinity();
  Value bias;
  auto addBias = [&](Value t) { bias = bias ? u.add(bias, t) : t; };
  if (*mask) {
    RankedTensorType mt = chainTypeOf(*mask);
    if (!mt.hasStaticShape() || mt.getRank() < 1 || mt.getDimSize(mt.getRank() - 1) > kvLen)
      return ctx.emitError() << "expects a static attn_mask whose last dimension is at most "
                             << kvLen << " (the keys); it is " << mt;
    Value m = *mask;
    if (mt.getElementType().isInteger(1))
      m = u.where(m, u.scalar(scores, 0.0), u.scalar(scores, negInf));
    else if (mt.getElementType() != et)
      return ctx.emitError() << "expects attn_mask of type bool or " << et << "; it is " << mt;
    if (int64_t pad = kvLen - mt.getDimSize(mt.getRank() - 1)) {
      SmallVector<int64_t> padShape(mt.getShape());
      padShape.back() = pad;
      m = u.concat({m, ctx.splat(RankedTensorType::get(padShape, et), negInf)},
                   mt.getRank() - 1);
    }
    addBias(m);
  }
  int64_t batch = qs[0];
  if (*nonpad) {
    RankedTensorType nt = chainTypeOf(*nonpad);
    if (nt.getRank() != 1 || nt.getDimSize(0) != batch || !nt.getElementType().isInteger(64))
      return ctx.emitError() << "expects nonpad_kv_seqlen of type tensor<" << batch
                             << "xi64> (one length per batch entry); it is " << nt;
  }
  OpBuilder &b = ctx.builder();
  auto i64Range = [&](int64_t n, SmallVector<int64_t> shape) {
    reference::Tensor t(b.getI64Type(), shape);
    for (int64_t i = 0; i < n; ++i)
      t.setDouble(i, double(i));
    return ctx.constant(t);
  };
  // The keys' positions, [1, 1, 1, kvLen]: only the nonpad_kv_seqlen
  // masks compare with them at run time.
  Value keyIdx = *nonpad ? i64Range(kvLen, {1, 1, 1, kvLen}) : Value();
  if (*causal) {
    if (*nonpad && !*pastK) {
      // Per batch entry: query i sees keys up to i + nonpad[b] - qLen.
      Value limit = u.add(u.reshape(*nonpad, {batch, 1, 1, 1}),
                          ctx.constantI64(SmallVector<int64_t>{-qLen}, true));
      limit = u.add(limit, i64Range(qLen, {1, 1, qLen, 1}));
      addBias(u.where(u.bin(BinaryKind::greater, keyIdx, limit), u.scalar(scores, negInf),
                      u.scalar(scores, 0.0)));
    } else {
      reference::Tensor t(et, {qLen, kvLen});
      for (int64_t i = 0; i < qLen; ++i)
        for (int64_t j = 0; j < kvLen; ++j)
          t.setDouble(i * kvLen + j, j > i + pastLen ? negInf : 0.0);
      addBias(ctx.constant(t));
    }
  }
  if (*nonpad) {
    Value len = u.reshape(*nonpad, {batch, 1, 1, 1});
    addBias(u.where(u.bin(BinaryKind::less, keyIdx, len), u.scalar(scores, 0.0),
                    u.scalar(scores, negInf)));
  }
  if (bias)
    scores = u.add(scores, bias);
  if (*mode == 2)
    qkOut = scores;

  Type softmaxType = et;
  if (*precision) {
    std::string error;
    FailureOr<Type> t =
        elementTypeFromOnnx(ctx.getContext(), static_cast<int32_t>(*precision), error);
    if (failed(t) || !llvm::isa<FloatType>(*t))
      return ctx.emitError() << "softmax_precision " << *precision
                             << " is not a floating-point ONNX type";
    softmaxType = *t;
  }
  Value probs = u.cast(u.softmax(u.cast(scores, softmaxType), 3), et);
  if (*mode == 3)
    qkOut = probs;
  Value y = u.matmul(probs, v4);
  if (rank == 3 && y) {
    ArrayRef<int64_t> ys = chainTypeOf(y).getShape();
    y = u.reshape(u.transpose(y, {0, 2, 1, 3}), {ys[0], ys[2], ys[1] * ys[3]});
  }
  if (u.failed())
    return failure();
  ctx.setOutput(0, y);
  ctx.setOutput(3, qkOut);
  return success();
}
LogicalResult importRotaryEmbedding(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0), cosIn = ctx.input(1), sinIn = ctx.input(2);
  FailureOr<Value> pos = ctx.optionalInput(3);
  FailureOr<int64_t> interleaved = ctx.intAttr("interleaved", 0);
  FailureOr<int64_t> rotDim = ctx.intAttr("rotary_embedding_dim", 0);
  FailureOr<int64_t> heads = ctx.intAttr("num_heads", 0);
  if (failed(x) || failed(cosIn) || failed(sinIn) || failed(pos) || failed(interleaved) ||
      failed(rotDim) || failed(heads))
    return failure();
  RankedTensorType xt = chainTypeOf(*x);
  if ((xt.getRank() != 3 && xt.getRank() != 4) ||
      llvm::any_of(xt.getShape().drop_front(), ShapedType::isDynamic))
    return ctx.emitError() << "expects an input of rank 3 or 4, static after the batch; it is "
                           << xt;
  OpChain u(ctx);
  // [B, S, H, D] whatever the input's layout.
  Value v = *x;
  ArrayRef<int64_t> s = xt.getShape();
  int64_t batch = s[0], seq, nh, head;
  if (xt.getRank() == 4) {
    v = u.transpose(v, {0, 2, 1, 3});
    nh = s[1], seq = s[2], head = s[3];
  } else {
    if (*heads <= 0 || s[2] % *heads)
      return ctx.emitError() << "num_heads " << *heads << " does not divide the hidden size "
                             << s[2];
    seq = s[1], nh = *heads, head = s[2] / *heads;
    v = u.reshape(v, {batch, seq, nh, head});
  }
  int64_t rot = *rotDim ? *rotDim : head;
  if (rot > head || rot % 2)
    return ctx.emitError() << "rotary_embedding_dim " << rot << " must be even and at most "
                           << head;
  int64_t half = rot / 2;
  Value cosv = *cosIn, sinv = *sinIn;
  if (*pos) {
    // [max positions, half] gathered to [B, S, half].
    auto gather = [&](Value cache) -> Value {
      RankedTensorType ct = chainTypeOf(cache);
      if (ct.getRank() != 2)
        return Value();
      SmallVector<int64_t> shape(chainTypeOf(*pos).getShape());
      shape.push_back(ct.getDimSize(1));
      FailureOr<Value> g = ctx.finish1(GatherOp::create(ctx.builder(), ctx.loc(),
                                                        ct.clone(shape), cache, *pos, 0));
      return succeeded(g) ? *g : Value();
    };
    cosv = gather(cosv);
    sinv = gather(sinv);
    if (!cosv || !sinv)
      return ctx.emitError() << "expects [max positions, rotary_embedding_dim / 2] caches "
                                "with position_ids";
  }
  if (chainTypeOf(cosv).getRank() != 3 || chainTypeOf(cosv).getDimSize(2) != half ||
      chainTypeOf(sinv).getShape() != chainTypeOf(cosv).getShape())
    return ctx.emitError() << "expects cos and sin of [batch, sequence, " << half
                           << "]; cos is " << chainTypeOf(cosv);
  cosv = u.reshape(cosv, {chainTypeOf(cosv).getDimSize(0), seq, 1, half});
  sinv = u.reshape(sinv, {chainTypeOf(sinv).getDimSize(0), seq, 1, half});
  Value rotated = rot == head ? v : u.slice(v, 3, 0, rot);
  Value x1, x2;
  if (*interleaved) {
    Value pairs = u.reshape(rotated, {batch, seq, nh, half, 2});
    x1 = u.reshape(u.slice(pairs, 4, 0, 1), {batch, seq, nh, half});
    x2 = u.reshape(u.slice(pairs, 4, 1, 2), {batch, seq, nh, half});
  } else {
    x1 = u.slice(rotated, 3, 0, half);
    x2 = u.slice(rotated, 3, half, rot);
  }
  Value real = u.sub(u.mul(cosv, x1), u.mul(sinv, x2));
  Value imag = u.add(u.mul(sinv, x1), u.mul(cosv, x2));
  Value out;
  if (*interleaved) {
    out = u.reshape(u.concat({u.reshape(real, {batch, seq, nh, half, 1}),
                              u.reshape(imag, {batch, seq, nh, half, 1})},
                             4),
                    {batch, seq, nh, rot});
  } else {
    out = u.concat({real, imag}, 3);
  }
  if (rot != head)
    out = u.concat({out, u.slice(v, 3, rot, head)}, 3);
  out = xt.getRank() == 4 ? u.transpose(out, {0, 2, 1, 3}) : u.reshape(out, s);
  if (u.failed())
    return failure();
  ctx.setOutput(0, out);
  return success();
}
} // namespace

void mlir::infer::frontend::registerAttentionImporters(ImporterMap &m) {
  m["Attention"] = importAttention;
  m["RotaryEmbedding"] = importRotaryEmbedding;
}
