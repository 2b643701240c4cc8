// kuractl's online-order commands at HQ (hq availability, hq order, hq policy) against real
// kura-hq and kura-store processes linked over CURVE: the stores grant HQ its allotments
// by their escrow.grant job and sync, so the tests poll for them with a deadline.
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "chain.h"
#include "kuractl_run.h"

using kura::test::Chain;
using kura::test::Eventually;
using kura::test::Kuractl;
using nlohmann::json;

namespace {

constexpr const char* kSku = "TEE-M-BLK";

// Two linked stores that both hand over online orders: store-1 in Shibuya with 2 units of
// kSku, store-2 in Umeda with 20. No allotment policy is set yet.
class OnlineChain {
 public:
  OnlineChain() : chain_(2) {
    chain_.StartAll();
    Place(0, "Shibuya", 35.6595, 139.7005, 2);
    Place(1, "Umeda", 34.7025, 135.4959, 20);
  }

  Chain& chain() { return chain_; }
  const kura::test::TempDir& dir() { return chain_.dir(); }
  std::string hq() { return chain_.hq().endpoint(); }

  // HQ's allotment of kSku for each store, as `hq availability` shows it.
  std::vector<int64_t> Allotments() {
    auto run = Kuractl(dir(), hq(), std::string("hq availability ") + kSku);
    std::vector<int64_t> out(2, -1);
    if (run.exit_code != 0) return out;
    json doc = run.Json();
    for (const json& s : doc["stores"]) {
      if (s["store"] == "store-1") out[0] = s["hq_allotment"];
      if (s["store"] == "store-2") out[1] = s["hq_allotment"];
    }
    return out;
  }

  // Waits until HQ holds the allotments a chain-wide 50% / cap 10 policy gives: 1 unit at
  // store-1 and 10 at store-2 (and HQ has heard of both stores' stock).
  bool AwaitAllotments() {
    return Eventually([&] { return Allotments() == std::vector<int64_t>{1, 10}; });
  }

 private:
  void Place(int i, const std::string& name, double lat, double lon, int64_t units) {
    std::string store = chain_.store_id(i);
    chain_.hq().Must(
        "hq.directory.set",
        {{"store", store}, {"name", name}, {"lat", lat}, {"lon", lon}, {"pickup_enabled", true}});
    chain_.hq().Must("hq.store_status.set", {{"store", store}, {"status", "open"}});
    chain_.store(i).Must("stock.receive", {{"sku", kSku}, {"qty", units}});
  }

  Chain chain_;
};

std::vector<std::string> Words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

std::vector<std::string> Lines(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

}  // namespace

TEST_CASE("kuractl hq policy sets the allotment and hq availability lists every store with it",
          "[kuractl][escrow]") {
  OnlineChain c;
  auto set = Kuractl(c.dir(), c.hq(), "hq policy set --share-pct 50 --cap 10");
  REQUIRE(set.exit_code == 0);
  CHECK(set.Json() == json{{"store", "*"}, {"share_pct", 50}, {"cap", 10}});
  auto got = Kuractl(c.dir(), c.hq(), "hq policy get --store store-2", /*json_output=*/false);
  REQUIRE(got.exit_code == 0);
  CHECK(got.out ==
        "policy of     store-2\n"
        "share of ATP  50%\n"
        "cap per SKU   10 units\n");

  REQUIRE(c.AwaitAllotments());
  // From Kobe, Umeda is nearer than Shibuya.
  auto table =
      Kuractl(c.dir(), c.hq(), std::string("hq availability ") + kSku + " --near 34.6901,135.1955",
              /*json_output=*/false);
  REQUIRE(table.exit_code == 0);
  CHECK(
      table.out ==
      "SKU TEE-M-BLK for online orders, as HQ sees it:\n"
      "STORE    NAME     DIST(KM)  REACHABLE  HAND_OVER  ON_HAND  HELD  HQ_ALLOTMENT  CAN_PROMISE\n"
      "store-2  Umeda        27.5  yes        yes             20     0            10           10\n"
      "store-1  Shibuya     423.4  yes        yes              2     0             1            1\n");

  SECTION("a store that cannot hand over has nothing to promise") {
    REQUIRE(Kuractl(c.dir(), c.hq(), "hq store-status store-2 closed").exit_code == 0);
    auto run = Kuractl(c.dir(), c.hq(), std::string("hq availability ") + kSku);
    REQUIRE(run.exit_code == 0);
    json doc = run.Json();
    for (const json& s : doc["stores"]) {
      if (s["store"] == "store-2") {
        CHECK(s["can_hand_over"] == false);
        CHECK(s["hq_allotment"] == 10);
        CHECK(s["can_promise"] == 0);
      }
    }
  }
}

TEST_CASE("kuractl hq order place for a store with an allotment prints the hold and its ticket",
          "[kuractl][escrow][ticket]") {
  OnlineChain c;
  c.chain().hq().Must("hq.policy.set", {{"share_pct", 50}, {"cap", 10}});
  REQUIRE(c.AwaitAllotments());
  std::string svg_path = c.dir().Sub("order.svg");

  auto placed = Kuractl(c.dir(), c.hq(),
                        std::string("hq order place --store store-2 --kind pickup --line ") + kSku +
                            ":2 --customer c-7001 --qr --svg '" + svg_path + "'",
                        /*json_output=*/false);
  INFO("stdout: " << placed.out << "\nstderr: " << placed.err);
  REQUIRE(placed.exit_code == 0);
  std::map<std::string, std::string> fields;  // "label  value" lines, one word a side
  for (const std::string& line : Lines(placed.out)) {
    auto words = Words(line);
    if (words.size() == 2) fields[words[0]] = words[1];
  }
  // Who decides the order (HQ from its allotment, or a reachable store) picks the hold id.
  std::string id = fields["hold"];
  REQUIRE_FALSE(id.empty());
  CHECK(fields["store"] == "store-2");
  CHECK(fields["customer"] == "c-7001");
  std::string code = fields["ticket"];
  CHECK(code.rfind("KT1.", 0) == 0);
  CHECK(placed.out.find("\u2588") != std::string::npos);  // the QR image in the terminal
  CHECK(placed.out.find("QR image written to " + svg_path) != std::string::npos);
  std::ifstream svg_file(svg_path);
  std::stringstream svg;
  svg << svg_file.rdbuf();
  CHECK(svg.str().rfind("<?xml", 0) == 0);

  auto status = Kuractl(c.dir(), c.hq(), "hq order status " + id);
  REQUIRE(status.exit_code == 0);
  json order = status.Json();
  CHECK(order["id"] == id);
  CHECK(order["state"] == "held");
  CHECK(order["customer"] == "c-7001");
  CHECK(order["lines"] == json::array({{{"sku", kSku}, {"qty", 2}}}));

  // The order reaches the store, and the store accepts its ticket.
  const std::string store = c.chain().store(1).endpoint();
  CHECK(Eventually([&] {
    auto verified = Kuractl(c.dir(), store, "ticket verify " + code);
    return verified.exit_code == 0 && verified.Json().contains("hold");
  }));

  SECTION("--json prints the reply, ticket included, and cancel ends the order") {
    auto again =
        Kuractl(c.dir(), c.hq(),
                std::string("hq order place --store store-2 --kind tryon --line ") + kSku + ":1");
    REQUIRE(again.exit_code == 0);
    json tryon = again.Json();
    std::string tryon_id = tryon["id"];
    CHECK(tryon_id != id);
    CHECK(tryon["kind"] == "tryon");
    CHECK(tryon["ticket"].get<std::string>().rfind("KT1.", 0) == 0);
    auto cancelled = Kuractl(c.dir(), c.hq(), "hq order cancel " + tryon_id, /*json_output=*/false);
    REQUIRE(cancelled.exit_code == 0);
    CHECK(cancelled.out == "order " + tryon_id + " at store-2 is now cancelled (TEE-M-BLK:1)\n");
    CHECK(Kuractl(c.dir(), c.hq(), "hq order cancel " + tryon_id).exit_code == 1);  // already ended
  }
}

TEST_CASE("kuractl hq order place refused by hq exits 1 and names the nearest alternatives",
          "[kuractl][escrow]") {
  OnlineChain c;
  c.chain().hq().Must("hq.policy.set", {{"share_pct", 50}, {"cap", 10}});
  REQUIRE(c.AwaitAllotments());

  std::string args;
  std::string code, reason;
  SECTION("beyond the store's allotment") {
    args = std::string("--line ") + kSku + ":3";  // store-1 allotted HQ only 1
    code = "insufficient_stock";
    reason = "TEE-M-BLK";
  }
  SECTION("at a store that cannot hand over") {
    REQUIRE(Kuractl(c.dir(), c.hq(), "hq store-status store-1 no-handover").exit_code == 0);
    args = std::string("--line ") + kSku + ":1";
    code = "invalid_state";
    reason = "cannot hand over";
  }
  auto run = Kuractl(c.dir(), c.hq(),
                     "hq order place --store store-1 --kind pickup --near 35.6595,139.7005 " + args,
                     /*json_output=*/false);
  INFO("stderr: " << run.err);
  CHECK(run.exit_code == 1);
  CHECK(run.out.empty());
  CHECK_THAT(run.err, Catch::StartsWith("kuractl: " + code + ": "));
  CHECK_THAT(run.err, Catch::Contains(reason));
  CHECK_THAT(run.err, Catch::Contains("nearest alternatives: store-2 ("));

  auto doc = Kuractl(c.dir(), c.hq(), "hq order place --store store-1 --kind pickup " + args);
  CHECK(doc.exit_code == 1);
  CHECK(doc.Json()["error"]["code"] == code);
  // Nothing was placed.
  CHECK(Kuractl(c.dir(), c.hq(), "hq order status hq.1").Json()["error"]["code"] == "not_found");
}

TEST_CASE("kuractl hq order and policy commands refuse bad input before sending anything",
          "[kuractl][escrow]") {
  Chain chain(0);
  chain.StartAll();
  const std::string hq = chain.hq().endpoint();

  struct Bad {
    const char* args;
    const char* says;
  };
  for (const Bad& bad : {
           Bad{"hq order place --store store-1 --kind pickup --line TEE-M-BLK", "must be SKU:QTY"},
           Bad{"hq order place --store store-1 --kind pickup --line TEE-M-BLK:0",
               "QTY \"0\": must be a whole number in 1..1000000"},
           Bad{"hq order place --store store-1 --kind phone --line TEE-M-BLK:1",
               "must be pickup or tryon"},
           Bad{"hq order place --store Store_1 --kind pickup --line TEE-M-BLK:1",
               "--store \"Store_1\""},
           Bad{"hq order place --store store-1 --kind pickup --line TEE-M-BLK:1 --near 91,0",
               "--near latitude \"91\""},
           Bad{"hq order place --store store-1 --kind pickup --line TEE-M-BLK:1 --expires soon",
               "--expires \"soon\""},
           Bad{"hq order place --kind pickup --line TEE-M-BLK:1", "--store is required"},
           Bad{"hq order cancel nope", "ID \"nope\""},
           Bad{"hq order status hq.x/1", "ID \"hq.x/1\""},
           Bad{"hq availability 'TEE M'", "SKU \"TEE M\""},
           Bad{"hq availability TEE-M-BLK --near 35", "--near \"35\": must be LAT,LON"},
           Bad{"hq policy set --share-pct 101 --cap 5",
               "--share-pct \"101\": must be a whole number in 0..100"},
           Bad{"hq policy set --share-pct 20 --cap -1", "--cap \"-1\""},
           Bad{"hq policy set --share-pct 20", "--cap is required"},
           Bad{"hq policy get --store 'no such'", "--store \"no such\""},
       }) {
    INFO("kuractl " << bad.args);
    auto run = Kuractl(chain.dir(), hq, bad.args);
    INFO("stderr: " << run.err);
    CHECK(run.exit_code == 2);
    CHECK(run.Json()["error"]["code"] == "usage");
    CHECK_THAT(run.err, Catch::StartsWith("kuractl: usage: ") && Catch::Contains(bad.says));
  }
  // Nothing reached HQ: no policy and no order.
  CHECK(chain.hq().Must("policy.get") == json{{"store", "*"}, {"share_pct", 0}, {"cap", 0}});
  CHECK_FALSE(chain.hq().client().Call("hq.order.status", {{"id", "hq.1"}}).ok());
  // The same commands with good input are sent.
  CHECK(Kuractl(chain.dir(), hq, "hq policy set --share-pct 20 --cap 5").exit_code == 0);
  CHECK(chain.hq().Must("policy.get")["share_pct"] == 20);
}
