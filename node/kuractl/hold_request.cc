#include "hold_request.h"

#include "kura/schema/arg_limits.h"
#include "kura/schema/ids.h"
#include "kura/schema/records.h"
#include "parse.h"

namespace kura::ctl {

void AddHoldRequestOptions(CLI::App* cmd, HoldRequestArgs* a, const char* kind_help) {
  cmd->add_option("--kind", a->kind, kind_help)->required()->type_name("KIND");
  cmd->add_option("--line", a->lines,
                  "SKU:QTY to hold, QTY 1.." + std::to_string(kMaxQty) +
                      ", e.g. TEE-M-BLK:2; repeat for more lines")
      ->required()
      ->type_name("SKU:QTY");
  cmd->add_option("--customer", a->customer, "customer id, e.g. c-1042")->type_name("CUSTOMER");
  cmd->add_option("--expires", a->expires,
                  "expire after this long instead, at most " +
                      std::to_string(kMaxHoldExpirySeconds / 86400) + "d: 90s, 30m, 2h, 3d, 1h30m")
      ->type_name("DURATION");
}

Result<nlohmann::json> HoldRequestJson(const HoldRequestArgs& a) {
  nlohmann::json lines = nlohmann::json::array();
  for (const std::string& text : a.lines) {
    KURA_ASSIGN_OR_RETURN(LineArg line, ParseLine(text, "--line"));
    lines.push_back({{"sku", line.sku}, {"qty", line.qty}});
  }
  nlohmann::json args = {{"kind", a.kind}, {"lines", lines}};
  if (!a.customer.empty()) {
    KURA_ASSIGN_OR_RETURN(args["customer"], ParseId(a.customer, "--customer", ValidateCustomerId));
  }
  if (!a.expires.empty()) {
    KURA_ASSIGN_OR_RETURN(args["expires_in_s"], ParseDurationSeconds(a.expires, "--expires", kMaxHoldExpirySeconds));
  }
  return args;
}

}  // namespace kura::ctl
