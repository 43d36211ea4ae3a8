//===- SparsityLog.h - What the sparsity passes did, kept in the IR -*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The sparsity passes (infer-eliminate-zero-channels, infer-sparse24) write
// what they did to each contraction into the module attribute
// `infer.sparsity`: an array of dictionaries, one per decision, naming the
// ONNX node. It is visible in the IR (`infer-opt` prints it), survives the
// later passes that rewrite the ops themselves, and is where
// `infer-compile --report` and `infer-opt --sparsity-report` read it.
//
// Entry keys: `node` (ONNX node names), `op` (ONNX op types), `kind`
// ("channels", "2:4", "declined"), and by kind `removed_outputs`,
// `removed_inputs`, `outputs`, `inputs`, `flops_saved`, `reason`.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_IR_SPARSITYLOG_H
#define INFER_IR_SPARSITYLOG_H

#include "mlir/IR/BuiltinAttributes.h"

#include <string>

namespace mlir {
class ModuleOp;
class NamedAttrList;
class Operation;
} // namespace mlir

namespace mlir::infer {

/// The module attribute holding the log.
inline constexpr llvm::StringLiteral kSparsityLogAttr = "infer.sparsity";

/// An entry about `op` (its ONNX nodes and op types from its location)
/// with the given kind and fields.
DictionaryAttr sparsityEntry(Operation *op, StringRef kind, NamedAttrList fields);

/// Appends `entries` to the log of `module` (a pass appends once: the
/// attribute is rebuilt each time).
void appendSparsityLog(ModuleOp module, ArrayRef<Attribute> entries);

/// Turns the "2:4" entry of the nodes of `loc` into a "declined" one with
/// `reason` (code generation gave the weight back its dense form).
void declineSparsityEntry(ModuleOp module, Location loc, StringRef reason);

/// The log's entries (empty when no pass wrote one).
ArrayRef<Attribute> sparsityLog(ModuleOp module);

/// What an entry says was done, in words: "2:4", "dense", "declined: why",
/// "channels: 26 of 64 outputs removed, 0 inputs".
std::string describeSparsityEntry(DictionaryAttr entry);

/// The share of the entry's weights that are zero and that nothing
/// exploits (2:4 used exploits half of them), or a negative value for
/// entries without weight counts.
double unstructuredZeroShare(DictionaryAttr entry);

/// Prints the log as a table (node, op, sparsity, unstructured zeros,
/// FLOPs saved) and its totals.
void printSparsityTable(ArrayRef<Attribute> log, llvm::raw_ostream &os);

} // namespace mlir::infer

#endif // INFER_IR_SPARSITYLOG_H
