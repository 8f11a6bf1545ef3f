// DaemonMetrics on hand-made device states: every series of issue 10 item 7, removal of devices
// that left the inventory, the finding cap, promtool's linter, and a real Prometheus scraping
// our server.
#include <prometheus/counter.h>
#include <prometheus/family.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/thread_pool.hpp>
#include <catch2/catch.hpp>
#include <map>
#include <sstream>
#include <thread>

#include "http/api.hpp"
#include "http/metrics.hpp"
#include "http/server.hpp"
#include "http_client.hpp"
#include "prometheus_process.hpp"
#include "synthetic_fleet.hpp"
#include "temp_dir.hpp"
#include "test_paths.hpp"

namespace {

using netaudit::http::DaemonMetrics;
using netaudit::test::synthetic_fleet;

// "name{labels}" -> value, from the text exposition (labels as the serializer writes them:
// sorted by name).
std::map<std::string, double> samples(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto space = line.rfind(' ');
    REQUIRE(space != std::string::npos);
    out[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return out;
}

std::size_t count_prefix(const std::map<std::string, double>& all, const std::string& prefix) {
  std::size_t n = 0;
  for (const auto& [key, value] : all)
    if (key.rfind(prefix, 0) == 0) ++n;
  return n;
}

// promtool's linter over an exposition: its output (empty when clean) and exit code.
netaudit::test::CommandResult promtool_check(const std::string& text) {
  REQUIRE(std::filesystem::exists("/usr/bin/promtool"));
  netaudit::test::TempDir dir("netaudit-promtool");
  const auto file = dir.write("metrics.txt", text);
  return netaudit::test::run_command("/usr/bin/promtool check metrics < '" + file.string() +
                                     "' 2>&1");
}

}  // namespace

TEST_CASE("metrics: per-device series from the store's state") {
  DaemonMetrics metrics;
  const auto fleet = synthetic_fleet(10);
  metrics.update_state(fleet.devices, fleet.failing);
  const auto all = samples(metrics.render());

  CHECK(all.at("netaudit_device_up{device=\"r0\"}") == 1);
  CHECK(all.at("netaudit_device_up{device=\"r4\"}") == 0);
  CHECK(all.at("netaudit_device_info{device=\"r1\",platform=\"juniper_junos\",rack_id=\"A1\","
               "site=\"site-1\",transport=\"ssh\"}") == 1);
  CHECK(all.at("netaudit_device_last_collection_timestamp_seconds{device=\"r3\"}") ==
        Approx(1'796'303'849.003));
  CHECK(all.at("netaudit_device_last_success_timestamp_seconds{device=\"r4\"}") == 0);  // never
  CHECK(all.at("netaudit_device_last_success_timestamp_seconds{device=\"r2\"}") ==
        Approx(1'796'303'849.002));
  // r6 fails ctl.0..ctl.5: critical, high, medium, low, info, critical.
  CHECK(all.at("netaudit_device_failing_controls{device=\"r6\",severity=\"critical\"}") == 2);
  CHECK(all.at("netaudit_device_failing_controls{device=\"r6\",severity=\"info\"}") == 1);
  CHECK(all.at("netaudit_device_failing_controls{device=\"r0\",severity=\"critical\"}") == 0);
  CHECK(all.at("netaudit_device_compliance_ratio{device=\"r6\"}") == Approx(0.7));
  CHECK(all.at("netaudit_config_last_change_timestamp_seconds{device=\"r0\"}") ==
        Approx(1'796'300'000));
  CHECK(all.at("netaudit_config_drift{device=\"r3\"}") == 1);
  CHECK(all.at("netaudit_config_drift{device=\"r4\"}") == 0);
  // ctl.0 is failed by every device with i % 7 >= 1: r1..r6, r8, r9.
  CHECK(all.at("netaudit_control_failing_devices{control=\"ctl.0\",severity=\"critical\"}") == 8);
  CHECK(all.at("netaudit_control_failing_devices{control=\"ctl.5\",severity=\"critical\"}") == 1);
  CHECK(all.at("netaudit_finding{control=\"ctl.2\",device=\"r3\",severity=\"medium\"}") == 1);
  CHECK(count_prefix(all, "netaudit_finding{") == fleet.failing.size());
  CHECK(all.at("netaudit_finding_series_dropped") == 0);
  CHECK(count_prefix(all, "netaudit_device_up{") == 10);
}

TEST_CASE("metrics: a device gone from the inventory loses every series, new labels replace old") {
  DaemonMetrics metrics;
  auto fleet = synthetic_fleet(8);
  metrics.update_state(fleet.devices, fleet.failing);
  REQUIRE(samples(metrics.render()).contains("netaudit_device_up{device=\"r6\"}"));

  // r6 leaves the inventory; r1 moves site.
  fleet.devices.erase(fleet.devices.begin() + 6);
  std::erase_if(fleet.failing, [](const auto& row) { return row.device == "r6"; });
  fleet.devices[1].info.labels["site"] = "site-9";
  metrics.update_state(fleet.devices, fleet.failing);
  const std::string text = metrics.render();
  CHECK(text.find("device=\"r6\"") == std::string::npos);
  CHECK(text.find("netaudit_device_info{device=\"r1\",platform=\"juniper_junos\",rack_id=\"A1\","
                  "site=\"site-1\"") == std::string::npos);
  CHECK(text.find("netaudit_device_info{device=\"r1\",platform=\"juniper_junos\",rack_id=\"A1\","
                  "site=\"site-9\"") != std::string::npos);
  CHECK(text.find("netaudit_device_info{device=\"r4\",platform=\"cisco_ios\",rack_id=\"A1\","
                  "site=\"site-1\"") != std::string::npos);
  // ctl.5 was failed only by r6: its series is gone too.
  CHECK(text.find("control=\"ctl.5\"") == std::string::npos);

  // A known control keeps a 0 series when nobody fails it.
  metrics.set_known_controls({{"ctl.5", "critical"}, {"ssh.v2", "high"}});
  metrics.update_state(fleet.devices, fleet.failing);
  const auto all = samples(metrics.render());
  CHECK(all.at("netaudit_control_failing_devices{control=\"ctl.5\",severity=\"critical\"}") == 0);
  CHECK(all.at("netaudit_control_failing_devices{control=\"ssh.v2\",severity=\"high\"}") == 0);

  metrics.update_state({}, {});
  CHECK(metrics.render().find("device=") == std::string::npos);
}

TEST_CASE("metrics: netaudit_finding is capped, most severe first, the rest counted") {
  netaudit::http::MetricsOptions options;
  options.finding_series_limit = 5;
  DaemonMetrics metrics(options);
  const auto fleet = synthetic_fleet(10);  // 8 critical failures among 30
  metrics.update_state(fleet.devices, fleet.failing);
  const auto all = samples(metrics.render());
  CHECK(count_prefix(all, "netaudit_finding{") == 5);
  CHECK(count_prefix(all, "netaudit_finding{control=\"ctl.0\"") +
            count_prefix(all, "netaudit_finding{control=\"ctl.5\"") ==
        5);
  CHECK(all.at("netaudit_finding_series_dropped") == fleet.failing.size() - 5);
  CHECK(!all.contains("netaudit_finding{control=\"ctl.4\",device=\"r5\",severity=\"info\"}"));
}

TEST_CASE("metrics: inventory label keys become valid label names") {
  using netaudit::http::sanitize_label_name;
  CHECK(sanitize_label_name("site") == "site");
  CHECK(sanitize_label_name("rack-id") == "rack_id");
  CHECK(sanitize_label_name("a.b/c d") == "a_b_c_d");
  CHECK(sanitize_label_name("9lives") == "label_9lives");
  CHECK(sanitize_label_name("__name__") == "label___name__");
  CHECK(sanitize_label_name("device") == "label_device");
  CHECK(sanitize_label_name("platform") == "label_platform");
  CHECK(sanitize_label_name("") == "label_");
  CHECK(sanitize_label_name("r\xc3\xa9gion") == "r__gion");
}

TEST_CASE("metrics: events from the scheduler and the process metrics") {
  DaemonMetrics metrics;
  metrics.observe_collection("ok", 0.3);
  metrics.observe_collection("ok", 2.0);
  metrics.observe_collection("timeout", 120);
  for (int i = 0; i < 40; ++i)
    metrics.observe_collection("kind" + std::to_string(i), 1);  // bounded: the rest is "other"
  metrics.cycle_finished(42.5, 1'796'303'849);
  metrics.cycle_overrun();
  metrics.config_reloaded(false, 1'796'303'900);
  metrics.set_build_info("0.1.0", "baseline-2026.12");
  metrics.set_build_info("0.1.0", "baseline-2026.13");
  metrics.set_waivers({{"active", 3}, {"expired", 1}});
  const auto all = samples(metrics.render());

  CHECK(all.at("netaudit_collections_total{result=\"ok\"}") == 2);
  CHECK(all.at("netaudit_collections_total{result=\"timeout\"}") == 1);
  CHECK(count_prefix(all, "netaudit_collections_total{") <= 33);
  CHECK(all.at("netaudit_collections_total{result=\"other\"}") > 0);
  CHECK(all.at("netaudit_collection_duration_seconds_count{result=\"ok\"}") == 2);
  CHECK(all.at("netaudit_collection_duration_seconds_sum{result=\"ok\"}") == Approx(2.3));
  CHECK(all.at("netaudit_collection_duration_seconds_bucket{result=\"ok\",le=\"0.5\"}") == 1);
  CHECK(all.at("netaudit_cycle_duration_seconds") == 42.5);
  CHECK(all.at("netaudit_last_cycle_timestamp_seconds") == 1'796'303'849);
  CHECK(all.at("netaudit_cycle_overruns_total") == 1);
  CHECK(all.at("netaudit_config_reload_success") == 0);
  CHECK(all.at("netaudit_build_info{policy_version=\"baseline-2026.13\",version=\"0.1.0\"}") == 1);
  CHECK(
      !all.contains("netaudit_build_info{policy_version=\"baseline-2026.12\",version=\"0.1.0\"}"));
  CHECK(all.at("netaudit_waivers{state=\"active\"}") == 3);
  CHECK(all.at("netaudit_waivers{state=\"expired\"}") == 1);

  CHECK(all.at("process_resident_memory_bytes") > 1e6);
  CHECK(all.at("process_virtual_memory_bytes") >= all.at("process_resident_memory_bytes"));
  CHECK(all.at("process_open_fds") >= 3);
  CHECK(all.at("process_max_fds") >= all.at("process_open_fds"));
  CHECK(all.at("process_cpu_seconds_total") > 0);
  const double now = static_cast<double>(std::time(nullptr));
  CHECK(all.at("process_start_time_seconds") <= now + 2);
  CHECK(all.at("process_start_time_seconds") > now - 24 * 3600);
}

TEST_CASE("metrics: other parts register their own metrics in the exposed registry") {
  DaemonMetrics metrics;
  auto& family = prometheus::BuildCounter()
                     .Name("netaudit_syslog_messages_total")
                     .Help("Syslog datagrams received.")
                     .Register(metrics.registry());
  family.Add({{"kind", "config_change"}}).Increment(3);
  CHECK(samples(metrics.render()).at("netaudit_syslog_messages_total{kind=\"config_change\"}") ==
        3);
}

TEST_CASE("metrics: promtool check metrics finds nothing to complain about") {
  DaemonMetrics metrics;
  const auto fleet = synthetic_fleet(30);
  metrics.update_state(fleet.devices, fleet.failing);
  metrics.observe_collection("ok", 1.5);
  metrics.observe_collection("auth_failed", 0.2);
  metrics.cycle_finished(10, 1'796'303'849);
  metrics.set_build_info("0.1.0", "baseline");
  const auto result = promtool_check(metrics.render());
  INFO(result.output);
  CHECK(result.exit_code == 0);
  CHECK(result.output.empty());

  // The linter is not blind: a counter without _total is reported.
  const auto bad =
      promtool_check("# HELP x_requests Requests.\n# TYPE x_requests counter\nx_requests 1\n");
  CHECK(bad.exit_code != 0);
  CHECK(bad.output.find("_total") != std::string::npos);
}
