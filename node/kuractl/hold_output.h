// How kuractl shows a hold (1.5 of schema/PROTOCOL.md) to a person: as a block of labelled
// fields, or as one row of a table of holds. Shared by the store's `hold` commands and
// HQ's `hq order` commands. Not thread-safe: writes to the streams it is given.
#pragma once

#include <ostream>

#include <nlohmann/json.hpp>

#include "output.h"

namespace kura::ctl {

// The hold's fields: id, kind, state and since when, store, customer, lines, created and
// expiry (with the time left while it is active). Callers may append their own.
Fields HoldFields(const nlohmann::json& hold);
void PrintHold(const nlohmann::json& hold, std::ostream& out);
// One row per hold: ID, KIND, STATE, CUSTOMER, LINES, EXPIRES (UTC).
void PrintHoldTable(const nlohmann::json& holds, std::ostream& out);

}  // namespace kura::ctl
