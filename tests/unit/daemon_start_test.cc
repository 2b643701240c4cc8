// A daemon does not open its database on a disk too full to take the open's own writes
// (RocksDB's open then aborts on an assertion in Debian's build instead of failing).
#include <cstdint>
#include <limits>

#include <catch2/catch.hpp>

#include "daemon_start.h"
#include "temp_dir.h"

namespace kura {
namespace {

TEST_CASE("the free-space check before opening passes a roomy disk and names a full one", "[daemon]") {
  test::TempDir dir;
  CHECK(FreeSpaceProblem(dir.path(), 1).empty());
  std::string full = FreeSpaceProblem(dir.path(), std::numeric_limits<int64_t>::max());
  CHECK_THAT(full, Catch::Contains("KiB free on the disk of " + dir.path()));
  CHECK_THAT(full, Catch::Contains("free some space"));
  CHECK_THAT(FreeSpaceProblem(dir.Sub("missing/deeper"), 1), Catch::StartsWith("cannot read the free space"));
}

}  // namespace
}  // namespace kura
