//===- ThreadPool.cpp - The runtime's thread pool -------------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "runtime/ThreadPool.h"

#include <chrono>

namespace infer {

ThreadPool::ThreadPool(int threads) {
  int n = threads > 0 ? threads : static_cast<int>(std::thread::hardware_concurrency());
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
  // Static partition: thread i takes chunk i, so each thread touches the
  // same part of the data from launch to launch.
  if (self < jobChunks) {
    int64_t begin = jobSize * self / jobChunks;
    int64_t end = jobSize * (self + 1) / jobChunks;
    if (begin < end)
      (*job)(begin, end);
  }
}

void ThreadPool::workerLoop(int index) {
  uint64_t seen = 0;
  while (true) {
    // Spin a little: the next launch usually follows within microseconds.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::microseconds(200);
    while (generation.load(std::memory_order_acquire) == seen &&
           std::chrono::steady_clock::now() < deadline)
      std::this_thread::yield();
    if (generation.load(std::memory_order_acquire) == seen) {
      std::unique_lock<std::mutex> lock(mutex);
      wake.wait(lock, [&] { return generation.load() != seen; });
    }
    seen = generation.load(std::memory_order_acquire);
    if (stopping)
      return;
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
  {
    std::lock_guard<std::mutex> lock(mutex);
    job = &fn;
    jobSize = n;
    jobChunks = chunks;
    pending.store(static_cast<int>(workers.size()), std::memory_order_release);
    generation.fetch_add(1, std::memory_order_acq_rel);
  }
  wake.notify_all();
  runChunks(0);
  while (pending.load(std::memory_order_acquire) != 0)
    std::this_thread::yield();
}

} // namespace infer
