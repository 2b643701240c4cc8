// kuractl against a real kura-store: the binary is run through the shell exactly as a
// script would run it, and its exit code, stdout and stderr are checked.
#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <zmq.hpp>

#include "chain.h"
#include "kura/node/api_client.h"
#include "kura/schema/api.h"
#include "daemon_process.h"
#include "kuractl_run.h"
#include "temp_dir.h"

using kura::test::DaemonProcess;
using kura::test::Kuractl;
using kura::test::TempDir;
using nlohmann::json;

TEST_CASE("kuractl stock receive, sell and get agree on on_hand and atp", "[kuractl]") {
  TempDir dir;
  DaemonProcess daemon("tokyo-01", dir.Sub("data"));
  daemon.Start();

  auto received = Kuractl(dir, daemon.endpoint(), "stock receive TEE-M-BLK 10");
  REQUIRE(received.exit_code == 0);
  CHECK(received.Json()["on_hand"] == 10);
  CHECK(received.Json()["atp"] == 10);

  auto sold = Kuractl(dir, daemon.endpoint(), "stock sell TEE-M-BLK 3 --price 12.50 --customer c-1042");
  REQUIRE(sold.exit_code == 0);
  json sale = sold.Json();
  CHECK(sale["receipt"]["kind"] == "sale");
  CHECK(sale["receipt"]["customer"] == "c-1042");
  CHECK(sale["receipt"]["lines"][0]["price_cents"] == 1250);
  CHECK(sale["stock"][0]["on_hand"] == 7);

  auto got = Kuractl(dir, daemon.endpoint(), "stock get TEE-M-BLK");
  REQUIRE(got.exit_code == 0);
  json view = got.Json();
  CHECK(view["sku"] == "TEE-M-BLK");
  CHECK(view["on_hand"] == 7);
  CHECK(view["held"] == 0);
  CHECK(view["atp"] == 7);
  // kuractl showed what the daemon holds, not a value of its own making.
  CHECK(daemon.Must("stock.get", {{"sku", "TEE-M-BLK"}})["on_hand"] == 7);
}

TEST_CASE("kuractl stock sell --override records a sale the store refuses for taking promised units", "[kuractl]") {
  TempDir dir;
  DaemonProcess daemon("tokyo-01", dir.Sub("data"));
  daemon.Start();
  daemon.Must("stock.receive", {{"sku", "TEE-M-BLK"}, {"qty", 3}});
  daemon.Must("hold.create", {{"kind", "phone"}, {"lines", {{{"sku", "TEE-M-BLK"}, {"qty", 2}}}}});

  auto refused = Kuractl(dir, daemon.endpoint(), "stock sell TEE-M-BLK 2");
  CHECK(refused.exit_code == 1);
  CHECK(refused.Json()["error"]["code"] == "needs_override");
  CHECK(daemon.Must("stock.get", {{"sku", "TEE-M-BLK"}})["on_hand"] == 3);

  auto sold = Kuractl(dir, daemon.endpoint(), "stock sell TEE-M-BLK 2 --override");
  REQUIRE(sold.exit_code == 0);
  CHECK(sold.Json()["receipt"]["override"] == true);
  CHECK(daemon.Must("stock.get", {{"sku", "TEE-M-BLK"}})["on_hand"] == 1);
}

TEST_CASE("kuractl hold create prints the new hold's id and state held", "[kuractl]") {
  TempDir dir;
  DaemonProcess daemon("tokyo-01", dir.Sub("data"));
  daemon.Start();
  daemon.Must("stock.receive", {{"sku", "TEE-M-BLK"}, {"qty", 10}});

  auto created = Kuractl(dir, daemon.endpoint(),
                         "hold create --kind pickup --line TEE-M-BLK:2 --customer c-1042 --expires 2h");
  REQUIRE(created.exit_code == 0);
  json hold = created.Json();
  CHECK(hold["id"] == "tokyo-01.1");
  CHECK(hold["state"] == "held");
  CHECK(hold["kind"] == "pickup");
  CHECK(hold["expires_ms"].get<int64_t>() - hold["created_ms"].get<int64_t>() == 2 * 3600 * 1000);

  json view = daemon.Must("stock.get", {{"sku", "TEE-M-BLK"}});
  CHECK(view["held"] == 2);
  CHECK(view["atp"] == 8);

  auto listed = Kuractl(dir, daemon.endpoint(), "hold list --state held");
  REQUIRE(listed.exit_code == 0);
  REQUIRE(listed.Json()["holds"].size() == 1);
  CHECK(listed.Json()["holds"][0]["id"] == hold["id"]);
}

TEST_CASE("kuractl reports a daemon error with exit 1 and an error document", "[kuractl]") {
  TempDir dir;
  DaemonProcess daemon("tokyo-01", dir.Sub("data"));
  daemon.Start();

  auto run = Kuractl(dir, daemon.endpoint(), "stock get NO-SUCH-SKU");
  CHECK(run.exit_code == 1);
  json doc = run.Json();
  CHECK(doc["error"]["code"] == "not_found");
  CHECK_THAT(doc["error"]["message"].get<std::string>(), Catch::Contains("NO-SUCH-SKU"));
  CHECK_THAT(run.err, Catch::StartsWith("kuractl: not_found: "));

  SECTION("without --json the error goes to stderr only") {
    auto plain = Kuractl(dir, daemon.endpoint(), "stock get NO-SUCH-SKU", /*json_output=*/false);
    CHECK(plain.exit_code == 1);
    CHECK(plain.out.empty());
    CHECK_THAT(plain.err, Catch::StartsWith("kuractl: not_found: "));
  }
}

TEST_CASE("kuractl refuses bad local input with exit 2 and changes nothing", "[kuractl]") {
  TempDir dir;
  DaemonProcess daemon("tokyo-01", dir.Sub("data"));
  daemon.Start();
  daemon.Must("stock.receive", {{"sku", "TEE-M-BLK"}, {"qty", 10}});
  json before = daemon.Must("status");

  std::string args;
  SECTION("a line without a quantity") { args = "hold create --kind pickup --line TEE-M-BLK"; }
  SECTION("a quantity that is not a number") { args = "hold create --kind pickup --line TEE-M-BLK:two"; }
  SECTION("a zero quantity") { args = "hold create --kind pickup --line TEE-M-BLK:0"; }
  SECTION("an unknown kind") { args = "hold create --kind layaway --line TEE-M-BLK:1"; }
  SECTION("a malformed duration") { args = "hold create --kind pickup --line TEE-M-BLK:1 --expires 2x"; }
  SECTION("a price with three decimals") { args = "stock sell TEE-M-BLK 1 --price 12.505"; }
  SECTION("a quantity in hex") { args = "stock sell TEE-M-BLK 0x2"; }
  SECTION("an unknown command") { args = "stock sel TEE-M-BLK 1"; }
  // Echoed in the error, it must not cost the one JSON document (kuractl aborted).
  SECTION("a SKU that is not UTF-8") { args = "stock sell \"$(printf '\\377\\376')\" 1"; }

  auto run = Kuractl(dir, daemon.endpoint(), args);
  INFO("kuractl " << args << "\nstderr: " << run.err);
  CHECK(run.exit_code == 2);
  CHECK(run.Json()["error"]["code"] == "usage");
  CHECK_THAT(run.err, Catch::StartsWith("kuractl: usage: "));

  json view = daemon.Must("stock.get", {{"sku", "TEE-M-BLK"}});
  CHECK(view["on_hand"] == 10);
  CHECK(view["held"] == 0);
  json after = daemon.Must("status");
  CHECK(after["origin_seq"] == before["origin_seq"]);
  CHECK(after["journal_seq"] == before["journal_seq"]);
  CHECK(after["active_holds"] == 0);
}

TEST_CASE("kuractl reads --name= as an empty value, refused, not as the next argument", "[kuractl]") {
  // CLI11 alone took the word after "--request-id=" as the id; an empty id (an unset shell
  // variable) must not fall back to a fresh one either, or the retry it was meant for
  // would apply the change twice. Any empty value would read as the option not given:
  // `hq policy set --store=$S` with S unset would set every store's policy.
  TempDir dir;
  DaemonProcess daemon("tokyo-01", dir.Sub("data"));
  daemon.Start();
  daemon.Must("stock.receive", {{"sku", "TEE-M-BLK"}, {"qty", 10}});
  for (const char* given : {"--request-id= stock sell TEE-M-BLK 1", "--request-id '' stock sell TEE-M-BLK 1"}) {
    auto run = Kuractl(dir, daemon.endpoint(), given);
    INFO("kuractl " << given << "\nstderr: " << run.err);
    CHECK(run.exit_code == 2);
    CHECK_THAT(run.err, Catch::StartsWith("kuractl: usage: --request-id: no value given"));
  }
  for (const char* given : {"stock sell TEE-M-BLK 1 --customer=", "hq policy set --store= --share-pct 0 --cap 0"}) {
    auto run = Kuractl(dir, daemon.endpoint(), given);
    INFO("kuractl " << given << "\nstderr: " << run.err);
    CHECK(run.exit_code == 2);
    CHECK_THAT(run.err, Catch::Contains(": no value given"));
  }
  CHECK(daemon.Must("stock.get", {{"sku", "TEE-M-BLK"}})["on_hand"] == 10);
}

TEST_CASE("kuractl applies a retried write with the same request id once", "[kuractl]") {
  TempDir dir;
  DaemonProcess daemon("tokyo-01", dir.Sub("data"));
  daemon.Start();

  auto first = Kuractl(dir, daemon.endpoint(), "--request-id till-7:42 stock receive MUG-01 5");
  auto retry = Kuractl(dir, daemon.endpoint(), "--request-id till-7:42 stock receive MUG-01 5");
  REQUIRE(first.exit_code == 0);
  REQUIRE(retry.exit_code == 0);
  CHECK(retry.Json() == first.Json());
  CHECK(daemon.Must("stock.get", {{"sku", "MUG-01"}})["on_hand"] == 5);
}

TEST_CASE("kuractl prints aligned tables without --json", "[kuractl]") {
  TempDir dir;
  DaemonProcess daemon("tokyo-01", dir.Sub("data"));
  daemon.Start();
  daemon.Must("stock.receive", {{"sku", "TEE-M-BLK"}, {"qty", 12}});
  daemon.Must("stock.receive", {{"sku", "MUG-01"}, {"qty", 3}});

  auto run = Kuractl(dir, daemon.endpoint(), "stock list", /*json_output=*/false);
  REQUIRE(run.exit_code == 0);
  CHECK(run.out ==
        "SKU        ON_HAND  HELD  FOR_ONLINE  ATP\n"
        "MUG-01           3     0           0    3\n"
        "TEE-M-BLK       12     0           0   12\n");
}

TEST_CASE("kuractl's lists say when more follow, and --after shows the next page", "[kuractl]") {
  TempDir dir;
  DaemonProcess daemon("tokyo-01", dir.Sub("data"));
  daemon.Start();
  for (const char* sku : {"CAP-01", "MUG-01", "TEE-M-BLK"}) daemon.Must("stock.receive", {{"sku", sku}, {"qty", 1}});

  auto first = Kuractl(dir, daemon.endpoint(), "stock list --limit 2", /*json_output=*/false);
  REQUIRE(first.exit_code == 0);
  CHECK(first.out ==
        "SKU     ON_HAND  HELD  FOR_ONLINE  ATP\n"
        "CAP-01        1     0           0    1\n"
        "MUG-01        1     0           0    1\n"
        "(2 shown; more follow: add --after MUG-01)\n");
  auto next = Kuractl(dir, daemon.endpoint(), "stock list --limit 2 --after MUG-01", /*json_output=*/false);
  REQUIRE(next.exit_code == 0);
  CHECK(next.out ==
        "SKU        ON_HAND  HELD  FOR_ONLINE  ATP\n"
        "TEE-M-BLK        1     0           0    1\n");
  auto bad = Kuractl(dir, daemon.endpoint(), "hold list --after 'no such id'");
  CHECK(bad.exit_code == 2);
  // The client library follows the pages the same way.
  kura::ApiClient client(DaemonProcess::Context(), daemon.endpoint());
  auto all = client.ListAll("stock.list", {{"limit", 1}}, "items", "sku");
  REQUIRE(all.ok());
  REQUIRE(all->size() == 3);
  CHECK((*all)[2]["sku"] == "TEE-M-BLK");

  // Holds and receipts say so too, each naming what --after takes.
  for (const char* sku : {"CAP-01", "MUG-01"}) {
    daemon.Must("hold.create", {{"kind", "phone"}, {"lines", {{{"sku", sku}, {"qty", 1}}}}});
  }
  auto holds = Kuractl(dir, daemon.endpoint(), "hold list --limit 1", /*json_output=*/false);
  REQUIRE(holds.exit_code == 0);
  CHECK_THAT(holds.out, Catch::EndsWith("(1 shown; more follow: add --after tokyo-01.1)\n"));
  for (const char* sku : {"CAP-01", "MUG-01"}) {
    daemon.Must("stock.sell", {{"lines", {{{"sku", sku}, {"qty", 1}}}}, {"override", 1}});
  }
  auto receipts = Kuractl(dir, daemon.endpoint(), "journal list --limit 1", /*json_output=*/false);
  REQUIRE(receipts.exit_code == 0);
  CHECK_THAT(receipts.out, Catch::EndsWith("(1 shown; more follow: add --after 1)\n"));
}

TEST_CASE("kuractl exits 3 when no daemon answers", "[kuractl]") {
  TempDir dir;
  auto run = Kuractl(dir, "ipc://" + dir.Sub("nobody.sock"), "--timeout 100 stock receive TEE-M-BLK 1");
  CHECK(run.exit_code == 3);
  CHECK(run.Json()["error"]["code"] == "unreachable");
  // The outcome of an unanswered write is unknown: the message says how to retry safely.
  CHECK_THAT(run.err, Catch::Contains("--request-id"));
}

TEST_CASE("kuractl says how to retry a change the daemon asks to be retried with its request id", "[kuractl]") {
  // A stand-in for kura-hq answering one request busy, as HQ answers a routed cancel its
  // store did not answer in time (PROTOCOL.md 2.4 step 5).
  TempDir dir;
  std::string endpoint = "ipc://" + dir.Sub("hq.sock");
  zmq::context_t context;
  zmq::socket_t hq(context, zmq::socket_type::router);
  hq.bind(endpoint);
  std::thread answer([&] {
    zmq::message_t peer, request;
    if (!hq.recv(peer) || !hq.recv(request)) return;
    std::string busy = kura::EncodeReply(kura::Status::Busy("store store-1 did not answer the cancel in time"), nullptr);
    hq.send(peer, zmq::send_flags::sndmore);
    hq.send(zmq::buffer(busy));
  });
  auto run = Kuractl(dir, endpoint, "--request-id cancel-7 hq order cancel store-1.4");
  answer.join();
  CHECK(run.exit_code == 1);
  CHECK(run.Json()["error"]["code"] == "busy");
  CHECK_THAT(run.err, Catch::Contains("retry with --request-id cancel-7"));
}

TEST_CASE("kuractl keygen writes a 0600 keypair and its .pub, and never overwrites them", "[kuractl]") {
  TempDir dir;
  std::string key = dir.Sub("store.key");
  // keygen needs no daemon: the endpoint given is never used.
  std::string nobody = "ipc://" + dir.Sub("nobody.sock");

  auto made = Kuractl(dir, nobody, "keygen --out '" + key + "'");
  REQUIRE(made.exit_code == 0);
  json doc = made.Json();
  CHECK(doc["key_file"] == key);
  CHECK(doc["public_file"] == key + ".pub");
  std::string public_key = doc["public_key"];
  CHECK(public_key.size() == 40);

  struct stat st {};
  REQUIRE(stat(key.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  std::ifstream pub(key + ".pub");
  std::stringstream pub_text;
  pub_text << pub.rdbuf();
  CHECK_THAT(pub_text.str(), Catch::Contains("public = \"" + public_key + "\""));
  CHECK_THAT(pub_text.str(), !Catch::Contains("secret"));

  std::ifstream before_file(key);
  std::stringstream before;
  before << before_file.rdbuf();
  auto again = Kuractl(dir, nobody, "keygen --out '" + key + "'");
  CHECK(again.exit_code == 1);
  CHECK_THAT(again.err, Catch::Contains("exists"));
  CHECK(again.Json()["error"]["code"] == "invalid_state");
  std::ifstream after_file(key);
  std::stringstream after;
  after << after_file.rdbuf();
  CHECK(after.str() == before.str());
}

TEST_CASE("kuractl sync status on a store without --hq says it runs alone", "[kuractl]") {
  TempDir dir;
  DaemonProcess daemon("tokyo-01", dir.Sub("data"));
  daemon.Start();

  auto plain = Kuractl(dir, daemon.endpoint(), "sync status", /*json_output=*/false);
  REQUIRE(plain.exit_code == 0);
  CHECK(plain.out == "sync: not configured (this store runs alone)\n");
  auto doc = Kuractl(dir, daemon.endpoint(), "sync status");
  REQUIRE(doc.exit_code == 0);
  CHECK(doc.Json()["configured"] == false);
}

TEST_CASE("kuractl hold ticket writes the QR image, and ticket verify and redeem accept it once", "[kuractl][ticket]") {
  TempDir dir;
  DaemonProcess daemon("tokyo-01", dir.Sub("data"));
  daemon.Start();
  daemon.Must("stock.receive", {{"sku", "TEE-M-BLK"}, {"qty", 10}});
  json hold = daemon.Must("hold.create", {{"kind", "pickup"}, {"lines", {{{"sku", "TEE-M-BLK"}, {"qty", 2}}}}});
  std::string svg_path = dir.Sub("ticket.svg"), png_path = dir.Sub("ticket.png");

  auto issued = Kuractl(dir, daemon.endpoint(),
                        "hold ticket tokyo-01.1 --svg '" + svg_path + "' --png '" + png_path + "'");
  REQUIRE(issued.exit_code == 0);
  std::string code = issued.Json()["code"].get<std::string>();
  CHECK(code.rfind("KT1.", 0) == 0);
  CHECK(code == hold["ticket"]);
  std::ifstream svg_file(svg_path), png_file(png_path, std::ios::binary);
  std::stringstream svg, png;
  svg << svg_file.rdbuf();
  png << png_file.rdbuf();
  CHECK(svg.str().rfind("<?xml", 0) == 0);
  CHECK(svg.str().find("<path fill=\"#000000\" d=\"M") != std::string::npos);
  CHECK(png.str().rfind("\x89PNG\r\n\x1a\n", 0) == 0);

  auto written = Kuractl(dir, daemon.endpoint(), "hold ticket tokyo-01.1 --png '" + png_path + "'", false);
  CHECK(written.out.find("QR image written to " + png_path) != std::string::npos);
  std::string unwritable = dir.Sub("missing/ticket.png");
  auto unwritten = Kuractl(dir, daemon.endpoint(), "hold ticket tokyo-01.1 --png '" + unwritable + "'", false);
  CHECK(unwritten.exit_code == 4);  // the daemon did its part: not a refusal to retry
  CHECK(unwritten.out.find("written to") == std::string::npos);  // said only of a file written
  CHECK(unwritten.err.find("cannot write the PNG") != std::string::npos);

  auto drawn = Kuractl(dir, daemon.endpoint(), "hold ticket tokyo-01.1 --qr", /*json_output=*/false);
  REQUIRE(drawn.exit_code == 0);
  CHECK(drawn.out.rfind(code + "\n", 0) == 0);
  CHECK(drawn.out.find("\u2588") != std::string::npos);

  std::string lower = code;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto verified = Kuractl(dir, daemon.endpoint(), "ticket verify " + lower);
  REQUIRE(verified.exit_code == 0);
  CHECK(verified.Json()["valid"] == true);
  CHECK(verified.Json()["ticket"]["hold"] == "tokyo-01.1");

  auto redeemed = Kuractl(dir, daemon.endpoint(), "ticket redeem " + code);
  REQUIRE(redeemed.exit_code == 0);
  CHECK(redeemed.Json()["hold"]["state"] == "collected");
  CHECK(daemon.Must("stock.get", {{"sku", "TEE-M-BLK"}})["on_hand"] == 8);

  auto replayed = Kuractl(dir, daemon.endpoint(), "ticket redeem " + code);
  CHECK(replayed.exit_code == 1);
  CHECK(replayed.Json()["error"]["code"] == "invalid_state");
  CHECK_THAT(replayed.err, Catch::Contains("already_collected"));
  CHECK(daemon.Must("stock.get", {{"sku", "TEE-M-BLK"}})["on_hand"] == 8);

  auto refused = Kuractl(dir, daemon.endpoint(), "ticket verify " + code, /*json_output=*/false);
  CHECK(refused.exit_code == 1);
  CHECK_THAT(refused.out, Catch::StartsWith("ticket refused: already_collected"));
  auto malformed = Kuractl(dir, daemon.endpoint(), "ticket verify KT1.ZZ");
  CHECK(malformed.exit_code == 1);
  CHECK(malformed.Json()["reason"] == "malformed");
  CHECK(Kuractl(dir, daemon.endpoint(), "ticket verify ' '").exit_code == 2);
}

TEST_CASE("kuractl sets the store directory at hq and a store's status, and lists them", "[kuractl][directory]") {
  kura::test::Chain chain(1, {"shibuya-01", "osaka-01", "kobe-01"});
  chain.StartAll();
  const TempDir& dir = chain.dir();
  const std::string hq = chain.hq().endpoint();
  // A store HQ does not list cannot enter the chain's directory.
  auto unknown = Kuractl(dir, hq, "hq directory set nagoya-99 --name Nagoya --lat 35.17 --lon 136.88");
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.Json()["error"]["code"] == "not_found");
  CHECK(Kuractl(dir, hq, "hq store-status nagoya-99 open").exit_code == 1);
  CHECK(Kuractl(dir, hq, "hq policy set --store nagoya-99 --share-pct 50 --cap 5").exit_code == 1);

  auto set = Kuractl(dir, hq, "hq directory set shibuya-01 --name Shibuya --lat 35.6595 --lon 139.7005 "
                              "--hours 'Mo-Su 10:00-21:00' --pickup");
  REQUIRE(set.exit_code == 0);
  CHECK(set.Json()["pickup_enabled"] == true);
  REQUIRE(Kuractl(dir, hq, "hq directory set osaka-01 --name Umeda --lat 34.70 --lon 135.50").exit_code == 0);
  REQUIRE(Kuractl(dir, hq, "hq store-status shibuya-01 open --note 'all tills up'").exit_code == 0);

  auto list = Kuractl(dir, hq, "hq directory list --near 34.69,135.19", /*json_output=*/false);
  REQUIRE(list.exit_code == 0);
  CHECK(list.out ==
        "STORE       NAME     STATUS   PICKUP  HANDS_OVER  HOURS                 KM  NOTE\n"
        "osaka-01    Umeda    unknown  no      no          -                   28.4  -\n"
        "shibuya-01  Shibuya  open     yes     yes         Mo-Su 10:00-21:00  423.9  all tills up\n");
  auto only = Kuractl(dir, hq, "hq directory list --can-hand-over").Json()["stores"];
  REQUIRE(only.size() == 1);
  CHECK(only[0]["store"] == "shibuya-01");

  SECTION("bad input is refused before anything is sent") {
    for (const char* args : {"hq directory set shibuya-01", "hq directory set shibuya-01 --lat 91",
                             "hq directory set shibuya-01 --lat 1e3", "hq store-status shibuya-01 shut",
                             "hq directory list --near 35", "hq directory set Bad/Id --name x"}) {
      INFO(args);
      auto run = Kuractl(dir, hq, args);
      CHECK(run.exit_code == 2);
      CHECK(run.Json()["error"]["code"] == "usage");
    }
  }
  SECTION("the daemon's refusal exits 1") {
    auto run = Kuractl(dir, hq, "hq directory set kobe-01 --name Kobe");  // a new store needs a position
    CHECK(run.exit_code == 1);
    CHECK(run.Json()["error"]["code"] == "invalid_argument");
  }
  SECTION("a store sets its own status") {
    const std::string store = chain.store(0).endpoint();
    auto own = Kuractl(dir, store, "store-status no-handover --note 'till 2 down'");
    REQUIRE(own.exit_code == 0);
    CHECK(own.Json()["status"] == "no_handover");
    CHECK(own.Json()["status_by"] == "store-1");
    CHECK(Kuractl(dir, store, "store-status maybe").exit_code == 2);
    // HQ's record and status of shibuya-01 reach the store by sync.
    CHECK(kura::test::Eventually([&] {
      json stores = Kuractl(dir, store, "directory --can-hand-over").Json()["stores"];
      return stores.size() == 1 && stores[0]["store"] == "shibuya-01";
    }));
  }
}
