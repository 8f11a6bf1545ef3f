#include "http/metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/text_serializer.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <tuple>
#include <unordered_map>

namespace netaudit::http {
namespace {

using prometheus::Counter;
using prometheus::Family;
using prometheus::Gauge;
using prometheus::Histogram;

constexpr std::array<std::string_view, 5> kSeverities = {"critical", "high", "medium", "low",
                                                         "info"};
// Distinct `result` label values of the collection metrics; more become "other".
constexpr std::size_t kMaxResults = 32;
// Inventory labels per device on netaudit_device_info; the rest are left off.
constexpr std::size_t kMaxInfoLabels = 32;

int severity_rank(std::string_view severity) {
  for (std::size_t i = 0; i < kSeverities.size(); ++i)
    if (kSeverities[i] == severity) return static_cast<int>(i);
  return static_cast<int>(kSeverities.size());
}

double seconds(std::optional<store::TimestampMs> at) {
  return at ? static_cast<double>(*at) / 1000.0 : 0.0;
}

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

prometheus::Labels info_labels(const store::DeviceStatus& device) {
  prometheus::Labels labels{{"device", device.info.name}};
  if (!device.info.platform.empty()) labels.emplace("platform", device.info.platform);
  if (!device.info.transport.empty()) labels.emplace("transport", device.info.transport);
  std::size_t added = 0;
  for (const auto& [key, value] : device.info.labels) {
    if (value.empty() || added == kMaxInfoLabels) continue;
    // Two keys that sanitise alike ("a.b", "a-b"): the first in key order wins.
    if (labels.emplace(sanitize_label_name(key), value).second) ++added;
  }
  return labels;
}

// process_* metrics, read from /proc/self at each scrape (Linux).
std::vector<prometheus::MetricFamily> process_families() {
  auto gauge = [](std::string name, std::string help, double value,
                  prometheus::MetricType type = prometheus::MetricType::Gauge) {
    prometheus::ClientMetric metric;
    if (type == prometheus::MetricType::Counter)
      metric.counter.value = value;
    else
      metric.gauge.value = value;
    return prometheus::MetricFamily{std::move(name), std::move(help), type, {metric}};
  };
  std::vector<prometheus::MetricFamily> families;

  std::ifstream stat_file("/proc/self/stat");
  std::string stat((std::istreambuf_iterator<char>(stat_file)), std::istreambuf_iterator<char>());
  const auto comm_end = stat.rfind(')');
  if (comm_end != std::string::npos) {
    // Fields after "pid (comm)": state is field 3; utime 14, stime 15, starttime 22, vsize 23,
    // rss 24 (proc(5)).
    std::istringstream fields(stat.substr(comm_end + 2));
    std::vector<std::string> field(23);
    for (auto& value : field)
      fields >> value;
    const auto number = [&](int index) {
      return std::stod(field[static_cast<std::size_t>(index - 3)]);
    };
    const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
    if (!field[21].empty()) {
      families.push_back(gauge("process_cpu_seconds_total",
                               "Total user and system CPU time spent in seconds.",
                               (number(14) + number(15)) / ticks, prometheus::MetricType::Counter));
      families.push_back(
          gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.", number(23)));
      families.push_back(gauge("process_resident_memory_bytes", "Resident memory size in bytes.",
                               number(24) * page));
      std::ifstream proc_stat("/proc/stat");
      std::string line;
      while (std::getline(proc_stat, line)) {
        if (line.rfind("btime ", 0) == 0) {
          families.push_back(gauge("process_start_time_seconds",
                                   "Start time of the process since unix epoch in seconds.",
                                   std::stod(line.substr(6)) + number(22) / ticks));
          break;
        }
      }
    }
  }

  std::error_code error;
  std::size_t open_fds = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", error), end; !error && it != end;
       it.increment(error))
    ++open_fds;
  if (!error) {
    families.push_back(gauge("process_open_fds", "Number of open file descriptors.",
                             static_cast<double>(open_fds > 0 ? open_fds - 1 : 0)));  // minus ours
  }
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    families.push_back(gauge("process_max_fds", "Maximum number of open file descriptors.",
                             static_cast<double>(limit.rlim_cur)));
  }
  return families;
}

}  // namespace

std::string sanitize_label_name(std::string_view key) {
  std::string name(key);
  for (char& c : name) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) c = '_';
  }
  const bool needs_prefix = name.empty() || (name[0] >= '0' && name[0] <= '9') ||
                            name.rfind("__", 0) == 0 || name == "device" || name == "platform" ||
                            name == "transport";
  return needs_prefix ? "label_" + name : name;
}

struct DaemonMetrics::Impl {
  explicit Impl(MetricsOptions opts) : options(opts) {}

  struct DeviceSeries {
    // What netaudit_device_info was built from, to notice a change without rebuilding it.
    std::string platform;
    std::string transport;
    store::Labels labels;
    Gauge* up = nullptr;
    Gauge* info = nullptr;
    Gauge* last_collection = nullptr;
    Gauge* last_success = nullptr;
    std::array<Gauge*, kSeverities.size()> failing{};
    Gauge* compliance_ratio = nullptr;
    Gauge* last_change = nullptr;
    Gauge* drift = nullptr;
    std::uint64_t generation = 0;
  };
  struct Tracked {
    Gauge* gauge = nullptr;
    std::uint64_t generation = 0;
  };
  struct ControlSeries {
    std::string severity;
    Gauge* gauge = nullptr;
    std::uint64_t generation = 0;
  };

  // Fleet families live in their own registry: they change only in update_state, so their
  // text is serialised once per update, not once per scrape.
  template <class T>
  Family<T>& fleet_family(prometheus::detail::Builder<T> builder, const char* name,
                          const char* help) {
    return builder.Name(name).Help(help).Register(*fleet_registry);
  }
  template <class T>
  Family<T>& build(prometheus::detail::Builder<T> builder, const char* name, const char* help) {
    return builder.Name(name).Help(help).Register(*registry);
  }

  void remove_device(DeviceSeries& series) {
    device_up.Remove(series.up);
    device_info.Remove(series.info);
    last_collection.Remove(series.last_collection);
    last_success.Remove(series.last_success);
    for (Gauge* gauge : series.failing)
      failing_controls.Remove(gauge);
    compliance_ratio.Remove(series.compliance_ratio);
    config_last_change.Remove(series.last_change);
    config_drift.Remove(series.drift);
  }

  void set_info(DeviceSeries& series, const store::DeviceStatus& device) {
    if (series.info != nullptr) device_info.Remove(series.info);
    series.platform = device.info.platform;
    series.transport = device.info.transport;
    series.labels = device.info.labels;
    series.info = &device_info.Add(info_labels(device));
    series.info->Set(1);
  }

  DeviceSeries add_device(const store::DeviceStatus& status) {
    DeviceSeries series;
    const std::string& name = status.info.name;
    const prometheus::Labels device{{"device", name}};
    series.up = &device_up.Add(device);
    set_info(series, status);
    series.last_collection = &last_collection.Add(device);
    series.last_success = &last_success.Add(device);
    for (std::size_t i = 0; i < kSeverities.size(); ++i)
      series.failing[i] =
          &failing_controls.Add({{"device", name}, {"severity", std::string(kSeverities[i])}});
    series.compliance_ratio = &compliance_ratio.Add(device);
    series.last_change = &config_last_change.Add(device);
    series.drift = &config_drift.Add(device);
    return series;
  }

  MetricsOptions options;
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  std::shared_ptr<prometheus::Registry> fleet_registry = std::make_shared<prometheus::Registry>();
  mutable std::mutex mutex;  // our maps and fleet_text; prometheus' objects are thread-safe
  std::string fleet_text;    // the fleet registry's exposition as of the last update_state

  Family<Gauge>& device_up = fleet_family(prometheus::BuildGauge(), "netaudit_device_up",
                                          "1 when the device's last collection succeeded, else 0.");
  Family<Gauge>& device_info =
      fleet_family(prometheus::BuildGauge(), "netaudit_device_info",
                   "Always 1: the device's platform, transport and inventory labels.");
  Family<Gauge>& last_collection =
      fleet_family(prometheus::BuildGauge(), "netaudit_device_last_collection_timestamp_seconds",
                   "When the device's last collection ended (unix seconds; 0: never).");
  Family<Gauge>& last_success =
      fleet_family(prometheus::BuildGauge(), "netaudit_device_last_success_timestamp_seconds",
                   "When the device was last collected successfully (unix seconds; 0: never).");
  Family<Histogram>& collection_duration =
      build(prometheus::BuildHistogram(), "netaudit_collection_duration_seconds",
            "Time a collection and audit job took, by result.");
  Family<Counter>& collections_total =
      build(prometheus::BuildCounter(), "netaudit_collections_total",
            "Collections finished, by result (ok or the error kind).");
  Family<Gauge>& failing_controls =
      fleet_family(prometheus::BuildGauge(), "netaudit_device_failing_controls",
                   "Controls the device's latest config fails, by severity.");
  Family<Gauge>& compliance_ratio = fleet_family(
      prometheus::BuildGauge(), "netaudit_device_compliance_ratio",
      "Passed / (passed + failed) controls on the device's latest config (1: none apply).");
  Family<Gauge>& control_failing =
      fleet_family(prometheus::BuildGauge(), "netaudit_control_failing_devices",
                   "Devices whose latest config fails the control.");
  Family<Gauge>& finding = fleet_family(
      prometheus::BuildGauge(), "netaudit_finding",
      "1 per failing device x control pair, capped (see netaudit_finding_series_dropped).");
  Family<Gauge>& finding_dropped_family = fleet_family(
      prometheus::BuildGauge(), "netaudit_finding_series_dropped",
      "Failing device x control pairs left out of netaudit_finding by the series cap.");
  Family<Gauge>& config_last_change = fleet_family(
      prometheus::BuildGauge(), "netaudit_config_last_change_timestamp_seconds",
      "When the device's stored config last changed (unix seconds; 0: no config yet).");
  Family<Gauge>& config_drift =
      fleet_family(prometheus::BuildGauge(), "netaudit_config_drift",
                   "1 when the device's config differs from its intended config, else 0.");
  Family<Gauge>& waivers = build(prometheus::BuildGauge(), "netaudit_waivers", "Waivers by state.");
  Family<Gauge>& cycle_duration = build(prometheus::BuildGauge(), "netaudit_cycle_duration_seconds",
                                        "How long the last full collection cycle took.");
  Family<Gauge>& last_cycle =
      build(prometheus::BuildGauge(), "netaudit_last_cycle_timestamp_seconds",
            "When the last full collection cycle finished (unix seconds; 0: none yet).");
  Family<Counter>& cycle_overruns =
      build(prometheus::BuildCounter(), "netaudit_cycle_overruns_total",
            "Cycles that could not finish within their interval.");
  Family<Gauge>& reload_success =
      build(prometheus::BuildGauge(), "netaudit_config_reload_success",
            "1 when the last configuration load or reload succeeded, else 0.");
  Family<Gauge>& reload_success_timestamp =
      build(prometheus::BuildGauge(), "netaudit_config_reload_success_timestamp_seconds",
            "When the configuration was last loaded successfully (unix seconds).");
  Family<Gauge>& build_info =
      build(prometheus::BuildGauge(), "netaudit_build_info",
            "Always 1: the netaudit version and the version of the loaded policies.");

  Gauge& finding_dropped = finding_dropped_family.Add({});
  Gauge& cycle_duration_gauge = cycle_duration.Add({});
  Gauge& last_cycle_gauge = last_cycle.Add({});
  Counter& cycle_overruns_counter = cycle_overruns.Add({});
  Gauge& reload_success_gauge = reload_success.Add({});
  Gauge& reload_success_timestamp_gauge = reload_success_timestamp.Add({});

  std::uint64_t generation = 0;
  std::unordered_map<std::string, DeviceSeries> devices;
  std::map<std::tuple<std::string, std::string, std::string>, Tracked> findings;
  std::map<std::string, ControlSeries, std::less<>> controls;
  std::vector<std::pair<std::string, std::string>> known_controls;
  std::map<std::string, std::pair<Counter*, Histogram*>, std::less<>> results;
  std::map<std::string, Gauge*, std::less<>> waiver_states;
  Gauge* build_info_gauge = nullptr;
};

DaemonMetrics::DaemonMetrics(MetricsOptions options) : impl_(std::make_unique<Impl>(options)) {
  // The configuration was loaded before the daemon got this far: that counts as a success.
  impl_->reload_success_gauge.Set(1);
  impl_->reload_success_timestamp_gauge.Set(now_seconds());
  set_waivers({{"active", 0}, {"expired", 0}});
}

DaemonMetrics::~DaemonMetrics() = default;

prometheus::Registry& DaemonMetrics::registry() {
  return *impl_->registry;
}

void DaemonMetrics::update_state(const std::vector<store::DeviceStatus>& devices,
                                 const std::vector<store::FindingRow>& failing) {
  Impl& m = *impl_;
  std::lock_guard lock(m.mutex);
  const std::uint64_t generation = ++m.generation;

  for (const store::DeviceStatus& device : devices) {
    auto it = m.devices.find(device.info.name);
    if (it == m.devices.end()) {
      it = m.devices.emplace(device.info.name, m.add_device(device)).first;
    } else if (it->second.platform != device.info.platform ||
               it->second.transport != device.info.transport ||
               it->second.labels != device.info.labels) {
      m.set_info(it->second, device);
    }
    Impl::DeviceSeries& series = it->second;
    series.generation = generation;
    series.up->Set(device.up ? 1 : 0);
    series.last_collection->Set(seconds(device.last_collection));
    series.last_success->Set(seconds(device.last_success));
    for (std::size_t i = 0; i < kSeverities.size(); ++i) {
      const auto count = device.failing_by_severity.find(kSeverities[i]);
      series.failing[i]->Set(count == device.failing_by_severity.end() ? 0 : count->second);
    }
    series.compliance_ratio->Set(device.compliance_ratio);
    series.last_change->Set(seconds(device.last_change));
    series.drift->Set(device.drift ? 1 : 0);
  }
  for (auto it = m.devices.begin(); it != m.devices.end();) {
    if (it->second.generation == generation) {
      ++it;
    } else {
      m.remove_device(it->second);
      it = m.devices.erase(it);
    }
  }

  // Per control: how many devices fail it (a control has one severity; the latest seen wins).
  struct Failing {
    std::string_view severity;
    int devices = 0;
  };
  std::map<std::string_view, Failing> failing_devices;
  for (const auto& [control, severity] : m.known_controls)
    failing_devices[control].severity = severity;
  struct Ranked {
    int rank;
    const store::FindingRow* row;
  };
  std::vector<Ranked> failures;
  failures.reserve(failing.size());
  for (const store::FindingRow& row : failing) {
    if (row.verdict != "fail") continue;
    Failing& entry = failing_devices[row.control];
    entry.severity = row.severity;
    ++entry.devices;
    failures.push_back({severity_rank(row.severity), &row});
  }
  for (const auto& [control, entry] : failing_devices) {
    auto it = m.controls.find(control);
    if (it == m.controls.end())
      it = m.controls.emplace(std::string(control), Impl::ControlSeries{}).first;
    Impl::ControlSeries& series = it->second;
    if (series.gauge == nullptr || series.severity != entry.severity) {
      if (series.gauge != nullptr) m.control_failing.Remove(series.gauge);
      series.severity = entry.severity;
      series.gauge =
          &m.control_failing.Add({{"control", it->first}, {"severity", series.severity}});
    }
    series.gauge->Set(entry.devices);
    series.generation = generation;
  }
  for (auto it = m.controls.begin(); it != m.controls.end();) {
    if (it->second.generation == generation) {
      ++it;
    } else {
      m.control_failing.Remove(it->second.gauge);
      it = m.controls.erase(it);
    }
  }

  // netaudit_finding: the most severe first, then by device and control, up to the cap.
  const auto before = [](const Ranked& a, const Ranked& b) {
    if (a.rank != b.rank) return a.rank < b.rank;
    return std::tie(a.row->device, a.row->control) < std::tie(b.row->device, b.row->control);
  };
  const std::size_t kept = std::min(failures.size(), m.options.finding_series_limit);
  if (kept < failures.size())
    std::nth_element(failures.begin(), failures.begin() + static_cast<std::ptrdiff_t>(kept),
                     failures.end(), before);
  for (std::size_t i = 0; i < kept; ++i) {
    const store::FindingRow& row = *failures[i].row;
    auto [it, added] = m.findings.try_emplace({row.device, row.control, row.severity});
    if (added) {
      it->second.gauge = &m.finding.Add(
          {{"device", row.device}, {"control", row.control}, {"severity", row.severity}});
      it->second.gauge->Set(1);
    }
    it->second.generation = generation;
  }
  for (auto it = m.findings.begin(); it != m.findings.end();) {
    if (it->second.generation == generation) {
      ++it;
    } else {
      m.finding.Remove(it->second.gauge);
      it = m.findings.erase(it);
    }
  }
  m.finding_dropped.Set(static_cast<double>(failures.size() - kept));

  // Serialised here, once per update, so that a scrape only copies the text.
  std::ostringstream fleet;
  prometheus::TextSerializer().Serialize(fleet, m.fleet_registry->Collect());
  m.fleet_text = std::move(fleet).str();
}

void DaemonMetrics::set_known_controls(
    const std::vector<std::pair<std::string, std::string>>& control_severity) {
  std::lock_guard lock(impl_->mutex);
  impl_->known_controls = control_severity;  // applied at the next update_state
}

void DaemonMetrics::observe_collection(std::string_view result, double seconds) {
  Impl& m = *impl_;
  std::lock_guard lock(m.mutex);
  auto it = m.results.find(result);
  if (it == m.results.end()) {
    const std::string label = m.results.size() < kMaxResults ? std::string(result) : "other";
    it = m.results.find(label);
    if (it == m.results.end()) {
      static const Histogram::BucketBoundaries kBuckets = {0.05, 0.1, 0.25, 0.5, 1,   2.5,
                                                           5,    10,  30,   60,  120, 300};
      Counter* counter = &m.collections_total.Add({{"result", label}});
      Histogram* histogram = &m.collection_duration.Add({{"result", label}}, kBuckets);
      it = m.results.emplace(label, std::make_pair(counter, histogram)).first;
    }
  }
  it->second.first->Increment();
  it->second.second->Observe(seconds);
}

void DaemonMetrics::cycle_finished(double seconds, double finished_unix_seconds) {
  impl_->cycle_duration_gauge.Set(seconds);
  impl_->last_cycle_gauge.Set(finished_unix_seconds);
}

void DaemonMetrics::cycle_overrun() {
  impl_->cycle_overruns_counter.Increment();
}

void DaemonMetrics::config_reloaded(bool ok, double unix_seconds) {
  impl_->reload_success_gauge.Set(ok ? 1 : 0);
  if (ok) impl_->reload_success_timestamp_gauge.Set(unix_seconds);
}

void DaemonMetrics::set_build_info(std::string_view version, std::string_view policy_version) {
  Impl& m = *impl_;
  std::lock_guard lock(m.mutex);
  if (m.build_info_gauge != nullptr) m.build_info.Remove(m.build_info_gauge);
  m.build_info_gauge = &m.build_info.Add(
      {{"version", std::string(version)}, {"policy_version", std::string(policy_version)}});
  m.build_info_gauge->Set(1);
}

void DaemonMetrics::set_waivers(const std::map<std::string, int, std::less<>>& by_state) {
  Impl& m = *impl_;
  std::lock_guard lock(m.mutex);
  for (auto& [state, gauge] : m.waiver_states)
    gauge->Set(0);
  for (const auto& [state, count] : by_state) {
    auto it = m.waiver_states.find(state);
    if (it == m.waiver_states.end())
      it = m.waiver_states.emplace(state, &m.waivers.Add({{"state", state}})).first;
    it->second->Set(count);
  }
}

std::string DaemonMetrics::render() const {
  std::string text;
  {
    std::lock_guard lock(impl_->mutex);
    text = impl_->fleet_text;
  }
  auto families = impl_->registry->Collect();
  for (auto& family : process_families())
    families.push_back(std::move(family));
  std::ostringstream rest;
  prometheus::TextSerializer().Serialize(rest, families);
  text += std::move(rest).str();
  return text;
}

}  // namespace netaudit::http
