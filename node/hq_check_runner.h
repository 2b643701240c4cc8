// HqCheckRunner: kura-hq's admin.check without stopping HQ. The check reads every stock,
// hold and change-index entry HQ holds (millions at 200 stores x 5,000 SKUs); run in a
// commit group it would hold HQ's loop, and with it every store link and online order,
// for seconds. Instead it reads a snapshot of the database on a worker thread, so it
// compares one moment's cells with that moment's indexes while merges go on, and the
// loop answers once it is done. The snapshot is taken on the loop's next tick, after the
// commit group the request came with: a check sees every write answered before it.
// Requests waiting when a check starts share its answer; later ones wait for the next.
// The op itself (admin.h) is unchanged and still runs in a commit group where nothing
// routes it (kura-sim, the tests). Loop thread only; not thread-safe.
#pragma once

#include <atomic>
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
  ~HqCheckRunner() override;  // stops a running check and waits for its thread

  // Takes `admin.check`; leaves every other request to the commit group.
  bool Route(std::string_view request, Reply reply) override;
  // Answers the requests of a finished check (waiting up to `wait` for it), then starts
  // one for the requests waiting, if any. Call every ~100 ms, outside a commit group.
  void Tick(std::chrono::milliseconds wait = std::chrono::milliseconds(0));
  bool running() const { return running_.valid(); }

 private:
  void Start();
  // Sends `reply` to the running check's requests.
  void Answer(const std::string& reply);

  Db* db_;
  std::function<void()> before_reading_;
  std::atomic<bool> stop_{false};  // set to end a running check early (shutdown)
  std::future<std::string> running_;  // the encoded reply
  std::vector<Reply> answering_;      // the running check's requests
  std::vector<Reply> waiting_;        // the next check's
};

}  // namespace kura
