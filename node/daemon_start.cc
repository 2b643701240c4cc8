#include "daemon_start.h"

#include <filesystem>

#include <spdlog/spdlog.h>

#include "logging.h"
#include "signals.h"

namespace kura {

Result<std::unique_ptr<Engine>> StartDaemon(const StoreOptions& options, std::span<const OpSpec> ops,
                                            const std::string& log_level) {
  SetUpLogging(log_level);
  InstallStopSignals();
  std::error_code ec;
  std::filesystem::create_directories(options.data_dir, ec);
  auto engine = Engine::Open(options, ops);
  if (!engine.ok()) {
    spdlog::error("event=open_failed data_dir={} error=\"{}\"", options.data_dir, engine.status().ToString());
  }
  return engine;
}

void StopOnStorageFailure(EventLoop& loop, Engine* engine) {
  loop.StopOnError([engine] {
    Status failure = engine->db()->WriteFailure();
    if (!failure.ok()) {
      spdlog::critical("event=storage_failed data_dir={} error=\"{}\" action=exit",
                       engine->options().data_dir, failure.ToString());
    }
    return failure;
  });
}

}  // namespace kura
