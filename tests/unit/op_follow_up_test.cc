// OpSpec::follow_up (node/ops.h): it runs after the handler whatever the handler's result,
// its writes stay when the handler's are rolled back, and when it fails nothing of the
// request is written, its request id included, so a retry runs afresh. (kura-hq's
// hq.order.place settles its routed call this way: node/routed_calls.h.)
#include <catch2/catch.hpp>

#include "custom_ops_engine.h"

namespace kura::test {
namespace {

using nlohmann::json;

int follow_ups_to_fail = 0;

Result<json> OpPut(OpContext& ctx, const json& args) {
  ctx.txn.Put(Cf::kLocal, "handler/" + std::string(ctx.rid), "");
  if (args.value("refuse", false)) return Status::Conflict("refused");
  return json{{"put", true}};
}

Status FollowUp(OpContext& ctx, const json&, const Result<json>& result) {
  ctx.txn.Put(Cf::kLocal, "follow_up/" + std::string(ctx.rid), result.ok() ? "ok" : "refused");
  if (follow_ups_to_fail > 0) {
    --follow_ups_to_fail;
    return Status::IOError("follow-up failed");
  }
  return Status::Ok();
}

constexpr OpSpec kOps[] = {{"put", OpPut, true, FollowUp}};

TEST_CASE("op follow-up: runs after a refusal, its writes kept and the handler's rolled back", "[engine]") {
  follow_ups_to_fail = 0;
  CustomOpsEngine h(kOps);
  CHECK(h.Call("put", "r-1", {{"refuse", true}}).status().code() == Status::Code::kConflict);
  CHECK(h.Local("handler/r-1") == "absent");
  CHECK(h.Local("follow_up/r-1") == "refused");
  REQUIRE(h.Call("put", "r-2").ok());
  CHECK(h.Local("handler/r-2").empty());
  CHECK(h.Local("follow_up/r-2") == "ok");
}

TEST_CASE("op follow-up: when it fails nothing of the request is written, and its retry runs afresh", "[engine]") {
  follow_ups_to_fail = 1;
  CustomOpsEngine h(kOps);
  CHECK(h.Call("put", "r-3").status().code() == Status::Code::kIOError);
  CHECK(h.Local("handler/r-3") == "absent");
  CHECK(h.Local("follow_up/r-3") == "absent");
  REQUIRE(h.Call("put", "r-3").ok());  // not the stored failure
  CHECK(h.Local("handler/r-3").empty());
  CHECK(h.Local("follow_up/r-3") == "ok");
}

}  // namespace
}  // namespace kura::test
