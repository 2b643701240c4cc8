#include "process_snapshot.h"

#include <set>

#include "kura/node/api_client.h"

namespace kura::sim {

using nlohmann::json;

namespace {

constexpr int kJournalPage = 10'000;

StockRow RowOf(const json& view) {
  return {view.value("on_hand", int64_t{0}), view.value("held", int64_t{0})};
}

StoreSnapshot ReadStore(zmq::context_t& context, const std::string& endpoint, int timeout_ms) {
  StoreSnapshot out;
  ApiClient api(context, endpoint, timeout_ms);
  // One after another, stopping at the first without an answer: a store that does not
  // answer costs a poll one timeout, not four.
  auto stock = api.ListAll("stock.list", {{"limit", 100'000}}, "items", "sku");
  if (!stock.ok()) return out;
  auto holds = api.ListAll("hold.list", {{"limit", 100'000}}, "holds", "id");
  if (!holds.ok()) return out;
  auto sync = api.Call("sync.status");
  if (!sync.ok()) return out;
  auto check = api.Call("admin.check");
  if (!check.ok()) return out;
  for (const json& item : *stock) out.stock[item["sku"].get<std::string>()] = RowOf(item);
  for (const json& hold : *holds) out.holds[hold["id"].get<std::string>()] = hold;
  out.sync = *sync;
  out.check = *check;
  for (int64_t after = 0;;) {
    auto page = api.Call("journal.list", {{"after_seq", after}, {"limit", kJournalPage}});
    if (!page.ok()) return out;
    for (const json& receipt : (*page)["receipts"]) {
      after = receipt["seq"].get<int64_t>();
      out.receipts.push_back(receipt);
    }
    if ((*page)["receipts"].size() < static_cast<std::size_t>(kJournalPage)) break;
  }
  out.read = true;
  return out;
}

HqSnapshot ReadHq(zmq::context_t& context, const std::string& endpoint,
                  const std::vector<std::string>& skus, const std::vector<std::string>& orders,
                  int timeout_ms) {
  HqSnapshot out;
  ApiClient api(context, endpoint, timeout_ms);
  auto sync = api.Call("hq.sync_status");
  if (!sync.ok()) return out;
  out.sync = *sync;
  for (const std::string& sku : skus) {
    auto view = api.Call("hq.stock", {{"sku", sku}});
    if (!view.ok() && view.status().code() != Status::Code::kNotFound) return out;
    auto& by_store = out.stock[sku];
    if (!view.ok()) continue;  // no store reported it
    for (const json& row : (*view)["stores"])
      by_store[row["store"].get<std::string>()] = RowOf(row);
    out.totals[sku] = RowOf((*view)["total"]);
  }
  for (const std::string& id : orders) {
    auto order = api.Call("hq.order.status", {{"id", id}});
    if (order.ok())
      out.orders[id] = *order;
    else if (order.status().code() != Status::Code::kNotFound)
      return out;
  }
  out.read = true;
  return out;
}

}  // namespace

ChainSnapshot TakeSnapshot(zmq::context_t& context, const ProcessChain& chain,
                           const std::vector<std::string>& skus,
                           const std::vector<std::string>& orders, int timeout_ms) {
  ChainSnapshot out;
  for (int i = 0; i < chain.stores(); ++i) {
    out.store_ids.push_back(chain.store_id(i));
    out.stores.push_back(ReadStore(context, chain.store_endpoint(i), timeout_ms));
  }
  out.hq = ReadHq(context, chain.hq_endpoint(), skus, orders, timeout_ms);
  return out;
}

nlohmann::json ReadHqCheck(zmq::context_t& context, const ProcessChain& chain, int timeout_ms) {
  ApiClient api(context, chain.hq_endpoint(), timeout_ms);
  auto check = api.Call("admin.check");
  if (check.ok()) return *check;
  return json{{"ok", false}, {"error", check.status().ToString()}};
}

std::vector<std::string> ConvergenceProblems(const ChainSnapshot& snapshot) {
  std::vector<std::string> problems;
  if (!snapshot.hq.read) problems.push_back("hq did not answer every read");
  std::map<std::string, json> hq_links;  // a store HQ does not list stays null: not connected
  if (snapshot.hq.sync.contains("stores")) {
    for (const json& row : snapshot.hq.sync["stores"])
      hq_links[row["store"].get<std::string>()] = row;
  }
  for (std::size_t i = 0; i < snapshot.stores.size(); ++i) {
    const std::string& id = snapshot.store_ids[i];
    const StoreSnapshot& store = snapshot.stores[i];
    if (!store.read) {
      problems.push_back(id + " did not answer every read");
      continue;
    }
    const json& s = store.sync;
    if (s.value("link", "") != "up")
      problems.push_back(id + ": link to hq " + s.value("link", "not configured"));
    if (s.value("acked_seq", 0) != s.value("head_seq", 0) ||
        s.value("journal_acked_seq", 0) != s.value("journal_head_seq", 0)) {
      problems.push_back(id + ": hq has acknowledged " + std::to_string(s.value("acked_seq", 0)) +
                         "/" + std::to_string(s.value("head_seq", 0)) + " cells, " +
                         std::to_string(s.value("journal_acked_seq", 0)) + "/" +
                         std::to_string(s.value("journal_head_seq", 0)) + " receipts");
    }
    const json& link = hq_links[id].is_object() ? hq_links[id] : json::object();
    if (!link.value("connected", false) || link.value("lag_components", 0) != 0) {
      problems.push_back(
          "hq: " + id +
          (link.value("connected", false)
               ? " lags " + std::to_string(link.value("lag_components", 0)) + " components"
               : " not connected"));
    }
    if (!snapshot.hq.read) continue;
    std::set<std::string> skus;
    for (const auto& [sku, row] : store.stock) skus.insert(sku);
    for (const auto& [sku, rows] : snapshot.hq.stock) {
      if (rows.count(id)) skus.insert(sku);
    }
    for (const std::string& sku : skus) {
      auto mine = store.stock.count(sku) ? store.stock.at(sku) : StockRow{};
      auto hq_rows = snapshot.hq.stock.find(sku);
      StockRow theirs;
      if (hq_rows != snapshot.hq.stock.end() && hq_rows->second.count(id))
        theirs = hq_rows->second.at(id);
      if (!(mine == theirs)) {
        problems.push_back(id + " " + sku + ": on_hand/held " + std::to_string(mine.on_hand) + "/" +
                           std::to_string(mine.held) + ", hq says " +
                           std::to_string(theirs.on_hand) + "/" + std::to_string(theirs.held));
        break;
      }
    }
  }
  for (const auto& [id, order] : snapshot.hq.orders) {
    std::string store_id = order.value("store", "");
    for (std::size_t i = 0; i < snapshot.stores.size(); ++i) {
      if (snapshot.store_ids[i] != store_id || !snapshot.stores[i].read) continue;
      auto hold = snapshot.stores[i].holds.find(id);
      if (hold == snapshot.stores[i].holds.end()) {
        problems.push_back("order " + id + " not at " + store_id + " yet");
      } else if (hold->second["state"] != order["state"]) {
        problems.push_back("order " + id + ": " + hold->second["state"].get<std::string>() +
                           " at " + store_id + ", " + order["state"].get<std::string>() + " at hq");
      }
    }
  }
  return problems;
}

}  // namespace kura::sim
