//===- ThreadPool.cpp - The runtime's thread pool -------------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "runtime/ThreadPool.h"

#include <chrono>
#include <cstdlib>

namespace infer {
namespace {

/// Tells the core that this is a spin-wait (x86 `pause`, AArch64 `yield`):
/// the sibling hyperthread gets the pipeline and the loop's exit is not
/// mispredicted. No system call.
inline void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

using Clock = std::chrono::steady_clock;

int spinFromEnvironment() {
  if (const char *s = std::getenv("INFER_SPIN_US")) {
    char *end = nullptr;
    long v = std::strtol(s, &end, 10);
    if (end != s && *end == '\0' && v >= 0 && v <= 1000000)
      return static_cast<int>(v);
  }
  return 2000;
}

} // namespace

ThreadPool::ThreadPool(int threads, int spinMicros)
    : spinMicros(spinMicros >= 0 ? spinMicros : spinFromEnvironment()) {
  int n = threads > 0 ? threads : static_cast<int>(std::thread::hardware_concurrency());
  // More threads than cores: a spinning thread would hold a core another
  // one needs, so every wait yields to the scheduler instead.
  unsigned cores = std::thread::hardware_concurrency();
  oversubscribed = cores != 0 && static_cast<unsigned>(n) > cores;
  shares.reset(new Share[std::max(n, 1)]);
  try {
    for (int i = 1; i < std::max(n, 1); ++i)
      workers.emplace_back([this, i] { workerLoop(i); });
  } catch (...) {
    // The system refused a thread: stop those already started, so that
    // the caller gets the exception and not std::terminate.
    stop();
    throw;
  }
}

ThreadPool::~ThreadPool() { stop(); }

void ThreadPool::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    stopping = true;
    generation.fetch_add(1);
  }
  wake.notify_all();
  for (std::thread &t : workers)
    t.join();
}

void ThreadPool::runChunks(int self) {
  // Thread i's share is chunk i, so that each thread touches the same part
  // of the data from launch to launch; it takes the share's pieces in
  // order, then takes the pieces other threads have not started. On a
  // shared machine one core is often slower for a while (another tenant
  // on it), and a static split waits for it at every launch: ResNet-50's
  // 1x1 convolutions at 14x14 on a Zen 3 VM, 2 threads, ran 0.70 ms at
  // best and 1.02 at the median, onnxruntime (which balances) 0.64 / 0.73.
  auto drain = [&](Share &share) {
    while (true) {
      int64_t begin = share.next.fetch_add(share.piece, std::memory_order_relaxed);
      if (begin >= share.end)
        return;
      (*job)(begin, std::min(begin + share.piece, share.end));
    }
  };
  if (self < jobChunks)
    drain(shares[self]);
  for (int i = 1; i < jobChunks; ++i)
    drain(shares[(self + i) % jobChunks]);
}

uint64_t ThreadPool::awaitJob(uint64_t seen, uint64_t rested) {
  // Spin: the next launch usually follows within microseconds. The clock
  // is read once per 64 polls.
  Clock::time_point deadline = Clock::now() + std::chrono::microseconds(spinMicros);
  do {
    for (int i = 0; i < 64; ++i) {
      uint64_t g = generation.load(std::memory_order_acquire);
      if (g != seen)
        return g;
      if (restEpoch.load(std::memory_order_relaxed) != rested)
        break;
      if (oversubscribed)
        std::this_thread::yield();
      else
        cpuRelax();
    }
  } while (restEpoch.load(std::memory_order_relaxed) == rested && Clock::now() < deadline);
  // Sleep. `sleepers` goes up before the generation is read again (both
  // sequentially consistent, as parallelFor's bump and read of them are):
  // either this thread sees the new generation or the caller sees a
  // sleeper and notifies under the mutex, which this thread holds until
  // it waits.
  std::unique_lock<std::mutex> lock(mutex);
  sleepers.fetch_add(1);
  wake.wait(lock, [&] { return generation.load() != seen; });
  sleepers.fetch_sub(1);
  return generation.load(std::memory_order_acquire);
}

void ThreadPool::workerLoop(int index) {
  uint64_t seen = 0, rested = 0;
  while (true) {
    seen = awaitJob(seen, rested);
    if (stopping)
      return;
    // Read before the chunks: a rest() after this job's parallelFor
    // returns (so after this thread's chunks) moves the epoch past it.
    rested = restEpoch.load(std::memory_order_relaxed);
    runChunks(index);
    pending.fetch_sub(1, std::memory_order_acq_rel);
  }
}

void ThreadPool::parallelFor(int64_t n, int64_t grain,
                             const std::function<void(int64_t, int64_t)> &fn) {
  if (n <= 0)
    return;
  grain = std::max<int64_t>(grain, 1);
  int64_t maxChunks = (n + grain - 1) / grain;
  int chunks = static_cast<int>(std::min<int64_t>(size(), maxChunks));
  if (chunks <= 1 || workers.empty()) {
    fn(0, n);
    return;
  }
  // The previous job is done (pending reached 0), so no worker reads these.
  job = &fn;
  jobChunks = chunks;
  for (int i = 0; i < chunks; ++i) {
    Share &share = shares[i];
    int64_t begin = n * i / chunks;
    share.end = n * (i + 1) / chunks;
    // Up to kPiecesPerShare pieces, each at least a grain.
    share.piece = std::max<int64_t>(
        grain, (share.end - begin + kPiecesPerShare - 1) / kPiecesPerShare);
    share.next.store(begin, std::memory_order_relaxed);
  }
  pending.store(static_cast<int>(workers.size()), std::memory_order_relaxed);
  generation.fetch_add(1); // publishes the job (sequentially consistent)
  if (sleepers.load() > 0) {
    std::lock_guard<std::mutex> lock(mutex);
    wake.notify_all();
  }
  runChunks(0);
  // The workers' chunks are as long as this one: spin, yielding only after
  // a while (a worker descheduled, or more threads than cores).
  for (int polls = 0; pending.load(std::memory_order_acquire) != 0; ++polls) {
    if (oversubscribed || polls > 4096)
      std::this_thread::yield();
    else
      cpuRelax();
  }
}

void ThreadPool::rest() { restEpoch.fetch_add(1, std::memory_order_relaxed); }

} // namespace infer
