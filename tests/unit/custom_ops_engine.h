// Shared by the unit tests of the engine's own request handling (idempotency, follow-ups,
// storage failures): an Engine serving the test's own op table rather than a store's, on a
// fresh data directory with a manual clock. Header-only; not thread-safe.
#pragma once

#include <catch2/catch.hpp>

#include <memory>
#include <span>
#include <string>

#include <nlohmann/json.hpp>

#include "engine.h"
#include "kura/schema/api.h"
#include "kura/sync/clock.h"
#include "temp_dir.h"

namespace kura::test {

class CustomOpsEngine {
 public:
  explicit CustomOpsEngine(std::span<const OpSpec> ops) : clock(1'700'000'000'000) {
    StoreOptions options;
    options.store_id = "tokyo-01";
    options.data_dir = dir.Sub("data");
    options.clock = &clock;
    auto opened = Engine::Open(options, ops);
    INFO(opened.status().ToString());
    REQUIRE(opened.ok());
    engine = std::move(*opened);
  }

  // Sends one request, as a commit group of its own, and decodes its reply.
  Result<nlohmann::json> Call(const std::string& op, const std::string& rid,
                              const nlohmann::json& args = nlohmann::json::object()) {
    return DecodeReply(engine->ExecuteGroup({EncodeRequest({op, rid, args})})[0]);
  }

  // The value under `key` in the local column family, or "absent".
  std::string Local(const std::string& key) {
    Txn txn(engine->db());
    std::string value;
    Status s = txn.Get(Cf::kLocal, key, &value);
    return s.ok() ? value : "absent";
  }

  TempDir dir;
  ManualClock clock;
  std::unique_ptr<Engine> engine;
};

}  // namespace kura::test
