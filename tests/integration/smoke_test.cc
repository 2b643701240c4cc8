#include <catch2/catch.hpp>

#include "daemon_process.h"
#include "temp_dir.h"

using kura::test::DaemonProcess;
using kura::test::TempDir;

TEST_CASE("a started daemon reports its store id in status", "[daemon]") {
  TempDir dir;
  DaemonProcess daemon("tokyo-01", dir.Sub("data"));
  daemon.Start();
  auto status = daemon.Must("status");
  CHECK(status["store_id"] == "tokyo-01");
  CHECK(status["skus"] == 0);
}
