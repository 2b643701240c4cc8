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
  SimNetwork net(1, options, 42, 43);
  std::vector<std::vector<int>> arrived(2);
  for (int i = 0; i < n; ++i) {
    queue.At(i, [&, i] {
      for (bool to_hq : {false, true}) {
        net.Send(queue.now(), 0, to_hq, std::to_string(i),
                 [&, to_hq](const std::string& b) { arrived[to_hq].push_back(std::stoi(b)); });
        net.HandOver(to_hq, &queue);
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

}  // namespace
}  // namespace kura::sim
