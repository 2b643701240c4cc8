#include "node_logs.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace kura::sim {

void KeepNodeLogsToErrors() {
  spdlog::set_default_logger(spdlog::stderr_logger_mt("nodes"));
  spdlog::set_level(spdlog::level::err);
}

}  // namespace kura::sim
