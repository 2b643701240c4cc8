// kuractl: the command-line client of the local API of a kura-store daemon (and, for the
// `hq` commands, of kura-hq). Builds the command tree, parses the command line, then sends
// one request and shows its reply (run.h); `keygen` runs locally.
// Exit codes are invocation.h's Exit: 0 ok, 1 daemon error, 2 usage, 3 unreachable, 4 done
// but a local file not written.
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <limits>

#include <CLI/CLI.hpp>

#include "cli_args.h"
#include "commands.h"
#include "invocation.h"
#include "kura/schema/ids.h"
#include "output.h"
#include "parse.h"
#include "run.h"

namespace {

using kura::ctl::Exit;

constexpr int64_t kDefaultTimeoutMs = 5000;

// --json must shape even the error of a command line CLI11 could not parse, so it is
// looked for before parsing.
bool WantsJson(int argc, char** argv) {
  for (int i = 1; i < argc && std::strcmp(argv[i], "--") != 0; ++i) {
    if (std::strcmp(argv[i], "--json") == 0) return true;
  }
  return false;
}

// The deepest subcommand the parse got to, and its path ("kuractl hold create").
CLI::App* Deepest(CLI::App& app, std::string* path) {
  *path = "kuractl";
  CLI::App* at = &app;
  while (!at->get_subcommands().empty()) {
    at = at->get_subcommands().front();
    *path += " " + at->get_name();
  }
  return at;
}

// CLI11 says "A subcommand is required" both for a missing and for a misspelt command;
// a person needs to know which, and what the choices are.
std::string Explain(const CLI::ParseError& e, CLI::App& app, CLI::App* at) {
  auto choices = at->get_subcommands([](CLI::App*) { return true; });
  if (e.get_name() != "RequiredError" || choices.empty()) return e.what();
  std::string names;
  for (const CLI::App* c : choices) names += (names.empty() ? "" : ", ") + c->get_name();
  auto extra = app.remaining();
  if (extra.empty()) return "a command is required: one of " + names;
  return "unknown command \"" + extra.front() + "\"; expected one of " + names;
}

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

// Sets the endpoint to send to, and where it came from: --api when given; else for a
// store command $KURA_API or the store default, and for an hq command $KURA_HQ_API or the
// HQ default. An hq command never falls back to $KURA_API: that names a store, which
// answers every hq op unknown_op.
void ResolveApi(bool given, kura::ctl::Target target, kura::ctl::Globals* globals) {
  using kura::ctl::Target;
  if (given) return;  // CLI11 wrote --api's value; api_source already says "--api"
  auto from_env = [&](const char* var) {
    std::string value = Env(var);
    if (value.empty()) return false;
    globals->api = value;
    globals->api_source = std::string("$") + var;
    return true;
  };
  if (from_env(target == Target::kHq ? "KURA_HQ_API" : "KURA_API")) return;
  globals->api = target == Target::kHq ? kura::ctl::kDefaultHqApi : kura::ctl::kDefaultStoreApi;
  globals->api_source = kura::ctl::kDefaultApiSource;
}

int Usage(const std::string& message, const std::string& command, bool json) {
  kura::ctl::PrintError("usage", message, json, std::cout, std::cerr);
  std::cerr << "Run '" << command << " --help' for usage.\n";
  return static_cast<int>(Exit::kUsage);
}

}  // namespace

int main(int argc, char** argv) {
  kura::ctl::Globals globals;
  std::string timeout;  // parsed after CLI11, strictly decimal (parse.h)
  CLI::App app("kuractl: run commands against a kura-store daemon's local API (and kura-hq's)",
               "kuractl");
  app.fallthrough();  // global options may also follow the subcommand
  app.require_subcommand(1);
  app.set_version_flag("--version", "kuractl " KURA_VERSION);
  app.set_help_all_flag("--help-all", "Print help for every command");
  // The default depends on the command (ResolveApi), so it is applied after parsing.
  CLI::Option* api = app.add_option("--api", globals.api,
                                    std::string("the daemon's API endpoint (default: $KURA_API, else ") +
                                        kura::ctl::kDefaultStoreApi + "; for hq commands $KURA_HQ_API, else " +
                                        kura::ctl::kDefaultHqApi + ")")
                         ->type_name("ENDPOINT");
  app.add_flag("--json", globals.json,
               "print the daemon's result as one JSON document (errors as {\"error\":{code,message}})");
  app.add_option("--timeout", timeout, "milliseconds to wait for the daemon's reply")
      ->type_name("MS")
      ->default_val(std::to_string(kDefaultTimeoutMs));
  CLI::Option* request_id = app.add_option("--request-id", globals.request_id,
                 "request id for a write; retrying with the same id returns the first answer "
                 "instead of applying the change twice (default: a fresh random id)")
      ->type_name("RID");
  kura::ctl::Plan plan;
  kura::ctl::AddStockCommands(app, &plan);
  kura::ctl::AddHoldCommands(app, &plan);
  kura::ctl::AddTicketCommands(app, &plan);
  kura::ctl::AddSlipCommands(app, &plan);
  kura::ctl::AddJournalCommands(app, &plan);
  kura::ctl::AddStoreCommands(app, &plan);
  kura::ctl::AddSyncCommands(app, &plan);
  kura::ctl::AddDirectoryCommands(app, &plan);
  kura::ctl::AddHqCommands(app, &plan);
  kura::ctl::AddKeygenCommand(app, &plan);
  // After the subcommands, which would otherwise inherit it.
  app.footer(
      "Exit codes: 0 ok, 1 the daemon refused (or admin check found problems, or keygen could "
      "not write its files), 2 bad command line (nothing sent), 3 daemon unreachable or no "
      "reply, 4 the daemon did it but a file to write (a ticket's --png or --svg) was not "
      "written: do not send it again.\n"
      "Example: kuractl --api ipc:///run/kura/api.sock stock list --max-atp 0");

  bool json = WantsJson(argc, argv);
  try {
    std::vector<std::string> args = kura::ArgsForCli11(app, argc, argv);
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(e);  // --help
    std::string command;
    CLI::App* at = Deepest(app, &command);
    return Usage(Explain(e, app, at), command, json);
  }
  std::string command;
  Deepest(app, &command);
  if (std::string why = kura::EmptyValueGiven(app); !why.empty()) return Usage(why, command, json);
  auto ms = kura::ctl::ParseInt(timeout, "--timeout", 1, std::numeric_limits<int>::max());
  if (!ms.ok()) return Usage(ms.status().message(), command, json);
  globals.timeout_ms = *ms;
  if (request_id->count() > 0) {  // given empty (an unset shell variable, say): refused, not a fresh id
    auto rid = kura::ctl::ParseId(globals.request_id, "--request-id", kura::ValidateRequestId);
    if (!rid.ok()) return Usage(rid.status().message(), command, json);
  }
  if (!plan.invocation) return Usage("no command given", command, json);
  if (!plan.invocation->ok()) return Usage(plan.invocation->status().message(), command, json);
  ResolveApi(api->count() > 0, plan.invocation->value().target, &globals);
  return static_cast<int>(kura::ctl::Run(globals, plan.invocation->value(), std::cout, std::cerr));
}
