// ProcessOptions: every knob of kura-sim's multi-process mode (`kura-sim processes`), with
// its default. process_cli.cc maps each field to a flag and explains it in --help. Plain
// value type.
#pragma once

#include <cstdint>
#include <string>

namespace kura::sim {

struct ProcessOptions {
  uint64_t seed = 1;
  // Chain size and length.
  int stores = 3;
  int skus = 20;
  double seconds = 20;    // wall-clock time the workload runs
  int64_t ops = 0;        // stop the workload after this many operations (0: no limit)
  double till_rate = 15;  // operations a second at each store's till (Poisson)
  double order_rate = 4;  // online orders a second at HQ (Poisson)
  double sku_skew = 1.1;  // Zipf exponent of SKU popularity
  // Till mix: relative weights.
  double w_sale = 50, w_delivery = 12, w_return = 4, w_phone = 8, w_collect = 12, w_cancel = 4;
  // Online orders: the share that are try-ons with a short expiry (the rest are pickups).
  double tryon_share = 0.3;
  // HQ's allotment policy (hq.policy.set, the chain default).
  int share_pct = 30;
  int cap = 5;
  // Faults, as counts over the run; each starts between 5% and 85% of it. Faults of one daemon
  // never overlap; those of different daemons may.
  int store_kills = 2;  // SIGKILL a store, restart it after 0.5-3 s
  int hq_kills = 1;     // SIGKILL HQ, restart it after 0.5-3 s
  int store_stops = 1;  // SIGSTOP a store, SIGCONT after 1-4 s
  int hq_stops = 1;     // SIGSTOP HQ, SIGCONT after 1-4 s
  int link_cuts = 2;    // cut a store's link (LinkRelay), relink it after 3-12 s
  int store_wipes = 1;  // replace a store's disk: SIGKILL, delete its data, restart after 0.5-3 s
  bool faults = true;   // false: none of the above
  // Timeouts: an operation without a reply within these is "unknown".
  int store_timeout_ms = 1500;
  int hq_timeout_ms = 3000;  // above kura-hq's route timeout (2 s) for routed orders
  double converge_timeout_s = 90;
  double check_every_s = 2;  // continuous checks while the workload runs
  // Daemons and files.
  std::string store_bin, hq_bin;
  std::string data_dir;  // parent of the run's directory; empty: $TMPDIR or /tmp
  std::string rerun_options;  // the command line's options that shape the run, for the run-again line
  bool keep = false;     // keep the run's directory (databases, daemon logs)
  // Output.
  bool progress = false;
  // TEST ONLY: expect one unit more of the busiest SKU at the first store than the ledger
  // says, so the on-hand check must fail.
  bool corrupt_expectation = false;
};

}  // namespace kura::sim
