// StoreGates: lets kura-sim's control thread stop the workload's traffic to one store and
// wait until none of it is left in flight. Before a store's disk is replaced, everything
// the store acknowledged must have reached HQ, or the disk takes it away and the checks
// cannot tell a loss kura caused from one the disk did; a request still on its way would
// be acknowledged after that point.
//
// Thread-safe: the workload's threads Enter, the control thread Closes and Opens.
#pragma once

#include <condition_variable>
#include <mutex>
#include <vector>

namespace kura::sim {

class StoreGates {
 public:
  explicit StoreGates(int stores) : gates_(stores) {}

  // Permission to send one operation (all its requests) concerning `store`; false when
  // its gate is closed. Held until the Pass is dropped.
  class Pass {
   public:
    Pass(StoreGates* gates, int store) : gates_(gates), store_(store) {}
    Pass(Pass&& other) noexcept : gates_(other.gates_), store_(other.store_) { other.gates_ = nullptr; }
    Pass(const Pass&) = delete;
    Pass& operator=(const Pass&) = delete;
    Pass& operator=(Pass&&) = delete;
    ~Pass() {
      if (gates_ != nullptr) gates_->Leave(store_);
    }
    explicit operator bool() const { return gates_ != nullptr; }

   private:
    StoreGates* gates_;
    int store_;
  };

  Pass Enter(int store) {
    std::lock_guard<std::mutex> lock(mu_);
    if (gates_[store].closed) return Pass(nullptr, store);
    ++gates_[store].inside;
    return Pass(this, store);
  }

  // Closes `store`'s gate and returns once every Pass given for it has been dropped.
  void Close(int store) {
    std::unique_lock<std::mutex> lock(mu_);
    gates_[store].closed = true;
    left_.wait(lock, [&] { return gates_[store].inside == 0; });
  }

  void Open(int store) {
    std::lock_guard<std::mutex> lock(mu_);
    gates_[store].closed = false;
  }

 private:
  struct Gate {
    bool closed = false;
    int inside = 0;
  };

  void Leave(int store) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      --gates_[store].inside;
    }
    left_.notify_all();
  }

  std::mutex mu_;
  std::condition_variable left_;
  std::vector<Gate> gates_;
};

}  // namespace kura::sim
