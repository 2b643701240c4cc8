// A daemon's API on an IPv6 address, as `--api tcp://[::1]:PORT` (README) asks: served,
// and reached by the API client (kuractl's).
#include <catch2/catch.hpp>
#include <zmq.hpp>

#include "daemon_process.h"
#include "kura/node/api_client.h"
#include "temp_dir.h"

using kura::test::DaemonProcess;
using kura::test::TempDir;

TEST_CASE("kura-store serves its API on an IPv6 loopback endpoint", "[daemon][ipv6]") {
  // A free port on ::1, given back for the store to take.
  std::string endpoint;
  {
    zmq::socket_t probe(DaemonProcess::Context(), zmq::socket_type::router);
    probe.set(zmq::sockopt::ipv6, 1);
    probe.bind("tcp://[::1]:*");
    endpoint = probe.get(zmq::sockopt::last_endpoint);
  }
  REQUIRE_THAT(endpoint, Catch::StartsWith("tcp://[::1]:"));
  TempDir dir;
  DaemonProcess store("nara-02", dir.Sub("data"), {"--api", endpoint});
  store.Start();
  kura::ApiClient client(DaemonProcess::Context(), endpoint, 5000);
  auto status = client.Call("status");
  REQUIRE(status.ok());
  CHECK((*status)["store_id"] == "nara-02");
}
