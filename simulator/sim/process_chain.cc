#include "process_chain.h"

#include <signal.h>

#include <cstdlib>
#include <filesystem>

#include "hq_config_file.h"
#include "kura/node/api_client.h"
#include "poll_until.h"
#include "takes_writes.h"
#include "world.h"

namespace kura::sim {

using nlohmann::json;

namespace {

constexpr int kStartTimeoutMs = 30'000;
constexpr int kSetupTimeoutMs = 60'000;
constexpr int kCallTimeoutMs = 10'000;

}  // namespace

Result<std::unique_ptr<ProcessChain>> ProcessChain::Start(const ProcessOptions& options,
                                                          zmq::context_t& context) {
  std::unique_ptr<ProcessChain> chain(new ProcessChain(options, context));
  KURA_RETURN_IF_ERROR(chain->Init());
  KURA_RETURN_IF_ERROR(chain->SetUp());
  return chain;
}

ProcessChain::~ProcessChain() {
  // Frozen or not, SIGKILL ends them; the work directory goes after its daemons.
  for (auto& node : stores_) node->daemon.reset();
  if (hq_) hq_->daemon.reset();
}

int ProcessChain::StoreIndex(const std::string& id) const {
  for (int i = 0; i < stores(); ++i) {
    if (stores_[i]->id == id) return i;
  }
  return -1;
}

std::string ProcessChain::store_endpoint(int i) const {
  return "ipc://" + stores_[i]->dir + "/api.sock";
}
std::string ProcessChain::hq_endpoint() const { return "ipc://" + hq_->dir + "/api.sock"; }

Status ProcessChain::Init() {
  KURA_RETURN_IF_ERROR(harness::Daemon::CheckBinary(options_.hq_bin));
  KURA_RETURN_IF_ERROR(harness::Daemon::CheckBinary(options_.store_bin));
  KURA_ASSIGN_OR_RETURN(work_,
                        harness::WorkDir::Create(options_.data_dir, options_.keep, "kura-sim"));
  KURA_ASSIGN_OR_RETURN(hq_keys_, GenerateCurveKeyPair());
  for (int i = 0; i < options_.stores; ++i) {
    auto node = std::make_unique<Node>();
    node->index = i;
    node->id = StoreId(i);
    node->dir = work_->Sub(node->id);
    node->log = work_->Sub(node->id + ".log");
    KURA_ASSIGN_OR_RETURN(node->keys, GenerateCurveKeyPair());
    KURA_RETURN_IF_ERROR(WriteKeyFile(KeyFile(*node), node->keys));
    stores_.push_back(std::move(node));
  }
  auto [ids, keys] = StoreList();
  KURA_ASSIGN_OR_RETURN(hq_config_, harness::WriteHqConfig(*work_, hq_keys_, ids, keys));
  hq_ = std::make_unique<Node>();
  hq_->id = "hq";
  hq_->dir = work_->Sub("hq");
  hq_->log = work_->Sub("kura-hq.log");

  // HQ picks a free loopback port the first time; every restart binds that same one, so
  // the stores' --hq flags stay right.
  KURA_RETURN_IF_ERROR(Launch(*hq_, false));
  ApiClient hq(context_, hq_endpoint(), kCallTimeoutMs);
  KURA_ASSIGN_OR_RETURN(json status, hq.Call("hq.sync_status"));
  hq_sync_ = status["endpoint"].get<std::string>();
  // Stores reach HQ through the relay, so a link can be cut with both daemons running.
  int hq_port = std::atoi(hq_sync_.substr(hq_sync_.rfind(':') + 1).c_str());  // 0: refused below
  KURA_ASSIGN_OR_RETURN(relay_, LinkRelay::Start(hq_port, stores()));
  for (auto& node : stores_) KURA_RETURN_IF_ERROR(Launch(*node, false));
  return Status::Ok();
}

Status ProcessChain::SetUp() {
  ApiClient hq(context_, hq_endpoint(), kCallTimeoutMs);
  for (int i = 0; i < stores(); ++i) {
    json record = {{"store", store_id(i)},
                   {"name", "Store " + std::to_string(i)},
                   {"lat", 35.60 + 0.02 * i},
                   {"lon", 139.70 + 0.02 * i},
                   {"pickup_enabled", true}};
    KURA_RETURN_IF_ERROR(
        hq.Call("hq.directory.set", record, "setup-directory-" + std::to_string(i)).status());
    ApiClient store(context_, store_endpoint(i), kCallTimeoutMs);
    // Its new directory takes writes once HQ has greeted it (Engine::awaiting_hq).
    KURA_RETURN_IF_ERROR(AwaitTakesWrites(i));
    KURA_RETURN_IF_ERROR(
        store.Call("store.status.set", {{"status", "open"}}, "setup-open").status());
  }
  KURA_RETURN_IF_ERROR(hq.Call("hq.policy.set",
                               {{"share_pct", options_.share_pct}, {"cap", options_.cap}},
                               "setup-policy")
                           .status());
  return AwaitLinked();
}

Status ProcessChain::AwaitLinked() {
  ApiClient hq(context_, hq_endpoint(), kCallTimeoutMs);
  bool ready = PollUntil(
      [&] {
        auto sync = hq.Call("hq.sync_status");
        auto directory = hq.Call("directory.list");
        if (!sync.ok() || !directory.ok()) return false;
        int connected = 0, open = 0;
        for (const json& row : (*sync)["stores"])
          connected += row.value("connected", false) && !row.value("restoring", false) ? 1 : 0;
        for (const json& row : (*directory)["stores"])
          open += row.value("can_hand_over", false) ? 1 : 0;
        return connected == stores() && open == stores();
      },
      kSetupTimeoutMs);
  if (!ready)
    return Status::IOError("HQ did not see every store connected, restored and open; logs:\n" + LogTails(5));
  return Status::Ok();
}

std::vector<std::string> ProcessChain::Args(const Node& node) const {
  if (IsHq(node)) {
    std::vector<std::string> args = {"--config", hq_config_};
    if (!hq_sync_.empty()) args.insert(args.end(), {"--sync", hq_sync_});
    return args;
  }
  return {"--store-id", node.id,           "--hq",       relay_->endpoint(node.index),
          "--hq-key",   hq_keys_.public_z85, "--key-file", KeyFile(node)};
}

Status ProcessChain::Launch(Node& node, bool restart) {
  if (restart && node.daemon && node.daemon->running()) return Status::Ok();
  node.daemon = std::make_unique<harness::Daemon>(IsHq(node) ? options_.hq_bin : options_.store_bin,
                                                  Args(node), node.dir, node.log);
  KURA_RETURN_IF_ERROR(node.daemon->Start(context_, kStartTimeoutMs));
  node.frozen = false;
  node.up = true;
  return Status::Ok();
}

Status ProcessChain::Kill(Node& node) {
  node.up = false;
  node.daemon->Kill();
  node.frozen = false;
  return Status::Ok();
}

Status ProcessChain::Freeze(Node& node) {
  KURA_RETURN_IF_ERROR(node.daemon->Signal(SIGSTOP));
  node.frozen = true;
  return Status::Ok();
}

Status ProcessChain::Thaw(Node& node) {
  if (!node.frozen) return Status::Ok();
  KURA_RETURN_IF_ERROR(node.daemon->Signal(SIGCONT));
  node.frozen = false;
  return Status::Ok();
}

Status ProcessChain::CutStore(int i) {
  KURA_RETURN_IF_ERROR(relay_->Cut(i));
  // The store keeps running; it must see the link go, or the cut did not happen.
  ApiClient store(context_, store_endpoint(i), kCallTimeoutMs);
  bool down = PollUntil(
      [&] {
        auto sync = store.Call("sync.status");
        return sync.ok() && (*sync).value("link", "") == "down";
      },
      kCallTimeoutMs);
  if (!down) return Status::IOError(store_id(i) + " still reports its link up after the cut");
  return Status::Ok();
}

Status ProcessChain::RelinkStore(int i) { return relay_->Restore(i); }

Status ProcessChain::WipeStore(int i) {
  KURA_RETURN_IF_ERROR(Kill(*stores_[i]));
  std::error_code error;
  std::filesystem::remove_all(stores_[i]->dir, error);
  if (error) return Status::IOError("deleting " + stores_[i]->dir + ": " + error.message());
  return Status::Ok();
}

std::pair<std::vector<std::string>, std::vector<CurveKeyPair>> ProcessChain::StoreList() const {
  std::pair<std::vector<std::string>, std::vector<CurveKeyPair>> list;
  for (const auto& node : stores_) {
    list.first.push_back(node->id);
    list.second.push_back(node->keys);
  }
  return list;
}

Status ProcessChain::GiveStoreNewKey(int i) {
  Node& store = *stores_[i];
  std::error_code error;
  std::filesystem::remove(KeyFile(store), error);
  if (error) return Status::IOError("deleting " + KeyFile(store) + ": " + error.message());
  KURA_ASSIGN_OR_RETURN(store.keys, GenerateCurveKeyPair());
  KURA_RETURN_IF_ERROR(WriteKeyFile(KeyFile(store), store.keys));
  auto [ids, keys] = StoreList();
  KURA_RETURN_IF_ERROR(harness::WriteHqSettings(*work_, ids, keys).status());
  // The plan keeps HQ up here; should it not be, its restart reads the new file, and a
  // frozen HQ takes the signal when thawed.
  if (!hq_up()) return Status::Ok();
  if (hq_frozen()) return hq_->daemon->Signal(SIGHUP);
  // HQ logs event=reloaded or event=reload_refused once it has read the list.
  auto reloads = [&] { return hq_->daemon->LogLinesWith("event=reload"); };
  int before = reloads(), refused = hq_->daemon->LogLinesWith("event=reload_refused ");
  KURA_RETURN_IF_ERROR(hq_->daemon->Signal(SIGHUP));
  if (!PollUntil([&] { return reloads() > before; }, kSetupTimeoutMs))
    return Status::IOError("HQ did not reload its store list; logs:\n" + LogTails(5));
  if (hq_->daemon->LogLinesWith("event=reload_refused ") > refused)
    return Status::IOError("HQ refused its new store list; logs:\n" + LogTails(5));
  return Status::Ok();
}

Status ProcessChain::AwaitTakesWrites(int i, const std::function<bool()>& stop) {
  return AwaitSyncStatus(i, [](const json& s) { return harness::TakesWrites(s); }, stop, "did not take writes");
}

Status ProcessChain::AwaitSynced(int i, const std::function<bool()>& stop) {
  auto synced = [](const json& s) {
    return s.value("link", "") == "up" && s.value("head_seq", 0) == s.value("acked_seq", 0) &&
           s.value("journal_head_seq", 0) == s.value("journal_acked_seq", 0);
  };
  return AwaitSyncStatus(i, synced, stop, "never had all its writes held by HQ");
}

Status ProcessChain::AwaitSyncStatus(int i, const std::function<bool(const json&)>& done,
                                     const std::function<bool()>& stop, const std::string& failure) {
  ApiClient store(context_, store_endpoint(i), kCallTimeoutMs);
  bool met = false;
  PollUntil(
      [&] {
        if (stop && stop()) return true;
        auto sync = store.Call("sync.status");
        return met = sync.ok() && done(*sync);
      },
      kSetupTimeoutMs);
  if (!met) return Status::IOError(store_id(i) + " " + failure + "; logs:\n" + LogTails(5));
  return Status::Ok();
}

Status ProcessChain::HealAll() {
  KURA_RETURN_IF_ERROR(Thaw(*hq_));
  KURA_RETURN_IF_ERROR(Launch(*hq_, true));
  for (int i = 0; i < stores(); ++i) {
    KURA_RETURN_IF_ERROR(Thaw(*stores_[i]));
    KURA_RETURN_IF_ERROR(relay_->Restore(i));  // first: a store started cut would back off
    KURA_RETURN_IF_ERROR(Launch(*stores_[i], true));
  }
  return Status::Ok();
}

std::string ProcessChain::UnexpectedExit(std::string* log_tail) {
  auto exited = [&](Node& node) -> std::string {
    if (!node.daemon) return "";
    std::string how = node.daemon->Exited();
    if (how.empty()) return "";
    node.up = false;
    node.frozen = false;
    *log_tail = node.daemon->LogTail(6);
    return node.id + " " + how + ", not stopped by kura-sim";
  };
  if (std::string why = exited(*hq_); !why.empty()) return why;
  for (auto& node : stores_) {
    if (std::string why = exited(*node); !why.empty()) return why;
  }
  return "";
}

std::string ProcessChain::LogTails(int lines) const {
  std::string out;
  auto tail = [&](const Node& node) {
    if (node.daemon) out += node.id + ":\n" + node.daemon->LogTail(lines);
  };
  tail(*hq_);
  for (const auto& node : stores_) tail(*node);
  return out;
}

}  // namespace kura::sim
