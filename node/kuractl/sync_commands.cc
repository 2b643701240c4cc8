// kuractl sync status: the store's link to HQ as a store clerk reads it (op sync.status):
// is the link up, how much is waiting to sync, and when HQ last confirmed it has it.
#include <cstdlib>

#include "commands.h"
#include "output.h"

namespace kura::ctl {
namespace {

using nlohmann::json;

// A clock further off HQ's than this is worth a look (HQ refuses time stamps more than five
// minutes ahead of its own clock).
constexpr int64_t kSkewWarnMs = 60'000;

std::string Moment(const json& ms, int64_t now_ms) {
  int64_t at = ms.get<int64_t>();
  if (at == 0) return "never";
  return FormatUtcSeconds(at) + " (" + FormatAgo(at, now_ms) + ")";
}

void PrintSyncStatus(const json& r, std::ostream& out) {
  if (!r.at("configured").get<bool>()) {
    out << "sync: not configured (this store runs alone)\n";
    return;
  }
  int64_t now = NowMs();
  bool up = r.at("link").get<std::string>() == "up";
  int64_t pending = r.at("pending_components").get<int64_t>();
  int64_t skew = r.at("clock_skew_ms").get<int64_t>();
  std::string skew_text = (skew > 0 ? "+" : "") + std::to_string(skew) + " ms";
  if (std::llabs(skew) >= kSkewWarnMs) skew_text += " (check this computer's clock)";
  std::string last_error = r.at("last_error").get<std::string>();
  std::string link_error = r.value("link_error", "");
  // A store restoring its data from HQ does not keep selling: the "taking writes" row says so.
  bool restoring = r.value("restoring", false);
  std::string link = !up ? (restoring ? "down" : "down (the store keeps selling; changes sync when it is back)")
                     : r.value("hq_greeted", true)
                         ? "up"
                         : "up, but HQ has not answered this store's hello (if this lasts, HQ does not list "
                           "this store id with this store's key: see kuractl hq exceptions at HQ)";
  if (!up && !link_error.empty()) link = "down: " + link_error;
  PrintFields(
      {{"link to HQ", link},
       {"taking writes", restoring ? "no, restoring: this store's data directory is new, and it takes no sales "
                                     "or other writes until HQ has sent back what it holds of this store"
                                   : "yes"},
       {"HQ address", Cell(r.at("hq"))},
       {"changes waiting to sync", std::to_string(pending)},
       {"oldest unsynced change",
        pending == 0 ? "none" : FormatSpan(r.at("oldest_unsynced_age_s").get<int64_t>()) + " ago"},
       {"last HQ acknowledgement", Moment(r.at("last_ack_ms"), now)},
       {"last heard from HQ", Moment(r.at("last_heard_ms"), now)},
       {"clock difference to HQ", skew_text},
       {"changes sent / received",
        Cell(r.at("components_sent")) + " / " + Cell(r.at("components_received"))},
       {"sync errors", Cell(r.at("rejected"))},
       {"last sync error", last_error.empty() ? "none" : last_error},
       {"local seq / acked by HQ", Cell(r.at("head_seq")) + " / " + Cell(r.at("acked_seq"))},
       {"receipts / acked by HQ", Cell(r.at("journal_head_seq")) + " / " + Cell(r.at("journal_acked_seq"))}},
      out);
}

}  // namespace

void AddSyncCommands(CLI::App& app, Plan* plan) {
  CLI::App* sync = app.add_subcommand("sync", "This store's link to HQ");
  sync->require_subcommand(1);
  CLI::App* status = sync->add_subcommand(
      "status", "Show whether the link to HQ is up, how many changes wait to sync and for how "
                "long, and when HQ last acknowledged them. A store without --hq runs alone");
  OnParsed(status, plan, []() -> Result<Invocation> {
    return Invocation{"sync.status", json::object(), false, PrintSyncStatus, nullptr};
  });
}

}  // namespace kura::ctl
