//===- Provenance.h - Which ONNX nodes a location names ---------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The importer gives every op the location `loc("Conv_3"("Conv"))`: the
// ONNX node's name, with its op type as the child location. Fusion joins
// them into FusedLocs. These helpers turn a location back into words for
// error messages and reports.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_IR_PROVENANCE_H
#define INFER_IR_PROVENANCE_H

#include "mlir/IR/Location.h"

#include <string>
#include <vector>

namespace mlir::infer {

/// The location of ONNX node `name` of op type `opType`.
Location nodeLocation(MLIRContext *ctx, llvm::StringRef name,
                      llvm::StringRef opType);

/// The ONNX node names in `loc` (a node's location, or a fused one), in
/// order and without repeats.
std::vector<std::string> nodeNames(Location loc);

/// The ONNX op types of the nodes `loc` names, in nodeNames' order ("" where
/// unknown).
std::vector<std::string> nodeOpTypes(Location loc);

/// "node 'Conv_3' (Conv)", "nodes 'Conv_3', 'Relu_4'", or "" when `loc`
/// names no node.
std::string describeNodes(Location loc);

} // namespace mlir::infer

#endif // INFER_IR_PROVENANCE_H
