// EventLoop: a daemon's single thread — polls its sockets (local API, sync link) and runs
// the scheduler's jobs in between, so requests, merges and periodic work never race and
// need no locks (Redis's ae loop, in small). Not thread-safe: runs on the calling thread.
#pragma once

#include <atomic>
#include <functional>
#include <vector>

#include <zmq.hpp>

#include "kura/schema/status.h"
#include "kura/sync/clock.h"
#include "scheduler.h"
#include "system_clock.h"

namespace kura {

class EventLoop {
 public:
  // Called when the socket is readable; an error stops the loop.
  using Handler = std::function<Status()>;

  // `clock` times the jobs by its ElapsedMillis, which never jumps: a wall clock set back
  // an hour must not hold up hold expiry, sync heartbeats or order timeouts for an hour.
  explicit EventLoop(Clock* clock = SystemClock::Get()) : clock_(clock) {}

  void Watch(zmq::socket_ref socket, Handler on_readable);
  // Runs `job` every `interval_ms`, first an interval from now (Scheduler::Add).
  void Every(std::string name, int64_t interval_ms, Scheduler::Job job);
  // Work done in steps between requests, every `interval_ms` (Scheduler::AddInSteps).
  void EveryInSteps(std::string name, int64_t interval_ms, Scheduler::Step step);
  // Called after the due jobs and after each ready handler; an error stops the loop as a
  // failed handler does (the daemons: their database refused a write).
  void StopOnError(std::function<Status()> check) { checks_.push_back(std::move(check)); }

  // Runs until `stop` becomes true (checked at least every 200 ms and on EINTR), a
  // handler fails or a StopOnError check does.
  Status Run(const std::atomic<bool>& stop);

 private:
  Status FirstFailedCheck();

  Clock* clock_;
  std::vector<zmq::pollitem_t> items_;
  std::vector<Handler> handlers_;
  std::vector<std::function<Status()>> checks_;
  Scheduler scheduler_;
};

}  // namespace kura
