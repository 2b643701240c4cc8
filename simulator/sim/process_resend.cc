#include "process_resend.h"

#include <memory>
#include <vector>

#include "process_call.h"

namespace kura::sim {

void ResendUnknown(const ProcessOptions& options, const ProcessChain& chain, ProcessLedger* ledger,
                   zmq::context_t& context, const std::function<bool()>& stop, std::optional<int> store) {
  std::vector<std::size_t> unknown = ledger->Unknown(store);
  if (unknown.empty()) return;
  ApiClient hq(context, chain.hq_endpoint(), options.hq_timeout_ms);
  std::vector<std::unique_ptr<ApiClient>> stores;
  for (int i = 0; i < chain.stores(); ++i)
    stores.push_back(std::make_unique<ApiClient>(context, chain.store_endpoint(i), options.store_timeout_ms));
  // In the order first sent: a later operation on the same hold then meets the state the
  // earlier one left, as it would have.
  for (std::size_t handle : unknown) {
    // Copied: Repeat writes the record.
    OpRecord record = ledger->Record(handle);
    ApiClient& client = record.at_hq ? hq : *stores[record.store];
    for (int attempt = 0; attempt < kResendAttempts; ++attempt) {
      if (stop()) return;
      ledger->Repeat(handle, CallOnce(client, record.op, record.rid, record.args));
      if (ledger->Record(handle).outcome != OpOutcome::kUnknown) break;
    }
  }
}

}  // namespace kura::sim
