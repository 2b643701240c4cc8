// kura-sim's network: a link keeps order in each direction (it stands for a TCP
// connection), however the jitter falls; only the reorder fault lets a message overtake.
#include <catch2/catch.hpp>

#include <vector>

#include "network.h"

namespace kura::sim {
namespace {

// Sends `n` messages each way over store 0's link, one every millisecond (well inside the
// jitter), and returns the order they arrived in, per direction.
std::vector<std::vector<int>> Arrivals(NetOptions options, int n) {
  EventQueue queue;
  SimNetwork net(1, options, 42);
  std::vector<std::vector<int>> arrived(2);
  for (int i = 0; i < n; ++i) {
    queue.At(i, [&, i] {
      for (bool to_hq : {false, true}) {
        net.Send(/*sender=*/0, queue.now(), 0, to_hq, std::to_string(i),
                 [&, to_hq](const std::string& b) {
                   arrived[to_hq].push_back(std::stoi(b));
                   return true;
                 });
        net.HandOver([&](int, bool) { return &queue; });
      }
    });
  }
  while (queue.RunNext(1'000'000)) {
  }
  return arrived;
}

bool InOrder(const std::vector<int>& v) { return std::is_sorted(v.begin(), v.end()); }

TEST_CASE("a sim link keeps order in each direction unless the reorder fault holds a message back", "[sim]") {
  NetOptions clean;
  clean.latency_ms = 40;
  auto arrived = Arrivals(clean, 500);
  REQUIRE(arrived[0].size() == 500);
  REQUIRE(arrived[1].size() == 500);
  CHECK(InOrder(arrived[0]));
  CHECK(InOrder(arrived[1]));

  NetOptions reordering = clean;
  reordering.reorder = 0.1;
  arrived = Arrivals(reordering, 500);
  CHECK_FALSE(InOrder(arrived[0]));
  CHECK_FALSE(InOrder(arrived[1]));
}

// Sends 200 messages from HQ over store 0's link, from list `sender`, with a message over
// store 1's link between each when `busy_neighbour`; returns store 0's arrival times.
std::vector<int64_t> StoreZeroArrivals(int sender, bool busy_neighbour) {
  NetOptions faulty;
  faulty.drop = faulty.duplicate = faulty.reorder = 0.2;
  EventQueue queue;
  SimNetwork net(2, faulty, 42, /*senders=*/2);
  std::vector<int64_t> arrived;
  for (int i = 0; i < 200; ++i) {
    net.Send(sender, i, 0, /*to_hq=*/false, "m", [&](const std::string&) {
      arrived.push_back(queue.now());
      return true;
    });
    if (busy_neighbour) net.Send(0, i, 1, /*to_hq=*/false, "n", [](const std::string&) { return true; });
  }
  net.HandOver([&](int, bool) { return &queue; });
  while (queue.RunNext(1'000'000)) {
  }
  return arrived;
}

TEST_CASE("a sim link's faults are its own: other links and the sending lane do not move them", "[sim]") {
  std::vector<int64_t> alone = StoreZeroArrivals(0, false);
  CHECK(alone.size() > 100);  // some dropped, some duplicated
  CHECK(alone != std::vector<int64_t>(alone.size(), alone.front()));
  CHECK(StoreZeroArrivals(0, true) == alone);
  CHECK(StoreZeroArrivals(1, true) == alone);
}

}  // namespace
}  // namespace kura::sim
