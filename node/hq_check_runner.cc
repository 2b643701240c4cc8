#include "hq_check_runner.h"

#include <exception>

#include <rocksdb/perf_level.h>
#include <spdlog/spdlog.h>

#include "admin.h"
#include "kura/schema/api.h"
#include "txn.h"

namespace kura {

HqCheckRunner::~HqCheckRunner() {
  stop_ = true;
  if (running_.valid()) running_.wait();
}

bool HqCheckRunner::Route(std::string_view request, Reply reply) {
  auto decoded = DecodeRequest(request);
  if (!decoded.ok() || decoded->op != "admin.check") return false;
  waiting_.push_back(std::move(reply));
  return true;
}

void HqCheckRunner::Tick(std::chrono::milliseconds wait) {
  if (running_.valid()) {
    if (running_.wait_for(wait) != std::future_status::ready) return;
    Answer(running_.get());
  }
  if (!waiting_.empty()) Start();
}

void HqCheckRunner::Start() {
  answering_.swap(waiting_);
  spdlog::info("event=admin_check_started requests={}", answering_.size());
  try {
    std::shared_ptr<const rocksdb::Snapshot> snapshot = db_->Snapshot();
    running_ = std::async(std::launch::async, [this, snapshot] {
      try {
        rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);  // as Db::Open does for the loop
        if (before_reading_) before_reading_();
        Txn txn(db_, snapshot.get());
        txn.StopWhen(&stop_);
        Result<nlohmann::json> result = HqAdminCheck(txn);
        if (!result.ok()) return EncodeReply(result.status(), nullptr);
        spdlog::info("event=admin_check_done ok={} problems={}", (*result)["ok"].get<bool>(),
                     (*result)["problems"].size());
        return EncodeReply(Status::Ok(), std::move(*result));
      } catch (const std::exception& e) {
        return EncodeReply(Status::Internal(std::string("admin.check: ") + e.what()), nullptr);
      }
    });
  } catch (const std::exception& e) {  // no thread to be had, say: HQ goes on
    Answer(EncodeReply(Status::Internal(std::string("admin.check: ") + e.what()), nullptr));
  }
}

void HqCheckRunner::Answer(const std::string& reply) {
  for (const Reply& answer : answering_) answer(reply);
  answering_.clear();
}

}  // namespace kura
