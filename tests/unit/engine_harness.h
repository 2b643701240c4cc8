// Shared by the unit tests: the seed of property tests, and an in-process store engine on a
// temporary directory with a manual clock, driven by encoded API requests exactly as the
// API server drives it. Header-only; not thread-safe.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "kura/node/store.h"
#include "kura/schema/api.h"
#include "kura/sync/clock.h"
#include "temp_dir.h"

namespace kura::test {

// The seed of a property test: Catch's --rng-seed when given, else a fresh random one. The
// caller CAPTUREs it; rerun a failure with --rng-seed <seed>.
inline uint64_t PropertySeed() {
  unsigned int seed = Catch::rngSeed();
  if (seed == 0) seed = std::random_device{}();
  return seed == 0 ? 1 : seed;
}

// One store engine over a fresh data directory. Every call is its own commit group unless
// sent through Group().
class EngineHarness {
 public:
  static constexpr int64_t kStartMs = 1'700'000'000'000;  // 2023-11-14, any fixed instant

  explicit EngineHarness(std::string store_id = "tokyo-01", int64_t safety_stock = 0)
      : clock(kStartMs) {
    options.store_id = std::move(store_id);
    options.data_dir = dir.Sub("data");
    options.safety_stock = safety_stock;
    options.clock = &clock;
    Reopen();
  }

  // Closes the engine (if open) and opens it again on the same directory.
  void Reopen() {
    store.reset();
    auto opened = Store::Open(options);
    INFO(opened.status().ToString());
    REQUIRE(opened.ok());
    store = std::move(*opened);
  }

  // The raw reply to one request; `rid` empty sends none.
  std::string Raw(const std::string& op, const nlohmann::json& args, const std::string& rid) {
    std::vector<std::string> replies = Group({ApiRequest{op, rid, args}});
    REQUIRE(replies.size() == 1);
    return replies[0];
  }

  // Calls `op` with a fresh request id (ignored by read-only ops).
  Result<nlohmann::json> Call(const std::string& op,
                              const nlohmann::json& args = nlohmann::json::object()) {
    return DecodeReply(Raw(op, args, NextRid()));
  }

  // Calls `op`, which must succeed, and returns its result.
  nlohmann::json Ok(const std::string& op, const nlohmann::json& args = nlohmann::json::object()) {
    auto result = Call(op, args);
    INFO(op << " " << args.dump() << " -> " << result.status().ToString());
    REQUIRE(result.ok());
    return *result;
  }

  // Sends `requests` as ONE commit group and returns the raw replies.
  std::vector<std::string> Group(const std::vector<ApiRequest>& requests) {
    std::vector<std::string> encoded;
    for (const auto& r : requests) encoded.push_back(EncodeRequest(r));
    std::vector<std::string_view> views(encoded.begin(), encoded.end());
    return store->ExecuteGroup(views);
  }

  std::string NextRid() { return "rid-" + std::to_string(++rid_counter_); }

  // stock.get of a known SKU: {sku, on_hand, held, atp}.
  nlohmann::json Stock(const std::string& sku) { return Ok("stock.get", {{"sku", sku}}); }

  std::string Receive(const std::string& sku, int64_t qty) {
    Ok("stock.receive", {{"sku", sku}, {"qty", qty}});
    return sku;
  }

  // Creates a hold of `qty` units of `sku` and returns its id.
  std::string Hold(const std::string& sku, int64_t qty, const std::string& kind = "pickup",
                   int64_t expires_in_s = 3600) {
    nlohmann::json hold = Ok("hold.create", {{"kind", kind},
                                             {"lines", {{{"sku", sku}, {"qty", qty}}}},
                                             {"expires_in_s", expires_in_s}});
    return hold["id"].get<std::string>();
  }

  std::string HoldState(const std::string& id) {
    return Ok("hold.get", {{"id", id}})["state"].get<std::string>();
  }

  TempDir dir;
  ManualClock clock;
  StoreOptions options;
  std::unique_ptr<Store> store;

 private:
  int rid_counter_ = 0;
};

}  // namespace kura::test
