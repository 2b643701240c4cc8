// HqCheckRunner: kura-hq's admin.check without stopping HQ. The check reads every stock,
// hold and change-index entry HQ holds (millions at 200 stores x 5,000 SKUs); run in a
// commit group it would hold HQ's loop, and with it every store link and online order,
// for seconds. Instead it reads a snapshot of the database on a worker thread, so it
// compares one moment's cells with that moment's indexes while merges go on, and the
// loop answers once it is done. Requests that arrive while a check runs share its
// answer. The op itself (admin.h) is unchanged and still runs in a commit group where
// nothing routes it (kura-sim, the tests). Loop thread only; not thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <future>
#include <string>
#include <string_view>
#include <vector>

#include "api_server.h"
#include "db.h"

namespace kura {

class HqCheckRunner final : public RequestRouter {
 public:
  // `db` must outlive this. `before_reading` (tests) runs on the worker, after the
  // snapshot is taken and before the check reads it.
  explicit HqCheckRunner(Db* db, std::function<void()> before_reading = nullptr)
      : db_(db), before_reading_(std::move(before_reading)) {}
  ~HqCheckRunner() override;  // waits for a running check

  // Takes `admin.check`; leaves every other request to the commit group.
  bool Route(std::string_view request, Reply reply) override;
  // Answers the waiting requests if the check is done, waiting up to `wait` for it. Call
  // every ~100 ms.
  void Tick(std::chrono::milliseconds wait = std::chrono::milliseconds(0));
  bool running() const { return running_.valid(); }

 private:
  Db* db_;
  std::function<void()> before_reading_;
  std::future<std::string> running_;  // the encoded reply
  std::vector<Reply> waiting_;
};

}  // namespace kura
