#include "serve/daemon.hpp"

#include <arpa/inet.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <set>
#include <thread>

#include "http/api.hpp"
#include "http/metrics.hpp"
#include "http/refresher.hpp"
#include "http/server.hpp"
#include "netaudit/collectors/errors.hpp"
#include "netaudit/policies/audit.hpp"
#include "schedule/pools.hpp"
#include "schedule/scheduler.hpp"
#include "schedule/syslog_listener.hpp"
#include "serve/setup.hpp"
#include "store/store.hpp"

namespace netaudit::serve {
namespace {

namespace asio = boost::asio;
namespace nc = netaudit::collectors;

// Whether another attempt may succeed: a network hiccup yes, a wrong password or a changed
// host key no (retrying those only hammers the device or hides an attack).
bool retryable(const std::string& error_kind) {
  static const std::set<std::string, std::less<>> kinds = {"connect_failed",    "timeout",
                                                           "prompt_not_found",  "disconnected",
                                                           "incomplete_output", "protocol_error"};
  return kinds.count(error_kind) > 0;
}

nc::CollectOptions collect_options(const ServeConfig& config) {
  nc::CollectOptions options;
  options.known_hosts = config.known_hosts;
  options.host_key_policy = config.host_key_policy;
  options.connect_timeout = config.collect.connect_timeout;
  options.command_timeout = config.collect.command_timeout;
  options.job_timeout = config.schedule.job_timeout;
  options.max_output_bytes = config.collect.max_bytes;
  return options;
}

schedule::ScheduleOptions schedule_options(const ScheduleConfig& config) {
  schedule::ScheduleOptions options;
  options.interval = config.interval;
  options.jitter = config.jitter;
  options.concurrency = static_cast<unsigned>(config.concurrency);
  // The collector bounds itself by job_timeout; the scheduler's deadline is the backstop for
  // a job stuck in a queue behind it, so it gets a little more.
  options.job_timeout = config.job_timeout + std::chrono::seconds(5);
  options.retries = static_cast<unsigned>(config.retries);
  options.retry_backoff = config.retry_backoff;
  for (const auto& [group, limit] : config.limits)
    options.group_limits[group] = static_cast<unsigned>(limit);
  return options;
}

std::vector<schedule::DeviceEntry> schedule_entries(const nc::Inventory& inventory) {
  std::vector<schedule::DeviceEntry> entries;
  entries.reserve(inventory.devices.size());
  for (const nc::DeviceTarget& device : inventory.devices) {
    schedule::DeviceEntry entry{device.name, {}};
    if (!device.platform.empty()) entry.groups.push_back("platform:" + device.platform);
    for (const auto& [key, value] : device.labels)
      entry.groups.push_back(key + ":" + value);
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::vector<store::DeviceInfo> store_devices(const nc::Inventory& inventory) {
  std::vector<store::DeviceInfo> devices;
  for (const nc::DeviceTarget& device : inventory.devices) {
    store::DeviceInfo info;
    info.name = device.name;
    info.platform = device.platform;
    info.transport = std::string(nc::to_string(device.transport));
    info.host = device.transport == nc::Transport::file ? device.path.string() : device.host;
    info.labels = {device.labels.begin(), device.labels.end()};
    devices.push_back(std::move(info));
  }
  return devices;
}

// A token file's first line, trimmed. The token itself is never logged.
std::string read_token(const std::optional<std::filesystem::path>& file) {
  if (!file) return "";
  std::ifstream in(*file);
  std::string token;
  std::getline(in, token);
  while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back())))
    token.pop_back();
  if (token.empty()) throw std::runtime_error(file->string() + ": the token file is empty");
  return token;
}

http::ApiOptions api_options(const ServeConfig& config) {
  http::ApiOptions options;
  options.write_token = read_token(config.api.token_file);
  options.read_token = read_token(config.api.read_token_file);
  options.metrics_token = read_token(config.metrics.token_file);
  options.refresh_metrics_on_scrape = false;  // the refresher keeps the series current
  return options;
}

double unix_seconds() {
  return static_cast<double>(store::now_ms()) / 1000.0;
}

std::map<std::string, int, std::less<>> waiver_counts(const AuditSetup& audit) {
  std::map<std::string, int, std::less<>> counts{{"active", 0}, {"expired", 0}};
  if (!audit.waivers) return counts;
  const std::string today = policy::utc_today();
  for (const policy::Waiver& waiver : audit.waivers->waivers())
    ++counts[!waiver.expires.empty() && waiver.expires < today ? "expired" : "active"];
  return counts;
}

// The syslog listener knows devices by the source address of their messages: literal
// addresses only (a name would need a DNS lookup per message).
std::map<std::string, std::string> syslog_sources(const nc::Inventory& inventory) {
  std::map<std::string, std::string> sources;
  for (const nc::DeviceTarget& device : inventory.devices) {
    unsigned char buffer[16];
    if (device.transport == nc::Transport::file) continue;
    if (inet_pton(AF_INET, device.host.c_str(), buffer) == 1 ||
        inet_pton(AF_INET6, device.host.c_str(), buffer) == 1)
      sources.emplace(device.host, device.name);
  }
  return sources;
}

}  // namespace

struct Daemon::Impl {
  ServeOptions options;
  std::shared_ptr<const LoadedSetup> setup;  // swapped whole on reload (loop thread only)
  std::unique_ptr<store::Store> store;
  std::shared_ptr<ProfileCache> profiles;
  std::shared_ptr<const DeviceJob> job;

  http::DaemonMetrics metrics;

  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  asio::signal_set signals{io, SIGINT, SIGTERM, SIGHUP};
  schedule::WorkerPool collect_pool;            // blocking libssh calls and file reads
  schedule::WorkerPool cpu_pool;                // normalise, parse, audit
  schedule::WorkerPool store_pool{"store", 1};  // one writer: commits never interleave
  schedule::WorkerPool http_pool{"http", 2};    // API handlers read the store
  std::unique_ptr<schedule::Scheduler> scheduler;
  std::unique_ptr<http::Api> api;
  std::unique_ptr<http::HttpServer> server;
  std::unique_ptr<http::MetricsRefresher> refresher;
  std::unique_ptr<schedule::SyslogListener> syslog;
  std::atomic<bool> ready{false};

  std::atomic<int> collections_in_flight{0};
  std::atomic<bool> stopping{false};
  int exit_code = 0;

  explicit Impl(ServeOptions o)
      : options(std::move(o)),
        setup(std::make_shared<const LoadedSetup>(load_setup(options.config_file, options.shard))),
        metrics(http::MetricsOptions{setup->config.metrics.finding_series_limit}),
        collect_pool(
            schedule::make_io_pool(static_cast<unsigned>(setup->config.schedule.concurrency))),
        cpu_pool(schedule::make_cpu_pool()) {
    for (const std::string& warning : setup->warnings)
      spdlog::warn("{}", warning);
    store = store::Store::open(setup->config.store, {setup->config.keep_versions});
    // The key of the secret markers lives beside the store (created 0600 on first start): the
    // same secret gives the same marker across restarts, so diffs stay quiet.
    profiles = std::make_shared<ProfileCache>(
        nc::default_profile_dir(),
        std::make_shared<const secrets::RedactionKey>(
            secrets::RedactionKey::load_or_create(setup->config.redaction_key_path())));
    job = std::make_shared<const DeviceJob>(profiles, collect_options(setup->config));
    store->sync_devices(store_devices(setup->inventory));
    reaudit_if_policy_changed(*setup);
    publish_setup_metrics(*setup);
  }

  void publish_setup_metrics(const LoadedSetup& current) {
    metrics.set_build_info("0.1.0", current.audit.policy_version);
    metrics.set_waivers(waiver_counts(current.audit));
    std::vector<std::pair<std::string, std::string>> controls;
    for (const policy::ControlInfo& control : current.audit.policy->controls())
      controls.emplace_back(control.id, std::string(policy::to_string(control.severity)));
    metrics.set_known_controls(controls);
  }

  // A new release or edited policies: the stored latest configs are audited again, without
  // collecting, and the change is ONE policy_changed event (never a flood of regressions).
  void reaudit_if_policy_changed(const LoadedSetup& current) {
    const std::string stored = store->policy_version();
    if (stored.empty() || stored == current.audit.policy_version) return;
    std::vector<store::Store::Reaudit> results;
    for (const store::Store::LatestConfig& latest : store->latest_configs()) {
      const nc::DeviceTarget* target = current.inventory.find(latest.device);
      results.push_back(
          {latest.device, latest.version_id,
           job->reaudit(latest.device, latest.platform, latest.text, current.audit, target)});
    }
    const store::CommitSummary summary =
        store->commit_policy_change(results, stored, current.audit.policy_version);
    spdlog::info("policy changed from {} to {}: {} device(s) re-audited from the store", stored,
                 current.audit.policy_version, results.size());
    (void)summary;
  }

  void run_job(const schedule::JobRequest& request, schedule::DoneCallback done) {
    std::shared_ptr<const LoadedSetup> current = setup;
    const nc::DeviceTarget* found = current->inventory.find(request.device);
    if (!found) {
      done({schedule::JobOutcome::failed_final, "not in the inventory"});
      return;
    }
    const unsigned max_attempts = 1 + static_cast<unsigned>(current->config.schedule.retries);
    const bool last_attempt = request.attempt >= max_attempts;
    const store::TimestampMs started = store::now_ms();
    ++collections_in_flight;
    collect_pool.post([this, current, target = *found, request, last_attempt, started,
                       done = std::move(done)]() mutable {
      nc::CollectResult fetched = job->fetch(target);
      --collections_in_flight;
      if (request.is_abandoned() || stopping) return;  // the scheduler gave up on it
      cpu_pool.post([this, current, target = std::move(target), request, last_attempt, started,
                     fetched = std::move(fetched), done = std::move(done)]() mutable {
        store::CollectionOutcome outcome =
            job->analyse(target, std::move(fetched), started, current->audit);
        const bool again = !outcome.ok && retryable(outcome.error_kind) && !last_attempt;
        if (again) {
          // Only the attempt that ends the job is recorded: a retry that succeeds is not an
          // outage.
          done({schedule::JobOutcome::failed_retryable, outcome.error_kind});
          return;
        }
        store_pool.post(
            [this, current, outcome = std::move(outcome), done = std::move(done)]() mutable {
              if (stopping) return;
              commit(outcome, *current, std::move(done));
            });
      });
    });
  }

  // Store thread.
  void commit(const store::CollectionOutcome& outcome, const LoadedSetup& current,
              schedule::DoneCallback done) {
    try {
      const store::CommitSummary summary = store->commit(outcome, current.audit.policy_version);
      for (const store::Event& event : summary.events)
        spdlog::info("event {} device={} {}{}", event.type, event.device,
                     event.control.empty() ? "" : "control=", event.control);
    } catch (const std::exception& error) {
      spdlog::error("{}: the store refused the result: {}", outcome.device, error.what());
      done({schedule::JobOutcome::failed_final, "store error"});
      return;
    }
    if (outcome.ok) {
      done({schedule::JobOutcome::ok, ""});
    } else {
      spdlog::warn("{}: collection failed ({}): {}", outcome.device, outcome.error_kind,
                   outcome.error_message);
      done({retryable(outcome.error_kind) ? schedule::JobOutcome::failed_retryable
                                          : schedule::JobOutcome::failed_final,
            outcome.error_kind});
    }
  }

  void reload() {
    cpu_pool.post([this] {
      try {
        auto loaded =
            std::make_shared<const LoadedSetup>(load_setup(options.config_file, options.shard));
        asio::post(io, [this, loaded] { apply_reload(loaded); });
      } catch (const std::exception& error) {
        spdlog::error("reload refused, keeping the running configuration: {}", error.what());
        metrics.config_reloaded(false, unix_seconds());
      }
    });
  }

  void apply_reload(std::shared_ptr<const LoadedSetup> loaded) {
    const ServeConfig& old_config = setup->config;
    if (loaded->config.store != old_config.store ||
        loaded->config.listen.to_string() != old_config.listen.to_string())
      spdlog::warn("reload: store and listen changes take effect at the next restart");
    for (const std::string& warning : loaded->warnings)
      spdlog::warn("{}", warning);
    try {
      if (api) api->set_options(api_options(loaded->config));
    } catch (const std::exception& error) {
      spdlog::error("reload refused, keeping the running configuration: {}", error.what());
      metrics.config_reloaded(false, unix_seconds());
      return;
    }
    setup = loaded;
    job = std::make_shared<const DeviceJob>(profiles, collect_options(loaded->config));
    scheduler->set_devices(schedule_entries(loaded->inventory));
    if (syslog) syslog->set_sources(syslog_sources(loaded->inventory));
    publish_setup_metrics(*loaded);
    metrics.config_reloaded(true, unix_seconds());
    store_pool.post([this, loaded] {
      try {
        store->sync_devices(store_devices(loaded->inventory));
        reaudit_if_policy_changed(*loaded);
        if (refresher) refresher->request_refresh();
      } catch (const std::exception& error) {
        spdlog::error("reload: the store refused the new inventory: {}", error.what());
      }
    });
    spdlog::info("reloaded {}: {} device(s), policy {}", options.config_file.string(),
                 loaded->inventory.devices.size(), loaded->audit.policy_version);
  }

  void wait_for_signals() {
    signals.async_wait([this](const boost::system::error_code& error, int signal) {
      if (error) return;
      if (signal == SIGHUP) {
        spdlog::info("SIGHUP: reloading");
        reload();
        wait_for_signals();
        return;
      }
      spdlog::info("signal {}: stopping", signal);
      shutdown();
    });
  }

  void shutdown() {
    if (stopping.exchange(true)) return;
    signals.cancel();
    ready = false;
    if (syslog) syslog->stop();
    scheduler->stop(setup->config.shutdown_timeout, [this](const schedule::StopReport& report) {
      if (report.abandoned > 0)
        spdlog::warn("stopping: {} job(s) abandoned at the deadline; nothing of theirs is stored",
                     report.abandoned);
      if (server) server->stop();
      refresher.reset();
      work.reset();
      io.stop();
    });
  }

  int run() {
    scheduler = std::make_unique<schedule::Scheduler>(
        io, schedule_options(setup->config.schedule),
        [this](const schedule::JobRequest& request, schedule::DoneCallback done) {
          run_job(request, std::move(done));
        },
        schedule::SchedulerHooks{
            [this](const schedule::JobEnd& end) {
              if (end.will_retry) return;
              const double seconds = std::chrono::duration<double>(end.duration).count();
              metrics.observe_collection(
                  end.outcome == schedule::JobOutcome::ok
                      ? "ok"
                      : (end.timed_out ? "timeout" : (end.error.empty() ? "error" : end.error)),
                  seconds);
            },
            [this](const schedule::CycleReport& report) {
              metrics.cycle_finished(
                  std::chrono::duration<double>(report.finished - report.started).count(),
                  unix_seconds());
              if (report.overran) metrics.cycle_overrun();
              if (refresher) refresher->request_refresh();
            }});
    scheduler->set_devices(schedule_entries(setup->inventory));
    wait_for_signals();
    if (!options.once) start_http_and_syslog();
    ready = true;
    if (options.once) {
      scheduler->run_cycle_once([this](const schedule::CycleReport& report) {
        spdlog::info("cycle done: {} device(s), {} ok, {} failed", report.devices, report.ok,
                     report.failed);
        exit_code = report.failed == 0 ? 0 : 1;
        shutdown();
      });
    } else {
      scheduler->start();
    }
    spdlog::info("netaudit serve: {} device(s), store {}, policy {}",
                 setup->inventory.devices.size(), setup->config.store.string(),
                 setup->audit.policy_version);
    io.run();
    // Commits already queued finish; nothing new starts.
    cpu_pool.join();
    store_pool.join();
    api.reset();
    return exit_code;
  }

  void start_http_and_syslog() {
    const ServeConfig& config = setup->config;
    api = std::make_unique<http::Api>(
        *store, metrics, api_options(config),
        http::ApiHooks{[this] { return ready.load(); },
                       [this](const std::string& device) -> std::optional<std::string> {
                         const auto id = scheduler->run_now(device);
                         if (!id) return std::nullopt;
                         return std::to_string(*id);
                       }});
    http::ServerOptions server_options;
    server_options.address = config.listen.host == "localhost" ? "127.0.0.1" : config.listen.host;
    server_options.port = config.listen.port;
    if (config.tls.cert_file)
      server_options.tls = http::TlsFiles{*config.tls.cert_file, *config.tls.key_file};
    server = std::make_unique<http::HttpServer>(
        io, http_pool.executor(), server_options,
        [this](const http::Request& request) { return api->handle(request); });
    refresher = std::make_unique<http::MetricsRefresher>(io, http_pool.executor(), metrics, *store);
    spdlog::info("listening on {}://{}:{} (/metrics, /healthz, /readyz, /api/v1/devices)",
                 server_options.tls ? "https" : "http", server_options.address, server->port());
    if (config.syslog.listen) {
      schedule::SyslogOptions syslog_options;
      syslog_options.listen = config.syslog.listen->to_string();
      syslog_options.debounce = config.syslog.debounce;
      syslog_options.patterns = config.syslog.patterns;
      syslog = std::make_unique<schedule::SyslogListener>(
          io, syslog_options, [this](const schedule::SyslogTrigger& trigger) {
            spdlog::info("syslog: {} says its config changed ({}, {} message(s)): collecting",
                         trigger.device, trigger.pattern, trigger.messages);
            scheduler->run_now(trigger.device, schedule::JobReason::syslog);
          });
      syslog->set_sources(syslog_sources(setup->inventory));
      syslog->start();
      spdlog::info("syslog listener on udp {}",
                   syslog->local_endpoint().address().to_string() + ":" +
                       std::to_string(syslog->local_endpoint().port()));
    }
  }

  // Leaves without waiting for collections stuck in libssh: the store is closed first, so
  // nothing is half-written, and the OS closes their sockets.
  void abandon_stuck_collections() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (collections_in_flight > 0 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (collections_in_flight == 0) return;
    spdlog::warn("exiting with {} collection(s) still waiting on their device",
                 collections_in_flight.load());
    scheduler.reset();
    store.reset();
    spdlog::shutdown();
    std::_Exit(exit_code);
  }
};

Daemon::Daemon(ServeOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Daemon::~Daemon() {
  if (impl_) impl_->abandon_stuck_collections();
}

int Daemon::run() {
  return impl_->run();
}

}  // namespace netaudit::serve
