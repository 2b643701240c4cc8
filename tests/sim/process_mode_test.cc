// kura-sim's multi-process mode: real kura-store and kura-hq processes keep every check
// under SIGKILL, SIGSTOP and a cut link; and the checks do fail on what the acknowledged
// operations do not explain, allowing for unknown ones exactly.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include <catch2/catch.hpp>

#include "ledger.h"
#include "process_checks.h"
#include "process_faults.h"
#include "process_report.h"
#include "process_run.h"
#include "temp_dir.h"
#include "ticket_code.h"

namespace kura::sim {
namespace {

using nlohmann::json;

// Two stores for 6 s, with one of every fault but a frozen HQ and a replaced disk.
ProcessOptions Brief() {
  return ProcessOptions{.seed = 1,
                        .stores = 2,
                        .skus = 10,
                        .seconds = 6,
                        .store_kills = 1,
                        .hq_kills = 1,
                        .store_stops = 1,
                        .hq_stops = 0,
                        .link_cuts = 1,
                        .store_wipes = 0,
                        .converge_timeout_s = 30,
                        .store_bin = KURA_STORE_BIN,
                        .hq_bin = KURA_HQ_BIN,
                        .data_dir = "",
                        .rerun_options = "",
                        .keep = false,
                        .progress = false,
                        .corrupt_expectation = false};
}

int64_t Acknowledged(const ProcessResult& r) {
  int64_t n = 0;
  for (const auto& [kind, c] : r.ops) n += c.acked;
  return n;
}

TEST_CASE("real daemons under SIGKILL, SIGSTOP and a cut link keep every check",
          "[sim][processes]") {
  ProcessOptions o = Brief();
  ProcessResult r = RunProcesses(o, {});
  INFO(FormatProcessRun(o, r));
  REQUIRE(r.error.empty());
  REQUIRE(r.ok);
  CHECK(r.faults["SIGKILL store"].injected == 1);
  CHECK(r.faults["SIGKILL hq"].injected == 1);
  CHECK(r.faults["SIGSTOP store"].injected == 1);
  CHECK(r.faults["link cut"].injected == 1);
  for (const auto& [kind, c] : r.faults) CHECK(c.asked == c.planned);  // the run's counts, none left out
  CHECK(r.acked_while_cut > 0);  // the cut store kept selling
  CHECK(r.converge_s >= 0);
  CHECK(r.checks.checks.size() == 6);
  CHECK(Acknowledged(r) > 50);
  CHECK(r.ops["hq.order.place"].acked > 0);
  // The opening stock, one delivery per SKU per store, is counted apart from the workload.
  CHECK(r.opening_deliveries == o.stores * o.skus);
  CHECK(FormatProcessRun(o, r).find("before the workload: 20 opening deliveries acknowledged") != std::string::npos);
  CHECK(ProcessRunJson(o, r)["opening_deliveries"] == o.stores * o.skus);
  CHECK(ProcessRunJson(o, r)["seconds"] == o.seconds);  // asked, beside workload_s (what ran)
}

// The seqs of the store's own lane it had back from HQ at each start, from its log.
std::vector<int64_t> RestoredSeqs(const std::string& log_path) {
  std::ifstream in(log_path);
  std::vector<int64_t> out;
  const std::string mark = "event=restored_from_hq seq=";
  for (std::string line; std::getline(in, line);) {
    if (auto at = line.find(mark); at != std::string::npos) out.push_back(std::stoll(line.substr(at + mark.size())));
  }
  return out;
}

TEST_CASE("a store whose disk is replaced gets back from HQ all it acknowledged, and every check holds",
          "[sim][processes]") {
  kura::test::TempDir parent;
  ProcessOptions o = Brief();
  o.stores = 1;
  o.store_kills = o.hq_kills = o.store_stops = 0;
  o.store_wipes = 2;
  o.keep = true;
  o.data_dir = parent.path();
  ProcessResult r = RunProcesses(o, {});
  INFO(FormatProcessRun(o, r));
  REQUIRE(r.error.empty());
  REQUIRE(r.ok);
  CHECK(r.disks_replaced == 2);
  CHECK(ProcessRunJson(o, r)["disks"]["replaced"] == 2);
  CHECK(FormatProcessRun(o, r).find("disks replaced: 2") != std::string::npos);
  // The second came back without the store's key: HQ took its new one by reloading its list.
  CHECK(r.disks_rekeyed == 1);
  CHECK(ProcessRunJson(o, r)["disks"]["rekeyed"] == 1);
  std::ifstream hq_log(r.work_dir + "/kura-hq.log");
  std::string hq_text((std::istreambuf_iterator<char>(hq_log)), std::istreambuf_iterator<char>());
  CHECK(hq_text.find("event=reloaded stores=1 added=- removed=- rekeyed=store-000") != std::string::npos);
  // Its first start restored nothing (a new chain); each start on an empty disk restored the
  // store's own writes, the opening stock at least, the last under its new key.
  std::vector<int64_t> seqs = RestoredSeqs(r.work_dir + "/store-000.log");
  REQUIRE(seqs.size() == 3);
  CHECK(seqs[0] == 0);
  CHECK(seqs[1] >= o.skus);
  CHECK(seqs[2] >= seqs[1]);
}

TEST_CASE("a short run injects every fault it planned, and says so when it could not",
          "[sim][processes]") {
  // Seven faults in 3 s: the restarts carry the clock past the end, and the faults
  // planned before it are still owed.
  ProcessOptions o = Brief();
  o.seconds = 3;
  o.store_kills = 2;
  o.hq_stops = 1;
  o.link_cuts = 2;
  // Every fault of this seed's plan is planned to end within the 3 s, so each is owed its
  // full length (one planned to end past the end would be cut short by design).
  for (const Fault& f : PlanFaults(o, 3000)) REQUIRE(f.at_ms + f.length_ms <= 3000);
  ProcessResult r = RunProcesses(o, {});
  INFO(FormatProcessRun(o, r));
  REQUIRE(r.error.empty());
  REQUIRE(r.ok);
  for (const auto& [kind, c] : r.faults) {
    INFO(kind);
    CHECK(c.injected == c.planned);
    // A fault injected late (a restart held the harness up) still runs its full length.
    CHECK(c.held_s >= c.planned_s - 1e-6);
  }
  CHECK(FormatProcessRun(o, r).find("not injected") == std::string::npos);
  CHECK(r.faults["link cut"].shrunk == 2);  // 3-12 s each as drawn: none fits in 3 s
  CHECK(FormatProcessRun(o, r).find("shrunk to fit a run this short") != std::string::npos);

  --r.faults["link cut"].injected;
  CHECK(FormatProcessRun(o, r).find("1 planned fault was not injected: the workload ended before its time") !=
        std::string::npos);
}

TEST_CASE("a run whose expectation is corrupted fails the on-hand check", "[sim][processes]") {
  ProcessOptions o = Brief();
  o.seconds = 2;
  o.faults = false;
  o.corrupt_expectation = true;
  o.ops = 5;
  ProcessResult r = RunProcesses(o, {});
  INFO(FormatProcessRun(o, r));
  REQUIRE(r.error.empty());
  REQUIRE_FALSE(r.ok);
  CHECK(r.violation.find("on-hand") != std::string::npos);
  CHECK(FormatProcessViolation(o, r).find("seed 1") != std::string::npos);
  // --ops bounds the workload's turns, each sending at most two requests; the opening
  // stock (20 deliveries here) is counted apart.
  int64_t sent = 0;
  for (const auto& [kind, c] : r.ops) sent += c.acked + c.refused + c.unknown;
  CHECK(sent <= 2 * o.ops);
  CHECK(r.opening_deliveries == o.stores * o.skus);
}

// Whether a process's command line mentions `text` (its data directory, say).
bool AnyProcessMentions(const std::string& text) {
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::ifstream in(entry.path() / "cmdline", std::ios::binary);
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (cmdline.find(text) != std::string::npos) return true;
  }
  return false;
}

TEST_CASE("Ctrl-C stops the daemons and removes the run's directory", "[sim][processes]") {
  kura::test::TempDir parent;
  ProcessOptions o = Brief();
  o.seconds = 60;
  o.faults = false;
  o.data_dir = parent.path();
  std::atomic<bool> running{false};
  ProcessResult r;
  std::thread run([&] {
    r = RunProcesses(o, [&](const std::string& line) {
      if (line.find("workload running") != std::string::npos) running = true;
    });
  });
  // No sleep as synchronisation: wait for the run to say its workload is running.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!running && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  REQUIRE(running);
  REQUIRE(AnyProcessMentions(parent.path()));
  // As `timeout` stops a run: SIGINT to kura-sim, then to its process group. The run's
  // handler takes both as one stop: the test process lives on.
  kill(getpid(), SIGINT);
  kill(getpid(), SIGINT);
  run.join();
  CHECK(r.interrupted);
  CHECK(r.error.find("interrupted") != std::string::npos);
  CHECK(r.error.find("daemon logs") == std::string::npos);  // asked for: nothing to debug
  CHECK(FormatProcessRun(o, r).find("STOPPED (no verdict)") != std::string::npos);
  CHECK(ProcessRunJson(o, r)["stopped"] == "interrupted");  // as a sweep says it
  CHECK(r.workload_s > 0);  // what ran before the interrupt, not nothing
  CHECK(r.workload_s < 60);
  CHECK(std::filesystem::is_empty(parent.path()));
  CHECK_FALSE(AnyProcessMentions(parent.path()));
}

// One store, one SKU: the ledger saw a delivery of 5 acknowledged; the daemons say `row`.
struct Fabricated {
  ChainSnapshot snapshot;
  Ledger ledger{1};
  std::vector<OpRecord> records;

  explicit Fabricated(StockRow row) {
    snapshot.store_ids = {"store-000"};
    snapshot.stores.resize(1);
    StoreSnapshot& store = snapshot.stores[0];
    store.read = true;
    store.stock["SKU-00000"] = row;
    store.sync = {{"journal_head_seq", 0}, {"journal_acked_seq", 0}};
    store.check = {{"ok", true}};
    snapshot.hq.read = true;
    snapshot.hq.stock["SKU-00000"]["store-000"] = row;
    snapshot.hq.totals["SKU-00000"] = row;
    json args = {{"sku", "SKU-00000"}, {"qty", 5}};
    Add("stock.receive", "open", args, OpOutcome::kAcked);
    ledger.Apply(0, "stock.receive", args, json::object());
  }

  void Add(const std::string& op, const std::string& rid, const json& args, OpOutcome outcome) {
    records.push_back(OpRecord{0, false, op, rid, args, outcome, nullptr, ""});
  }

  void SetOnHand(int64_t on_hand) {
    snapshot.stores[0].stock["SKU-00000"].on_hand = on_hand;
    snapshot.hq.stock["SKU-00000"]["store-000"].on_hand = on_hand;
    snapshot.hq.totals["SKU-00000"].on_hand = on_hand;
  }

  // What the till request `rid` asks for: a phone hold of one unit (customer "c-" + rid).
  static json PhoneHold(const std::string& rid) {
    return {{"kind", "phone"}, {"customer", "c-" + rid}, {"lines", json::array({{{"sku", "SKU-00000"}, {"qty", 1}}})}};
  }

  // A hold at the store for the till request `rid`, as PhoneHold asks: a day long.
  void AddStoreHold(const std::string& id, const std::string& rid) {
    snapshot.stores[0].holds[id] = {{"id", id},
                                    {"store", "store-000"},
                                    {"state", "held"},
                                    {"kind", "phone"},
                                    {"customer", "c-" + rid},
                                    {"lines", json::array({{{"sku", "SKU-00000"}, {"qty", 1}}})},
                                    {"created_ms", 1'000},
                                    {"expires_ms", 1'000 + 86'400'000}};
  }

  CheckResult Check(const std::string& prefix, bool corrupt = false) const {
    for (const CheckResult& c : RunChecks(snapshot, ledger, records, corrupt).checks) {
      if (c.name.rfind(prefix, 0) == 0) return c;
    }
    FAIL("no check named " << prefix);
    return {};
  }
};

TEST_CASE("the multi-process checks judge a fabricated chain", "[sim][processes]") {
  Fabricated f(StockRow{5, 0});
  REQUIRE(RunChecks(f.snapshot, f.ledger, f.records, false).ok());

  SECTION("a unit the acknowledged operations do not explain") {
    f.SetOnHand(6);
    CheckResult c = f.Check("on-hand");
    CHECK_FALSE(c.ok);
    CHECK(c.detail == "store-000 SKU-00000: on-hand 6, acknowledged operations say 5");
  }
  SECTION("the test-only corruption of one expectation") {
    CHECK_FALSE(f.Check("on-hand", true).ok);
  }
  SECTION("an unknown delivery may or may not have happened, and nothing more") {
    f.Add("stock.receive", "t0-1", {{"sku", "SKU-00000"}, {"qty", 3}}, OpOutcome::kUnknown);
    f.SetOnHand(8);
    CHECK(f.Check("on-hand").ok);
    f.SetOnHand(5);
    CHECK(f.Check("on-hand").ok);
    f.SetOnHand(6);
    CHECK_FALSE(f.Check("on-hand").ok);
  }
  SECTION("an unknown sale happened exactly when its receipt is journaled") {
    json line = {{"sku", "SKU-00000"}, {"qty", 1}, {"price_cents", 1990}};
    f.Add("stock.sell", "t0-2", {{"lines", json::array({line})}, {"customer", "c-t0-2"}},
          OpOutcome::kUnknown);
    f.SetOnHand(4);
    CHECK_FALSE(f.Check("on-hand").ok);  // sold, but no receipt
    f.snapshot.stores[0].receipts.push_back({{"origin", "store-000"},
                                             {"seq", 1},
                                             {"kind", "sale"},
                                             {"customer", "c-t0-2"},
                                             {"lines", json::array({line})}});
    f.snapshot.stores[0].sync = {{"journal_head_seq", 1}, {"journal_acked_seq", 1}};
    CHECK(f.Check("on-hand").ok);
    CHECK(f.Check("receipts").ok);
    f.SetOnHand(5);
    CHECK_FALSE(f.Check("on-hand").ok);  // a receipt, but the unit never left
  }
  SECTION("on hand below zero oversells nothing while nothing is held, and a held unit then is oversold") {
    // A till sold past the shelf's count (a sale sent again and applied after later sales),
    // which the store allows while nothing is promised.
    f.SetOnHand(-1);
    CHECK(f.Check("no oversold promise").ok);
    f.snapshot.stores[0].stock["SKU-00000"].held = 1;
    CheckResult c = f.Check("no oversold promise");
    CHECK_FALSE(c.ok);
    CHECK(c.detail == "store-000 SKU-00000: 1 held > -1 on hand + 0 overridden");
  }
  SECTION("HQ's view of the store differs from the store's") {
    f.snapshot.hq.stock["SKU-00000"]["store-000"].held = 1;
    CHECK_FALSE(f.Check("HQ's hq.stock").ok);
  }
  SECTION("HQ's total differs from the sum of the stores' own views") {
    f.snapshot.hq.totals["SKU-00000"].on_hand = 6;
    CheckResult c = f.Check("HQ's hq.stock");
    CHECK_FALSE(c.ok);
    CHECK(c.detail == "hq.stock SKU-00000 total on_hand/held 6/0, the stores' own views sum to 5/0");
  }
  SECTION("a till's hold request makes its acknowledged hold alone, none when refused, one at most when unknown") {
    OpRecord acked{0, false, "hold.create", "t0-3", Fabricated::PhoneHold("t0-3"), OpOutcome::kAcked,
                   {{"id", "store-000.1"}}, ""};
    f.records.push_back(acked);
    f.AddStoreHold("store-000.1", "t0-3");
    (void)f.ledger.Apply(0, "hold.create", acked.args, f.snapshot.stores[0].holds["store-000.1"]);
    CHECK(f.Check("no acknowledged hold").ok);
    f.AddStoreHold("store-000.2", "t0-3");
    CHECK(f.Check("no acknowledged hold").detail ==
          "hold store-000.2 at store-000, a second hold for till request t0-3 (acknowledged as store-000.1)");
    f.snapshot.stores[0].holds.erase("store-000.2");

    f.Add("hold.create", "t0-4", Fabricated::PhoneHold("t0-4"), OpOutcome::kRefused);
    f.AddStoreHold("store-000.3", "t0-4");
    CHECK_FALSE(f.Check("no acknowledged hold").ok);
    f.snapshot.stores[0].holds.erase("store-000.3");

    f.Add("hold.create", "t0-5", Fabricated::PhoneHold("t0-5"), OpOutcome::kUnknown);
    f.AddStoreHold("store-000.4", "t0-5");
    CHECK(f.Check("no acknowledged hold").ok);
    f.AddStoreHold("store-000.5", "t0-5");
    CHECK_FALSE(f.Check("no acknowledged hold").ok);
    f.snapshot.stores[0].holds.erase("store-000.5");
    // The hold an unknown request made, which no reply showed, lasts as asked too.
    f.snapshot.stores[0].holds["store-000.4"]["expires_ms"] = 1'000 + 3'600'000;
    CHECK(f.Check("no acknowledged hold").detail ==
          "hold store-000.4 at store-000, for request t0-5: hold.create asked for a hold of 86400 s and made hold "
          "store-000.4 expiring 3600000 ms after it was made");
  }
  SECTION("a store that did not answer is left to the convergence check, not read") {
    f.snapshot.stores[0] = StoreSnapshot{};
    f.snapshot.hq.sync = {{"stores", json::array()}};
    CHECK_NOTHROW(RunChecks(f.snapshot, f.ledger, f.records, false));
    CHECK_NOTHROW(ConvergenceProblems(f.snapshot));
    CHECK(ConvergenceProblems(f.snapshot).front() == "store-000 did not answer every read");
  }
  SECTION("a store HQ's sync status does not list is not connected") {
    f.snapshot.stores[0].sync["link"] = "up";
    f.snapshot.hq.sync = {{"stores", json::array()}};
    std::vector<std::string> problems;
    REQUIRE_NOTHROW(problems = ConvergenceProblems(f.snapshot));
    CHECK(problems == std::vector<std::string>{"hq: store-000 not connected"});
  }
  SECTION("more held than on hand without an override") {
    f.snapshot.stores[0].stock["SKU-00000"].held = 6;
    CheckResult c = f.Check("no oversold");
    CHECK_FALSE(c.ok);
    CHECK(c.detail == "store-000 SKU-00000: 6 held > 5 on hand + 0 overridden");
  }
  SECTION("an override sale acknowledged only when sent again may have emptied the shelf, and no more") {
    json line = {{"sku", "SKU-00000"}, {"qty", 2}, {"price_cents", 1990}};
    f.Add("stock.sell", "t0-2", {{"lines", json::array({line})}, {"customer", "c-t0-2"}, {"override", 1}},
          OpOutcome::kAcked);
    f.records.back().result = {{"receipt", {{"seq", 1}}}};
    f.snapshot.stores[0].receipts.push_back(
        {{"origin", "store-000"}, {"seq", 1}, {"kind", "sale"}, {"customer", "c-t0-2"}, {"lines", json::array({line})}});
    f.snapshot.stores[0].stock["SKU-00000"] = StockRow{-1, 1};  // applied after later sales took the rest
    CHECK_FALSE(f.Check("no oversold").ok);
    f.records.back().resent = true;
    CHECK(f.Check("no oversold").ok);
    f.snapshot.stores[0].stock["SKU-00000"].held = 2;
    CHECK_FALSE(f.Check("no oversold").ok);
    // A store refuses a sale without override that would eat promised units, whenever it
    // runs it: such a sale explains no shortfall.
    f.snapshot.stores[0].stock["SKU-00000"].held = 1;
    f.records.back().args.erase("override");
    CHECK_FALSE(f.Check("no oversold").ok);
  }
  SECTION("a sale's receipt carries the kind, lines and prices its request asked, and an override only if given") {
    json line = {{"sku", "SKU-00000"}, {"qty", 1}, {"price_cents", 1990}};
    f.Add("stock.sell", "t0-2", {{"lines", json::array({line})}, {"customer", "c-t0-2"}}, OpOutcome::kAcked);
    f.records.back().result = {{"receipt", {{"seq", 1}}}};
    json receipt = {{"origin", "store-000"}, {"seq", 1}, {"kind", "sale"}, {"customer", "c-t0-2"},
                    {"lines", json::array({line})}};
    f.snapshot.stores[0].sync = {{"journal_head_seq", 1}, {"journal_acked_seq", 1}};
    auto journaled = [&](const json& r) {
      f.snapshot.stores[0].receipts = {r};
      return f.Check("receipts");
    };
    REQUIRE(journaled(receipt).ok);
    json cheaper = receipt;
    cheaper["lines"][0]["price_cents"] = 995;
    CheckResult c = journaled(cheaper);
    CHECK_FALSE(c.ok);
    CHECK(c.detail ==
          R"(store-000: receipt seq 1 of stock.sell t0-2: lines [{"price_cents":995,"qty":1,"sku":"SKU-00000"}], )"
          R"(asked [{"price_cents":1990,"qty":1,"sku":"SKU-00000"}])");
    json more = receipt;
    more["lines"][0]["qty"] = 2;
    CHECK_FALSE(journaled(more).ok);
    json other_kind = receipt;
    other_kind["kind"] = "return";
    CHECK(journaled(other_kind).detail == "store-000: receipt seq 1 of stock.sell t0-2: kind return, asked sale");
    json overridden = receipt;
    overridden["override"] = true;
    CHECK(journaled(overridden).detail == "store-000: receipt seq 1 of stock.sell t0-2: an override nobody gave");
    json elsewhere = receipt;
    elsewhere["origin"] = "store-001";
    CHECK(journaled(elsewhere).detail == "store-000: receipt seq 1 of stock.sell t0-2: origin store-001");
    // Staff's override: the receipt says so exactly when the reply shows promised units taken.
    f.records.back().args["override"] = 1;
    CHECK(journaled(receipt).ok);  // asked, but it took no promised units
    CHECK(journaled(overridden).detail ==
          "store-000: receipt seq 1 of stock.sell t0-2: an override flag, but its reply shows no promised units taken");
    f.records.back().result["stock"] = json::array(
        {{{"sku", "SKU-00000"}, {"on_hand", 0}, {"held", 1}, {"promised_online", 0}, {"atp", -1}}});
    CHECK(journaled(overridden).ok);
    CHECK(journaled(receipt).detail ==
          "store-000: receipt seq 1 of stock.sell t0-2: no override flag, but its reply shows promised units taken");
    f.records.back().outcome = OpOutcome::kRefused;
    f.records.back().refusal = "needs_override";
    CHECK(journaled(overridden).detail ==
          "store-000: receipt seq 1 of stock.sell t0-2: its request was refused (needs_override)");
  }
  SECTION("a return's receipt carries the returned units negative, at the price asked") {
    f.Add("stock.return", "t0-6", {{"sku", "SKU-00000"}, {"qty", 1}, {"price_cents", 1990}, {"customer", "c-t0-6"}},
          OpOutcome::kAcked);
    f.records.back().result = {{"receipt", {{"seq", 1}}}};
    json receipt = {{"origin", "store-000"}, {"seq", 1}, {"kind", "return"}, {"customer", "c-t0-6"},
                    {"lines", json::array({{{"sku", "SKU-00000"}, {"qty", -1}, {"price_cents", 1990}}})}};
    f.snapshot.stores[0].sync = {{"journal_head_seq", 1}, {"journal_acked_seq", 1}};
    f.snapshot.stores[0].receipts = {receipt};
    CHECK(f.Check("receipts").ok);
    f.snapshot.stores[0].receipts[0]["lines"][0]["qty"] = 1;
    CHECK_FALSE(f.Check("receipts").ok);
  }
  SECTION("a collection's receipt carries its hold's lines, as acknowledged, and its customer") {
    f.AddStoreHold("store-000.1", "t0-3");
    (void)f.ledger.Apply(0, "hold.create", Fabricated::PhoneHold("t0-3"),
                         f.snapshot.stores[0].holds["store-000.1"]);
    f.snapshot.stores[0].holds["store-000.1"]["state"] = "collected";
    f.Add("hold.collect", "t0-7", {{"id", "store-000.1"}}, OpOutcome::kAcked);
    f.snapshot.stores[0].sync = {{"journal_head_seq", 1}, {"journal_acked_seq", 1}};
    f.snapshot.stores[0].receipts = {{{"origin", "store-000"},
                                      {"seq", 1},
                                      {"kind", "collection"},
                                      {"customer", "c-t0-3"},
                                      {"hold_id", "store-000.1"},
                                      {"lines", json::array({{{"sku", "SKU-00000"}, {"qty", 1}, {"price_cents", 0}}})}}};
    REQUIRE(f.Check("receipts").ok);
    json& receipt = f.snapshot.stores[0].receipts[0];
    receipt["customer"] = "c-t0-4";
    CHECK(f.Check("receipts").detail ==
          "store-000: receipt seq 1 collecting store-000.1: customer c-t0-4, the hold's c-t0-3");
    receipt["customer"] = "c-t0-3";
    receipt["lines"][0]["qty"] = 2;
    CHECK_FALSE(f.Check("receipts").ok);
    receipt["lines"][0]["qty"] = 1;
    receipt["override"] = true;
    CHECK(f.Check("receipts").detail == "store-000: receipt seq 1 collecting store-000.1: an override flag on a collection");
    receipt.erase("override");
    // A store whose hold no longer holds what was acknowledged, or as long.
    REQUIRE(f.Check("no acknowledged hold").ok);
    json& hold = f.snapshot.stores[0].holds["store-000.1"];
    hold["lines"][0]["qty"] = 2;
    CHECK(f.Check("no acknowledged hold").detail ==
          "hold store-000.1 holds 2 SKU-00000 until 86401000, acknowledged as 1 SKU-00000 until 86401000, at store-000");
    hold["lines"][0]["qty"] = 1;
    REQUIRE(f.Check("no acknowledged hold").ok);
    hold["expires_ms"] = 86'400'000;
    CHECK(f.Check("no acknowledged hold").detail ==
          "hold store-000.1 holds 1 SKU-00000 until 86400000, acknowledged as 1 SKU-00000 until 86401000, at store-000");
  }
  SECTION("a ticket redeemed before its hold arrived journals no customer; one redeemed after, the hold's") {
    f.AddStoreHold("store-000.1", "t0-3");
    (void)f.ledger.Apply(0, "hold.create", Fabricated::PhoneHold("t0-3"),
                         f.snapshot.stores[0].holds["store-000.1"]);
    f.snapshot.stores[0].holds["store-000.1"]["state"] = "collected";
    f.Add("ticket.redeem", "t0-7", {{"code", TicketCodeFor("store-000.1", "store-000")}}, OpOutcome::kAcked);
    f.records.back().result = {{"hold_arrived", false}};
    f.snapshot.stores[0].sync = {{"journal_head_seq", 1}, {"journal_acked_seq", 1}};
    f.snapshot.stores[0].receipts = {{{"origin", "store-000"},
                                      {"seq", 1},
                                      {"kind", "collection"},
                                      {"hold_id", "store-000.1"},
                                      {"lines", json::array({{{"sku", "SKU-00000"}, {"qty", 1}, {"price_cents", 0}}})}}};
    CHECK(f.Check("receipts").ok);
    CHECK(f.Check("no acknowledged hold").ok);  // collected, as its ticket asked
    f.records.back().result["hold_arrived"] = true;
    CHECK(f.Check("receipts").detail == "store-000: receipt seq 1 collecting store-000.1: customer , the hold's c-t0-3");
  }
  SECTION("a hold expired before its expiry") {
    f.AddStoreHold("store-000.1", "t0-3");
    (void)f.ledger.Apply(0, "hold.create", Fabricated::PhoneHold("t0-3"),
                         f.snapshot.stores[0].holds["store-000.1"]);
    json& hold = f.snapshot.stores[0].holds["store-000.1"];
    hold["state"] = "expired";
    hold["state_since_ms"] = 86'401'000;  // at its expiry, as acknowledged
    CHECK(f.Check("no acknowledged hold").ok);
    hold["state_since_ms"] = 86'400'000;
    CHECK(f.Check("no acknowledged hold").detail == "hold store-000.1 at store-000 expired 1000 ms before its expiry");
  }
  SECTION("a receipt HQ has not acknowledged") {
    f.snapshot.stores[0].sync = {{"journal_head_seq", 1}, {"journal_acked_seq", 0}};
    CHECK_FALSE(f.Check("receipts").ok);
  }
  SECTION("an acknowledged hold missing at its store") {
    json hold = {{"id", "store-000.1"},
                 {"store", "store-000"},
                 {"state", "held"},
                 {"lines", json::array({{{"sku", "SKU-00000"}, {"qty", 1}}})}};
    f.ledger.Apply(0, "hold.create", {{"kind", "phone"}}, hold);
    CHECK_FALSE(f.Check("no acknowledged hold").ok);
    f.snapshot.stores[0].holds["store-000.1"] = hold;
    CHECK(f.Check("no acknowledged hold").ok);
    f.snapshot.stores[0].holds["store-000.1"]["state"] = "collected";  // nobody asked to collect it
    CHECK_FALSE(f.Check("no acknowledged hold").ok);
  }
}

TEST_CASE("the process ledger: io_error and busy leave a request unknown; a reply's illegal move or another "
          "store's hold for an order is a violation",
          "[sim][processes]") {
  ProcessLedger ledger({"store-000", "store-001"});
  json line = {{"sku", "SKU-00000"}, {"qty", 1}};
  std::size_t sale = ledger.Begin(0, false, "stock.sell", "t0-1", {{"lines", json::array({line})}, {"override", 1}});
  ledger.Refuse(sale, Status::IOError("write failed"));
  CHECK(ledger.records()[sale].outcome == OpOutcome::kUnknown);
  CHECK(ledger.OverrideBound(0, "SKU-00000") == 1);  // it may have sold into promised units
  std::size_t plain = ledger.Begin(0, false, "stock.sell", "t0-7", {{"lines", json::array({line})}});
  ledger.Refuse(plain, Status::IOError("write failed"));
  CHECK(ledger.OverrideBound(0, "SKU-00000") == 1);  // without override it took none of them
  std::size_t busy = ledger.Begin(0, false, "hold.cancel", "t0-2", {{"id", "store-000.1"}});
  ledger.Refuse(busy, Status::Busy("try again"));
  CHECK(ledger.records()[busy].outcome == OpOutcome::kUnknown);
  std::size_t refused = ledger.Begin(0, false, "hold.cancel", "t0-3", {{"id", "store-000.1"}});
  ledger.Refuse(refused, Status::NotFound("no such hold"));
  CHECK(ledger.records()[refused].outcome == OpOutcome::kRefused);
  CHECK(ledger.violation().empty());

  std::size_t create = ledger.Begin(0, false, "hold.create", "t0-4", {{"kind", "phone"}, {"lines", json::array({line})}});
  int64_t made = WallMillis();  // as a daemon on this machine stamps a hold made now
  json hold = {{"id", "store-000.1"}, {"store", "store-000"}, {"state", "held"}, {"kind", "phone"}, {"lines", json::array({line})},
                 {"created_ms", made}, {"expires_ms", made + 86'400'000}};  // a phone hold's day
  ledger.Ack(create, hold);
  hold["state"] = "collected";
  ledger.Ack(ledger.Begin(0, false, "hold.collect", "t0-5", {{"id", "store-000.1"}}), hold);
  CHECK(ledger.violation().empty());
  // A hold of other lines than asked for is a violation too (the ledger takes a hold's lines from the reply).
  ProcessLedger lines({"store-000"});
  lines.Ack(lines.Begin(0, false, "hold.create", "t0-9", {{"kind", "phone"}, {"lines", json::array()}}), hold);
  CHECK_THAT(lines.violation(), Catch::Contains("hold.create asked for [] and made hold store-000.1"));
  hold["state"] = "ready";  // backwards
  ledger.Ack(ledger.Begin(0, false, "hold.ready", "t0-6", {{"id", "store-000.1"}}), hold);
  CHECK(ledger.violation() == "hold.ready answered hold store-000.1 ready, after it was seen collected");

  ProcessLedger orders({"store-000", "store-001"});
  json elsewhere = {{"id", "store-001.1"}, {"store", "store-001"}, {"state", "held"}, {"lines", json::array({line})}};
  orders.Ack(orders.Begin(0, true, "hq.order.place", "o-1", {{"store", "store-000"}, {"lines", json::array({line})}}), elsewhere);
  CHECK(orders.violation() == "order o-1 for store-000 answered with a hold at store-001");
}

TEST_CASE("the process ledger: an unknown request sent again is resolved by the answer, which may be stale",
          "[sim][processes]") {
  ProcessLedger ledger({"store-000"});
  json line = {{"sku", "SKU-00000"}, {"qty", 1}};
  ledger.Ack(ledger.Begin(0, false, "stock.receive", "t0-1", {{"sku", "SKU-00000"}, {"qty", 5}}), json::object());
  json sale_args = {{"lines", json::array({line})}, {"customer", "c-t0-2"}, {"override", 1}};
  std::size_t sale = ledger.Begin(0, false, "stock.sell", "t0-2", sale_args);
  ledger.Lose(sale);
  CHECK(ledger.OverrideBound(0, "SKU-00000") == 1);
  CHECK(ledger.Unknown() == std::vector<std::size_t>{sale});

  SECTION("no answer again: still unknown, counted once") {
    ledger.Repeat(sale, std::nullopt);
    ledger.Repeat(sale, Result<json>(Status::IOError("write failed")));
    CHECK(ledger.records()[sale].outcome == OpOutcome::kUnknown);
    CHECK(ledger.Counts()["stock.sell override"].unknown == 1);
    CHECK(ledger.Counts()["stock.sell override"].resent == 1);
    CHECK(ledger.OnHand(0, "SKU-00000") == 5);
  }
  SECTION("an ok answer applies the sale once and ends its uncertainty") {
    json view = {{"sku", "SKU-00000"}, {"on_hand", 4}, {"held", 0}, {"promised_online", 0}};
    ledger.Repeat(sale, Result<json>(json{{"receipt", {{"seq", 1}}}, {"stock", json::array({view})}}));
    CHECK(ledger.records()[sale].outcome == OpOutcome::kAcked);
    CHECK(ledger.records()[sale].resent);
    CHECK(ledger.Counts()["stock.sell override"].acked == 1);
    CHECK(ledger.Counts()["stock.sell override"].unknown == 0);
    CHECK(ledger.Counts()["stock.sell override"].resent == 1);
    CHECK(ledger.OnHand(0, "SKU-00000") == 4);
    CHECK(ledger.OverrideBound(0, "SKU-00000") == 0);
    CHECK(ledger.Unknown().empty());
  }
  SECTION("a refusal: no effect") {
    ledger.Repeat(sale, Result<json>(Status::NeedsOverride("promised units")));
    CHECK(ledger.records()[sale].outcome == OpOutcome::kRefused);
    CHECK(ledger.Counts()["stock.sell override"].refusals["needs_override"] == 1);
    CHECK(ledger.OnHand(0, "SKU-00000") == 5);
    CHECK(ledger.OverrideBound(0, "SKU-00000") == 0);
  }
  SECTION("a stored answer showing a hold as a later move left it is no violation") {
    std::size_t create = ledger.Begin(0, false, "hold.create", "t0-3", {{"kind", "phone"}, {"lines", json::array({line})}});
    int64_t made = WallMillis();  // as a daemon on this machine stamps a hold made now
    json hold = {{"id", "store-000.1"}, {"store", "store-000"}, {"state", "held"}, {"kind", "phone"}, {"lines", json::array({line})},
                 {"created_ms", made}, {"expires_ms", made + 86'400'000}};  // a phone hold's day
    ledger.Ack(create, hold);
    std::size_t ready = ledger.Begin(0, false, "hold.ready", "t0-4", {{"id", "store-000.1"}});
    ledger.Lose(ready);
    hold["state"] = "collected";
    ledger.Ack(ledger.Begin(0, false, "hold.collect", "t0-5", {{"id", "store-000.1"}}), hold);
    hold["state"] = "ready";  // as it was when the lost hold.ready ran
    ledger.Repeat(ready, Result<json>(hold));
    CHECK(ledger.records()[ready].outcome == OpOutcome::kAcked);
    CHECK(ledger.violation().empty());
    CHECK(ledger.ledger().holds().at("store-000.1").state == HoldState::kCollected);
  }
  SECTION("a stored answer that is no legal move from the hold's state when first sent is a violation") {
    std::size_t create = ledger.Begin(0, false, "hold.create", "t0-3", {{"kind", "phone"}, {"lines", json::array({line})}});
    int64_t made = WallMillis();  // as a daemon on this machine stamps a hold made now
    json hold = {{"id", "store-000.1"}, {"store", "store-000"}, {"state", "collected"}, {"kind", "phone"}, {"lines", json::array({line})},
                 {"created_ms", made}, {"expires_ms", made + 86'400'000}};  // a phone hold's day
    ledger.Ack(create, hold);
    std::size_t cancel = ledger.Begin(0, false, "hold.cancel", "t0-4", {{"id", "store-000.1"}});
    ledger.Lose(cancel);
    hold["state"] = "cancelled";  // a store that cancelled a collected hold
    ledger.Repeat(cancel, Result<json>(hold));
    CHECK(ledger.violation() == "hold.cancel sent again answered hold store-000.1 cancelled, but it was collected when first sent");
  }
}

TEST_CASE("the process ledger: a hold stamped outside its request's time is a violation", "[sim][processes]") {
  ProcessLedger ledger({"store-000"});
  json line = {{"sku", "SKU-00000"}, {"qty", 1}};
  std::size_t create = ledger.Begin(0, false, "hold.create", "t0-1", {{"kind", "phone"}, {"lines", json::array({line})}});
  // Lasting the day asked from its stamp, an hour before the request was sent: it would
  // expire an hour early against when the customer asked.
  int64_t made = WallMillis() - 3'600'000;
  json hold = {{"id", "store-000.1"}, {"store", "store-000"}, {"state", "held"}, {"kind", "phone"},
               {"lines", json::array({line})}, {"created_ms", made}, {"expires_ms", made + 86'400'000}};
  ledger.Ack(create, hold);
  CHECK(ledger.violation().find("t0-1: hold store-000.1 created_ms " + std::to_string(made) +
                                ", outside its request's time") == 0);
}

// A kura-store that SIGKILLs itself, as a crash of kura's own would end it, once the run
// is under way: after its log (its stderr, which the harness points at a file) shows its
// first allotment grant, which needs the chain's setup and the opening stock done.
std::string SelfKillingStore(const test::TempDir& dir) {
  std::string path = dir.Sub("self-killing-store.sh");
  std::ofstream(path) << "#!/bin/sh\n"
                         "log=$(readlink /proc/$$/fd/2)\n"
                         "( until grep -q allotment_granted \"$log\" 2>/dev/null; do sleep 0.2; done; kill -9 $$ ) &\n"
                         "exec '" << KURA_STORE_BIN << "' \"$@\"\n";
  std::filesystem::permissions(path, std::filesystem::perms::owner_all);
  return path;
}

TEST_CASE("a daemon that exits without being killed is a violation that stops the run", "[sim][processes]") {
  test::TempDir dir;
  ProcessOptions o = Brief();
  o.stores = 1;
  o.seconds = 60;  // stopped at the violation, long before
  o.faults = false;
  o.store_bin = SelfKillingStore(dir);
  ProcessResult r = RunProcesses(o, {});
  INFO(FormatProcessRun(o, r));
  REQUIRE(r.error.empty());
  CHECK_FALSE(r.ok);
  CHECK(r.violation == "store-000 killed by signal 9, not stopped by kura-sim");
  CHECK(r.stopped_at_violation);
  CHECK(r.workload_s < 30);
  CHECK(r.checks.checks.empty());  // no final heal or checks after it
  CHECK(FormatProcessRun(o, r).find("stopped at the violation") != std::string::npos);
  CHECK(ProcessRunJson(o, r)["stopped_at_violation"] == true);
}

TEST_CASE("subset sums allow exactly the unknown deliveries' combinations", "[sim][processes]") {
  CHECK(IsSubsetSum({}, 0));
  CHECK_FALSE(IsSubsetSum({}, 1));
  CHECK(IsSubsetSum({2, 5}, 7));
  CHECK(IsSubsetSum({2, 5}, 5));
  CHECK_FALSE(IsSubsetSum({2, 5}, 3));
  CHECK_FALSE(IsSubsetSum({2, 5}, -2));
}

}  // namespace
}  // namespace kura::sim
