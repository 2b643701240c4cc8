// TempDir: a fresh directory under $TMPDIR (or /tmp), removed with everything in it when
// the object dies. Short paths, because ipc:// endpoints live inside and are capped at
// about 100 bytes.
#pragma once

#include <string>

namespace kura::test {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace kura::test
