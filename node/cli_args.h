// The command line as handed to CLI11, with one of CLI11 2.1's readings undone: it takes
// "--name=" (nothing after the '=') as "--name" alone and the next argument as its value,
// so `kura-sim --plot= --quiet` wrote its plot to a file named "--quiet" and
// `kuractl --request-id= --json ...` sent "--json" as the request id. Here "--name="
// gives --name the empty value, as getopt does, and EmptyValueGiven then refuses it unless
// the option gives the empty value a meaning (kura-sim's --plot: no plot). Shared by every
// kura command; header-only so that kura-sim, which links no daemon code, can use it.
#pragma once

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace kura {
namespace cli_args_detail {

// The long names ("--name") of the options that take a value, in `app` and everything
// under it (subcommands and option groups). A flag keeps CLI11's reading: "--json=" is
// the flag given.
inline void CollectValueOptions(CLI::App& app, std::set<std::string>* names) {
  for (CLI::Option* option : app.get_options()) {
    if (option->get_expected_max() == 0) continue;
    for (const std::string& name : option->get_lnames()) names->insert("--" + name);
  }
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) CollectValueOptions(*sub, names);
}

}  // namespace cli_args_detail

// argv[1..] in the reversed order CLI::App::parse(std::vector<std::string>&) takes, with
// every "--name=" of an option that takes a value split into "--name" and "". Call after
// every option is added. Nothing after a bare "--" is touched.
inline std::vector<std::string> ArgsForCli11(CLI::App& app, int argc, const char* const* argv) {
  std::set<std::string> value_options;
  cli_args_detail::CollectValueOptions(app, &value_options);
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
  for (CLI::Option* option : app.get_options()) {
    if (option->get_expected_max() == 0 || option->count() == 0) continue;
    if (!option->get_lnames().empty() && may_be_empty.count("--" + option->get_lnames().front()) > 0) continue;
    for (const std::string& value : option->results()) {
      if (value.empty()) return option->get_name() + ": no value given";
    }
  }
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    if (std::string why = EmptyValueGiven(*sub, may_be_empty); !why.empty()) return why;
  }
  return "";
}

}  // namespace kura
