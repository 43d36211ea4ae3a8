//===- ProgressLine.h - A progress line on standard error -------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// What the tools print while tuning: on a terminal one line redrawn in
// place; in a log or a pipe, where each redraw would pile up on one line,
// a whole line at each tenth of the work (and at its end). Header only, no
// LLVM, so that infer-run built with the runtime alone has it too.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_RUNTIME_IO_PROGRESSLINE_H
#define INFER_RUNTIME_IO_PROGRESSLINE_H

#include <cstdio>
#include <string>

#include <unistd.h>

namespace infer {

class ProgressLine {
public:
  explicit ProgressLine(size_t total) : total(total), tty(isatty(2) == 1) {}

  /// Step `done` of the total, described by `text`.
  void update(size_t done, const std::string &text) {
    if (tty) {
      std::fprintf(stderr, "\r%s", text.c_str());
      drawn = true;
      return;
    }
    size_t tenth = total ? done * 10 / total : 10;
    if (tenth > lastTenth || done == total) {
      lastTenth = tenth;
      std::fprintf(stderr, "%s\n", text.c_str());
    }
  }

  /// Ends the redrawn line (a terminal).
  void finish() {
    if (tty && drawn)
      std::fprintf(stderr, "\n");
    drawn = false;
  }

private:
  size_t total;
  bool tty;
  bool drawn = false;
  size_t lastTenth = 0;
};

} // namespace infer

#endif // INFER_RUNTIME_IO_PROGRESSLINE_H
