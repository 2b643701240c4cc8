#include "fault_schedule.h"

#include <algorithm>

namespace kura::sim {

FaultSchedule::FaultSchedule(const std::vector<Fault>& plan, int64_t duration_ms,
                             std::map<std::string, FaultCount>* counts)
    : duration_ms_(duration_ms), counts_(counts) {
  for (const Fault& f : plan) {
    FaultCount& count = (*counts_)[FaultLabel(f)];
    ++count.planned;
    count.shrunk += f.shrunk;
    count.planned_s += f.length_ms / 1000.0;
    steps_.push_back({f.at_ms, {&f, true}});
    steps_.push_back({f.at_ms + f.length_ms, {&f, false}});
  }
  std::stable_sort(steps_.begin(), steps_.end(),
                   [](const Step& a, const Step& b) { return a.at_ms < b.at_ms; });
}

bool FaultSchedule::Owed() const {
  return next_ < steps_.size() && steps_[next_].at_ms <= duration_ms_;
}

std::optional<int64_t> FaultSchedule::NextDueMs() const {
  if (!Owed()) return std::nullopt;
  return steps_[next_].at_ms + lag_ms_;
}

std::optional<FaultStep> FaultSchedule::Due(int64_t now_ms) {
  if (!Owed() || steps_[next_].at_ms + lag_ms_ > now_ms) return std::nullopt;
  const Step& due = steps_[next_++];
  lag_ms_ = now_ms - due.at_ms;
  const Fault* fault = due.step.fault;
  FaultCount& count = (*counts_)[FaultLabel(*fault)];
  if (due.step.start) {
    ++count.injected;
    started_ms_[fault] = now_ms;
  } else if (auto it = started_ms_.find(fault); it != started_ms_.end()) {
    count.held_s += (now_ms - it->second) / 1000.0;
    started_ms_.erase(it);
  }
  return due.step;
}

void FaultSchedule::StartedAt(int64_t now_ms) {
  const Step& last = steps_[next_ - 1];
  if (!last.step.start) return;
  lag_ms_ = now_ms - last.at_ms;  // later than Due's: the preparation moves the rest of the plan too
  started_ms_[last.step.fault] = now_ms;
}

void FaultSchedule::Stop(int64_t now_ms) {
  for (const auto& [fault, since] : started_ms_)
    (*counts_)[FaultLabel(*fault)].held_s += (now_ms - since) / 1000.0;
  started_ms_.clear();
}

}  // namespace kura::sim
