#include "kuractl_run.h"

#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

namespace kura::test {

nlohmann::json CommandRun::Json() const {
  INFO("stdout: " << out << "\nstderr: " << err);
  nlohmann::json doc = nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
  REQUIRE_FALSE(doc.is_discarded());
  return doc;
}

CommandRun RunCommand(const TempDir& dir, const std::string& command) {
  std::string err_path = dir.Sub("command.err");
  CommandRun run;
  FILE* pipe = popen((command + " 2>'" + err_path + "'").c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buf[4096];
  for (std::size_t n; (n = fread(buf, 1, sizeof buf, pipe)) > 0;) run.out.append(buf, n);
  int status = pclose(pipe);
  REQUIRE(WIFEXITED(status));
  run.exit_code = WEXITSTATUS(status);
  std::ifstream err(err_path);
  std::stringstream ss;
  ss << err.rdbuf();
  run.err = ss.str();
  return run;
}

CommandRun Kuractl(const TempDir& dir, const std::string& endpoint, const std::string& args,
               bool json_output) {
  return RunCommand(dir, std::string("'") + KURACTL_BIN + "' --api '" + endpoint + "'" +
                             (json_output ? " --json " : " ") + args);
}

}  // namespace kura::test
