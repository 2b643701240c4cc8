// Runs independent worlds (one per strategy and seed) on several threads. A World shares
// nothing mutable with another (its own clock, RNGs, network, trace and memory
// environment), so running them side by side changes no run's events, only the wall time:
// every trace hash is the one a sequential run gives.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace kura::sim {

// The default for --jobs: one world per core.
inline int DefaultJobs() { return std::max(1, static_cast<int>(std::thread::hardware_concurrency())); }

// Calls run(0..count-1) on up to `jobs` threads, and done(i, result) on the calling thread
// in index order, each as soon as run(i) and every earlier one have finished. A result
// waits in memory only until the ones before it are done. An exception from run() is
// rethrown here once the threads have stopped.
template <typename T>
void RunInOrder(std::size_t count, int jobs, const std::function<T(std::size_t)>& run,
                const std::function<void(std::size_t, T)>& done) {
  std::mutex mu;
  std::condition_variable finished;
  std::vector<std::optional<T>> results(count);
  std::size_t next = 0;
  std::exception_ptr failure;
  auto worker = [&] {
    for (;;) {
      std::size_t i;
      {
        std::lock_guard<std::mutex> lock(mu);
        if (next >= count || failure) return;
        i = next++;
      }
      try {
        T result = run(i);
        std::lock_guard<std::mutex> lock(mu);
        results[i] = std::move(result);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mu);
        failure = std::current_exception();
      }
      finished.notify_all();
    }
  };
  std::vector<std::thread> threads;
  int n = static_cast<int>(std::min<std::size_t>(count, static_cast<std::size_t>(std::max(1, jobs))));
  for (int t = 0; t < n; ++t) threads.emplace_back(worker);
  for (std::size_t i = 0; i < count; ++i) {
    std::optional<T> result;
    {
      std::unique_lock<std::mutex> lock(mu);
      finished.wait(lock, [&] { return results[i].has_value() || failure; });
      if (failure) break;
      result = std::move(results[i]);
      results[i].reset();
    }
    done(i, std::move(*result));
  }
  for (auto& thread : threads) thread.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace kura::sim
