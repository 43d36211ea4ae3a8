//===- LowerToLinalg.h - infer ops to linalg, tensor and arith --*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The target-independent lowering of every infer op to linalg on tensors
// (with tensor, arith and math). It is the correctness path of code
// generation: every op has a lowering; fast kernel templates replace the
// hot ones per target. Tensors get storage element types (signless
// integers; quantized types become their storage integers).
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_LINALG_LOWERTOLINALG_H
#define INFER_CODEGEN_LINALG_LOWERTOLINALG_H

#include "mlir/Transforms/DialectConversion.h"

namespace mlir::infer {

/// Converts tensor types to their storage element types.
class StorageTypeConverter : public TypeConverter {
public:
  StorageTypeConverter();
};

void populateLowerElementwisePatterns(const TypeConverter &converter,
                                      RewritePatternSet &patterns);
void populateLowerReductionPatterns(const TypeConverter &converter,
                                    RewritePatternSet &patterns);
void populateLowerNNPatterns(const TypeConverter &converter,
                             RewritePatternSet &patterns);
void populateLowerDataMovementPatterns(const TypeConverter &converter,
                                       RewritePatternSet &patterns);

/// All of the above.
void populateInferToLinalgPatterns(const TypeConverter &converter,
                                   RewritePatternSet &patterns);

/// Lowers every infer op under `root`; fails with a diagnostic at the first
/// op that cannot be lowered.
LogicalResult lowerInferToLinalg(Operation *root);

} // namespace mlir::infer

#endif // INFER_CODEGEN_LINALG_LOWERTOLINALG_H
