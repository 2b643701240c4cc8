// The sync transport over real loopback sockets: CURVE, the ZAP allow-list, the store id
// HQ attributes to each message, size limits, and the key files.
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <thread>

#include <catch2/catch.hpp>
#include <zmq.hpp>

#include "curve_keys.h"
#include "kura/sync/messages.h"
#include "link_monitor.h"
#include "sync_transport.h"
#include "temp_dir.h"
#include "zap_authenticator.h"

namespace kura {
namespace {

using namespace std::chrono_literals;
using Code = Status::Code;

// Checks `done` until it holds or `limit` passes. Every wait in this file is bounded this way.
template <typename F>
bool Eventually(F done, std::chrono::milliseconds limit = 5000ms) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return done();
}

CurveKeyPair Keys() {
  auto pair = GenerateCurveKeyPair();
  REQUIRE(pair.ok());
  return *pair;
}

// HQ: a ZAP handler with `allow` and a hub on a free port of `endpoint`, in HQ's own context.
struct Hq {
  explicit Hq(ZapAuthenticator::AllowList allow, const std::string& endpoint = "tcp://127.0.0.1:*") {
    auto started = ZapAuthenticator::Start(context, std::move(allow));
    REQUIRE(started.ok());
    auth = std::move(started).value();
    hub = std::make_unique<SyncHub>(context, keys, auth.get());
    REQUIRE(hub->Bind(endpoint).ok());
  }
  bool Receive(std::string* store_id, std::string* bytes,
               std::chrono::milliseconds limit = 5000ms) {
    return Eventually([&] { return hub->Receive(store_id, bytes); }, limit);
  }

  zmq::context_t context;
  CurveKeyPair keys = Keys();
  std::unique_ptr<ZapAuthenticator> auth;
  std::unique_ptr<SyncHub> hub;
};

// A CURVE client without SyncSpoke's manners: queues before the handshake, no size cap,
// may choose its routing id.
zmq::socket_t RawClient(zmq::context_t& context, const CurveKeyPair& keys,
                        const std::string& server_public, const std::string& endpoint,
                        const std::string& routing_id = "") {
  zmq::socket_t socket(context, zmq::socket_type::dealer);
  socket.set(zmq::sockopt::curve_serverkey, server_public);
  socket.set(zmq::sockopt::curve_publickey, keys.public_z85);
  socket.set(zmq::sockopt::curve_secretkey, keys.secret_z85);
  socket.set(zmq::sockopt::linger, 0);
  if (!routing_id.empty()) socket.set(zmq::sockopt::routing_id, routing_id);
  socket.connect(endpoint);
  return socket;
}

bool RawReceive(zmq::socket_t& socket, std::string* bytes) {
  return Eventually([&] {
    zmq::message_t message;
    if (!socket.recv(message, zmq::recv_flags::dontwait)) return false;
    *bytes = message.to_string();
    return true;
  });
}

bool SawEvent(LinkMonitor& monitor, LinkEvent wanted) {
  return Eventually([&] {
    for (LinkEvent e; (e = monitor.Next(nullptr)) != LinkEvent::kNone;) {
      if (e == wanted) return true;
    }
    return false;
  });
}

}  // namespace

TEST_CASE("a listed store exchanges messages both ways under its store id", "[transport]") {
  CurveKeyPair tokyo = Keys();
  Hq hq({{tokyo.public_z85, "tokyo-01"}});
  zmq::context_t store_context;
  SyncSpoke spoke(store_context, tokyo, hq.keys.public_z85, hq.hub->endpoint());
  REQUIRE(spoke.Connect().ok());
  REQUIRE(Eventually([&] { return spoke.connected(); }));
  CHECK(spoke.handshakes() == 1);

  REQUIRE(spoke.Send("hello from tokyo").ok());
  std::string store_id, bytes;
  REQUIRE(hq.Receive(&store_id, &bytes));
  CHECK(store_id == "tokyo-01");
  CHECK(bytes == "hello from tokyo");

  REQUIRE(hq.hub->Send("tokyo-01", "hello from hq").ok());
  REQUIRE(Eventually([&] { return spoke.Receive(&bytes); }));
  CHECK(bytes == "hello from hq");

  CHECK(hq.auth->accepted() == 1);
  CHECK(hq.auth->refused() == 0);
  CHECK(hq.hub->Send("osaka-02", "x").code() == Code::kNotFound);
  CHECK_FALSE(spoke.Receive(&bytes));
}

TEST_CASE("a store links to hq over IPv6 loopback", "[transport]") {
  CurveKeyPair nara = Keys();
  Hq hq({{nara.public_z85, "nara-01"}}, "tcp://[::1]:*");
  CHECK_THAT(hq.hub->endpoint(), Catch::StartsWith("tcp://[::1]:"));
  zmq::context_t store_context;
  SyncSpoke spoke(store_context, nara, hq.keys.public_z85, hq.hub->endpoint());
  REQUIRE(spoke.Connect().ok());
  REQUIRE(Eventually([&] { return spoke.connected(); }));
  REQUIRE(spoke.Send("hello over IPv6").ok());
  std::string store_id, bytes;
  REQUIRE(hq.Receive(&store_id, &bytes));
  CHECK(store_id == "nara-01");
  CHECK(bytes == "hello over IPv6");
}

TEST_CASE("a store with an unlisted key gets nothing through and is counted", "[transport]") {
  CurveKeyPair listed = Keys(), stranger = Keys();
  Hq hq({{listed.public_z85, "tokyo-01"}});
  zmq::context_t store_context;
  // Queued before the handshake, so only authentication can keep it out.
  zmq::socket_t raw = RawClient(store_context, stranger, hq.keys.public_z85, hq.hub->endpoint());
  REQUIRE(raw.send(zmq::str_buffer("let me in"), zmq::send_flags::dontwait));
  SyncSpoke spoke(store_context, stranger, hq.keys.public_z85, hq.hub->endpoint());
  REQUIRE(spoke.Connect().ok());

  REQUIRE(Eventually([&] { return hq.auth->refused() >= 2; }));
  std::string store_id, bytes;
  CHECK_FALSE(hq.Receive(&store_id, &bytes, 500ms));
  CHECK_FALSE(spoke.connected());
  CHECK(spoke.Send("let me in").code() == Code::kBusy);
  CHECK(hq.auth->accepted() == 0);
}

TEST_CASE("a refused store gets through once its key is added to the allow list",
          "[transport]") {
  CurveKeyPair listed = Keys(), osaka = Keys();
  Hq hq({{listed.public_z85, "tokyo-01"}});
  zmq::context_t store_context;
  SyncSpoke spoke(store_context, osaka, hq.keys.public_z85, hq.hub->endpoint());
  REQUIRE(spoke.Connect().ok());
  REQUIRE(Eventually([&] { return hq.auth->refused() >= 1; }));
  CHECK_FALSE(spoke.connected());

  SECTION("a malformed allow list is refused and the old one stays") {
    CHECK(hq.auth->SetAllowList({{"not-a-key", "osaka-02"}}).code() == Code::kInvalidArgument);
    CHECK(hq.auth->SetAllowList({{osaka.public_z85, ""}}).code() == Code::kInvalidArgument);
  }
  SECTION("a valid allow list admits the store on its next dial") {
    REQUIRE(hq.auth->SetAllowList({{listed.public_z85, "tokyo-01"}, {osaka.public_z85, "osaka-02"}})
                .ok());
    // libzmq gives up after a refusal; the spoke re-dials after its hold-off.
    REQUIRE(Eventually([&] { return spoke.connected(); }, 10'000ms));
    REQUIRE(spoke.Send("hello").ok());
    std::string store_id, bytes;
    REQUIRE(hq.Receive(&store_id, &bytes));
    CHECK(store_id == "osaka-02");
  }
}

TEST_CASE("a key taken off the allow list speaks for no store, even on its open connection",
          "[transport][security]") {
  CurveKeyPair tokyo = Keys(), tokyo_new = Keys();
  Hq hq({{tokyo.public_z85, "tokyo-01"}});
  zmq::context_t store_context;
  SyncSpoke old_link(store_context, tokyo, hq.keys.public_z85, hq.hub->endpoint());
  REQUIRE(old_link.Connect().ok());
  REQUIRE(Eventually([&] { return old_link.connected(); }));
  REQUIRE(old_link.Send("before").ok());
  std::string store_id, bytes;
  REQUIRE(hq.Receive(&store_id, &bytes));
  CHECK(store_id == "tokyo-01");

  // The store's key is replaced: the old connection stays open, but is no longer tokyo-01.
  REQUIRE(hq.auth->SetAllowList({{tokyo_new.public_z85, "tokyo-01"}}).ok());
  CHECK(hq.hub->Send("tokyo-01", "for tokyo").code() == Code::kNotFound);
  REQUIRE(old_link.Send("after").ok());
  bool delivered = false;
  REQUIRE(Eventually([&] {
    delivered = delivered || hq.hub->Receive(&store_id, &bytes);
    return hq.hub->dropped_unlisted() == 1;
  }));
  CHECK_FALSE(delivered);
  CHECK(old_link.connected());

  SECTION("the new key takes the store id, and an old connection speaking later does not take it back") {
    SyncSpoke new_link(store_context, tokyo_new, hq.keys.public_z85, hq.hub->endpoint());
    REQUIRE(new_link.Connect().ok());
    REQUIRE(Eventually([&] { return new_link.connected(); }));
    REQUIRE(new_link.Send("new disk").ok());
    REQUIRE(hq.Receive(&store_id, &bytes));
    CHECK(store_id == "tokyo-01");
    CHECK(bytes == "new disk");
    REQUIRE(old_link.Send("still here").ok());
    REQUIRE(Eventually([&] {
      delivered = delivered || hq.hub->Receive(&store_id, &bytes);
      return hq.hub->dropped_unlisted() == 2;
    }));
    CHECK_FALSE(delivered);
    REQUIRE(hq.hub->Send("tokyo-01", "for tokyo").ok());
    REQUIRE(Eventually([&] { return new_link.Receive(&bytes); }));
    CHECK(bytes == "for tokyo");
  }
}

TEST_CASE("a store posing as another by routing id still appears under its own store id",
          "[transport]") {
  CurveKeyPair tokyo = Keys(), osaka = Keys();
  Hq hq({{tokyo.public_z85, "tokyo-01"}, {osaka.public_z85, "osaka-02"}});
  zmq::context_t store_context;
  SyncSpoke tokyo_spoke(store_context, tokyo, hq.keys.public_z85, hq.hub->endpoint());
  REQUIRE(tokyo_spoke.Connect().ok());
  REQUIRE(Eventually([&] { return tokyo_spoke.connected(); }));
  REQUIRE(tokyo_spoke.Send("tokyo here").ok());
  std::string store_id, bytes;
  REQUIRE(hq.Receive(&store_id, &bytes));
  REQUIRE(store_id == "tokyo-01");

  zmq::socket_t impostor =
      RawClient(store_context, osaka, hq.keys.public_z85, hq.hub->endpoint(), "tokyo-01");
  REQUIRE(impostor.send(zmq::str_buffer("i am tokyo"), zmq::send_flags::dontwait));
  REQUIRE(hq.Receive(&store_id, &bytes));
  CHECK(store_id == "osaka-02");
  CHECK(bytes == "i am tokyo");

  // Replies follow the authenticated id, not the routing id the impostor picked.
  REQUIRE(hq.hub->Send("tokyo-01", "for tokyo").ok());
  REQUIRE(hq.hub->Send("osaka-02", "for osaka").ok());
  REQUIRE(Eventually([&] { return tokyo_spoke.Receive(&bytes); }));
  CHECK(bytes == "for tokyo");
  REQUIRE(RawReceive(impostor, &bytes));
  CHECK(bytes == "for osaka");
}

TEST_CASE("a store that takes over another's routing id is sent nothing meant for that store",
          "[transport][security]") {
  CurveKeyPair tokyo = Keys(), osaka = Keys();
  Hq hq({{tokyo.public_z85, "tokyo-01"}, {osaka.public_z85, "osaka-02"}});
  zmq::context_t store_context;
  std::string store_id, bytes;
  {
    zmq::socket_t victim = RawClient(store_context, tokyo, hq.keys.public_z85, hq.hub->endpoint(), "shared-id");
    REQUIRE(victim.send(zmq::str_buffer("tokyo here"), zmq::send_flags::dontwait));
    REQUIRE(hq.Receive(&store_id, &bytes));
    REQUIRE(store_id == "tokyo-01");
  }
  // Tokyo's connection closed; osaka connects with the id it had. Until HQ has dropped the
  // closed connection, HQ refuses one with the same id (no handover), so osaka dials again.
  zmq::socket_t thief;
  REQUIRE(Eventually([&] {
    thief = RawClient(store_context, osaka, hq.keys.public_z85, hq.hub->endpoint(), "shared-id");
    return thief.send(zmq::str_buffer("osaka here"), zmq::send_flags::dontwait) &&
           hq.Receive(&store_id, &bytes, 300ms);
  }));
  CHECK(store_id == "osaka-02");
  CHECK(hq.hub->Send("tokyo-01", "tokyo's stock").code() == Code::kNotFound);
  REQUIRE(hq.hub->Send("osaka-02", "osaka's stock").ok());
  REQUIRE(RawReceive(thief, &bytes));
  CHECK(bytes == "osaka's stock");
}

TEST_CASE("a store that cannot reach hq says so until it links", "[transport]") {
  std::string endpoint;  // a loopback port nothing listens on, for now
  {
    zmq::context_t probe_context;
    zmq::socket_t probe(probe_context, zmq::socket_type::router);
    probe.bind("tcp://127.0.0.1:*");
    endpoint = probe.get(zmq::sockopt::last_endpoint);
  }
  CurveKeyPair tokyo = Keys(), hq_keys = Keys();
  zmq::context_t store_context;
  SyncSpoke spoke(store_context, tokyo, hq_keys.public_z85, endpoint);
  REQUIRE(spoke.Connect().ok());
  REQUIRE(Eventually([&] {
    return !spoke.connected() && spoke.link_error() == "cannot reach HQ at " + endpoint +
                                                           " (HQ down, or no route to it); retrying";
  }));

  // HQ comes up there: the store links by itself, and the reason goes.
  zmq::context_t hq_context;
  auto auth = ZapAuthenticator::Start(hq_context, {{tokyo.public_z85, "tokyo-01"}});
  REQUIRE(auth.ok());
  SyncHub hub(hq_context, hq_keys, auth->get());
  REQUIRE(hub.Bind(endpoint).ok());
  REQUIRE(Eventually([&] { return spoke.connected(); }, 10'000ms));
  CHECK(spoke.link_error().empty());
}

TEST_CASE("a store with the wrong hq server key cannot talk", "[transport]") {
  CurveKeyPair tokyo = Keys(), not_hq = Keys();
  Hq hq({{tokyo.public_z85, "tokyo-01"}});
  zmq::context_t store_context;
  zmq::socket_t raw = RawClient(store_context, tokyo, not_hq.public_z85, hq.hub->endpoint());
  auto monitor = LinkMonitor::Attach(store_context, raw);
  REQUIRE(monitor.ok());
  REQUIRE(raw.send(zmq::str_buffer("hello"), zmq::send_flags::dontwait));
  SyncSpoke spoke(store_context, tokyo, not_hq.public_z85, hq.hub->endpoint());
  REQUIRE(spoke.Connect().ok());

  REQUIRE(SawEvent(**monitor, LinkEvent::kHandshakeFailed));
  std::string store_id, bytes;
  CHECK_FALSE(hq.Receive(&store_id, &bytes, 500ms));
  CHECK_FALSE(spoke.connected());
  CHECK(spoke.Send("hello").code() == Code::kBusy);
  CHECK(hq.hub->Send("tokyo-01", "x").code() == Code::kNotFound);
  CHECK(hq.auth->accepted() == 0);  // HQ could not even read who it was
}

// libzmq redials a dial whose handshake failed by itself, before the hold-off drops it: that
// retry's "connect retried" event made the store blame the network instead of the key.
TEST_CASE("a store with the wrong hq server key keeps saying to check that key", "[transport]") {
  CurveKeyPair tokyo = Keys(), not_hq = Keys();
  Hq hq({{tokyo.public_z85, "tokyo-01"}});
  zmq::context_t store_context;
  SyncSpoke spoke(store_context, tokyo, not_hq.public_z85, hq.hub->endpoint());
  REQUIRE(spoke.Connect().ok());
  REQUIRE(Eventually([&] { return !spoke.connected() && !spoke.link_error().empty(); }));
  // Through the first hold-off (1 s) and the redial after it.
  std::string first_other;
  for (auto until = std::chrono::steady_clock::now() + 2500ms; std::chrono::steady_clock::now() < until;) {
    CHECK_FALSE(spoke.connected());
    if (spoke.link_error().find("check --hq-key") == std::string::npos && first_other.empty()) {
      first_other = spoke.link_error();
    }
    std::this_thread::sleep_for(20ms);
  }
  CHECK(first_other == "");
}

TEST_CASE("a message above the sync size limit is not delivered", "[transport]") {
  CurveKeyPair tokyo = Keys();
  Hq hq({{tokyo.public_z85, "tokyo-01"}});
  zmq::context_t store_context;
  zmq::socket_t raw = RawClient(store_context, tokyo, hq.keys.public_z85, hq.hub->endpoint());
  auto monitor = LinkMonitor::Attach(store_context, raw);
  REQUIRE(monitor.ok());
  REQUIRE(SawEvent(**monitor, LinkEvent::kUp));

  std::string at_limit(kMaxSyncMessageBytes, 'a');
  REQUIRE(raw.send(zmq::buffer(at_limit), zmq::send_flags::dontwait));
  std::string store_id, bytes;
  REQUIRE(hq.Receive(&store_id, &bytes));
  CHECK(bytes.size() == kMaxSyncMessageBytes);

  std::string above(kMaxSyncMessageBytes + 1, 'b');
  REQUIRE(raw.send(zmq::buffer(above), zmq::send_flags::dontwait));
  REQUIRE(SawEvent(**monitor, LinkEvent::kDown));  // HQ cut the link
  CHECK_FALSE(hq.Receive(&store_id, &bytes, 500ms));

  // Our own ends refuse to send one at all.
  CHECK(hq.hub->Send("tokyo-01", above).code() == Code::kTooLarge);
  SyncSpoke spoke(store_context, tokyo, hq.keys.public_z85, hq.hub->endpoint());
  REQUIRE(spoke.Connect().ok());
  CHECK(spoke.Send(above).code() == Code::kTooLarge);
}

TEST_CASE("the hub will not run without an authenticator", "[transport]") {
  zmq::context_t context;
  SyncHub hub(context, Keys(), nullptr);
  CHECK(hub.Bind("tcp://127.0.0.1:*").code() == Code::kInvalidArgument);

  auto first = ZapAuthenticator::Start(context, {});
  REQUIRE(first.ok());
  CHECK(ZapAuthenticator::Start(context, {}).status().code() == Code::kBusy);
}

TEST_CASE("key files round trip and refuse what is not a key", "[transport]") {
  test::TempDir dir;
  CurveKeyPair pair = Keys();
  CHECK(ValidateKeyPair(pair).ok());
  CHECK(Keys().public_z85 != pair.public_z85);

  std::string path = dir.Sub("store.key");
  REQUIRE(WriteKeyFile(path, pair).ok());
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto read = ReadKeyFile(path);
  REQUIRE(read.ok());
  CHECK(read->public_z85 == pair.public_z85);
  CHECK(read->secret_z85 == pair.secret_z85);
  CHECK(ReadPublicKey(path).value() == pair.public_z85);

  SECTION("an existing key file is never overwritten") {
    CHECK(WriteKeyFile(path, Keys()).code() == Code::kConflict);
    CHECK(ReadKeyFile(path)->secret_z85 == pair.secret_z85);
  }
  SECTION("a public key file holds only the public key") {
    std::string pub = dir.Sub("store.pub");
    REQUIRE(WritePublicKeyFile(pub, pair.public_z85).ok());
    CHECK(ReadPublicKey(pub).value() == pair.public_z85);
    CHECK(ReadKeyFile(pub).status().code() == Code::kCorruption);
    CHECK(WritePublicKeyFile(pub, pair.public_z85).code() == Code::kConflict);
  }
  SECTION("a missing key file is not found") {
    CHECK(ReadKeyFile(dir.Sub("nope.key")).status().code() == Code::kNotFound);
  }
  SECTION("corrupted key files give an error naming the problem") {
    auto corrupt = [&](const std::string& text) {
      std::string bad = dir.Sub("bad.key");
      std::ofstream(bad, std::ios::trunc) << text;
      return ReadKeyFile(bad).status();
    };
    std::string pub = "public = \"" + pair.public_z85 + "\"\n";
    Status truncated = corrupt(pub + "secret = \"" + pair.secret_z85.substr(0, 39) + "\"\n");
    CHECK(truncated.code() == Code::kCorruption);
    CHECK_THAT(truncated.message(), Catch::Contains("secret key must be 40"));
    Status mismatched = corrupt(pub + "secret = \"" + Keys().secret_z85 + "\"\n");
    CHECK_THAT(mismatched.message(), Catch::Contains("does not match"));
    Status not_z85 = corrupt(pub + "secret = \"" + std::string(40, '~') + "\"\n");
    CHECK_THAT(not_z85.message(), Catch::Contains("not valid Z85"));
    Status not_toml = corrupt("public = \n");
    CHECK(not_toml.code() == Code::kCorruption);
    CHECK_THAT(not_toml.message(), Catch::Contains("bad.key"));
    CHECK_THAT(corrupt(pub + "secrte = \"x\"\n").message(), Catch::Contains("unknown key secrte"));
    CHECK_THAT(corrupt(pub).message(), Catch::Contains("no secret"));
  }
}

// zmq_curve(7)'s server keypair: its secret is in the man page and countless examples, so
// it authenticates nobody, as a daemon's own key, a listed store's or HQ's.
TEST_CASE("ZeroMQ's published example keys are refused wherever a key is taken", "[transport]") {
  const CurveKeyPair published{"rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7",
                               "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6"};
  const std::string client_public = "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID";
  CHECK_THAT(ValidateKeyPair(published).message(), Catch::Contains("published example key"));
  test::TempDir dir;
  REQUIRE(WriteKeyFile(dir.Sub("a.key"), Keys()).ok());
  CHECK(WriteKeyFile(dir.Sub("example.key"), published).code() == Code::kInvalidArgument);

  zmq::context_t context;
  CHECK(ZapAuthenticator::Start(context, {{client_public, "tokyo-01"}}).status().code() ==
        Code::kInvalidArgument);
  auto auth = ZapAuthenticator::Start(context, {});
  REQUIRE(auth.ok());
  CHECK((*auth)->SetAllowList({{published.public_z85, "tokyo-01"}}).code() ==
        Code::kInvalidArgument);
  SyncSpoke spoke(context, Keys(), published.public_z85, "tcp://127.0.0.1:1");
  CHECK(spoke.Connect().code() == Code::kInvalidArgument);
}

}  // namespace kura
