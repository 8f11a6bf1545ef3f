#include "store/lock_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "store/store.hpp"

namespace netaudit::store {

namespace {

// The pid the holder wrote into the lock file, for the message ("" when unreadable).
std::string holder_pid(int fd) {
  char buffer[32] = {};
  const ssize_t got = ::pread(fd, buffer, sizeof buffer - 1, 0);
  if (got <= 0) return {};
  std::string pid(buffer, static_cast<std::size_t>(got));
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' '))
    pid.pop_back();
  return pid;
}

}  // namespace

LockFile::LockFile(const std::filesystem::path& lock_path,
                   const std::filesystem::path& store_file) {
  fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) {
    throw StoreError(StoreError::Kind::io, store_file.string() + ": cannot create the lock file " +
                                               lock_path.string() + ": " + std::strerror(errno));
  }
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    const std::string pid = holder_pid(fd_);
    ::close(fd_);
    fd_ = -1;
    if (error == EWOULDBLOCK) {
      throw StoreError(StoreError::Kind::locked,
                       store_file.string() + ": the store is in use by another netaudit daemon" +
                           (pid.empty() ? "" : " (pid " + pid + ")") + ", which holds " +
                           lock_path.string() +
                           "; stop it first, or give this daemon a store file of its own");
    }
    throw StoreError(StoreError::Kind::io, store_file.string() + ": cannot lock " +
                                               lock_path.string() + ": " + std::strerror(error));
  }
  // Our pid, so the next one refused can say who holds it (best effort: the lock is what counts).
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd_, 0) == 0) {
    [[maybe_unused]] const ssize_t written = ::pwrite(fd_, pid.data(), pid.size(), 0);
  }
}

LockFile::~LockFile() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the flock
}

}  // namespace netaudit::store
