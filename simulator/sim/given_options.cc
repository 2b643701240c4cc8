#include "given_options.h"

namespace kura::sim {
namespace {

// The app and its option groups, which CLI11 keeps as unnamed subcommands.
std::vector<CLI::Option*> OptionsOf(CLI::App& app) {
  std::vector<CLI::Option*> options = app.get_options();
  for (CLI::App* group : app.get_subcommands([](CLI::App* sub) { return sub->get_name().empty(); })) {
    for (CLI::Option* opt : group->get_options()) options.push_back(opt);
  }
  return options;
}

std::string ShellQuoted(const std::string& value) {
  if (!value.empty() && value.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                "0123456789-_.,/:=+") == std::string::npos)
    return value;
  std::string quoted = "'";
  for (char c : value) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

}  // namespace

std::vector<std::string> GivenOptions(CLI::App& app) {
  std::vector<std::string> given;
  for (CLI::Option* opt : OptionsOf(app)) {
    if (opt->count() > 0) given.push_back(opt->get_name());
  }
  return given;
}

std::string GivenOptionsLine(CLI::App& app, const std::set<std::string>& skip) {
  std::string line;
  for (CLI::Option* opt : OptionsOf(app)) {
    if (opt->count() == 0 || skip.count(opt->get_name()) > 0) continue;
    line += " " + opt->get_name();
    if (opt->get_expected_max() == 0) continue;  // a flag: its name says it all
    // As the run took them: the last of an option given twice.
    for (const std::string& value : opt->reduced_results()) line += " " + ShellQuoted(value);
  }
  return line;
}

std::string OptionOnlyOf(CLI::App& app, CLI::App& sub, int argc, const char* const* argv) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (!arg.starts_with("--")) continue;
    std::string name = arg.substr(0, arg.find('='));
    if (app.get_option_no_throw(name) == nullptr && sub.get_option_no_throw(name) != nullptr) return name;
  }
  return "";
}

}  // namespace kura::sim
