#include "hq_check_runner.h"

#include <exception>

#include <spdlog/spdlog.h>

#include "admin.h"
#include "kura/schema/api.h"
#include "txn.h"

namespace kura {

HqCheckRunner::~HqCheckRunner() {
  if (running_.valid()) running_.wait();
}

bool HqCheckRunner::Route(std::string_view request, Reply reply) {
  auto decoded = DecodeRequest(request);
  if (!decoded.ok() || decoded->op != "admin.check") return false;
  waiting_.push_back(std::move(reply));
  if (running_.valid()) return true;
  spdlog::info("event=admin_check_started");
  // Taken here, on the loop thread, between commits: the worker sees whole groups only.
  std::shared_ptr<const rocksdb::Snapshot> snapshot = db_->Snapshot();
  running_ = std::async(std::launch::async, [db = db_, snapshot, before_reading = before_reading_] {
    try {
      if (before_reading) before_reading();
      Txn txn(db, snapshot.get());
      Result<nlohmann::json> result = HqAdminCheck(txn);
      if (!result.ok()) return EncodeReply(result.status(), nullptr);
      spdlog::info("event=admin_check_done ok={} problems={}", (*result)["ok"].get<bool>(),
                   (*result)["problems"].size());
      return EncodeReply(Status::Ok(), std::move(*result));
    } catch (const std::exception& e) {
      return EncodeReply(Status::Internal(std::string("admin.check: ") + e.what()), nullptr);
    }
  });
  return true;
}

void HqCheckRunner::Tick(std::chrono::milliseconds wait) {
  if (!running_.valid() || running_.wait_for(wait) != std::future_status::ready) return;
  std::string reply = running_.get();
  for (const Reply& answer : waiting_) answer(reply);
  waiting_.clear();
}

}  // namespace kura
