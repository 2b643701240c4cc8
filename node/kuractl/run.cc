#include "run.h"

#include <sstream>
#include <string_view>

#include <zmq.hpp>

#include "kura/node/api_client.h"
#include "kura/schema/api.h"
#include "output.h"

namespace kura::ctl {
namespace {

// The endpoint as the person gave it: `$KURA_API "tcp://..."`, `--api "..."`, ...
std::string NamedEndpoint(const Globals& globals) {
  return globals.api_source + " \"" + globals.api + "\"";
}

// How a person sends a command for `target` to another daemon than the one it reached.
std::string HowToReach(Target target) {
  if (target == Target::kHq) {
    return std::string("point hq commands at kura-hq with KURA_HQ_API or --api (default ") +
           kDefaultHqApi + ")";
  }
  return std::string("point this command at a kura-store with KURA_API or --api (default ") +
         kDefaultStoreApi + ")";
}

// Each daemon answers unknown_op to the other's ops, so an unknown op means kuractl
// reached the wrong daemon: say which one it reached and how to reach the right one.
std::string WrongDaemonHint(const Globals& globals, Target target) {
  std::string reached = "; the daemon at " + NamedEndpoint(globals);
  return reached + (target == Target::kHq ? " is not kura-hq: " : " is not a kura-store (kura-hq?): ") +
         HowToReach(target);
}

}  // namespace

Exit Run(const Globals& globals, const Invocation& invocation, std::ostream& out, std::ostream& err) {
  auto fail = [&](std::string_view code, const std::string& message, Exit exit) {
    PrintError(code, message, globals.json, out, err);
    return exit;
  };
  if (invocation.local) return invocation.local(globals, out, err);
  std::string rid = globals.request_id.empty() ? ApiClient::NewRequestId() : globals.request_id;
  Result<std::string> raw = Status::Internal("not sent");
  {
    zmq::context_t context(1);
    try {
      ApiClient client(context, globals.api, static_cast<int>(globals.timeout_ms));
      raw = client.CallRaw(EncodeRequest({invocation.op, rid, invocation.args}));
    } catch (const zmq::error_t& e) {
      // Only connect() throws: ZeroMQ rejects the endpoint's form before anything is sent.
      return fail("usage", NamedEndpoint(globals) + ": not a usable endpoint (" + e.what() +
                               "); expected e.g. tcp://127.0.0.1:7420 or ipc:///run/kura/api.sock",
                  Exit::kUsage);
    }
  }
  if (!raw.ok()) {
    std::string message = raw.status().message();
    // ApiClient's hint names the store daemon; an hq command was meant for kura-hq.
    constexpr std::string_view kStoreHint = "(is kura-store running?)";
    if (auto at = message.rfind(kStoreHint);
        invocation.target == Target::kHq && at != std::string::npos) {
      message.replace(at, kStoreHint.size(), "(is kura-hq running?)");
    }
    // Nothing chose the endpoint: the default only serves a daemon on this host.
    if (globals.api_source == kDefaultApiSource) {
      message += "; no endpoint was set, so kuractl tried the default: " + HowToReach(invocation.target);
    }
    if (invocation.mutating) {
      message += "; the change may or may not have been applied: retry with --request-id " + rid +
                 " to apply it at most once";
    }
    return fail("unreachable", message, Exit::kUnreachable);
  }
  // A reply of an unexpected shape makes nlohmann::json throw; it is reported as such, and
  // the result is rendered into a buffer first so it never leaves half a table behind.
  try {
    Result<nlohmann::json> result = DecodeReply(*raw);
    if (!result.ok()) {
      std::string message = result.status().message();
      // busy (a routed cancel the store did not answer in time) and io_error ask for a retry
      // with the same request id, which kuractl drew itself.
      if (invocation.mutating && (result.status().code() == Status::Code::kBusy ||
                                  result.status().code() == Status::Code::kIOError)) {
        message += " (retry with --request-id " + rid + " to apply it at most once)";
      }
      if (result.status().code() == Status::Code::kUnknownOp) {
        message += WrongDaemonHint(globals, invocation.target);
      }
      return fail(result.status().code_name(), message, Exit::kDaemonError);
    }
    Exit exit = invocation.outcome ? invocation.outcome(*result) : Exit::kOk;
    if (globals.json) {
      PrintJson(*result, out);
    } else {
      std::ostringstream text;
      invocation.render(*result, text);
      out << text.str();
    }
    return exit;
  } catch (const nlohmann::json::exception& e) {
    return fail("bad_reply", std::string("unexpected reply from the daemon: ") + e.what(),
                Exit::kDaemonError);
  }
}

}  // namespace kura::ctl
