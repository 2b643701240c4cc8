// ProcessWorkload: the chain's tills and online shop as threads driving real daemons
// through their local APIs — one till thread per store (sales, deliveries, returns, phone
// holds, collections of active holds, half by pickup ticket, and cancellations) and one
// online-shop thread placing pickup and try-on orders at HQ (`hq.order.place`, which a
// connected store decides and HQ's allotment otherwise). Each thread draws from its own
// stream of the seed, paced as a Poisson process; a till skips its turn while its store is down (killed or restarting) or
// closed for a disk replacement (and the shop its orders for such a store), and a request
// without a reply in time is recorded as unknown, never retried. Every operation goes
// through the ProcessLedger. Every sale, return and hold carries a customer
// id unique to its request ("c-" + rid) so the checks can tell whether an unknown one
// happened.
//
// Thread safety: Stock, Start and Stop from one control thread; the workload's own threads
// touch only the ledger (thread-safe), their own clients and the chain's up flags.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>
#include <zmq.hpp>

#include "kura/node/api_client.h"
#include "process_chain.h"
#include "process_ledger.h"
#include "process_options.h"
#include "store_gates.h"
#include "workload.h"

namespace kura::sim {

class ProcessWorkload {
 public:
  // None of the pointers is owned; all must outlive the workload.
  ProcessWorkload(const ProcessOptions& options, ProcessChain* chain, ProcessLedger* ledger,
                  zmq::context_t* context);
  ~ProcessWorkload();  // stops and joins the threads
  ProcessWorkload(const ProcessWorkload&) = delete;
  ProcessWorkload& operator=(const ProcessWorkload&) = delete;

  // Opening stock: every store receives every SKU, busier SKUs more. IOError unless every
  // delivery is acknowledged. REQUIRES: before Start, with no fault going.
  Status Stock();
  void Start();
  // Asks the threads to stop and joins them; a request in flight finishes or times out
  // first.
  void Stop();
  // Whether the operation budget (--ops) is spent.
  bool Spent() const { return options_.ops > 0 && issued_.load() >= options_.ops; }
  int64_t issued() const { return issued_.load(); }
  int64_t skipped() const { return skipped_.load(); }
  // Store operations acknowledged while the store's link was cut: selling offline.
  int64_t acked_while_cut() const { return acked_while_cut_.load(); }
  // Stops the tills' operations at `store` and the online orders for it, and returns once
  // none is in flight (StoreGates); OpenStore lets them go on. Control thread.
  void CloseStore(int store) { gates_.Close(store); }
  void OpenStore(int store) { gates_.Open(store); }

 private:
  void Till(int store);
  void Online();
  // Sends one request and records it; nullopt when no reply came (unknown).
  std::optional<Result<nlohmann::json>> Send(ApiClient& client, int store, bool at_hq,
                                             const std::string& op, const std::string& rid,
                                             const nlohmann::json& args);
  // Waits an exponential gap of mean 1/rate seconds; false once stopping or spent.
  bool Pace(std::mt19937_64& rng, double rate);
  // Counts one operation against the budget; false when it is spent.
  bool Take();
  // A hold move was refused: reads the hold back so the ledger learns its state.
  void Learn(ApiClient& client, const std::string& id);
  void TillSale(ApiClient& client, int store, const std::string& rid, const std::string& sku,
                int64_t qty);
  // Cancels or collects an active hold of `store` picked by `u`; a collection readies it
  // first when `ready_first`, and is by the customer's pickup ticket when `by_ticket` and
  // one is known.
  void TillHoldMove(ApiClient& client, int store, const std::string& rid, double u, bool collect,
                    bool ready_first, bool by_ticket);

  ProcessOptions options_;
  ProcessChain* chain_;
  ProcessLedger* ledger_;
  zmq::context_t* context_;
  ZipfPicker sku_pick_;
  std::vector<double> till_cdf_;
  StoreGates gates_;
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::atomic<int64_t> issued_{0}, skipped_{0}, acked_while_cut_{0};
};

}  // namespace kura::sim
