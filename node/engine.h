// Engine: the implementation behind Store (kura/node/store.h), shared by kura-store and
// kura-hq: decodes requests, looks them up in an op table, applies them with idempotency
// and save points, and commits each group with one synced write. The daemons differ only
// in their op tables. Not thread-safe.
#pragma once

#include <limits>
#include <memory>
#include <span>

#include "db.h"
#include "kura/node/store.h"
#include "op_context.h"
#include "ops.h"
#include "txn.h"

namespace kura {

class Engine final : public Store {
 public:
  // Opens the data directory for `options.store_id` ("hq" for HQ) serving `ops`.
  static Result<std::unique_ptr<Engine>> Open(const StoreOptions& options,
                                              std::span<const OpSpec> ops);

  Engine(const StoreOptions& options, std::unique_ptr<Db> db, Clock* clock,
         std::span<const OpSpec> ops);

  // Formats a new data directory or checks that an existing one is ours.
  Status Init();

  // What `sync.status`-like ops report; null until a sync link is set up. Not owned.
  void SetSyncView(SyncView* view) { sync_view_ = view; }
  Db* db() { return db_.get(); }
  Clock* clock() { return clock_; }
  // The replica's hybrid logical clock: stamps register writes and is shared with its sync
  // sessions, so a local write is ordered after everything the replica has seen.
  HybridLogicalClock* hlc() { return &hlc_; }
  const StoreOptions& options() const { return options_; }
  // kura-hq reloading its store list: the stores its ops may name from now on
  // (StoreOptions::known_stores).
  void SetKnownStores(std::set<std::string> stores) { options_.known_stores = std::move(stores); }

  std::vector<std::string> ExecuteGroup(const std::vector<std::string_view>& requests) override;
  Result<int> ExpireDueHolds() override;
  // kura::PublishSigningKey (tickets.h) in one synced write, when it writes anything.
  Status PublishSigningKey();
  Result<PruneStep> PruneRequestIds() override;

  // kura-hq: executes one request as a group of one, its handler seeing `decision` as
  // OpContext::routed: the store's answer to an order HQ routed to it (order_router.h).
  std::string ExecuteRouted(std::string_view request, const RoutedDecision& decision);
  // kura-store: executes one request HQ sent as a call over the sync link, as a group of
  // one, its handler seeing OpContext::from_hq_call.
  std::string ExecuteCall(std::string_view request);
  // Whether a mutating request with this rid has been answered (its reply is kept).
  bool Answered(std::string_view rid);

  // Whether this store's new directory still waits for HQ to send back its data
  // (StoreOptions::await_hq_when_new): until then every request that would write is
  // refused busy, nothing of it kept, and holds do not expire. Reads are served.
  bool awaiting_hq() const { return awaiting_hq_; }
  // HQ has sent back everything it holds of this store's lanes: takes writes from now on
  // (one synced write).
  Status EndAwaitingHq();

 private:
  // Executes `requests` in `ctx` and commits them with one synced write; if that fails,
  // every reply becomes the error.
  std::vector<std::string> ExecuteInGroup(OpContext& ctx, const std::vector<std::string_view>& requests);
  // The answer to a write while awaiting_hq().
  static Status AwaitingHqRefusal();
  // Executes one request into txn_, leaving its writes to the group's commit.
  std::string ExecuteOne(OpContext& ctx, std::string_view bytes);
  OpContext Context() {
    return OpContext{txn_, options_, clock_->NowMillis(), clock_->ElapsedMillis() - elapsed_at_start_ms_,
                     sync_view_, &hlc_};
  }

  StoreOptions options_;
  std::unique_ptr<Db> db_;
  Clock* clock_;
  HybridLogicalClock hlc_;
  std::span<const OpSpec> ops_;
  Txn txn_;
  // No kept request id was written before this: PruneRequestIds reads none of them until
  // its cutoff passes it (a day, after a first pass). The lowest value until that pass.
  int64_t oldest_request_ms_ = std::numeric_limits<int64_t>::min();
  // A pass over the ids under way: where the next step starts (empty: none under way) and
  // the oldest write time among those it kept or that were written since it began.
  std::string prune_resume_key_;
  int64_t prune_pass_oldest_ms_ = std::numeric_limits<int64_t>::max();
  // The request-id clock, which request records are stamped with and aged by: time that
  // passed while a daemon ran on this directory. It goes on from its value in meta
  // (`run_clock`, PROTOCOL.md 3) at a restart and moves only as Clock::ElapsedMillis does,
  // so no wall-clock jump, while running or down, ages an id (a crash forgets at most the
  // minute since it was last recorded: ids are kept that much longer).
  int64_t RunClockMillis() { return run_clock_at_start_ms_ + (clock_->ElapsedMillis() - elapsed_at_start_ms_); }
  Status RestoreRunClock();
  void RecordRunClock(int64_t now_ms);  // into txn_, to commit with what it holds
  static constexpr int64_t kRecordRunClockEveryMs = 60'000;
  int64_t run_clock_at_start_ms_;
  int64_t elapsed_at_start_ms_;
  int64_t run_clock_recorded_ms_ = 0;
  SyncView* sync_view_ = nullptr;
  bool awaiting_hq_ = false;  // mirrors `meta awaiting_hq` (PROTOCOL.md 3)
};

}  // namespace kura
