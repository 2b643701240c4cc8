#include "event_loop.h"

#include <chrono>

#include "system_clock.h"

namespace kura {

void EventLoop::Every(std::string name, int64_t interval_ms, Scheduler::Job job) {
  scheduler_.Add(std::move(name), interval_ms, clock_->ElapsedMillis(), std::move(job));
}

void EventLoop::EveryInSteps(std::string name, int64_t interval_ms, Scheduler::Step step) {
  scheduler_.AddInSteps(std::move(name), interval_ms, clock_->ElapsedMillis(), std::move(step));
}

void EventLoop::Watch(zmq::socket_ref socket, Handler on_readable) {
  items_.push_back({socket.handle(), 0, ZMQ_POLLIN, 0});
  handlers_.push_back(std::move(on_readable));
}

Status EventLoop::Run(const std::atomic<bool>& stop) {
  while (!stop.load()) {
    int64_t now = clock_->ElapsedMillis();
    scheduler_.RunDue(now);
    KURA_RETURN_IF_ERROR(FirstFailedCheck());
    int64_t wait = scheduler_.MsUntilNext(now);
    if (wait < 0 || wait > 200) wait = 200;
    try {
      zmq::poll(items_.data(), items_.size(), std::chrono::milliseconds(wait));
    } catch (const zmq::error_t& e) {
      if (e.num() == EINTR) continue;
      return Status::IOError(std::string("poll: ") + e.what());
    }
    for (std::size_t i = 0; i < items_.size(); ++i) {
      if (!(items_[i].revents & ZMQ_POLLIN)) continue;
      KURA_RETURN_IF_ERROR(handlers_[i]());
      KURA_RETURN_IF_ERROR(FirstFailedCheck());  // before the next handler replies to anyone
    }
  }
  return Status::Ok();
}

Status EventLoop::FirstFailedCheck() {
  for (const auto& check : checks_) KURA_RETURN_IF_ERROR(check());
  return Status::Ok();
}

}  // namespace kura
