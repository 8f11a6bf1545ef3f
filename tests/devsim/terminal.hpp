// What a simulated CLI or NETCONF session needs from its SSH channel, and the audit log of
// refused (non read-only) commands. Kept free of libssh so the session logic stays readable.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>

namespace devsim {

class Terminal {
 public:
  virtual ~Terminal() = default;
  // Blocks until written; false once the client is gone.
  virtual bool write(std::string_view bytes) = 0;
  // True when devsim shuts down or the client went away: long loops stop.
  virtual bool stopping() const = 0;
  // Abrupt end without exit status or EOF (fault injection).
  virtual void drop_connection() = 0;
  // Orderly end: exit status, EOF, close.
  virtual void end_session(int exit_status) = 0;
  // Sleeps up to `ms`, returning early when stopping().
  void pause_ms(int ms);
};

// Appends one tab-separated line per refused command: "refused<TAB>device<TAB>origin<TAB>command".
// The count is also kept in memory for the shutdown summary.
class AuditLog {
 public:
  explicit AuditLog(const std::filesystem::path& file);  // empty path = count only
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  void refused(std::string_view device, std::string_view origin, std::string_view command);
  std::size_t refused_count() const { return refused_.load(); }

  // Latency bookkeeping for benchmarks: the sum of injected delays is the latency floor's input.
  void latency_injected(int ms) {
    injected_ms_ += ms;
    ++delayed_commands_;
  }
  long long injected_ms() const { return injected_ms_.load(); }
  long long delayed_commands() const { return delayed_commands_.load(); }

 private:
  std::mutex mutex_;
  std::FILE* file_ = nullptr;
  std::atomic<std::size_t> refused_{0};
  std::atomic<long long> injected_ms_{0};
  std::atomic<long long> delayed_commands_{0};
};

}  // namespace devsim
