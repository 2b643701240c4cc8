// HQ's exception log (node/hq_index.h RecordException): records are numbered by a counter
// kept on disk, so a record made after a restart at the same instant as an earlier one, or
// beside records of a build that counted from 0 at each start, overwrites none of them.
#include <catch2/catch.hpp>

#include "hq_index.h"
#include "kura/schema/codec.h"
#include "kura/schema/keys.h"
#include "replica_harness.h"

namespace kura::test {
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

}  // namespace
}  // namespace kura::test
