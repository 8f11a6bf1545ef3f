// An authenticated SSH client session on libssh, and its channels. RAII: destructors disconnect
// and free. All blocking waits are bounded by a Deadline. Errors are CollectError.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "netaudit/collectors/deadline.hpp"
#include "netaudit/collectors/target.hpp"

struct ssh_session_struct;
struct ssh_channel_struct;

namespace netaudit::collectors {

class SshSession;

class SshChannel {
 public:
  SshChannel(SshChannel&&) noexcept;
  SshChannel& operator=(SshChannel&&) noexcept;
  ~SshChannel();  // sends EOF/close if still open, then frees

  // Writes all of `data` (or throws timeout / disconnected).
  void write(std::string_view data, Deadline deadline);
  // Appends what is available to `out`, waiting until at least one byte arrives, EOF, or the
  // deadline. Returns the number of bytes appended; 0 means EOF (the peer closed the channel).
  // Throws timeout when the deadline passes with nothing read, output_too_large when the
  // session's total exceeds CollectOptions::max_output_bytes.
  std::size_t read_some(std::string& out, Deadline deadline);
  bool eof() const;
  // Exit status of an exec channel after EOF (-1 when the server sent none before the deadline).
  int exit_status(Deadline deadline);
  void send_eof();

  ssh_channel_struct* native() const { return channel_.get(); }

 private:
  friend class SshSession;
  struct Free {
    void operator()(ssh_channel_struct* channel) const;
  };
  SshChannel(ssh_channel_struct* channel, SshSession* session);
  std::unique_ptr<ssh_channel_struct, Free> channel_;
  SshSession* session_ = nullptr;
};

class SshSession {
 public:
  SshSession(DeviceTarget target, CollectOptions options);
  SshSession(const SshSession&) = delete;
  SshSession& operator=(const SshSession&) = delete;
  ~SshSession();

  // TCP connect, key exchange (with the target's algorithm overrides), host key verification
  // (known_hosts + policy) and authentication: public key (file or agent), then password,
  // then keyboard-interactive with that password. Throws CollectError with kind connect_failed,
  // negotiation_failed, host_key_unknown, host_key_changed, auth_failed, credential_error or
  // timeout.
  void connect(Deadline deadline);

  // "SHA256:..." of the server's host key, once connected.
  const std::string& host_key_fingerprint() const { return host_key_fingerprint_; }

  // Channel openers (after connect). A PTY shell (xterm-like "vt100", 511 columns), an exec
  // channel running `command` (allow-list checked by the caller), or a subsystem ("netconf").
  SshChannel open_shell(Deadline deadline);
  SshChannel open_exec(std::string_view command, Deadline deadline);
  SshChannel open_subsystem(std::string_view subsystem, Deadline deadline);

  // Bytes read on all channels so far (the output cap applies to this total).
  std::size_t bytes_received() const { return bytes_received_; }
  const DeviceTarget& target() const { return target_; }
  const CollectOptions& options() const { return options_; }
  ssh_session_struct* native() const { return session_.get(); }

 private:
  friend class SshChannel;
  struct Free {
    void operator()(ssh_session_struct* session) const;
  };
  void verify_host_key();
  void authenticate(Deadline deadline);
  void count_received(std::size_t bytes);
  SshChannel open_channel(Deadline deadline);

  DeviceTarget target_;
  CollectOptions options_;
  std::unique_ptr<ssh_session_struct, Free> session_;
  std::string host_key_fingerprint_;
  std::size_t bytes_received_ = 0;
  bool connected_ = false;
};

}  // namespace netaudit::collectors
