#include "closed_loop.h"

#include <atomic>
#include <latch>
#include <mutex>
#include <thread>
#include <vector>

namespace kura::bench {

Result<PhaseSummary> RunClosedLoop(int workers, double seconds, const WorkerSetup& setup) {
  std::vector<LatencyRecorder> recorders(static_cast<std::size_t>(workers));
  std::latch ready(workers);
  std::latch go(1);
  std::atomic<bool> abort{false};
  BenchClock::time_point deadline;
  std::mutex mu;
  Status first_error;                  // guarded by mu
  BenchClock::time_point last_finish;  // guarded by mu

  auto fail = [&](Status s) {
    std::lock_guard lock(mu);
    if (first_error.ok()) first_error = std::move(s);
  };

  auto work = [&](int index) {
    Result<Operation> op = setup(index);
    if (!op.ok()) {
      fail(op.status());
      abort.store(true);
    }
    ready.count_down();
    go.wait();
    if (abort.load()) return;
    LatencyRecorder& recorder = recorders[static_cast<std::size_t>(index)];
    BenchClock::time_point now = BenchClock::now();
    while (now < deadline) {
      Status s = (*op)();
      BenchClock::time_point done = BenchClock::now();
      if (!s.ok()) {
        fail(std::move(s));
        break;
      }
      recorder.Add(done - now);
      now = done;
    }
    std::lock_guard lock(mu);
    if (now > last_finish) last_finish = now;
  };

  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(workers));
  for (int i = 0; i < workers; ++i) threads.emplace_back(work, i);
  ready.wait();
  BenchClock::time_point start = BenchClock::now();
  deadline = start + std::chrono::duration_cast<BenchClock::duration>(
                         std::chrono::duration<double>(seconds));
  go.count_down();
  for (auto& t : threads) t.join();

  if (!first_error.ok()) return first_error;
  return Summarize(recorders, std::chrono::duration<double>(last_finish - start).count());
}

}  // namespace kura::bench
