#include "logging.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace kura {
namespace {

spdlog::level::level_enum ParseLevel(const std::string& level) {
  spdlog::level::level_enum parsed = spdlog::level::from_str(level);
  return parsed == spdlog::level::off && level != "off" ? spdlog::level::info : parsed;
}

}  // namespace

void SetUpLogging(const std::string& level) {
  auto logger = spdlog::stderr_logger_mt("kura");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l %v");
  logger->set_level(ParseLevel(level));
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
}

void SetLogLevel(const std::string& level) { spdlog::default_logger()->set_level(ParseLevel(level)); }

}  // namespace kura
