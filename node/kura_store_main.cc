// kura-store: parse config, open storage, start the request loop.
#include <csignal>
#include <cstdio>
#include <filesystem>

#include <spdlog/spdlog.h>

#include "api_server.h"
#include "kura/node/store.h"
#include "logging.h"
#include "scheduler.h"
#include "store_config.h"
#include "system_clock.h"

namespace {

std::atomic<bool> g_stop{false};

void OnSignal(int) { g_stop.store(true); }

void InstallSignalHandlers() {
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

}  // namespace

int main(int argc, char** argv) {
  int exit_code = -1;
  std::string output;
  kura::StoreConfig config = kura::ParseStoreConfig(argc, argv, &exit_code, &output);
  if (exit_code >= 0) {
    std::fputs(output.c_str(), exit_code == 0 ? stdout : stderr);
    return exit_code;
  }
  kura::SetUpLogging(config.log_level);
  InstallSignalHandlers();

  std::error_code ec;
  std::filesystem::create_directories(config.store.data_dir, ec);
  auto store = kura::Store::Open(config.store);
  if (!store.ok()) {
    spdlog::error("event=open_failed data_dir={} error=\"{}\"", config.store.data_dir,
                  store.status().ToString());
    return 1;
  }
  kura::Store* engine = store->get();

  auto* clock = kura::SystemClock::Get();
  kura::Scheduler scheduler;
  scheduler.Add("expire-holds", 1000, clock->NowMillis(), [engine] {
    auto n = engine->ExpireDueHolds();
    if (!n.ok()) spdlog::error("event=job_failed job=expire-holds error=\"{}\"", n.status().ToString());
    else if (*n > 0) spdlog::info("event=holds_expired count={}", *n);
  });
  scheduler.Add("prune-request-ids", 10 * 60 * 1000, clock->NowMillis(), [engine] {
    auto n = engine->PruneRequestIds();
    if (!n.ok()) spdlog::error("event=job_failed job=prune-request-ids error=\"{}\"", n.status().ToString());
  });

  zmq::context_t context(1);
  kura::ApiServer server(context, engine, &scheduler);
  if (auto s = server.Bind(config.api); !s.ok()) {
    spdlog::error("event=bind_failed error=\"{}\"", s.ToString());
    return 1;
  }
  std::string endpoints;
  for (const auto& e : config.api) endpoints += (endpoints.empty() ? "" : ",") + e;
  spdlog::info("event=ready store={} data_dir={} api={}", config.store.store_id,
               config.store.data_dir, endpoints);
  kura::Status s = server.Run(g_stop);
  if (!s.ok()) {
    spdlog::error("event=loop_failed error=\"{}\"", s.ToString());
    return 1;
  }
  spdlog::info("event=stopped store={}", config.store.store_id);
  return 0;
}
