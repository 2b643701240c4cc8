// What one kuractl command line asks for once it is parsed: the global options, and the
// request to send with how to show its result. Command files (commands.h) fill a Plan
// while CLI11 parses; run.h carries it out. Plain structs; not thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "kura/schema/status.h"

namespace kura::ctl {

// kuractl's exit codes; scripts depend on them, so never renumber.
enum class Exit : int {
  kOk = 0,
  kDaemonError = 1,  // the daemon refused the request (or admin check found problems)
  kUsage = 2,        // bad command line or local input: nothing was sent
  kUnreachable = 3,  // no reply from the daemon within the timeout
  kLocalOutput = 4,  // the daemon did it, but a file this command was to write was not
};

// Which daemon a command is meant for; it picks the default --api endpoint.
enum class Target { kStore, kHq };

// Where each daemon listens when kuractl is told nothing else.
inline constexpr const char* kDefaultStoreApi = "tcp://127.0.0.1:7420";
inline constexpr const char* kDefaultHqApi = "tcp://127.0.0.1:7430";
// Globals::api_source when neither --api nor the command's variable was set.
inline constexpr const char* kDefaultApiSource = "the default endpoint";

struct Globals {
  std::string api;         // the daemon's API endpoint
  // Where `api` came from, as errors name it: "--api", "$KURA_API", "$KURA_HQ_API" or
  // "the default endpoint". A person who never typed --api must not be told theirs is bad.
  std::string api_source = "--api";
  bool json = false;       // print the result JSON instead of tables
  int64_t timeout_ms = 0;  // how long to wait for a reply
  std::string request_id;  // empty: a fresh random id per run
};

struct Invocation {
  std::string op;
  nlohmann::json args = nlohmann::json::object();
  // Whether the op changes state: a timeout then leaves its outcome unknown.
  bool mutating = false;
  // Shows a successful result to a person (not called with --json).
  std::function<void(const nlohmann::json& result, std::ostream& out)> render;
  // The exit code for a successful reply; absent means kOk.
  std::function<Exit(const nlohmann::json& result)> outcome;
  // The daemon the op belongs to (kura-store or kura-hq).
  Target target = Target::kStore;
  // Set for a command that needs no daemon (keygen): Run calls it instead of sending a
  // request, and op, args, render and outcome are unused. It prints its own result and
  // errors like Run does and returns the exit code.
  std::function<Exit(const Globals& globals, std::ostream& out, std::ostream& err)> local = nullptr;
};

// Filled by the callback of the leaf subcommand that was run: the invocation, or the
// local-input error that stops it being sent.
struct Plan {
  std::optional<Result<Invocation>> invocation;
};

}  // namespace kura::ctl
