#include "op_jobs.h"

#include <spdlog/spdlog.h>

#include "kura/schema/api.h"

namespace kura {

void ScheduleOpJob(EventLoop& loop, Engine* engine, const std::string& op, int64_t every_ms,
                   const std::string& event, const std::string& count_field) {
  loop.Every(op, every_ms, [=] {
    if (engine->awaiting_hq()) return;  // it would be refused: no writes until HQ's data is back
    std::string request = EncodeRequest({op, "", nlohmann::json::object()});
    auto reply = DecodeReply(engine->ExecuteGroup({request})[0]);
    if (!reply.ok()) {
      spdlog::error("event=job_failed job={} error=\"{}\"", op, reply.status().ToString());
    } else if (reply->value(count_field, 0) > 0) {
      spdlog::info("event={} {}={}", event, count_field, (*reply)[count_field].dump());
    }
  });
}

void SchedulePruneRequestIds(EventLoop& loop, Engine* engine) {
  loop.EveryInSteps("prune-request-ids", kPruneRequestIdsEveryMs, [engine, pruned = 0]() mutable {
    auto step = engine->PruneRequestIds();
    if (!step.ok()) {
      spdlog::error("event=job_failed job=prune-request-ids error=\"{}\"", step.status().ToString());
      return false;  // the pass resumes at the next interval, its count kept
    }
    pruned += step->pruned;
    if (!step->done) return true;
    if (pruned > 0) spdlog::info("event=request_ids_pruned count={}", pruned);
    pruned = 0;
    return false;
  });
}

}  // namespace kura
