#include "poll_until.h"

#include <chrono>
#include <thread>

namespace kura::sim {

bool PollUntil(const std::function<bool()>& done, int64_t timeout_ms, int every_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(every_ms));
  }
  return true;
}

}  // namespace kura::sim
