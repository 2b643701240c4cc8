// A synced write that fails (an I/O error on RocksDB's log: a full or failing disk) is
// fatal to the open database: RocksDB refuses every later write, even once the disk is
// fine again. Db remembers the first failure, the daemons' loop stops on it
// (StopOnStorageFailure), and reopening the directory recovers every acknowledged write
// and none of the failed ones; a group whose write failed answers nothing from it. The
// real-process version: tests/crash/disk_failure_test.cc.
#include <catch2/catch.hpp>

#include <atomic>
#include <string>
#include <vector>

#include <rocksdb/write_batch.h>
#include <zmq.hpp>

#include "daemon_start.h"
#include "db.h"
#include "event_loop.h"
#include "failing_log_env.h"
#include "replica_harness.h"
#include "temp_dir.h"

namespace kura::test {
namespace {

Status Put(Db& db, const std::string& key) {
  rocksdb::WriteBatch batch;
  REQUIRE(batch.Put(db.handle(Cf::kLocal), key, "v").ok());
  return db.WriteSynced(&batch);
}

bool Has(Db& db, const std::string& key) {
  std::string value;
  Status s = db.Get(Cf::kLocal, key, &value);
  REQUIRE((s.ok() || s.code() == Status::Code::kNotFound));
  return s.ok();
}

TEST_CASE("a failed synced write stops the database until it is reopened", "[db][storage]") {
  FailingLogEnv env;
  TempDir dir;
  {
    auto db = Db::Open(dir.Sub("db"), &env);
    REQUIRE(db.ok());
    REQUIRE(Put(**db, "acked").ok());
    CHECK((*db)->WriteFailure().ok());

    env.fail = true;
    Status failed = Put(**db, "refused");
    REQUIRE(!failed.ok());
    CHECK((*db)->WriteFailure().ToString() == failed.ToString());

    // The disk is fine again, but this handle stays refused, and remembers the first error.
    env.fail = false;
    CHECK(!Put(**db, "after").ok());
    CHECK((*db)->WriteFailure().ToString() == failed.ToString());
    CHECK(Has(**db, "acked"));
  }
  auto reopened = Db::Open(dir.Sub("db"), &env);
  REQUIRE(reopened.ok());
  CHECK((*reopened)->WriteFailure().ok());
  CHECK(Has(**reopened, "acked"));
  CHECK_FALSE(Has(**reopened, "refused"));
  CHECK_FALSE(Has(**reopened, "after"));
  CHECK(Put(**reopened, "again").ok());
}

TEST_CASE("a group whose write fails answers every request in it io_error", "[db][storage]") {
  FailingLogEnv env;
  Replica store("store-001", 0, &env);
  env.fail = true;
  const std::string receive = EncodeRequest({"stock.receive", "r-1", {{"sku", "SKU-A"}, {"qty", 1}}});
  const std::string read = EncodeRequest({"stock.get", "", {{"sku", "SKU-A"}}});
  // The retry of r-1 and the read both see r-1's writes before they are durable: neither
  // may answer from them once the write failed.
  std::vector<std::string> replies = store.engine->ExecuteGroup({receive, receive, read});
  REQUIRE(replies.size() == 3);
  for (const std::string& reply : replies) CHECK(DecodeReply(reply).status().code() == Status::Code::kIOError);
}

TEST_CASE("a daemon's loop stops once its database refused a write", "[daemon][storage]") {
  FailingLogEnv env;
  Replica store("store-001", 0, &env);
  store.Ok("stock.receive", {{"sku", "SKU-A"}, {"qty", 2}});

  EventLoop loop;
  StopOnStorageFailure(loop, store.engine.get());
  // The write a request would make, refused by the disk: the loop then returns its error.
  loop.Every("write", 1, [&] {
    env.fail = true;
    CHECK(!store.Call("stock.receive", {{"sku", "SKU-A"}, {"qty", 1}}).ok());
  });
  // Only if the loop went on: end the test rather than hang it.
  std::atomic<bool> timed_out{false};
  loop.Every("timeout", 20'000, [&] { timed_out = true; });

  Status ran = loop.Run(timed_out);
  CHECK_FALSE(timed_out);
  CHECK(ran.code() == Status::Code::kIOError);
  CHECK(ran.ToString() == store.engine->db()->WriteFailure().ToString());
}

TEST_CASE("a failed check stops the loop before the next ready handler replies", "[daemon][storage]") {
  zmq::context_t context(1);
  zmq::socket_t a(context, zmq::socket_type::pair), to_a(context, zmq::socket_type::pair);
  zmq::socket_t b(context, zmq::socket_type::pair), to_b(context, zmq::socket_type::pair);
  a.bind("inproc://a");
  to_a.connect("inproc://a");
  b.bind("inproc://b");
  to_b.connect("inproc://b");
  // Both readable before the loop polls: one poll reports both.
  REQUIRE(to_a.send(zmq::str_buffer("write"), zmq::send_flags::none));
  REQUIRE(to_b.send(zmq::str_buffer("reply"), zmq::send_flags::none));

  EventLoop loop;
  bool write_failed = false;
  int b_handled = 0;
  loop.StopOnError([&] { return write_failed ? Status::IOError("write: disk failure (test)") : Status::Ok(); });
  loop.Watch(a, [&] {
    zmq::message_t message;
    REQUIRE(a.recv(message));
    write_failed = true;  // as a commit group whose write failed
    return Status::Ok();
  });
  loop.Watch(b, [&] {
    zmq::message_t message;
    REQUIRE(b.recv(message));
    ++b_handled;
    return Status::Ok();
  });
  std::atomic<bool> never{false};
  Status ran = loop.Run(never);
  CHECK(ran.code() == Status::Code::kIOError);
  CHECK(b_handled == 0);
}

}  // namespace
}  // namespace kura::test
