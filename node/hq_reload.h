// HqReload: what kura-hq does on SIGHUP (`systemctl reload kura-hq`). It reads its settings
// again exactly as at start (the same flags, the --config file as it is now) and puts the
// store list and the log level in force without a restart, so a store's new key (a disk
// replaced without a backup of its key, README) or a new store links at once, and a key
// taken off the list speaks for no store from then on, even on a connection already open
// (HqSync::SetStores). Everything else it reads (data_dir, api, sync, key_file,
// route_timeout_ms, cache_mb, request_retention_hours) takes effect at the next restart;
// the log names what changed. Settings that do not parse or fail a check change nothing: the
// error is logged and the running ones stay. Runs on the loop thread.
#pragma once

#include <string>

#include "engine.h"
#include "hq_config.h"
#include "hq_sync.h"

namespace kura {

class HqReload {
 public:
  // `started`: the settings kura-hq started with. It, `argv` (the daemon's own) and the
  // rest must outlive this object.
  HqReload(int argc, char** argv, const HqConfig& started, HqSync* sync, Engine* hq)
      : argc_(argc), argv_(argv), started_(started), log_level_(started.log_level), sync_(sync),
        hq_(hq) {}

  // Reads the settings again and applies what can change live; logs event=reloaded with
  // what changed, or event=reload_refused with why nothing did.
  Status Run();

 private:
  int argc_;
  char** argv_;
  const HqConfig& started_;
  std::string log_level_;  // in force; HqSync holds the store list in force
  HqSync* sync_;
  Engine* hq_;
};

}  // namespace kura
