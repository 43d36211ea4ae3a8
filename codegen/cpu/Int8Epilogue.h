//===- Int8Epilogue.h - Epilogues of the int8 CPU templates -----*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// What conv_i8 and gemm_i8 do after their i32 sums are scaled to f32: the
// fused steps (Epilogue), with full operands read as f32 or, where the
// group dequantizes an int8 tensor for them (a residual), as int8 times its
// scale; then the store, f32 or rounded to int8 when the group ends in
// infer.quantize.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CPU_INT8EPILOGUE_H
#define INFER_CODEGEN_CPU_INT8EPILOGUE_H

#include "codegen/core/TemplateKernel.h"
#include "codegen/cpu/Epilogue.h"
#include "codegen/cpu/Int8Emitter.h"

#include "mlir/IR/BuiltinTypes.h"

#include <functional>
#include <string>

namespace mlir::infer {

/// The kernel arguments of an int8 template's epilogue steps.
struct Int8EpilogueArgs {
  /// The steps without the final quantize (which `store` does).
  ArrayRef<EpilogueStep> steps;
  OutputStore store;
  /// Per step: the template input it reads (-1: none or an inlined scalar).
  SmallVector<int> args;
  SmallVector<std::optional<double>> scalars;
  /// Template inputs that are int8 tensors dequantized in the group, with
  /// their scales.
  DenseMap<int, double> int8Args;

  /// Splits off the final quantize and adds the steps' operands through
  /// `add(arg, type)`: full ones as `full` (with i8 elements for a tensor
  /// the group dequantizes), per-row or per-column ones as 1-D f32.
  LogicalResult collect(ArrayRef<EpilogueStep> epilogue, MemRefType full,
                        function_ref<int(TemplateArg, MemRefType)> add,
                        std::string &error);

  /// The epilogue over the kernel's arguments `a`.
  Epilogue bind(ValueRange a, DenseMap<Value, double> &int8Operands) const;
};

/// Where some lanes of an output vector live: indices of the output (and of
/// full operands) and the lanes.
struct Int8Segment {
  SmallVector<Value> at;
  Value mask;
};

/// Applies `epi` to `f` (16 lanes of output row `row`, columns from `col`)
/// and stores it as `epi.output` says: full operands are read, and the
/// result stored, at each segment (one, or two where the lanes span two
/// images).
void finishInt8(I8Emitter &e, const Epilogue &epi,
                const DenseMap<Value, double> &int8Operands, Value f, Value row,
                Value col, Value out, ArrayRef<Int8Segment> segments);

} // namespace mlir::infer

#endif // INFER_CODEGEN_CPU_INT8EPILOGUE_H
