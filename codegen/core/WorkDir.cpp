//===- WorkDir.cpp - The directory of a backend's intermediate files ------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/core/WorkDir.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/raw_ostream.h"

#include <atomic>
#include <cstring>
#include <mutex>
#include <unistd.h>

using namespace mlir::infer;

namespace {
/// Temporary directories alive now, for the interrupt handler: fixed slots
/// of plain characters, readable from a signal handler.
constexpr int kSlots = 16;
constexpr size_t kPathBytes = 4096;
char slotPath[kSlots][kPathBytes];
std::atomic<bool> slotUsed[kSlots];

/// On SIGINT / SIGTERM LLVM removes the files registered with
/// RemoveFileOnSignal (every file of a work directory), then calls this:
/// the directories are empty by then, and rmdir is async-signal-safe.
void removeDirsOnInterrupt() {
  for (int i = 0; i < kSlots; ++i)
    if (slotUsed[i].load())
      ::rmdir(slotPath[i]);
  // The shell's code for "interrupted"; _exit is async-signal-safe.
  ::_exit(130);
}

int claimSlot(llvm::StringRef path) {
  static std::once_flag once;
  std::call_once(once, [] { llvm::sys::SetInterruptFunction(removeDirsOnInterrupt); });
  if (path.size() >= kPathBytes)
    return -1;
  for (int i = 0; i < kSlots; ++i) {
    bool expected = false;
    if (slotUsed[i].compare_exchange_strong(expected, true)) {
      std::memcpy(slotPath[i], path.data(), path.size());
      slotPath[i][path.size()] = 0;
      return i;
    }
  }
  return -1;
}
} // namespace

WorkDir::~WorkDir() {
  for (const std::string &f : registered)
    llvm::sys::DontRemoveFileOnSignal(f);
  if (slot >= 0)
    slotUsed[slot].store(false);
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
  // The path is known to the interrupt handler before the directory exists:
  // no moment leaves it behind.
  for (int attempt = 0;; ++attempt) {
    llvm::sys::fs::createUniquePath(prefix + "-%%%%%%", dir,
                                    /*MakeAbsolute=*/true);
    slot = claimSlot(dir);
    std::error_code ec =
        llvm::sys::fs::create_directory(dir, /*IgnoreExisting=*/false);
    if (!ec)
      return true;
    if (slot >= 0)
      slotUsed[slot].store(false);
    slot = -1;
    if (ec != std::errc::file_exists || attempt > 16) {
      error = "cannot create a temporary directory: " + ec.message();
      dir.clear();
      return false;
    }
  }
}

llvm::SmallString<128> WorkDir::file(llvm::StringRef name) const {
  llvm::SmallString<128> path(dir);
  llvm::sys::path::append(path, name);
  if (!kept && !llvm::is_contained(registered, path.str())) {
    llvm::sys::RemoveFileOnSignal(path);
    registered.push_back(path.str().str());
  }
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
