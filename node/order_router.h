// OrderRouter: kura-hq sends an online order for a connected store to that store to decide
// (schema/PROTOCOL.md 1.7 and 2.4). An `hq.order.place` for a store whose link is up goes
// to the store as a sync Call of `hold.create` under rid "hq:o:<client rid>", so the store
// promises from its own stock and signs the ticket itself; when its reply arrives, HQ
// records the order through Engine::ExecuteRouted and answers the client. A store that is
// short, or silent past the timeout, leaves the order to HQ's allotment for it (escrow.h).
// A hold the store made that HQ did not record as the order (it answered after HQ stopped
// waiting, its answer never came, or HQ refused it) is cancelled by HQ once it arrives by
// sync (routed_calls.h). Orders for a store that is offline, not yet greeted, being
// restored after its disk was replaced, or that cannot hand over, are not routed at all.
// Cancelling an order the store decided, before its hold reaches HQ, is routed to the store
// the same way, when it could take an order. What the release leaves uncovered:
// PROTOCOL.md 2.4.
// Loop thread only; not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api_server.h"
#include "engine.h"
#include "hq_sync.h"
#include "kura/schema/api.h"

namespace kura {

class OrderRouter final : public RequestRouter {
 public:
  // Registers for `sync`'s call replies. `engine` and `sync` must outlive this.
  OrderRouter(Engine* engine, HqSync* sync, int64_t timeout_ms);
  ~OrderRouter() override { sync_->OnCallReply(nullptr); }

  bool Route(std::string_view request, Reply reply) override;
  // Gives up on stores that have not answered in time. Call every ~100 ms.
  void Tick();

 private:
  struct Pending {
    std::string store;
    std::string rid;
    std::string request;         // the client's hq.order.place or hq.order.cancel, as sent
    uint64_t fingerprint = 0;    // of that request (RequestFingerprint): a retry's must match
    bool cancel = false;         // hq.order.cancel: no answer in time records nothing
    std::vector<Reply> replies;  // the client's, and any retry's with the same rid
    int64_t deadline_ms = 0;  // on Clock::ElapsedMillis
  };

  struct StoreCall {
    std::string store;
    std::string request;  // the encoded request the store executes
  };

  // What to ask which store for a client's request, if it goes to a store at all: an order
  // for a store that is up and can hand over; the cancel of an order its store decided
  // whose hold HQ does not have yet.
  std::optional<StoreCall> StoreCallFor(const ApiRequest& request);
  void OnCallReply(const std::string& store, const CallReply& reply);
  // Records the order as `decision` says and answers everyone waiting for it.
  void Finish(uint64_t number, const RoutedDecision& decision);
  // Whether the order may go to the store: HqSync::ReadyForCalls, and it can hand over.
  bool Routable(const std::string& store);

  Engine* engine_;
  HqSync* sync_;
  int64_t timeout_ms_;
  uint64_t next_call_;
  std::map<uint64_t, Pending> pending_;
};

}  // namespace kura
