#include "sim_node.h"

#include <rocksdb/db.h>

#include "hq_index.h"
#include "kura/schema/api.h"
#include "kura/schema/ids.h"
#include "restore_end.h"
#include "store_observer.h"

namespace kura::sim {

SimNode::SimNode(std::string id, int index, rocksdb::Env* env, int64_t epoch_ms,
                 SessionOptions session)
    : id_(std::move(id)), index_(index), env_(env), epoch_ms_(epoch_ms), clock_(epoch_ms), session_options_(session) {}

SimNode::~SimNode() { Crash(); }

Status SimNode::Open(const std::vector<std::string>& peers) {
  StoreOptions options;
  options.store_id = id_;
  options.data_dir = DataDir();
  options.clock = &clock_;
  options.env = env_;
  options.cache_mb = cache_mb();
  options.storage_observer = storage_observer_;
  // Request-id pruning in small steps, so that a pass takes several in a small world too.
  options.prune_step_ids = 64;
  // A deterministic ticket key, so tickets and the key directory replay byte for byte;
  // a new disk brings a new key, as a replaced back-office machine would.
  std::string key_seed = id_ + (disks_replaced_ == 0 ? "" : "/" + std::to_string(disks_replaced_));
  options.signing_seed = (key_seed + std::string(32, '#')).substr(0, 32);
  // The first disk starts the chain (its opening stock comes before any sync); a later
  // one is empty and must get the store's data back from HQ before it sells.
  options.await_hq_when_new = !hq() && disks_replaced_ > 0 && restore_new_disks;
  KURA_ASSIGN_OR_RETURN(engine_, Engine::Open(options, hq() ? HqOps() : StoreOps()));
  if (hq()) KURA_RETURN_IF_ERROR(engine_->PublishSigningKey());  // as kura-hq does when it starts
  if (hq()) {
    observer_ = std::make_unique<HqObserver>();
  } else {
    observer_ = std::make_unique<StoreObserver>(&engine_->options(), engine_->clock());
  }
  replica_ = std::make_unique<CellReplica>(engine_->db(), id_,
                                           hq() ? CellReplica::Role::kHq : CellReplica::Role::kStore,
                                           observer_.get());
  for (const auto& peer : peers) {
    sessions_[peer] = std::make_unique<SyncSession>(replica_.get(), id_, peer, engine_->hlc(),
                                                    session_options_);
  }
  ++incarnation_;
  return Status::Ok();
}

Db::Footprint SimNode::Footprint() { return engine_->db()->MeasureFootprint(DataDir(), env_); }

Db::Work SimNode::Work() const {
  Db::Work work = past_work_;
  if (engine_) work += engine_->db()->work();
  return work;
}

uint64_t SimNode::ComponentsReceived() const {
  uint64_t received = past_received_;
  for (const auto& [peer, session] : sessions_) received += session->stats().components_received;
  return received;
}

void SimNode::Crash() {
  if (replica_) {
    Result<uint64_t> head = replica_->Head();
    head_when_down_ = head.ok() ? std::optional<uint64_t>(*head) : std::nullopt;
  }
  if (engine_) past_work_ += engine_->db()->work();
  past_received_ = ComponentsReceived();
  // Sessions and replica borrow the engine's database: they go first.
  sessions_.clear();
  replica_.reset();
  observer_.reset();
  engine_.reset();
  timers.clear();
}

Status SimNode::ReplaceDisk() {
  Crash();
  rocksdb::Options options;
  options.env = env_;
  rocksdb::Status destroyed = rocksdb::DestroyDB(DataDir(), options);
  if (!destroyed.ok()) return Status::IOError("deleting " + DataDir() + ": " + destroyed.ToString());
  ++disks_replaced_;
  head_when_down_.reset();
  return Status::Ok();
}

Result<bool> SimNode::EndRestoreIfBack(const std::string& hq) {
  return EndAwaitingHqIfRestored(*engine_, *replica_, *session(hq));
}

SyncSession* SimNode::session(const std::string& peer) {
  auto it = sessions_.find(peer);
  return it == sessions_.end() ? nullptr : it->second.get();
}

std::string SimNode::Execute(const std::string& op, const std::string& rid,
                             const nlohmann::json& args) {
  return std::move(ExecuteGroup({ApiRequest{op, rid, args}})[0]);
}

std::vector<std::string> SimNode::ExecuteGroup(const std::vector<ApiRequest>& requests) {
  std::vector<std::string> encoded;
  encoded.reserve(requests.size());
  for (const ApiRequest& request : requests) encoded.push_back(EncodeRequest(request));
  std::vector<std::string_view> views(encoded.begin(), encoded.end());
  return engine_->ExecuteGroup(views);
}

}  // namespace kura::sim
