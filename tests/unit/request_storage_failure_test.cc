// A mutating request that storage could not serve (a read answered io_error or busy) is not
// remembered under its rid: the retry the client is told to make runs afresh, where a
// refusal (any other error) is the rid's answer for good (PROTOCOL.md 1.2, 1.4).
#include <catch2/catch.hpp>

#include "custom_ops_engine.h"

namespace kura::test {
namespace {

using nlohmann::json;

// How the next calls of OpFlaky fail, first to last; ok once it is empty.
std::vector<Status> failures;

Result<json> OpFlaky(OpContext& ctx, const json&) {
  if (!failures.empty()) {
    Status next = failures.front();
    failures.erase(failures.begin());
    return next;
  }
  ctx.txn.Put(Cf::kLocal, "done/" + std::string(ctx.rid), "");
  return json{{"done", true}};
}

constexpr OpSpec kOps[] = {{"flaky", OpFlaky, true, nullptr}};

TEST_CASE("a request storage failed is not remembered under its rid; a refusal is", "[engine][storage]") {
  CustomOpsEngine engine(kOps);
  auto call = [&](const std::string& rid) { return engine.Call("flaky", rid); };

  failures = {Status::IOError("read failed"), Status::Busy("timed out")};
  CHECK(call("r-1").status().code() == Status::Code::kIOError);
  CHECK(call("r-1").status().code() == Status::Code::kBusy);
  auto retried = call("r-1");
  REQUIRE(retried.ok());
  CHECK((*retried)["done"] == true);
  CHECK(call("r-1").ok());  // and now remembered

  failures = {Status::Conflict("refused")};
  CHECK(call("r-2").status().code() == Status::Code::kConflict);
  CHECK(call("r-2").status().code() == Status::Code::kConflict);  // the first answer, not a new run
  CHECK(failures.empty());
}

}  // namespace
}  // namespace kura::test
