#include "work_dir.h"

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace kura::harness {

Result<std::unique_ptr<WorkDir>> WorkDir::Create(const std::string& parent, bool keep, const std::string& prefix) {
  std::string base = parent;
  if (base.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    base = (tmp != nullptr && *tmp != '\0') ? tmp : "/tmp";
  }
  std::error_code ec;
  std::filesystem::create_directories(base, ec);
  if (ec) return Status::IOError("cannot create " + base + ": " + ec.message());
  std::string tmpl = std::filesystem::absolute(base, ec).string() + "/" + prefix + "-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) return Status::IOError("cannot create a directory in " + base);
  return std::unique_ptr<WorkDir>(new WorkDir(tmpl, keep));
}

WorkDir::~WorkDir() {
  if (keep_) return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

FilesystemInfo WorkDir::Filesystem() const {
  // mountinfo lines: "id parent major:minor root mount-point options [optional...] - type source ..."
  FilesystemInfo best{"/", "unknown", ""};
  std::error_code ec;
  std::string real = std::filesystem::canonical(path_, ec).string();
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  std::size_t best_len = 0;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::vector<std::string> f;
    for (std::string w; fields >> w;) f.push_back(w);
    if (f.size() < 7) continue;
    const std::string& mount = f[4];
    bool covers = real == mount || mount == "/" ||
                  (real.rfind(mount, 0) == 0 && real.size() > mount.size() && real[mount.size()] == '/');
    if (!covers || mount.size() < best_len) continue;
    std::size_t dash = 6;
    while (dash < f.size() && f[dash] != "-") ++dash;
    if (dash + 2 >= f.size()) continue;
    best = {mount, f[dash + 1], f[dash + 2]};
    best_len = mount.size();
  }
  return best;
}

}  // namespace kura::harness
