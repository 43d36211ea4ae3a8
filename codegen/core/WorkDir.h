//===- WorkDir.h - The directory of a backend's intermediate files -*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Where a backend writes the files its external steps read (the object for
// the linker, the PTX for ptxas): the user's --keep directory, kept, or a
// fresh temporary one, removed when the WorkDir goes away (on failures and
// on SIGINT / SIGTERM too); and the running of those steps, their output
// kept for the error.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_WORKDIR_H
#define INFER_CODEGEN_WORKDIR_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>
#include <vector>

namespace mlir::infer {

class WorkDir {
public:
  WorkDir() = default;
  WorkDir(const WorkDir &) = delete;
  WorkDir &operator=(const WorkDir &) = delete;
  ~WorkDir();

  /// Uses `keepDir` when set, else a new temporary directory named after
  /// `prefix`; false with `error` when it cannot be created.
  bool create(llvm::StringRef keepDir, llvm::StringRef prefix, std::string &error);

  /// The path of `name` inside the directory.
  llvm::SmallString<128> file(llvm::StringRef name) const;

  /// Writes `data` to `name` inside the directory; false with `error`.
  bool write(llvm::StringRef name, llvm::StringRef data, std::string &error) const;

  /// The bytes of `name` inside the directory (what a step produced), or
  /// none with `error` naming `what`.
  std::optional<std::vector<char>> read(llvm::StringRef name, llvm::StringRef what,
                                        std::string &error) const;

  /// Runs `program` with `args` (args[0] is the program); on failure,
  /// `error` says so and holds what it printed.
  bool run(llvm::StringRef program, llvm::ArrayRef<llvm::StringRef> args,
           std::string &error) const;

private:
  llvm::SmallString<128> dir;
  bool kept = false;
  /// Files registered for removal on SIGINT / SIGTERM, and the directory's
  /// slot in the interrupt handler's list (-1: none).
  mutable std::vector<std::string> registered;
  int slot = -1;
};

} // namespace mlir::infer

#endif // INFER_CODEGEN_WORKDIR_H
