// What to collect from (DeviceTarget) and how (CollectOptions).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace netaudit::secrets {
class RedactionKey;
}

namespace netaudit::collectors {

// ssh = CLI (shell or exec per profile); file = a config file on disk (an Oxidized or RANCID
// backup tree, a CI checkout), read instead of collected.
enum class Transport { ssh, netconf, file };
std::string_view to_string(Transport transport);

// Where credentials come from. Only file paths and env var names are held here; the secrets
// themselves are read at connect time, used, and wiped. None of them is ever logged.
struct Credentials {
  std::string user;
  std::optional<std::filesystem::path> key_file;             // private key (OpenSSH format)
  std::optional<std::filesystem::path> key_passphrase_file;  // passphrase for key_file
  std::optional<std::string> key_passphrase_env;             // env var holding the passphrase
  std::optional<std::filesystem::path> password_file;        // password (first line, no newline)
  std::optional<std::string> password_env;                   // env var holding the password
  bool use_agent = false;                                    // try keys from $SSH_AUTH_SOCK
};

// Per-device algorithm overrides for old or unusual gear, in OpenSSH list syntax
// ("diffie-hellman-group14-sha1,diffie-hellman-group1-sha1"). Empty = libssh defaults.
struct AlgorithmOverrides {
  std::string kex;
  std::string host_key;
  std::string ciphers;  // both directions
  std::string macs;     // both directions
};

struct DeviceTarget {
  std::string name;  // inventory name; used in messages (defaults to host)
  std::string host;  // name or address (empty for transport file)
  std::uint16_t port = 22;
  std::string platform;  // profile name: cisco_ios, juniper_junos, ...
  Transport transport = Transport::ssh;
  std::filesystem::path path;  // transport file: the config file
  Credentials credentials;
  AlgorithmOverrides algorithms;
  std::map<std::string, std::string> labels;  // free-form inventory labels
  std::string display_name() const { return name.empty() ? host : name; }
};

enum class HostKeyPolicy {
  strict,      // unknown key -> host_key_unknown, changed key -> host_key_changed
  accept_new,  // unknown key is recorded in known_hosts; changed key -> host_key_changed
};
std::string_view to_string(HostKeyPolicy policy);

struct CollectOptions {
  // known_hosts file; empty = ~/.ssh/known_hosts.
  std::filesystem::path known_hosts;
  HostKeyPolicy host_key_policy = HostKeyPolicy::strict;
  std::chrono::milliseconds connect_timeout{10'000};  // TCP + SSH handshake + auth
  std::chrono::milliseconds command_timeout{30'000};  // each command / RPC until its prompt/reply
  std::chrono::milliseconds job_timeout{120'000};     // the whole collection, hard
  std::size_t max_output_bytes = 64u << 20;           // cap on everything read from the device
  bool normalise = true;                              // fill CollectResult::normalised
  // The key of the redaction markers; required when `normalise` (a missing key is a
  // profile_error). RedactionKey::load_or_create(RedactionKey::default_path()) on the CLI.
  std::shared_ptr<const secrets::RedactionKey> redaction_key;
  // NETCONF only: datastore and an optional subtree filter (the XML inside <filter>).
  std::string netconf_datastore = "running";
  std::string netconf_subtree_filter;
};

}  // namespace netaudit::collectors
