// HQ's exception log (node/hq_index.h RecordException): records are numbered by a counter
// kept on disk, so a record made after a restart at the same instant as an earlier one, or
// beside records of a build that counted from 0 at each start, overwrites none of them.
#include <catch2/catch.hpp>

#include "hq_index.h"
#include "kura/schema/codec.h"
#include "kura/schema/keys.h"
#include "replica_harness.h"

namespace kura::test {
using nlohmann::json;

namespace {

Status Record(Replica& hq, int64_t at_ms, const std::string& message) {
  Txn txn(hq.engine->db());
  KURA_RETURN_IF_ERROR(
      RecordException(txn, HqException{at_ms, "sync_rejected", "store-1", message}));
  return txn.Commit();
}

TEST_CASE("the exception log's numbers are kept on disk and pass an earlier build's", "[hq]") {
  Replica hq(kHqOrigin);
  // A record an earlier build made at this instant, numbered 0 by its count in memory.
  std::string old_key(kExceptionPrefix);
  PutBigEndian64(&old_key, 1'000);
  old_key.push_back('/');
  PutBigEndian64(&old_key, 0);
  {
    Txn txn(hq.engine->db());
    txn.Write(Cf::kLocal, old_key,
              HqException{1'000, "sync_rejected", "store-1", "before the upgrade"});
    REQUIRE(txn.Commit().ok());
  }
  REQUIRE(Record(hq, 1'000, "first").ok());
  REQUIRE(Record(hq, 1'000, "second").ok());

  CHECK(hq.Ok("hq.exceptions")["exceptions"].size() == 3);
  Txn txn(hq.engine->db());
  auto next = txn.Read<uint64_t>(Cf::kMeta, keys::kMetaExceptionSeq);
  REQUIRE(next.ok());
  REQUIRE(next->has_value());
  CHECK(**next == kFirstExceptionSeq + 2);
}

// The log only grows (every till sale with override adds to it): an operator asks for the
// newest, and is told when there are more than were listed.
TEST_CASE("hq.exceptions lists the oldest or the newest records and says when there are more",
          "[hq]") {
  Replica hq(kHqOrigin);
  for (int i = 1; i <= 5; ++i) REQUIRE(Record(hq, 1'000 * i, "refusal " + std::to_string(i)).ok());
  auto messages = [](const json& reply) {
    std::vector<std::string> out;
    for (const json& e : reply["exceptions"]) out.push_back(e["message"]);
    return out;
  };
  json oldest = hq.Ok("hq.exceptions", {{"limit", 2}});
  CHECK(messages(oldest) == std::vector<std::string>{"refusal 1", "refusal 2"});
  CHECK(oldest["more"] == true);
  json newest = hq.Ok("hq.exceptions", {{"limit", 2}, {"newest", 1}});
  CHECK(messages(newest) == std::vector<std::string>{"refusal 4", "refusal 5"});
  CHECK(newest["more"] == true);
  CHECK(hq.Ok("hq.exceptions", {{"limit", 5}, {"newest", 1}})["more"] == false);
  CHECK(hq.Ok("hq.exceptions", {{"limit", 5}})["more"] == false);
  CHECK(hq.Call("hq.exceptions", {{"newest", 2}}).status().code() == Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace kura::test
