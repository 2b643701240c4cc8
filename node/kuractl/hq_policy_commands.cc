// kuractl hq policy set|get: the allotment policy, i.e. how much of its stock each store
// sets aside for HQ's online orders (ops hq.policy.set, policy.get; node/escrow.h). Per
// SKU the store allots HQ min(cap, share_pct % of its ATP), topped up every 2 s.
#include <memory>

#include "commands.h"
#include "kura/schema/arg_limits.h"
#include "kura/schema/ids.h"
#include "output.h"
#include "parse.h"

namespace kura::ctl {
namespace {

using nlohmann::json;

void PrintPolicy(const json& p, std::ostream& out) {
  std::string store = Cell(p.at("store"));
  PrintFields(
      {{"policy of", store == "*" ? "every store without its own (the chain's default)" : store},
       {"share of ATP", Cell(p.at("share_pct")) + "%"},
       {"cap per SKU", Cell(p.at("cap")) + " units"}},
      out);
}

struct PolicyArgs {
  std::string store, share_pct, cap;
};

// {store?} from --store.
Result<json> StoreArg(const PolicyArgs& a) {
  json args = json::object();
  if (!a.store.empty()) {
    KURA_ASSIGN_OR_RETURN(args["store"], ParseId(a.store, "--store", ValidateStoreId));
  }
  return args;
}

}  // namespace

void AddHqPolicyCommands(CLI::App* hq, Plan* plan) {
  CLI::App* policy = hq->add_subcommand(
      "policy",
      "The allotment policy: how much of its stock each store sets aside for HQ's "
      "online orders");
  policy->require_subcommand(1);
  policy->footer(kAllotmentHelp);

  auto a = std::make_shared<PolicyArgs>();
  CLI::App* set = policy->add_subcommand(
      "set",
      "Set the allotment policy of one store, or without --store the chain's default for "
      "every store without a policy of its own. Per SKU the store allots HQ min(cap, "
      "share-pct % of its ATP) and tops it up every 2 s; the policy reaches the stores by "
      "sync");
  set->add_option("--store", a->store, "the store, e.g. umeda-02 (default: the chain's default)")
      ->type_name("STORE");
  set->add_option("--share-pct", a->share_pct,
                  "percent of the store's ATP to allot, 0.." + std::to_string(kMaxSharePct) +
                      " (0 allots nothing)")
      ->required()
      ->type_name("N");
  set->add_option("--cap", a->cap,
                  "at most this many units per SKU, 0.." + std::to_string(kMaxAllotmentCap) +
                      " (0 allots nothing)")
      ->required()
      ->type_name("N");
  set->footer(std::string(kAllotmentHelp) +
              "\nExample: kuractl hq policy set --store umeda-02 --share-pct 20 --cap 5");
  OnParsed(set, plan, [a]() -> Result<Invocation> {
    KURA_ASSIGN_OR_RETURN(json args, StoreArg(*a));
    KURA_ASSIGN_OR_RETURN(args["share_pct"], ParseInt(a->share_pct, "--share-pct", 0, kMaxSharePct));
    KURA_ASSIGN_OR_RETURN(args["cap"], ParseInt(a->cap, "--cap", 0, kMaxAllotmentCap));
    return HqInvocation("hq.policy.set", args, true, PrintPolicy);
  });

  CLI::App* get = policy->add_subcommand(
      "get",
      "Show the allotment policy in force for a store (its own, else the chain's "
      "default), or without --store the chain's default");
  get->add_option("--store", a->store, "the store, e.g. umeda-02")->type_name("STORE");
  OnParsed(get, plan, [a]() -> Result<Invocation> {
    KURA_ASSIGN_OR_RETURN(json args, StoreArg(*a));
    return HqInvocation("policy.get", args, false, PrintPolicy);
  });
}

}  // namespace kura::ctl
