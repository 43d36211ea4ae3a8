//===- ImportText.cpp - ONNX TfIdfVectorizer ---------------------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// TfIdfVectorizer over integer tokens, counted as onnxruntime counts them:
// every n-gram of the pool with min_gram_length <= n <= max_gram_length is
// matched at every start position with each skip distance 1 ..
// max_skip_count + 1 (unigrams once), the counts go to the output columns
// ngram_indexes names, then the mode weights them. Each (n, skip) is a
// comparison of n shifted slices of the input against the pool's n-grams,
// summed over positions; the columns come from a one-hot matmul.
//
//===----------------------------------------------------------------------===//

#include "frontend/ImportContext.h"

#include <onnx/onnx_pb.h>

using namespace mlir;
using namespace mlir::infer;
using namespace mlir::infer::frontend;

namespace {
RankedTensorType typeOf(Value v) { return llvm::cast<RankedTensorType>(v.getType()); }

LogicalResult importTfIdfVectorizer(ImportContext &ctx) {
  FailureOr<Value> x = ctx.input(0);
  FailureOr<std::string> mode = ctx.stringAttr("mode", std::nullopt);
  FailureOr<int64_t> minGram = ctx.intAttr("min_gram_length", std::nullopt),
                     maxGram = ctx.intAttr("max_gram_length", std::nullopt),
                     maxSkip = ctx.intAttr("max_skip_count", std::nullopt);
  FailureOr<SmallVector<int64_t>> counts = ctx.intsAttr("ngram_counts", std::nullopt),
                                  indexes = ctx.intsAttr("ngram_indexes", std::nullopt),
                                  pool = ctx.intsAttr("pool_int64s", SmallVector<int64_t>{});
  if (failed(x) || failed(mode) || failed(minGram) || failed(maxGram) || failed(maxSkip) ||
      failed(counts) || failed(indexes) || failed(pool))
    return failure();
  if (ctx.hasAttr("pool_strings"))
    return ctx.unsupported("pool_strings (string tensors)");
  FailureOr<SmallVector<float>> weights =
      ctx.hasAttr("weights") ? ctx.floatsAttr("weights") : SmallVector<float>{};
  if (failed(weights))
    return failure();
  if (*mode != "TF" && *mode != "IDF" && *mode != "TFIDF")
    return ctx.emitError() << "mode '" << *mode << "' is not TF, IDF or TFIDF";
  if (*minGram < 1 || *maxGram < *minGram || *maxSkip < 0 || *maxGram > 64 || *maxSkip > 1024)
    return ctx.emitError() << "min_gram_length " << *minGram << ", max_gram_length " << *maxGram
                           << " and max_skip_count " << *maxSkip << " are out of range";
  RankedTensorType xt = typeOf(*x);
  if (!xt.hasStaticShape() || xt.getRank() < 1 || xt.getRank() > 2 ||
      !llvm::isa<IntegerType>(xt.getElementType()))
    return ctx.unsupported("TfIdfVectorizer other than of static [C] or [B, C] integer tokens");
  if (indexes->empty())
    return ctx.emitError() << "expects ngram_indexes";
  int64_t outSize = 0;
  for (int64_t i : *indexes) {
    if (i < 0 || i > (int64_t(1) << 24))
      return ctx.emitError() << "ngram index " << i << " is out of range";
    outSize = std::max(outSize, i + 1);
  }
  if (!weights->empty() && static_cast<int64_t>(weights->size()) < outSize)
    return ctx.emitError() << "has " << weights->size() << " weights for " << outSize
                           << " output columns";
  // The pool's n-grams by size, each with its global id (its
  // ngram_indexes entry).
  struct Gram {
    SmallVector<int64_t> tokens;
    int64_t id;
  };
  std::vector<std::vector<Gram>> bySize(*maxGram + 1);
  int64_t id = 0;
  for (size_t i = 0; i < counts->size(); ++i) {
    int64_t n = i + 1, begin = (*counts)[i];
    int64_t end = i + 1 < counts->size() ? (*counts)[i + 1] : static_cast<int64_t>(pool->size());
    if (begin < 0 || end < begin || end > static_cast<int64_t>(pool->size()) ||
        (end - begin) % n != 0)
      return ctx.emitError() << "ngram_counts " << formatShape(*counts)
                             << " do not split the pool of " << pool->size() << " tokens";
    for (int64_t g = begin; g < end; g += n, ++id) {
      if (id >= static_cast<int64_t>(indexes->size()))
        return ctx.emitError() << "has " << indexes->size() << " ngram_indexes for more n-grams";
      if (n >= *minGram && n <= *maxGram)
        bySize[n].push_back({SmallVector<int64_t>(pool->begin() + g, pool->begin() + g + n), id});
    }
  }
  bool batched = xt.getRank() == 2;
  int64_t b = batched ? xt.getDimSize(0) : 1, c = xt.getDimSize(xt.getRank() - 1);
  FailureOr<Value> tokens = ctx.reshape(*x, {b, 1, c});
  if (failed(tokens) || failed(tokens = ctx.cast(*tokens, ctx.builder().getI64Type())))
    return failure();
  Type f32 = ctx.builder().getF32Type();
  FailureOr<Value> total = ctx.splat(RankedTensorType::get({b, outSize}, f32), 0.0);
  for (int64_t n = *minGram; n <= *maxGram; ++n) {
    const std::vector<Gram> &grams = bySize[n];
    if (grams.empty())
      continue;
    int64_t p = grams.size();
    // The n-grams' token k: [1, P, 1]; their columns: a one-hot [P, out].
    SmallVector<Value> column;
    for (int64_t k = 0; k < n; ++k) {
      reference::Tensor t(ctx.builder().getI64Type(), {1, p, 1});
      for (int64_t g = 0; g < p; ++g)
        t.setInt(g, grams[g].tokens[k]);
      column.push_back(ctx.constant(t));
    }
    if (failed(ctx.checkBuiltConstant({p, outSize})))
      return failure();
    reference::Tensor oneHot(f32, {p, outSize});
    for (int64_t g = 0; g < p; ++g)
      oneHot.setDouble(g * outSize + (*indexes)[grams[g].id], 1.0);
    Value toColumns = ctx.constant(oneHot);
    int64_t skips = n == 1 ? 1 : *maxSkip + 1;
    for (int64_t d = 1; d <= skips; ++d) {
      int64_t positions = c - (n - 1) * d;
      if (positions <= 0)
        break;
      FailureOr<Value> match;
      for (int64_t k = 0; k < n; ++k) {
        FailureOr<Value> slice = ctx.sliceAxis(*tokens, 2, k * d, k * d + positions, 1);
        FailureOr<Value> eq = failed(slice) ? slice : ctx.binary(BinaryKind::equal, *slice,
                                                                 column[k]);
        if (failed(eq))
          return failure();
        match = k == 0 ? eq : ctx.binary(BinaryKind::and_, *match, *eq);
        if (failed(match))
          return failure();
      }
      // [B, P, positions] matches counted per n-gram, sent to columns.
      FailureOr<Value> found = ctx.cast(*match, f32);
      if (failed(found) || failed(found = ctx.reduce(ReduceKind::sum, *found, {2}, false)) ||
          failed(found = ctx.matmul(*found, toColumns)) ||
          failed(total = ctx.binary(BinaryKind::add, *total, *found)))
        return failure();
    }
  }
  FailureOr<Value> y = total;
  if (*mode != "TF") {
    Value w;
    if (!weights->empty()) {
      reference::Tensor wt(f32, {outSize});
      for (int64_t i = 0; i < outSize; ++i)
        wt.setDouble(i, (*weights)[i]);
      w = ctx.constant(wt);
    }
    if (*mode == "IDF") {
      FailureOr<Value> seen = ctx.binary(BinaryKind::greater, *total, ctx.scalar(f32, 0.0));
      y = failed(seen) ? seen
                       : ctx.where(*seen, w ? w : ctx.scalar(f32, 1.0), ctx.scalar(f32, 0.0));
    } else if (w) {
      y = ctx.binary(BinaryKind::mul, *total, w);
    }
  }
  if (failed(y) || (!batched && failed(y = ctx.reshape(*y, {outSize}))))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}
} // namespace

void mlir::infer::frontend::registerTextImporters(ImporterMap &m) {
  m["TfIdfVectorizer"] = importTfIdfVectorizer;
}
