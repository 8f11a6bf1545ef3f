// The SSH side of devsim: one listening socket per device (and/or one shared port where the
// login user name picks the device), one thread per accepted connection running libssh's
// server callbacks and an ssh_event loop.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "lab.hpp"
#include "terminal.hpp"

namespace devsim {

struct ServerOptions {
  // 0 = every device without an explicit port gets a free port from the kernel.
  int base_port = 0;
  // Also serve every device on one port, picked by login user name (= device name).
  std::optional<int> shared_port;
  bool per_device_ports = true;
  std::filesystem::path ready_file;       // "NAME PORT PLATFORM" lines, written once all listen
  std::filesystem::path known_hosts_out;  // the host keys the lab *records* (not the faulty ones)
  std::filesystem::path audit_log;        // refused (non read-only) commands
  std::optional<std::filesystem::path> shared_host_key;
  int max_sessions = 4096;
  int idle_timeout_s = 60;  // a connection that does not authenticate and open a channel in time
};

struct DeviceRuntime;

class Server {
 public:
  Server(Lab lab, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds every port on 127.0.0.1, prints "listening on" lines, writes the ready file.
  void listen();
  // Accepts until request_stop(); then closes every connection and waits (5 s) for the
  // threads. False when some are still running: the caller must not destroy the server.
  bool run();
  // Async-signal-safe.
  void request_stop();
  // Async-signal-safe (SIGHUP): run() calls the reloader set below, on its own thread.
  void request_reload();
  // Called by run() after request_reload(); it typically loads the lab again and calls reload().
  void set_reloader(std::function<void(Server&)> reloader) { reloader_ = std::move(reloader); }
  // Replaces what the lab's devices serve (config, extra commands, NETCONF config), matched by
  // name; everything else (ports, keys, users, faults) stays as started. Sessions already open
  // keep what they started with. Returns how many devices were updated.
  std::size_t reload(const Lab& lab);
  bool stop_requested() const { return stop_.load(); }
  std::size_t refused_commands() const { return audit_.refused_count(); }
  const AuditLog& audit_log() const { return audit_; }

  // Used by connection threads.
  AuditLog& audit() { return audit_; }
  const DeviceRuntime* device_by_name(const std::string& name) const;
  void register_fd(int fd);
  void unregister_fd(int fd);
  unsigned next_session_id() { return ++session_ids_; }
  const ServerOptions& options() const { return options_; }

 private:
  struct Listener;
  void accept_on(Listener& listener);
  void connection_finished();
  void join_finished_threads(bool all);

  ServerOptions options_;
  std::vector<std::unique_ptr<DeviceRuntime>> devices_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  AuditLog audit_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> reload_{false};
  std::function<void(Server&)> reloader_;
  int stop_pipe_[2] = {-1, -1};
  std::atomic<unsigned> session_ids_{0};

  std::mutex mutex_;  // guards the two below
  std::condition_variable all_done_;
  std::set<int> live_fds_;
  int live_connections_ = 0;
  std::map<std::thread::id, std::thread> threads_;  // connection threads not yet joined
  std::vector<std::thread::id> finished_;           // threads whose connection has ended
};

}  // namespace devsim
