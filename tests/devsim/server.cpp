#include "server.hpp"

#include <arpa/inet.h>
#include <libssh/callbacks.h>
#include <libssh/libssh.h>
#include <libssh/server.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "cli.hpp"
#include "netconf.hpp"
#include "platform.hpp"

namespace devsim {

// ---------------------------------------------------------------------------------------------
// RAII for libssh handles.
struct KeyDeleter {
  void operator()(ssh_key key) const { ssh_key_free(key); }
};
using KeyPtr = std::unique_ptr<std::remove_pointer_t<ssh_key>, KeyDeleter>;
struct BindDeleter {
  void operator()(ssh_bind bind) const { ssh_bind_free(bind); }
};
using BindPtr = std::unique_ptr<std::remove_pointer_t<ssh_bind>, BindDeleter>;
struct SessionDeleter {
  void operator()(ssh_session session) const { ssh_free(session); }
};
using SessionPtr = std::unique_ptr<std::remove_pointer_t<ssh_session>, SessionDeleter>;
struct EventDeleter {
  void operator()(ssh_event event) const { ssh_event_free(event); }
};
using EventPtr = std::unique_ptr<std::remove_pointer_t<ssh_event>, EventDeleter>;

namespace {

KeyPtr generate_host_key() {
  ssh_key key = nullptr;
  if (ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &key) != SSH_OK) {
    throw std::runtime_error("cannot generate an ed25519 host key");
  }
  return KeyPtr(key);
}

KeyPtr load_private_key(const std::filesystem::path& file) {
  ssh_key key = nullptr;
  if (ssh_pki_import_privkey_file(file.c_str(), nullptr, nullptr, nullptr, &key) != SSH_OK) {
    throw std::runtime_error(file.string() + ": cannot load the host key");
  }
  return KeyPtr(key);
}

KeyPtr load_public_key(const std::filesystem::path& file) {
  ssh_key key = nullptr;
  if (ssh_pki_import_pubkey_file(file.c_str(), &key) != SSH_OK) {
    throw std::runtime_error(file.string() + ": cannot load the public key");
  }
  return KeyPtr(key);
}

// "ssh-ed25519 AAAA..." of a key.
std::string public_key_line(ssh_key key) {
  char* base64 = nullptr;
  if (ssh_pki_export_pubkey_base64(key, &base64) != SSH_OK) {
    throw std::runtime_error("cannot export a public key");
  }
  std::string line = std::string(ssh_key_type_to_char(ssh_key_type(key))) + " " + base64;
  ssh_string_free_char(base64);
  return line;
}

// Each bind takes ownership of the key it imports, so every bind gets its own copy.
KeyPtr copy_private_key(ssh_key key) {
  char* base64 = nullptr;
  if (ssh_pki_export_privkey_base64(key, nullptr, nullptr, nullptr, &base64) != SSH_OK) {
    throw std::runtime_error("cannot export a host key");
  }
  ssh_key copy = nullptr;
  const int rc = ssh_pki_import_privkey_base64(base64, nullptr, nullptr, nullptr, &copy);
  ssh_string_free_char(base64);
  if (rc != SSH_OK) throw std::runtime_error("cannot copy a host key");
  return KeyPtr(copy);
}

// RouterOS clients append terminal flags to the user name: "admin+ct511w4098h".
std::string strip_login_flags(const std::string& user, const std::string& platform) {
  if (platform != "mikrotik_routeros") return user;
  return user.substr(0, user.find('+'));
}

bool offers(const Device& device, std::string_view method) {
  return std::find(device.auth_methods.begin(), device.auth_methods.end(), method) !=
         device.auth_methods.end();
}

int auth_method_mask(const Device& device) {
  int mask = 0;
  if (offers(device, "password")) mask |= SSH_AUTH_METHOD_PASSWORD;
  if (offers(device, "keyboard-interactive")) mask |= SSH_AUTH_METHOD_INTERACTIVE;
  if (offers(device, "publickey")) mask |= SSH_AUTH_METHOD_PUBLICKEY;
  return mask;
}

bool equal_in_constant_time(const std::string& a, const std::string& b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

}  // namespace

struct DeviceRuntime {
  // Fixed at start; only the served content (config, commands, netconf_config) changes on a
  // reload, under content_mutex. Sessions work on a snapshot taken when they start.
  Device device;
  mutable std::mutex content_mutex;
  Device snapshot() const {
    std::lock_guard lock(content_mutex);
    return device;
  }
  bool has_netconf() const {
    std::lock_guard lock(content_mutex);
    return device.netconf_config != nullptr;
  }
  void replace_content(const Device& fresh) {
    std::lock_guard lock(content_mutex);
    device.config = fresh.config;
    device.commands = fresh.commands;
    device.netconf_config = fresh.netconf_config;
  }
  const Platform* platform = nullptr;
  std::vector<KeyPtr> authorized_keys;
  KeyPtr presented_host_key;  // what this device's port presents
  std::string recorded_key;   // what known_hosts records ("ssh-ed25519 AAAA...")
  std::uint16_t port = 0;     // own port once listening (0 = shared port only)
};

struct Server::Listener {
  BindPtr bind;
  const DeviceRuntime* device = nullptr;  // nullptr = shared port: the user name picks the device
  std::uint16_t port = 0;
};

// ---------------------------------------------------------------------------------------------
// One accepted connection, run on its own thread.
namespace {

constexpr std::size_t kMaxPendingInput = 16u << 20;

class Connection final : public Terminal {
 public:
  Connection(Server& server, SessionPtr session, const DeviceRuntime* fixed_device)
      : server_(server), session_(std::move(session)), fixed_device_(fixed_device) {}

  void run();

  // Terminal
  bool write(std::string_view bytes) override;
  bool stopping() const override { return server_.stop_requested() || closed_ || dropped_; }
  void drop_connection() override;
  void end_session(int exit_status) override;

 private:
  enum class Mode { none, shell, exec, netconf };

  const DeviceRuntime* resolve(const char* user, std::string& login_user) const;
  bool authorized(const DeviceRuntime& device, ssh_key key) const;
  void serve();

  static int on_password(ssh_session, const char* user, const char* password, void* self);
  static int on_pubkey(ssh_session, const char* user, ssh_key key, char state, void* self);
  static ssh_channel on_channel_open(ssh_session session, void* self);
  // Keyboard-interactive has no server callback in libssh 0.10: it arrives as a message.
  static int on_message(ssh_session session, ssh_message message, void* self);
  bool password_matches(const DeviceRuntime* device, const char* password) const;
  static int on_pty(ssh_session, ssh_channel, const char*, int, int, int, int, void*) {
    return SSH_OK;
  }
  static int on_window_change(ssh_session, ssh_channel, int, int, int, int, void*) {
    return SSH_OK;
  }
  static int on_env(ssh_session, ssh_channel, const char*, const char*, void*) { return SSH_OK; }
  static int on_shell(ssh_session, ssh_channel, void* self);
  static int on_exec(ssh_session, ssh_channel, const char* command, void* self);
  static int on_subsystem(ssh_session, ssh_channel, const char* name, void* self);
  static int on_data(ssh_session, ssh_channel, void* data, uint32_t len, int is_stderr, void* self);
  static void on_eof(ssh_session, ssh_channel, void* self) {
    static_cast<Connection*>(self)->eof_ = true;
  }
  static void on_close(ssh_session, ssh_channel, void* self) {
    static_cast<Connection*>(self)->closed_ = true;
  }

  Server& server_;
  SessionPtr session_;
  EventPtr event_;
  const DeviceRuntime* fixed_device_;
  const DeviceRuntime* device_ = nullptr;
  std::string login_user_;
  std::string kbdint_user_;
  bool authenticated_ = false;
  int auth_failures_ = 0;
  ssh_channel channel_ = nullptr;  // owned by the session (freed by ssh_free)
  Mode mode_ = Mode::none;
  std::string exec_command_;
  std::string input_;
  bool eof_ = false;
  bool closed_ = false;
  bool dropped_ = false;
  bool ended_ = false;
  ssh_server_callbacks_struct server_callbacks_{};
  ssh_channel_callbacks_struct channel_callbacks_{};
};

const DeviceRuntime* Connection::resolve(const char* user, std::string& login_user) const {
  if (!user) return nullptr;
  if (fixed_device_) {
    const auto& device = fixed_device_->device;
    login_user = strip_login_flags(user, device.platform);
    return login_user == device.user ? fixed_device_ : nullptr;
  }
  // Shared port: the user name is the device name; the prompt shows the device's own user.
  const DeviceRuntime* device = server_.device_by_name(user);
  if (!device) {
    auto plus = std::string(user).find('+');
    if (plus != std::string::npos)
      device = server_.device_by_name(std::string(user).substr(0, plus));
  }
  if (device) login_user = device->device.user;
  return device;
}

bool Connection::authorized(const DeviceRuntime& device, ssh_key key) const {
  return std::any_of(device.authorized_keys.begin(), device.authorized_keys.end(),
                     [key](const KeyPtr& known) {
                       return ssh_key_cmp(known.get(), key, SSH_KEY_CMP_PUBLIC) == 0;
                     });
}

bool Connection::password_matches(const DeviceRuntime* device, const char* password) const {
  return device && password && device->device.fault != Fault::wrong_password &&
         device->device.password && equal_in_constant_time(*device->device.password, password);
}

int Connection::on_message(ssh_session session, ssh_message message, void* self) {
  auto& c = *static_cast<Connection*>(self);
  if (ssh_message_type(message) != SSH_REQUEST_AUTH ||
      ssh_message_subtype(message) != SSH_AUTH_METHOD_INTERACTIVE) {
    return 1;  // libssh's default reply
  }
  // The response (INFO_RESPONSE) carries no user name: it is the one of the request.
  if (!ssh_message_auth_kbdint_is_response(message)) {
    const char* user = ssh_message_auth_user(message);
    c.kbdint_user_ = user ? user : "";
  }
  std::string login_user;
  const DeviceRuntime* device = c.resolve(c.kbdint_user_.c_str(), login_user);
  const int methods =
      device ? auth_method_mask(device->device)
             : SSH_AUTH_METHOD_PASSWORD | SSH_AUTH_METHOD_PUBLICKEY | SSH_AUTH_METHOD_INTERACTIVE;
  if (device && offers(device->device, "keyboard-interactive")) {
    if (!ssh_message_auth_kbdint_is_response(message)) {
      const char* prompts[] = {"Password: "};
      char echo[] = {0};
      ssh_message_auth_interactive_request(message, "", "", 1, prompts, echo);
      return 0;
    }
    const char* answer = ssh_userauth_kbdint_getnanswers(session) == 1
                             ? ssh_userauth_kbdint_getanswer(session, 0)
                             : nullptr;
    if (c.password_matches(device, answer)) {
      c.device_ = device;
      c.login_user_ = login_user;
      c.authenticated_ = true;
      ssh_message_auth_reply_success(message, 0);
      return 0;
    }
  }
  ++c.auth_failures_;
  ssh_message_auth_set_methods(message, methods);
  ssh_message_reply_default(message);
  return 0;
}

int Connection::on_password(ssh_session, const char* user, const char* password, void* self) {
  auto& c = *static_cast<Connection*>(self);
  std::string login_user;
  const DeviceRuntime* device = c.resolve(user, login_user);
  if (device && offers(device->device, "password") && c.password_matches(device, password)) {
    c.device_ = device;
    c.login_user_ = login_user;
    c.authenticated_ = true;
    return SSH_AUTH_SUCCESS;
  }
  ++c.auth_failures_;
  return SSH_AUTH_DENIED;
}

int Connection::on_pubkey(ssh_session, const char* user, ssh_key key, char state, void* self) {
  auto& c = *static_cast<Connection*>(self);
  std::string login_user;
  const DeviceRuntime* device = c.resolve(user, login_user);
  if (!device || !offers(device->device, "publickey") ||
      device->device.fault == Fault::wrong_password || !c.authorized(*device, key)) {
    ++c.auth_failures_;
    return SSH_AUTH_DENIED;
  }
  if (state == SSH_PUBLICKEY_STATE_NONE) return SSH_AUTH_SUCCESS;  // probe: "this key would do"
  if (state != SSH_PUBLICKEY_STATE_VALID) return SSH_AUTH_DENIED;
  c.device_ = device;
  c.login_user_ = login_user;
  c.authenticated_ = true;
  return SSH_AUTH_SUCCESS;
}

ssh_channel Connection::on_channel_open(ssh_session session, void* self) {
  auto& c = *static_cast<Connection*>(self);
  if (!c.authenticated_ || c.channel_) return nullptr;  // one session channel per connection
  c.channel_ = ssh_channel_new(session);
  if (!c.channel_) return nullptr;
  auto& cb = c.channel_callbacks_;
  cb.userdata = &c;
  cb.channel_data_function = on_data;
  cb.channel_eof_function = on_eof;
  cb.channel_close_function = on_close;
  cb.channel_pty_request_function = on_pty;
  cb.channel_pty_window_change_function = on_window_change;
  cb.channel_env_request_function = on_env;
  cb.channel_shell_request_function = on_shell;
  cb.channel_exec_request_function = on_exec;
  cb.channel_subsystem_request_function = on_subsystem;
  ssh_callbacks_init(&cb);
  ssh_set_channel_callbacks(c.channel_, &cb);
  return c.channel_;
}

int Connection::on_shell(ssh_session, ssh_channel, void* self) {
  auto& c = *static_cast<Connection*>(self);
  if (c.mode_ != Mode::none) return SSH_ERROR;
  c.mode_ = Mode::shell;
  return SSH_OK;
}

int Connection::on_exec(ssh_session, ssh_channel, const char* command, void* self) {
  auto& c = *static_cast<Connection*>(self);
  if (c.mode_ != Mode::none || !c.device_->platform->allows_exec) return SSH_ERROR;
  c.mode_ = Mode::exec;
  c.exec_command_ = command;
  return SSH_OK;
}

int Connection::on_subsystem(ssh_session, ssh_channel, const char* name, void* self) {
  auto& c = *static_cast<Connection*>(self);
  if (c.mode_ != Mode::none || std::string_view(name) != "netconf" || !c.device_->has_netconf()) {
    return SSH_ERROR;
  }
  c.mode_ = Mode::netconf;
  return SSH_OK;
}

int Connection::on_data(ssh_session, ssh_channel, void* data, uint32_t len, int is_stderr,
                        void* self) {
  auto& c = *static_cast<Connection*>(self);
  if (is_stderr) return static_cast<int>(len);
  if (c.input_.size() + len > kMaxPendingInput) {
    c.closed_ = true;  // a client flooding us: give up on it rather than grow without bound
    return static_cast<int>(len);
  }
  c.input_.append(static_cast<const char*>(data), len);
  return static_cast<int>(len);
}

bool Connection::write(std::string_view bytes) {
  while (!bytes.empty()) {
    if (!channel_ || closed_ || dropped_ || ended_ || server_.stop_requested()) return false;
    const auto piece = static_cast<uint32_t>(std::min<std::size_t>(bytes.size(), 32768));
    const int written = ssh_channel_write(channel_, bytes.data(), piece);
    if (written == SSH_ERROR) {
      closed_ = true;
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
  return true;
}

void Connection::drop_connection() {
  dropped_ = true;
  // Close the TCP connection without any SSH goodbye: the client sees the transfer cut short.
  ssh_silent_disconnect(session_.get());
}

void Connection::end_session(int exit_status) {
  if (ended_ || !channel_) return;
  ssh_channel_request_send_exit_status(channel_, exit_status);
  ssh_channel_send_eof(channel_);
  ssh_channel_close(channel_);
  ended_ = true;
}

void Connection::run() {
  auto& cb = server_callbacks_;
  cb.userdata = this;
  cb.auth_password_function = on_password;
  cb.auth_pubkey_function = on_pubkey;
  cb.channel_open_request_session_function = on_channel_open;
  ssh_callbacks_init(&cb);
  ssh_set_server_callbacks(session_.get(), &cb);
  // Bounds every blocking libssh call (key exchange, a write to a client that stopped reading).
  long timeout_s = server_.options().idle_timeout_s;
  ssh_options_set(session_.get(), SSH_OPTIONS_TIMEOUT, &timeout_s);

  if (ssh_handle_key_exchange(session_.get()) != SSH_OK) {
    spdlog::debug("key exchange failed: {}", ssh_get_error(session_.get()));
    return;
  }
  ssh_set_message_callback(session_.get(), on_message, this);
  ssh_set_auth_methods(session_.get(), fixed_device_
                                           ? auth_method_mask(fixed_device_->device)
                                           : SSH_AUTH_METHOD_PASSWORD | SSH_AUTH_METHOD_PUBLICKEY |
                                                 SSH_AUTH_METHOD_INTERACTIVE);
  event_.reset(ssh_event_new());
  if (!event_ || ssh_event_add_session(event_.get(), session_.get()) != SSH_OK) return;

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  while (!server_.stop_requested() && mode_ == Mode::none) {
    if (ssh_event_dopoll(event_.get(), 100) == SSH_ERROR) break;
    if (auth_failures_ > 6 || std::chrono::steady_clock::now() > deadline) break;
  }
  if (mode_ != Mode::none && !server_.stop_requested()) serve();

  ssh_event_remove_session(event_.get(), session_.get());
  if (!dropped_) {
    if (ended_) {
      // Give the client a moment to read the tail and close its side first.
      const auto grace = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
      ssh_event_add_session(event_.get(), session_.get());
      while (!closed_ && std::chrono::steady_clock::now() < grace &&
             ssh_event_dopoll(event_.get(), 50) != SSH_ERROR) {
      }
      ssh_event_remove_session(event_.get(), session_.get());
    }
    ssh_disconnect(session_.get());
  }
}

void Connection::serve() {
  const Device device = device_->snapshot();  // a reload does not change a running session
  std::optional<CliSession> cli;
  std::optional<NetconfSession> netconf;
  if (mode_ == Mode::netconf) {
    netconf.emplace(device, *this, server_.audit(), server_.next_session_id());
    netconf->start();
  } else {
    cli.emplace(device, *device_->platform, login_user_, *this, server_.audit());
    if (mode_ == Mode::exec) {
      cli->run_exec(exec_command_);
      return;
    }
    cli->start_shell();
  }
  while (!stopping() && !ended_) {
    if (!input_.empty()) {
      std::string batch;
      batch.swap(input_);  // input arriving while we write goes to a fresh buffer
      if (netconf) {
        netconf->feed(batch);
      } else {
        for (char c : batch) {
          if (cli->done() || stopping()) break;
          cli->feed(c);
        }
      }
      continue;
    }
    if ((cli && cli->done()) || (netconf && netconf->done())) break;
    // The client has nothing more to say (a hung device does not notice).
    if (eof_ && device.fault != Fault::hang_after_login) {
      end_session(0);
      break;
    }
    if (ssh_event_dopoll(event_.get(), 100) == SSH_ERROR) {
      closed_ = true;
      break;
    }
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
Server::Server(Lab lab, ServerOptions options)
    : options_(std::move(options)), audit_(options_.audit_log) {
  if (::pipe(stop_pipe_) != 0) throw std::runtime_error("pipe() failed");
  for (auto& device : lab.devices) {
    auto runtime = std::make_unique<DeviceRuntime>();
    runtime->platform = find_platform(device.platform);
    if (!runtime->platform) throw std::runtime_error("unknown platform " + device.platform);
    for (const auto& file : device.authorized_keys) {
      runtime->authorized_keys.push_back(load_public_key(file));
    }
    KeyPtr lab_key = device.host_key ? load_private_key(*device.host_key) : generate_host_key();
    runtime->recorded_key = public_key_line(lab_key.get());
    // The changed-host-key fault presents a fresh key while known_hosts keeps the lab's.
    runtime->presented_host_key =
        device.fault == Fault::host_key_changed ? generate_host_key() : std::move(lab_key);
    runtime->device = std::move(device);
    devices_.push_back(std::move(runtime));
  }
}

Server::~Server() {
  listeners_.clear();
  for (int fd : stop_pipe_) {
    if (fd >= 0) ::close(fd);
  }
}

const DeviceRuntime* Server::device_by_name(const std::string& name) const {
  for (const auto& device : devices_) {
    if (device->device.name == name) return device.get();
  }
  return nullptr;
}

namespace {

BindPtr make_bind(int port, KeyPtr host_key) {
  BindPtr bind(ssh_bind_new());
  if (!bind) throw std::runtime_error("ssh_bind_new failed");
  bool no_config = false;
  ssh_bind_options_set(bind.get(), SSH_BIND_OPTIONS_PROCESS_CONFIG, &no_config);
  ssh_bind_options_set(bind.get(), SSH_BIND_OPTIONS_BINDADDR, "127.0.0.1");
  ssh_bind_options_set(bind.get(), SSH_BIND_OPTIONS_BINDPORT, &port);
  // The bind owns the imported key from here on.
  if (ssh_bind_options_set(bind.get(), SSH_BIND_OPTIONS_IMPORT_KEY, host_key.get()) != SSH_OK) {
    throw std::runtime_error("cannot set the host key");
  }
  (void)host_key.release();
  if (ssh_bind_listen(bind.get()) != SSH_OK) {
    throw std::runtime_error("cannot listen on 127.0.0.1:" + std::to_string(port) + ": " +
                             ssh_get_error(bind.get()));
  }
  return bind;
}

std::uint16_t bound_port(ssh_bind bind) {
  sockaddr_in address{};
  socklen_t length = sizeof address;
  if (::getsockname(ssh_bind_get_fd(bind), reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error("getsockname failed");
  }
  return ntohs(address.sin_port);
}

void write_atomically(const std::filesystem::path& file, const std::string& text) {
  const auto temporary = file.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << text;
    if (!out) throw std::runtime_error(file.string() + ": cannot write");
  }
  std::filesystem::rename(temporary, file);
}

}  // namespace

void Server::listen() {
  std::string ready;
  std::string known_hosts;
  if (options_.per_device_ports) {
    int index = 0;
    for (auto& runtime : devices_) {
      const auto& device = runtime->device;
      int port = device.port != 0          ? device.port
                 : options_.base_port != 0 ? options_.base_port + index
                                           : 0;
      ++index;
      auto listener = std::make_unique<Listener>();
      listener->bind = make_bind(port, copy_private_key(runtime->presented_host_key.get()));
      listener->device = runtime.get();
      listener->port = bound_port(listener->bind.get());
      runtime->port = listener->port;
      std::printf("listening on 127.0.0.1:%u %s %s\n", listener->port, device.name.c_str(),
                  device.platform.c_str());
      ready += device.name + " " + std::to_string(listener->port) + " " + device.platform + "\n";
      known_hosts +=
          "[127.0.0.1]:" + std::to_string(listener->port) + " " + runtime->recorded_key + "\n";
      listeners_.push_back(std::move(listener));
    }
  }
  if (options_.shared_port) {
    KeyPtr key = options_.shared_host_key ? load_private_key(*options_.shared_host_key)
                                          : generate_host_key();
    const std::string recorded = public_key_line(key.get());
    auto listener = std::make_unique<Listener>();
    listener->bind = make_bind(*options_.shared_port, std::move(key));
    listener->port = bound_port(listener->bind.get());
    std::printf("listening on 127.0.0.1:%u * shared (user name = device name)\n", listener->port);
    ready += "* " + std::to_string(listener->port) + " shared\n";
    known_hosts += "[127.0.0.1]:" + std::to_string(listener->port) + " " + recorded + "\n";
    listeners_.push_back(std::move(listener));
  }
  std::printf("ready %zu devices\n", devices_.size());
  std::fflush(stdout);
  if (!options_.known_hosts_out.empty()) write_atomically(options_.known_hosts_out, known_hosts);
  if (!options_.ready_file.empty()) write_atomically(options_.ready_file, ready);
}

void Server::request_reload() {
  reload_.store(true);
  const char byte = 2;
  [[maybe_unused]] auto n = ::write(stop_pipe_[1], &byte, 1);
}

std::size_t Server::reload(const Lab& lab) {
  std::size_t replaced = 0;
  for (const auto& fresh : lab.devices) {
    for (auto& runtime : devices_) {
      if (runtime->device.name != fresh.name) continue;
      runtime->replace_content(fresh);
      ++replaced;
      break;
    }
  }
  return replaced;
}

void Server::request_stop() {
  stop_.store(true);
  const char byte = 1;
  [[maybe_unused]] auto n = ::write(stop_pipe_[1], &byte, 1);
}

void Server::register_fd(int fd) {
  std::lock_guard lock(mutex_);
  live_fds_.insert(fd);
}

void Server::unregister_fd(int fd) {
  std::lock_guard lock(mutex_);
  live_fds_.erase(fd);
}

void Server::connection_finished() {
  std::lock_guard lock(mutex_);
  --live_connections_;
  finished_.push_back(std::this_thread::get_id());
  all_done_.notify_all();
}

void Server::accept_on(Listener& listener) {
  SessionPtr session(ssh_new());
  if (!session) return;
  if (ssh_bind_accept(listener.bind.get(), session.get()) != SSH_OK) {
    spdlog::warn("accept failed: {}", ssh_get_error(listener.bind.get()));
    return;
  }
  {
    std::lock_guard lock(mutex_);
    if (live_connections_ >= options_.max_sessions) {
      spdlog::warn("too many sessions ({}); dropping a connection", live_connections_);
      return;  // ~SessionPtr closes the socket
    }
    ++live_connections_;
  }
  const DeviceRuntime* device = listener.device;
  std::thread thread([this, device, session = std::move(session)]() mutable {
    const int fd = ssh_get_fd(session.get());
    // Small request/response writes: without this, Nagle + delayed ACKs add ~40 ms per round trip.
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    register_fd(fd);
    try {
      Connection connection(*this, std::move(session), device);
      connection.run();
      unregister_fd(fd);  // before ~Connection closes the socket: the fd number may be reused
    } catch (const std::exception& e) {
      unregister_fd(fd);
      spdlog::error("connection failed: {}", e.what());
    }
    connection_finished();
  });
  std::lock_guard lock(mutex_);
  threads_.emplace(thread.get_id(), std::move(thread));
}

void Server::join_finished_threads(bool all) {
  // Joined rather than detached: a joined thread has run its thread-local destructors
  // (OpenSSL's per-thread state), so nothing is left behind at exit.
  std::vector<std::thread> done;
  {
    std::lock_guard lock(mutex_);
    if (all) {
      for (auto& [id, thread] : threads_)
        done.push_back(std::move(thread));
      threads_.clear();
      finished_.clear();
    } else {
      std::vector<std::thread::id> pending;
      for (auto id : finished_) {
        auto it = threads_.find(id);
        if (it == threads_.end()) {
          pending.push_back(id);  // finished before it was registered: next round
          continue;
        }
        done.push_back(std::move(it->second));
        threads_.erase(it);
      }
      finished_ = std::move(pending);
    }
  }
  for (auto& thread : done)
    thread.join();
}

bool Server::run() {
  std::vector<pollfd> fds;
  fds.push_back({stop_pipe_[0], POLLIN, 0});
  for (const auto& listener : listeners_) {
    fds.push_back({ssh_bind_get_fd(listener->bind.get()), POLLIN, 0});
  }
  while (!stop_requested()) {
    const int ready = ::poll(fds.data(), fds.size(), 500);
    if (ready < 0 && errno != EINTR) {
      spdlog::error("poll failed: {}", std::strerror(errno));
      break;
    }
    if (ready > 0 && (fds[0].revents & POLLIN)) {
      char drained[64];
      [[maybe_unused]] auto n = ::read(stop_pipe_[0], drained, sizeof drained);
    }
    if (reload_.exchange(false) && reloader_) reloader_(*this);
    if (ready < 0) continue;
    for (std::size_t i = 1; i < fds.size() && !stop_requested(); ++i) {
      if (fds[i].revents & POLLIN) accept_on(*listeners_[i - 1]);
    }
    join_finished_threads(false);
  }
  // Unblock every connection thread (a write to a stalled client, a poll) and wait for them.
  std::unique_lock lock(mutex_);
  for (int fd : live_fds_)
    ::shutdown(fd, SHUT_RDWR);
  all_done_.wait_for(lock, std::chrono::seconds(5), [this] { return live_connections_ == 0; });
  if (live_connections_ > 0) {
    spdlog::warn("{} connections still open at exit", live_connections_);
    return false;  // those threads still use the server: the caller leaves without cleanup
  }
  lock.unlock();
  join_finished_threads(true);
  return true;
}

}  // namespace devsim
