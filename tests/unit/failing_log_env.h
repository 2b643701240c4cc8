// FailingLogEnv: the real file system, except that appends to RocksDB's write-ahead log
// fail while `fail` is set: a disk that refuses a write, for tests of what a failed
// synced write leaves behind.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include <rocksdb/env.h>

namespace kura::test {

class FailingLogEnv : public rocksdb::EnvWrapper {
 public:
  FailingLogEnv() : rocksdb::EnvWrapper(rocksdb::Env::Default()) {}
  const char* Name() const override { return "FailingLogEnv"; }

  rocksdb::Status NewWritableFile(const std::string& name, std::unique_ptr<rocksdb::WritableFile>* file,
                                  const rocksdb::EnvOptions& options) override {
    rocksdb::Status s = target()->NewWritableFile(name, file, options);
    if (s.ok() && name.size() > 4 && name.compare(name.size() - 4, 4, ".log") == 0) {
      *file = std::make_unique<FailingFile>(std::move(*file), &fail);
    }
    return s;
  }

  std::atomic<bool> fail{false};

 private:
  class FailingFile : public rocksdb::WritableFileWrapper {
   public:
    FailingFile(std::unique_ptr<rocksdb::WritableFile> file, std::atomic<bool>* fail)
        : rocksdb::WritableFileWrapper(file.get()), file_(std::move(file)), fail_(fail) {}
    rocksdb::Status Append(const rocksdb::Slice& data) override {
      if (*fail_) return rocksdb::Status::IOError("disk failure (test)");
      return file_->Append(data);
    }
    rocksdb::Status Append(const rocksdb::Slice& data, const rocksdb::DataVerificationInfo&) override {
      return Append(data);
    }

   private:
    std::unique_ptr<rocksdb::WritableFile> file_;
    std::atomic<bool>* fail_;
  };
};

}  // namespace kura::test
