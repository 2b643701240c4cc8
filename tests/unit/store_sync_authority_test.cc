// What a store takes by sync (PROTOCOL.md 2.3 rule 5): batches from HQ only, and only cells
// of its own partition, whatever HQ relays. The transport gives a store no other peer, and
// HQ sends no other cells: these checks are what holds if either ever did.
#include <catch2/catch.hpp>

#include "directory.h"
#include "kura/schema/codec.h"
#include "kura/schema/keys.h"
#include "kura/sync/lww_register.h"
#include "kura/sync/pn_counter.h"
#include "replica_harness.h"

namespace kura::test {
namespace {

using Code = Status::Code;

Status MergeFrom(Replica& at, const std::string& peer, const Component& c) {
  VersionVector through;
  through.Advance(c.origin, c.seq);
  return at.cells->Merge(peer, {c}, through);
}

TEST_CASE("a store takes by sync only HQ's batches, and only its own partition", "[sync][auth]") {
  Replica store("store-a");
  // Another store's stock, as its own origin wrote it, relayed by HQ.
  PnCounter stock;
  stock.Add("store-b", 1, 5);
  CHECK(MergeFrom(store, kHqOrigin,
                  Component{keys::Stock("store-b", "TEE"), "store-b", 1, Encode(stock)})
            .code() == Code::kInvalidArgument);

  // HQ's status write for this store: taken from HQ, refused from anyone else.
  RegisterCell status;
  status.writes[kHqOrigin] =
      LwwRegister{Encode(StoreStatus{static_cast<int>(StoreState::kClosed), "", 1}),
                  MakeHlc(Replica::kStartMs, 0), kHqOrigin, 1};
  Component closed{keys::StoreStatus("store-a"), kHqOrigin, 1, Encode(status)};
  CHECK(MergeFrom(store, "store-b", closed).code() == Code::kInvalidArgument);
  CHECK(store.Ok("directory.list")["stores"].empty());
  REQUIRE(MergeFrom(store, kHqOrigin, closed).ok());
  CHECK(store.Ok("directory.list")["stores"][0]["status"] == "closed");
}

}  // namespace
}  // namespace kura::test
