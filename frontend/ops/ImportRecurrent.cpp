//===- ImportRecurrent.cpp - ONNX LSTM, GRU and RNN ------------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The recurrent ops unrolled over their sequence at import: the input
// projection of every step is one matmul of the whole sequence, then each
// step is a small matmul of the previous hidden state and the gates'
// elementwise math, as ONNX's operator documentation writes it. Forward,
// reverse and bidirectional; initial states; LSTM peepholes; `clip`; the
// `activations` attribute with its alphas and betas; both layouts; and
// `sequence_lens`, constant or not, by masking: a step past a batch
// entry's length keeps its state and writes zeros to Y, which for the
// reverse direction also makes each sequence start at its own last element.
// The sequence length and batch must be static (the unrolled graph has one
// step per element).
//
//===----------------------------------------------------------------------===//

#include "frontend/ImportContext.h"
#include "frontend/ops/OpChain.h"

#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace mlir::infer;
using namespace mlir::infer::frontend;

namespace {
enum class Cell { rnn, gru, lstm };

/// Gates per direction: W is [directions, gates * hidden, input].
int64_t gateCount(Cell c) { return c == Cell::rnn ? 1 : c == Cell::gru ? 3 : 4; }

/// One entry of the `activations` attribute, with the alpha and beta it
/// took from `activation_alpha` / `activation_beta`.
struct Activation {
  std::string name; // lower case
  float alpha = 0, beta = 0;
};

bool takesAlpha(StringRef n) {
  return n == "leakyrelu" || n == "thresholdedrelu" || n == "hardsigmoid" ||
         n == "elu" || n == "scaledtanh" || n == "affine";
}
bool takesBeta(StringRef n) {
  return n == "hardsigmoid" || n == "scaledtanh" || n == "affine";
}
float defaultAlpha(StringRef n) {
  return n == "leakyrelu" ? 0.01f : n == "hardsigmoid" ? 0.2f : 1.0f;
}
float defaultBeta(StringRef n) {
  return n == "hardsigmoid" ? 0.5f : n == "affine" ? 0.0f : 1.0f;
}

/// `f` applied to `x`.
Value apply(OpChain &u, const Activation &f, Value x) {
  StringRef n = f.name;
  if (n == "sigmoid")
    return u.unary(UnaryKind::sigmoid, x);
  if (n == "tanh")
    return u.unary(UnaryKind::tanh, x);
  if (n == "relu")
    return u.unary(UnaryKind::relu, x);
  if (n == "leakyrelu")
    return u.unary(UnaryKind::leaky_relu, x, f.alpha);
  if (n == "thresholdedrelu")
    return u.unary(UnaryKind::thresholded_relu, x, f.alpha);
  if (n == "hardsigmoid")
    return u.unary(UnaryKind::hard_sigmoid, x, f.alpha, f.beta);
  if (n == "elu")
    return u.unary(UnaryKind::elu, x, f.alpha);
  if (n == "softsign")
    return u.unary(UnaryKind::softsign, x);
  if (n == "softplus")
    return u.unary(UnaryKind::softplus, x);
  if (n == "scaledtanh")
    return u.mul(u.scalar(x, f.alpha),
               u.unary(UnaryKind::tanh, u.mul(u.scalar(x, f.beta), x)));
  // affine, the last name parseActivations accepts.
  return u.add(u.mul(u.scalar(x, f.alpha), x), u.scalar(x, f.beta));
}

/// The `activations` attribute with its parameters, `perDirection` entries
/// for each direction (a list for one direction is used for both).
FailureOr<SmallVector<Activation>>
parseActivations(ImportContext &ctx, ArrayRef<StringRef> defaults,
                 int64_t directions) {
  FailureOr<SmallVector<std::string>> names = ctx.stringsAttr("activations");
  if (failed(names))
    return failure();
  SmallVector<float> alphas, betas;
  if (ctx.hasAttr("activation_alpha")) {
    FailureOr<SmallVector<float>> a = ctx.floatsAttr("activation_alpha");
    if (failed(a))
      return failure();
    alphas = *a;
  }
  if (ctx.hasAttr("activation_beta")) {
    FailureOr<SmallVector<float>> a = ctx.floatsAttr("activation_beta");
    if (failed(a))
      return failure();
    betas = *a;
  }
  size_t per = defaults.size();
  SmallVector<Activation> out;
  if (names->empty()) {
    for (int64_t d = 0; d < directions; ++d)
      for (StringRef n : defaults)
        out.push_back({n.lower(), 0, 0});
    return out;
  }
  if (names->size() != per && names->size() != per * directions)
    return ctx.emitError() << "has " << names->size()
                           << " activations; expects " << per
                           << (directions > 1 ? " or " + std::to_string(per * directions)
                                              : std::string());
  const float *alpha = alphas.begin(), *beta = betas.begin();
  for (const std::string &name : *names) {
    Activation f{StringRef(name).lower(), 0, 0};
    static constexpr StringRef known[] = {
        "sigmoid", "tanh", "relu", "leakyrelu", "thresholdedrelu",
        "hardsigmoid", "elu", "softsign", "softplus", "scaledtanh", "affine"};
    if (!llvm::is_contained(known, f.name))
      return ctx.unsupported("activation '" + name + "'");
    if (takesAlpha(f.name))
      f.alpha = alpha != alphas.end() ? *alpha++ : defaultAlpha(f.name);
    if (takesBeta(f.name))
      f.beta = beta != betas.end() ? *beta++ : defaultBeta(f.name);
    out.push_back(f);
  }
  if (names->size() == per)
    for (int64_t d = 1; d < directions; ++d)
      for (size_t i = 0; i < per; ++i)
        out.push_back(out[i]);
  return out;
}

LogicalResult importRecurrent(ImportContext &ctx, Cell cell) {
  FailureOr<Value> xIn = ctx.input(0), w = ctx.input(1), r = ctx.input(2);
  FailureOr<Value> bias = ctx.optionalInput(3), lens = ctx.optionalInput(4),
                   h0In = ctx.optionalInput(5);
  FailureOr<Value> c0In =
      cell == Cell::lstm ? ctx.optionalInput(6) : FailureOr<Value>(Value());
  FailureOr<Value> peep =
      cell == Cell::lstm ? ctx.optionalInput(7) : FailureOr<Value>(Value());
  FailureOr<std::string> direction = ctx.stringAttr("direction", "forward");
  FailureOr<int64_t> layout = ctx.intAttr("layout", 0);
  FailureOr<int64_t> inputForget =
      cell == Cell::lstm ? ctx.intAttr("input_forget", 0) : FailureOr<int64_t>(0);
  FailureOr<int64_t> lbr =
      cell == Cell::gru ? ctx.intAttr("linear_before_reset", 0) : FailureOr<int64_t>(0);
  if (failed(xIn) || failed(w) || failed(r) || failed(bias) || failed(lens) ||
      failed(h0In) || failed(c0In) || failed(peep) || failed(direction) ||
      failed(layout) || failed(inputForget) || failed(lbr))
    return failure();
  std::optional<float> clip;
  if (ctx.hasAttr("clip")) {
    FailureOr<float> c = ctx.floatAttr("clip", std::nullopt);
    if (failed(c))
      return failure();
    if (!(*c > 0))
      return ctx.emitError() << "clip is " << *c << "; expects a positive threshold";
    clip = *c;
  }
  if (*direction != "forward" && *direction != "reverse" &&
      *direction != "bidirectional")
    return ctx.emitError() << "direction is '" << *direction
                           << "'; expects forward, reverse or bidirectional";
  if (*layout != 0 && *layout != 1)
    return ctx.emitError() << "layout is " << *layout << "; expects 0 or 1";
  if (*inputForget != 0)
    return ctx.unsupported("input_forget 1 (coupled input and forget gates)");
  int64_t dirs = *direction == "bidirectional" ? 2 : 1;

  // Shapes: X [T, B, I] (layout 0) or [B, T, I]; W [D, G*H, I]; R [D, G*H, H].
  RankedTensorType xt = chainTypeOf(*xIn);
  if (xt.getRank() != 3 || !xt.hasStaticShape())
    return ctx.emitError() << "expects X of rank 3 with static dimensions (the "
                              "sequence is unrolled); X is "
                           << xt << "; pin dynamic dimensions with --input-shape";
  if (!llvm::isa<FloatType>(xt.getElementType()))
    return ctx.emitError() << "expects a floating-point X, not " << xt.getElementType();
  int64_t seq = xt.getDimSize(*layout ? 1 : 0), batch = xt.getDimSize(*layout ? 0 : 1),
          inSize = xt.getDimSize(2);
  if (seq < 1)
    return ctx.emitError() << "expects a sequence of at least one step; X is " << xt;
  int64_t gates = gateCount(cell);
  ArrayRef<int64_t> rs = chainTypeOf(*r).getShape();
  if (rs.size() != 3 || rs[0] != dirs || ShapedType::isDynamic(rs[2]) ||
      rs[1] != gates * rs[2])
    return ctx.emitError() << "expects R of shape [" << dirs << ", " << gates
                           << " * hidden_size, hidden_size]; R is " << chainTypeOf(*r);
  int64_t hidden = rs[2];
  if (ctx.hasAttr("hidden_size")) {
    FailureOr<int64_t> hs = ctx.intAttr("hidden_size", std::nullopt);
    if (failed(hs))
      return failure();
    if (*hs != hidden)
      return ctx.emitError() << "hidden_size is " << *hs << " but R is " << chainTypeOf(*r);
  }
  SmallVector<int64_t> wantW = {dirs, gates * hidden, inSize};
  if (chainTypeOf(*w).getShape() != ArrayRef<int64_t>(wantW))
    return ctx.emitError() << "expects W of shape [" << dirs << ", " << gates * hidden
                           << ", " << inSize << "]; W is " << chainTypeOf(*w);
  if (*bias && chainTypeOf(*bias).getShape() != ArrayRef<int64_t>{dirs, 2 * gates * hidden})
    return ctx.emitError() << "expects B of shape [" << dirs << ", "
                           << 2 * gates * hidden << "]; B is " << chainTypeOf(*bias);
  if (*peep && chainTypeOf(*peep).getShape() != ArrayRef<int64_t>{dirs, 3 * hidden})
    return ctx.emitError() << "expects P of shape [" << dirs << ", " << 3 * hidden
                           << "]; P is " << chainTypeOf(*peep);
  SmallVector<int64_t> stateShape =
      *layout ? SmallVector<int64_t>{batch, dirs, hidden}
              : SmallVector<int64_t>{dirs, batch, hidden};
  for (auto [v, what] : {std::pair<Value, StringRef>{*h0In, "initial_h"},
                           std::pair<Value, StringRef>{*c0In, "initial_c"}})
    if (v && chainTypeOf(v).getShape() != ArrayRef<int64_t>(stateShape))
      return ctx.emitError() << "expects " << what << " of shape [" << stateShape[0]
                             << ", " << stateShape[1] << ", " << stateShape[2]
                             << "]; it is " << chainTypeOf(v);
  if (*lens && (chainTypeOf(*lens).getShape() != ArrayRef<int64_t>{batch} ||
                !chainTypeOf(*lens).getElementType().isInteger(32)))
    return ctx.emitError() << "expects sequence_lens of type tensor<" << batch
                           << "xi32>; it is " << chainTypeOf(*lens);

  SmallVector<StringRef, 3> defaults =
      cell == Cell::rnn ? SmallVector<StringRef, 3>{"Tanh"}
      : cell == Cell::gru ? SmallVector<StringRef, 3>{"Sigmoid", "Tanh"}
                          : SmallVector<StringRef, 3>{"Sigmoid", "Tanh", "Tanh"};
  FailureOr<SmallVector<Activation>> acts = parseActivations(ctx, defaults, dirs);
  if (failed(acts))
    return failure();

  // Sequence lengths known at compile time give each step a constant mask
  // (and none where every entry is still running); others a computed one.
  std::optional<SmallVector<int64_t>> constLens;
  if (*lens && ctx.constantInput(4)) {
    FailureOr<SmallVector<int64_t>> l = ctx.constantInts(4, "sequence_lens");
    if (failed(l))
      return failure();
    for (int64_t v : *l)
      if (v < 0 || v > seq)
        return ctx.emitError() << "has a sequence length of " << v
                               << ", outside [0, " << seq << "]";
    constLens = *l;
  }

  OpChain u(ctx);
  OpBuilder &b = ctx.builder();
  Type et = xt.getElementType();
  auto stateType = RankedTensorType::get({batch, hidden}, et);
  Value zeros = ctx.splat(stateType, 0.0);
  auto maskAt = [&](int64_t t) -> Value {
    if (!*lens)
      return Value();
    if (constLens) {
      if (llvm::all_of(*constLens, [&](int64_t l) { return t < l; }))
        return Value();
      reference::Tensor m(b.getI1Type(), {batch, 1});
      for (int64_t i = 0; i < batch; ++i)
        m.setDouble(i, t < (*constLens)[i] ? 1.0 : 0.0);
      return ctx.constant(m);
    }
    return u.reshape(u.bin(BinaryKind::less, ctx.scalar(b.getI32Type(), double(t)), *lens),
                     {batch, 1});
  };

  Value x = *layout ? u.transpose(*xIn, {1, 0, 2}) : *xIn;
  Value h0All = *h0In && *layout ? u.transpose(*h0In, {1, 0, 2}) : *h0In;
  Value c0All = *c0In && *layout ? u.transpose(*c0In, {1, 0, 2}) : *c0In;
  int64_t gh = gates * hidden;
  SmallVector<Value> ys, hs, cs;
  for (int64_t d = 0; d < dirs; ++d) {
    bool reverse = *direction == "reverse" || d == 1;
    const Activation *f = &(*acts)[d * defaults.size()];
    Value wt = u.transpose(u.reshape(u.slice(*w, 0, d, d + 1), {gh, inSize}), {1, 0});
    Value rt = u.transpose(u.reshape(u.slice(*r, 0, d, d + 1), {gh, hidden}), {1, 0});
    // The input projection of all steps, with the biases that add to it.
    Value xw = u.matmul(x, wt);
    Value recurrentBiasH; // GRU with linear_before_reset: Rbh inside r * (...)
    if (*bias) {
      Value bd = u.reshape(u.slice(*bias, 0, d, d + 1), {2 * gh});
      Value wb = u.slice(bd, 0, 0, gh), rb = u.slice(bd, 0, gh, 2 * gh);
      if (cell == Cell::gru && *lbr) {
        recurrentBiasH = u.slice(rb, 0, 2 * hidden, gh);
        rb = u.concat({u.slice(rb, 0, 0, 2 * hidden),
                       ctx.splat(RankedTensorType::get({hidden}, et), 0.0)},
                      0);
      }
      xw = u.add(xw, u.add(wb, rb));
    }
    Value rzr, rh; // GRU: the update and reset gates' R, and the hidden one's
    if (cell == Cell::gru) {
      rzr = u.slice(rt, 1, 0, 2 * hidden);
      rh = u.slice(rt, 1, 2 * hidden, gh);
    }
    Value pi, po, pf;
    if (*peep) {
      Value pd = u.reshape(u.slice(*peep, 0, d, d + 1), {3 * hidden});
      pi = u.slice(pd, 0, 0, hidden);
      po = u.slice(pd, 0, hidden, 2 * hidden);
      pf = u.slice(pd, 0, 2 * hidden, 3 * hidden);
    }
    Value hPrev = h0All ? u.reshape(u.slice(h0All, 0, d, d + 1), {batch, hidden}) : Value();
    Value cPrev = c0All ? u.reshape(u.slice(c0All, 0, d, d + 1), {batch, hidden}) : Value();
    SmallVector<Value> steps(seq);
    for (int64_t i = 0; i < seq; ++i) {
      int64_t t = reverse ? seq - 1 - i : i;
      Value xt = u.reshape(u.slice(xw, 0, t, t + 1), {batch, gh});
      Value hNew, cNew;
      if (cell == Cell::rnn) {
        Value pre = hPrev ? u.add(xt, u.matmul(hPrev, rt)) : xt;
        hNew = apply(u, f[0], u.clip(pre, clip));
      } else if (cell == Cell::gru) {
        Value zr = u.slice(xt, 1, 0, 2 * hidden);
        if (hPrev)
          zr = u.add(zr, u.matmul(hPrev, rzr));
        Value z = apply(u, f[0], u.clip(u.slice(zr, 1, 0, hidden), clip));
        Value rg = apply(u, f[0], u.clip(u.slice(zr, 1, hidden, 2 * hidden), clip));
        Value pre = u.slice(xt, 1, 2 * hidden, gh);
        if (*lbr) {
          Value hr = hPrev ? u.matmul(hPrev, rh) : Value();
          if (recurrentBiasH)
            hr = hr ? u.add(hr, recurrentBiasH) : recurrentBiasH;
          if (hr)
            pre = u.add(pre, u.mul(rg, hr));
        } else if (hPrev) {
          pre = u.add(pre, u.matmul(u.mul(rg, hPrev), rh));
        }
        Value cand = apply(u, f[1], u.clip(pre, clip));
        hNew = u.mul(u.sub(u.scalar(z, 1.0), z), cand);
        if (hPrev)
          hNew = u.add(hNew, u.mul(z, hPrev));
      } else {
        Value g = hPrev ? u.add(xt, u.matmul(hPrev, rt)) : xt;
        Value ig = u.slice(g, 1, 0, hidden), og = u.slice(g, 1, hidden, 2 * hidden),
              fg = u.slice(g, 1, 2 * hidden, 3 * hidden),
              cg = u.slice(g, 1, 3 * hidden, gh);
        if (pi && cPrev) {
          ig = u.add(ig, u.mul(pi, cPrev));
          fg = u.add(fg, u.mul(pf, cPrev));
        }
        ig = apply(u, f[0], u.clip(ig, clip));
        fg = apply(u, f[0], u.clip(fg, clip));
        cg = apply(u, f[1], u.clip(cg, clip));
        cNew = u.mul(ig, cg);
        if (cPrev)
          cNew = u.add(cNew, u.mul(fg, cPrev));
        if (po)
          og = u.add(og, u.mul(po, cNew));
        og = apply(u, f[0], u.clip(og, clip));
        hNew = u.mul(og, apply(u, f[2], cNew));
      }
      Value y = hNew;
      if (Value mask = maskAt(t)) {
        y = u.where(mask, hNew, zeros);
        hNew = u.where(mask, hNew, hPrev ? hPrev : zeros);
        if (cNew)
          cNew = u.where(mask, cNew, cPrev ? cPrev : zeros);
      }
      steps[t] = u.reshape(y, {1, 1, batch, hidden});
      hPrev = hNew;
      cPrev = cNew;
      if (u.failed())
        return failure();
    }
    ys.push_back(u.concat(steps, 0));
    hs.push_back(u.reshape(hPrev, {1, batch, hidden}));
    if (cPrev)
      cs.push_back(u.reshape(cPrev, {1, batch, hidden}));
  }
  Value y = u.concat(ys, 1);
  Value yh = u.concat(hs, 0);
  Value yc = cs.empty() ? Value() : u.concat(cs, 0);
  if (*layout) {
    y = u.transpose(y, {2, 0, 1, 3});
    yh = u.transpose(yh, {1, 0, 2});
    if (yc)
      yc = u.transpose(yc, {1, 0, 2});
  }
  if (u.failed())
    return failure();
  ctx.setOutput(0, y);
  ctx.setOutput(1, yh);
  if (cell == Cell::lstm)
    ctx.setOutput(2, yc);
  return success();
}

template <Cell C> LogicalResult importCell(ImportContext &ctx) {
  return importRecurrent(ctx, C);
}
} // namespace

void mlir::infer::frontend::registerRecurrentImporters(ImporterMap &m) {
  m["RNN"] = importCell<Cell::rnn>;
  m["GRU"] = importCell<Cell::gru>;
  m["LSTM"] = importCell<Cell::lstm>;
}
