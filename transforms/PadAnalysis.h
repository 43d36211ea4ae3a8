//===- PadAnalysis.h - Which dynamic dimensions may be padded --*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// A model compiled with optimization profiles holds one plan per
// specialization of its dynamic dimensions. A shape between two
// specializations runs on the larger one, its inputs zero-filled beyond
// the real extent and its outputs cut back, when that is exact: when no
// value at a real position depends on a padded one. This analysis proves
// it per dimension ("symbol") on the imported graph, or says which ONNX
// node stops it.
//
// Every tensor axis carries the list of factors it is made of (static
// sizes and symbols, in memory order: a reshape may merge and split static
// factors but never a symbol), and, for the positions that are padded along
// it, what is known of their values (zero inputs give known constants
// there; an attention mask of zeros gives a very negative bias; a softmax
// over such a bias gives exact zeros). An op that mixes values along a
// padded axis is exact only when the padded positions contribute nothing:
// a contraction over an axis whose padded entries are exactly zero, a
// softmax whose padded inputs are at most -1e4 (exp underflows to 0), a
// forward cumulative sum. Anything else (a reduction, a convolution window,
// a concatenation, a slice that is not the whole axis...) along a symbol's
// axis makes that symbol unpaddable.
//
// Constants that the import computed from shapes are compared between two
// imports that differ in one symbol only: one that changes with the symbol
// must grow along it and keep its prefix (positions 0..n-1 for n), or the
// symbol is unpaddable (a length used as a number, say).
//
//===----------------------------------------------------------------------===//

#ifndef INFER_TRANSFORMS_PADANALYSIS_H
#define INFER_TRANSFORMS_PADANALYSIS_H

#include "mlir/IR/BuiltinOps.h"

#include <string>
#include <vector>

namespace mlir::infer {

struct PadAnalysisInput {
  /// The model imported with every symbol at `valuesA`.
  ModuleOp a;
  /// b[k]: imported with symbol k at valuesB[k], the others at valuesA.
  std::vector<ModuleOp> b;
  std::vector<int64_t> valuesA, valuesB;
  /// Per argument of a's function, per axis: the symbol or -1.
  std::vector<std::vector<int>> argSymbols;
};

struct PadAnalysisResult {
  /// Per symbol: "" when padding along it is exact, else why not (the ONNX
  /// node and op).
  std::vector<std::string> unpaddable;
  /// Per function result, per axis: the symbol the axis is (its size), or
  /// -1 for any other axis (static, or a product of sizes).
  std::vector<std::vector<int>> outputSymbols;
};

/// Analyzes `in` (see the file comment). Fails only on a malformed input.
PadAnalysisResult analyzePadding(const PadAnalysisInput &in);

} // namespace mlir::infer

#endif // INFER_TRANSFORMS_PADANALYSIS_H
