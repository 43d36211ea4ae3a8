//===- OnnxOpTable.h - ai.onnx op versions newer than libonnx's -*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Debian's libonnx (1.12) knows the ai.onnx opsets up to 17; models from
// PyTorch 2's exporter and newer tools use 18 and later, where several ops
// changed form (Reduce* take their axes as an input, Split a num_outputs,
// Pad an axes input, Resize antialiasing). The importer checks a node
// whose version is newer than libonnx's against this table instead:
// inputs, attributes and input types of every ai.onnx op version from
// opset 18 on, generated from the ONNX specification's schemas
// (scripts/gen-onnx-op-table.py, OnnxOpTable.inc). libonnx stays for
// reading the protobuf and for the older versions.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_FRONTEND_ONNXOPTABLE_H
#define INFER_FRONTEND_ONNXOPTABLE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <onnx/onnx_pb.h>

#include <vector>

namespace mlir::infer::frontend {

struct OnnxOpAttr {
  const char *name;
  onnx::AttributeProto::AttributeType type;
  bool required;
};

/// One version of an ai.onnx op: it applies from opset `since` until the
/// op's next version.
struct OnnxOpVersion {
  const char *op;
  int since;
  int minInputs, maxInputs;
  /// Per formal input (the last one repeats for variadic inputs): the
  /// index of its allowed types (onnxTypeSet).
  std::vector<int> inputTypes;
  std::vector<OnnxOpAttr> attrs;
};

/// The version of `op` in effect at `opset` among those of opsets 18 to
/// kNewestTableOpset, or null (none of that range: the op is older, or
/// unknown).
const OnnxOpVersion *onnxOpVersion(llvm::StringRef op, int64_t opset);

/// The type strings ("tensor(float)", ...) of type set `id`.
llvm::ArrayRef<const char *> onnxTypeSet(int id);

/// The newest opset the table covers.
constexpr int64_t kNewestTableOpset = 24;

} // namespace mlir::infer::frontend

#endif // INFER_FRONTEND_ONNXOPTABLE_H
