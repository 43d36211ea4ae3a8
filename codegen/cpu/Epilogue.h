//===- Epilogue.h - Fused epilogues of the CPU templates -------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The elementwise steps a CPU kernel template applies to its accumulators
// in registers before storing them (bias, activation, residual add, ...),
// with the kernel arguments they read.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CPU_EPILOGUE_H
#define INFER_CODEGEN_CPU_EPILOGUE_H

#include "codegen/core/TemplateKernel.h"
#include "codegen/cpu/Emitter.h"
#include "ir/InferOps.h"
#include "ir/QuantUtils.h"

#include <optional>

namespace mlir::infer {

/// How a template stores its result: f32, or rounded to int8 in registers
/// (the group's final infer.quantize).
struct OutputStore {
  double scale = 0; // 0: f32
  double lo = -128, hi = 127;

  /// Takes a final quantize (symmetric int8) off `steps` into the store.
  static OutputStore splitFrom(ArrayRef<EpilogueStep> &steps);
  /// Rounding to the int8 type `q`.
  static OutputStore of(quant::UniformQuantizedType q);
  Type elementType(MLIRContext *ctx) const;
  /// The f32 lanes `v` in steps of `scale`, as infer.quantize rounds (half
  /// to even of v / scale, saturated), still f32.
  Value round(Emitter &e, Value v) const;
  /// The stored form of the f32 lanes `v`: v, or round(v) as int8.
  Value convert(Emitter &e, Value v) const;
  /// Stores the lanes of `v` under `mask` at out[at].
  void store(Emitter &e, Value v, Value out, ValueRange at, Value mask) const;
  /// Stores the first `valid` lanes of `v` at out[at] (Emitter::vstorePrefix).
  void storePrefix(Emitter &e, Value v, Value out, ValueRange at,
                   Value valid) const;
};

/// The epilogue's operands inside one kernel.
struct Epilogue {
  ArrayRef<EpilogueStep> steps;
  /// A memref per step (null for unary steps and inlined scalars).
  SmallVector<Value> operands;
  SmallVector<std::optional<double>> scalars;
  /// How the result is stored (after the steps).
  OutputStore output;

  /// Applies every step to `acc`, the accumulator of output row `row` and
  /// of the VL columns starting at `col`; `full(operand)` loads a Full
  /// operand at the same place the output is stored.
  Value apply(Emitter &e, Value acc, Value row, Value col,
              function_ref<Value(Value)> full) const;

  /// Stores the vector `acc` of output row `row` and columns from `col` at
  /// out[at] under `mask`: as it is when `raw` (appliesApart's first pass),
  /// else through the steps (Full operands read at `at` under `mask`) and
  /// the output's conversion.
  void store(Emitter &e, Value acc, Value out, ValueRange at, Value row,
             Value col, Value mask, bool raw) const;

  /// Fetches the line of each Full operand (a residual) at `at`, indexed
  /// as the output is, for reading ahead of apply.
  void prefetchFull(Emitter &e, ValueRange at) const;

  /// Whether a template should store its register tile as it is and apply
  /// the steps in a second pass over the stored values: where a step calls
  /// a transcendental function (sigmoid, tanh, exp, ...), whose constants
  /// and temporaries would spill the tile, the output is f32, and no step
  /// reads a Full operand (a residual stays in the first pass's registers).
  bool appliesApart() const;

  /// The second pass of appliesApart: applies the steps to out[lead..., i]
  /// for i in [begin, end), two vectors at a time. `row` indexes PerRow
  /// operands, i PerColumn ones.
  void applyInPlace(Emitter &e, Value out, ValueRange lead, Value row,
                    Value begin, Value end) const;
};

/// `u` (an epilogue's unary step) applied to the f32 vector `acc`.
Value applyUnaryStep(Emitter &e, UnaryOp u, Value acc);

} // namespace mlir::infer

#endif // INFER_CODEGEN_CPU_EPILOGUE_H
