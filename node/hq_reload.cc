#include "hq_reload.h"

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

}  // namespace

std::vector<std::string> SettingsNeedingRestart(const HqConfig& running, const HqConfig& read) {
  std::vector<std::string> changed;
  auto note = [&](bool differs, const char* name) {
    if (differs) changed.push_back(name);
  };
  note(running.engine.data_dir != read.engine.data_dir, "data_dir");
  note(running.api != read.api, "api");
  note(running.sync.endpoints != read.sync.endpoints, "sync");
  note(running.sync.key_file != read.sync.key_file, "key_file");
  note(running.route_timeout_ms != read.route_timeout_ms, "route_timeout_ms");
  note(running.engine.cache_mb != read.engine.cache_mb, "cache_mb");
  note(running.engine.request_retention_ms != read.engine.request_retention_ms, "request_retention_hours");
  return changed;
}

Status HqReload::Run() {
  int exit_code = -1;
  std::string output;
  HqConfig read = ParseHqConfig(argc_, argv_, &exit_code, &output);
  Status refused = Status::Ok();
  if (exit_code >= 0) refused = Status::InvalidArgument(FirstLine(output));
  if (refused.ok()) refused = sync_->SetStores(read.sync.stores);
  if (!refused.ok()) {
    spdlog::error("event=reload_refused error=\"{}\" action=\"running settings kept\"", refused.message());
    return refused;
  }
  hq_->SetKnownStores(*read.engine.known_stores);
  StoreListChange stores = CompareStoreLists(running_->sync.stores, read.sync.stores);
  std::vector<std::string> restart = SettingsNeedingRestart(*running_, read);
  if (read.log_level != running_->log_level) SetLogLevel(read.log_level);
  spdlog::info("event=reloaded stores={} added={} removed={} rekeyed={} log_level={} needs_restart={}",
               read.sync.stores.size(), Names(stores.added), Names(stores.removed), Names(stores.rekeyed),
               read.log_level, Names(restart));
  running_->sync.stores = read.sync.stores;
  running_->engine.known_stores = read.engine.known_stores;
  running_->log_level = read.log_level;
  return Status::Ok();
}

}  // namespace kura
