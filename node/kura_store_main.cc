// kura-store: parse config, bind the API's tcp endpoints, open storage, start the loop
// (local API, sync link, jobs).
#include <cstdio>

#include <spdlog/spdlog.h>

#include "api_server.h"
#include "kura/schema/api.h"
#include "daemon_start.h"
#include "event_loop.h"
#include "op_jobs.h"
#include "signals.h"
#include "store_config.h"
#include "store_sync.h"

int main(int argc, char** argv) {
  kura::InstallReloadSignal();  // a stray SIGHUP (a closed terminal) must not end the store
  int exit_code = -1;
  std::string output;
  kura::StoreConfig config = kura::ParseStoreConfig(argc, argv, &exit_code, &output);
  if (exit_code >= 0) {
    std::fputs(output.c_str(), exit_code == 0 ? stdout : stderr);
    return exit_code;
  }
  bool linked = !config.sync.hq_endpoint.empty();
  if (linked && !kura::KeyFileUsable("kura-store", config.sync.key_file)) return 2;
  kura::SetUpDaemon(config.log_level);
  zmq::context_t context(1);
  auto server = std::make_unique<kura::ApiServer>(context);
  kura::BindOrder api = kura::BindOrderOf(config.api);
  if (auto s = server->Bind(api.before_storage); !s.ok()) return kura::ExitStatusAfterBindFailure(s, "--api");
  auto engine = kura::StartDaemon(config.store, kura::StoreOps());
  if (!engine.ok()) return kura::ExitStatusAfterStartFailure(engine.status());
  kura::Engine* store = engine->get();
  if (auto s = server->Bind(api.after_storage); !s.ok()) return kura::ExitStatusAfterBindFailure(s, "--api");
  server->SetStore(store);
  kura::EventLoop loop(store->clock());
  kura::StopOnStorageFailure(loop, store);
  loop.Every("expire-holds", 1000, [store] {
    auto n = store->ExpireDueHolds();
    if (!n.ok()) spdlog::error("event=job_failed job=expire-holds error=\"{}\"", n.status().ToString());
    else if (*n > 0) spdlog::info("event=holds_expired count={}", *n);
  });
  kura::ScheduleOpJob(loop, store, "journal.compact", 10 * 60 * 1000, "journal_compacted", "compacted");
  kura::ScheduleOpJob(loop, store, "escrow.grant", 2000, "allotment_granted", "granted");
  kura::SchedulePruneRequestIds(loop, store);
  loop.Every("reload", 1000, [] {
    if (kura::TakeReloadRequest()) {
      spdlog::warn("event=reload_ignored hint=\"kura-store reads its settings at start: restart it\"");
    }
  });

  std::unique_ptr<kura::StoreSync> sync;
  if (linked) {
    auto started = kura::StoreSync::Start(context, store, config.sync);
    if (!started.ok()) {
      spdlog::error("event=sync_failed error=\"{}\"", started.status().ToString());
      return kura::ExitStatusAfterStartFailure(started.status());
    }
    sync = std::move(*started);
    sync->Attach(&loop);
    store->SetSyncView(sync.get());
  }
  loop.Watch(server->socket(), [&] {
    KURA_RETURN_IF_ERROR(server->ServeWaiting());
    if (sync) sync->Tick();  // ship what was just committed without waiting for the timer
    return kura::Status::Ok();
  });
  std::string endpoints;
  for (const auto& e : config.api) endpoints += (endpoints.empty() ? "" : ",") + e;
  spdlog::info("event=ready store={} data_dir={} api={} hq={}", config.store.store_id,
               config.store.data_dir, endpoints, config.sync.hq_endpoint.empty() ? "none" : config.sync.hq_endpoint);
  kura::Status s = loop.Run(kura::StopRequested());
  if (!s.ok()) {
    return kura::ExitStatusAfterLoopFailure(s, store, [&] {
      server.reset();
      sync.reset();
      context.close();
    });
  }
  spdlog::info("event=stopped store={}", config.store.store_id);
  return 0;
}
