// ConfigFile: the TOML side of a daemon's settings. Each setting is read from the file
// only when its flag was not given on the command line (a flag beats the file); a key the
// daemon does not know is an error, so a typo never falls back to a default silently. A
// single string or integer from the file passes the same checks as its flag's (a range,
// say), so the file cannot set what the flag would refuse; lists and tables are the
// caller's to check. Not thread-safe; used once at start.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <toml++/toml.h>

namespace kura {

class ConfigFile {
 public:
  // Parses `path`; error() says why when it cannot.
  ConfigFile(const std::string& path, CLI::App& app);

  void String(const char* key, const char* flag, std::string* out);
  void Int(const char* key, const char* flag, int64_t* out);
  void Strings(const char* key, const char* flag, std::vector<std::string>* out);
  // A table of string values, e.g. [stores] tokyo-01 = "<key>".
  void StringTable(const char* key, const char* flag, std::map<std::string, std::string>* out);

  // Call after reading every key: flags any key nobody asked for. Returns the first error,
  // prefixed with the file name, or "".
  std::string Finish();

 private:
  bool Wanted(const char* key, const char* flag);
  // Gives `text` to the flag's option as if typed after it: its checks run and its bound
  // variable takes the value. False, with the reason recorded, when a check refuses it.
  bool GiveToFlag(const char* key, const char* flag, const std::string& text);
  void Fail(const std::string& message);

  std::string path_;
  CLI::App& app_;
  toml::table table_;
  std::set<std::string> known_;
  std::string error_;
};

}  // namespace kura
