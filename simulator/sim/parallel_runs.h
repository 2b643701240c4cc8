// Runs independent worlds (one per strategy and seed) on several threads. A World keeps
// its own clock, RNGs, network, trace and memory environment, and its test switch
// (--break-merge) is per thread, so running worlds side by side changes no run's events,
// only the wall time: every trace hash is the one a run of one world at a time gives.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include <sched.h>

namespace kura::sim {

// The default for --jobs: one world per core this process may run on.
inline int DefaultJobs() {
  cpu_set_t cpus;
  if (sched_getaffinity(0, sizeof cpus, &cpus) == 0) return std::max(1, CPU_COUNT(&cpus));
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

// Calls run(0..count-1) on up to `jobs` threads, and done(i, result) on the calling
// thread in index order, each as soon as run(i) and every earlier one have finished. At
// most 2 x jobs results wait in memory for an earlier one. When run(i) throws, no run is
// started after it, every earlier result is still handed over, and the exception of the
// first run that threw is rethrown here; an exception from done() is rethrown too. Either
// way every thread has stopped and been joined first.
template <typename T>
void RunInOrder(std::size_t count, int jobs, const std::function<T(std::size_t)>& run,
                const std::function<void(std::size_t, T)>& done) {
  constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
  const std::size_t threads_wanted = std::min<std::size_t>(count, static_cast<std::size_t>(std::max(1, jobs)));
  const std::size_t window = 2 * threads_wanted;
  std::mutex mu;
  std::condition_variable changed;
  std::map<std::size_t, T> ready;  // finished, not yet handed over
  std::size_t next = 0;            // the next run to start
  std::size_t handed = 0;          // results handed over so far
  std::size_t first_failed = kNone;
  std::exception_ptr failure;
  bool stop = false;  // the caller is leaving: start nothing more

  auto worker = [&] {
    std::unique_lock<std::mutex> lock(mu);
    for (;;) {
      changed.wait(lock, [&] { return stop || failure || next >= count || next < handed + window; });
      if (stop || failure || next >= count) return;
      std::size_t i = next++;
      lock.unlock();
      try {
        T result = run(i);
        lock.lock();
        ready.emplace(i, std::move(result));
      } catch (...) {
        lock.lock();
        if (i < first_failed) {
          first_failed = i;
          failure = std::current_exception();
        }
      }
      changed.notify_all();
    }
  };

  {
    std::vector<std::thread> threads;
    // Stops and joins the threads on every way out of this block, an exception from done()
    // included; `failure` is read only after it, when no thread can still write it.
    struct Joiner {
      std::vector<std::thread>& threads;
      std::mutex& mu;
      std::condition_variable& changed;
      bool& stop;
      ~Joiner() {
        {
          std::lock_guard<std::mutex> lock(mu);
          stop = true;
        }
        changed.notify_all();
        for (auto& thread : threads) thread.join();
      }
    } joiner{threads, mu, changed, stop};
    for (std::size_t t = 0; t < threads_wanted; ++t) threads.emplace_back(worker);

    for (std::size_t i = 0; i < count; ++i) {
      std::unique_lock<std::mutex> lock(mu);
      // Run i either finishes, or threw, or (after a failure) never starts.
      changed.wait(lock, [&] { return ready.count(i) > 0 || first_failed <= i || (failure && i >= next); });
      auto it = ready.find(i);
      if (it == ready.end()) break;
      T result = std::move(it->second);
      ready.erase(it);
      ++handed;
      lock.unlock();
      changed.notify_all();  // the window moved
      done(i, std::move(result));
    }
  }
  if (failure) std::rethrow_exception(failure);
}

}  // namespace kura::sim
