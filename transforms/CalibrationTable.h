//===- CalibrationTable.h - Reading an int8 calibration cache ---*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The calibration cache `infer-run --calibrate` writes: a header line
// `infer-calibration 1 <calibrator>`, comment lines starting with '#', then
// one line per tensor, `name<TAB>amax<TAB>scale[<TAB>error]` (scale = amax /
// 127; error: the tensor's relative L2 error in int8).
// infer-quantize reads it; every malformed line is an error naming the
// file and the line.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_TRANSFORMS_CALIBRATIONTABLE_H
#define INFER_TRANSFORMS_CALIBRATIONTABLE_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringMap.h"

#include <string>

namespace mlir::infer {

/// The activation ranges of one calibration.
struct CalibrationTable {
  /// The calibrator named in the header ("entropy", "minmax", ...).
  std::string calibrator;
  /// The largest magnitude each tensor is quantized to, by ONNX name.
  llvm::StringMap<double> amax;
  /// The relative L2 error int8 costs each tensor, where the cache says
  /// (a fourth column).
  llvm::StringMap<double> error;
};

/// Reads the cache at `path`; on failure returns failure and sets `error`
/// (unreadable file, wrong header, a malformed line and its number).
FailureOr<CalibrationTable> readCalibrationTable(StringRef path,
                                                 std::string &error);

} // namespace mlir::infer

#endif // INFER_TRANSFORMS_CALIBRATIONTABLE_H
