// ProcessChain: a real kura-hq and N real kura-store processes on loopback, linked over
// CURVE (fresh keys, HQ's allow-list), in one work directory — and the faults kura-sim's
// multi-process mode makes to them: SIGKILL and restart, SIGSTOP and SIGCONT, a store's
// disk replaced, and cutting a store's link while both daemons run (stores reach HQ
// through a LinkRelay, which drops the link's connections and refuses new ones until
// relinked). A restart synchronises on the daemon answering `status`; a cut on the store
// reporting its link down.
//
// Thread safety: Start, the faults and HealAll are called from one control thread; any
// thread may read the endpoints, the up flags (atomics) and the cut flags (the relay's,
// under its lock), which is all the workload's threads do.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>
#include <nlohmann/json.hpp>
#include <zmq.hpp>

#include "curve_keys.h"
#include "daemon.h"
#include "kura/schema/status.h"
#include "link_relay.h"
#include "process_options.h"
#include "work_dir.h"

namespace kura::sim {

class ProcessChain {
 public:
  // Makes the work directory and keys, starts HQ and every store linked to it, and sets up
  // the chain: every store in HQ's directory and open, HQ's allotment policy; returns once
  // HQ sees every store connected and able to hand over. `context` must outlive the chain.
  static Result<std::unique_ptr<ProcessChain>> Start(const ProcessOptions& options,
                                                     zmq::context_t& context);
  ~ProcessChain();  // SIGKILLs every daemon still running; removes the directory unless kept
  ProcessChain(const ProcessChain&) = delete;
  ProcessChain& operator=(const ProcessChain&) = delete;

  int stores() const { return static_cast<int>(stores_.size()); }
  const std::string& store_id(int i) const { return stores_[i]->id; }
  // The index of `id`, -1 when no store has it.
  int StoreIndex(const std::string& id) const;
  std::string store_endpoint(int i) const;
  std::string hq_endpoint() const;
  const std::string& path() const { return work_->path(); }

  // Whether a till or client should send the daemon requests now: false from a kill until
  // the daemon answers again. A cut store stays up and keeps selling; a frozen daemon
  // counts as up: nobody can tell it from a slow one.
  bool store_up(int i) const { return stores_[i]->up.load(); }
  bool hq_up() const { return hq_->up.load(); }
  // Whether the harness has SIGSTOPped the daemon and not yet resumed it. Control thread only.
  bool store_frozen(int i) const { return stores_[i]->frozen; }
  bool hq_frozen() const { return hq_->frozen; }
  // Whether store i's link is cut now (from the cut's start to its relink).
  bool store_cut(int i) const { return relay_->cut(i); }

  // Faults. REQUIRES: the daemon is in its normal state (running, not frozen, linked) for
  // Kill, Freeze and Cut, and in the matching fault for its end. IOError when the harness
  // cannot do it, e.g. a daemon that does not come back or a cut store whose link stays up.
  Status KillStore(int i) { return Kill(*stores_[i]); }
  Status RestartStore(int i) { return Launch(*stores_[i], true); }
  Status FreezeStore(int i) { return Freeze(*stores_[i]); }
  Status ThawStore(int i) { return Thaw(*stores_[i]); }
  Status CutStore(int i);
  Status RelinkStore(int i);
  // The store's disk is replaced: SIGKILL, and its data directory deleted. RestartStore
  // brings it back empty, to wait for HQ to send its data back (Engine::awaiting_hq).
  Status WipeStore(int i);
  // The replaced disk had the store's key on it and no backup (README's runbook, step 1):
  // store i gets a new keypair, HQ's config lists its new public key in place of the old,
  // and HQ reloads it (SIGHUP) before this returns (the plan keeps HQ up when a disk goes;
  // a down HQ reads the file at its restart, a frozen one reloads when thawed). REQUIRES:
  // the store is down. IOError when HQ refuses the new list or does not reload it within
  // the setup timeout.
  Status GiveStoreNewKey(int i);
  // Returns once store i takes writes (it is not getting its data back from HQ after a
  // disk replacement); IOError when it does not within the setup timeout, or once `stop`
  // (asked between polls; may be empty) says so.
  Status AwaitTakesWrites(int i, const std::function<bool()>& stop = {});
  // Returns once HQ holds everything store i has written so far, as the store reports it
  // (sync.status), so all it acknowledged; IOError as AwaitTakesWrites.
  Status AwaitSynced(int i, const std::function<bool()>& stop = {});
  Status KillHq() { return Kill(*hq_); }
  Status RestartHq() { return Launch(*hq_, true); }
  Status FreezeHq() { return Freeze(*hq_); }
  Status ThawHq() { return Thaw(*hq_); }
  // Ends whatever fault is still going: thaws, restarts and relinks every daemon.
  Status HealAll();
  // Returns once HQ sees every store connected, restored (none is getting its data back
  // after a disk replacement) and able to hand over, so that HQ routes orders to them again;
  // IOError when it does not within the setup timeout.
  Status AwaitLinked();

  // A daemon that exited without the harness stopping it (a crash of kura's own): says
  // which and how it ended, sets *log_tail to how its log ends, and counts it as down.
  // Empty when every daemon the harness started is still running (or frozen). Control
  // thread only.
  std::string UnexpectedExit(std::string* log_tail);

  // The last lines of every daemon's log, for a failed run.
  std::string LogTails(int lines) const;

 private:
  struct Node {
    int index = -1;  // a store's; -1 for HQ
    std::string id, dir, log;
    CurveKeyPair keys;  // a store's, as HQ's config lists it
    std::unique_ptr<harness::Daemon> daemon;
    std::atomic<bool> up{false};
    bool frozen = false;
  };

  ProcessChain(const ProcessOptions& options, zmq::context_t& context)
      : options_(options), context_(context) {}
  Status Init();
  Status SetUp();
  // (Re)starts `node`, an HQ or a store.
  Status Launch(Node& node, bool restart);
  Status Kill(Node& node);
  Status Freeze(Node& node);
  Status Thaw(Node& node);
  // Polls store i's sync.status until `done` holds of it or `stop` (may be empty) says so;
  // IOError "<store> <failure>" when `done` never held within the setup timeout.
  Status AwaitSyncStatus(int i, const std::function<bool(const nlohmann::json&)>& done,
                         const std::function<bool()>& stop, const std::string& failure);
  std::vector<std::string> Args(const Node& node) const;
  std::string KeyFile(const Node& store) const { return work_->Sub(store.id + ".key"); }
  // HQ's store list: every store's id and its keys now.
  std::pair<std::vector<std::string>, std::vector<CurveKeyPair>> StoreList() const;
  bool IsHq(const Node& node) const { return &node == hq_.get(); }

  ProcessOptions options_;
  zmq::context_t& context_;
  std::unique_ptr<harness::WorkDir> work_;
  CurveKeyPair hq_keys_;
  std::string hq_config_, hq_sync_;
  std::unique_ptr<Node> hq_;
  std::vector<std::unique_ptr<Node>> stores_;
  std::unique_ptr<LinkRelay> relay_;  // every store's way to HQ's sync port
};

}  // namespace kura::sim
