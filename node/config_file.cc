#include "config_file.h"

namespace kura {

ConfigFile::ConfigFile(const std::string& path, CLI::App& app) : path_(path), app_(app) {
  try {
    table_ = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    Fail(std::string(e.description()) + " (line " + std::to_string(e.source().begin.line) +
         ", column " + std::to_string(e.source().begin.column) + ")");
  }
}

void ConfigFile::Fail(const std::string& message) {
  if (error_.empty()) error_ = message;
}

bool ConfigFile::Wanted(const char* key, const char* flag) {
  known_.insert(key);
  return table_.contains(key) && app_.get_option(flag)->count() == 0;
}

bool ConfigFile::GiveToFlag(const char* key, const char* flag, const std::string& text) {
  CLI::Option* option = app_.get_option(flag);
  try {
    option->add_result(text);
    option->run_callback();
    return true;
  } catch (const CLI::ValidationError& e) {
    // CLI11 names the flag, then why ("--x: Value 0 not in range 1 to 8760"): name the key.
    std::string why = e.what();
    auto colon = why.find(": ");
    Fail(std::string(key) + ": " + (colon == std::string::npos ? why : why.substr(colon + 2)));
  } catch (const CLI::Error& e) {
    Fail(std::string(key) + ": " + e.what());
  }
  return false;
}

void ConfigFile::String(const char* key, const char* flag, std::string* out) {
  if (!Wanted(key, flag)) return;
  auto v = table_[key].value<std::string>();
  if (!v) return Fail(std::string(key) + " must be a string");
  // What the flag's option made of it, should a check ever transform the text.
  if (GiveToFlag(key, flag, *v)) *out = app_.get_option(flag)->as<std::string>();
}

void ConfigFile::Int(const char* key, const char* flag, int64_t* out) {
  if (!Wanted(key, flag)) return;
  auto v = table_[key].value<int64_t>();
  if (!v) return Fail(std::string(key) + " must be an integer");
  if (GiveToFlag(key, flag, std::to_string(*v))) *out = app_.get_option(flag)->as<int64_t>();
}

void ConfigFile::Strings(const char* key, const char* flag, std::vector<std::string>* out) {
  if (!Wanted(key, flag)) return;
  const toml::array* list = table_[key].as_array();
  if (list == nullptr) return Fail(std::string(key) + " must be an array of strings");
  out->clear();
  for (const auto& item : *list) {
    if (auto v = item.value<std::string>()) out->push_back(*v);
    else return Fail(std::string(key) + " must be an array of strings");
  }
}

void ConfigFile::StringTable(const char* key, const char* flag, std::map<std::string, std::string>* out) {
  if (!Wanted(key, flag)) return;
  const toml::table* t = table_[key].as_table();
  if (t == nullptr) return Fail(std::string(key) + " must be a table of strings");
  for (const auto& [name, value] : *t) {
    if (auto v = value.value<std::string>()) (*out)[std::string(name.str())] = *v;
    else return Fail(std::string(key) + "." + std::string(name.str()) + " must be a string");
  }
}

std::string ConfigFile::Finish() {
  for (const auto& [key, value] : table_) {
    if (!known_.count(std::string(key.str()))) Fail("unknown key " + std::string(key.str()));
  }
  return error_.empty() ? "" : "config " + path_ + ": " + error_;
}

}  // namespace kura
