// Crash test: SIGKILL a real kura-store at random moments under a concurrent write load,
// restart it, and check that every acknowledged operation is present exactly once and
// nothing is half-applied.
//
// Every request carries a client request id. A request that got no reply before the kill
// has an unknown outcome; after the restart it is retried with the same id, which must
// either apply it now or return the first answer. Once every operation has an answer,
// the stock, holds and journal must match those answers exactly.
#include <signal.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <cstdlib>
#include <random>
#include <thread>

#include <catch2/catch.hpp>

#include "daemon_process.h"
#include "temp_dir.h"

using kura::test::DaemonProcess;
using kura::test::TempDir;
using nlohmann::json;

namespace {

enum class Kind { kReceive, kSell, kHold };

struct Op {
  Kind kind;
  std::string rid;
  json args;
  std::string op_name;
  bool answered = false;
  bool ok = false;
};

// One writer thread's history: every operation it sent, in order.
struct Writer {
  std::string sku;
  std::vector<Op> ops;
};

Op MakeOp(const std::string& sku, int n) {
  Op op;
  if (n % 7 == 6) {
    op = {Kind::kSell, {}, {{"lines", json::array({{{"sku", sku}, {"qty", 1}, {"price_cents", 500}}})}},
          "stock.sell"};
  } else if (n % 5 == 4) {
    op = {Kind::kHold, {}, {{"kind", "pickup"}, {"lines", json::array({{{"sku", sku}, {"qty", 1}}})},
                            {"customer", "c-" + std::to_string(n)}}, "hold.create"};
  } else {
    op = {Kind::kReceive, {}, {{"sku", sku}, {"qty", 1}}, "stock.receive"};
  }
  op.rid = kura::ApiClient::NewRequestId();
  return op;
}

// Sends `op` once; records the answer if one came.
void Send(kura::ApiClient& client, Op& op) {
  auto result = client.Call(op.op_name, op.args, op.rid);
  if (!result.ok() && result.status().code() == kura::Status::Code::kIOError) return;  // unknown
  op.answered = true;
  op.ok = result.ok();
}

int KillsFromEnv() {
  const char* env = std::getenv("KURA_CRASH_KILLS");
  return env != nullptr ? std::max(1, std::atoi(env)) : 24;
}

}  // namespace

TEST_CASE("acknowledged operations survive sigkill exactly once", "[crash]") {
  const int kills = KillsFromEnv();
  constexpr int kWriters = 6;
  const uint64_t seed = std::random_device{}();
  INFO("seed " << seed << ", kills " << kills);
  std::mt19937_64 rng(seed);

  TempDir dir;
  DaemonProcess daemon("crash-01", dir.Sub("data"));
  std::vector<Writer> writers(kWriters);
  for (int w = 0; w < kWriters; ++w) writers[w].sku = "SKU-" + std::to_string(w);

  int total_kills = 0;
  for (int round = 0; round <= kills; ++round) {
    daemon.Start();
    // Settle every unknown outcome from the previous life first, with the same ids.
    for (auto& writer : writers) {
      for (auto& op : writer.ops) {
        if (op.answered) continue;
        Send(daemon.client(), op);
        REQUIRE(op.answered);
      }
    }
    if (round == kills) break;

    // The kill lands after a random number of acknowledged operations, while the writers
    // keep going: some requests are in flight, some in the middle of a commit group.
    const int kill_after = std::uniform_int_distribution<int>(10, 400)(rng);
    std::mutex mu;
    std::condition_variable acked_cv;
    int acked = 0, live = kWriters;
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    for (auto& writer : writers) {
      threads.emplace_back([&] {
        kura::ApiClient client(DaemonProcess::Context(), daemon.endpoint(), 1000);
        while (!stop.load()) {
          writer.ops.push_back(MakeOp(writer.sku, static_cast<int>(writer.ops.size())));
          Send(client, writer.ops.back());
          if (!writer.ops.back().answered) break;  // the daemon is gone
          std::lock_guard<std::mutex> lock(mu);
          ++acked;
          acked_cv.notify_one();
        }
        std::lock_guard<std::mutex> lock(mu);
        --live;  // a writer whose request timed out stops early; don't wait for it
        acked_cv.notify_one();
      });
    }
    {
      std::unique_lock<std::mutex> lock(mu);
      acked_cv.wait(lock, [&] { return acked >= kill_after || live == 0; });
    }
    daemon.Stop(SIGKILL);
    ++total_kills;
    stop = true;
    for (auto& t : threads) t.join();
  }
  REQUIRE(total_kills == kills);

  // Every operation now has its answer; the store must agree with the answers exactly.
  int64_t ok_sells = 0, ok_holds = 0, total_ops = 0;
  for (const auto& writer : writers) {
    int64_t on_hand = 0, held = 0;
    for (const auto& op : writer.ops) {
      ++total_ops;
      if (!op.ok) continue;
      if (op.kind == Kind::kReceive) ++on_hand;
      if (op.kind == Kind::kSell) --on_hand, ++ok_sells;
      if (op.kind == Kind::kHold) ++held, ++ok_holds;
    }
    auto stock = daemon.Must("stock.get", {{"sku", writer.sku}});
    INFO("sku " << writer.sku);
    CHECK(stock["on_hand"] == on_hand);
    CHECK(stock["held"] == held);
  }
  auto journal = daemon.Must("journal.list", {{"limit", 10000}});
  REQUIRE(journal["more"] == false);
  CHECK(static_cast<int64_t>(journal["receipts"].size()) == ok_sells);
  auto holds = daemon.Must("hold.list", {{"limit", 100000}});
  REQUIRE(holds["more"] == false);
  CHECK(static_cast<int64_t>(holds["holds"].size()) == ok_holds);
  auto check = daemon.Must("admin.check");
  INFO(check.dump());
  CHECK(check["ok"] == true);
  // The load must have been real for the test to mean anything.
  INFO("operations " << total_ops);
  CHECK(total_ops > kills * kWriters);
}
