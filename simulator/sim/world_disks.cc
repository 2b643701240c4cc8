#include "world.h"

#include "strategy.h"

// How a store's disk is replaced, as a planned replacement would be done: no till and no
// new call of HQ's reaches the store while HQ catches up on all it wrote (its own jobs and
// arriving transfers still write, and are caught up on too), then the disk goes and the
// store starts again empty, refusing writes until HQ has sent its data back. The
// checks stay exact because nothing the store acknowledged is lost with the disk; what a
// failed disk loses without that wait (the README runbook's step 4) is not checked here.
namespace kura::sim {

namespace {

// How often a replacement looks again whether HQ has caught up, and for how long: a
// client's retry comes within 30 minutes, and a store cut off for longer keeps its disk.
constexpr int64_t kDrainPollMs = 10'000;
constexpr int64_t kDrainLimitMs = 3'600'000;

}  // namespace

void World::ReplaceStoreDisk(int i, int64_t down_ms) {
  SimNode& node = *stores_[i];
  // One replacement at a time per store, and only of a store up: one drawn otherwise is
  // not made (the report says how many were not).
  if (!node.up() || node.restoring() || draining_[i] || healed_) return;
  draining_[i] = true;
  trace().Add(now(), node.id() + " DISK REPLACEMENT: tills and hq's calls wait while hq catches up");
  WipeWhenHqHoldsAll(i, down_ms, now() + kDrainLimitMs);
}

void World::WipeWhenHqHoldsAll(int i, int64_t down_ms, int64_t give_up_at) {
  if (!draining_[i]) return;  // called off at the final heal
  SimNode& node = *stores_[i];
  if (!node.up()) return CallOffReplacement(i, "it crashed");
  // The new disk will not know the old one's request ids: no client may send one again.
  bool caught_up = HqHoldsAllOf(i) && RepeatsToCome(i) == 0 && strategy_->RoutedPendingFor(i) == 0;
  if (!caught_up) {
    if (now() >= give_up_at) return CallOffReplacement(i, "hq did not catch up on it within an hour");
    world_queue_.At(now() + kDrainPollMs,
                    [this, i, down_ms, give_up_at] { WipeWhenHqHoldsAll(i, down_ms, give_up_at); });
    return;
  }
  draining_[i] = false;
  ++result_.disks_replaced;
  trace().Add(now(), node.id() + " DISK REPLACED: down for " + FormatSimTime(down_ms) + ", back empty");
  if (Status s = node.ReplaceDisk(); !s.ok()) return Violation(node.id() + " disk replacement: " + s.ToString());
  if (storage_log_ != nullptr) storage_log_->NewDisk(static_cast<uint32_t>(i));
  Span(i, FaultSpan::Kind::kDown, down_ms);
  world_queue_.At(now() + down_ms, [this, i] { RestartStore(i); });
}

void World::CallOffReplacement(int i, const std::string& why) {
  draining_[i] = false;
  ++result_.disks_kept;
  trace().Add(now(), stores_[i]->id() + " disk kept: " + why);
  LinkUp(i);  // the strategies' orders owed to it go now
}

void World::EndRestoreIfBack(int i) {
  SimNode& node = *stores_[i];
  auto ended = node.EndRestoreIfBack(hq_->id());
  if (!ended.ok()) return Violation(node.id() + " ending its restore: " + ended.status().ToString());
  if (!*ended) return;
  trace().Add(now(), node.id() + " restored from hq: taking writes");
  RunOwed(i);
  // The strategies' orders owed to the store go to it between windows, as on a link's return.
  AfterWindow([this, i] { LinkUp(i); });
}

}  // namespace kura::sim
