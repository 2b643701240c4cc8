// kura-hq's memory setting: HQ's database gets kHqCacheMb unless the file or a flag says
// otherwise (the flag wins), and a size out of range stops it with a clear error.
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "hq_config.h"
#include "temp_dir.h"

namespace kura {
namespace {

struct Parsed {
  HqConfig config;
  int exit_code = 0;
  std::string output;
};

Parsed Parse(std::vector<std::string> args) {
  args.insert(args.begin(), {"kura-hq", "--data-dir", "/tmp/kura-hq-config-test", "--key-file", "hq.key"});
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  Parsed p;
  p.config = ParseHqConfig(static_cast<int>(argv.size()), argv.data(), &p.exit_code, &p.output);
  return p;
}

TEST_CASE("kura-hq sizes its database's memory from the file or --cache-mb", "[config]") {
  CHECK(Parse({}).config.engine.cache_mb == kHqCacheMb);
  CHECK(kHqCacheMb > kStoreCacheMb);

  kura::test::TempDir dir;
  std::string file = dir.Sub("hq.toml");
  std::ofstream(file) << "cache_mb = 64\n";
  Parsed from_file = Parse({"--config", file});
  REQUIRE(from_file.exit_code == -1);
  CHECK(from_file.config.engine.cache_mb == 64);
  CHECK(Parse({"--config", file, "--cache-mb", "512"}).config.engine.cache_mb == 512);

  Parsed flag_too_small = Parse({"--cache-mb", "4"});
  CHECK(flag_too_small.exit_code != -1);
  CHECK_THAT(flag_too_small.output, Catch::Contains("--cache-mb"));
  std::ofstream(file) << "cache_mb = 4\n";
  Parsed file_too_small = Parse({"--config", file});
  CHECK(file_too_small.exit_code == 2);
  CHECK_THAT(file_too_small.output, Catch::Contains("cache_mb must be in 8..65536"));
}

}  // namespace
}  // namespace kura
