#include <catch2/catch.hpp>

#include "kura/schema/status.h"

TEST_CASE("status code names round-trip through the wire names", "[status]") {
  for (int c = 0; c <= static_cast<int>(kura::Status::Code::kInternal); ++c) {
    auto code = static_cast<kura::Status::Code>(c);
    CHECK(kura::Status::CodeFromName(kura::Status::CodeName(code)) == code);
  }
  CHECK(kura::Status::CodeFromName("no_such_code") == kura::Status::Code::kInternal);
}
