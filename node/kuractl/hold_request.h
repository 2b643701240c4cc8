// The options that ask for a new hold: --kind, --line SKU:QTY (repeated), --customer and
// --expires, and the API arguments they make ({kind, lines, customer?, expires_in_s?}, as
// hold.create and hq.order.place take them). Shared by `hold create` at a store and
// `hq order place` at HQ. Not thread-safe.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "kura/schema/status.h"

namespace kura::ctl {

struct HoldRequestArgs {
  std::string kind, customer, expires;
  std::vector<std::string> lines;
};

// Adds the options to `cmd`, stored in `*a`; --kind and --line are required. `kind_help`
// describes the kinds the command takes. REQUIRES: `*a` outlives the parse of `cmd`.
void AddHoldRequestOptions(CLI::App* cmd, HoldRequestArgs* a, const char* kind_help);

// The request's API arguments. InvalidArgument naming the option for a line, customer id
// or duration that is not well formed. The kind is copied as given: the caller checks it.
Result<nlohmann::json> HoldRequestJson(const HoldRequestArgs& a);

}  // namespace kura::ctl
