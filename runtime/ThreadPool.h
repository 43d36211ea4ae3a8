//===- ThreadPool.h - The runtime's thread pool -----------------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Runs a kernel's iteration range on N threads (the caller is one of them).
// Launches are many and short, so idle workers spin briefly before they
// sleep.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_RUNTIME_THREADPOOL_H
#define INFER_RUNTIME_THREADPOOL_H

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace infer {

class ThreadPool {
public:
  /// A pool of `threads` threads in all, the caller included (0: one per
  /// core). Throws std::system_error when the system refuses a thread,
  /// after stopping those it started.
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool &) = delete;
  ThreadPool &operator=(const ThreadPool &) = delete;

  int size() const { return static_cast<int>(workers.size()) + 1; }

  /// Calls fn(begin, end) on disjoint chunks covering [0, n), each at least
  /// `grain` long, and returns when all are done.
  void parallelFor(int64_t n, int64_t grain,
                   const std::function<void(int64_t, int64_t)> &fn);

private:
  /// Wakes every worker to exit and joins it.
  void stop();
  void workerLoop(int index);
  void runChunks(int self);

  std::vector<std::thread> workers;
  std::mutex mutex;
  std::condition_variable wake;
  std::atomic<uint64_t> generation{0};
  std::atomic<int> pending{0};
  std::atomic<bool> stopping{false};
  // The job of the current generation.
  const std::function<void(int64_t, int64_t)> *job = nullptr;
  int64_t jobSize = 0;
  int jobChunks = 0;
};

} // namespace infer

#endif // INFER_RUNTIME_THREADPOOL_H
