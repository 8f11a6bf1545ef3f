// The daemon's Prometheus metrics (prometheus-cpp registry, text format 0.0.4), with bounded
// cardinality: per device a handful of series, per control one, and the per device x control
// netaudit_finding capped (what the cap drops is counted). Detail beyond that is in the API.
//
// Fleet state comes in whole (update_state, from the store's current state): series of devices
// gone from the inventory are removed, changed labels replace the old series. Events (a
// collection, a cycle, a reload) come from the scheduler. Thread-safe.
#pragma once

#include <prometheus/registry.h>

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/store.hpp"

namespace netaudit::http {

struct MetricsOptions {
  // netaudit_finding series at most; the most severe failures are kept first.
  std::size_t finding_series_limit = 10'000;
};

// Inventory label keys made Prometheus label names: every character outside [a-zA-Z0-9_]
// becomes '_', and a name that would start with a digit or "__", be empty or clash with
// device/platform/transport gets a "label_" prefix ("site-code" -> site_code).
std::string sanitize_label_name(std::string_view key);

class DaemonMetrics {
 public:
  explicit DaemonMetrics(MetricsOptions options = {});
  ~DaemonMetrics();
  DaemonMetrics(const DaemonMetrics&) = delete;
  DaemonMetrics& operator=(const DaemonMetrics&) = delete;

  // Where other parts (scheduler, syslog listener, alert sender) register their own metrics;
  // render() includes them.
  prometheus::Registry& registry();

  // The current devices and their failing findings (verdict "fail"; other verdicts are
  // ignored). Devices absent from `devices` lose all their series. Serialises the fleet's
  // series once (about 0.2 s of CPU for 10,000 devices) so that render() only copies them:
  // call it from a worker, e.g. through MetricsRefresher (http/api.hpp).
  void update_state(const std::vector<store::DeviceStatus>& devices,
                    const std::vector<store::FindingRow>& failing);
  // The policy's controls, so netaudit_control_failing_devices shows 0 for a control nobody
  // fails instead of having no series. Optional.
  void set_known_controls(const std::vector<std::pair<std::string, std::string>>& control_severity);

  // One finished collection: result is "ok" or the collector's error kind ("timeout", ...).
  void observe_collection(std::string_view result, double seconds);
  void cycle_finished(double seconds, double finished_unix_seconds);
  void cycle_overrun();
  void config_reloaded(bool ok, double unix_seconds);
  void set_build_info(std::string_view version, std::string_view policy_version);
  // Waiver counts by state: "active", "expired" (every state given; absent states are 0).
  void set_waivers(const std::map<std::string, int, std::less<>>& by_state);

  // The text exposition: the fleet as of the last update_state, everything registered in
  // registry(), and the process_* metrics. Cheap (a copy of the fleet text).
  std::string render() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace netaudit::http
