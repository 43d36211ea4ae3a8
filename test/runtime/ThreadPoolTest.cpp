//===- ThreadPoolTest.cpp - The runtime's thread pool ---------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Every index of a launch runs exactly once, in no more pieces than the
// shares allow; a stalled thread's pieces are taken by the others;
// whether the workers were spinning, asleep (spin window 0) or more than the
// cores; a long run of back-to-back launches loses none.
//
//===----------------------------------------------------------------------===//

#include "runtime/ThreadPool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

using infer::ThreadPool;

namespace {

/// Runs one launch of n indices and checks each ran exactly once, in at most
/// kPiecesPerShare pieces per share (one share per thread and per `grain`
/// indices), pieces shorter than a grain only at the ends of shares.
void checkLaunch(ThreadPool &pool, int64_t n, int64_t grain) {
  std::vector<std::atomic<int>> hits(n);
  std::atomic<int> calls{0}, short_{0};
  pool.parallelFor(n, grain, [&](int64_t begin, int64_t end) {
    calls.fetch_add(1);
    if (end - begin < grain)
      short_.fetch_add(1);
    for (int64_t i = begin; i < end; ++i)
      hits[i].fetch_add(1);
  });
  for (int64_t i = 0; i < n; ++i)
    ASSERT_EQ(hits[i].load(), 1) << "index " << i << " of " << n << ", grain " << grain;
  int64_t shares = std::min<int64_t>(pool.size(), (n + grain - 1) / grain);
  EXPECT_LE(calls.load(), shares * ThreadPool::kPiecesPerShare)
      << n << " indices, grain " << grain;
  EXPECT_LE(short_.load(), shares) << n << " indices, grain " << grain;
}

TEST(ThreadPool, CoversEveryIndexOnce) {
  for (int threads : {1, 2, 3, 8}) {
    ThreadPool pool(threads);
    EXPECT_EQ(pool.size(), threads);
    for (int64_t n : {1, 2, 3, 7, 64, 1000})
      for (int64_t grain : {1, 2, 5, 1000})
        checkLaunch(pool, n, grain);
  }
}

TEST(ThreadPool, EmptyLaunchCallsNothing) {
  ThreadPool pool(2);
  int calls = 0;
  pool.parallelFor(0, 1, [&](int64_t, int64_t) { ++calls; });
  EXPECT_EQ(calls, 0);
}

TEST(ThreadPool, ChunksRunOnSeveralThreads) {
  ThreadPool pool(2);
  std::mutex m;
  std::vector<std::thread::id> ids;
  // Each chunk waits for the other to start, so both must run at once.
  std::atomic<int> started{0};
  pool.parallelFor(2, 1, [&](int64_t, int64_t) {
    started.fetch_add(1);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (started.load() < 2 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::yield();
    std::lock_guard<std::mutex> lock(m);
    ids.push_back(std::this_thread::get_id());
  });
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_NE(ids[0], ids[1]);
}

TEST(ThreadPool, TakesTheSharesOfASlowThread) {
  // The worker stalls on its first piece; the caller, done with its own
  // share, takes the worker's other pieces.
  ThreadPool pool(2);
  std::thread::id caller = std::this_thread::get_id();
  std::atomic<int> byCaller{0};
  std::vector<std::atomic<int>> hits(8);
  std::atomic<bool> stalled{false};
  pool.parallelFor(8, 1, [&](int64_t begin, int64_t end) {
    bool onCaller = std::this_thread::get_id() == caller;
    if (!onCaller && !stalled.exchange(true))
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    for (int64_t i = begin; i < end; ++i) {
      hits[i].fetch_add(1);
      if (onCaller && i >= 4)
        byCaller.fetch_add(1);
    }
  });
  for (int i = 0; i < 8; ++i)
    ASSERT_EQ(hits[i].load(), 1) << "index " << i;
  EXPECT_GE(byCaller.load(), 2) << "the caller took none of the stalled worker's pieces";
}

TEST(ThreadPool, WakesSleepingWorkers) {
  // A spin window of 0: every worker sleeps between launches, so each
  // launch goes through the condition variable.
  ThreadPool pool(4, /*spinMicros=*/0);
  for (int i = 0; i < 200; ++i) {
    checkLaunch(pool, 16, 1);
    if (i % 50 == 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

TEST(ThreadPool, ManyBackToBackLaunches) {
  for (int spin : {0, 50, 2000}) {
    ThreadPool pool(3, spin);
    std::atomic<int64_t> sum{0};
    for (int i = 0; i < 5000; ++i)
      pool.parallelFor(3, 1, [&](int64_t begin, int64_t end) {
        sum.fetch_add(end - begin, std::memory_order_relaxed);
      });
    EXPECT_EQ(sum.load(), 15000) << "spin window " << spin << " us";
  }
}

TEST(ThreadPool, MoreThreadsThanCores) {
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  ThreadPool pool(static_cast<int>(cores) * 2 + 1);
  for (int i = 0; i < 100; ++i)
    checkLaunch(pool, 4 * pool.size() + 1, 1);
}

TEST(ThreadPool, DestroysWhileWorkersSleep) {
  for (int i = 0; i < 20; ++i) {
    ThreadPool pool(3, 0);
    checkLaunch(pool, 9, 1);
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
}

TEST(ThreadPool, RestSendsSpinningWorkersToSleep) {
  // A spin window of 60 s: without rest() the workers would still spin
  // when the test gives up waiting.
  ThreadPool pool(3, 60000000);
  checkLaunch(pool, 9, 1);
  EXPECT_EQ(pool.sleeping(), 0);
  pool.rest();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (pool.sleeping() < pool.size() - 1 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_EQ(pool.sleeping(), pool.size() - 1);
  // Asleep, they still take the next launch, and spin again after it.
  checkLaunch(pool, 9, 1);
  EXPECT_EQ(pool.sleeping(), 0);
}

TEST(ThreadPool, RestBeforeAnyLaunch) {
  ThreadPool pool(2, 60000000);
  pool.rest();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (pool.sleeping() < 1 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_EQ(pool.sleeping(), 1);
  for (int i = 0; i < 50; ++i) {
    checkLaunch(pool, 7, 1);
    pool.rest();
  }
}

} // namespace
