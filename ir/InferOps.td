//===- InferOps.td - Operations of the infer dialect --------*- tablegen -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Collects the op families. Each family lives in its own file and its
// verifiers in a matching .cpp file.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_OPS_TD
#define INFER_OPS_TD

include "InferDialect.td"
include "InferEnums.td"
include "InferAttrs.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"

include "InferNNOps.td"
include "InferElementwiseOps.td"
include "InferReduceOps.td"
include "InferTensorOps.td"
include "InferQuantOps.td"
include "InferFusionOps.td"
include "InferCheckOps.td"
include "InferPlanOps.td"

#endif // INFER_OPS_TD
