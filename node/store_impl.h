// StoreImpl: the implementation behind Store (kura/node/store.h). Not thread-safe.
#pragma once

#include <memory>

#include "db.h"
#include "kura/node/store.h"
#include "op_context.h"
#include "txn.h"

namespace kura {

class StoreImpl final : public Store {
 public:
  StoreImpl(const StoreOptions& options, std::unique_ptr<Db> db, Clock* clock);

  // Formats a new data directory or checks that an existing one is ours.
  Status Init();

  std::vector<std::string> ExecuteGroup(const std::vector<std::string_view>& requests) override;
  Result<int> ExpireDueHolds() override;
  Result<int> PruneRequestIds() override;

 private:
  // Executes one request into txn_; sets *wrote when it left writes to commit.
  std::string ExecuteOne(OpContext& ctx, std::string_view bytes, bool* wrote);
  OpContext Context() { return OpContext{txn_, options_, clock_->NowMillis(), started_ms_}; }

  StoreOptions options_;
  std::unique_ptr<Db> db_;
  Clock* clock_;
  Txn txn_;
  int64_t started_ms_;
};

}  // namespace kura
