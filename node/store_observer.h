// StoreObserver: keeps a store's derived state in step with hold cells that arrive by sync
// (a hold HQ made for this store, or an end decided elsewhere): held units, the expiry
// queue and the pick-slip queue. Runs inside the merge's write. Not thread-safe.
#pragma once

#include "cell_replica.h"
#include "kura/node/store.h"

namespace kura {

class StoreObserver final : public CellReplica::Observer {
 public:
  // Neither is owned; both must outlive the observer.
  StoreObserver(const StoreOptions* options, Clock* clock) : options_(options), clock_(clock) {}

  Status OnCellMerged(Txn& txn, std::string_view key, const std::string* before,
                      const std::string& after) override;

 private:
  const StoreOptions* options_;
  Clock* clock_;
};

}  // namespace kura
