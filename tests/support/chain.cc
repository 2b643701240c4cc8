#include "chain.h"

#include <signal.h>

#include <thread>

#include <catch2/catch.hpp>

namespace kura::test {

std::string FreeTcpEndpoint() {
  zmq::socket_t probe(DaemonProcess::Context(), zmq::socket_type::router);
  probe.bind("tcp://127.0.0.1:*");
  std::string endpoint = probe.get(zmq::sockopt::last_endpoint);
  probe.close();
  return endpoint;
}

int64_t HqOnHand(DaemonProcess& hq, const std::string& sku, const std::string& store) {
  auto r = hq.client().Call("hq.stock", {{"sku", sku}});
  if (!r.ok()) return -1;
  for (const auto& row : (*r)["stores"]) {
    if (row["store"] == store) return row["on_hand"].get<int64_t>();
  }
  return -1;
}

bool Eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return done();
}

Chain::Chain(int stores, const std::vector<std::string>& listed_only, const std::vector<std::string>& hq_flags)
    : sync_endpoint_(FreeTcpEndpoint()) {
  auto hq_keys = GenerateCurveKeyPair();
  REQUIRE(hq_keys.ok());
  hq_keys_ = *hq_keys;
  REQUIRE(WriteKeyFile(dir_.Sub("hq.key"), hq_keys_).ok());
  std::vector<std::string> hq_args = {"--key-file", dir_.Sub("hq.key"), "--sync", sync_endpoint_};
  for (int i = 0; i < stores; ++i) {
    auto keys = GenerateCurveKeyPair();
    REQUIRE(keys.ok());
    store_keys_.push_back(*keys);
    std::string key_file = dir_.Sub(store_id(i) + ".key");
    REQUIRE(WriteKeyFile(key_file, *keys).ok());
    hq_args.push_back("--store");
    hq_args.push_back(store_id(i) + "," + keys->public_z85);
    stores_.push_back(std::make_unique<DaemonProcess>(store_id(i), dir_.Sub(store_id(i)), SyncFlags(key_file)));
  }
  for (const std::string& id : listed_only) {
    auto keys = GenerateCurveKeyPair();
    REQUIRE(keys.ok());
    hq_args.insert(hq_args.end(), {"--store", id + "," + keys->public_z85});
  }
  hq_args.insert(hq_args.end(), hq_flags.begin(), hq_flags.end());
  hq_ = DaemonProcess::Hq(dir_.Sub("hq"), hq_args);
}

std::vector<std::string> Chain::SyncFlags(const std::string& keys_file) const {
  return {"--hq", sync_endpoint_, "--hq-key", hq_keys_.public_z85, "--key-file", keys_file};
}

void Chain::RestartOnNewDiskWhileHqFrozen(int i) {
  stores_[i]->KillAndWipeDisk();
  REQUIRE(kill(hq_->pid(), SIGSTOP) == 0);
  stores_[i]->Start();
  REQUIRE(kill(hq_->pid(), SIGCONT) == 0);
}

void FillWithReceipts(DaemonProcess& store, int receipts, int left) {
  constexpr int kSkus = 100;
  nlohmann::json lines = nlohmann::json::array();
  for (int k = 0; k < kSkus; ++k) {
    std::string sku = "SKU-" + std::to_string(k);
    store.Must("stock.receive", {{"sku", sku}, {"qty", receipts + left}});
    lines.push_back({{"sku", sku}, {"qty", 1}, {"price_cents", 990}});
  }
  for (int i = 0; i < receipts; ++i) store.Must("stock.sell", {{"lines", lines}});
  REQUIRE(Eventually([&] { return store.Must("sync.status")["journal_acked_seq"] == receipts; }));
}

void Chain::StartAll() {
  hq_->Start();
  for (auto& s : stores_) s->Start();
  // A store's new directory takes writes once HQ has greeted it (it has nothing to send back).
  for (auto& s : stores_) {
    REQUIRE(Eventually([&] { return s->Must("sync.status")["restoring"] == false; }));
  }
}

}  // namespace kura::test
