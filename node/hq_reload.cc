#include "hq_reload.h"

#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include "logging.h"

namespace kura {
namespace {

// ParseHqConfig's message for the operator without its "kura-hq: " prefix and --help hint.
std::string FirstLine(const std::string& output) {
  std::string line = output.substr(0, output.find('\n'));
  constexpr std::string_view kPrefix = "kura-hq: ";
  if (line.rfind(kPrefix, 0) == 0) line.erase(0, kPrefix.size());
  return line;
}

std::string Names(const std::vector<std::string>& names) {
  return names.empty() ? "-" : fmt::format("{}", fmt::join(names, ","));
}

// The names of the settings, as in the config file, that differ between `started` and
// `read` and are read only at start.
std::vector<std::string> SettingsNeedingRestart(const HqConfig& started, const HqConfig& read) {
  std::vector<std::string> changed;
  auto note = [&](bool differs, const char* name) {
    if (differs) changed.push_back(name);
  };
  note(started.engine.data_dir != read.engine.data_dir, "data_dir");
  note(started.api != read.api, "api");
  note(started.sync.endpoints != read.sync.endpoints, "sync");
  note(started.sync.key_file != read.sync.key_file, "key_file");
  note(started.route_timeout_ms != read.route_timeout_ms, "route_timeout_ms");
  note(started.engine.cache_mb != read.engine.cache_mb, "cache_mb");
  note(started.engine.request_retention_ms != read.engine.request_retention_ms,
       "request_retention_hours");
  return changed;
}

// Logs why a reload changed nothing.
Status Refuse(const Status& why) {
  spdlog::error("event=reload_refused error=\"{}\" action=\"running settings kept\"",
                why.message());
  return why;
}

}  // namespace

Status HqReload::Run() {
  int exit_code = -1;
  std::string output;
  HqConfig read = ParseHqConfig(argc_, argv_, &exit_code, &output);
  if (exit_code >= 0) return Refuse(Status::InvalidArgument(FirstLine(output)));
  Result<StoreListChange> stores = sync_->SetStores(read.sync.stores);
  if (!stores.ok()) return Refuse(stores.status());
  hq_->SetKnownStores(*read.engine.known_stores);
  if (read.log_level != log_level_) {
    log_level_ = read.log_level;
    SetLogLevel(log_level_);
  }
  spdlog::info("event=reloaded stores={} added={} removed={} rekeyed={} log_level={} "
               "needs_restart={}",
               read.sync.stores.size(), Names(stores->added), Names(stores->removed),
               Names(stores->rekeyed), log_level_, Names(SettingsNeedingRestart(started_, read)));
  return Status::Ok();
}

}  // namespace kura
