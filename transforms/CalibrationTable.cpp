//===- CalibrationTable.cpp - Reading an int8 calibration cache ----------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "transforms/CalibrationTable.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cmath>

using namespace mlir;
using namespace mlir::infer;

FailureOr<CalibrationTable>
mlir::infer::readCalibrationTable(StringRef path, std::string &error) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer) {
    error = "cannot read the calibration cache '" + path.str() +
            "': " + buffer.getError().message();
    return failure();
  }
  StringRef text = (*buffer)->getBuffer();
  CalibrationTable table;
  unsigned lineNo = 0;
  auto bad = [&](const Twine &what) {
    error = (path + ":" + Twine(lineNo) + ": " + what).str();
    return failure();
  };
  bool header = false;
  while (!text.empty()) {
    auto [line, rest] = text.split('\n');
    text = rest;
    ++lineNo;
    line = line.rtrim("\r");
    if (!header) {
      SmallVector<StringRef> words;
      line.split(words, ' ', -1, /*KeepEmpty=*/false);
      if (words.size() != 3 || words[0] != "infer-calibration")
        return bad("not an infer calibration cache (the first line must be "
                   "'infer-calibration 1 <calibrator>'; write one with "
                   "infer-run --calibrate)");
      if (words[1] != "1")
        return bad("calibration cache version " + words[1] +
                   " is not the version this compiler reads (1)");
      table.calibrator = words[2].str();
      header = true;
      continue;
    }
    if (line.empty() || line.starts_with("#"))
      continue;
    SmallVector<StringRef> fields;
    line.split(fields, '\t');
    if ((fields.size() != 3 && fields.size() != 4) || fields[0].empty())
      return bad("expected 'name<TAB>amax<TAB>scale[<TAB>error]', got '" + line + "'");
    double err = 0;
    if (fields.size() == 4 &&
        (!llvm::to_float(fields[3], err) || !std::isfinite(err) || err < 0))
      return bad("tensor '" + fields[0] + "' has an error that is not a finite "
                 "non-negative number ('" + fields[3] + "')");
    double amax = 0, scale = 0;
    if (!llvm::to_float(fields[1], amax) || !llvm::to_float(fields[2], scale) ||
        !std::isfinite(amax) || !std::isfinite(scale) || amax < 0 || scale < 0)
      return bad("tensor '" + fields[0] + "' has an amax or scale that is not "
                 "a finite non-negative number ('" + fields[1] + "', '" +
                 fields[2] + "')");
    // The scale is redundant; a file edited by hand must agree with itself.
    if (std::abs(scale * 127 - amax) > 1e-5 * std::max(amax, 1e-30))
      return bad("tensor '" + fields[0] + "': scale " + fields[2] +
                 " is not amax / 127 (amax " + fields[1] + ")");
    if (!table.amax.try_emplace(fields[0], amax).second)
      return bad("tensor '" + fields[0] + "' is listed twice");
    if (fields.size() == 4)
      table.error[fields[0]] = err;
  }
  if (!header) {
    error = "the calibration cache '" + path.str() + "' is empty";
    return failure();
  }
  return table;
}
