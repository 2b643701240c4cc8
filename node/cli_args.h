// The command line as handed to CLI11, with one of CLI11 2.1's readings undone: it takes
// "--name=" (nothing after the '=') as "--name" alone and the next argument as its value,
// so `kura-sim --plot= --quiet` wrote its plot to a file named "--quiet" and
// `kuractl --request-id= --json ...` sent "--json" as the request id. Here "--name="
// gives --name the empty value, as getopt does, and EmptyValueGiven then refuses it unless
// the option gives the empty value a meaning (kura-sim's --plot: no plot). Shared by every
// kura command; header-only so that kura-sim, which links no daemon code, can use it.
#pragma once

#include <algorithm>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace kura {
namespace cli_args_detail {

// Calls `visit` with every option that takes a value (not a flag), in `app` and everything
// under it (subcommands and option groups), until it returns false.
inline bool ForEachValueOption(CLI::App& app, const std::function<bool(CLI::Option*)>& visit) {
  for (CLI::Option* option : app.get_options()) {
    if (option->get_expected_max() > 0 && !visit(option)) return false;
  }
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    if (!ForEachValueOption(*sub, visit)) return false;
  }
  return true;
}

}  // namespace cli_args_detail

// argv[1..] in the reversed order CLI::App::parse(std::vector<std::string>&) takes, with
// every "--name=" of an option that takes a value split into "--name" and "". Call after
// every option is added. Nothing after a bare "--" is touched.
inline std::vector<std::string> ArgsForCli11(CLI::App& app, int argc, const char* const* argv) {
  // A flag keeps CLI11's reading: "--json=" is the flag given.
  std::set<std::string> value_options;
  cli_args_detail::ForEachValueOption(app, [&](CLI::Option* option) {
    for (const std::string& name : option->get_lnames()) value_options.insert("--" + name);
    return true;
  });
  std::vector<std::string> args;
  bool positional_only = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") positional_only = true;
    bool empty_value = !positional_only && arg.size() > 3 && arg.starts_with("--") && arg.find('=') == arg.size() - 1;
    if (empty_value && value_options.count(arg.substr(0, arg.size() - 1)) > 0) {
      args.push_back(arg.substr(0, arg.size() - 1));
      args.emplace_back();
    } else {
      args.push_back(std::move(arg));
    }
  }
  std::reverse(args.begin(), args.end());
  return args;
}

// "--name: no value given" for the first option of `app` (or anything under it) given an
// empty value ("--name=" or "--name ''"), unless its long name is in `may_be_empty`; empty
// when none was. Call after parsing: an empty value would otherwise read as the option not
// given (an unset shell variable turning `--store=$S` into "every store").
inline std::string EmptyValueGiven(CLI::App& app, const std::set<std::string>& may_be_empty = {}) {
  std::string why;
  cli_args_detail::ForEachValueOption(app, [&](CLI::Option* option) {
    if (option->count() == 0) return true;
    if (!option->get_lnames().empty() && may_be_empty.count("--" + option->get_lnames().front()) > 0) return true;
    for (const std::string& value : option->results()) {
      if (value.empty()) why = option->get_name() + ": no value given";
    }
    return why.empty();
  });
  return why;
}

}  // namespace kura
