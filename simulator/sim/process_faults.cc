#include "process_faults.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>
#include <random>

#include "world.h"

namespace kura::sim {

bool AtHq(FaultKind kind) { return kind == FaultKind::kKillHq || kind == FaultKind::kFreezeHq; }

namespace {

constexpr uint64_t kFaultStream = 97;

struct Range {
  int64_t lo, hi;
};

Range LengthOf(FaultKind kind) {
  switch (kind) {
    case FaultKind::kKillStore:
    case FaultKind::kKillHq:
    case FaultKind::kWipeStore:
      return {500, 3000};
    case FaultKind::kFreezeStore:
    case FaultKind::kFreezeHq:
      return {1000, 4000};
    case FaultKind::kCutStore:
      return {3000, 12000};  // past kura-hq's 10 s reachability window at times
  }
  return {1000, 1000};
}

// Whether HQ is down or frozen at `at_ms` by the plan.
bool HqOutAt(const std::vector<Fault>& plan, int64_t at_ms) {
  for (const Fault& f : plan) {
    if (AtHq(f.kind) && at_ms >= f.at_ms && at_ms < f.at_ms + f.length_ms) return true;
  }
  return false;
}

// Where plan[i], a disk replacement, may start with HQ up: its own time when HQ is up
// then, else the nearest moment just before or after one of HQ's faults that keeps it
// within [begin_ms, end_ms] and clear of its store's other faults; none when no such
// moment exists. A start just before HQ's fault is enough: the harness holds the plan up
// while it prepares the store (process_run.cc), so HQ's fault waits for it.
std::optional<int64_t> WipeStart(const std::vector<Fault>& plan, std::size_t i, int64_t begin_ms, int64_t end_ms) {
  const Fault& wipe = plan[i];
  if (!HqOutAt(plan, wipe.at_ms)) return wipe.at_ms;
  int64_t earliest = begin_ms, latest = end_ms;  // of its start, and of its end
  for (std::size_t j = 0; j < plan.size(); ++j) {
    if (j == i || plan[j].store != wipe.store) continue;
    if (j < i) earliest = std::max(earliest, plan[j].at_ms + plan[j].length_ms);
    else latest = std::min(latest, plan[j].at_ms);
  }
  std::vector<int64_t> candidates;
  for (const Fault& f : plan) {
    if (AtHq(f.kind)) candidates.insert(candidates.end(), {f.at_ms - 1, f.at_ms + f.length_ms});
  }
  std::optional<int64_t> best;
  for (int64_t at : candidates) {
    if (at < earliest || at + wipe.length_ms > latest || HqOutAt(plan, at)) continue;
    if (!best || std::abs(at - wipe.at_ms) < std::abs(*best - wipe.at_ms)) best = at;
  }
  return best;
}

// Calls add(kind, count) for each kind of fault, in the order the plan draws them.
template <typename Add>
void ForEachKindAsked(const ProcessOptions& options, Add&& add) {
  add(FaultKind::kKillStore, options.store_kills);
  add(FaultKind::kKillHq, options.hq_kills);
  add(FaultKind::kFreezeStore, options.store_stops);
  add(FaultKind::kFreezeHq, options.hq_stops);
  add(FaultKind::kCutStore, options.link_cuts);
  add(FaultKind::kWipeStore, options.store_wipes);
}

}  // namespace

std::vector<Fault> KeepWipesClearOfHq(const std::vector<Fault>& plan, int64_t begin_ms, int64_t end_ms) {
  std::vector<Fault> out;
  for (std::size_t i = 0; i < plan.size(); ++i) {
    Fault f = plan[i];
    if (f.kind == FaultKind::kWipeStore) {
      std::optional<int64_t> at = WipeStart(plan, i, begin_ms, end_ms);
      if (!at) continue;
      f.at_ms = *at;
    }
    out.push_back(f);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Fault& a, const Fault& b) { return a.at_ms < b.at_ms; });
  return out;
}

const char* FaultName(FaultKind kind) {
  switch (kind) {
    case FaultKind::kKillStore:
    case FaultKind::kKillHq:
      return "SIGKILL";
    case FaultKind::kFreezeStore:
    case FaultKind::kFreezeHq:
      return "SIGSTOP";
    case FaultKind::kCutStore:
      return "link cut";
    case FaultKind::kWipeStore:
      return "disk replaced";
  }
  return "?";
}

std::string FaultLabel(const Fault& fault) {
  if (fault.kind == FaultKind::kCutStore || fault.kind == FaultKind::kWipeStore) return FaultName(fault.kind);
  return std::string(FaultName(fault.kind)) + (fault.store < 0 ? " hq" : " store");
}

std::map<std::string, int64_t> FaultsAsked(const ProcessOptions& options) {
  std::map<std::string, int64_t> asked;
  if (!options.faults || options.stores < 1) return asked;
  auto add = [&](FaultKind kind, int count) {
    if (count > 0) asked[FaultLabel(Fault{kind, AtHq(kind) ? -1 : 0})] += count;
  };
  ForEachKindAsked(options, add);
  return asked;
}

std::vector<Fault> PlanFaults(const ProcessOptions& options, int64_t duration_ms) {
  std::vector<Fault> out;
  if (!options.faults || options.stores < 1) return out;
  std::mt19937_64 rng(DeriveSeed(options.seed, kFaultStream));
  auto uniform = [&] { return std::uniform_real_distribution<double>(0, 1)(rng); };
  auto store = [&] {
    return std::min(options.stores - 1, static_cast<int>(uniform() * options.stores));
  };

  // Targets first (-1 is HQ), with their lengths.
  std::map<int, std::vector<Fault>> by_target;
  auto add = [&](FaultKind kind, int count) {
    for (int n = 0; n < count; ++n) {
      Fault f{kind, AtHq(kind) ? -1 : store(), 0, 0};
      Range r = LengthOf(kind);
      f.length_ms = r.lo + static_cast<int64_t>(uniform() * (r.hi - r.lo));
      by_target[f.store].push_back(f);
    }
  };
  ForEachKindAsked(options, add);

  // Each target's faults one after another in a random order, shrunk to fit the window,
  // with the spare time split at random before, between and after them.
  const int64_t begin = duration_ms / 20, window = duration_ms * 80 / 100;
  for (auto& [target, faults] : by_target) {
    std::shuffle(faults.begin(), faults.end(), rng);
    int64_t busy = 0;
    for (const Fault& f : faults) busy += f.length_ms;
    if (busy > window * 9 / 10) {
      for (Fault& f : faults) {
        f.length_ms = std::max<int64_t>(300, f.length_ms * (window * 9 / 10) / busy);
        f.shrunk = f.length_ms < LengthOf(f.kind).lo;
      }
      busy = 0;
      for (const Fault& f : faults) busy += f.length_ms;
    }
    std::vector<double> cuts(faults.size() + 1);
    double total = 0;
    for (double& c : cuts) total += (c = uniform() + 1e-6);
    int64_t spare = std::max<int64_t>(0, window - busy), at = begin;
    for (std::size_t i = 0; i < faults.size(); ++i) {
      at += static_cast<int64_t>(spare * cuts[i] / total);
      faults[i].at_ms = at;
      at += faults[i].length_ms;
      out.push_back(faults[i]);
    }
  }
  std::sort(out.begin(), out.end(),
            [](const Fault& a, const Fault& b) { return a.at_ms < b.at_ms; });
  return KeepWipesClearOfHq(out, begin, begin + window);
}

}  // namespace kura::sim
