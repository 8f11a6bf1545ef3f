// Starts the device simulator (tests/devsim) for a test and stops it by PID (RAII).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "temp_dir.hpp"

namespace netaudit::test {

// $NETAUDIT_DEVSIM, else <build>/tests/devsim/devsim.
std::filesystem::path devsim_binary();

// devsim with a lab file, every device on a free port of 127.0.0.1. The constructor returns once
// devsim has written its ready file (or throws with devsim's output); stop() and the destructor
// send SIGTERM, wait up to 30 s, then SIGKILL. Only this PID is ever signalled. The destructor
// fails the running test case when devsim did not exit with 0 on SIGTERM or wrote a sanitizer
// report (under ASan, exit 0 also means no leak).
class DevsimProcess {
 public:
  explicit DevsimProcess(const std::filesystem::path& lab, std::vector<std::string> extra_args = {},
                         std::chrono::milliseconds start_timeout = std::chrono::seconds(30));
  ~DevsimProcess();
  DevsimProcess(const DevsimProcess&) = delete;
  DevsimProcess& operator=(const DevsimProcess&) = delete;

  pid_t pid() const { return pid_; }
  // The port of a device (throws std::out_of_range naming the device when unknown).
  std::uint16_t port(std::string_view device) const;
  // The shared port (devices picked by user name), when started with --shared-port.
  std::uint16_t shared_port() const { return port("*"); }
  const std::map<std::string, std::uint16_t, std::less<>>& ports() const { return ports_; }
  // known_hosts holding the host keys the lab records for every port.
  std::filesystem::path known_hosts() const { return dir_.path() / "known_hosts"; }
  std::filesystem::path audit_log() const { return dir_.path() / "audit.log"; }
  // Lines of the audit log: commands devsim refused because they are not read-only.
  std::vector<std::string> refused_commands() const;
  // devsim's stdout and stderr so far.
  std::string output() const;
  // SIGTERM and wait; returns the exit status (or -1 when it had to be killed or died of a
  // signal). Once stopped, returns the same again.
  int stop();

 private:
  TempDir dir_;
  pid_t pid_ = -1;
  int exit_status_ = -1;
  std::string how_it_ended_;  // "exited with 0", "killed by signal 6 (Aborted)", ...
  std::map<std::string, std::uint16_t, std::less<>> ports_;
};

}  // namespace netaudit::test
