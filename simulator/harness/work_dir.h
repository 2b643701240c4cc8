// WorkDir: the directory one kura-bench or kura-sim run writes in (the raw RocksDB, the
// daemons' data directories and logs, ipc sockets): a fresh <prefix>-XXXXXX under a parent
// directory, removed with everything in it when the object dies unless kept. It also names the
// filesystem it lives on, because a synced write's cost is a property of that filesystem
// and disk: every figure of a run is measured there. Not thread-safe (immutable after
// Create, so concurrent reads are fine).
#pragma once

#include <memory>
#include <string>

#include "kura/schema/status.h"

namespace kura::harness {

struct FilesystemInfo {
  std::string mount_point;  // "/" when unknown
  std::string type;         // "ext4", "tmpfs", ...; "unknown" when /proc is unavailable
  std::string source;       // "/dev/vda"
};

class WorkDir {
 public:
  // Makes a fresh directory `prefix`-XXXXXX under `parent` (created if missing; empty
  // means $TMPDIR or /tmp). IOError when it cannot be made.
  static Result<std::unique_ptr<WorkDir>> Create(const std::string& parent, bool keep,
                                                 const std::string& prefix = "kura-bench");
  ~WorkDir();
  WorkDir(const WorkDir&) = delete;
  WorkDir& operator=(const WorkDir&) = delete;

  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }
  bool kept() const { return keep_; }
  // The mount holding path(), from /proc/self/mountinfo.
  FilesystemInfo Filesystem() const;

 private:
  WorkDir(std::string path, bool keep) : path_(std::move(path)), keep_(keep) {}

  std::string path_;
  bool keep_;
};

}  // namespace kura::harness
