#include "hold_output.h"

#include <cstdint>
#include <string>

namespace kura::ctl {
namespace {

using nlohmann::json;

bool IsEnded(const std::string& state) {
  return state == "collected" || state == "cancelled" || state == "expired";
}

std::string ExpiresText(const json& hold) {
  int64_t expires_ms = hold.at("expires_ms").get<int64_t>();
  std::string text = FormatUtc(expires_ms) + " UTC";
  if (IsEnded(hold.at("state").get<std::string>())) return text;
  int64_t left_s = (expires_ms - NowMs()) / 1000;
  return text + (left_s > 0 ? " (in " + FormatSpan(left_s) + ")" : " (due now)");
}

}  // namespace

Fields HoldFields(const json& h) {
  return {{"hold", Cell(h.at("id"))},
          {"kind", Cell(h.at("kind"))},
          {"state", Cell(h.at("state")) + " since " +
                        FormatUtc(h.at("state_since_ms").get<int64_t>()) + " UTC"},
          {"store", Cell(h.at("store"))},
          {"customer", Cell(h.value("customer", json()))},
          {"lines", FormatLines(h.at("lines"))},
          {"created", FormatUtc(h.at("created_ms").get<int64_t>()) + " UTC"},
          {"expires", ExpiresText(h)}};
}

void PrintHold(const json& h, std::ostream& out) { PrintFields(HoldFields(h), out); }

void PrintHoldTable(const json& holds, std::ostream& out) {
  Table table({{"ID"}, {"KIND"}, {"STATE"}, {"CUSTOMER"}, {"LINES"}, {"EXPIRES (UTC)"}});
  for (const json& h : holds) {
    table.AddRow({Cell(h.at("id")), Cell(h.at("kind")), Cell(h.at("state")),
                  Cell(h.value("customer", json())), FormatLines(h.at("lines")),
                  FormatUtc(h.at("expires_ms").get<int64_t>())});
  }
  table.Print(out);
}

}  // namespace kura::ctl
