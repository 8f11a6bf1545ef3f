// devsim: a lab of simulated network devices (SSH CLI and NETCONF) on 127.0.0.1.
// See docs/devsim.md.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>

#include "lab.hpp"
#include "server.hpp"

namespace {

devsim::Server* g_server = nullptr;

extern "C" void on_stop_signal(int) {
  if (g_server) g_server->request_stop();
}

extern "C" void on_reload_signal(int) {
  if (g_server) g_server->request_reload();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"devsim: simulated network devices (SSH CLI + NETCONF) on 127.0.0.1"};
  std::string lab_file;
  devsim::SyntheticSpec synthetic;
  std::string password_file;
  std::vector<std::string> authorized_keys;
  std::optional<int> latency_ms;
  devsim::ServerOptions options;
  std::optional<int> shared_port;
  bool shared_only = false;
  std::string shared_host_key;
  std::string ready_file, known_hosts_out, audit_log;
  bool verbose = false;

  app.add_option("--lab", lab_file, "lab YAML file (see docs/devsim.md)");
  app.add_option("--devices", synthetic.count, "synthetic mode: number of devices");
  app.add_option("--platform", synthetic.platform, "synthetic mode: platform of every device");
  auto* config_option = app.add_option("--config", synthetic.config_file,
                                       "synthetic mode: config file served by every device");
  app.add_option("--name-prefix", synthetic.name_prefix, "synthetic mode: device name prefix");
  app.add_option("--user", synthetic.user, "synthetic mode: login user");
  app.add_option("--password-file", password_file, "synthetic mode: file holding the password");
  app.add_option("--authorized-key", authorized_keys,
                 "accepted public key file for every device (repeatable)");
  app.add_option("--latency-ms", latency_ms, "added before each command's output (all devices)");
  app.add_option("--base-port", options.base_port,
                 "first device port (device i listens on base+i); 0 = free ports");
  app.add_option("--shared-port", shared_port,
                 "also serve every device on this port, picked by user name (0 = free port)");
  app.add_flag("--shared-only", shared_only, "no per-device ports, only --shared-port");
  app.add_option("--shared-host-key", shared_host_key, "private host key of the shared port");
  app.add_option("--ready-file", ready_file, "written once listening: NAME PORT PLATFORM lines");
  app.add_option("--known-hosts-out", known_hosts_out, "known_hosts with the lab's host keys");
  app.add_option("--audit-log", audit_log, "refused (non read-only) commands are appended here");
  app.add_option("--max-sessions", options.max_sessions, "concurrent connections");
  app.add_option("--idle-timeout", options.idle_timeout_s,
                 "seconds to authenticate and open a channel; bounds every blocking write");
  app.add_flag("-v,--verbose", verbose, "debug logging on stderr");
  CLI11_PARSE(app, argc, argv);

  spdlog::set_level(verbose ? spdlog::level::debug : spdlog::level::warn);
  try {
    devsim::Lab lab;
    if (!lab_file.empty()) {
      lab = devsim::load_lab(lab_file);
    } else if (synthetic.count > 0) {
      if (!*config_option) {
        synthetic.config_file =
            std::filesystem::path(DEVSIM_FIXTURE_DIR) / "configs" / (synthetic.platform + ".cfg");
      }
      if (!password_file.empty()) {
        auto text = devsim::read_text_file(password_file);
        while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
          text.pop_back();
        synthetic.password = text;
      }
      for (const auto& key : authorized_keys)
        synthetic.authorized_keys.emplace_back(key);
      if (!synthetic.password && synthetic.authorized_keys.empty()) {
        std::fprintf(stderr, "devsim: synthetic mode needs --password-file or --authorized-key\n");
        return 2;
      }
      lab = devsim::synthetic_lab(synthetic);
    } else {
      std::fprintf(stderr, "devsim: give --lab FILE or --devices N --platform P\n");
      return 2;
    }
    // --authorized-key also applies to a lab file's devices (tests add their own key).
    if (!lab_file.empty()) {
      for (auto& device : lab.devices) {
        for (const auto& key : authorized_keys)
          device.authorized_keys.emplace_back(key);
      }
    }
    if (latency_ms) {
      for (auto& device : lab.devices)
        device.latency_ms = *latency_ms;
    }
    options.shared_port = shared_port;
    options.per_device_ports = !shared_only;
    if (shared_only && !shared_port) options.shared_port = 0;
    if (!shared_host_key.empty()) options.shared_host_key = shared_host_key;
    options.ready_file = ready_file;
    options.known_hosts_out = known_hosts_out;
    options.audit_log = audit_log;

    std::signal(SIGPIPE, SIG_IGN);
    devsim::Server server(std::move(lab), options);
    g_server = &server;
    std::signal(SIGTERM, on_stop_signal);
    std::signal(SIGINT, on_stop_signal);
    // SIGHUP: read the lab's config files again (the lab file, or --config in synthetic mode),
    // so that a test or the quickstart can change a running device's configuration.
    server.set_reloader([&](devsim::Server& running) {
      try {
        const devsim::Lab fresh =
            lab_file.empty() ? devsim::synthetic_lab(synthetic) : devsim::load_lab(lab_file);
        const std::size_t replaced = running.reload(fresh);
        std::printf("reloaded %zu devices\n", replaced);
        std::fflush(stdout);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "devsim: reload failed, serving the previous configs: %s\n", e.what());
        std::fflush(stderr);
      }
    });
    std::signal(SIGHUP, on_reload_signal);
    server.listen();
    const bool all_closed = server.run();
    std::fprintf(stderr, "devsim: stopped; %zu refused commands\n", server.refused_commands());
    std::fprintf(stderr, "devsim: injected %lld ms of latency over %lld commands\n",
                 server.audit_log().injected_ms(), server.audit_log().delayed_commands());
    std::fflush(stderr);
    // Connection threads that did not finish in the grace period still use the server: leave
    // without destroying it.
    if (!all_closed) std::_Exit(0);
    g_server = nullptr;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "devsim: %s\n", e.what());
    return 2;
  }
  return 0;
}
