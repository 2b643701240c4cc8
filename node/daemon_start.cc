#include "daemon_start.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include <spdlog/spdlog.h>

#include "curve_keys.h"
#include "logging.h"
#include "signals.h"

namespace kura {

std::string FreeSpaceProblem(const std::string& dir, int64_t min_bytes) {
  std::error_code ec;
  std::filesystem::space_info space = std::filesystem::space(dir, ec);
  if (ec) return "cannot read the free space of " + dir + ": " + ec.message();
  if (static_cast<int64_t>(space.available) >= min_bytes) return "";
  return "only " + std::to_string(space.available >> 10) + " KiB free on the disk of " + dir + " (at least " +
         std::to_string(min_bytes >> 20) + " MiB needed to open the database): free some space";
}

bool KeyFileUsable(std::string_view program, const std::string& path) {
  auto keys = ReadKeyFile(path);
  if (keys.ok()) return true;
  std::fprintf(stderr, "%.*s: %s\n", static_cast<int>(program.size()), program.data(),
               keys.status().message().c_str());
  return false;
}

int ExitStatusAfterStartFailure(const Status& s) {
  bool settings =
      s.code() == Status::Code::kInvalidArgument || s.code() == Status::Code::kUnsupported;
  return settings ? 2 : 1;
}

// The data directory, made if missing and kept for this user alone (a directory this user
// may write but not own stays as it is, with a warning).
Status MakePrivateDirectory(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::InvalidArgument("cannot make data directory " + dir + ": " + ec.message());
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);
  if (ec) {
    spdlog::warn("event=data_dir_mode data_dir={} error=\"{}\" hint=\"chmod 700\"", dir,
                 ec.message());
  }
  return Status::Ok();
}

void SetUpDaemon(const std::string& log_level) {
  SetUpLogging(log_level);
  InstallStopSignals();
}

BindOrder BindOrderOf(const std::vector<std::string>& endpoints) {
  BindOrder order;
  for (const std::string& endpoint : endpoints) {
    (endpoint.starts_with("tcp://") ? order.before_storage : order.after_storage).push_back(endpoint);
  }
  return order;
}

int ExitStatusAfterBindFailure(const Status& s, std::string_view setting) {
  spdlog::error("event=bind_failed setting={} error=\"{}\"", setting, s.ToString());
  return ExitStatusAfterStartFailure(s);
}

Result<std::unique_ptr<Engine>> StartDaemon(const StoreOptions& options, std::span<const OpSpec> ops) {
  if (Status made = MakePrivateDirectory(options.data_dir); !made.ok()) {
    spdlog::error("event=open_failed data_dir={} error=\"{}\"", options.data_dir, made.message());
    return made;
  }
  if (std::string problem = FreeSpaceProblem(options.data_dir, kMinFreeBytesToOpen); !problem.empty()) {
    spdlog::error("event=open_failed data_dir={} error=\"{}\"", options.data_dir, problem);
    return Status::IOError(problem);
  }
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

int ExitStatusAfterLoopFailure(const Status& loop_status, Engine* engine,
                               const std::function<void()>& close_links) {
  spdlog::error("event=loop_failed error=\"{}\"", loop_status.ToString());
  if (engine->db()->WriteFailure().ok()) return 1;
  close_links();
  spdlog::default_logger()->flush();
  std::fflush(nullptr);
  std::_Exit(1);
}

}  // namespace kura
