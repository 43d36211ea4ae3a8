//===- ThreadPool.h - The runtime's thread pool -----------------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Runs a kernel's iteration range on N threads (the caller is one of them).
// Launches are many and short (a MobileNetV2 runs ~150 of them in under two
// milliseconds), so the hand-off is lock-free: the caller publishes a job by
// bumping a generation counter, workers that were spinning on it (with the
// CPU's pause hint, not a system call) pick it up within a fraction of a
// microsecond, and the caller spins on a pending count until they are done.
// Workers idle for longer than the spin window sleep on a condition
// variable; the caller only takes the mutex to wake sleepers.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_RUNTIME_THREADPOOL_H
#define INFER_RUNTIME_THREADPOOL_H

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace infer {

class ThreadPool {
public:
  /// A pool of `threads` threads in all, the caller included (0: one per
  /// core). Idle workers spin for `spinMicros` before they sleep (negative:
  /// INFER_SPIN_US from the environment, else 2000). Throws
  /// std::system_error when the system refuses a thread, after stopping
  /// those it started.
  explicit ThreadPool(int threads, int spinMicros = -1);
  ~ThreadPool();
  ThreadPool(const ThreadPool &) = delete;
  ThreadPool &operator=(const ThreadPool &) = delete;

  int size() const { return static_cast<int>(workers.size()) + 1; }

  /// Calls fn(begin, end) on disjoint ranges covering [0, n), and returns
  /// when all are done. [0, n) is split into one share per thread (at most
  /// one per `grain` indices), each share into up to kPiecesPerShare
  /// pieces of `grain` indices or more (a share's last piece, and a share
  /// smaller than a grain, may be shorter); a thread
  /// runs its own share's pieces in order, then those of other shares not
  /// yet taken. Not reentrant: one caller at a time.
  void parallelFor(int64_t n, int64_t grain,
                   const std::function<void(int64_t, int64_t)> &fn);
  /// Sends the workers to sleep now instead of at the end of their spin
  /// window: for a caller that turns to other work (another pool's
  /// launches, most of all), where spinning workers would take the cores
  /// it needs. The next parallelFor wakes them. Same caller as parallelFor.
  void rest();
  /// Workers asleep now (for tests).
  int sleeping() const { return sleepers.load(); }

  /// Pieces a thread's share of a launch is taken in.
  static constexpr int64_t kPiecesPerShare = 4;

private:
  /// Wakes every worker to exit and joins it.
  void stop();
  void workerLoop(int index);
  /// Waits until the generation differs from `seen`; returns the new one.
  /// Stops spinning early when restEpoch moves past `rested`.
  uint64_t awaitJob(uint64_t seen, uint64_t rested);
  void runChunks(int self);

  std::vector<std::thread> workers;
  int spinMicros;
  bool oversubscribed = false;

  // Written by the caller before a generation is published, read by the
  // workers after they see it.
  const std::function<void(int64_t, int64_t)> *job = nullptr;
  int jobChunks = 0;

  /// A thread's share of the current launch: pieces of `piece` indices
  /// from `next` up to `end`, taken by whichever thread gets there first.
  struct alignas(64) Share {
    std::atomic<int64_t> next{0};
    int64_t end = 0;
    int64_t piece = 1;
  };
  std::unique_ptr<Share[]> shares;

  // Each on a cache line of its own: the workers poll `generation` while
  // they decrement `pending`.
  alignas(64) std::atomic<uint64_t> generation{0};
  alignas(64) std::atomic<int> pending{0};
  alignas(64) std::atomic<int> sleepers{0};
  // Bumped by rest(): a worker spinning since a job it took before the
  // bump stops spinning and sleeps.
  std::atomic<uint64_t> restEpoch{0};
  std::atomic<bool> stopping{false};
  std::mutex mutex;
  std::condition_variable wake;
};

} // namespace infer

#endif // INFER_RUNTIME_THREADPOOL_H
