//===- WorkDir.cpp - The directory of a backend's intermediate files ------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/WorkDir.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir::infer;

WorkDir::~WorkDir() {
  if (!dir.empty() && !kept)
    llvm::sys::fs::remove_directories(dir);
}

bool WorkDir::create(llvm::StringRef keepDir, llvm::StringRef prefix,
                     std::string &error) {
  if (!keepDir.empty()) {
    dir = keepDir;
    kept = true;
    llvm::sys::fs::create_directories(dir);
    return true;
  }
  if (std::error_code ec = llvm::sys::fs::createUniqueDirectory(prefix, dir)) {
    error = "cannot create a temporary directory: " + ec.message();
    return false;
  }
  return true;
}

llvm::SmallString<128> WorkDir::file(llvm::StringRef name) const {
  llvm::SmallString<128> path(dir);
  llvm::sys::path::append(path, name);
  return path;
}

bool WorkDir::write(llvm::StringRef name, llvm::StringRef data,
                    std::string &error) const {
  llvm::SmallString<128> path = file(name);
  std::error_code ec;
  llvm::raw_fd_ostream out(path, ec);
  if (!ec) {
    out << data;
    out.close();
    if (!out.has_error())
      return true;
    ec = out.error();
    out.clear_error();
  }
  error = "cannot write '" + path.str().str() + "': " + ec.message();
  return false;
}

std::optional<std::vector<char>> WorkDir::read(llvm::StringRef name,
                                               llvm::StringRef what,
                                               std::string &error) const {
  auto buffer = llvm::MemoryBuffer::getFile(file(name), /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    error = "cannot read " + what.str() + ": " + buffer.getError().message();
    return std::nullopt;
  }
  return std::vector<char>((*buffer)->getBufferStart(), (*buffer)->getBufferEnd());
}

bool WorkDir::run(llvm::StringRef program, llvm::ArrayRef<llvm::StringRef> args,
                  std::string &error) const {
  llvm::SmallString<128> log = file(llvm::sys::path::filename(program).str() + ".log");
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, llvm::StringRef(log),
                                                llvm::StringRef(log)};
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(program, args, std::nullopt, redirects, 0, 0,
                                     &message);
  if (rc != 0) {
    error = "'" + program.str() + "' failed";
    if (!message.empty())
      error += ": " + message;
    if (auto text = llvm::MemoryBuffer::getFile(log))
      error += "\n" + (*text)->getBuffer().str();
  }
  return rc == 0;
}
