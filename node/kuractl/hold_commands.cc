// kuractl hold ...: customer holds (pickup, try-on, phone) and their life cycle
// held -> confirmed -> ready -> collected, or cancelled/expired (ops hold.*).
#include <memory>

#include "commands.h"
#include "hold_output.h"
#include "hold_request.h"
#include "kura/schema/arg_limits.h"
#include "kura/schema/ids.h"
#include "kura/schema/records.h"
#include "output.h"
#include "parse.h"

namespace kura::ctl {
namespace {

using nlohmann::json;

// The values of `hold get` and `hold list`.
struct HoldArgs {
  std::string id, state, limit, after;
};

void AddCreate(CLI::App* hold, Plan* plan) {
  auto a = std::make_shared<HoldRequestArgs>();
  CLI::App* create = hold->add_subcommand(
      "create", "Promise units to a customer: reserve them from ATP until collected, cancelled or "
                "expired. A pickup or try-on hold also queues a pick slip");
  AddHoldRequestOptions(create, a.get(),
                        "pickup (paid online order, expires in 72h by default), tryon (unpaid try-on, "
                        "2h) or phone (phone or walk-in, 24h)");
  create->footer("Example: kuractl hold create --kind tryon --line TEE-M-BLK:1 --customer c-1042 --expires 3h");
  OnParsed(create, plan, [a]() -> Result<Invocation> {
    if (!ParseHoldKind(a->kind)) {
      return Status::InvalidArgument("--kind \"" + a->kind + "\": must be pickup, tryon or phone");
    }
    KURA_ASSIGN_OR_RETURN(json args, HoldRequestJson(*a));
    return Invocation{"hold.create", args, true, PrintHold, nullptr};
  });
}

// confirm, ready, collect and cancel: one hold id in, the hold in its new state out.
void AddTransition(CLI::App* hold, Plan* plan, const char* verb, const char* help) {
  auto id = std::make_shared<std::string>();
  CLI::App* cmd = hold->add_subcommand(verb, help);
  cmd->add_option("ID", *id, "hold id, e.g. tokyo-01.42")->required()->type_name("");
  OnParsed(cmd, plan, [id, op = std::string("hold.") + verb]() -> Result<Invocation> {
    KURA_ASSIGN_OR_RETURN(std::string hold_id, ParseId(*id, "ID", ValidateHoldId));
    return Invocation{op, {{"id", hold_id}}, true,
                      [](const json& h, std::ostream& out) {
                        out << "hold " << Cell(h.at("id")) << " is now " << Cell(h.at("state"))
                            << " (" << FormatLines(h.at("lines")) << ")\n";
                      },
                      nullptr};
  });
}

void AddGetAndList(CLI::App* hold, Plan* plan) {
  auto a = std::make_shared<HoldArgs>();
  CLI::App* get = hold->add_subcommand("get", "Show one hold: kind, state, customer, lines, expiry");
  get->add_option("ID", a->id, "hold id, e.g. tokyo-01.42")->required()->type_name("");
  OnParsed(get, plan, [a]() -> Result<Invocation> {
    KURA_ASSIGN_OR_RETURN(std::string id, ParseId(a->id, "ID", ValidateHoldId));
    return Invocation{"hold.get", {{"id", id}}, false, PrintHold, nullptr};
  });

  CLI::App* list = hold->add_subcommand("list", "List holds, active and ended (ended holds stay listed)");
  list->add_option("--state", a->state,
                   "only holds in this state: held, confirmed, ready, collected, cancelled, expired")
      ->type_name("STATE");
  list->add_option("--limit", a->limit,
                   "list at most N holds, 1.." + std::to_string(kMaxHoldListLimit) + " (daemon default 1000)")
      ->type_name("N");
  list->add_option("--after", a->after, "start after this hold id: the next page, when the last one said more follow")
      ->type_name("ID");
  list->footer("Holds are listed in id byte order (tokyo-01.10 before tokyo-01.9).");
  OnParsed(list, plan, [a]() -> Result<Invocation> {
    json args = json::object();
    if (!a->state.empty()) {
      if (!ParseHoldState(a->state)) {
        return Status::InvalidArgument("--state \"" + a->state +
                                       "\": must be held, confirmed, ready, collected, cancelled or expired");
      }
      args["state"] = a->state;
    }
    if (!a->limit.empty()) {
      KURA_ASSIGN_OR_RETURN(args["limit"], ParseLimit(a->limit, kMaxHoldListLimit));
    }
    if (!a->after.empty()) {
      KURA_ASSIGN_OR_RETURN(args["after"], ParseId(a->after, "--after", ValidateHoldId));
    }
    return Invocation{"hold.list", args, false,
                      [](const json& r, std::ostream& out) {
                        const json& holds = r.at("holds");
                        if (holds.empty()) {
                          out << "no holds\n";
                          return;
                        }
                        PrintHoldTable(holds, out);
                        if (r.value("more", false)) PrintMoreHint(holds.size(), holds.back().at("id").get<std::string>(), out);
                      },
                      nullptr};
  });
}

}  // namespace

void AddHoldCommands(CLI::App& app, Plan* plan) {
  CLI::App* hold = app.add_subcommand("hold", "Customer holds: create them and move them along");
  hold->require_subcommand(1);
  hold->footer("A hold moves held -> confirmed -> ready -> collected; cancel or expiry ends it early.");
  AddCreate(hold, plan);
  AddTransition(hold, plan, "confirm", "Mark a held hold as paid (held -> confirmed)");
  AddTransition(hold, plan, "ready", "Mark a hold's goods as set aside on the hold shelf (-> ready)");
  AddTransition(hold, plan, "collect",
                "Hand the goods over: the hold ends as collected, its units leave on hand and a "
                "collection receipt is journaled");
  AddTransition(hold, plan, "cancel", "End an active hold without handing over; its units become available again");
  AddGetAndList(hold, plan);
}

}  // namespace kura::ctl
