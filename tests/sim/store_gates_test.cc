// StoreGates: the control thread closes one store's gate and waits out what is in flight.
#include "store_gates.h"

#include <atomic>
#include <optional>
#include <thread>

#include <catch2/catch.hpp>

namespace kura::sim {
namespace {

TEST_CASE("closing a store's gate waits for its passes, and lets no new one through", "[sim][processes]") {
  StoreGates gates(2);
  std::optional<StoreGates::Pass> in_flight;
  in_flight.emplace(gates.Enter(0));
  REQUIRE(*in_flight);
  std::atomic<bool> closed{false};
  std::thread control([&] {
    gates.Close(0);
    closed = true;
  });
  // Once the gate is closed no pass is given: wait for that, not for time.
  while (gates.Enter(0)) std::this_thread::yield();
  CHECK_FALSE(closed);  // the request in flight still holds it up
  CHECK(gates.Enter(1));  // another store's traffic goes on
  in_flight.reset();
  control.join();
  CHECK(closed);
  CHECK_FALSE(gates.Enter(0));
  gates.Open(0);
  CHECK(gates.Enter(0));
}

}  // namespace
}  // namespace kura::sim
