// Error kinds of a collection, and the exception that carries one inside the collectors.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace netaudit::collectors {

// Every way a collection can end. Each kind is distinct so that a caller (CLI exit code,
// scheduler, alerting) can act on it: a changed host key is an alert, a timeout a retry.
enum class ErrorKind {
  none,                // success
  invalid_target,      // the device description is unusable (no host, no credential, ...)
  credential_error,    // a key/password/passphrase file could not be read or a key not loaded
  profile_error,       // the platform profile could not be loaded (bad YAML, bad regex)
  refused_command,     // a command is not on the read-only allow-list; it was never sent
  connect_failed,      // TCP connect refused / unreachable / name not resolved
  negotiation_failed,  // no common key exchange, host key, cipher or MAC algorithm
  host_key_unknown,    // strict policy and the host is not in known_hosts
  host_key_changed,    // known_hosts has a different key for this host: possible MITM
  auth_failed,         // every offered authentication method was rejected
  timeout,             // a connect, command or whole-job deadline passed (no output pending)
  prompt_not_found,    // output arrived but never matched the profile's prompt before the deadline
  disconnected,        // the peer closed the connection before the transfer was proven complete
  incomplete_output,   // the channel ended normally but the end marker / final prompt is missing
  output_too_large,    // more than CollectOptions::max_output_bytes arrived
  protocol_error,      // SSH channel failure, malformed NETCONF framing or XML
  rpc_error,           // the NETCONF server answered with <rpc-error>
  unreadable,          // transport file: the config file is missing, unreadable or not a file
};

// Stable snake_case name: "host_key_changed".
std::string_view to_string(ErrorKind kind);

// Thrown by the lower-level classes (SshSession, CliDriver, NetconfClient, profile loading);
// collect_config() catches it and returns it as CollectResult. The message never contains a
// credential (password, passphrase or key material).
class CollectError : public std::runtime_error {
 public:
  CollectError(ErrorKind kind, const std::string& message)
      : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const noexcept { return kind_; }

 private:
  ErrorKind kind_;
};

}  // namespace netaudit::collectors
