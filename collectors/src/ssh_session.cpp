// libssh client session: connect, host key policy, authentication, channels.
#include "netaudit/collectors/ssh_session.hpp"

#include <libssh/libssh.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <optional>
#include <vector>

#include "netaudit/collectors/errors.hpp"
#include "secret.hpp"

namespace netaudit::collectors {
namespace {

std::string where(const DeviceTarget& target) {
  return target.display_name() + " (" + target.host + ":" + std::to_string(target.port) + ")";
}

std::string session_error(ssh_session session) {
  const char* text = ssh_get_error(session);
  return text == nullptr ? std::string("unknown libssh error") : std::string(text);
}

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// Blocking libssh calls use the session timeout: set it to what is left of `deadline`
// (at least 1 ms, since 0 would mean "no timeout" to libssh).
void set_session_timeout(ssh_session session, Deadline deadline) {
  const auto left = std::max<long>(1, static_cast<long>(deadline.remaining().count()));
  long seconds = left / 1000;
  long micros = (left % 1000) * 1000;
  ssh_options_set(session, SSH_OPTIONS_TIMEOUT, &seconds);
  ssh_options_set(session, SSH_OPTIONS_TIMEOUT_USEC, &micros);
}

struct KeyFree {
  void operator()(ssh_key key) const { ssh_key_free(key); }
};
using KeyPtr = std::unique_ptr<ssh_key_struct, KeyFree>;

std::string method_names(int methods) {
  std::string names;
  auto add = [&](int bit, std::string_view name) {
    if ((methods & bit) == 0) return;
    if (!names.empty()) names += ", ";
    names += name;
  };
  add(SSH_AUTH_METHOD_PUBLICKEY, "publickey");
  add(SSH_AUTH_METHOD_PASSWORD, "password");
  add(SSH_AUTH_METHOD_INTERACTIVE, "keyboard-interactive");
  return names.empty() ? std::string("none") : names;
}

}  // namespace

// ---------------------------------------------------------------- SshChannel

void SshChannel::Free::operator()(ssh_channel_struct* channel) const {
  if (ssh_channel_is_open(channel) != 0) ssh_channel_close(channel);
  ssh_channel_free(channel);
}

SshChannel::SshChannel(ssh_channel_struct* channel, SshSession* session)
    : channel_(channel), session_(session) {}
SshChannel::SshChannel(SshChannel&&) noexcept = default;
SshChannel& SshChannel::operator=(SshChannel&&) noexcept = default;
SshChannel::~SshChannel() = default;

void SshChannel::write(std::string_view data, Deadline deadline) {
  ssh_session session = session_->native();
  set_session_timeout(session, deadline);
  while (!data.empty()) {
    if (deadline.expired())
      throw CollectError(ErrorKind::timeout,
                         where(session_->target()) + ": timed out sending a command");
    const int written =
        ssh_channel_write(channel_.get(), data.data(), static_cast<uint32_t>(data.size()));
    if (written == SSH_ERROR || ssh_channel_is_open(channel_.get()) == 0)
      throw CollectError(
          ErrorKind::disconnected,
          where(session_->target()) + ": connection lost while sending: " + session_error(session));
    data.remove_prefix(static_cast<std::size_t>(written));
  }
}

std::size_t SshChannel::read_some(std::string& out, Deadline deadline) {
  std::array<char, 32 * 1024> buffer{};
  for (;;) {
    // Wait in slices so that stderr is drained (it shares the channel window with stdout).
    const int wait_ms = static_cast<int>(std::min<long>(deadline.remaining().count(), 250));
    const int n =
        ssh_channel_read_timeout(channel_.get(), buffer.data(),
                                 static_cast<uint32_t>(buffer.size()), 0, std::max(wait_ms, 0));
    if (n > 0) {
      session_->count_received(static_cast<std::size_t>(n));
      out.append(buffer.data(), static_cast<std::size_t>(n));
      return static_cast<std::size_t>(n);
    }
    if (n == SSH_ERROR)
      throw CollectError(ErrorKind::disconnected, where(session_->target()) +
                                                      ": connection lost while reading: " +
                                                      session_error(session_->native()));
    const int err = ssh_channel_read_nonblocking(channel_.get(), buffer.data(),
                                                 static_cast<uint32_t>(buffer.size()), 1);
    if (err > 0) session_->count_received(static_cast<std::size_t>(err));
    if (ssh_channel_is_eof(channel_.get()) != 0) return 0;
    if (ssh_channel_is_closed(channel_.get()) != 0) return 0;
    if (deadline.expired())
      throw CollectError(ErrorKind::timeout,
                         where(session_->target()) + ": no output before the deadline");
  }
}

bool SshChannel::eof() const {
  return ssh_channel_is_eof(channel_.get()) != 0;
}

int SshChannel::exit_status(Deadline deadline) {
  set_session_timeout(session_->native(), deadline);
  return ssh_channel_get_exit_status(channel_.get());
}

void SshChannel::send_eof() {
  if (ssh_channel_is_open(channel_.get()) != 0) ssh_channel_send_eof(channel_.get());
}

// ---------------------------------------------------------------- SshSession

void SshSession::Free::operator()(ssh_session_struct* session) const {
  if (ssh_is_connected(session) != 0) ssh_disconnect(session);
  ssh_free(session);
}

SshSession::SshSession(DeviceTarget target, CollectOptions options)
    : target_(std::move(target)), options_(std::move(options)), session_(ssh_new()) {
  if (!session_) throw CollectError(ErrorKind::protocol_error, "cannot allocate an SSH session");
}

SshSession::~SshSession() = default;

void SshSession::count_received(std::size_t bytes) {
  bytes_received_ += bytes;
  if (bytes_received_ > options_.max_output_bytes)
    throw CollectError(ErrorKind::output_too_large,
                       where(target_) + ": output exceeds the cap of " +
                           std::to_string(options_.max_output_bytes) + " bytes");
}

void SshSession::connect(Deadline deadline) {
  if (target_.host.empty())
    throw CollectError(ErrorKind::invalid_target, "device " + target_.display_name() + ": no host");
  if (target_.credentials.user.empty())
    throw CollectError(ErrorKind::invalid_target, where(target_) + ": no user name");
  ssh_session session = session_.get();
  // Never read ~/.ssh/config or /etc/ssh/ssh_config: everything comes from the target.
  bool process_config = false;
  ssh_options_set(session, SSH_OPTIONS_PROCESS_CONFIG, &process_config);
  ssh_options_set(session, SSH_OPTIONS_HOST, target_.host.c_str());
  unsigned int port = target_.port;
  ssh_options_set(session, SSH_OPTIONS_PORT, &port);
  ssh_options_set(session, SSH_OPTIONS_USER, target_.credentials.user.c_str());
  // Small request/response exchanges: without TCP_NODELAY each one waits ~40 ms for the
  // peer's delayed ACK (Nagle), which dominates a CLI session of a few commands.
  int no_delay = 1;
  ssh_options_set(session, SSH_OPTIONS_NODELAY, &no_delay);
  if (!options_.known_hosts.empty()) {
    const std::string file = options_.known_hosts.string();
    ssh_options_set(session, SSH_OPTIONS_KNOWNHOSTS, file.c_str());
    ssh_options_set(session, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, file.c_str());
  }
  const auto set_algorithms = [&](ssh_options_e option, const std::string& list,
                                  std::string_view what) {
    if (list.empty()) return;
    if (ssh_options_set(session, option, list.c_str()) != SSH_OK)
      throw CollectError(ErrorKind::invalid_target, where(target_) + ": unsupported " +
                                                        std::string(what) + " list '" + list + "'");
  };
  set_algorithms(SSH_OPTIONS_KEY_EXCHANGE, target_.algorithms.kex, "key exchange");
  set_algorithms(SSH_OPTIONS_HOSTKEYS, target_.algorithms.host_key, "host key");
  set_algorithms(SSH_OPTIONS_CIPHERS_C_S, target_.algorithms.ciphers, "cipher");
  set_algorithms(SSH_OPTIONS_CIPHERS_S_C, target_.algorithms.ciphers, "cipher");
  set_algorithms(SSH_OPTIONS_HMAC_C_S, target_.algorithms.macs, "MAC");
  set_algorithms(SSH_OPTIONS_HMAC_S_C, target_.algorithms.macs, "MAC");

  set_session_timeout(session, deadline);
  if (ssh_connect(session) != SSH_OK) {
    const std::string error = session_error(session);
    ErrorKind kind = ErrorKind::connect_failed;
    if (contains(error, "no match for method") || contains(error, "kex error"))
      kind = ErrorKind::negotiation_failed;
    else if (contains(error, "Timeout") || contains(error, "timed out") || deadline.expired())
      kind = ErrorKind::timeout;
    throw CollectError(kind, where(target_) + ": SSH connect failed: " + error);
  }
  verify_host_key();
  authenticate(deadline);
  connected_ = true;
}

void SshSession::verify_host_key() {
  ssh_session session = session_.get();
  ssh_key raw_key = nullptr;
  if (ssh_get_server_publickey(session, &raw_key) != SSH_OK)
    throw CollectError(ErrorKind::protocol_error, where(target_) + ": no server host key");
  KeyPtr key(raw_key);
  unsigned char* hash = nullptr;
  size_t hash_len = 0;
  if (ssh_get_publickey_hash(key.get(), SSH_PUBLICKEY_HASH_SHA256, &hash, &hash_len) == 0) {
    char* text = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hash_len);
    if (text != nullptr) {
      host_key_fingerprint_ = text;
      ssh_string_free_char(text);
    }
    ssh_clean_pubkey_hash(&hash);
  }
  const std::string known_file = options_.known_hosts.empty() ? std::string("~/.ssh/known_hosts")
                                                              : options_.known_hosts.string();
  switch (ssh_session_is_known_server(session)) {
    case SSH_KNOWN_HOSTS_OK:
      return;
    case SSH_KNOWN_HOSTS_CHANGED:
    case SSH_KNOWN_HOSTS_OTHER:
      throw CollectError(ErrorKind::host_key_changed,
                         where(target_) + ": HOST KEY CHANGED: the server presents " +
                             host_key_fingerprint_ + ", which differs from the key recorded in " +
                             known_file + " (possible man-in-the-middle); refusing to connect");
    case SSH_KNOWN_HOSTS_NOT_FOUND:
    case SSH_KNOWN_HOSTS_UNKNOWN:
      if (options_.host_key_policy != HostKeyPolicy::accept_new)
        throw CollectError(ErrorKind::host_key_unknown,
                           where(target_) + ": host key " + host_key_fingerprint_ + " is not in " +
                               known_file +
                               " (strict host key policy; use accept-new to record it)");
      if (!options_.known_hosts.empty()) {
        std::error_code ec;
        if (options_.known_hosts.has_parent_path())
          std::filesystem::create_directories(options_.known_hosts.parent_path(), ec);
        std::ofstream touch(options_.known_hosts, std::ios::app);
      }
      if (ssh_session_update_known_hosts(session) != SSH_OK)
        throw CollectError(ErrorKind::host_key_unknown,
                           where(target_) + ": cannot record host key in " + known_file + ": " +
                               session_error(session));
      return;
    case SSH_KNOWN_HOSTS_ERROR:
      break;
  }
  throw CollectError(ErrorKind::host_key_unknown, where(target_) + ": cannot check " + known_file +
                                                      ": " + session_error(session));
}

void SshSession::authenticate(Deadline deadline) {
  ssh_session session = session_.get();
  const Credentials& creds = target_.credentials;
  set_session_timeout(session, deadline);
  int rc = ssh_userauth_none(session, nullptr);
  if (rc == SSH_AUTH_SUCCESS) return;
  if (rc == SSH_AUTH_ERROR)
    throw CollectError(deadline.expired() ? ErrorKind::timeout : ErrorKind::disconnected,
                       where(target_) + ": authentication aborted: " + session_error(session));
  const int offered = ssh_userauth_list(session, nullptr);
  std::vector<std::string> tried;

  auto check = [&](int result, std::string_view method) {
    if (result == SSH_AUTH_SUCCESS) return true;
    if (result == SSH_AUTH_ERROR)
      throw CollectError(deadline.expired() ? ErrorKind::timeout : ErrorKind::disconnected,
                         where(target_) + ": " + std::string(method) +
                             " authentication aborted: " + session_error(session));
    tried.emplace_back(method);
    return false;
  };

  if (creds.key_file && (offered & SSH_AUTH_METHOD_PUBLICKEY) != 0) {
    std::optional<SecretString> passphrase;
    if (creds.key_passphrase_file)
      passphrase = read_secret_file(*creds.key_passphrase_file, "key passphrase");
    else if (creds.key_passphrase_env)
      passphrase = read_secret_env(*creds.key_passphrase_env, "key passphrase");
    ssh_key raw_key = nullptr;
    const int imported = ssh_pki_import_privkey_file(creds.key_file->c_str(),
                                                     passphrase ? passphrase->c_str() : nullptr,
                                                     nullptr, nullptr, &raw_key);
    if (imported != SSH_OK)
      throw CollectError(ErrorKind::credential_error,
                         "cannot load private key " + creds.key_file->string() +
                             (imported == SSH_EOF ? " (file missing or unreadable)"
                                                  : " (bad format or wrong passphrase)"));
    KeyPtr key(raw_key);
    set_session_timeout(session, deadline);
    if (check(ssh_userauth_publickey(session, nullptr, key.get()), "publickey")) return;
  }
  if (creds.use_agent && (offered & SSH_AUTH_METHOD_PUBLICKEY) != 0) {
    set_session_timeout(session, deadline);
    if (check(ssh_userauth_agent(session, nullptr), "agent")) return;
  }
  std::optional<SecretString> password;
  if (creds.password_file)
    password = read_secret_file(*creds.password_file, "password");
  else if (creds.password_env)
    password = read_secret_env(*creds.password_env, "password");
  if (password && (offered & SSH_AUTH_METHOD_PASSWORD) != 0) {
    set_session_timeout(session, deadline);
    if (check(ssh_userauth_password(session, nullptr, password->c_str()), "password")) return;
  }
  if (password && (offered & SSH_AUTH_METHOD_INTERACTIVE) != 0) {
    set_session_timeout(session, deadline);
    // Answer every prompt with the password; give up after a few rounds (no endless loops).
    rc = ssh_userauth_kbdint(session, nullptr, nullptr);
    for (int round = 0; rc == SSH_AUTH_INFO && round < 4; ++round) {
      const int prompts = ssh_userauth_kbdint_getnprompts(session);
      for (int i = 0; i < prompts; ++i)
        ssh_userauth_kbdint_setanswer(session, static_cast<unsigned int>(i), password->c_str());
      rc = ssh_userauth_kbdint(session, nullptr, nullptr);
    }
    if (rc == SSH_AUTH_INFO) rc = SSH_AUTH_DENIED;
    if (check(rc, "keyboard-interactive")) return;
  }
  std::string tried_text;
  for (const std::string& method : tried)
    tried_text += (tried_text.empty() ? "" : ", ") + method;
  if (tried.empty() && !creds.key_file && !password && !creds.use_agent)
    throw CollectError(ErrorKind::invalid_target,
                       where(target_) + ": no credential given (key file, password or agent)");
  throw CollectError(ErrorKind::auth_failed,
                     where(target_) + ": authentication failed for user '" + creds.user +
                         "' (tried: " + (tried_text.empty() ? "nothing usable" : tried_text) +
                         "; server offers: " + method_names(offered) + ")");
}

SshChannel SshSession::open_channel(Deadline deadline) {
  if (!connected_)
    throw CollectError(ErrorKind::protocol_error, where(target_) + ": session not connected");
  set_session_timeout(session_.get(), deadline);
  ssh_channel channel = ssh_channel_new(session_.get());
  if (channel == nullptr)
    throw CollectError(ErrorKind::protocol_error, where(target_) + ": cannot allocate a channel");
  SshChannel wrapped(channel, this);
  if (ssh_channel_open_session(channel) != SSH_OK)
    throw CollectError(
        deadline.expired() ? ErrorKind::timeout : ErrorKind::protocol_error,
        where(target_) + ": cannot open a session channel: " + session_error(session_.get()));
  return wrapped;
}

SshChannel SshSession::open_shell(Deadline deadline) {
  SshChannel channel = open_channel(deadline);
  // A wide terminal so that long lines (keys, ACLs) are not wrapped by the device.
  if (ssh_channel_request_pty_size(channel.native(), "vt100", 511, 24) != SSH_OK ||
      ssh_channel_request_shell(channel.native()) != SSH_OK)
    throw CollectError(
        deadline.expired() ? ErrorKind::timeout : ErrorKind::protocol_error,
        where(target_) + ": shell request refused: " + session_error(session_.get()));
  return channel;
}

SshChannel SshSession::open_exec(std::string_view command, Deadline deadline) {
  SshChannel channel = open_channel(deadline);
  const std::string text(command);
  if (ssh_channel_request_exec(channel.native(), text.c_str()) != SSH_OK)
    throw CollectError(deadline.expired() ? ErrorKind::timeout : ErrorKind::protocol_error,
                       where(target_) + ": exec request refused: " + session_error(session_.get()));
  return channel;
}

SshChannel SshSession::open_subsystem(std::string_view subsystem, Deadline deadline) {
  SshChannel channel = open_channel(deadline);
  const std::string name(subsystem);
  if (ssh_channel_request_subsystem(channel.native(), name.c_str()) != SSH_OK)
    throw CollectError(
        deadline.expired() ? ErrorKind::timeout : ErrorKind::protocol_error,
        where(target_) + ": subsystem '" + name + "' refused: " + session_error(session_.get()));
  return channel;
}

}  // namespace netaudit::collectors
