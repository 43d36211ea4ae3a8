//===- ProgressLine.h - A progress line on standard error -------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// What the tools print while tuning: on a terminal one line redrawn in
// place; in a log or a pipe, where each redraw would pile up on one line,
// a whole line at each tenth of the work (and the last one at its end).
// Header only, no LLVM, so that infer-run built with the runtime alone has
// it too.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_RUNTIME_IO_PROGRESSLINE_H
#define INFER_RUNTIME_IO_PROGRESSLINE_H

#include <cstdio>
#include <string>

#include <unistd.h>

namespace infer {

/// The progress of `total` steps of work on standard error.
class ProgressLine {
public:
  explicit ProgressLine(size_t total) : total(total), tty(isatty(2) == 1) {}

  /// Step `done` of the total, described by `text`. A line that is not a
  /// `milestone` (an intermediate state of a step) shows on a terminal
  /// only.
  void update(size_t done, const std::string &text, bool milestone = true) {
    if (tty) {
      std::fprintf(stderr, "\r%s", text.c_str());
      drawn = true;
      return;
    }
    if (!milestone)
      return;
    last = text;
    size_t tenth = total ? done * 10 / total : 10;
    if (tenth > lastTenth || done >= total) {
      lastTenth = tenth;
      std::fprintf(stderr, "%s\n", text.c_str());
      last.clear();
    }
  }

  /// Before another message: ends a redrawn line.
  void interrupt() {
    if (drawn)
      std::fprintf(stderr, "\n");
    drawn = false;
  }

  /// At the end: ends a redrawn line, or logs the last state not logged
  /// (the work ended early or on a step that was skipped).
  void finish() {
    interrupt();
    if (!last.empty())
      std::fprintf(stderr, "%s\n", last.c_str());
    last.clear();
  }

private:
  size_t total;
  bool tty;
  bool drawn = false;
  size_t lastTenth = 0;
  std::string last;
};

} // namespace infer

#endif // INFER_RUNTIME_IO_PROGRESSLINE_H
