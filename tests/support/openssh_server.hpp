// Real servers for the collector tests, started on 127.0.0.1 and stopped by PID:
// OpenSSH sshd (with its own host key, config and authorized key) and yuma123 netconfd behind
// sshd's "netconf" subsystem. Both live in a private temporary folder.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "temp_dir.hpp"  // TempDir, for the servers' folders

namespace netaudit::test {

// A child process started with fork/exec; killed (TERM, then KILL) and reaped on destruction.
class ChildProcess {
 public:
  ChildProcess() = default;
  ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& log_file,
               const std::vector<std::string>& extra_env = {});
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ~ChildProcess() { stop(); }
  void stop();
  bool running();
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

// A free TCP port on 127.0.0.1 (bound and released; a small race, fine for tests).
std::uint16_t free_local_port();
// Waits until 127.0.0.1:port accepts a TCP connection; false after the timeout.
bool wait_for_port(std::uint16_t port, int timeout_ms);
// Generates an ed25519 key pair at `file` and `file`.pub (ssh-keygen, no passphrase unless
// given). Throws on failure.
void generate_ssh_key(const std::filesystem::path& file, const std::string& passphrase = "");

struct OpenSshOptions {
  // Contents of a script run as ForceCommand (written to <dir>/force-command.sh); empty = none.
  std::string force_command_script;
  // "Subsystem netconf ..." line target, e.g. the netconf-subsystem with its socket argument.
  std::string netconf_subsystem;
  bool password_authentication = false;
  std::uint16_t port = 0;  // 0 = pick a free port
};

class OpenSshServer {
 public:
  // Writes the host key (kept across restarts), the client key pair and the config into
  // `dir`, picks a free port and starts sshd -D. Throws with sshd's log when it does not start.
  OpenSshServer(const std::filesystem::path& dir, OpenSshOptions options);
  ~OpenSshServer() = default;
  void stop() { process_.stop(); }
  void start();  // (re)start on the same port with the current host key
  // Replaces the host key with a new one and restarts (for the changed-host-key test).
  void replace_host_key();

  std::uint16_t port() const { return port_; }
  const std::filesystem::path& client_key() const { return client_key_; }
  const std::filesystem::path& dir() const { return dir_; }
  std::string user() const;  // the user the tests log in as (the current user)
  std::string log() const;

 private:
  void write_config();
  std::filesystem::path dir_;
  OpenSshOptions options_;
  std::uint16_t port_ = 0;
  std::filesystem::path host_key_;
  std::filesystem::path client_key_;
  ChildProcess process_;
};

// yuma123 netconfd with a private unix socket, preloaded from a startup XML file.
class NetconfdServer {
 public:
  // `ssh_port` must be the port clients use (netconfd checks it); modules are --module args.
  NetconfdServer(const std::filesystem::path& dir, std::uint16_t ssh_port,
                 const std::filesystem::path& startup_xml, const std::vector<std::string>& modules);
  ~NetconfdServer() = default;
  // The sshd Subsystem command that bridges to this netconfd.
  std::string subsystem_command() const;
  std::string log() const;

 private:
  std::filesystem::path dir_;
  std::uint16_t ssh_port_;
  std::filesystem::path socket_;
  ChildProcess process_;
};

}  // namespace netaudit::test
