// kura-hq: parse config, bind the tcp endpoints, open storage, start the loop (local API,
// store links, jobs).
#include <cstdio>

#include <spdlog/spdlog.h>

#include "api_server.h"
#include "daemon_start.h"
#include "event_loop.h"
#include "hq_check_runner.h"
#include "hq_config.h"
#include "hq_reload.h"
#include "hq_sync.h"
#include "op_jobs.h"
#include "order_router.h"
#include "signals.h"

int main(int argc, char** argv) {
  kura::InstallReloadSignal();  // first: an early SIGHUP must not end the daemon
  int exit_code = -1;
  std::string output;
  kura::HqConfig config = kura::ParseHqConfig(argc, argv, &exit_code, &output);
  if (exit_code >= 0) {
    std::fputs(output.c_str(), exit_code == 0 ? stdout : stderr);
    return exit_code;
  }
  if (!kura::KeyFileUsable("kura-hq", config.sync.key_file)) return 2;
  kura::SetUpDaemon(config.log_level);
  zmq::context_t context(1);
  auto server = std::make_unique<kura::ApiServer>(context);
  kura::BindOrder api = kura::BindOrderOf(config.api), sync_endpoints = kura::BindOrderOf(config.sync.endpoints);
  if (auto s = server->Bind(api.before_storage); !s.ok()) return kura::ExitStatusAfterBindFailure(s, "--api");
  auto listener = kura::HqSync::Listen(context, config.sync, sync_endpoints.before_storage);
  if (!listener.ok()) return kura::ExitStatusAfterBindFailure(listener.status(), "--sync");
  auto engine = kura::StartDaemon(config.engine, kura::HqOps());
  if (!engine.ok()) return kura::ExitStatusAfterStartFailure(engine.status());
  kura::Engine* hq = engine->get();
  // Stores check HQ's tickets offline: they need its key before they are cut off.
  if (auto s = hq->PublishSigningKey(); !s.ok()) {
    spdlog::error("event=signing_key_failed error=\"{}\"", s.ToString());
    return kura::ExitStatusAfterStartFailure(s);
  }
  kura::EventLoop loop(hq->clock());
  kura::StopOnStorageFailure(loop, hq);
  auto sync = kura::HqSync::Start(std::move(*listener), hq, config.sync, sync_endpoints.after_storage);
  if (!sync.ok()) return kura::ExitStatusAfterBindFailure(sync.status(), "--sync");
  (*sync)->Attach(&loop);
  hq->SetSyncView(sync->get());
  if (auto s = server->Bind(api.after_storage); !s.ok()) return kura::ExitStatusAfterBindFailure(s, "--api");
  server->SetStore(hq);
  kura::OrderRouter router(hq, sync->get(), config.route_timeout_ms);
  server->AddRouter(&router);
  loop.Every("order-router", 100, [&] { router.Tick(); });
  kura::HqCheckRunner checker(hq->db());
  server->AddRouter(&checker);
  loop.Every("admin-check", 100, [&] { checker.Tick(); });
  loop.Watch(server->socket(), [&] { return server->ServeWaiting(); });
  kura::ScheduleOpJob(loop, hq, "hq.escrow.return", 5000, "allotment_returned", "returned");
  kura::ScheduleOpJob(loop, hq, "hq.orders.release", 5000, "routed_holds_released", "released");
  kura::SchedulePruneRequestIds(loop, hq);
  kura::HqReload reload(argc, argv, config, sync->get(), hq);
  loop.Every("reload", 200, [&] {
    if (kura::TakeReloadRequest()) reload.Run().IgnoreError();  // logged either way
  });
  spdlog::info("event=ready role=hq data_dir={} sync={} stores={}", config.engine.data_dir,
               (*sync)->endpoint(), config.sync.stores.size());
  kura::Status s = loop.Run(kura::StopRequested());
  if (!s.ok()) {
    return kura::ExitStatusAfterLoopFailure(s, hq, [&] {
      server.reset();
      sync->reset();
      context.close();
    });
  }
  spdlog::info("event=stopped role=hq");
  return 0;
}
