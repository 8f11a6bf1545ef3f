// An exclusive flock(2) on a file beside the store (netaudit.db.lock), held for as long as the
// object lives: a second daemon (or a second Store in the same process: flock locks belong to
// the open file, not the process) is refused instead of writing the same file. The kernel drops
// the lock when the process dies, kill -9 included, so no stale lock survives a crash.
#pragma once

#include <filesystem>
#include <string>

namespace netaudit::store {

class LockFile {
 public:
  // Throws StoreError(locked) when another holder has it, StoreError(io) when the lock file
  // cannot be created. `store_file` is named in the messages.
  LockFile(const std::filesystem::path& lock_path, const std::filesystem::path& store_file);
  ~LockFile();
  LockFile(const LockFile&) = delete;
  LockFile& operator=(const LockFile&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace netaudit::store
