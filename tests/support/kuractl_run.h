// Running the kuractl binary from a test exactly as a script would: through the shell,
// with its exit code, stdout and stderr captured. Not thread-safe (one run at a time per
// TempDir: stderr goes through a file in it).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "temp_dir.h"

namespace kura::test {

struct CommandRun {
  int exit_code = -1;
  std::string out, err;
  // stdout as JSON; fails the test when it is not one JSON document.
  nlohmann::json Json() const;
};

// Runs `command` (through the shell, so it quotes what needs quoting), capturing its
// stdout, stderr and exit code. Fails the test when it cannot be run or does not exit
// normally.
CommandRun RunCommand(const TempDir& dir, const std::string& command);

// Runs `kuractl --api <endpoint> [--json] <args>`; `args` is passed through the shell, so
// tests quote what needs quoting. Fails the test when kuractl cannot be run or does not
// exit normally.
CommandRun Kuractl(const TempDir& dir, const std::string& endpoint, const std::string& args,
               bool json_output = true);

}  // namespace kura::test
