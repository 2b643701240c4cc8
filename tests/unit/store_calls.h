// Shorthands for the store engine tests (store_*_test.cc), over EngineHarness.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "engine_harness.h"

namespace kura::test {

// One line of a stock operation: {"sku": sku, "qty": qty}.
inline nlohmann::json Line(const std::string& sku, int64_t qty) { return {{"sku", sku}, {"qty", qty}}; }

// The status of an error reply; Ok when the call succeeded.
inline Status Err(const Result<nlohmann::json>& r) { return r.status(); }

// The store's receipt journal (journal.list).
inline nlohmann::json Receipts(EngineHarness& e) { return e.Ok("journal.list")["receipts"]; }

// The store's pick slips (slip.list): open ones, or `all`.
inline nlohmann::json Slips(EngineHarness& e, bool all = false) {
  return e.Ok("slip.list", {{"all", all ? 1 : 0}})["slips"];
}

}  // namespace kura::test
